"""course_lib.widgets: each explorer's controls drive its readout, results and plot."""

import base64

import ipywidgets
import numpy as np
import pytest

from course_lib.datasets import and_data, or_data, xor_data
from course_lib.widgets import activation_explorer, init_explorer, neuron_explorer

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]

GATES = {"AND": and_data, "OR": or_data, "XOR": xor_data}


def shown_png(explorer):
    """The bytes of the one PNG the explorer's Output widget currently holds."""
    [output] = explorer.plot.outputs
    assert output["output_type"] == "display_data"
    png = base64.b64decode(output["data"]["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return png


def perceptron_count(gate, w1, w2, bias):
    """Points of the gate a threshold unit gets right, from the contract's rule: 1 where x @ w + b >= 0."""
    X, y = GATES[gate]()
    return int(np.sum((X @ np.array([w1, w2]) + bias >= 0).astype(int) == y))


# --- neuron_explorer -------------------------------------------------------------------------------------


# Shared per module to save redraws (each renders a PNG): every test sets the controls it relies on.
@pytest.fixture(scope="module")
def neuron():
    return neuron_explorer()


def test_neuron_explorer_is_a_widget_with_named_controls(neuron):
    assert isinstance(neuron, ipywidgets.VBox)
    assert set(neuron.controls) == {"w1", "w2", "bias", "dataset"}
    for name in ("w1", "w2", "bias"):
        slider = neuron.controls[name]
        assert (slider.min, slider.max, slider.step) == (-2.0, 2.0, 0.1)
    assert list(neuron.controls["dataset"].options) == ["AND", "OR", "XOR"]
    assert neuron.readout in neuron.children and neuron.plot in neuron.children
    shown_png(neuron)


def test_neuron_explorer_starts_on_an_unsolved_and():
    neuron = neuron_explorer()
    values = neuron.values
    assert values["dataset"] == "AND"
    correct = perceptron_count("AND", values["w1"], values["w2"], values["bias"])
    assert correct < 4
    assert neuron.readout.value == f"{correct} of 4 points correct"
    assert neuron.results["correct"] == correct


def test_moving_a_slider_solves_and(neuron):
    neuron.set_values(w1=1.0, w2=1.0, bias=0.0, dataset="AND")
    assert neuron.readout.value == "1 of 4 points correct"  # everything fires; only (1, 1) should
    before = shown_png(neuron)
    # One slider, as a student moves it: the change alone must redraw.
    neuron.controls["bias"].value = -1.5
    assert neuron.readout.value == "4 of 4 points correct"
    assert neuron.results["correct"] == 4
    np.testing.assert_array_equal(neuron.results["predictions"], [0, 0, 0, 1])
    assert shown_png(neuron) != before


def test_or_is_solvable_and_the_readout_follows_the_dataset(neuron):
    neuron.set_values(w1=1.0, w2=1.0, bias=-0.5, dataset="OR")
    assert neuron.readout.value == "4 of 4 points correct"
    neuron.controls["dataset"].value = "AND"  # the same line puts (0, 1) and (1, 0) on the wrong side
    assert neuron.readout.value == "2 of 4 points correct"


@pytest.mark.parametrize(
    ("gate", "w1", "w2", "bias"),
    [("AND", 0.5, 0.5, 0.0), ("OR", -1.0, 2.0, 0.3), ("XOR", 1.0, -1.0, -0.5), ("AND", 0.0, 0.0, -0.1)],
)
def test_neuron_readout_counts_like_the_perceptron_rule(neuron, gate, w1, w2, bias):
    neuron.set_values(w1=w1, w2=w2, bias=bias, dataset=gate)
    expected = perceptron_count(gate, w1, w2, bias)
    assert neuron.readout.value == f"{expected} of 4 points correct"


def test_no_setting_solves_xor(neuron):
    """No line separates XOR; try the AND and OR solutions, their mirror images and random settings."""
    grid = np.round(np.arange(-2.0, 2.05, 0.1), 1)
    rng = np.random.default_rng(0)
    settings = [(1.0, 1.0, -1.5), (1.0, 1.0, -0.5), (-1.0, -1.0, 1.5), (-1.0, -1.0, 0.5), (1.0, -1.0, 0.0)]
    settings += [tuple(rng.choice(grid, size=3)) for _ in range(5)]
    for w1, w2, bias in settings:
        neuron.set_values(w1=w1, w2=w2, bias=bias, dataset="XOR")
        assert neuron.results["correct"] < 4, (w1, w2, bias)
        assert neuron.readout.value != "4 of 4 points correct"


def test_neuron_explorer_uses_the_given_perceptron_fn():
    calls = []

    def always_fires(inputs, weights, bias):
        calls.append((np.array(inputs), np.array(weights), bias))
        return 1

    explorer = neuron_explorer(perceptron_fn=always_fires)
    # Always 1: right only on AND's single positive point, whatever the weights say.
    assert explorer.readout.value == "1 of 4 points correct"
    assert len(calls) == 4
    inputs, weights, bias = calls[-1]
    assert inputs.shape == (2,) and weights.shape == (2,) and np.ndim(bias) == 0
    assert {tuple(i) for i, _, _ in calls} == {(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)}

    # set_values redraws once: four more calls, not twelve; and the new weights are passed on.
    explorer.set_values(w1=-2.0, w2=0.3, bias=1.2)
    assert len(calls) == 8
    assert tuple(calls[-1][1]) == (-2.0, 0.3) and calls[-1][2] == 1.2

    explorer.controls["dataset"].value = "OR"
    assert explorer.readout.value == "3 of 4 points correct"


# --- activation_explorer ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def activation():
    return activation_explorer()


def test_activation_explorer_defaults(activation):
    assert isinstance(activation, ipywidgets.VBox)
    assert list(activation.controls["function"].options) == ["step", "sigmoid", "relu", "leaky_relu"]
    assert set(activation.controls) == {"function", "alpha", "z_range", "z"}
    shown_png(activation)


@pytest.mark.parametrize(
    ("name", "z", "f", "grad"),
    [
        ("sigmoid", 0.0, 0.5, 0.25),  # sigmoid(0) = 1/2 and sigmoid' = s(1 - s) = 1/4
        ("relu", 2.0, 2.0, 1.0),
        ("relu", -1.0, 0.0, 0.0),
        ("step", -0.5, 0.0, 0.0),
        ("step", 3.0, 1.0, 0.0),
    ],
)
def test_activation_readout_at_z(activation, name, z, f, grad):
    activation.set_values(function=name, z=z)
    assert activation.results == pytest.approx({"z": z, "f": f, "grad": grad})
    assert activation.readout.value == f"{name} at z = {z:.2f}:  f(z) = {f:.4f},  f'(z) = {grad:.4f}"


def test_alpha_reaches_leaky_relu_only(activation):
    activation.set_values(function="leaky_relu", z=-2.0, alpha=0.2)
    assert not activation.controls["alpha"].disabled
    assert activation.results["f"] == pytest.approx(-0.4)  # alpha * z
    assert activation.results["grad"] == pytest.approx(0.2)  # alpha
    activation.controls["function"].value = "relu"
    assert activation.controls["alpha"].disabled
    assert activation.results["f"] == 0.0


def test_moving_z_updates_the_readout_and_plot(activation):
    activation.set_values(function="sigmoid", z=1.0, z_range=6.0)
    before = shown_png(activation)
    activation.controls["z"].value = 8.0  # beyond the default z range: the plot widens to show it
    expected = 1 / (1 + np.exp(-8.0))
    assert activation.results["f"] == pytest.approx(expected)
    assert activation.results["grad"] == pytest.approx(expected * (1 - expected))
    assert shown_png(activation) != before


def test_activation_explorer_with_custom_functions():
    def scaled_tanh(z, alpha=1.0):
        return alpha * np.tanh(z)

    def scaled_tanh_grad(z, alpha=1.0):
        return alpha * (1 - np.tanh(z) ** 2)

    explorer = activation_explorer({"tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
                                    "scaled": (scaled_tanh, scaled_tanh_grad)})
    assert list(explorer.controls["function"].options) == ["tanh", "scaled"]
    assert explorer.controls["alpha"].disabled
    explorer.set_values(z=0.0)
    assert explorer.results == pytest.approx({"z": 0.0, "f": 0.0, "grad": 1.0})
    explorer.set_values(function="scaled", alpha=0.5)
    assert not explorer.controls["alpha"].disabled
    assert explorer.results["grad"] == pytest.approx(0.5)


# --- init_explorer ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def init():
    return init_explorer()


def stds_for(explorer, scheme, depth=20, width=128):
    explorer.set_values(scheme=scheme, depth=depth, width=width)
    stds = explorer.results["stds"]
    assert stds.shape == (depth,)
    return stds


def test_init_explorer_controls(init):
    assert isinstance(init, ipywidgets.VBox)
    assert list(init.controls["scheme"].options) == ["zeros", "small", "xavier", "he"]
    assert (init.controls["depth"].min, init.controls["depth"].max) == (1, 20)
    shown_png(init)


def test_he_keeps_the_signal_steady(init):
    """He's 2/n_in exactly offsets ReLU halving the second moment, so the std stays put in expectation;
    with 128 units per layer the random drift over 20 layers stays well within a factor of 3."""
    stds = stds_for(init, "he")
    assert 1 / 3 < stds[-1] / stds[0] < 3
    assert init.readout.value.startswith("he:")


def test_small_vanishes(init):
    """Each layer scales the std by about 0.01 * sqrt(128 / 2) = 0.08: 19 layers shrink it ~1e-21."""
    stds = stds_for(init, "small")
    assert stds[-1] < 1e-15 * stds[0]
    assert np.all(np.diff(stds) < 0)


def test_xavier_halves_the_variance_per_layer(init):
    """1/n_in does not make up for ReLU's halving: the std falls by about sqrt(2) per layer, 2**-9.5 overall."""
    stds = stds_for(init, "xavier")
    assert 2**-12 < stds[-1] / stds[0] < 2**-7


def test_zeros_kill_the_signal(init):
    stds = stds_for(init, "zeros", depth=5)
    assert np.all(stds == 0.0)
    assert init.readout.value == "zeros: output std 0 after layer 1, 0 after layer 5"
    shown_png(init)


def test_init_explorer_is_reproducible_and_leaves_global_state_alone(init):
    np.random.seed(3)
    state = np.random.get_state()[1].copy()
    first = stds_for(init, "he", depth=6, width=32).copy()
    stds_for(init, "small", depth=6, width=32)
    assert np.array_equal(stds_for(init, "he", depth=6, width=32), first)
    assert np.array_equal(np.random.get_state()[1], state)


def test_init_explorer_uses_the_given_functions():
    seen = []

    def init_fn(n_in, n_out, rng, scheme):
        seen.append((n_in, n_out, scheme))
        assert isinstance(rng, np.random.Generator)
        return np.eye(n_in, n_out), np.zeros(n_out)

    def forward_fn(X, W, b):
        return 2.0 * (X @ W + b)

    explorer = init_explorer(init_fn=init_fn, forward_fn=forward_fn)
    seen.clear()
    explorer.set_values(scheme="xavier", depth=3, width=16)
    assert seen == [(16, 16, "xavier")] * 3
    # Identity weights, doubled: from layer 2 on the input is already non-negative, so ReLU keeps it whole.
    stds = explorer.results["stds"]
    np.testing.assert_allclose(stds[2] / stds[1], 2.0)


def test_explorers_leave_global_random_state_alone():
    np.random.seed(5)
    state = np.random.get_state()[1].copy()
    neuron_explorer()
    activation_explorer()
    init_explorer()
    assert np.array_equal(np.random.get_state()[1], state)


# --- in a real kernel -------------------------------------------------------------------------------------


def test_explorers_render_in_headless_nbclient_execution():
    """As when a notebook runs headless: no stderr, and each Output's saved widget state holds its PNG."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "from course_lib.widgets import activation_explorer, init_explorer, neuron_explorer\n"
            "neuron = neuron_explorer()\n"
            "display(neuron, activation_explorer(), init_explorer())\n"
            "neuron.set_values(w1=1.0, w2=1.0, bias=-1.5)\n"
            "print(neuron.readout.value)"
        )
    ]
    nbclient.NotebookClient(notebook, kernel_name="python3", timeout=60, store_widget_state=True).execute()
    outputs = notebook.cells[0].outputs
    assert [o["text"] for o in outputs if o["output_type"] == "stream"] == ["4 of 4 points correct\n"]
    assert sum("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs) == 3
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    plots = [model["state"]["outputs"] for model in state.values() if model["model_name"] == "OutputModel"]
    assert len(plots) == 3
    assert all(len(plot) == 1 and "image/png" in plot[0]["data"] for plot in plots)
