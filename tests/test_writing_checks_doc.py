"""docs/WRITING_CHECKS.md's worked example is real: its reference and declaration, run as written, pass
the grader's own tests (the reference passes, each mistake fails with its name, each alternative passes)."""

import re
import types

import numpy as np
import pytest

from autograde_tests.cases import Case, case_rng, seed_text
from autograde_tests.core import Exercise, Notebook
from tests.grader_testing import REPO_ROOT, assert_mistake_caught_and_named, assert_passes

pytestmark = pytest.mark.nb04


def _example_block(marker):
    page = (REPO_ROOT / "docs" / "WRITING_CHECKS.md").read_text()
    return re.search(rf"<!-- worked example: {marker} -->\n```python\n(.*?)```", page, re.S).group(1)


@pytest.fixture(scope="module")
def exercise():
    losses = types.SimpleNamespace()
    exec(_example_block("reference"), {"np": np}, vars(losses))
    namespace = {"np": np, "Case": Case, "case_rng": case_rng, "seed_text": seed_text, "Exercise": Exercise,
                 "SEED": 4, "losses": losses}
    exec(_example_block("declaration"), namespace)
    declared = namespace["MEAN_SQUARED_ERROR"]
    Notebook("04_softmax_and_loss", [declared])
    return declared


@pytest.mark.parametrize("hidden", [False, True])
def test_the_examples_reference_passes(exercise, hidden):
    assert_passes(exercise.check, exercise.reference, hidden=hidden)


def test_each_of_the_examples_mistakes_fails_with_its_name(exercise):
    assert len(exercise.mistakes) == 4
    for mistake in exercise.mistakes:
        assert_mistake_caught_and_named(exercise.check, mistake)


def test_the_examples_alternatives_pass(exercise):
    assert len(exercise.alternatives) == 2
    for alternative in exercise.alternatives:
        assert_passes(exercise.check, alternative)
