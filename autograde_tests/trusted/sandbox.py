"""The sandbox that a worker running a student's cells starts in (see session.py's _Worker).

On Linux with bubblewrap (`bwrap`, Debian's `bubblewrap` package) the worker runs in its own mount,
PID, network, IPC and UTS namespaces, and sees only:

- the Python environment (sys.prefix, the base Python, /usr and the system libraries) and the course's
  packages (course_lib, autograde_tests), read-only;
- a private temporary copy of the submission's folder (its working directory, /submission), a private
  home (/home/student: IPython's and Matplotlib's settings go there), a private /tmp and /dev/shm,
  read-write;
- no network (only its own, empty loopback), no other process (not the grader's), and none of the
  course's files: not nbgrader_config.py (where the grading secret is), solutions/, submitted/, the
  gradebook, the exchange or the grader's $HOME.

Resource limits (prlimit) bound its address space, processes, file size and CPU time. When the grader
runs as root, the worker drops to an unprivileged user id of its own first (setpriv), because the
kernel never applies a process limit to root. Where no sandbox can start (not Linux, no bwrap, no user
namespaces), the worker runs as before, unsandboxed, and the grader logs why once; the autograded
notebook records it either way (`status()`). AUTOGRADE_SANDBOX=off switches the sandbox off, for
debugging. docs/THREAT_MODEL.md says what this defends against and how it was chosen.
"""

import functools
import itertools
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import weakref
from pathlib import Path

import autograde_tests
import course_lib
from autograde_tests import limits

log = logging.getLogger(__name__)

SWITCH = "AUTOGRADE_SANDBOX"
# NumPy, IPython and Matplotlib take about 330 MB of address space (measured with a 2-thread OpenBLAS;
# OpenBLAS reserves more with more cores), so 4 GiB leaves a notebook ample room and stops 20 GB at once.
ADDRESS_SPACE_LIMIT = 4 << 30
# The worker is one process; a student's own subprocess or multiprocessing pool still fits.
PROCESS_LIMIT = 64
FILE_SIZE_LIMIT = 256 << 20
# What of the submission's folder is copied into the sandbox, for each worker (a self-checked notebook
# may sit in a big folder; the course's notebooks read no files of their own).
FOLDER_COPY_LIMIT = 20 << 20
FOLDER_COPY_ENTRIES = 200
# A root grader's workers run as user ids of their own, from this one up (see _worker_uids): the process
# limit counts per user, so a student's fork bomb cannot stop another worker, even one starting while the
# bomb's last processes are still being killed, from starting.
UNPRIVILEGED_UID_BASE = 1_000_000

COURSE_PACKAGES = (autograde_tests, course_lib)
SUBMISSION, HOME, TMP = "/submission", "/home/student", "/tmp"
# Host variables a worker may keep: the locale and the thread counts of the numerical libraries.
PASSED_VARIABLES = ("LANG", "LC_ALL", "TZ", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


class Sandbox:
    """How to start one worker: `command(argv)`, `cwd` and `env` for subprocess.Popen.

    With the sandbox on, it owns a private temporary directory (the copy of `folder`, the home and /tmp),
    removed when this object is garbage-collected, that is when its worker is dropped.
    """

    def __init__(self, folder):
        self.enabled = status() == "bubblewrap"
        if not self.enabled:
            self.cwd = folder
            self.env = dict(os.environ, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
            return
        self._root = Path(tempfile.mkdtemp(prefix="autograde-sandbox-"))
        weakref.finalize(self, shutil.rmtree, self._root, ignore_errors=True)
        self._uid = next(_worker_uids)
        _prepare(self._root, Path(folder), self._uid)
        self.cwd = str(self._root)
        self.env = _worker_environment()

    def command(self, argv):
        """`argv` (a Python command: the worker, say) as this sandbox runs it."""
        if not self.enabled:
            return list(argv)
        return _bwrap_command(self._root, argv, self._uid)


@functools.cache
def status():
    """What workers run in: "bubblewrap", or "none: <why>" (logged once per grading process)."""
    reason = _why_unavailable()
    if reason:
        log.warning("Student code runs without a sandbox: %s. See docs/THREAT_MODEL.md.", reason)
        return f"none: {reason}"
    return "bubblewrap"


def _why_unavailable():
    if os.environ.get(SWITCH, "").lower() == "off":
        return f"switched off by {SWITCH}=off"
    if not sys.platform.startswith("linux"):
        return f"bubblewrap needs Linux, and this is {sys.platform}"
    missing = [tool for tool in ("bwrap", "prlimit", "setpriv") if not shutil.which(tool)]
    if missing:
        return f"{', '.join(missing)} not installed (Debian: apt-get install bubblewrap util-linux)"
    with tempfile.TemporaryDirectory(prefix="autograde-sandbox-probe-") as root:
        uid = next(_worker_uids)
        _prepare(Path(root), None, uid)
        argv = [sys.executable, "-c", "import autograde_tests.trusted.worker, course_lib"]
        try:
            result = subprocess.run(_bwrap_command(Path(root), argv, uid), cwd=root, env=_worker_environment(),
                                    capture_output=True, text=True, timeout=limits.WORKER_START_SECONDS)
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"bubblewrap could not start ({type(error).__name__}: {error})"
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
        return f"bubblewrap could not start the worker ({last})"
    return ""


# 256 workers a grading process in turn, each its own user id (a process id is below 2**22, so these stay
# below 2**31).
_worker_uids = (UNPRIVILEGED_UID_BASE + (os.getpid() << 8) + n % 256 for n in itertools.count())


def _worker_environment():
    python_path = os.pathsep.join(dict.fromkeys(str(Path(p.__file__).parents[1]) for p in COURSE_PACKAGES))
    return {name: os.environ[name] for name in PASSED_VARIABLES if name in os.environ} | {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": HOME, "USER": "student", "LOGNAME": "student", "TMPDIR": TMP,
        "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{HOME}/.config/matplotlib", "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": python_path,
    }


def _read_only_paths():
    """The host paths the worker may read, each once (none inside another)."""
    # As Python names them (bwrap follows a link in the source; the worker must find the same names).
    wanted = {Path(p) for p in ("/usr", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
                                "/etc/nsswitch.conf", "/etc/passwd", "/etc/group")}
    wanted |= {Path(os.path.abspath(p)) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)}
    wanted |= {Path(os.path.abspath(p.__file__)).parent for p in COURSE_PACKAGES}
    wanted = sorted(p for p in wanted if p.exists())
    return [p for p in wanted if not any(q != p and q in p.parents for q in wanted)]


def _bwrap_command(root, argv, uid):
    """The bwrap (and, inside it, setpriv and prlimit) command line that runs `argv` in the sandbox."""
    command = [shutil.which("bwrap"), "--die-with-parent", "--new-session"]
    if os.geteuid() == 0:
        # Root needs no user namespace to build the sandbox; inside it, the worker drops to its own user.
        command += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                    "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        command += ["--unshare-all"]
    paths = _read_only_paths()
    mounts = [("--ro-bind", str(path), str(path)) for path in paths]
    mounts += [("--bind", str(root / "tmp"), TMP), ("--bind", str(root / "home"), HOME),
               ("--bind", str(root / "submission"), SUBMISSION), ("--bind", str(root / "shm"), "/dev/shm")]
    command += ["--dev", "/dev", "--proc", "/proc"]
    created = {Path("/dev")}
    for option, source, target in mounts:
        # bwrap would give a missing parent (like /root) its host mode; an unprivileged worker must traverse it.
        for parent in reversed(Path(target).parents[:-1]):
            if parent not in created and not any(p == parent or p in parent.parents for p in paths):
                command += ["--perms", "0755", "--dir", str(parent)]
                created.add(parent)
        command += [option, source, target]
    for name in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(name):
            command += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            command += ["--ro-bind", name, name]
    # The root that bwrap builds the rest on is read-only, so only the private folders take writes.
    command += ["--remount-ro", "/", "--chdir", SUBMISSION, "--"]
    if os.geteuid() == 0:
        command += [shutil.which("setpriv"), f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                    "--inh-caps=-all", "--no-new-privs", "--"]
    command += [shutil.which("prlimit"), f"--as={ADDRESS_SPACE_LIMIT}", f"--nproc={PROCESS_LIMIT}",
                f"--fsize={FILE_SIZE_LIMIT}", f"--cpu={limits.WORKER_CPU_SECONDS}", "--core=0", "--", *argv]
    return command


def _prepare(root, folder, uid):
    """Fill `root` with the worker's private folders: submission (a copy of `folder`, or empty), home, tmp
    and shm (/dev/shm, for multiprocessing's semaphores), owned by the worker's own user `uid` when the
    grader is root."""
    if folder is None:
        (root / "submission").mkdir()
    else:
        _copy_folder(folder, root / "submission")
    for name in ("home", "tmp", "shm"):
        (root / name).mkdir()
    if os.geteuid() == 0:
        for path in [root, *root.rglob("*")]:
            os.chown(path, uid, uid, follow_symlinks=False)


def _copy_folder(source, target):
    """Copy the submission's folder, its links as links (so a link to a course file leads nowhere inside
    the sandbox), in walking order, until FOLDER_COPY_LIMIT bytes or FOLDER_COPY_ENTRIES files and folders;
    what is left out is logged."""
    target.mkdir()
    room, entries = FOLDER_COPY_LIMIT, FOLDER_COPY_ENTRIES
    for directory, folders, files in os.walk(source):
        here = target / Path(directory).relative_to(source)
        for name in folders + files:
            path, copy = Path(directory) / name, here / name
            size = path.lstat().st_size
            if entries == 0 or size > room:
                log.warning("The sandbox's copy of %s stops before %s: it takes at most %d MB in %d files and "
                            "folders", source, path, FOLDER_COPY_LIMIT >> 20, FOLDER_COPY_ENTRIES)
                return
            if path.is_symlink():
                copy.symlink_to(os.readlink(path))
            elif path.is_dir():
                copy.mkdir()
            elif path.is_file():
                shutil.copyfile(path, copy)
                room -= size
            entries -= 1
