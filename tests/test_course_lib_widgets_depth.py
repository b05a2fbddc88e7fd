"""course_lib.widgets.depth: the depth/initialisation explorer's controls drive its statistics, readout and plot."""


import ipywidgets
import numpy as np
import pytest

from course_lib import gradcheck, losses, network
from course_lib.widgets.depth import depth_explorer, layer_statistics, sigmoid_backward, sigmoid_forward
from tests.widget_testing import printed_by_a_headless_widget_cell, shown_png

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]



# One explorer for the module: each redraw renders a PNG. Every test sets the controls it relies on.
@pytest.fixture(scope="module")
def explorer():
    return depth_explorer()


def stats(explorer, **values):
    explorer.set_values(**values)
    return explorer.results


def test_controls_and_starting_setting(explorer):
    assert isinstance(explorer, ipywidgets.VBox)
    assert set(explorer.controls) == {"depth", "width", "activation", "scheme"}
    assert list(explorer.controls["activation"].options) == ["relu", "sigmoid"]
    assert list(explorer.controls["scheme"].options) == ["zeros", "small", "xavier", "he"]
    assert (explorer.controls["depth"].min, explorer.controls["depth"].max) == (2, 20)
    fresh = depth_explorer()
    assert fresh.values == {"depth": 10, "width": 64, "activation": "relu", "scheme": "he"}
    assert fresh.readout.value.startswith("relu, he, 10 layers of 64: activation std ")
    shown_png(fresh)


def test_one_statistic_per_layer(explorer):
    results = stats(explorer, depth=7, width=32, activation="relu", scheme="he")
    assert results["activation_std"].shape == (6,)  # the hidden layers
    assert results["gradient_std"].shape == (7,)  # every W, the output layer's included
    assert results["gradient_ratio"] == pytest.approx(results["gradient_std"][0] / results["gradient_std"][-1])


def test_relu_with_he_keeps_activations_and_gradients_in_range(explorer):
    """He's 2 / n_in makes up for ReLU zeroing half of each layer: over 15 layers neither the activations nor
    the gradients drift by more than a small factor (measured: within 0.8-1.1 and a factor of about 5)."""
    results = stats(explorer, depth=15, width=128, activation="relu", scheme="he")
    assert np.all((results["activation_std"] > 1 / 3) & (results["activation_std"] < 3))
    grads = results["gradient_std"]
    assert grads.max() / grads.min() < 30


def test_relu_with_small_weights_shrinks_the_signal_layer_after_layer(explorer):
    """0.01 · sqrt(width / 2) = 0.057 per layer at width 64: nine hidden layers take it below 1e-10."""
    acts = stats(explorer, depth=10, width=64, activation="relu", scheme="small")["activation_std"]
    assert np.all(np.diff(acts) < 0)
    assert acts[-1] < 1e-8 * acts[0]


def test_relu_with_xavier_loses_about_a_factor_sqrt_2_per_layer(explorer):
    acts = stats(explorer, depth=12, width=128, activation="relu", scheme="xavier")["activation_std"]
    per_layer = (acts[-1] / acts[0]) ** (1 / (len(acts) - 1))
    assert 0.6 < per_layer < 0.8  # 1 / sqrt(2) = 0.707


def test_sigmoid_gradients_vanish_towards_the_input(explorer):
    """sigmoid's slope is at most 1/4, so each layer down multiplies the gradient by a small factor: the
    first layer's gradient is orders of magnitude below the last's, growing layer by layer."""
    results = stats(explorer, depth=10, width=64, activation="sigmoid", scheme="xavier")
    grads = results["gradient_std"]
    assert np.all(np.diff(grads) > 0)
    assert results["gradient_ratio"] < 1e-4
    assert f"gradient std of W1 / W10 = {results['gradient_ratio']:.2g}" in explorer.readout.value
    relu = stats(explorer, activation="relu", scheme="he")
    assert relu["gradient_ratio"] > 1e3 * results["gradient_ratio"]


def test_zeros_stop_every_gradient_with_relu(explorer):
    results = stats(explorer, depth=5, width=32, activation="relu", scheme="zeros")
    assert np.all(results["activation_std"] == 0) and np.all(results["gradient_std"] == 0)
    assert np.isnan(results["gradient_ratio"])
    assert explorer.readout.value.endswith("every gradient of W is 0 (W5's too)")
    shown_png(explorer)


def test_zeros_with_sigmoid_leave_only_the_output_layer_a_gradient(explorer):
    """sigmoid(0) = 1/2 in every unit: the last layer sees a constant input and gets a gradient, but W = 0
    passes nothing further down."""
    results = stats(explorer, depth=5, width=32, activation="sigmoid", scheme="zeros")
    assert np.all(results["activation_std"] == 0)
    assert np.all(results["gradient_std"][:-1] == 0) and results["gradient_std"][-1] > 0
    assert results["gradient_ratio"] == 0.0


def test_changing_a_control_alone_redraws(explorer):
    explorer.set_values(depth=6, width=32, activation="relu", scheme="he")
    before, png = explorer.readout.value, shown_png(explorer)
    explorer.controls["activation"].value = "sigmoid"
    assert explorer.readout.value != before and explorer.readout.value.startswith("sigmoid, he, 6 layers of 32")
    assert shown_png(explorer) != png


def test_reproducible_and_global_random_state_left_alone(explorer):
    np.random.seed(4)
    state = np.random.get_state()[1].copy()
    first = stats(explorer, depth=6, width=32, activation="relu", scheme="xavier")["gradient_std"].copy()
    stats(explorer, scheme="he")
    np.testing.assert_array_equal(stats(explorer, scheme="xavier")["gradient_std"], first)
    assert np.array_equal(np.random.get_state()[1], state)


def test_the_given_functions_run_the_relu_networks_only():
    calls = {"init": [], "forward": 0, "backward": 0}

    def init_fn(layer_sizes, rng, scheme):
        calls["init"].append((list(layer_sizes), scheme))
        assert isinstance(rng, np.random.Generator)
        return network.init_network(layer_sizes, rng, scheme)

    def doubled_forward(X, params):
        calls["forward"] += 1
        scores, cache = network.mlp_forward(X, params)
        return scores, [(2.0 * A_in, Z) for A_in, Z in cache]  # every recorded input doubled

    def backward_fn(dscores, cache, params):
        calls["backward"] += 1
        return network.mlp_backward(dscores, cache, params)

    explorer = depth_explorer(init_network_fn=init_fn, mlp_forward_fn=doubled_forward, mlp_backward_fn=backward_fn)
    explorer.set_values(depth=4, width=16, scheme="xavier")
    assert calls["init"][-1] == ([16, 16, 16, 16, 10], "xavier")
    reference = layer_statistics(network.init_network, network.mlp_forward, network.mlp_backward, 4, 16, "xavier")
    np.testing.assert_allclose(explorer.results["activation_std"], 2.0 * reference["activation_std"])
    np.testing.assert_allclose(explorer.results["gradient_std"], 2.0 * reference["gradient_std"])
    forward_calls = calls["forward"]
    explorer.controls["activation"].value = "sigmoid"
    assert calls["forward"] == forward_calls  # the sigmoid network is the module's own
    assert calls["init"][-1] == ([16, 16, 16, 16, 10], "xavier")


def test_the_sigmoid_network_has_the_right_gradients():
    rng = np.random.default_rng(3)
    params = network.init_network([3, 5, 4, 2], rng, "xavier")
    params = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in params.items()}
    X, y = rng.standard_normal((6, 3)), rng.integers(0, 2, size=6)

    def loss(p):
        return losses.categorical_cross_entropy(losses.softmax(sigmoid_forward(X, p)[0]), y)

    scores, cache = sigmoid_forward(X, params)
    grads = sigmoid_backward((losses.softmax(scores) - np.eye(2)[y]) / 6, cache, params)
    assert set(grads) == set(params)
    for name in params:
        numerical = gradcheck.numerical_gradient(lambda value, name=name: loss({**params, name: value}),
                                                 params[name])
        assert gradcheck.relative_error(grads[name], numerical) < 1e-7, name


def test_renders_in_headless_nbclient_execution():
    printed = printed_by_a_headless_widget_cell(
        "from course_lib.widgets.depth import depth_explorer\n"
        "explorer = depth_explorer()\n"
        "display(explorer)\n"
        "explorer.set_values(depth=4, width=16, activation='sigmoid', scheme='zeros')\n"
        "print(explorer.readout.value)")
    assert printed.startswith("sigmoid, zeros, 4 layers of 16: activation std 0 (layer 1)")
