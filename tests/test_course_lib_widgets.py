"""course_lib.widgets: each explorer's controls drive its readout, results and plot."""


import ipywidgets
import numpy as np
import pytest

from course_lib.datasets import and_data, or_data, xor_data
from course_lib.widgets import (
    activation_explorer,
    init_explorer,
    learning_rate_explorer,
    neuron_explorer,
    optimizer_race,
    softmax_explorer,
)
from course_lib.widgets.learning_rate import LEARNING_RATES
from course_lib.widgets.optimizer_paths import START, valley_loss
from tests.widget_testing import shown_png

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]

GATES = {"AND": and_data, "OR": or_data, "XOR": xor_data}



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


def test_alpha_spans_relu_to_the_identity(activation):
    """The notebook asks what alpha = 0 and alpha = 1 turn leaky ReLU into: both ends must be reachable."""
    alpha = activation.controls["alpha"]
    assert (alpha.min, alpha.max) == (0.0, 1.0)
    activation.set_values(function="leaky_relu", z=-2.0, alpha=0.0)
    assert activation.results == pytest.approx({"z": -2.0, "f": 0.0, "grad": 0.0})  # ReLU
    activation.set_values(alpha=1.0)
    assert activation.results == pytest.approx({"z": -2.0, "f": -2.0, "grad": 1.0})  # the identity


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
    softmax_explorer()
    optimizer_race()
    explorer = learning_rate_explorer()
    explorer.set_values(steps=100)
    explorer.train()
    assert np.array_equal(np.random.get_state()[1], state)


# --- softmax_explorer -------------------------------------------------------------------------------------


def softmax_of(logits):
    """Softmax written out from its definition, independently of course_lib: exp(z_k) / sum_j exp(z_j)."""
    exps = np.exp(np.asarray(logits, dtype=np.float64))
    return exps / exps.sum()


@pytest.fixture(scope="module")
def softmax():
    return softmax_explorer()


def test_softmax_explorer_controls(softmax):
    assert isinstance(softmax, ipywidgets.VBox)
    assert set(softmax.controls) == {"z0", "z1", "z2", "true_class"}
    for k in range(3):
        slider = softmax.controls[f"z{k}"]
        assert (slider.min, slider.max) == (-10.0, 10.0)
    assert list(softmax.controls["true_class"].options) == [0, 1, 2]
    shown_png(softmax)


def test_softmax_explorer_starts_on_the_textbook_logits():
    explorer = softmax_explorer()
    np.testing.assert_allclose(explorer.results["probs"], softmax_of([2.0, 1.0, 0.1]))
    assert explorer.readout.value == "p = [0.659, 0.242, 0.099]; true class 0: loss = \u2212log p0 = 0.417"


@pytest.mark.parametrize(
    ("logits", "true_class"),
    [((2.0, 1.0, 0.1), 0), ((2.0, 1.0, 0.1), 2), ((-3.0, 0.0, 3.0), 1), ((5.0, 5.0, 5.0), 2), ((9.9, -9.9, 0.0), 0)],
)
def test_softmax_bars_sum_to_one_and_the_loss_is_minus_log_p_true(softmax, logits, true_class):
    softmax.set_values(z0=logits[0], z1=logits[1], z2=logits[2], true_class=true_class)
    probs = softmax.results["probs"]
    assert probs.shape == (3,)
    assert probs.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(probs, softmax_of(logits), rtol=1e-12)
    assert softmax.results["p_true"] == pytest.approx(probs[true_class])
    assert softmax.results["loss"] == pytest.approx(-np.log(probs[true_class]))
    assert not softmax.results["clipped"]
    assert softmax.readout.value.endswith(f"loss = \u2212log p{true_class} = {-np.log(probs[true_class]):.3f}")


def test_moving_a_logit_or_the_true_class_updates_the_loss(softmax):
    softmax.set_values(z0=2.0, z1=1.0, z2=0.1, true_class=0)
    before_loss, before_png = softmax.results["loss"], shown_png(softmax)
    softmax.controls["z0"].value = 4.0  # the true class's logit up: its probability up, the loss down
    assert softmax.results["loss"] < before_loss
    assert shown_png(softmax) != before_png
    softmax.controls["true_class"].value = 2  # now the least likely class is the true one
    assert softmax.results["loss"] == pytest.approx(-np.log(softmax_of([4.0, 1.0, 0.1])[2]))
    assert softmax.results["loss"] > before_loss


def test_a_hopeless_true_class_is_clipped_at_1e_minus_7(softmax):
    softmax.set_values(z0=-10.0, z1=10.0, z2=0.0, true_class=0)
    p_true = softmax_of([-10.0, 10.0, 0.0])[0]
    assert p_true < 1e-8
    assert softmax.results["p_true"] == pytest.approx(p_true)
    assert softmax.results["clipped"]
    assert softmax.results["loss"] == pytest.approx(-np.log(1e-7))  # 16.118, not -log(2e-9) = 20.0
    assert "clipped to 1e-7" in softmax.readout.value
    assert "= 16.118" in softmax.readout.value


def test_softmax_explorer_uses_the_given_functions():
    shapes = []

    def halved_softmax(Z):
        """A softmax at temperature 2, recording what it is given."""
        shapes.append(np.shape(Z))
        exps = np.exp(np.asarray(Z) / 2)
        return exps / exps.sum(axis=1, keepdims=True)

    def squared_error_loss(probs, y):
        return float(np.sum((probs - np.eye(probs.shape[1])[y]) ** 2))

    explorer = softmax_explorer(softmax_fn=halved_softmax, cross_entropy_fn=squared_error_loss, num_classes=4)
    assert set(explorer.controls) == {"z0", "z1", "z2", "z3", "true_class"}
    assert shapes == [(1, 4)]  # one sample, K logits
    explorer.set_values(z0=2.0, z1=0.0, z2=-2.0, z3=0.0, true_class=1)
    expected = softmax_of([1.0, 0.0, -1.0, 0.0])
    np.testing.assert_allclose(explorer.results["probs"], expected)
    assert explorer.results["loss"] == pytest.approx(np.sum((expected - [0, 1, 0, 0]) ** 2))


def test_softmax_explorer_rejects_a_class_count_it_cannot_show():
    with pytest.raises(ValueError, match="between 2 and 6"):
        softmax_explorer(num_classes=1)


# --- learning_rate_explorer -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lr_runs():
    """One explorer trained at a too small, a good and a divergent rate (1000 steps each, the default)."""
    explorer = learning_rate_explorer()
    results = {}
    for lr in (0.001, 3.0, 30.0):
        explorer.set_values(lr=lr)
        explorer.train()
        results[lr] = (dict(explorer.results), explorer.readout.value)
    return explorer, results


def test_learning_rate_explorer_controls():
    explorer = learning_rate_explorer()
    assert isinstance(explorer, ipywidgets.VBox)
    assert set(explorer.controls) == {"lr", "steps"}
    assert list(explorer.controls["lr"].options) == [(f"{lr:g}", lr) for lr in LEARNING_RATES]
    assert LEARNING_RATES[0] == 1e-4 and LEARNING_RATES[-1] == 100.0
    # Log scale: every neighbour is about 3 times larger.
    assert np.all(np.abs(np.diff(np.log10(LEARNING_RATES)) - 0.5) < 0.03)
    assert explorer.values == {"lr": 0.01, "steps": 1000}
    buttons = explorer.children[2]
    assert {explorer.train_button, explorer.clear_button} == set(buttons.children)
    assert explorer.progress in explorer.children
    assert explorer.runs == [] and explorer.results == {}
    assert explorer.readout.value == "No run yet: choose a learning rate and press Train."
    shown_png(explorer)


def test_too_small_a_rate_barely_moves_the_loss(lr_runs):
    _, results = lr_runs
    run, readout = results[0.001]
    assert run["initial_loss"] == pytest.approx(1.212, abs=5e-4)
    assert 0.8 * run["initial_loss"] < run["final_loss"] < run["initial_loss"]  # measured: 1.212 -> 1.108
    assert not run["diverged"]
    assert readout == f"lr = 0.001, 1000 steps: loss 1.212 \u2192 {run['final_loss']:.3f}, accuracy " \
                      f"{run['final_accuracy']:.2f}"


def test_a_good_rate_lowers_the_loss_a_lot(lr_runs):
    _, results = lr_runs
    run, readout = results[3.0]
    small, _ = results[0.001]
    # Full-batch SGD at rate 3 oscillates, so where it ends moves with the BLAS kernel's rounding:
    # 1.212 -> 0.657 (accuracy 0.68) on one machine, 1.212 -> 0.964 on another. Both fall far below the
    # small rate's run.
    assert run["final_loss"] < 0.85 * run["initial_loss"]
    assert run["final_loss"] < small["final_loss"] - 0.1
    assert run["final_accuracy"] > 0.45  # chance is 1/3
    assert not run["diverged"] and "diverged" not in readout


def test_too_large_a_rate_diverges(lr_runs):
    _, results = lr_runs
    run, readout = results[30.0]
    assert run["diverged"]
    assert run["final_loss"] > 5 * run["initial_loss"]  # measured: 1.212 -> 8.45
    assert run["final_accuracy"] == pytest.approx(1 / 3)  # every point given the same class
    assert readout.endswith("\u2014 diverged")


def test_every_run_starts_from_the_same_weights_and_is_kept(lr_runs):
    explorer, results = lr_runs
    assert [run["lr"] for run in explorer.runs] == [0.001, 3.0, 30.0]
    assert len({results[lr][0]["initial_loss"] for lr in results}) == 1
    for run in explorer.runs:
        assert run["loss"].shape == run["accuracy"].shape == (1000,)
        assert np.all(np.isfinite(run["loss"]))


def test_retraining_one_rate_replaces_its_run_and_repeats_its_curve():
    explorer = learning_rate_explorer()
    explorer.set_values(lr=1.0, steps=300)
    explorer.train()
    first = explorer.runs[-1]["loss"].copy()
    explorer.set_values(lr=0.1)
    explorer.train_button.click()  # the button does what train() does
    assert [run["lr"] for run in explorer.runs] == [1.0, 0.1]
    explorer.set_values(lr=1.0, steps=500)
    explorer.train()
    assert [run["lr"] for run in explorer.runs] == [0.1, 1.0]
    np.testing.assert_array_equal(explorer.runs[-1]["loss"][:300], first)  # same start, same data, same steps
    explorer.clear_button.click()
    assert explorer.runs == [] and explorer.results == {}


def test_at_most_eight_runs_are_kept():
    explorer = learning_rate_explorer()
    for lr in LEARNING_RATES[:10]:
        explorer.set_values(lr=lr, steps=100)
        explorer.train()
    assert [run["lr"] for run in explorer.runs] == list(LEARNING_RATES[2:10])


def test_changing_a_control_alone_does_not_train():
    explorer = learning_rate_explorer()
    explorer.controls["lr"].value = 3.0
    explorer.set_values(steps=200)
    assert explorer.runs == [] and explorer.results == {}


def test_learning_rate_explorer_uses_the_given_functions():
    from course_lib.training import sgd_update, two_layer_backward, two_layer_forward

    calls = {"forward": 0, "backward": 0, "update": 0}

    def forward(X, params):
        calls["forward"] += 1
        assert X.shape == (300, 2) and params["W1"].shape == (2, 16)
        return two_layer_forward(X, params)

    def backward(probs, y, cache, params):
        calls["backward"] += 1
        return two_layer_backward(probs, y, cache, params)

    def update_in_place(params, grads, lr):
        """A student's version: the arrays themselves change, which the contract allows."""
        calls["update"] += 1
        for name in grads:
            params[name] -= lr * grads[name]

    explorer = learning_rate_explorer(sgd_update_fn=update_in_place, forward_fn=forward, backward_fn=backward,
                                      hidden_size=16)
    explorer.set_values(lr=1.0, steps=200)
    explorer.train()
    assert calls == {"forward": 200, "backward": 200, "update": 200}
    reference = learning_rate_explorer(sgd_update_fn=sgd_update, hidden_size=16)
    reference.set_values(lr=1.0, steps=200)
    reference.train()
    np.testing.assert_allclose(explorer.runs[-1]["loss"], reference.runs[-1]["loss"], rtol=1e-12)

    # An update that never changes anything: the loss stays where it started.
    frozen = learning_rate_explorer(sgd_update_fn=lambda params, grads, lr: None)
    frozen.set_values(lr=3.0, steps=100)
    frozen.train()
    assert frozen.results["final_loss"] == frozen.results["initial_loss"]
    assert not frozen.results["diverged"]


def test_a_non_finite_loss_stops_the_run_and_counts_as_diverged():
    from course_lib.training import two_layer_backward

    def exploding_backward(probs, y, cache, params):
        return {name: np.full_like(grad, np.inf) for name, grad in two_layer_backward(probs, y, cache, params).items()}

    explorer = learning_rate_explorer(backward_fn=exploding_backward)
    explorer.set_values(lr=0.1, steps=100)
    explorer.train()
    run = explorer.runs[-1]
    assert np.isfinite(run["loss"][0]) and np.isnan(run["loss"][1])  # inf weights: nan probabilities
    assert np.all(np.isnan(run["loss"][2:]))  # training stopped there
    assert explorer.results["diverged"]
    assert " at step 1," in explorer.readout.value and explorer.readout.value.endswith("diverged")
    shown_png(explorer)


def test_training_writes_nothing_outside_a_notebook(capfd):
    explorer = learning_rate_explorer()
    explorer.set_values(lr=0.1, steps=100)
    explorer.train()
    explorer.clear()
    assert capfd.readouterr() == ("", "")  # nbgrader scores any stderr as a failure


# --- optimizer_race ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def race():
    return optimizer_race()


def test_optimizer_race_controls(race):
    assert isinstance(race, ipywidgets.VBox)
    assert set(race.controls) == {"lr", "steps"}
    assert race.values == {"lr": 0.18, "steps": 100}
    assert valley_loss(np.array(START)) == pytest.approx(4.674, abs=1e-3)
    shown_png(race)


def test_the_default_race_momentum_and_adam_beat_sgd_and_rmsprop_hovers(race):
    """At lr 0.18, just under SGD's limit 2 / 10, for 100 steps (measured: SGD 0.0151, momentum 2.2e-05,
    RMSProp 0.0533, Adam 0.00095)."""
    race.set_values(lr=0.18, steps=100)
    final = race.results["final_loss"]
    assert set(final) == {"SGD", "momentum", "RMSProp", "Adam"}
    assert not any(race.results["diverged"].values())
    assert final["momentum"] < final["SGD"] / 100
    assert final["Adam"] < final["SGD"] / 5
    # RMSProp's steps stay about lr long near the minimum, so it ends above SGD here.
    assert final["SGD"] < final["RMSProp"] < valley_loss(np.array(START))
    for name, path in race.results["paths"].items():
        assert path.shape == (101, 2)
        np.testing.assert_array_equal(path[0], START)
        assert final[name] == pytest.approx(valley_loss(path[-1]))
    assert race.readout.value == ("final loss after 100 steps at lr 0.18: SGD 0.0151 \u00b7 momentum 2.22e-05 "
                                  "\u00b7 RMSProp 0.0533 \u00b7 Adam 0.000946")


def test_sgd_zig_zags_across_the_valley(race):
    """Across the valley SGD multiplies its offset by 1 - 0.18 * 10 = -0.8 each step: it changes side."""
    race.set_values(lr=0.18, steps=20)
    sgd = race.results["paths"]["SGD"]
    across = sgd @ np.array([-np.sin(np.deg2rad(15)), np.cos(np.deg2rad(15))])  # signed distance from the axis
    assert np.all(np.sign(across[1:-1]) == -np.sign(across[2:]))


def test_above_two_over_the_curvature_sgd_diverges_and_the_others_do_not(race):
    before = shown_png(race)
    race.controls["lr"].value = 0.25
    assert race.results["diverged"] == {"SGD": True, "momentum": False, "RMSProp": False, "Adam": False}
    assert "SGD diverged" in race.readout.value
    assert len(race.results["paths"]["SGD"]) < race.values["steps"] + 1
    assert shown_png(race) != before


def test_more_steps_lower_momentum_and_adam(race):
    race.set_values(lr=0.1, steps=50)
    short = dict(race.results["final_loss"])
    race.controls["steps"].value = 200
    for name in ("SGD", "momentum", "Adam"):
        assert race.results["final_loss"][name] < short[name]
    assert race.results["paths"]["Adam"].shape == (201, 2)


def test_optimizer_race_uses_the_given_functions_each_with_its_own_state():
    states = {}

    def recording(name, update):
        def wrapped(params, grads, state, lr):
            assert set(params) == set(grads) == {"p"} and params["p"].shape == (2,)
            states.setdefault(name, []).append(state)
            update(params, grads, state, lr)
        return wrapped

    from course_lib.optimizers import adam_update, rmsprop_update

    def sgd_in_place(params, grads, lr):
        params["p"] -= lr * grads["p"]  # in place: the recorded path must not follow later steps

    def momentum_sign_flipped(params, grads, velocities, lr, momentum=0.9):
        """A catalogued mistake: the gradient added instead of subtracted, so the path climbs."""
        velocities["p"] = momentum * velocities.get("p", 0.0) + lr * grads["p"]
        params["p"] = params["p"] + velocities["p"]

    explorer = optimizer_race(sgd_update_fn=sgd_in_place, momentum_update_fn=momentum_sign_flipped,
                              rmsprop_update_fn=recording("RMSProp", rmsprop_update),
                              adam_update_fn=recording("Adam", adam_update))
    reference = optimizer_race()
    np.testing.assert_array_equal(explorer.results["paths"]["SGD"], reference.results["paths"]["SGD"])
    assert explorer.results["diverged"]["momentum"] and not reference.results["diverged"]["momentum"]
    for name in ("RMSProp", "Adam"):
        calls = states[name]
        assert len(calls) == 100 and all(state is calls[0] for state in calls)  # one state dict per race
    assert states["RMSProp"][0] is not states["Adam"][0]
    assert states["Adam"][0]["t"] == 100
    np.testing.assert_allclose(explorer.results["final_loss"]["Adam"], reference.results["final_loss"]["Adam"])


# --- in a real kernel -------------------------------------------------------------------------------------


def test_explorers_render_in_headless_nbclient_execution():
    """As when a notebook runs headless: no stderr, each explorer's Output holds its PNG in the saved widget
    state, and the learning-rate explorer's Train button puts a tqdm progress bar inside the explorer."""
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
        ),
        nbformat.v4.new_code_cell(
            "from course_lib.widgets import learning_rate_explorer, optimizer_race, softmax_explorer\n"
            "softmax, lr_explorer, race = softmax_explorer(), learning_rate_explorer(), optimizer_race()\n"
            "display(softmax, lr_explorer, race)\n"
            "softmax.controls['true_class'].value = 2\n"
            "lr_explorer.set_values(lr=3.0, steps=300)\n"
            "lr_explorer.train_button.click()\n"
            "race.controls['lr'].value = 0.25\n"
            "print(softmax.readout.value, lr_explorer.readout.value, race.readout.value, sep='\\n')"
        ),
        nbformat.v4.new_code_cell(
            "def unwritten_update(params, grads, lr):\n"
            "    raise NotImplementedError('sgd_update is not written yet')\n"
            "broken = learning_rate_explorer(sgd_update_fn=unwritten_update)\n"
            "display(broken)\n"
            "broken.train_button.click()\n"
            "print(len(broken.runs), broken.readout.value)"
        ),
    ]
    nbclient.NotebookClient(notebook, kernel_name="python3", timeout=60, store_widget_state=True).execute()
    printed = [[o["text"] for o in cell.outputs if o["output_type"] == "stream"] for cell in notebook.cells]
    assert printed[0] == ["4 of 4 points correct\n"]
    [second] = printed[1]
    assert all(o["name"] == "stdout" for cell in notebook.cells for o in cell.outputs if o["output_type"] == "stream")
    softmax_line, lr_line, race_line = second.splitlines()
    assert softmax_line == "p = [0.659, 0.242, 0.099]; true class 2: loss = \u2212log p2 = 2.317"
    assert lr_line.startswith("lr = 3, 300 steps: loss 1.212 \u2192 ")
    assert race_line.startswith("final loss after 100 steps at lr 0.25: SGD diverged \u00b7 momentum ")
    # An error in a function the explorer calls shows inside the explorer, and adds no run.
    assert printed[2] == ["0 No run yet: choose a learning rate and press Train.\n"]
    for cell, widget_count in zip(notebook.cells, (3, 3, 1)):
        views = sum("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell.outputs)
        assert views == widget_count
        assert not [o for o in cell.outputs if o["output_type"] == "error"]

    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    outputs = [model["state"]["outputs"] for model in state.values() if model["model_name"] == "OutputModel"]
    plots = [out for out in outputs if out and "image/png" in out[0].get("data", {})]
    assert len(plots) == 7 and all(len(plot) == 1 for plot in plots)
    progress_areas = [out for out in outputs if out and "image/png" not in out[0].get("data", {})]
    [broken_progress] = [out for out in progress_areas if any(o["output_type"] == "error" for o in out)]
    [error] = [o for o in broken_progress if o["output_type"] == "error"]
    assert error["ename"] == "NotImplementedError" and error["evalue"] == "sgd_update is not written yet"
    [bar_view] = [out for out in progress_areas if out is not broken_progress][0]
    bar_id = bar_view["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
    bar_parts = [state[child.removeprefix("IPY_MODEL_")] for child in state[bar_id]["state"]["children"]]
    assert [part["model_name"] for part in bar_parts] == ["HTMLModel", "FloatProgressModel", "HTMLModel"]
    assert bar_parts[1]["state"]["value"] == bar_parts[1]["state"]["max"] == 300  # the bar is full
