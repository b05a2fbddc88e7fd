"""The grader's self-tests, once for every graded function of every notebook (autograde_tests.registry).

For each exercise: the reference passes, with and without the hidden cases; every catalogued mistake
fails with its name in the message, already on the visible cases, the same way every time; every correct
alternative passes; broken submissions (errors, None, infinite loops, stderr, warnings, not a function)
get a clear verdict; results of the wrong kind (a list for an array, booleans or integers for floats) are
refused with the reason; and no message hands over the reference's code, mentions a contract, or is wider
than nbgrader's Validate shows. The thresholds are the same for every notebook.
"""

import ast
import inspect
import json
import re
import textwrap

import numpy as np
import pytest

from autograde_tests import messages, registry
from tests.grader_testing import (
    REPO_ROOT,
    assert_every_bad_submission_fails,
    assert_infinite_loop_is_stopped,
    assert_mistake_caught_and_named,
    assert_passes,
    run_check,
)

MIN_MISTAKES = 4
MIN_ALTERNATIVES = 2

NOTEBOOKS = registry.notebooks()


def _marks(notebook):
    return getattr(pytest.mark, "nb" + notebook.notebook_id[:2])


def _exercises():
    return [pytest.param(nb, ex, marks=_marks(nb), id=ex.name) for nb in NOTEBOOKS for ex in nb.exercises]


def _mistakes():
    return [pytest.param(ex, m, marks=_marks(nb), id=f"{ex.name}-{m.name}")
            for nb in NOTEBOOKS for ex in nb.exercises for m in ex.mistakes]


def _alternatives():
    return [pytest.param(ex, alt, marks=_marks(nb), id=f"{ex.name}-{i}")
            for nb in NOTEBOOKS for ex in nb.exercises for i, alt in enumerate(ex.alternatives)]


def test_every_notebook_with_a_solution_declares_its_checks():
    solutions = sorted(p.name for p in (REPO_ROOT / "solutions").iterdir() if p.is_dir())
    assert sorted(nb.notebook_id for nb in NOTEBOOKS) == solutions


@pytest.mark.parametrize(("notebook", "exercise"), _exercises())
@pytest.mark.parametrize("hidden", [False, True])
def test_reference_passes(notebook, exercise, hidden):
    assert_passes(exercise.check, exercise.reference, hidden=hidden)


@pytest.mark.parametrize(("notebook", "exercise"), _exercises())
def test_catalogue_is_large_enough(notebook, exercise):
    assert len(exercise.mistakes) >= MIN_MISTAKES, f"{exercise.name}: {len(exercise.mistakes)} mistakes"
    assert len(exercise.alternatives) >= MIN_ALTERNATIVES, f"{exercise.name}: {len(exercise.alternatives)} alternatives"
    assert len({m.name for m in exercise.mistakes}) == len(exercise.mistakes), "mistake names must be unique"


@pytest.mark.parametrize(("exercise", "mistake"), _mistakes())
def test_known_mistake_fails_and_is_named_by_the_visible_cases_already(exercise, mistake):
    assert_mistake_caught_and_named(exercise.check, mistake)


@pytest.mark.parametrize(("exercise", "alternative"), _alternatives())
def test_correct_alternative_passes(exercise, alternative):
    assert_passes(exercise.check, alternative)


@pytest.mark.parametrize(("notebook", "exercise"), _exercises())
def test_bad_submissions_fail_with_a_clear_reason(notebook, exercise):
    assert_every_bad_submission_fails(exercise.check, exercise.reference)


@pytest.mark.parametrize(("notebook", "exercise"), _exercises())
def test_an_infinite_loop_is_stopped_and_reported(notebook, exercise, monkeypatch):
    assert_infinite_loop_is_stopped(exercise.check, monkeypatch)


# ---------------------------------------------------------------------------------------------
# Results of the wrong kind: each converts the reference's arrays, and the check must refuse it.


def _converted(reference, convert):
    """reference, with every ndarray in its result (also inside tuples, lists and dicts) passed to
    convert; `.changed` records whether any array was converted."""

    def walk(value):
        if isinstance(value, np.ndarray):
            new = convert(value)
            if new is not value:
                wrapper.changed = True
            return new
        if isinstance(value, tuple | list):
            return type(value)(walk(v) for v in value)
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    def wrapper(*args, **kwargs):
        return walk(reference(*args, **kwargs))

    wrapper.changed = False
    return wrapper


KIND_VARIANTS = {
    "a list": (lambda a: a.tolist() if a.ndim else a, "NumPy array"),
    "booleans": (lambda a: a.astype(bool) if a.dtype.kind == "f" and np.isin(a, (0.0, 1.0)).all() else a, "boolean"),
    "integers": (lambda a: a.astype(np.int64) if a.dtype.kind == "f" and np.isin(a, (0.0, 1.0)).all() else a,
                 "integer"),
}


@pytest.mark.parametrize("variant", sorted(KIND_VARIANTS))
@pytest.mark.parametrize(("notebook", "exercise"), _exercises())
def test_results_of_the_wrong_kind_are_refused_with_the_reason(notebook, exercise, variant):
    convert, phrase = KIND_VARIANTS[variant]
    submission = _converted(exercise.reference, convert)
    message, _, _ = run_check(exercise.check, submission, hidden=True)
    if not submission.changed:  # nothing of that kind to replace: the submission is the reference
        assert message is None, message
        return
    assert message is not None, f"{exercise.name} returning {variant} passed its check"
    assert phrase in message, message


# ---------------------------------------------------------------------------------------------
# What the messages may say


# Maths as messages write it, and the code it spells: a formula in these symbols hands over the line
# as surely as the code does.
MATHS_AS_CODE = {"·": "*", "×": "*", "−": "-", "²": "**2", "√": "np.sqrt", "ᵀ": ".T"}


def _normalised(text):
    for symbol, code in MATHS_AS_CODE.items():
        text = text.replace(symbol, code)
    return re.sub(r"(\d+)\.0\b", r"\1", re.sub(r"\s+", "", text))


def _code_fragments(function_source):
    """The expressions and statements of a function's body (not its docstring) that would give the
    answer away: assignments, returned values, calls with more than plain names as arguments, and
    arithmetic, each at least 5 characters long once spaces are removed."""
    tree = ast.parse(textwrap.dedent(function_source))
    function = next(node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef))
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    fragments = set()
    for statement in body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Assign | ast.AugAssign) and not _plain(node.value):
                fragments.add(ast.unparse(node))
            elif isinstance(node, ast.Return) and node.value is not None and not _plain(node.value):
                fragments.add(ast.unparse(node.value))
            elif isinstance(node, ast.BinOp) and _is_compound(node):
                fragments.add(ast.unparse(node))
            elif isinstance(node, ast.Call) and not (
                    isinstance(node.func, ast.Name) and all(isinstance(a, ast.Name) for a in node.args)):
                fragments.add(ast.unparse(node))
    return {f for f in map(_normalised, fragments) if len(f) >= 5 and not f.startswith("raise")}


def _without_case(message):
    """A failure message without its first part, the case's inputs (which may well be written as code)."""
    lines = message.splitlines()
    end = next((i for i, line in enumerate(lines) if line.endswith(":")), 0)
    return "\n".join(lines[end + 1:])


def _plain(node):
    """A name, a number, or a tuple of them: `return W, b` gives nothing away."""
    if isinstance(node, ast.Tuple):
        return all(_plain(e) for e in node.elts)
    return isinstance(node, ast.Name | ast.Constant)


def _is_compound(node):
    """Arithmetic with two operators or a call in it (X @ W + b); a single operation on names or numbers
    (2 / n_in, alpha * z) is the maths that messages may state."""
    return any(isinstance(n, ast.BinOp | ast.Call) for n in ast.walk(node) if n is not node)


def _solution_sources(notebook, name):
    path = REPO_ROOT / "solutions" / notebook.notebook_id / f"{notebook.notebook_id}.ipynb"
    cells = json.loads(path.read_text())["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    return [s for s in sources if re.search(rf"^def {name}\(", s, re.M) and "BEGIN SOLUTION" in s]


def _messages(exercise):
    """Every message the check gives for the catalogue and the broken submissions."""
    from tests.grader_testing import bad_submissions

    messages = []
    submissions = [m.fn for m in exercise.mistakes] + [fn for fn, _ in bad_submissions(exercise.reference)]
    for fn in submissions:
        for hidden in (False, True):
            message, _, _ = run_check(exercise.check, fn, hidden)
            if message:
                messages.append(message)
    return messages


@pytest.mark.parametrize(("notebook", "exercise"), _exercises())
def test_no_message_hands_over_the_references_code(notebook, exercise):
    sources = [inspect.getsource(exercise.reference)] + _solution_sources(notebook, exercise.name)
    fragments = set().union(*(_code_fragments(s) for s in sources))
    for message in [_without_case(m) for m in _messages(exercise)] + [m.explanation for m in exercise.mistakes]:
        text = _normalised(message)
        given_away = sorted(f for f in fragments if f in text)
        assert not given_away, f"{exercise.name}: the message contains {given_away}:\n{message}"


@pytest.mark.parametrize(("notebook", "exercise"), _exercises())
def test_messages_are_readable_in_validate_and_speak_of_the_exercise(notebook, exercise):
    for message in _messages(exercise):
        too_wide = [line for line in message.splitlines() if len(line) > messages.MESSAGE_WIDTH]
        assert not too_wide, f"{exercise.name}: lines wider than {messages.MESSAGE_WIDTH}:\n" + "\n".join(too_wide)
        assert "contract" not in message.lower(), message
        assert "Traceback" not in message and str(REPO_ROOT) not in message, message


# ---------------------------------------------------------------------------------------------
# A signature without the exercise's defaults


def _defaulted_parameters(reference):
    function = reference.__init__ if inspect.isclass(reference) else reference
    return [p.name for p in inspect.signature(function).parameters.values() if p.default is not p.empty]


def _exercises_with_defaults():
    return [pytest.param(nb, ex, name, marks=_marks(nb), id=f"{ex.name}-{name}")
            for nb in NOTEBOOKS for ex in nb.exercises for name in _defaulted_parameters(ex.reference)]


def _without_default(reference, name):
    """reference, except that `name` must be given: the signature a student writes when leaving out the
    exercise's default (Python then allows no default before it either)."""
    function = reference.__init__ if inspect.isclass(reference) else reference
    signature = inspect.signature(function)
    position = list(signature.parameters).index(name)
    required = signature.replace(parameters=[p.replace(default=p.empty) if i <= position else p
                                             for i, p in enumerate(signature.parameters.values())])

    def insist(*args, **kwargs):
        required.bind(*args, **kwargs)  # the TypeError Python raises for a missing argument
        return function(*args, **kwargs)

    if inspect.isclass(reference):
        return type(reference.__name__, (reference,), {"__init__": insist})
    return insist


@pytest.mark.parametrize(("notebook", "exercise", "parameter"), _exercises_with_defaults())
def test_a_signature_without_the_exercises_default_fails_the_visible_cases(notebook, exercise, parameter):
    message, _, _ = run_check(exercise.check, _without_default(exercise.reference, parameter), hidden=False)
    assert message is not None, f"{exercise.name} without the default of {parameter} passed its visible cases"
    assert "signature" in message, message
