"""What the notebooks' prose says about runs and about checks, held to account.

A number that one run produces is printed by that run, never typed into a notebook. What the prose may
state is a property or a range that holds from run to run ("ends in the same region", "SGD ends highest",
"a patience of 1 stops right after the lowest point"), and each such sentence has a test here that runs
it from at least five seeds (in float32 and float64 where the float type matters) and asserts it. Where
the prose says what a check can see, a test here shows the check seeing it. Each test names the notebook
cell whose sentence it guards; the sizes are the notebook's own, since a smaller run would prove another
claim.
"""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from autograde_tests import nb11
from autograde_tests.core import CheckFailed
from course_lib import (
    activations,
    backprop,
    batchnorm,
    capstone,
    datasets,
    early_stopping,
    gradcheck,
    layers,
    losses,
    network,
    optimizers,
    regularization,
    training,
)
from course_lib.toolkit import SGD, BatchNorm, Dense, ReLU, Sequential, SoftmaxCrossEntropy, fit
from course_lib.widgets.learning_rate import learning_rate_explorer

SEEDS = range(5)


# ---------------------------------------------------------------------------------------------
# 05, buggy-md: the clean check, a bug, a kink and float32, and what their errors look like.


@pytest.mark.nb05
@pytest.mark.parametrize("seed", SEEDS)
def test_05_kink_and_float32_errors_lie_between_the_clean_check_and_the_bug(seed):
    rng = np.random.default_rng(seed)
    N, n_in, n_out = 6, 4, 3
    X, W, b = rng.standard_normal((N, n_in)), rng.standard_normal((n_in, n_out)), rng.standard_normal(n_out)
    G = rng.standard_normal((N, n_out))
    Z = rng.choice([-1.0, 1.0], size=(N, n_out)) * rng.uniform(0.1, 2.0, size=(N, n_out))
    dW = X.T @ G

    def loss_of_weights(W_try):
        return np.sum(layers.dense_forward(X, W_try, b) * G)

    def loss_of_weights_float32(W_try):
        out = layers.dense_forward(X.astype(np.float32), W_try.astype(np.float32), b.astype(np.float32))
        return float(np.sum(out * G.astype(np.float32)))

    def relu_error(distance):
        moved = Z.copy()
        moved[0, 0] = distance
        analytic = G * (moved > 0)
        numerical = gradcheck.numerical_gradient(lambda Z_try: np.sum(activations.relu(Z_try) * G), moved)
        return gradcheck.relative_error(analytic, numerical)

    clean = gradcheck.relative_error(dW, gradcheck.numerical_gradient(loss_of_weights, W))
    bug = gradcheck.relative_error(dW / N, gradcheck.numerical_gradient(loss_of_weights, W))
    float32 = gradcheck.relative_error(dW, gradcheck.numerical_gradient(loss_of_weights_float32, W))
    kinks = [relu_error(9e-6), relu_error(2e-6)]
    assert clean < 1e-7
    assert 0.1 < bug, "only the bug's error is of order 1"
    for error in [float32, *kinks]:
        assert clean < error < bug, (clean, error, bug)
    assert kinks[1] > kinks[0], "the closer to the kink, the worse"


# ---------------------------------------------------------------------------------------------
# 06, linear-after-md and recap: a linear classifier stalls at about 1.08 and about 0.4.


@pytest.mark.nb06
@pytest.mark.parametrize("seed", SEEDS)
def test_06_linear_classifier_flattens_at_about_1_08_and_0_4(seed):
    X, y = datasets.spiral_data(100, 3)
    _, history = training.train_linear_classifier(X, y, learning_rate=1.0, epochs=1000,
                                                  rng=np.random.default_rng(seed))
    final = history["loss"][-1]
    assert 1.07 < final < 1.09 < np.log(3)
    assert abs(history["loss"][100] - final) < 0.01, "flat within the first hundred steps"
    assert 0.35 <= history["accuracy"][-1] <= 0.45


# 06, explorer-md: 1000 constant-rate steps from one He start: lr 0.001 hardly moves, lr 3 ends lowest,
# lr 30 climbs and ends calling every point the same class.


@pytest.mark.nb06
@pytest.mark.parametrize("seed", SEEDS)
def test_06_learning_rate_explorer_too_small_good_too_large(seed):
    explorer = learning_rate_explorer(seed=seed)
    results = {}
    with threadpool_limits(1, user_api="blas"):
        for lr in (0.001, 3.0, 30.0):
            explorer.set_values(lr=lr, steps=1000)
            explorer.train()
            results[lr] = dict(explorer.results)
    small, good, large = results[0.001], results[3.0], results[30.0]
    assert small["final_loss"] > 0.85 * small["initial_loss"], "too small: the loss hardly moves"
    assert good["final_loss"] < min(small["final_loss"], large["final_loss"]), "good: the lowest of the three"
    assert large["final_loss"] > large["initial_loss"], "too large: the loss climbs"
    assert large["final_accuracy"] == pytest.approx(1 / 3), "too large: every point called the same class"


# ---------------------------------------------------------------------------------------------
# 07, comparison-after-md: what holds from one start to the next in the optimizers' comparison.


COMPARISON_EPOCHS, HALVED_EVERY = 200, 60      # the comparison cell's run length and step-decay period


def _comparison_curves(seed):
    """The notebook's comparison cell, with default_rng(seed) for the start and default_rng(seed + 1) for the
    batches (the notebook uses 0 and 1): {rule: loss on all the data after every epoch}."""
    X, y = datasets.spiral_data(100, 3)
    X = X.astype(np.float64)
    rng = np.random.default_rng(seed)
    W1, b1 = layers.init_dense(2, 64, rng, "he")
    W2, b2 = layers.init_dense(64, 3, rng, "he")
    initial = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    rules = {
        "SGD": lambda p, g, state, epoch: training.sgd_update(p, g, 0.5),
        "momentum": lambda p, g, state, epoch: optimizers.momentum_update(p, g, state, 0.1),
        "momentum + step decay": lambda p, g, state, epoch: optimizers.momentum_update(
            p, g, state, optimizers.step_decay(0.2, 0.5, HALVED_EVERY, epoch)),
        "RMSProp": lambda p, g, state, epoch: optimizers.rmsprop_update(p, g, state, lr=0.02),
        "Adam": lambda p, g, state, epoch: optimizers.adam_update(p, g, state, lr=0.02),
    }
    curves = {}
    for name, update in rules.items():
        params, state, curve = {k: v.copy() for k, v in initial.items()}, {}, []
        batch_rng = np.random.default_rng(seed + 1)                      # the same batches for every rule
        for epoch in range(COMPARISON_EPOCHS):
            for X_batch, y_batch in optimizers.iterate_minibatches(X, y, 32, batch_rng):
                probs, cache = training.two_layer_forward(X_batch, params)
                update(params, training.two_layer_backward(probs, y_batch, cache, params), state, epoch)
            curve.append(losses.categorical_cross_entropy(training.two_layer_forward(X, params)[0], y))
        curves[name] = np.array(curve)
    return curves


def _roughness(curve):
    """How much a loss curve jumps: the summed size of its epoch-to-epoch changes, on a log scale."""
    return float(np.abs(np.diff(np.log(curve))).sum())


def _climbs(curve):
    """How much a loss curve goes back up: the summed size of its epoch-to-epoch rises, on a log scale."""
    return float(np.clip(np.diff(np.log(curve)), 0, None).sum())


@pytest.mark.nb07
@pytest.mark.parametrize("seed", SEEDS)
def test_07_comparison_what_holds_from_start_to_start(seed):
    curves = _comparison_curves(seed)
    final = {name: curve[-1] for name, curve in curves.items()}
    assert max(final, key=final.get) == "SGD", "plain SGD ends highest"
    assert final["momentum"] < final["SGD"]
    assert max(final["RMSProp"], final["Adam"]) < 0.8 * final["SGD"], "RMSProp and Adam end far below SGD"
    assert _roughness(curves["Adam"]) < _roughness(curves["RMSProp"]), "Adam's curve is smoother than RMSProp's"
    decayed = curves["momentum + step decay"]
    for halving in range(HALVED_EVERY, COMPARISON_EPOCHS, HALVED_EVERY):
        before, after = _climbs(decayed[halving - 20:halving]), _climbs(decayed[halving:halving + 20])
        assert after < before, f"after the halving at epoch {halving} the curve calms down: {before} -> {after}"


# ---------------------------------------------------------------------------------------------
# 07, rounding-md and rounding-after-md: the published run re-run from other starts ends in one region.
# Ten 10,001-step runs one after the other would take half a minute, so the runs of one float type go
# side by side: the parameters of all of them stacked on a leading axis, the course's adam_update (which
# is elementwise) updating the stack. test_07_stacked_runs_are_the_course_lib_runs shows that the stacked
# forward and backward are course_lib's, run by run.

PUBLISHED_FINAL = (0.967, 0.074)
REGION = {"accuracy": (0.92, 0.99), "loss": (0.05, 0.2)}


def _course_start(seed, dtype):
    rng = np.random.default_rng(seed)
    return {"W1": 0.01 * rng.standard_normal((2, 64)), "b1": np.zeros(64),
            "W2": 0.01 * rng.standard_normal((64, 3)), "b2": np.zeros(3)}, dtype


def _published_start(dtype):
    stream = np.random.RandomState(0)
    for _ in range(3):
        stream.randn(100)
    W1 = 0.01 * stream.randn(2, 64).astype(np.float32)
    W2 = 0.01 * stream.randn(64, 3).astype(np.float32)
    return {"W1": W1, "b1": np.zeros(64), "W2": W2, "b2": np.zeros(3)}, dtype


def _stack(starts):
    """[(params, dtype)], one dtype for all -> params with a leading run axis; biases become (runs, 1, n)."""
    dtype = starts[0][1]
    stacked = {key: np.stack([params[key] for params, _ in starts]).astype(dtype) for key in ("W1", "b1", "W2", "b2")}
    for key in ("b1", "b2"):
        stacked[key] = stacked[key][:, None, :]
    return stacked


def _stacked_forward(X, params):
    Z1 = X @ params["W1"] + params["b1"]
    active = Z1 > 0
    A1 = Z1 * active
    Z2 = A1 @ params["W2"] + params["b2"]
    exps = np.exp(Z2 - Z2.max(axis=-1, keepdims=True))
    return exps / exps.sum(axis=-1, keepdims=True), (active, A1)


def _stacked_backward(X, y, probs, cache, params):
    active, A1 = cache
    dZ2 = probs.copy()
    dZ2[:, np.arange(len(y)), y] -= 1
    dZ2 /= len(y)
    dZ1 = (dZ2 @ np.swapaxes(params["W2"], -1, -2)) * active
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=1, keepdims=True),
            "W2": np.swapaxes(A1, -1, -2) @ dZ2, "b2": dZ2.sum(axis=1, keepdims=True)}


def _stacked_published_runs(starts, steps=10001):
    """Adam as published (lr 0.05 with 1/t decay 5e-7, eps 1e-7), full batch on spiral_data(100, 3), for every
    start side by side. Returns (accuracy, loss) of each run at steps 0 and steps - 1, each measured before
    that step's update, as the notebook's published_run measures them."""
    X32, y = datasets.spiral_data(100, 3)
    params = _stack(starts)
    X = X32.astype(params["W1"].dtype)
    state, measured = {}, {}
    with threadpool_limits(1, user_api="blas"):          # products this small gain nothing from threads
        for step in range(steps):
            probs, cache = _stacked_forward(X, params)
            if step in (0, steps - 1):
                picked = np.clip(probs[:, np.arange(len(y)), y], *losses.PROB_CLIP)
                measured[step] = (np.mean(probs.argmax(axis=-1) == y, axis=1), -np.log(picked).mean(axis=1))
            grads = _stacked_backward(X, y, probs, cache, params)
            optimizers.adam_update(params, grads, state, lr=training.decayed_learning_rate(0.05, 5e-7, step), eps=1e-7)
    return measured, params


@pytest.mark.nb07
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_07_stacked_runs_are_the_course_lib_runs(dtype):
    X32, y = datasets.spiral_data(100, 3)
    starts = [_course_start(seed, dtype) for seed in (0, 1)]
    _, stacked = _stacked_published_runs(starts, steps=20)
    for run, (start, _) in enumerate(starts):
        params, state = {key: value.astype(dtype) for key, value in start.items()}, {}
        for step in range(20):
            probs, cache = training.two_layer_forward(X32.astype(dtype), params)
            grads = training.two_layer_backward(probs, y, cache, params)
            optimizers.adam_update(params, grads, state, lr=training.decayed_learning_rate(0.05, 5e-7, step), eps=1e-7)
        for key, value in params.items():
            assert value.dtype == stacked[key].dtype == dtype
            np.testing.assert_allclose(stacked[key][run].reshape(value.shape), value, rtol=1e-4, atol=1e-6)


@pytest.mark.nb07
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_07_published_recipe_ends_in_the_stated_region_from_any_start(dtype):
    """Runs like A from five seeds, and the published start (run B in float64, run C in float32)."""
    starts = [_course_start(seed, dtype) for seed in SEEDS] + [_published_start(dtype)]
    measured, _ = _stacked_published_runs(starts)
    accuracy, loss = measured[10000]
    low, high = REGION["accuracy"]
    assert np.all((low <= accuracy) & (accuracy <= high)), accuracy
    low, high = REGION["loss"]
    assert np.all((low <= loss) & (loss <= high)), loss
    assert REGION["accuracy"][0] <= PUBLISHED_FINAL[0] <= REGION["accuracy"][1]
    assert REGION["loss"][0] <= PUBLISHED_FINAL[1] <= REGION["loss"][1]
    # B and C (the published start) match the published epoch 0 exactly, to the printed digits
    first_accuracy, first_loss = measured[0]
    assert (round(float(first_accuracy[-1]), 3), round(float(first_loss[-1]), 3)) == (0.360, 1.099)


# 07, rounding-after-md: C and D differ only in how the products are rounded, about one part in 1e7 per
# product, and yet their printed figures part within the 1,001 steps the notebook runs them (from the published
# start, and from other starts). Both are float32 by definition: D's products are nnfs's float32 rounding.


def _products_as_nnfs(a, b):
    return (a.astype(np.float64) @ b.astype(np.float64)).astype(np.float32)


def _nnfs_forward(X, params):
    Z1 = _products_as_nnfs(X, params["W1"]) + params["b1"]
    A1 = np.maximum(0, Z1)
    Z2 = _products_as_nnfs(A1, params["W2"]) + params["b2"]
    exps = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True), (X, Z1, A1)


def _nnfs_backward(probs, y, cache, params):
    X, Z1, A1 = cache
    dZ2 = probs.copy()
    dZ2[np.arange(len(y)), y] -= 1
    dZ2 = dZ2 / len(y)
    dZ1 = np.where(Z1 > 0, _products_as_nnfs(dZ2, params["W2"].T), 0)
    return {"W1": _products_as_nnfs(X.T, dZ1), "b1": dZ1.sum(axis=0),
            "W2": _products_as_nnfs(A1.T, dZ2), "b2": dZ2.sum(axis=0)}


def _printed(accuracy, loss):
    """(accuracy, loss) as the notebook's table prints them."""
    return f"{accuracy:.3f} {loss:.3f}"


@pytest.mark.nb07
@pytest.mark.parametrize("start", ["published", *SEEDS])
def test_07_runs_c_and_d_differ_only_in_rounding_and_part_within_1000_steps(start):
    X32, y = datasets.spiral_data(100, 3)
    params, _ = _published_start(np.float32) if start == "published" else _course_start(start, np.float32)
    runs = {}
    with threadpool_limits(1, user_api="blas"):
        for name, forward, backward in (("C", training.two_layer_forward, training.two_layer_backward),
                                        ("D", _nnfs_forward, _nnfs_backward)):
            run_params, state, seen = {k: v.astype(np.float32) for k, v in params.items()}, {}, []
            for step in range(1001):
                probs, cache = forward(X32, run_params)
                seen.append((losses.accuracy(probs, y), losses.categorical_cross_entropy(probs, y)))
                optimizers.adam_update(run_params, backward(probs, y, cache, run_params), state,
                                       lr=training.decayed_learning_rate(0.05, 5e-7, step), eps=1e-7)
            runs[name] = np.array(seen)
    first_gap = abs(runs["C"][0, 1] - runs["D"][0, 1]) / runs["D"][0, 1]
    later_gap = abs(runs["C"][-1, 1] - runs["D"][-1, 1]) / runs["D"][-1, 1]
    assert first_gap < 1e-6, "the same start: the products differ by about one part in 1e7"
    assert later_gap > 1000 * max(first_gap, 1e-7), "tiny differences grow"
    assert _printed(*runs["C"][0]) == _printed(*runs["D"][0]), "the same start prints the same epoch 0"
    assert _printed(*runs["C"][1000]) != _printed(*runs["D"][1000]), "the printed figures part by epoch 1000"


# ---------------------------------------------------------------------------------------------
# 08, stats-read-md: what ten ReLU layers of width 128 do to the activations and gradients, per scheme.


def _relu_layer_stats(scheme, seed, depth=10, width=128):
    """The notebook's layer_stats for ReLU: std of every hidden layer's activations and of every dW."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((500, width))
    y = rng.integers(0, 10, size=500)
    params = network.init_network([width] * depth + [10], rng, scheme)
    scores, cache = network.mlp_forward(X, params)
    grads = network.mlp_backward(backprop.softmax_cce_backward(losses.softmax(scores), y), cache, params)
    return (np.array([np.std(A_in) for A_in, _ in cache[1:]]),
            np.array([np.std(grads[f"W{layer}"]) for layer in range(1, depth + 1)]))


@pytest.mark.nb08
@pytest.mark.parametrize("seed", SEEDS)
def test_08_initialisation_schemes_through_ten_relu_layers(seed):
    with threadpool_limits(1, user_api="blas"):
        stats = {scheme: _relu_layer_stats(scheme, seed) for scheme in ("zeros", "small", "xavier", "he")}
    assert not np.any(stats["zeros"][0]) and not np.any(stats["zeros"][1]), "zeros: exactly 0 everywhere"
    small, xavier, he = stats["small"][0], stats["xavier"][0], stats["he"][0]
    small_factors = small[1:] / small[:-1]
    assert small_factors.max() < 1 and small_factors.max() / small_factors.min() < 1.5, "small: the same factor"
    xavier_factor = (xavier[-1] / xavier[0]) ** (1 / (len(xavier) - 1))
    assert 0.6 < xavier_factor < 0.8, "Xavier: about a factor 0.7 per layer"
    assert 0.5 < he[-1] / he[0] < 2, "He: the same size through all the layers"
    he_grads = stats["he"][1]
    assert he_grads[0] < he_grads[-1], "He: the gradients shrink somewhat on the way to the input"
    assert np.all(he_grads > 10 * stats["xavier"][1]), "more than ten times Xavier's"
    assert np.all(he_grads > 1e6 * stats["small"][1]), "many orders of magnitude above the small weights'"


# 08, train-read-md: six layers, plain gradient descent: small weights do not move from ln 3, Xavier learns,
# He learns fastest.


@pytest.mark.nb08
@pytest.mark.parametrize("seed", SEEDS)
def test_08_small_weights_stay_at_ln3_while_xavier_learns_and_he_learns_fastest(seed):
    X, y = datasets.spiral_data(100, 3)
    final = {}
    with threadpool_limits(1, user_api="blas"):
        for scheme in ("small", "xavier", "he"):
            params = network.init_network([2, 64, 64, 64, 64, 64, 3], np.random.default_rng(seed), scheme)
            history = []
            for _ in range(500):
                scores, cache = network.mlp_forward(X, params)
                probs = losses.softmax(scores)
                history.append(losses.categorical_cross_entropy(probs, y))
                training.sgd_update(params, network.mlp_backward(backprop.softmax_cce_backward(probs, y), cache,
                                                                 params), 0.1)
            final[scheme] = history[-1]
            if scheme == "small":
                assert np.max(np.abs(np.array(history) - np.log(3))) < 1e-3, "does not move from ln 3"
    assert final["he"] < final["xavier"] < np.log(3) - 0.01, final


# ---------------------------------------------------------------------------------------------
# 09, overfit-read-md, l2-read-md and dropout-read-md: the notebook's trainer (a 2-128-128-2 network, Adam at
# 0.01, 1000 full-batch steps on 2 x 50 spiral points at noise 0.08), from five initial draws.


def _regularised_run(seed, lam=0.0, keep_prob=1.0, steps=1000):
    """The notebook's train(): returns (training accuracy, validation accuracy, validation losses every 20
    steps, last training loss), with the losses measured without dropout and without the penalty."""
    X_train, y_train = datasets.make_two_spirals(n=50, noise=0.08, seed=0)
    X_val, y_val = datasets.make_two_spirals(n=500, noise=0.08, seed=1)
    rng = np.random.default_rng(seed)
    params, state, val_losses = network.init_network([2, 128, 128, 2], rng, "he"), {}, []

    def loss_on(X, y):
        return losses.categorical_cross_entropy(losses.softmax(network.mlp_forward(X, params)[0]), y)

    with threadpool_limits(1, user_api="blas"):
        for step in range(steps):
            if step % 20 == 0:
                val_losses.append(loss_on(X_val, y_val))
            A, cache, masks = X_train, [], []
            for layer in (1, 2, 3):
                Z = A @ params[f"W{layer}"] + params[f"b{layer}"]
                cache.append((A, Z))
                if layer < 3:
                    A, mask = regularization.dropout_forward(np.maximum(Z, 0), keep_prob, rng, training=True)
                    masks.append(mask)
            grads, dZ = {}, backprop.softmax_cce_backward(losses.softmax(Z), y_train)
            for layer in (3, 2, 1):
                dA, grads[f"W{layer}"], grads[f"b{layer}"] = backprop.dense_backward(dZ, cache[layer - 1][0],
                                                                                    params[f"W{layer}"])
                if layer > 1:
                    dA = regularization.dropout_backward(dA, masks[layer - 2], keep_prob)
                    dZ = backprop.relu_backward(dA, cache[layer - 2][1])
            optimizers.adam_update(params, regularization.l2_grads(params, grads, lam), state, lr=0.01)
        val_losses.append(loss_on(X_val, y_val))

    def accuracy_on(X, y):
        return losses.accuracy(network.mlp_forward(X, params)[0], y)

    return accuracy_on(X_train, y_train), accuracy_on(X_val, y_val), np.array(val_losses), loss_on(X_train, y_train)


@pytest.mark.nb09
@pytest.mark.parametrize("seed", SEEDS)
def test_09_overfitting_and_what_l2_and_dropout_do_to_it(seed):
    ceiling = capstone.bayes_accuracy(0.08, np.random.default_rng(seed), n=500, samples=4000)
    plain = _regularised_run(seed)
    l2 = _regularised_run(seed, lam=0.003)
    strong_l2 = _regularised_run(seed, lam=0.01)
    dropout = _regularised_run(seed, keep_prob=0.5)
    train_accuracy, val_accuracy, val_losses, train_loss = plain
    assert train_loss < 0.05 and train_accuracy == 1.0, "the training loss falls to almost 0, accuracy 1.0"
    lowest = int(np.argmin(val_losses))
    assert lowest < len(val_losses) // 2 and val_losses[-1] > 2 * val_losses[lowest], "early lowest, then climbs"
    assert val_accuracy < ceiling - 0.05, "validation accuracy far below the ceiling"
    assert l2[3] > 5 * train_loss, "with L2 the training loss no longer goes to 0"
    assert l2[2][-1] < 0.5 * val_losses[-1] and l2[1] > val_accuracy, "L2: lower validation loss, higher accuracy"
    assert strong_l2[0] < 0.8, "lambda 0.01 under-fits: even the training accuracy stays low"
    assert dropout[2][-1] < val_losses[-1] and dropout[1] > val_accuracy, "dropout helps too"
    assert dropout[1] <= l2[1] and dropout[2][-1] >= l2[2][-1], "dropout does less than the penalty here"
    assert max(l2[1], dropout[1]) < ceiling, "neither reaches the ceiling"


# ---------------------------------------------------------------------------------------------
# 10, gradcheck-md: the course's evaluation-mode backward with the batch's statistics is a backward that
# treats them as constants: dgamma and dbeta right, dZ far off.


@pytest.mark.nb10
@pytest.mark.parametrize("seed", SEEDS)
def test_10_statistics_as_constants_gets_dgamma_dbeta_right_and_dz_wrong(seed):
    rng = np.random.default_rng(seed)
    Z, gamma, beta = rng.normal(2.0, 3.0, size=(6, 4)), rng.normal(1.0, 0.5, size=4), rng.normal(size=4)
    R = rng.standard_normal((6, 4))
    _, cache = batchnorm.batchnorm_forward(Z, gamma, beta, {})
    right = batchnorm.batchnorm_backward(R, cache)
    statistics = {"running_mean": Z.mean(axis=0), "running_var": Z.var(axis=0)}
    _, constants_cache = batchnorm.batchnorm_forward(Z, gamma, beta, statistics, training=False)
    wrong = batchnorm.batchnorm_backward(R, constants_cache)
    np.testing.assert_allclose(wrong[1], right[1], rtol=1e-10)
    np.testing.assert_allclose(wrong[2], right[2], rtol=1e-10)
    assert gradcheck.relative_error(wrong[0], right[0]) > 1e-2


# 10, deep-after-md and recap: at lr 1.0 the plain 8-layer network's loss stays close to ln 3, and the same
# network with batch norm ends lower, with a higher validation accuracy.


@pytest.mark.nb10
@pytest.mark.parametrize("seed", SEEDS)
def test_10_plain_deep_network_stalls_where_batch_norm_trains(seed):
    X, y = datasets.spiral_data(100, 3)
    X_train, y_train, X_val, y_val = early_stopping.train_val_split(X, y, 0.2, np.random.default_rng(0))
    finals = {}
    for with_batchnorm in (False, True):
        network, n_in = [], 2
        for _ in range(8):
            network += [Dense(n_in, 32), BatchNorm(32), ReLU()] if with_batchnorm else [Dense(n_in, 32), ReLU()]
            n_in = 32
        model = Sequential(network + [Dense(n_in, 3)], np.random.default_rng(seed))
        history = fit(model, X_train, y_train, SoftmaxCrossEntropy(), SGD(lr=1.0), np.random.default_rng(seed),
                      epochs=100, batch_size=60, validation_data=(X_val, y_val), progress=False)
        finals[with_batchnorm] = history["loss"][-1], history["val_accuracy"][-1]
    plain_loss, plain_accuracy = finals[False]
    normed_loss, normed_accuracy = finals[True]
    assert abs(plain_loss - np.log(3)) < 0.1, f"plain: the loss stays close to ln 3: {finals}"
    assert normed_loss < plain_loss - 0.1 and normed_accuracy > plain_accuracy, f"batch norm trains: {finals}"


# ---------------------------------------------------------------------------------------------
# 11, stopper-exercise-md: the check trains on between updates, so a kept reference or a shallow copy fails.


class _KeepsReference(early_stopping.EarlyStopping):
    def update(self, val_loss, params):
        stop = super().update(val_loss, params)
        if self.best_epoch == self.num_updates - 1:
            self.best_params = params
        return stop


class _ShallowCopy(early_stopping.EarlyStopping):
    def update(self, val_loss, params):
        stop = super().update(val_loss, params)
        if self.best_epoch == self.num_updates - 1:
            self.best_params = dict(params)
        return stop


@pytest.mark.nb11
@pytest.mark.parametrize("stopper", [_KeepsReference, _ShallowCopy])
def test_11_check_sees_a_kept_reference_and_a_shallow_copy(stopper):
    nb11.check_EarlyStopping(early_stopping.EarlyStopping)
    with pytest.raises(CheckFailed, match="best_params"):
        nb11.check_EarlyStopping(stopper)


# 11, overfit-md: for any valid split (here, the course's split from five seeds) the validation loss turns
# and climbs while the training loss keeps falling.


@pytest.mark.nb11
@pytest.mark.parametrize("seed", SEEDS)
def test_11_validation_loss_turns_and_climbs_while_training_loss_falls(seed):
    from course_lib.toolkit import Adam

    X, y = datasets.make_blobs(n_per_class=40, centers=((-1.0, -1.0), (1.0, 1.0), (1.0, -1.0)), std=1.0, seed=2)
    X_train, y_train, X_val, y_val = early_stopping.train_val_split(X, y, 0.4, np.random.default_rng(seed))
    model = Sequential([Dense(2, 128), ReLU(), Dense(128, 128), ReLU(), Dense(128, 3)], np.random.default_rng(0))
    history = fit(model, X_train, y_train, SoftmaxCrossEntropy(), Adam(lr=0.001), np.random.default_rng(0),
                  epochs=300, validation_data=(X_val, y_val), progress=False)
    val, train = np.array(history["val_loss"]), np.array(history["loss"])
    lowest = int(np.argmin(val))
    assert 0 < lowest < 250 and val[-1] > val[lowest] + 0.05, "the validation loss falls, then turns and climbs"
    assert train[-1] < train[lowest], "while the training loss keeps falling"


# ---------------------------------------------------------------------------------------------
# 12, mistake-after-md: with the source's mistake three quarters of arm 1 lie on arm 0's curve, and only
# its outer half turn (radius 1 to 1.25) is on its own.


@pytest.mark.nb12
def test_12_source_mistake_leaves_an_outer_half_turn_of_arm_one():
    X, y = capstone.make_two_spirals_with_source_mistake(noise=0.0)
    arm_0, arm_1 = X[y == 0], X[y == 1]
    nearest = np.sqrt(np.min(np.sum((arm_1[:, None, :] - arm_0[None, :, :]) ** 2, axis=2), axis=1))
    assert np.mean(nearest < 0.02) == pytest.approx(0.75, abs=0.02)
    alone = arm_1[nearest >= 0.02]
    radius = np.hypot(alone[:, 0], alone[:, 1])
    assert radius.min() == pytest.approx(1.0, abs=0.02) and radius.max() == pytest.approx(1.25, abs=1e-6)
    turned = np.unwrap(np.arctan2(alone[:, 1], alone[:, 0])[np.argsort(radius)])
    assert abs(turned[-1] - turned[0]) == pytest.approx(np.pi, abs=0.05), "half a turn, not a quarter"


# 12, mistake-md: neighbouring points along an arm are 0.003 to 0.04 apart (0.02 typically), and the two
# correct arms, away from the centre, stay more than 0.2 apart; so a distance below 0.02 means "on the other
# arm's curve".


@pytest.mark.nb12
def test_12_spacing_along_an_arm_and_between_the_correct_arms():
    X, y = datasets.make_two_spirals(noise=0.0)
    arm_0, arm_1 = X[y == 0], X[y == 1]
    order = np.argsort(np.hypot(arm_0[:, 0], arm_0[:, 1]))
    steps = np.hypot(*np.diff(arm_0[order], axis=0).T)
    assert (round(steps.min(), 3), round(steps.max(), 2), round(np.median(steps), 2)) == (0.003, 0.04, 0.02)
    nearest = np.sqrt(np.min(np.sum((arm_1[:, None, :] - arm_0[None, :, :]) ** 2, axis=2), axis=1))
    away = np.hypot(arm_1[:, 0], arm_1[:, 1]) > 0.25
    assert nearest[away].min() > 0.2


# 12, ceiling-after-md and recap: the ceiling is close to 1 at noise 0.03 and about 0.86 at 0.08, and the
# nearest-arm rule comes within about a hundredth of it at every noise level.


@pytest.mark.nb12
@pytest.mark.parametrize("seed", SEEDS)
def test_12_ceiling_and_nearest_arm_rule(seed):
    rng = np.random.default_rng(seed)
    # 4000 Monte-Carlo points instead of the notebook's 20 000: the estimate's spread is then about 0.003
    ceilings = {noise: capstone.bayes_accuracy(noise, rng, samples=4000) for noise in (0.03, 0.05, 0.08)}
    assert ceilings[0.03] > 0.97
    assert ceilings[0.03] > ceilings[0.05] > ceilings[0.08]
    assert 0.85 <= ceilings[0.08] <= 0.875, "about 0.86: about one point in seven lost"
    for noise, ceiling in ceilings.items():
        X, y = datasets.make_two_spirals(n=2000, noise=noise, seed=seed + 1)
        rule = np.mean(capstone.nearest_arm_predict(X) == y)
        assert abs(rule - ceiling) <= 0.015, (noise, rule, ceiling)
