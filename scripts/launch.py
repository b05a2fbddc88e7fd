"""Open the course in JupyterLab.

    .venv/bin/python scripts/launch.py                # a student's view: notebooks/, on the welcome notebook
    .venv/bin/python scripts/launch.py --instructor   # the course root, with nbgrader's Formgrader

Student mode (the default) serves notebooks/ with 00_welcome open and hides what binder/postBuild hides on
Binder: nbgrader's instructor tools (Formgrader, Create Assignment, the exchange's course and assignment
lists, their menu), so that Validate is the only nbgrader tool left, and JupyterLab's "get notified about
Jupyter news?" toast, which covers the notebook's plots.

Instructor mode serves the course root (solutions/, notebooks/, submitted/, ...) with every nbgrader tool.
Formgrader keeps its gradebook at the course root (gradebook.db), and the exchange that release_assignment
and collect use is the course's own exchange/ folder, created writable, unless a c.Exchange.root is already
set in an nbgrader_config (the course's, the user's or the system's).

Both modes change nothing in the user's Jupyter configuration: what they hide or set is written to
.launch/<mode>/ in the course root (git-ignored), which only this launch's server reads, through
JUPYTER_CONFIG_PATH. The server, its kernels and its terminals get this venv's bin/ first on PATH (nbgrader
runs `alembic` from there) and one BLAS thread (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and MKL_NUM_THREADS
are set to 1 unless already set): the course's matrices are small, and on a busy machine BLAS's default
threads spin waiting for cores.

Run as root (containers, cloud shells, CI), it adds --allow-root, without which JupyterLab refuses to start.
Any further arguments go to `jupyter lab` unchanged (e.g. --no-browser, --port=8890). Stop the server with
Ctrl-C twice in this terminal, or File > Shut Down in JupyterLab.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
WELCOME = Path("notebooks") / "00_welcome" / "00_welcome.ipynb"
INSTRUCTOR_FLAG = "--instructor"
# Hidden from students, here and in binder/postBuild (tests/test_launch.py checks that the two agree).
# Plugin ids as @jupyter/nbgrader 0.9.6 names them; the "menu" plugin holds nothing but links to the others.
INSTRUCTOR_LAB_PLUGINS = tuple(f"@jupyter/nbgrader:{plugin}" for plugin in (
    "formgrader", "create-assignment", "course-list", "assignment-list", "menu"))
INSTRUCTOR_SERVER_EXTENSIONS = tuple(f"nbgrader.server_extensions.{extension}" for extension in (
    "formgrader", "assignment_list", "course_list"))
NEWS_TOAST_PLUGIN = "@jupyterlab/apputils-extension:announcements"
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass(frozen=True)
class Launch:
    """What to start: the command, its environment and working directory, and the files to write first
    (the private configuration that JUPYTER_CONFIG_PATH points the server at)."""

    command: list[str]
    env: dict[str, str]
    cwd: Path
    private_config: Path  # this mode's folder of JUPYTER_CONFIG_PATH, which holds every file below
    files: dict[Path, str]
    exchange: Path | None  # the course-local exchange folder to create, if this launch uses one


def plan(argv: list[str], environ: dict[str, str], running_as_root: bool, exchange_configured: bool,
         course_root: Path = REPO_ROOT, python: str = sys.executable) -> Launch:
    """The launch for these command-line arguments. exchange_configured: an nbgrader_config already sets
    c.Exchange.root (then instructor mode leaves the exchange alone)."""
    instructor = INSTRUCTOR_FLAG in argv
    lab_args = [arg for arg in argv if arg != INSTRUCTOR_FLAG]
    venv_bin = Path(python).parent
    mode = "instructor" if instructor else "student"
    private_config = course_root / ".launch" / mode

    hidden_plugins = [NEWS_TOAST_PLUGIN] if instructor else [*INSTRUCTOR_LAB_PLUGINS, NEWS_TOAST_PLUGIN]
    files = {private_config / "labconfig" / "page_config.json":
             json.dumps({"disabledExtensions": dict.fromkeys(hidden_plugins, True)}, indent=2) + "\n"}
    exchange = None
    if instructor and not exchange_configured:
        exchange = course_root / "exchange"
        files[private_config / "nbgrader_config.json"] = json.dumps(
            {"Exchange": {"root": str(exchange)}}, indent=2) + "\n"

    command = [str(venv_bin / "jupyter"), "lab"]
    if instructor:
        command.append(f"--ServerApp.root_dir={course_root}")
    else:
        # root_dir=notebooks keeps every notebook in the file browser: given a file alone, JupyterLab would
        # serve only that file's folder.
        command += [f"--ServerApp.root_dir={course_root / 'notebooks'}", str(course_root / WELCOME)]
        # Given on the command line, these win over every configuration file that enables them.
        command += [f"--ServerApp.jpserver_extensions={extension}=False"
                    for extension in INSTRUCTOR_SERVER_EXTENSIONS]
    if running_as_root:
        command.append("--allow-root")

    env = dict(environ)
    for name, value in ONE_BLAS_THREAD.items():
        env.setdefault(name, value)
    env["PATH"] = os.pathsep.join([str(venv_bin), *filter(None, [environ.get("PATH")])])
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join([str(private_config),
                                                  *filter(None, [environ.get("JUPYTER_CONFIG_PATH")])])
    return Launch(command + lab_args, env, course_root, private_config, files, exchange)


def exchange_root_configured(course_root: Path) -> bool:
    """Whether an nbgrader_config that nbgrader would read from course_root sets c.Exchange.root: the
    course's own, or one in a Jupyter configuration folder (user's, environment's, system's)."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config.loader import JSONFileConfigLoader, PyFileConfigLoader

    folders = [str(course_root), *jupyter_config_path()]
    sys.path.insert(0, str(course_root))  # the course's nbgrader_config.py imports the course's package
    try:
        for folder in folders:
            for name, loader in (("nbgrader_config.py", PyFileConfigLoader),
                                 ("nbgrader_config.json", JSONFileConfigLoader)):
                if not (Path(folder) / name).is_file():
                    continue
                config = loader(name, path=folder).load_config()
                if "Exchange" in config and "root" in config.Exchange:
                    return True
    finally:
        sys.path.remove(str(course_root))
    return False


def main() -> None:
    argv = sys.argv[1:]
    # os.geteuid does not exist on Windows, where there is no root to refuse.
    running_as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    configured = INSTRUCTOR_FLAG in argv and exchange_root_configured(REPO_ROOT)
    launch = plan(argv, dict(os.environ), running_as_root, configured)
    # Written afresh each time: nothing of an earlier launch's configuration may linger. Only this mode's
    # folder: a server of the other mode may be running on the other one.
    shutil.rmtree(launch.private_config, ignore_errors=True)
    for path, text in launch.files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    if launch.exchange:
        launch.exchange.mkdir(exist_ok=True)
    os.chdir(launch.cwd)
    # exec, so that Ctrl-C reaches JupyterLab directly and its exit status is this command's.
    os.execve(launch.command[0], launch.command, launch.env)


if __name__ == "__main__":
    main()
