"""What every grader self-test module shares: run a check on an implementation and read the verdict.

A check passes when it returns; it fails by raising CheckFailed. Neither may write to stderr or leave
warnings behind, because in a notebook either would cost the student the cell's points.
"""

import contextlib
import io
import sys
import warnings
from pathlib import Path

from autograde_tests import limits
from autograde_tests.core import CheckFailed

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_check(check, fn, hidden=True):
    """Run `check(fn, hidden=...)`; return (failure message or None, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                check(fn, hidden=hidden)
            except CheckFailed as failure:
                return str(failure), stdout.getvalue(), stderr.getvalue()
    return None, stdout.getvalue(), stderr.getvalue()


def assert_passes(check, fn, hidden=True):
    message, stdout, stderr = run_check(check, fn, hidden)
    assert message is None, f"{getattr(fn, '__name__', fn)} should pass but failed:\n{message}"
    assert stderr == "", f"the check wrote to stderr: {stderr!r}"
    assert stdout.startswith("✓"), f"a passing check prints one ✓ line, got {stdout!r}"


def assert_fails(check, fn, must_mention=(), hidden=True):
    """The check fails `fn`, silently on stderr, with a message naming the case and each given phrase."""
    message, _, stderr = run_check(check, fn, hidden)
    assert message is not None, f"{getattr(fn, '__name__', fn)} should fail the check but passed"
    assert stderr == "", f"the check wrote to stderr: {stderr!r}"
    assert " failed on " in message.splitlines()[0], message
    flowing = " ".join(message.split())  # messages wrap at messages.MESSAGE_WIDTH: a phrase may span lines
    for phrase in must_mention:
        assert " ".join(phrase.split()) in flowing, f"expected {phrase!r} in the message:\n{message}"
    return message


def assert_mistake_caught_and_named(check, mistake):
    """The visible cases already fail the mistake and name it, the hidden run too, with the same message
    every time (the same submission always gets the same feedback)."""
    for hidden in (False, True):
        message = assert_fails(check, mistake.fn, must_mention=[f"Known mistake, {mistake.name}:"], hidden=hidden)
        assert run_check(check, mistake.fn, hidden)[0] == message


# ---------------------------------------------------------------------------------------------
# Broken submissions that every check must fail clearly, whatever the graded function's parameters.


def _not_implemented(*args, **kwargs):
    raise NotImplementedError()


def _returns_nothing(*args, **kwargs):
    pass


def _raises(*args, **kwargs):
    return {}["oops"]


def _loops_forever(*args, **kwargs):
    while True:
        pass


def bad_submissions(reference):
    """(submission, phrase its failure message must contain) pairs; some wrap the right `reference`."""

    def right_but_printing_to_stderr(*args, **kwargs):
        print("debug", file=sys.stderr)
        return reference(*args, **kwargs)

    def right_but_warning(*args, **kwargs):
        warnings.warn("something odd", RuntimeWarning, stacklevel=1)
        return reference(*args, **kwargs)

    return [
        (_not_implemented, "not done yet: replace `raise NotImplementedError()`"),
        (_returns_nothing, "None"),
        (_raises, "raised   KeyError: 'oops'"),
        (5, "should be a function"),
        (None, "should be a function"),
        (right_but_printing_to_stderr, "printed to stderr: debug"),
        (right_but_warning, "warned   RuntimeWarning: something odd"),
    ]


def assert_every_bad_submission_fails(check, reference):
    for submission, phrase in bad_submissions(reference):
        assert_fails(check, submission, must_mention=[phrase], hidden=False)


def assert_infinite_loop_is_stopped(check, monkeypatch):
    monkeypatch.setattr(limits, "CALL_CPU_SECONDS", 0.2)
    assert_fails(check, _loops_forever, must_mention=["did not finish within its budget of"])
