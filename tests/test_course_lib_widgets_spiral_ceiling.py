"""course_lib.widgets.spiral_ceiling: the noise and the arms' geometry drive the nearest-curve rule's
accuracy, the ceiling and the plot."""


import ipywidgets
import numpy as np
import pytest

from course_lib import capstone, datasets
from course_lib.widgets.spiral_ceiling import GEOMETRIES, spiral_ceiling_explorer
from tests.widget_testing import printed_by_a_headless_widget_cell, shown_png

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]



@pytest.fixture(scope="module")
def explorer():
    return spiral_ceiling_explorer()


def test_controls_and_starting_state(explorer):
    assert isinstance(explorer, ipywidgets.VBox)
    explorer.set_values(noise=0.03, geometry=GEOMETRIES[0])
    assert set(explorer.controls) == {"noise", "geometry"}
    assert explorer.results["noise"] == 0.03 and explorer.results["geometry"] == "as specified"
    shown_png(explorer)


def test_rule_accuracy_is_the_nearest_noiseless_points_vote(explorer):
    explorer.set_values(noise=0.08, geometry=GEOMETRIES[0])
    X, y = datasets.make_two_spirals(noise=0.08, seed=0)
    # The noiseless points of make_two_spirals are the curves of capstone.two_spiral_arms. Both arms start
    # at the origin, so a point nearest to it is a tie, which the two rules may break differently.
    tie = 1 / len(y)
    assert explorer.results["rule_accuracy"] == pytest.approx(np.mean(capstone.nearest_arm_predict(X) == y), abs=tie)
    assert 0.80 < explorer.results["rule_accuracy"] < 0.90


def test_the_ceiling_falls_with_the_noise_as_bayes_accuracy_measures_it(explorer):
    ceilings = {}
    for noise in (0.03, 0.05, 0.08):
        explorer.set_values(noise=noise, geometry=GEOMETRIES[0])
        ceilings[noise] = explorer.results["ceiling"]
        assert f"no classifier can expect more than about {ceilings[noise]:.3f}" in explorer.readout.value
    # bayes_accuracy's documented values 0.986, 0.963, 0.863, within the 5000 draws' error.
    assert ceilings[0.03] == pytest.approx(0.986, abs=0.01)
    assert ceilings[0.05] == pytest.approx(0.963, abs=0.012)
    assert ceilings[0.08] == pytest.approx(0.863, abs=0.015)


def test_the_sources_mistake_puts_both_classes_on_one_curve(explorer):
    explorer.set_values(noise=0.03, geometry=GEOMETRIES[1])
    mistaken = explorer.results["rule_accuracy"]
    png = shown_png(explorer)
    explorer.set_values(geometry=GEOMETRIES[0])
    assert explorer.results["rule_accuracy"] > 0.97
    assert mistaken < 0.75 and shown_png(explorer) != png
    explorer.set_values(geometry=GEOMETRIES[1])
    assert explorer.results["ceiling"] is None and "share one curve" in explorer.readout.value


def test_the_given_functions_are_used_and_each_ceiling_is_computed_once():
    calls = []

    def ceiling(noise, rng):
        calls.append(noise)
        return 0.5

    def one_point_per_class(n, noise, seed):
        return np.array([[0.5 + noise, 0.0], [-0.5, 0.0]]), np.array([0, 1])

    explorer = spiral_ceiling_explorer(data_fn=one_point_per_class, mistaken_data_fn=one_point_per_class,
                                       ceiling_fn=ceiling)
    explorer.set_values(noise=0.05)
    explorer.set_values(noise=0.03)
    assert calls == [0.03, 0.05]
    assert explorer.results["rule_accuracy"] == 1.0 and explorer.results["ceiling"] == 0.5


def test_the_explorer_is_deterministic_and_leaves_global_random_state_alone():
    before = np.random.get_state()[1].copy()
    first, second = spiral_ceiling_explorer(seed=3), spiral_ceiling_explorer(seed=3)
    assert first.results == second.results and shown_png(first) == shown_png(second)
    assert np.array_equal(np.random.get_state()[1], before)


def test_renders_in_headless_nbclient_execution():
    printed = printed_by_a_headless_widget_cell(
        "from course_lib.widgets.spiral_ceiling import spiral_ceiling_explorer\n"
        "explorer = spiral_ceiling_explorer()\n"
        "display(explorer)\n"
        "explorer.controls['noise'].value = 0.08\n"
        "print(explorer.readout.value)")
    assert printed.startswith("noise 0.08: the nearest-curve rule labels 0.840 of these points right")
