"""Student code in the sandbox (autograde_tests/trusted/sandbox.py), graded by the real `nbgrader autograde`.

A class of two hands in notebook 03 with the grading secret set in nbgrader_config.py: an honest student,
and a snooper whose answers are just as correct but whose own cells try, one by one, to read the course's
config (where the secret is), another student's submission, the gradebook and the grader's $HOME; to find
the secret in any process's environment or command line; to write outside its folder; to reach the
grader's loopback and the internet; to fork without bound; to allocate 20 GB and to write a 1 GB file.
Every attempt must fail inside the worker, both students keep every point, and neither the secret nor
anything the snooper looked for reaches an autograded notebook or a feedback page.
"""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from course_testing import (
    answer_sources,
    bin_on_path,
    copy_notebook,
    fill_in,
    gradebook_scores,
    hand_in,
    nbgrader,
    released_course,
)
from notebook_helpers import REPO_ROOT
from test_trusted_grading import NOTEBOOK, SECRET, _full, _index

from autograde_tests.cases import set_grading_secret
from autograde_tests.trusted import sandbox

pytestmark = [pytest.mark.pipeline, pytest.mark.xdist_group("sandbox_class")]

needs_sandbox = pytest.mark.skipif(sandbox.status() != "bubblewrap",
                                   reason=f"no sandbox on this machine ({sandbox.status()})")

ATTEMPT = '''
import os, pathlib, socket, time
import numpy as np

def attempt(name, action):
    """Print whether `action` got anything; every way of failing counts as blocked."""
    try:
        got = action()
    except Exception as error:
        print(f"blocked {name}: {type(error).__name__}: {error}"[:400])
    else:
        print(f"LEAKED {name}: {got!r}"[:400])

def plant(folder):
    return pathlib.Path(folder, 'planted.txt').write_text('x')
'''


def _attacks(root, home_canary, port):
    """{attack name: the source of a cell that tries it}, for a course at `root`."""
    other = root / "submitted" / "honest" / NOTEBOOK / f"{NOTEBOOK}.ipynb"
    return {
        "config": f"attempt('config', lambda: open({str(root / 'nbgrader_config.py')!r}).read())",
        "config found by walking up": (
            "def walk_up():\n"
            "    for folder in pathlib.Path.cwd().resolve().parents:\n"
            "        if (folder / 'nbgrader_config.py').exists():\n"
            "            return (folder / 'nbgrader_config.py').read_text()\n"
            "    raise FileNotFoundError('no nbgrader_config.py above the working directory')\n"
            "attempt('config found by walking up', walk_up)"),
        "other submission": f"attempt('other submission', lambda: open({str(other)!r}).read())",
        "gradebook": f"attempt('gradebook', lambda: open({str(root / 'gradebook.db')!r}, 'rb').read(64))",
        "grader home": f"attempt('grader home', lambda: open({str(home_canary)!r}).read())",
        "secret in a process": (
            "def find_secret():\n"
            "    files = [*pathlib.Path('/proc').glob('*/environ'), *pathlib.Path('/proc').glob('*/cmdline')]\n"
            "    places = [str(os.environ)]\n"
            "    for file in files:\n"
            "        try:\n"
            "            places.append(file.read_text(errors='replace'))\n"
            "        except OSError:\n"
            "            pass\n"
            "    found = [place for place in places if 'grading_secret' in place]\n"
            "    if found:\n"
            "        return found\n"
            "    raise LookupError(f'not in {len(places)} environments and command lines')\n"
            "attempt('secret in a process', find_secret)"),
        "write in the course": f"attempt('write in the course', lambda: plant({str(root)!r}))",
        "write in other submission": f"attempt('write in other submission', lambda: plant({str(other.parent)!r}))",
        "grader loopback": f"attempt('grader loopback', lambda: socket.create_connection(('127.0.0.1', {port}), 3))",
        "internet": "attempt('internet', lambda: socket.create_connection(('1.1.1.1', 53), 3))",
        "fork bomb": (
            "def fork_without_bound():\n"
            "    while True:\n"
            "        if os.fork() == 0:\n"
            "            time.sleep(30)\n"
            "            os._exit(0)\n"
            "attempt('fork bomb', fork_without_bound)"),
        "20 GB": "attempt('20 GB', lambda: np.ones(20 * 2**30 // 8).sum())",
        "1 GB file": (
            "def huge_file():\n"
            "    with open('huge.bin', 'wb') as f:\n"
            "        f.seek(2**30)\n"
            "        return f.write(b'x')\n"
            "attempt('1 GB file', huge_file)"),
    }


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    if sandbox.status() != "bubblewrap":
        pytest.skip(f"no sandbox on this machine ({sandbox.status()})")
    root = tmp_path_factory.mktemp("sandboxed_class")
    home = tmp_path_factory.mktemp("grader_home")
    home_canary = home / "private.txt"
    home_canary.write_text("the grader's own note, for no student's eyes")
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    _, honest = released_course(root, NOTEBOOK, SECRET)
    snooper = copy_notebook(honest)
    attacks = _attacks(root, home_canary, listener.getsockname()[1])
    position = _index(snooper, "step_answer") + 1
    for source in [ATTEMPT, *attacks.values()][::-1]:
        snooper.cells.insert(position, nbformat.v4.new_code_cell(source))
    for student, nb in (("honest", honest), ("snooper", snooper)):
        hand_in(root, NOTEBOOK, student, nb)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        # The secret on the grader's command line too, where a worker that saw the grader's process would find it.
        nbgrader(root, "autograde", NOTEBOOK, f"--TrustedExecute.grading_secret={SECRET}")
        nbgrader(root, "generate_feedback", NOTEBOOK)
    try:
        intruder = listener.accept()[0]
        intruder.close()
        reached_listener = True
    except BlockingIOError:
        reached_listener = False
    finally:
        listener.close()
    return root, attacks, home_canary.read_text(), reached_listener


def _autograded(root, student):
    return nbformat.read(root / "autograded" / student / NOTEBOOK / f"{NOTEBOOK}.ipynb", as_version=4)


def _printed(nb):
    return "".join(output.get("text", "") for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs)


def test_every_attack_fails_inside_the_worker(graded_class):
    root, attacks, _, reached_listener = graded_class
    printed = _printed(_autograded(root, "snooper"))
    assert "LEAKED" not in printed, printed
    for name in attacks:
        assert f"blocked {name}:" in printed, f"{name} did not run to the end:\n{printed}"
    assert not reached_listener  # not even a connection attempt arrived on the grader's loopback
    assert not list(root.rglob("planted.txt")) and not list(root.rglob("huge.bin"))


def test_the_honest_work_of_both_students_keeps_every_point(graded_class):
    root = graded_class[0]
    for student in ("honest", "snooper"):
        assert gradebook_scores(root, NOTEBOOK, student) == _full(), student
        assert _autograded(root, student).metadata["autograde_tests"]["sandbox"] == "bubblewrap"


def test_nothing_secret_reaches_an_autograded_notebook_or_a_feedback_page(graded_class):
    root, _, home_text, _ = graded_class
    pages = [*root.glob("autograded/*/*/*.ipynb"), *root.glob("feedback/*/*/*.html")]
    assert len(pages) == 4
    for page in pages:
        text = page.read_text()
        assert str(SECRET) not in text, page
        assert home_text not in text, page


@needs_sandbox
def test_the_self_check_cli_runs_the_notebook_in_the_same_sandbox(tmp_path):
    """A notebook whose step function is right only where a file beside its folder is out of sight, and
    its own folder in sight: it passes only in the sandbox."""
    private = tmp_path / "private.txt"
    private.write_text("a self-learner's own file")
    folder = tmp_path / "downloads"
    folder.mkdir()
    release = nbformat.read(REPO_ROOT / "notebooks" / NOTEBOOK / f"{NOTEBOOK}.ipynb", as_version=4)
    solution = nbformat.read(REPO_ROOT / "solutions" / NOTEBOOK / f"{NOTEBOOK}.ipynb", as_version=4)
    nb = fill_in(release, answer_sources(solution))
    step = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "step_answer")
    step.source = ("import os\nimport numpy as np\n"
                   "def step(z):\n"
                   f"    sandboxed = not os.path.exists({str(private)!r}) and os.path.exists('{NOTEBOOK}.ipynb')\n"
                   "    return np.where(z >= 0, 1.0, 0.0) if sandboxed else z\n")
    nbformat.write(nb, folder / f"{NOTEBOOK}.ipynb")
    result = subprocess.run([sys.executable, "-m", "autograde_tests", "check", str(folder / f"{NOTEBOOK}.ipynb"),
                             "--json"], capture_output=True, text=True, timeout=600, env=bin_on_path())
    rows = {row["exercise"]: row for row in json.loads(result.stdout)["exercises"]}
    assert rows["step"]["passed"], rows["step"]["message"]


@needs_sandbox
def test_a_worker_gets_nothing_of_the_graders_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADING_SECRET_FOR_THIS_TEST", str(SECRET))
    set_grading_secret(SECRET)
    try:
        box = sandbox.Sandbox(str(tmp_path))
        argv = box.command([sys.executable, "-m", "autograde_tests.trusted.worker"])
    finally:
        set_grading_secret(None)
    assert not any(str(SECRET) in value for value in box.env.values())
    assert not any(str(SECRET) in word for word in argv)
    assert "GRADING_SECRET_FOR_THIS_TEST" not in box.env
    bound = [Path(argv[i + 1]) for i, word in enumerate(argv) if word in ("--bind", "--ro-bind")]
    for hidden in (REPO_ROOT / "nbgrader_config.py", REPO_ROOT / "solutions" / NOTEBOOK, Path.home()):
        assert not any(path == hidden or path in hidden.parents for path in bound), hidden


def test_without_a_sandbox_grading_runs_as_before_and_says_why_once(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv(sandbox.SWITCH, "off")
    sandbox.status.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger=sandbox.__name__):
            first, second = sandbox.status(), sandbox.status()
        box = sandbox.Sandbox(str(tmp_path))
    finally:
        sandbox.status.cache_clear()
    assert first == second == f"none: switched off by {sandbox.SWITCH}=off"
    assert [r.getMessage() for r in caplog.records].count(
        f"Student code runs without a sandbox: switched off by {sandbox.SWITCH}=off. See docs/THREAT_MODEL.md.") == 1
    assert box.command(["python", "-m", "worker"]) == ["python", "-m", "worker"]
    assert box.cwd == str(tmp_path)
