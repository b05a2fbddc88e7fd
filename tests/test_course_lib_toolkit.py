"""course_lib.toolkit: layers and Sequential against the reference functions, losses, optimizers, schedules, fit."""

import copy

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from course_lib.backprop import sigmoid_bce_backward, softmax_cce_backward
from course_lib.datasets import make_blobs, spiral_data
from course_lib.early_stopping import EarlyStopping
from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.losses import binary_cross_entropy, categorical_cross_entropy, one_hot, softmax
from course_lib.network import init_network, mlp_backward, mlp_forward
from course_lib.optimizers import adam_update, step_decay
from course_lib.regularization import l2_penalty
from course_lib.toolkit import (
    SGD,
    Adam,
    BatchNorm,
    CosineDecay,
    Dense,
    Dropout,
    LayerNorm,
    ReLU,
    Sequential,
    SigmoidBinaryCrossEntropy,
    SoftmaxCrossEntropy,
    StepDecay,
    evaluate,
    fit,
    predict,
)
from course_lib.training import decayed_learning_rate, sgd_update

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]


def every_layer_model(rng, dtype=np.float64):
    return Sequential(
        [Dense(3, 6), BatchNorm(6), ReLU(), Dropout(0.7), Dense(6, 5), LayerNorm(5), Dense(5, 2)],
        rng,
        dtype=dtype,
    )


# --- Sequential ---------------------------------------------------------------------------------------------


def test_sequential_numbers_parameters_and_state_per_kind_of_layer():
    model = every_layer_model(np.random.default_rng(0))
    assert list(model.params) == ["W1", "b1", "gamma1", "beta1", "W2", "b2", "ln_gamma1", "ln_beta1", "W3", "b3"]
    assert list(model.state) == ["batchnorm1"]
    assert set(model.state["batchnorm1"]) == {"running_mean", "running_var"}
    assert model.params["W2"].shape == (6, 5) and model.params["gamma1"].shape == (6,)
    np.testing.assert_array_equal(model.params["gamma1"], 1.0)
    np.testing.assert_array_equal(model.state["batchnorm1"]["running_var"], 1.0)


def test_a_dense_relu_stack_is_mlp_forward_and_mlp_backward():
    rng = np.random.default_rng(1)
    model = Sequential([Dense(2, 7), ReLU(), Dense(7, 4), ReLU(), Dense(4, 3)], rng)
    params = init_network([2, 7, 4, 3], np.random.default_rng(1))
    assert all(np.array_equal(model.params[k], params[k]) for k in params) and set(model.params) == set(params)
    X = rng.standard_normal((9, 2))
    dscores = rng.standard_normal((9, 3))
    scores, caches = model.forward(X)
    expected_scores, mlp_cache = mlp_forward(X, params)
    np.testing.assert_array_equal(scores, expected_scores)
    grads = model.backward(dscores, caches)
    expected = mlp_backward(dscores, mlp_cache, params)
    assert set(grads) == set(expected)
    assert all(np.allclose(grads[k], expected[k], rtol=1e-12, atol=0) for k in expected)


def test_sequential_backward_matches_numerical_gradients_in_training_mode():
    rng = np.random.default_rng(2)
    model = every_layer_model(rng)
    X = rng.standard_normal((8, 3))
    upstream = rng.standard_normal((8, 2))

    def loss_of(name, value):
        model_copy = copy.deepcopy(model)
        model_copy.params[name] = value
        # The same seed each time: the same dropout mask in every forward pass.
        scores, _ = model_copy.forward(X, training=True, rng=np.random.default_rng(3))
        return np.sum(scores * upstream)

    scores, caches = copy.deepcopy(model).forward(X, training=True, rng=np.random.default_rng(3))
    grads = model.backward(upstream, caches)
    assert set(grads) == set(model.params)
    # Batch norm subtracts the batch mean, so the bias of the Dense layer before it has no effect at all.
    np.testing.assert_allclose(grads["b1"], 0.0, atol=1e-12)
    for name, value in model.params.items():
        if name != "b1":
            numerical = numerical_gradient(lambda v, name=name: loss_of(name, v), value)
            assert relative_error(grads[name], numerical) < 1e-6, name


def test_training_mode_updates_running_statistics_and_eval_mode_uses_them():
    rng = np.random.default_rng(4)
    model = Sequential([Dense(2, 4), BatchNorm(4), Dropout(0.5)], rng)
    X = rng.standard_normal((16, 2)) + 3.0
    running = model.state["batchnorm1"]
    model.forward(X, training=True, rng=rng)
    Z = X @ model.params["W1"] + model.params["b1"]
    np.testing.assert_allclose(running["running_mean"], 0.1 * Z.mean(axis=0), rtol=1e-12)
    saved = copy.deepcopy(model.state)
    out, _ = model.forward(X)
    assert all(np.array_equal(model.state["batchnorm1"][k], saved["batchnorm1"][k]) for k in running)
    expected = (Z - running["running_mean"]) / np.sqrt(running["running_var"] + 1e-5)
    np.testing.assert_allclose(out, expected, rtol=1e-12)  # gamma 1, beta 0, no dropout in eval mode


def test_dropout_in_training_mode_needs_a_generator():
    model = Sequential([Dense(2, 3), Dropout(0.5)], np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng"):
        model.forward(np.ones((2, 2)), training=True)


def test_float32_models_compute_in_float32():
    rng = np.random.default_rng(5)
    model = every_layer_model(rng, dtype=np.float32)
    assert all(value.dtype == np.float32 for value in model.params.values())
    X = rng.standard_normal((8, 3)).astype(np.float32)
    scores, caches = model.forward(X, training=True, rng=rng)
    _, dscores = SoftmaxCrossEntropy()(scores, np.arange(8) % 2)
    grads = model.backward(dscores, caches)
    assert scores.dtype == dscores.dtype == np.float32
    assert all(grad.dtype == np.float32 for grad in grads.values())


def test_load_weights_copies_values_into_the_model():
    rng = np.random.default_rng(6)
    model = every_layer_model(rng)
    snapshot = copy.deepcopy(model.weights())
    for value in model.params.values():
        value += 1.0
    model.state["batchnorm1"]["running_mean"] += 5.0
    model.load_weights(snapshot)
    assert all(np.array_equal(model.params[k], snapshot["params"][k]) for k in snapshot["params"])
    np.testing.assert_array_equal(model.state["batchnorm1"]["running_mean"], 0.0)
    assert model.params["W1"] is not snapshot["params"]["W1"]


# --- losses --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("one_hot_labels", [False, True], ids=["integer", "one-hot"])
def test_softmax_cross_entropy_is_the_reference_loss_and_gradient(one_hot_labels):
    rng = np.random.default_rng(7)
    scores = rng.standard_normal((10, 4)) * 5
    labels = rng.integers(0, 4, 10)
    y = one_hot(labels, 4) if one_hot_labels else labels
    saved = scores.copy()
    value, dscores = SoftmaxCrossEntropy()(scores, y)
    assert value == pytest.approx(categorical_cross_entropy(softmax(scores), y), rel=1e-12)
    np.testing.assert_allclose(dscores, softmax_cce_backward(softmax(scores), y), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(scores, saved)
    np.testing.assert_array_equal(SoftmaxCrossEntropy().predict(scores), scores.argmax(axis=1))
    assert SoftmaxCrossEntropy().accuracy(scores, y) == np.mean(scores.argmax(axis=1) == labels)


def test_softmax_cross_entropy_clips_a_confident_mistake():
    value, _ = SoftmaxCrossEntropy()(np.array([[1000.0, -1000.0]]), np.array([1]))
    assert value == pytest.approx(-np.log(1e-7))


@pytest.mark.parametrize("shape", [(12, 1), (12,)], ids=str)
def test_sigmoid_binary_cross_entropy_is_the_reference_loss_and_gradient(shape):
    rng = np.random.default_rng(8)
    scores = rng.standard_normal(shape) * 4
    y = rng.integers(0, 2, 12)
    p = 1.0 / (1.0 + np.exp(-scores))
    value, dscores = SigmoidBinaryCrossEntropy()(scores, y)
    assert value == pytest.approx(binary_cross_entropy(p, y), rel=1e-12)
    assert dscores.shape == shape
    np.testing.assert_allclose(dscores, sigmoid_bce_backward(p, y), rtol=1e-12)
    np.testing.assert_array_equal(SigmoidBinaryCrossEntropy().predict(scores), (np.ravel(p) > 0.5).astype(int))
    assert SigmoidBinaryCrossEntropy().accuracy(scores, y) == np.mean((np.ravel(p) > 0.5) == y)


def test_losses_keep_float32():
    scores = np.random.default_rng(9).standard_normal((6, 3)).astype(np.float32)
    _, d_softmax = SoftmaxCrossEntropy()(scores, np.arange(6) % 3)
    _, d_sigmoid = SigmoidBinaryCrossEntropy()(scores[:, :1], np.arange(6) % 2)
    assert d_softmax.dtype == d_sigmoid.dtype == np.float32


# --- optimizers and schedules ----------------------------------------------------------------------------------


def reference_update(name):
    """The notebooks' update (06's sgd_update, 07's adam_update), with its state dict, that each toolkit optimizer
    must reproduce."""
    if name == "SGD":
        return lambda params, grads, state, lr: sgd_update(params, grads, lr)
    return lambda params, grads, state, lr: adam_update(params, grads, state, lr, 0.85, 0.99, 1e-7)


OPTIMIZERS = {
    "SGD": lambda: SGD(lr=0.3),
    "Adam": lambda: Adam(lr=0.3, beta1=0.85, beta2=0.99, eps=1e-7),
}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizers_take_the_reference_steps_and_keep_state_in_a_dict(name):
    rng = np.random.default_rng(10)
    params = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal(2)}
    expected = copy.deepcopy(params)
    optimizer = OPTIMIZERS[name]()
    expected_state = {}
    for step, lr in enumerate([None, 0.1, None]):
        grads = {k: rng.standard_normal(v.shape) for k, v in params.items()}
        optimizer.step(params, grads, lr)
        reference_update(name)(expected, grads, expected_state, 0.3 if lr is None else lr)
        for key in params:
            np.testing.assert_allclose(params[key], expected[key], rtol=1e-12, err_msg=f"step {step}, {key}")
    assert isinstance(optimizer.state, dict)
    if name != "SGD":
        assert optimizer.state.keys() == expected_state.keys()


def test_schedules_follow_the_reference_functions():
    stepped = StepDecay(0.1, drop=0.5, every=10)
    for step, epoch in [(0, 0), (7, 3), (999, 10), (5000, 25)]:
        assert stepped(step, epoch) == step_decay(0.1, 0.5, 10, epoch)
    cosine = CosineDecay(0.2, epochs=100, lr_min=0.02)
    assert cosine(0, 0) == pytest.approx(0.2)
    assert cosine(0, 50) == pytest.approx(0.11)
    assert cosine(0, 100) == pytest.approx(0.02) and cosine(0, 150) == pytest.approx(0.02)


# --- fit -----------------------------------------------------------------------------------------------------


def blobs_model(seed, keep_prob=0.9):
    rng = np.random.default_rng(seed)
    layers = [Dense(2, 16), BatchNorm(16), ReLU(), Dropout(keep_prob), Dense(16, 2)]
    return Sequential(layers, rng), rng


def test_full_batch_sgd_fit_is_the_plain_training_loop():
    X, y = spiral_data(20, 3)
    model = Sequential([Dense(2, 8), ReLU(), Dense(8, 3)], np.random.default_rng(11))
    history = fit(model, X, y, SoftmaxCrossEntropy(), SGD(lr=0.5), np.random.default_rng(0), epochs=30)
    params = init_network([2, 8, 3], np.random.default_rng(11))
    X = X.astype(np.float64)
    losses = []
    for _ in range(30):
        scores, cache = mlp_forward(X, params)
        losses.append(categorical_cross_entropy(softmax(scores), y))
        sgd_update(params, mlp_backward(softmax_cce_backward(softmax(scores), y), cache, params), 0.5)
    np.testing.assert_allclose(history["loss"], losses, rtol=1e-10)
    assert all(np.allclose(model.params[k], params[k], rtol=1e-10) for k in params)


def test_fit_learns_and_records_one_value_per_epoch():
    X, y = make_blobs(n_per_class=60, seed=0)
    X_val, y_val = make_blobs(n_per_class=30, seed=1)
    model, rng = blobs_model(0)
    history = fit(
        model, X, y, SoftmaxCrossEntropy(), Adam(lr=0.01), rng, epochs=15, batch_size=32, validation_data=(X_val, y_val)
    )
    assert set(history) == {"loss", "accuracy", "lr", "val_loss", "val_accuracy"}
    assert all(len(values) == 15 for values in history.values())
    assert history["loss"][-1] < history["loss"][0]
    assert history["val_accuracy"][-1] > 0.9
    assert history["lr"] == [0.01] * 15
    val_loss, val_accuracy = evaluate(model, X_val, y_val, SoftmaxCrossEntropy())
    assert (val_loss, val_accuracy) == (history["val_loss"][-1], history["val_accuracy"][-1])
    assert np.mean(predict(model, X_val, SoftmaxCrossEntropy()) == y_val) == val_accuracy


def test_fit_accepts_one_hot_labels_with_softmax_cross_entropy():
    X, y = make_blobs(n_per_class=30, seed=9)
    histories = []
    for labels in (y, one_hot(y, 2)):
        model, rng = blobs_model(12)
        histories.append(fit(model, X, labels, SoftmaxCrossEntropy(), Adam(lr=0.01), rng, epochs=5, batch_size=16))
    assert histories[0] == histories[1]
    assert histories[0]["accuracy"][-1] > 0.9


def test_fit_is_deterministic_for_a_given_generator():
    X, y = make_blobs(n_per_class=40, seed=2)

    def run(seed):
        model, rng = blobs_model(seed, keep_prob=0.5)
        history = fit(model, X, y, SoftmaxCrossEntropy(), Adam(lr=0.01), rng, epochs=5, batch_size=16)
        return history, model.params

    (first, params_a), (again, params_b), (other, _) = run(3), run(3), run(4)
    assert first == again
    assert all(np.array_equal(params_a[k], params_b[k]) for k in params_a)
    assert first["loss"] != other["loss"]


def test_fit_leaves_the_data_alone():
    X, y = make_blobs(n_per_class=20, seed=3)
    saved_X, saved_y = X.copy(), y.copy()
    model, rng = blobs_model(5)
    fit(model, X, y, SoftmaxCrossEntropy(), Adam(), rng, epochs=2, batch_size=8)
    np.testing.assert_array_equal(X, saved_X)
    np.testing.assert_array_equal(y, saved_y)


def test_early_stopping_stops_and_restores_the_best_epoch():
    X, y = make_blobs(n_per_class=30, std=1.2, seed=4)
    X_val, y_val = make_blobs(n_per_class=30, std=1.2, seed=5)
    model, rng = blobs_model(6)
    stopper = EarlyStopping(patience=3)
    # A learning rate far too high: the validation loss stops improving within a few epochs.
    history = fit(
        model, X, y, SoftmaxCrossEntropy(), Adam(lr=0.5), rng, epochs=200, batch_size=8,
        validation_data=(X_val, y_val), early_stopping=stopper,
    )  # fmt: skip
    epochs_run = len(history["loss"])
    assert epochs_run < 200
    assert stopper.best_epoch == epochs_run - 1 - 3
    assert stopper.best_loss == min(history["val_loss"]) == history["val_loss"][stopper.best_epoch]
    assert evaluate(model, X_val, y_val, SoftmaxCrossEntropy())[0] == pytest.approx(stopper.best_loss, rel=1e-12)
    best = stopper.best_params
    assert all(np.array_equal(model.params[k], best["params"][k]) for k in model.params)
    assert np.array_equal(model.state["batchnorm1"]["running_var"], best["state"]["batchnorm1"]["running_var"])


def test_early_stopping_needs_validation_data():
    model, rng = blobs_model(7)
    with pytest.raises(ValueError, match="validation"):
        fit(model, *make_blobs(seed=0), SoftmaxCrossEntropy(), Adam(), rng, epochs=1, early_stopping=EarlyStopping(2))


def test_callbacks_see_every_epoch_and_can_stop_training():
    model, rng = blobs_model(8)
    seen, also_seen = [], []

    def stop_after_four(epoch, logs):
        seen.append((epoch, sorted(logs)))
        return epoch == 3

    def watch(epoch, logs):
        also_seen.append(epoch)

    history = fit(
        model, *make_blobs(seed=1), SoftmaxCrossEntropy(), Adam(), rng, epochs=50, callbacks=[stop_after_four, watch]
    )
    assert seen == [(epoch, ["accuracy", "loss", "lr"]) for epoch in range(4)]
    assert also_seen == [0, 1, 2, 3]
    assert len(history["loss"]) == 4


def test_learning_rate_schedule_is_applied_and_recorded():
    X, y = make_blobs(n_per_class=10, seed=6)
    model, rng = blobs_model(9)
    # 20 samples in batches of 8: 3 steps per epoch, so epoch e ends with step 3e + 2.
    history = fit(
        model, X, y, SoftmaxCrossEntropy(), SGD(lr=1.0), rng, epochs=4, batch_size=8,
        lr_schedule=lambda step, epoch: decayed_learning_rate(0.1, 0.5, step),
    )  # fmt: skip
    assert history["lr"] == [decayed_learning_rate(0.1, 0.5, 3 * epoch + 2) for epoch in range(4)]


def test_l2_adds_the_penalty_and_shrinks_the_weights():
    X, y = make_blobs(n_per_class=30, seed=7)
    weight_norms, first_losses = {}, {}
    for lam in (0.0, 0.5):
        model, rng = blobs_model(10)
        initial_penalty = l2_penalty(model.params, lam)
        history = fit(model, X, y, SoftmaxCrossEntropy(), SGD(lr=0.1), rng, epochs=30, l2=lam)
        weight_norms[lam] = sum(np.sum(model.params[k] ** 2) for k in model.params if k.startswith("W"))
        first_losses[lam] = history["loss"][0] - initial_penalty
    assert weight_norms[0.5] < 0.5 * weight_norms[0.0]
    # The first epoch's loss is the data loss plus the penalty of the weights at that step.
    assert first_losses[0.5] == pytest.approx(first_losses[0.0], rel=1e-9)


def test_progress_bar_is_quiet_unless_asked_for_when_not_in_a_terminal(capsys):
    X, y = make_blobs(n_per_class=5, seed=8)
    model, rng = blobs_model(11)
    fit(model, X, y, SoftmaxCrossEntropy(), Adam(), rng, epochs=3)
    assert capsys.readouterr().err == ""
    fit(model, X, y, SoftmaxCrossEntropy(), Adam(), rng, epochs=3, progress=True)
    assert "3/3" in capsys.readouterr().err


def _blas_threads():
    return [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]


@pytest.mark.skipif(not _blas_threads(), reason="NumPy uses no BLAS that threadpoolctl controls")
def test_fit_trains_with_one_blas_thread_and_restores_the_setting():
    seen = []
    model, rng = blobs_model(13)
    with threadpool_limits(2, user_api="blas"):
        fit(model, *make_blobs(seed=2), SoftmaxCrossEntropy(), Adam(), rng, epochs=2,
            callbacks=[lambda epoch, logs: seen.append(_blas_threads())])  # fmt: skip
        assert set(_blas_threads()) == {2}
        fit(model, *make_blobs(seed=2), SoftmaxCrossEntropy(), Adam(), rng, epochs=1, blas_thread_count=None,
            callbacks=[lambda epoch, logs: seen.append(_blas_threads())])  # fmt: skip
    assert [set(threads) for threads in seen] == [{1}, {1}, {2}]
