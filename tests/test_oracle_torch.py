"""The oracle: course_lib's backward passes and optimizer steps against PyTorch autograd and torch.optim.

Everything runs in float64 on random inputs from explicit NumPy generators; agreement means a relative
error (course_lib.gradcheck.relative_error) below 1e-7 for every compared array. Each case returns its
comparisons as (function, what, ours, torch's); the per-case tests assert them, and
test_largest_relative_error_per_function runs every case again to print the largest error per function
(self-contained, so it holds under pytest -n too). Only tests import torch; course_lib never does.
"""

import numpy as np
import pytest

from course_lib.backprop import dense_backward, relu_backward, sigmoid_bce_backward, softmax_cce_backward
from course_lib.gradcheck import relative_error
from course_lib.losses import binary_cross_entropy, categorical_cross_entropy, one_hot, softmax
from course_lib.optimizers import adam_update, momentum_update, rmsprop_update
from course_lib.training import decayed_learning_rate, sgd_update, two_layer_backward, two_layer_forward
from tests.oracle_testing import TOLERANCE, assert_agrees, report_largest_errors

torch = pytest.importorskip("torch")
F = torch.nn.functional

pytestmark = [pytest.mark.course_lib, pytest.mark.oracle, pytest.mark.filterwarnings("error")]



def tensor(array, requires_grad=False):
    """A float64 torch copy of a NumPy array (a copy: torch's in-place steps must not touch ours)."""
    return torch.tensor(np.asarray(array, dtype=np.float64), dtype=torch.float64, requires_grad=requires_grad)


def numpy_of(t):
    return t.detach().numpy().copy()


# --- backward passes ---------------------------------------------------------------------------------------


def relu_cases(rng, zero_upstream=False):
    Z = rng.standard_normal((5, 6))
    Z[0, :3] = 0.0  # both conventions take the subgradient 0 at z == 0
    dA = np.zeros_like(Z) if zero_upstream else rng.standard_normal(Z.shape)
    z = tensor(Z, requires_grad=True)
    torch.relu(z).backward(tensor(dA))
    return [("relu_backward", "dZ", relu_backward(dA, Z), numpy_of(z.grad))]


def dense_cases(rng, n=7, n_in=4, n_out=3, zero_upstream=False):
    X, W, b = rng.standard_normal((n, n_in)), rng.standard_normal((n_in, n_out)), rng.standard_normal(n_out)
    dout = np.zeros((n, n_out)) if zero_upstream else rng.standard_normal((n, n_out))
    x, w, bias = (tensor(a, requires_grad=True) for a in (X, W, b))
    (x @ w + bias).backward(tensor(dout))
    dX, dW, db = dense_backward(dout, X, W)
    assert db.shape == (n_out,)
    return [
        ("dense_backward", "dX", dX, numpy_of(x.grad)),
        ("dense_backward", "dW", dW, numpy_of(w.grad)),
        ("dense_backward", "db", db, numpy_of(bias.grad)),
    ]


def softmax_cce_cases(rng, n=6, k=4, scale=1.0, labels="integers"):
    Z = scale * rng.standard_normal((n, k))
    y = rng.integers(0, k, size=n)
    z = tensor(Z, requires_grad=True)
    # cross_entropy takes logits and averages over the batch: the same loss as softmax then the mean CCE.
    if labels == "integers":
        loss = F.cross_entropy(z, torch.tensor(y))
        ours_y = y
    else:
        loss = F.cross_entropy(z, tensor(one_hot(y, k)))
        ours_y = one_hot(y, k)
    loss.backward()
    probs = softmax(Z)
    comparisons = [("softmax_cce_backward", "dZ", softmax_cce_backward(probs, ours_y), numpy_of(z.grad))]
    comparisons.append(("softmax", "probs", probs, numpy_of(torch.softmax(tensor(Z), dim=1))))
    if scale <= 3.0:  # far from the clipping bounds, where the clipped loss is the plain one
        comparisons.append(("categorical_cross_entropy", "loss", categorical_cross_entropy(probs, ours_y), loss.item()))
    return comparisons


def sigmoid_bce_cases(rng, p_shape=(8,), y_shape=(8,)):
    Z = rng.standard_normal(p_shape)
    y = rng.integers(0, 2, size=y_shape)
    z = tensor(Z, requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(z, tensor(y.reshape(p_shape)))
    loss.backward()
    p = 1.0 / (1.0 + np.exp(-Z))
    dZ = sigmoid_bce_backward(p, y)
    assert dZ.shape == p_shape
    return [
        ("sigmoid_bce_backward", "dZ", dZ, numpy_of(z.grad)),
        ("binary_cross_entropy", "loss", binary_cross_entropy(p, y), loss.item()),
    ]


def two_layer_cases(rng, n=10, d=2, hidden=5, k=3):
    X, y = rng.standard_normal((n, d)), rng.integers(0, k, size=n)
    params = {
        "W1": rng.standard_normal((d, hidden)),
        "b1": 0.1 * rng.standard_normal(hidden),
        "W2": rng.standard_normal((hidden, k)),
        "b2": rng.standard_normal(k),
    }
    leaves = {name: tensor(value, requires_grad=True) for name, value in params.items()}
    hidden_out = torch.relu(tensor(X) @ leaves["W1"] + leaves["b1"])
    F.cross_entropy(hidden_out @ leaves["W2"] + leaves["b2"], torch.tensor(y)).backward()
    probs, cache = two_layer_forward(X, params)
    grads = two_layer_backward(probs, y, cache, params)
    return [("two_layer_backward", name, grads[name], numpy_of(leaves[name].grad)) for name in params]


# --- optimizer steps ---------------------------------------------------------------------------------------


def _start(rng):
    """Parameters with a weight matrix, a bias of shape (n_out,) and a parameter whose gradient is always 0."""
    return {"W": rng.standard_normal((3, 4)), "b": rng.standard_normal(4), "frozen": rng.standard_normal(2)}


def _gradients(rng, params, steps):
    """One gradient dict per step; the whole of step 4 is zero (momentum and Adam keep moving on their state)."""
    sequence = []
    for step in range(1, steps + 1):
        grads = {name: rng.standard_normal(value.shape) for name, value in params.items()}
        grads["frozen"] = np.zeros_like(params["frozen"])
        if step == 4:
            grads = {name: np.zeros_like(value) for name, value in grads.items()}
        sequence.append(grads)
    return sequence


def _run_against_torch(rng, steps, make_optimizer, our_step, compare_state, learning_rate_at=None):
    """Take the same steps with course_lib and with torch.optim, comparing each step's displacement.

    The displacement p_new - p_old is compared rather than p_new itself: p_new is dominated by p_old,
    so comparing it would hide a wrong step behind a small relative error.
    make_optimizer(leaves) -> torch optimizer; our_step(params, grads, step) applies course_lib's update;
    compare_state(optimizer, leaves, step) -> extra comparisons of the optimizer state.
    Returns (what, ours, torch's) triples.
    learning_rate_at(step), when given, sets torch's learning rate before each step.
    """
    params = _start(rng)
    leaves = {name: tensor(value, requires_grad=True) for name, value in params.items()}
    optimizer = make_optimizer(list(leaves.values()))
    comparisons = []
    for step, grads in enumerate(_gradients(rng, params, steps), start=1):
        before = {name: value.copy() for name, value in params.items()}
        our_step(params, grads, step)
        torch_before = {name: numpy_of(leaf) for name, leaf in leaves.items()}
        for name, leaf in leaves.items():
            leaf.grad = tensor(grads[name])
        if learning_rate_at is not None:
            optimizer.param_groups[0]["lr"] = learning_rate_at(step)
        optimizer.step()
        for name, leaf in leaves.items():
            ours = params[name] - before[name]
            theirs = numpy_of(leaf) - torch_before[name]
            comparisons.append((f"step {step} {name} displacement", ours, theirs))
        comparisons.extend(compare_state(optimizer, leaves, step))
    return comparisons


def sgd_cases(rng, steps=4, lr=0.3):
    return _label(
        "sgd_update",
        _run_against_torch(
            rng,
            steps,
            lambda leaves: torch.optim.SGD(leaves, lr=lr),
            lambda params, grads, step: sgd_update(params, grads, lr),
            lambda optimizer, leaves, step: [],
        ),
    )


def momentum_cases(rng, steps=6, lr=0.1, momentum=0.9):
    # torch.optim.SGD keeps its velocity in gradient units: buf = momentum * buf + g (buf = g at the first
    # step), p -= lr * buf. The course keeps it in parameter units: v = momentum * v - lr * g, p += v.
    # With a constant lr the two are the same method: by induction v = -lr * buf at every step (both start
    # from 0 and the recursions are linear), so the displacements agree and so must v and -lr * buf.
    # With an lr that changes between steps they differ, which is why lr is constant here.
    velocities = {}

    def compare_velocities(optimizer, leaves, step):
        return [
            (
                f"step {step} {name} velocity = -lr * momentum_buffer",
                velocities[name],
                -lr * numpy_of(optimizer.state[leaf]["momentum_buffer"]),
            )
            for name, leaf in leaves.items()
        ]

    return _label(
        "momentum_update",
        _run_against_torch(
            rng,
            steps,
            lambda leaves: torch.optim.SGD(leaves, lr=lr, momentum=momentum),
            lambda params, grads, step: momentum_update(params, grads, velocities, lr, momentum=momentum),
            compare_velocities,
        ),
    )


def rmsprop_cases(rng, steps=5, lr=0.01, rho=0.9, eps=1e-7):
    # torch's alpha is the course's rho, and torch also adds eps after the square root.
    cache = {}

    def compare_cache(optimizer, leaves, step):
        return [
            (f"step {step} {name} cache = square_avg", cache[name], numpy_of(optimizer.state[leaf]["square_avg"]))
            for name, leaf in leaves.items()
        ]

    return _label(
        "rmsprop_update",
        _run_against_torch(
            rng,
            steps,
            lambda leaves: torch.optim.RMSprop(leaves, lr=lr, alpha=rho, eps=eps),
            lambda params, grads, step: rmsprop_update(params, grads, cache, lr=lr, rho=rho, eps=eps),
            compare_cache,
        ),
    )


def adam_cases(rng, steps=3, lr=0.001, betas=(0.9, 0.999), eps=1e-8, decay=0.0):
    """Adam step by step; with decay > 0 the learning rate of step s is lr / (1 + decay * (s - 1)) in both."""
    state = {}

    def learning_rate_at(step):
        return decayed_learning_rate(lr, decay, step - 1)

    def our_step(params, grads, step):
        adam_update(params, grads, state, lr=learning_rate_at(step), beta1=betas[0], beta2=betas[1], eps=eps)

    def compare_moments(optimizer, leaves, step):
        assert state["t"] == step == int(optimizer.state[leaves["W"]]["step"])
        comparisons = []
        for name, leaf in leaves.items():
            comparisons.append((f"step {step} {name} m", state["m"][name], numpy_of(optimizer.state[leaf]["exp_avg"])))
            comparisons.append(
                (f"step {step} {name} v", state["v"][name], numpy_of(optimizer.state[leaf]["exp_avg_sq"]))
            )
        return comparisons

    return _label(
        "adam_update",
        _run_against_torch(
            rng,
            steps,
            lambda leaves: torch.optim.Adam(leaves, lr=lr, betas=betas, eps=eps),
            our_step,
            compare_moments,
            learning_rate_at=learning_rate_at if decay else None,
        ),
    )


def _label(function, comparisons):
    """(what, ours, torch's) triples of one function as the (function, what, ours, torch's) of every case."""
    return [(function, what, ours, theirs) for what, ours, theirs in comparisons]


# --- the cases, each with its own generator ----------------------------------------------------------------

CASES = {
    "relu": lambda rng: relu_cases(rng),
    "relu, zero upstream gradient": lambda rng: relu_cases(rng, zero_upstream=True),
    "dense": lambda rng: dense_cases(rng),
    "dense, one sample, one output": lambda rng: dense_cases(rng, n=1, n_out=1),
    "dense, zero upstream gradient": lambda rng: dense_cases(rng, zero_upstream=True),
    "softmax+CCE, integer labels": lambda rng: softmax_cce_cases(rng),
    "softmax+CCE, one-hot labels": lambda rng: softmax_cce_cases(rng, labels="one-hot"),
    "softmax+CCE, one sample": lambda rng: softmax_cce_cases(rng, n=1, k=3),
    "softmax+CCE, logits of size ~50": lambda rng: softmax_cce_cases(rng, scale=50.0),
    "sigmoid+BCE, p (N,)": lambda rng: sigmoid_bce_cases(rng),
    "sigmoid+BCE, p (N, 1)": lambda rng: sigmoid_bce_cases(rng, (8, 1), (8, 1)),
    "sigmoid+BCE, p (N, 1), y (N,)": lambda rng: sigmoid_bce_cases(rng, (8, 1), (8,)),
    "two-layer network": lambda rng: two_layer_cases(rng),
    "SGD": lambda rng: sgd_cases(rng),
    "SGD with momentum": lambda rng: momentum_cases(rng),
    "SGD with momentum 0.5, lr 1": lambda rng: momentum_cases(rng, lr=1.0, momentum=0.5),
    "RMSProp": lambda rng: rmsprop_cases(rng),
    "RMSProp, rho 0.99, eps 1e-8 (torch's defaults)": lambda rng: rmsprop_cases(rng, rho=0.99, eps=1e-8),
    "Adam, steps t = 1, 2, 3": lambda rng: adam_cases(rng, steps=3),
    "Adam, ten steps, lr 0.05": lambda rng: adam_cases(rng, steps=10, lr=0.05),
    "Adam, nnfs settings (lr 0.05 / (1 + 5e-7 step), eps 1e-7)": lambda rng: adam_cases(
        rng, steps=10, lr=0.05, eps=1e-7, decay=5e-7
    ),
    "Adam, beta1 0.5, beta2 0.9": lambda rng: adam_cases(rng, steps=5, lr=0.01, betas=(0.5, 0.9)),
}

FUNCTIONS = {
    "relu_backward",
    "dense_backward",
    "softmax_cce_backward",
    "sigmoid_bce_backward",
    "two_layer_backward",
    "softmax",
    "categorical_cross_entropy",
    "binary_cross_entropy",
    "sgd_update",
    "momentum_update",
    "rmsprop_update",
    "adam_update",
}


def run_case(name, seed):
    return CASES[name](np.random.default_rng(seed))


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("case", list(CASES))
def test_course_lib_agrees_with_torch(case, seed):
    assert_agrees(run_case(case, seed))


def test_largest_relative_error_per_function(capsys):
    report_largest_errors([c for case in CASES for seed in (0, 1) for c in run_case(case, seed)], FUNCTIONS,
                          "notebooks 04-07", capsys)


def _adam_without_bias_correction(params, grads, moments, lr):
    for name, grad in grads.items():
        m, v = moments.get(name, (0.0, 0.0))
        m, v = 0.9 * m + 0.1 * grad, 0.999 * v + 0.001 * grad**2
        moments[name] = (m, v)
        params[name] = params[name] - lr * m / (np.sqrt(v) + 1e-8)


def _momentum_sign_flipped(params, grads, velocities, lr):
    for name, grad in grads.items():
        velocities[name] = 0.9 * velocities.get(name, 0.0) + lr * grad
        params[name] = params[name] + velocities[name]


def _rmsprop_eps_inside_the_root(params, grads, cache, lr):
    for name, grad in grads.items():
        cache[name] = 0.9 * cache.get(name, 0.0) + 0.1 * grad**2
        params[name] = params[name] - lr * grad / np.sqrt(cache[name] + 1e-7)


WRONG_STEPS = {
    "Adam without bias correction": (lambda leaves: torch.optim.Adam(leaves, lr=0.01), _adam_without_bias_correction),
    "momentum with the velocity's sign flipped": (
        lambda leaves: torch.optim.SGD(leaves, lr=0.01, momentum=0.9),
        _momentum_sign_flipped,
    ),
    "RMSProp with eps inside the square root": (
        lambda leaves: torch.optim.RMSprop(leaves, lr=0.01, alpha=0.9, eps=1e-7),
        _rmsprop_eps_inside_the_root,
    ),
}


@pytest.mark.parametrize("mistake", list(WRONG_STEPS))
def test_the_oracle_catches_a_wrong_step(mistake):
    """The comparisons have teeth: a plausible wrong update, run through the same harness, disagrees."""
    make_optimizer, wrong_update = WRONG_STEPS[mistake]
    state = {}
    comparisons = _run_against_torch(
        np.random.default_rng(0),
        3,
        make_optimizer,
        lambda params, grads, step: wrong_update(params, grads, state, 0.01),
        lambda optimizer, leaves, step: [],
    )
    assert max(relative_error(ours, theirs) for _, ours, theirs in comparisons) > TOLERANCE


def test_the_oracle_catches_a_bias_gradient_averaged_instead_of_summed():
    _, _, db, torch_db = dense_cases(np.random.default_rng(3))[2]
    assert relative_error(db / 7, torch_db) > 0.5
