"""course_lib.widgets.dropout: the dropout explorer shows the mask a seed draws and the rescaled activations."""


import ipywidgets
import numpy as np
import pytest

from course_lib import regularization
from course_lib.widgets.dropout import MAX_SEED, dropout_explorer
from tests.widget_testing import printed_by_a_headless_widget_cell, shown_png

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]



@pytest.fixture(scope="module")
def explorer():
    return dropout_explorer()


def test_controls_and_starting_setting():
    explorer = dropout_explorer()
    assert isinstance(explorer, ipywidgets.VBox)
    assert set(explorer.controls) == {"keep_prob", "seed", "mode"}
    assert explorer.values == {"keep_prob": 0.5, "seed": 0, "mode": "train"}
    keep = explorer.controls["keep_prob"]
    assert (keep.min, keep.max, keep.step) == (0.1, 1.0, 0.05)
    assert list(explorer.controls["mode"].options) == ["train", "eval"]
    assert explorer.resample_button in explorer.children
    shown_png(explorer)


@pytest.mark.parametrize(("keep_prob", "seed"), [(0.5, 0), (0.8, 3), (0.25, 17), (1.0, 5)])
def test_mask_and_out_are_those_of_inverted_dropout(explorer, keep_prob, seed):
    explorer.set_values(keep_prob=keep_prob, seed=seed, mode="train")
    results = explorer.results
    A, mask, out = results["A"], results["mask"], results["out"]
    assert A.shape == mask.shape == out.shape == (6, 16) and mask.dtype == bool
    expected_out, expected_mask = regularization.dropout_forward(A, keep_prob, np.random.default_rng(seed))
    np.testing.assert_array_equal(mask, expected_mask)
    np.testing.assert_allclose(out, A * mask / keep_prob)
    np.testing.assert_allclose(out, expected_out)
    kept = int(mask.sum())
    assert results["kept_fraction"] == kept / 96
    assert explorer.readout.value == (f"train, keep_prob {keep_prob:.2f}, seed {seed}: {kept} of 96 units kept; "
                                      f"mean of A {A.mean():.3f}, mean of out {out.mean():.3f}")


def test_eval_mode_keeps_everything_unscaled(explorer):
    explorer.set_values(keep_prob=0.3, seed=2, mode="eval")
    results = explorer.results
    assert results["mask"].all() and results["kept_fraction"] == 1.0
    np.testing.assert_array_equal(results["out"], results["A"])
    assert explorer.readout.value.startswith("eval, keep_prob 0.30, seed 2: 96 of 96 units kept")


def test_resample_draws_a_new_mask_and_a_seed_brings_its_mask_back(explorer):
    explorer.set_values(keep_prob=0.5, seed=10, mode="train")
    first = explorer.results["mask"].copy()
    png = shown_png(explorer)
    explorer.resample_button.click()
    assert explorer.values["seed"] == 11
    assert not np.array_equal(explorer.results["mask"], first)
    assert shown_png(explorer) != png
    explorer.controls["seed"].value = 10
    np.testing.assert_array_equal(explorer.results["mask"], first)


def test_resample_wraps_around_after_the_last_seed(explorer):
    explorer.set_values(seed=MAX_SEED, mode="train")
    explorer.resample_button.click()
    assert explorer.values["seed"] == 0


def test_the_activations_stay_fixed_and_global_random_state_is_left_alone(explorer):
    np.random.seed(7)
    state = np.random.get_state()[1].copy()
    explorer.set_values(keep_prob=0.5, seed=1, mode="train")
    A = explorer.results["A"].copy()
    explorer.set_values(keep_prob=0.9, seed=40)
    np.testing.assert_array_equal(explorer.results["A"], A)
    assert np.array_equal(np.random.get_state()[1], state)


def test_the_given_dropout_fn_is_used_and_cannot_change_the_activations():
    calls = []

    def zeroing_dropout(A, keep_prob, rng, training):
        """Keeps the first half of the units of every sample, and scribbles on its argument."""
        calls.append((A.shape, keep_prob, isinstance(rng, np.random.Generator), training))
        mask = np.zeros(A.shape, dtype=int)
        mask[:, : A.shape[1] // 2] = 1
        out = A * mask / keep_prob
        A[...] = -1.0
        return out, (mask if training else None)

    explorer = dropout_explorer(dropout_fn=zeroing_dropout)
    assert calls == [((6, 16), 0.5, True, True)]
    assert explorer.results["mask"].dtype == bool and explorer.results["kept_fraction"] == 0.5
    assert (explorer.results["A"] >= 0).all()
    explorer.set_values(mode="eval")
    assert calls[-1] == ((6, 16), 0.5, True, False)
    assert explorer.results["mask"].all()
    assert explorer.readout.value.startswith("eval, keep_prob 0.50, seed 0: 96 of 96 units kept")


def test_renders_in_headless_nbclient_execution():
    printed = printed_by_a_headless_widget_cell(
        "from course_lib.widgets.dropout import dropout_explorer\n"
        "explorer = dropout_explorer()\n"
        "display(explorer)\n"
        "explorer.set_values(keep_prob=0.75, seed=3)\n"
        "explorer.resample_button.click()\n"
        "print(explorer.readout.value)")
    assert printed.startswith("train, keep_prob 0.75, seed 4: ")
