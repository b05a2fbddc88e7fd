"""binder/ describes an environment in which the course works, built the way repo2docker builds it.

The quick tests read the files. The slow one (marker `binder`) builds that environment from nothing in a
temporary folder, as repo2docker does on mybinder.org for a requirements.txt + runtime.txt + postBuild
repo: a venv of the runtime's Python, `pip install -r binder/requirements.txt`, then `bash binder/postBuild`
from the repo's root with the environment's bin/ first on PATH. Then it executes every solutions notebook
in that environment's own kernel (through tests/notebook_helpers.py run by that environment's Python)
and expects full marks. Nothing is reused between runs: the venv is new each time (pip's download cache,
if the machine has one, is used as any pip would). The main venv is never touched: every command runs the
new venv's executables, with isolated Jupyter config/data dirs and no user site-packages.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from notebook_helpers import REPO_ROOT, NotebookRun, notebook_ids

BINDER = REPO_ROOT / "binder"
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._\-]*)(\[[^\]]*\])?==(?P<version>[A-Za-z0-9.+!\-]+)$")
# The nbgrader Lab plugins and server extensions that binder/postBuild turns off: students on Binder
# keep only Validate (the "menu" plugin only links to the others). The news toast goes too.
DISABLED_PLUGINS = {f"@jupyter/nbgrader:{p}" for p in
                    ("formgrader", "create-assignment", "course-list", "assignment-list", "menu")
                    } | {"@jupyterlab/apputils-extension:announcements"}
KEPT_PLUGIN = "@jupyter/nbgrader:validate-assignment"
DISABLED_SERVER_EXTENSIONS = {f"nbgrader.server_extensions.{e}"
                              for e in ("formgrader", "assignment_list", "course_list")}
KEPT_SERVER_EXTENSION = "nbgrader.server_extensions.validate_assignment"


def requirement_lines(path: Path) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in path.read_text().splitlines()
            if line.split("#", 1)[0].strip()]


def pins(path: Path) -> dict[str, str]:
    """Normalised name -> version for every `name==version` line."""
    found = {}
    for line in requirement_lines(path):
        match = PIN.match(line)
        if match:
            found[re.sub(r"[-_.]+", "-", match["name"]).lower()] = match["version"]
    return found


def runtime_version() -> str:
    text = (BINDER / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", text), f"binder/runtime.txt should read like python-3.11, not {text!r}"
    return text.removeprefix("python-")


def test_binder_requirements_are_fully_pinned():
    lines = requirement_lines(BINDER / "requirements.txt")
    assert lines, "binder/requirements.txt is empty"
    loose = [line for line in lines if not PIN.match(line)]
    assert not loose, f"not plain name==version pins (no -e, paths, URLs or ranges on Binder): {loose}"


def test_binder_pins_agree_with_requirements_txt():
    """Every package pinned in requirements.txt has the same pin for Binder, so students on Binder and on
    their own machine run the same versions (regenerate with scripts/freeze_binder_requirements.py)."""
    ours, binder = pins(REPO_ROOT / "requirements.txt"), pins(BINDER / "requirements.txt")
    differ = {name: (version, binder.get(name)) for name, version in ours.items() if binder.get(name) != version}
    assert not differ, f"requirements.txt vs binder/requirements.txt: {differ}"


def test_binder_runtime_satisfies_requires_python():
    requires = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = tuple(int(x) for x in re.fullmatch(r">=\s*(\d+\.\d+)", requires)[1].split("."))
    assert tuple(int(x) for x in runtime_version().split(".")) >= minimum


def test_postbuild_is_a_strict_bash_script():
    lines = (BINDER / "postBuild").read_text().splitlines()
    assert lines[0] == "#!/bin/bash"
    assert "set -e" in (line.strip() for line in lines)


# ---------------------------------------------------------------------------------------------------------


def runtime_python() -> str | None:
    version = runtime_version()
    found = shutil.which(f"python{version}")
    if found:
        return found
    return sys.executable if "{}.{}".format(*sys.version_info[:2]) == version else None


def copy_repo(dest: Path) -> None:
    """The files repo2docker would see in a clone: tracked ones plus new files not ignored by git (so
    uncommitted work is tested too); a plain copy of the tree where there is no git."""
    listing = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                             cwd=REPO_ROOT, capture_output=True)
    if listing.returncode == 0:
        for name in filter(None, listing.stdout.decode().split("\0")):
            source = REPO_ROOT / name
            if source.is_file():  # a tracked file deleted in the work tree is gone for the clone too
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, dest / name)
    else:
        shutil.copytree(REPO_ROOT, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
            ".git", ".venv", "venv", "__pycache__", "*.egg-info", "build", ".*_cache", "gradebook.db"))


class Environment:
    """Commands run with a venv's bin/ first on PATH, as repo2docker runs postBuild and Binder runs Lab."""

    def __init__(self, venv: Path, scratch: Path):
        self.bin = venv / "bin"
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
        env.update(
            PATH=f"{self.bin}{os.pathsep}{env.get('PATH', '')}",
            VIRTUAL_ENV=str(venv),
            PYTHONNOUSERSITE="1",
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            # Anything written at the user level lands here, not in ~/.jupyter.
            JUPYTER_CONFIG_DIR=str(scratch / "jupyter-config"),
            JUPYTER_DATA_DIR=str(scratch / "jupyter-data"),
            JUPYTER_RUNTIME_DIR=str(scratch / "jupyter-runtime"),
        )
        self.env = env
        self.timings: dict[str, float] = {}

    def run(self, step: str, args: list[str], cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess:
        start = time.perf_counter()
        result = subprocess.run(args, cwd=cwd, env=self.env, capture_output=True, text=True, timeout=timeout)
        self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - start
        if result.returncode != 0:
            pytest.fail(f"{step}: `{' '.join(args)}` exited {result.returncode}\n{result.stdout}\n{result.stderr}")
        return result


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.mark.binder
def test_binder_environment_runs_every_solution(tmp_path):
    python = runtime_python()
    if python is None:
        pytest.skip(f"Python {runtime_version()} (binder/runtime.txt) is not on PATH")
    repo, venv = tmp_path / "repo", tmp_path / "venv"
    copy_repo(repo)
    started = time.perf_counter()
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
    binder = Environment(venv, tmp_path)
    binder.run("pip install -r binder/requirements.txt",
               [str(binder.bin / "pip"), "install", "--quiet", "-r", "binder/requirements.txt"], cwd=repo)
    binder.run("bash binder/postBuild", ["bash", "binder/postBuild"], cwd=repo)

    # The environment is what it should be.
    binder.run("pip check", [str(binder.bin / "pip"), "check"], cwd=repo)
    version = binder.run("python version", [str(binder.bin / "python"), "-c",
                                            "import sys; print('{}.{}'.format(*sys.version_info[:2]))"], cwd=tmp_path)
    assert version.stdout.strip() == runtime_version()
    # Installed into the venv by postBuild, not just importable from the repo's folder (cwd is elsewhere).
    where = binder.run("import course packages", [str(binder.bin / "python"), "-c",
                       "import autograde_tests, course_lib; print(course_lib.__file__, autograde_tests.__file__)"],
                       cwd=tmp_path).stdout
    assert all(Path(p).is_relative_to(venv) for p in where.split()), where
    assert not list(repo.glob("*.egg-info")) and not (repo / "build").exists(), "postBuild left build files"

    listing = binder.run("jupyter labextension list", [str(binder.bin / "jupyter"), "labextension", "list"], cwd=repo)
    labextensions = strip_ansi(listing.stdout + listing.stderr)
    disabled = set(labextensions.partition("Disabled extensions:")[2].split())
    assert DISABLED_PLUGINS <= disabled, labextensions
    assert KEPT_PLUGIN not in disabled and "@jupyter/nbgrader" not in disabled, labextensions
    listing = binder.run("jupyter server extension list",
                         [str(binder.bin / "jupyter"), "server", "extension", "list"], cwd=repo)
    server = strip_ansi(listing.stdout + listing.stderr)
    state = dict(re.findall(r"^\s*(nbgrader\.server_extensions\.\w+)\s+(enabled|disabled)", server, re.MULTILINE))
    assert {name: state.get(name) for name in DISABLED_SERVER_EXTENSIONS} == dict.fromkeys(
        DISABLED_SERVER_EXTENSIONS, "disabled"), server
    assert state.get(KEPT_SERVER_EXTENSION) == "enabled", server
    build_seconds = time.perf_counter() - started

    # Every solution notebook runs in the Binder environment's kernel and earns full marks.
    ids = notebook_ids(root=repo)
    output = binder.run("execute notebooks", [
        str(binder.bin / "python"), "tests/notebook_helpers.py",
        *(f"solutions/{nb_id}/{nb_id}.ipynb" for nb_id in ids)], cwd=repo).stdout
    runs = [NotebookRun.from_json(json.loads(line)) for line in output.splitlines()]
    assert len(runs) == len(ids)
    failures = {run.path: run.describe_failures(want_full=True) for run in runs
                if run.errors or any(s.autograded and s.score != s.max_points for s in run.scores)}
    assert not failures, "\n".join(f"{path}:\n{text}" for path, text in failures.items())

    print(f"\nbinder build {build_seconds:.0f} s; " + "; ".join(f"{k} {v:.1f} s" for k, v in binder.timings.items())
          + "; per notebook: " + ", ".join(f"{Path(r.path).stem} {r.seconds:.1f} s" for r in runs))
