"""Batch normalisation and, as an extension, layer normalisation (notebook 10).

Both normalise Z (N, D) to zero mean and unit variance and then scale and shift it with learned gamma (D,)
and beta (D,): batch norm normalises each feature over the batch (axis 0), layer norm each sample over its
features (axis 1). Variances are biased (divided by the count, not count - 1), as in the normalisation itself.
"""

import numpy as np


def batchnorm_forward(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
    """Forward pass of batch normalisation.

    Z: (N, D) pre-activations; gamma, beta: (D,); bn_state: dict with "running_mean" and "running_var",
    both (D,) (missing ones start at 0 and 1). momentum: weight of the new batch in the running averages.
    When training: normalises with the batch mean and biased variance, and updates bn_state in place,
    running = (1 - momentum) * running + momentum * batch. When not training: normalises with the running
    statistics and leaves bn_state alone. Returns out (N, D) = gamma * Z_hat + beta and cache for
    batchnorm_backward.
    """
    if training:
        N = Z.shape[0]
        mean = Z.sum(axis=0) / N
        centered = Z - mean
        var = np.sum(centered * centered, axis=0) / N
        _update_running_statistics(bn_state, mean, var, momentum)
    else:
        centered = Z - bn_state["running_mean"]
        var = bn_state["running_var"]
    inv_std = 1.0 / np.sqrt(var + eps)
    Z_hat = centered * inv_std
    out = gamma * Z_hat + beta
    return out, (Z_hat, gamma, inv_std, training)


def _update_running_statistics(bn_state, batch_mean, batch_var, momentum):
    """Exponential moving averages of the batch statistics, updated in the caller's bn_state dict."""
    if "running_mean" not in bn_state:
        bn_state["running_mean"] = np.zeros_like(batch_mean)
    if "running_var" not in bn_state:
        bn_state["running_var"] = np.ones_like(batch_var)
    running_mean, running_var = bn_state["running_mean"], bn_state["running_var"]
    running_mean *= 1.0 - momentum
    running_mean += momentum * batch_mean
    running_var *= 1.0 - momentum
    running_var += momentum * batch_var


def batchnorm_backward(dout, cache):
    """Backward pass of batchnorm_forward.

    dout: (N, D) gradient with respect to out; cache: from batchnorm_forward.
    Returns dZ (N, D), dgamma (D,), dbeta (D,).
    In training mode the mean and variance depend on every row of Z, and the chain rule through both
    collapses to the compact form
        dZ = gamma * inv_std / N * (N * dout - dbeta - Z_hat * dgamma),
    with dbeta = sum(dout) and dgamma = sum(dout * Z_hat) over the batch axis: the two sums that the
    mean and the variance send back. In eval mode the statistics are constants: dZ = dout * gamma * inv_std.
    """
    Z_hat, gamma, inv_std, training = cache
    dgamma = np.sum(dout * Z_hat, axis=0)
    dbeta = dout.sum(axis=0)
    if not training:
        return dout * (gamma * inv_std), dgamma, dbeta
    N = dout.shape[0]
    dZ = (gamma * inv_std / N) * (N * dout - dbeta - Z_hat * dgamma)
    return dZ, dgamma, dbeta


def layernorm_forward(Z, gamma, beta, eps=1e-5):
    """Forward pass of layer normalisation: each row normalised over its own features.

    Z: (N, D); gamma, beta: (D,). It uses no batch statistics, so it behaves the same in training and
    evaluation and needs no running averages. Returns out (N, D) and cache for layernorm_backward.
    """
    mean = Z.mean(axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(Z.var(axis=1, keepdims=True) + eps)
    Z_hat = (Z - mean) * inv_std
    return gamma * Z_hat + beta, (Z_hat, gamma, inv_std)


def layernorm_backward(dout, cache):
    """Backward pass of layernorm_forward.

    dout: (N, D); cache: from layernorm_forward. Returns dZ (N, D), dgamma (D,), dbeta (D,).
    The compact form of batchnorm_backward with the axes swapped: the statistics are per row, so the sums
    run over each row's D features, and gamma, which varies along the row, stays inside them:
        dZ = inv_std / D * (D * dZ_hat - sum(dZ_hat) - Z_hat * sum(dZ_hat * Z_hat)),  dZ_hat = dout * gamma.
    """
    Z_hat, gamma, inv_std = cache
    dgamma = np.sum(dout * Z_hat, axis=0)
    dbeta = dout.sum(axis=0)
    dZ_hat = dout * gamma
    D = dout.shape[1]
    row_sum = dZ_hat.sum(axis=1, keepdims=True)
    row_projection = np.sum(dZ_hat * Z_hat, axis=1, keepdims=True)
    return inv_std / D * (D * dZ_hat - row_sum - Z_hat * row_projection), dgamma, dbeta
