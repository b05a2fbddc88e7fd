"""The oracle for notebooks 08-12: deep networks, L2, dropout, batch norm and layer norm against PyTorch autograd.

float64 throughout, random inputs from explicit NumPy generators; agreement is a relative error
(course_lib.gradcheck.relative_error) below 1e-7 for every compared array. Each case returns its comparisons
as (function, what, ours, torch's); test_largest_relative_error_per_function runs every case again and prints
the largest error per function. Only tests import torch; course_lib never does.
"""

import numpy as np
import pytest

from autograde_tests import nb10
from course_lib.batchnorm import batchnorm_backward, batchnorm_forward, layernorm_backward, layernorm_forward
from course_lib.gradcheck import relative_error
from course_lib.network import init_network, mlp_backward, mlp_forward
from course_lib.regularization import dropout_backward, dropout_forward, l2_grads, l2_penalty
from course_lib.toolkit import BatchNorm, Dense, Dropout, ReLU, Sequential, SigmoidBinaryCrossEntropy
from tests.oracle_testing import assert_agrees, report_largest_errors

torch = pytest.importorskip("torch")
F = torch.nn.functional

pytestmark = [pytest.mark.course_lib, pytest.mark.oracle, pytest.mark.filterwarnings("error")]



def tensor(array, requires_grad=False):
    """A float64 torch copy of a NumPy array."""
    return torch.tensor(np.asarray(array, dtype=np.float64), dtype=torch.float64, requires_grad=requires_grad)


def numpy_of(t):
    return t.detach().numpy().copy()


def random_params(sizes, rng):
    """init_network's parameters with non-zero biases, so no pre-activation sits exactly on ReLU's kink."""
    params = init_network(sizes, rng, scheme="xavier")
    return {k: rng.standard_normal(v.shape) * 0.1 if k.startswith("b") else v for k, v in params.items()}


# --- cases ---------------------------------------------------------------------------------------------------


def mlp_cases(rng):
    sizes = [3, 8, 7, 6, 4]
    params = random_params(sizes, rng)
    X = rng.standard_normal((10, 3))
    y = rng.integers(0, 4, 10)
    leaves = {k: tensor(v, requires_grad=True) for k, v in params.items()}
    A = tensor(X)
    for layer in range(1, 5):
        A = A @ leaves[f"W{layer}"] + leaves[f"b{layer}"]
        if layer < 4:
            A = torch.relu(A)
    F.cross_entropy(A, torch.tensor(y)).backward()
    scores, cache = mlp_forward(X, params)
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    dscores = probs.copy()
    dscores[np.arange(10), y] -= 1.0
    grads = mlp_backward(dscores / 10, cache, params)
    comparisons = [("mlp_forward", "scores", scores, numpy_of(A))]
    return comparisons + [("mlp_backward", f"d{k}", grads[k], numpy_of(leaves[k].grad)) for k in params]


def l2_cases(rng):
    params = random_params([4, 5, 3], rng)
    params["gamma1"] = rng.standard_normal(5)
    loss_grads = {k: rng.standard_normal(v.shape) for k, v in params.items()}
    lam = 0.37
    leaves = {k: tensor(v, requires_grad=True) for k, v in params.items()}
    # A loss whose gradient is loss_grads, plus the penalty on the weight matrices only.
    data_loss = sum(torch.sum(leaves[k] * tensor(loss_grads[k])) for k in params)
    penalty = 0.5 * lam * sum(torch.sum(leaves[k] ** 2) for k in params if k.startswith("W"))
    (data_loss + penalty).backward()
    grads = l2_grads(params, loss_grads, lam)
    return [("l2_penalty", "value", l2_penalty(params, lam), penalty.item())] + [
        ("l2_grads", f"d{k}", grads[k], numpy_of(leaves[k].grad)) for k in params
    ]


def dropout_cases(rng):
    A = rng.standard_normal((6, 9))
    dout = rng.standard_normal(A.shape)
    keep_prob = 0.7
    out, mask = dropout_forward(A, keep_prob, rng)
    a = tensor(A, requires_grad=True)
    torch_out = a * tensor(mask) / keep_prob
    torch_out.backward(tensor(dout))
    return [
        ("dropout_forward", "out", out, numpy_of(torch_out)),
        ("dropout_backward", "dA", dropout_backward(dout, mask, keep_prob), numpy_of(a.grad)),
    ]


def batchnorm_cases(rng, training=True):
    N, D = 12, 5
    Z = rng.standard_normal((N, D)) * rng.uniform(0.5, 3.0, D) + rng.uniform(-2.0, 2.0, D)
    gamma, beta = rng.uniform(0.5, 2.0, D), rng.uniform(-1.0, 1.0, D)
    dout = rng.standard_normal((N, D))
    state = {"running_mean": rng.standard_normal(D), "running_var": rng.uniform(0.5, 2.0, D)}
    running_mean, running_var = state["running_mean"].copy(), state["running_var"].copy()
    out, cache = batchnorm_forward(Z, gamma, beta, state, training=training)
    dZ, dgamma, dbeta = batchnorm_backward(dout, cache)
    mode = "training" if training else "eval"
    comparisons = []
    # Twice: autograd through the formula written out, and torch's own batch_norm kernel (which also
    # normalises with the biased variance; only its running_var update uses the unbiased one).
    for source in ("formula", "F.batch_norm"):
        z, g, b = (tensor(a, requires_grad=True) for a in (Z, gamma, beta))
        if source == "formula":
            if training:
                mean, var = z.mean(dim=0), z.var(dim=0, unbiased=False)
            else:
                mean, var = tensor(running_mean), tensor(running_var)
            torch_out = g * (z - mean) / torch.sqrt(var + 1e-5) + b
        else:
            torch_out = F.batch_norm(z, tensor(running_mean), tensor(running_var), g, b, training, 0.1, 1e-5)
        torch_out.backward(tensor(dout))
        comparisons += [
            ("batchnorm_forward", f"{mode} out vs {source}", out, numpy_of(torch_out)),
            ("batchnorm_backward", f"{mode} dZ vs {source}", dZ, numpy_of(z.grad)),
            ("batchnorm_backward", f"{mode} dgamma vs {source}", dgamma, numpy_of(g.grad)),
            ("batchnorm_backward", f"{mode} dbeta vs {source}", dbeta, numpy_of(b.grad)),
        ]
    if training:
        batch_mean = Z.mean(axis=0)
        comparisons.append(
            ("batchnorm_forward", "running_mean", state["running_mean"], 0.9 * running_mean + 0.1 * batch_mean)
        )
    return comparisons


def batchnorm_eval_cases(rng):
    return batchnorm_cases(rng, training=False)


def layernorm_cases(rng):
    N, D = 7, 6
    Z = rng.standard_normal((N, D)) * 2.0 + 1.0
    gamma, beta = rng.uniform(0.5, 2.0, D), rng.uniform(-1.0, 1.0, D)
    dout = rng.standard_normal((N, D))
    out, cache = layernorm_forward(Z, gamma, beta)
    dZ, dgamma, dbeta = layernorm_backward(dout, cache)
    z, g, b = (tensor(a, requires_grad=True) for a in (Z, gamma, beta))
    torch_out = F.layer_norm(z, (D,), g, b, 1e-5)
    torch_out.backward(tensor(dout))
    return [
        ("layernorm_forward", "out", out, numpy_of(torch_out)),
        ("layernorm_backward", "dZ", dZ, numpy_of(z.grad)),
        ("layernorm_backward", "dgamma", dgamma, numpy_of(g.grad)),
        ("layernorm_backward", "dbeta", dbeta, numpy_of(b.grad)),
    ]


def toolkit_cases(rng):
    """The capstone's architecture in the toolkit against the same computation in torch, same dropout masks."""
    layers = []
    for n_in, n_out in [(2, 16), (16, 12)]:
        layers += [Dense(n_in, n_out), BatchNorm(n_out), ReLU(), Dropout(0.8)]
    model = Sequential([*layers, Dense(12, 1)], rng)
    X = rng.standard_normal((20, 2))
    y = rng.integers(0, 2, 20)
    scores, caches = model.forward(X, training=True, rng=rng)
    value, dscores = SigmoidBinaryCrossEntropy()(scores, y)
    grads = model.backward(dscores, caches)
    masks = [cache for layer, (_, cache) in zip(model.layers, caches) if isinstance(layer, Dropout)]
    leaves = {k: tensor(v, requires_grad=True) for k, v in model.params.items()}
    A = tensor(X)
    for n in (1, 2):
        A = A @ leaves[f"W{n}"] + leaves[f"b{n}"]
        A = F.batch_norm(A, None, None, leaves[f"gamma{n}"], leaves[f"beta{n}"], True, 0.1, 1e-5)
        A = torch.relu(A) * tensor(masks[n - 1]) / 0.8
    logits = A @ leaves["W3"] + leaves["b3"]
    loss = F.binary_cross_entropy_with_logits(logits, tensor(y).reshape(-1, 1))
    loss.backward()
    # The biases just before a batch norm get gradients of rounding-error size (the batch mean removes them),
    # which no relative error can compare; both sides must simply be (almost) zero.
    biases_before_batchnorm = ["b1", "b2"]
    for k in biases_before_batchnorm:
        np.testing.assert_allclose(grads[k], 0.0, atol=1e-12)
        np.testing.assert_allclose(numpy_of(leaves[k].grad), 0.0, atol=1e-12)
    return [("toolkit Sequential", "loss", value, loss.item())] + [
        ("toolkit Sequential", f"d{k}", grads[k], numpy_of(leaves[k].grad))
        for k in model.params
        if k not in biases_before_batchnorm
    ]


CASES = [
    mlp_cases,
    l2_cases,
    dropout_cases,
    batchnorm_cases,
    batchnorm_eval_cases,
    layernorm_cases,
    toolkit_cases,
]
FUNCTIONS = {
    "mlp_forward",
    "mlp_backward",
    "l2_penalty",
    "l2_grads",
    "dropout_forward",
    "dropout_backward",
    "batchnorm_forward",
    "batchnorm_backward",
    "layernorm_forward",
    "layernorm_backward",
    "toolkit Sequential",
}


def run_case(case, seed):
    return case(np.random.default_rng(seed))


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_course_lib_agrees_with_torch(case, seed):
    assert_agrees(run_case(case, seed))


def test_largest_relative_error_per_function(capsys):
    report_largest_errors([c for case in CASES for seed in (0, 1) for c in run_case(case, seed)], FUNCTIONS,
                          "notebooks 08-12", capsys)


def test_the_oracle_catches_batch_norm_with_the_unbiased_variance():
    unbiased = next(m.fn for m in nb10.BATCHNORM_FORWARD.mistakes if m.name == "unbiased variance")
    rng = np.random.default_rng(3)
    Z, gamma, beta = rng.standard_normal((6, 4)), rng.uniform(0.5, 2.0, 4), rng.standard_normal(4)
    out, _ = unbiased(Z, gamma, beta, {})
    expected = F.batch_norm(tensor(Z), None, None, tensor(gamma), tensor(beta), True, 0.1, 1e-5)
    assert relative_error(out, numpy_of(expected)) > 1e-3


def test_the_oracle_catches_relu_applied_to_the_output_layer():
    rng = np.random.default_rng(4)
    params = random_params([3, 5, 2], rng)
    X = rng.standard_normal((8, 3))
    dscores = rng.standard_normal((8, 2))
    scores, cache = mlp_forward(X, params)
    wrong = mlp_backward(dscores * (scores > 0), cache, params)
    leaves = {k: tensor(v, requires_grad=True) for k, v in params.items()}
    A = torch.relu(tensor(X) @ leaves["W1"] + leaves["b1"]) @ leaves["W2"] + leaves["b2"]
    A.backward(tensor(dscores))
    assert (scores < 0).any()
    assert relative_error(wrong["W2"], numpy_of(leaves["W2"].grad)) > 1e-3
