"""course_lib.widgets.batch_dependence: one sample's batch-norm output depends on its companions with batch
statistics and not with running ones."""


import ipywidgets
import numpy as np
import pytest

from course_lib import batchnorm
from course_lib.widgets.batch_dependence import SAMPLE, batch_dependence_explorer
from tests.widget_testing import printed_by_a_headless_widget_cell, shown_png

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]



@pytest.fixture(scope="module")
def explorer():
    return batch_dependence_explorer()


def test_controls_and_starting_setting():
    explorer = batch_dependence_explorer()
    assert isinstance(explorer, ipywidgets.VBox)
    assert explorer.values == {"shift": 1.0, "companions": 7}
    assert (explorer.controls["companions"].min, explorer.controls["companions"].max) == (0, 15)
    shown_png(explorer)
    assert explorer.readout.value.startswith("x with 7 companions around 1.0: batch statistics give [")


def test_running_statistics_are_learned_from_the_training_data(explorer):
    # 200 batches of N(1, 2²) with momentum 0.1: the averages end close to 1 and 4.
    np.testing.assert_allclose(explorer.results["running_mean"], 1.0, atol=0.4)
    np.testing.assert_allclose(explorer.results["running_var"], 4.0, atol=1.0)


@pytest.mark.parametrize(("shift", "companions"), [(1.0, 7), (6.0, 7), (-3.0, 2), (1.0, 15)])
def test_outputs_are_those_of_batch_norm_both_ways(explorer, shift, companions):
    explorer.set_values(shift=shift, companions=companions)
    running = {"running_mean": explorer.results["running_mean"], "running_var": explorer.results["running_var"]}
    expected_running = (SAMPLE - running["running_mean"]) / np.sqrt(running["running_var"] + 1e-5)
    np.testing.assert_allclose(explorer.results["running_out"], expected_running)
    batch_out = explorer.results["batch_out"]
    assert batch_out.shape == (3,) and not np.allclose(batch_out, expected_running, atol=1e-3)


def test_only_the_batch_statistics_output_moves_with_the_companions(explorer):
    explorer.set_values(shift=1.0, companions=7)
    first_batch, first_running = explorer.results["batch_out"].copy(), explorer.results["running_out"].copy()
    explorer.set_values(shift=6.0)
    assert explorer.results["batch_out"][0] < first_batch[0] - 1.0  # companions far above x pull x's output down
    np.testing.assert_array_equal(explorer.results["running_out"], first_running)
    curve = explorer.results["batch_curve"]
    assert curve.shape == explorer.results["shifts"].shape == (25,) and np.all(np.diff(curve) < 0)


def test_a_sample_alone_comes_out_as_beta_with_batch_statistics(explorer):
    explorer.set_values(companions=0)
    np.testing.assert_allclose(explorer.results["batch_out"], 0.0, atol=1e-12)
    assert explorer.readout.value.startswith("x alone in its batch: batch statistics give [0.00, 0.00, 0.00]")


def test_the_given_forward_is_used():
    modes = []

    def recording_forward(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
        modes.append(training)
        return batchnorm.batchnorm_forward(Z, gamma, beta, bn_state, training, momentum, eps)

    explorer = batch_dependence_explorer(recording_forward)
    assert modes[:200] == [True] * 200 and False in modes[200:]
    reference = batch_dependence_explorer()
    np.testing.assert_allclose(explorer.results["running_out"], reference.results["running_out"])


def test_global_random_state_is_left_alone():
    state = np.random.get_state()[1].copy()
    batch_dependence_explorer().set_values(shift=3.0)
    assert np.array_equal(np.random.get_state()[1], state)


def test_renders_in_headless_nbclient_execution():
    printed = printed_by_a_headless_widget_cell(
        "from course_lib.widgets.batch_dependence import batch_dependence_explorer\n"
        "explorer = batch_dependence_explorer()\n"
        "display(explorer)\n"
        "explorer.set_values(shift=5.0, companions=3)\n"
        "print(explorer.readout.value)")
    assert printed.startswith("x with 3 companions around 5.0: batch statistics give [")
