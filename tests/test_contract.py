"""docs/COURSE_CONTRACT.md agrees with the course team's contract and with the code.

For every notebook that exists in solutions/, each graded function docs/ lists (the shared contract's and
the repository's additions) has a reference in course_lib with the listed parameters, a check in
autograde_tests.nbNN.CHECKS, an answer cell defining it with those parameters, and a grade cell with points
calling the check on it; CHECKS holds nothing docs/ does not list. When ../shared/COURSE_CONTRACT.md exists
next to the repository, docs/ lists the same graded functions with the same signatures, notebook by notebook.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import pkgutil
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DOCS_CONTRACT = REPO_ROOT / "docs" / "COURSE_CONTRACT.md"
SHARED_CONTRACT = REPO_ROOT.parent / "shared" / "COURSE_CONTRACT.md"

pytestmark = pytest.mark.course_lib

SECTION = re.compile(r"^### (\d\d_\w+)")
# A listed function: a bullet whose first code span is a call, e.g.
#     - `init_dense(n_in, n_out, rng, scheme="he") -> (W, b)`: ...
# The repository's own exercises carry a label before the code span:
#     - *addition:* `and_gate_parameters() -> (weights, bias)`: ...
#     - *practice, 0 points:* `celsius_to_fahrenheit(c)`: ...
ENTRY = re.compile(r"^- (?:\*(?P<label>[^*]+)\*\s*)?`(?P<signature>(?P<name>[A-Za-z_]\w*)\((?P<params>[^`]*?)\)[^`]*)`")


@dataclass(frozen=True)
class Entry:
    notebook_id: str
    name: str
    signature: str  # the code span as written: name, parameters and the return shape or type
    params: str
    kind: str  # "contract", "addition" or "practice"


def read_entries(path: Path) -> list[Entry]:
    entries, notebook_id = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            notebook_id = None
        heading = SECTION.match(line)
        if heading:
            notebook_id = heading.group(1)
            continue
        match = ENTRY.match(line)
        if notebook_id and match:
            label = (match.group("label") or "contract").lower()
            kind = next(k for k in ("practice", "addition", "contract") if label.startswith(k))
            entries.append(Entry(notebook_id, match.group("name"), match.group("signature"),
                                 match.group("params"), kind))
    return entries


def parameters(params: str) -> list[tuple[str, object]]:
    """(name, default) for each parameter of a listed signature; a default written `...` is left open."""
    arguments = ast.parse(f"def f({params}): pass").body[0].args
    names = [a.arg for a in arguments.args]
    defaults = [ast.literal_eval(d) for d in arguments.defaults]
    padded = [inspect.Parameter.empty] * (len(names) - len(defaults)) + defaults
    return list(zip(names, padded))


def matches(listed: list[tuple[str, object]], actual: list[tuple[str, object]]) -> bool:
    return [n for n, _ in listed] == [n for n, _ in actual] and all(
        d is Ellipsis or d == a for (_, d), (_, a) in zip(listed, actual))


def signature_parameters(fn) -> list[tuple[str, object]]:
    return [(p.name, p.default) for p in inspect.signature(fn).parameters.values()]


def solutions_ids() -> list[str]:
    return sorted(p.parent.name for p in (REPO_ROOT / "solutions").glob("*/*.ipynb") if p.parent.name == p.stem)


def course_lib_objects(name: str) -> tuple[list[tuple[str, object]], list[str]]:
    """Every (module, object) named `name` among course_lib's modules, and the modules that failed to import."""
    import course_lib

    found, broken = [], []
    for module_info in pkgutil.walk_packages(course_lib.__path__, "course_lib."):
        try:
            module = importlib.import_module(module_info.name)
        except Exception as error:  # noqa: BLE001 -- reported in the failure message, if the name is not found
            broken.append(f"{module_info.name}: {type(error).__name__}: {error}")
            continue
        if callable(getattr(module, name, None)):
            found.append((module_info.name, getattr(module, name)))
    return found, broken


def notebook_cells(notebook_id: str) -> list[dict]:
    path = REPO_ROOT / "solutions" / notebook_id / f"{notebook_id}.ipynb"
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


DOCS_ENTRIES = read_entries(DOCS_CONTRACT)
EXISTING = [e for e in DOCS_ENTRIES if e.notebook_id in solutions_ids()]


def test_docs_lists_every_notebook_of_the_outline():
    sections = set(re.findall(r"^### (\d\d_\w+)", DOCS_CONTRACT.read_text(encoding="utf-8"), re.MULTILINE))
    assert sections >= set(solutions_ids()), "a notebook in solutions/ has no section in docs/"
    assert len([e for e in DOCS_ENTRIES if e.kind == "contract"]) > 30, "docs/COURSE_CONTRACT.md lost its list"


@pytest.mark.skipif(not SHARED_CONTRACT.exists(), reason=f"no shared contract at {SHARED_CONTRACT}")
def test_docs_agrees_with_the_shared_contract():
    shared = [(e.notebook_id, e.signature) for e in read_entries(SHARED_CONTRACT)]
    ours = [(e.notebook_id, e.signature) for e in DOCS_ENTRIES if e.kind == "contract"]
    missing = [s for s in shared if s not in ours]
    extra = [s for s in ours if s not in shared]
    assert not missing and not extra, (
        f"docs/COURSE_CONTRACT.md differs from {SHARED_CONTRACT}:\n  only in the shared contract: {missing}\n"
        f"  only in docs/: {extra}\n(mark the repository's own exercises '*addition:*')")
    assert shared == ours, "docs/ lists the shared contract's functions in another order"


@pytest.mark.parametrize("entry", [e for e in EXISTING if e.kind != "practice"], ids=lambda e: e.name)
def test_graded_function_has_a_reference_in_course_lib(entry):
    found, broken = course_lib_objects(entry.name)
    assert found, f"no course_lib module defines {entry.name}; modules that failed to import: {broken}"
    listed = parameters(entry.params)
    wrong = [f"{module}.{entry.name}{inspect.signature(fn)}" for module, fn in found
             if not matches(listed, signature_parameters(fn))]
    assert len(wrong) < len(found), f"docs/ lists {entry.signature}, course_lib has {wrong}"


@pytest.mark.parametrize("entry", EXISTING, ids=lambda e: e.name)
def test_graded_function_has_a_check(entry):
    checks = importlib.import_module(f"autograde_tests.nb{entry.notebook_id[:2]}").CHECKS
    assert entry.name in checks, f"autograde_tests.nb{entry.notebook_id[:2]}.CHECKS has no {entry.name!r}"


@pytest.mark.parametrize("notebook_id", solutions_ids())
def test_checks_hold_only_listed_names(notebook_id):
    checks = importlib.import_module(f"autograde_tests.nb{notebook_id[:2]}").CHECKS
    listed = {e.name for e in EXISTING if e.notebook_id == notebook_id}
    assert set(checks) <= listed, f"checks for {sorted(set(checks) - listed)} are not listed in docs/"


@pytest.mark.parametrize("entry", EXISTING, ids=lambda e: e.name)
def test_answer_cell_defines_the_listed_signature(entry):
    definitions = []
    for cell in notebook_cells(entry.notebook_id):
        if cell["cell_type"] == "code" and cell["metadata"].get("nbgrader", {}).get("solution"):
            for node in ast.parse("".join(cell["source"])).body:
                if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == entry.name:
                    namespace = {}
                    exec(compile(ast.Module([node], []), entry.name, "exec"), namespace)  # noqa: S102
                    definitions.append(signature_parameters(namespace[entry.name]))
    assert len(definitions) == 1, f"{len(definitions)} answer cells define {entry.name} in {entry.notebook_id}"
    assert matches(parameters(entry.params), definitions[0]), (
        f"the answer cell defines {entry.name}{definitions[0]}, docs/ lists {entry.signature}")


@pytest.mark.parametrize("entry", EXISTING, ids=lambda e: e.name)
def test_grade_cell_calls_the_check(entry):
    check = importlib.import_module(f"autograde_tests.nb{entry.notebook_id[:2]}").CHECKS.get(entry.name)
    assert check is not None, f"no check for {entry.name}"
    call = re.compile(rf"^{check.__name__}\(\s*{entry.name}\s*[,)]", re.MULTILINE)
    grade_cells = [cell for cell in notebook_cells(entry.notebook_id)
                   if cell["metadata"].get("nbgrader", {}).get("grade") and call.search("".join(cell["source"]))]
    assert grade_cells, f"no grade cell in solutions/{entry.notebook_id} calls {check.__name__}({entry.name})"
    points = sum(cell["metadata"]["nbgrader"].get("points", 0) for cell in grade_cells)
    if entry.kind == "practice":
        assert points == 0, f"{entry.name} is listed as practice (0 points) but its grade cells give {points}"
    else:
        assert points > 0, f"the grade cells calling {check.__name__}({entry.name}) give no points"
