"""Regularisation: the L2 penalty and inverted dropout (notebook 09).

L2 touches weight matrices only (keys starting with "W"): a bias shifts a unit's output without making
the network more sensitive to its inputs, so shrinking it towards zero buys no smoothness, only under-fitting.
"""

import numpy as np


def _weight_names(params):
    return [name for name in params if name.startswith("W")]


def l2_penalty(params, lam):
    """0.5 * lam * (sum of the squares of every weight matrix), biases excluded.

    params: dict of arrays; only keys starting with "W" count. lam: the penalty strength (float).
    Returns a float; its gradient with respect to each W is lam * W (see l2_grads).
    """
    return float(0.5 * lam * sum(np.sum(np.square(params[name])) for name in _weight_names(params)))


def l2_grads(params, grads, lam):
    """Gradients of loss + l2_penalty(params, lam), from the gradients of the loss alone.

    params, grads: dicts sharing keys. Returns a new dict: grads[k] + lam * params[k] for keys starting
    with "W", the other gradients unchanged; neither input dict is modified.
    """
    return {name: grad + lam * params[name] if name.startswith("W") else grad for name, grad in grads.items()}


def dropout_forward(A, keep_prob, rng, training=True):
    """Inverted dropout.

    A: activations of any shape; keep_prob: probability in (0, 1] that a unit is kept;
    rng: numpy.random.Generator, drawn from only when training.
    When training, returns out = A * mask / keep_prob and mask, a boolean array shaped like A that is True
    (kept) with probability keep_prob. Dividing by keep_prob keeps the expected value of every unit equal
    to A, so at evaluation time nothing needs rescaling: out is A itself and mask is None.
    """
    if not 0.0 < keep_prob <= 1.0:
        raise ValueError(f"keep_prob must be in (0, 1], got {keep_prob}")
    if not training:
        return A, None
    A = np.asarray(A, dtype=np.result_type(A, np.float32))
    # Uniforms of A's precision: float32 activations get float32 draws, which are cheaper.
    mask = rng.random(A.shape, dtype=A.dtype) < keep_prob
    out = A * mask
    out /= keep_prob
    return out, mask


def dropout_backward(dout, mask, keep_prob):
    """Backward pass of dropout_forward.

    dout: gradient with respect to out, shaped like A; mask: from dropout_forward (None in eval mode);
    keep_prob: the same as in the forward pass. Returns dA = dout * mask / keep_prob, shaped like A
    (dout itself when mask is None, since the eval-mode forward pass is the identity).
    """
    if mask is None:
        return dout
    dA = dout * mask
    dA /= keep_prob
    return dA
