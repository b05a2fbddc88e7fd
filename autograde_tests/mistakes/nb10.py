"""Known mistakes and accepted alternatives for notebook 10 (batch normalisation), keyed by graded function
name.

batchnorm_backward's check takes the cache from the batchnorm_forward defined beside the backward it
checks, as it does in a student's notebook. This module imports the course's forward, so the backward
mistakes below are judged on its cache; the staged alternative brings its own forward and cache, in a
namespace of its own, as a notebook would (see `_as_notebook`).
"""

import types

import numpy as np

from autograde_tests.core import Mistake
from course_lib.batchnorm import batchnorm_forward  # noqa: F401 -- read by batchnorm_backward's check

# ---------------------------------------------------------------------------------------------
# batchnorm_forward(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5)


def _running(bn_state, mean, var, momentum, keep="running", towards="batch"):
    """In-place update of the running statistics, with the weights given to the old value and the batch."""
    bn_state.setdefault("running_mean", np.zeros_like(mean))
    bn_state.setdefault("running_var", np.ones_like(var))
    old_weight = 1 - momentum if keep == "running" else momentum
    bn_state["running_mean"][...] = old_weight * bn_state["running_mean"] + (1 - old_weight) * mean
    bn_state["running_var"][...] = old_weight * bn_state["running_var"] + (1 - old_weight) * var


def _normalise(Z, mean, var, gamma, beta, eps, training):
    inv_std = 1 / np.sqrt(var + eps)
    Z_hat = (Z - mean) * inv_std
    return gamma * Z_hat + beta, (Z_hat, gamma, inv_std, training)


def _forward_unbiased(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
    if not training:
        return _normalise(Z, bn_state["running_mean"], bn_state["running_var"], gamma, beta, eps, False)
    mean, var = Z.mean(axis=0), Z.var(axis=0, ddof=1)
    _running(bn_state, mean, var, momentum)
    return _normalise(Z, mean, var, gamma, beta, eps, True)


def _forward_over_features(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
    if not training:
        return _normalise(Z, bn_state["running_mean"], bn_state["running_var"], gamma, beta, eps, False)
    mean, var = Z.mean(axis=1, keepdims=True), Z.var(axis=1, keepdims=True)
    bn_state["running_mean"] = (1 - momentum) * bn_state.get("running_mean", 0.0) + momentum * mean
    bn_state["running_var"] = (1 - momentum) * bn_state.get("running_var", 1.0) + momentum * var
    return _normalise(Z, mean, var, gamma, beta, eps, True)


def _forward_running_var_unbiased(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
    if not training:
        return _normalise(Z, bn_state["running_mean"], bn_state["running_var"], gamma, beta, eps, False)
    mean, var = Z.mean(axis=0), Z.var(axis=0)
    _running(bn_state, mean, Z.var(axis=0, ddof=1), momentum)
    return _normalise(Z, mean, var, gamma, beta, eps, True)


def _forward_not_stored(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
    if not training:
        return _normalise(Z, bn_state["running_mean"], bn_state["running_var"], gamma, beta, eps, False)
    mean, var = Z.mean(axis=0), Z.var(axis=0)
    running_mean = bn_state.get("running_mean", np.zeros_like(mean))
    running_var = bn_state.get("running_var", np.ones_like(var))
    running_mean = (1 - momentum) * running_mean + momentum * mean  # noqa: F841 -- the mistake: never stored
    running_var = (1 - momentum) * running_var + momentum * var  # noqa: F841
    return _normalise(Z, mean, var, gamma, beta, eps, True)


def _forward_updates_in_eval(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
    mean, var = Z.mean(axis=0), Z.var(axis=0)
    if not training:
        used = _normalise(Z, bn_state["running_mean"].copy(), bn_state["running_var"].copy(), gamma, beta, eps,
                          False)
        _running(bn_state, mean, var, momentum)
        return used
    _running(bn_state, mean, var, momentum)
    return _normalise(Z, mean, var, gamma, beta, eps, True)


def _forward_eval_batch_statistics(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
    mean, var = Z.mean(axis=0), Z.var(axis=0)
    if training:
        _running(bn_state, mean, var, momentum)
    return _normalise(Z, mean, var, gamma, beta, eps, training)


def _forward_training_ignored(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
    mean, var = Z.mean(axis=0), Z.var(axis=0)
    _running(bn_state, mean, var, momentum)
    return _normalise(Z, mean, var, gamma, beta, eps, True)


def _forward_momentum_swapped(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
    if not training:
        return _normalise(Z, bn_state["running_mean"], bn_state["running_var"], gamma, beta, eps, False)
    mean, var = Z.mean(axis=0), Z.var(axis=0)
    _running(bn_state, mean, var, momentum, keep="momentum")
    return _normalise(Z, mean, var, gamma, beta, eps, True)


def _forward_eps_outside(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
    if training:
        mean, var = Z.mean(axis=0), Z.var(axis=0)
        _running(bn_state, mean, var, momentum)
    else:
        mean, var = bn_state["running_mean"], bn_state["running_var"]
    inv_std = 1 / (np.sqrt(var) + eps)
    Z_hat = (Z - mean) * inv_std
    return gamma * Z_hat + beta, (Z_hat, gamma, inv_std, training)


def _forward_gamma_beta_swapped(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
    if training:
        mean, var = Z.mean(axis=0), Z.var(axis=0)
        _running(bn_state, mean, var, momentum)
    else:
        mean, var = bn_state["running_mean"], bn_state["running_var"]
    return _normalise(Z, mean, var, beta, gamma, eps, training)


# ---------------------------------------------------------------------------------------------
# batchnorm_backward(dout, cache), on the course forward's cache (Z_hat, gamma, inv_std, training)


def _backward_sums_wrong_axis(dout, cache):
    Z_hat, gamma, inv_std, training = cache
    dgamma, dbeta = np.sum(dout * Z_hat, axis=1), dout.sum(axis=1)
    N = len(dout)
    dZ = gamma * inv_std / N * (N * dout - dout.sum(axis=0) - Z_hat * np.sum(dout * Z_hat, axis=0))
    return (dZ if training else dout * gamma * inv_std), dgamma, dbeta


def _backward_statistics_constant(dout, cache):
    Z_hat, gamma, inv_std, training = cache
    return dout * gamma * inv_std, np.sum(dout * Z_hat, axis=0), dout.sum(axis=0)


def _backward_mean_path_only(dout, cache):
    Z_hat, gamma, inv_std, training = cache
    dZ = gamma * inv_std * (dout - dout.mean(axis=0)) if training else dout * gamma * inv_std
    return dZ, np.sum(dout * Z_hat, axis=0), dout.sum(axis=0)


def _backward_without_gamma(dout, cache):
    Z_hat, gamma, inv_std, training = cache
    dgamma, dbeta = np.sum(dout * Z_hat, axis=0), dout.sum(axis=0)
    N = len(dout)
    dZ = inv_std / N * (N * dout - dbeta - Z_hat * dgamma) if training else dout * inv_std
    return dZ, dgamma, dbeta


def _backward_parameter_grads_averaged(dout, cache):
    Z_hat, gamma, inv_std, training = cache
    dgamma, dbeta = np.mean(dout * Z_hat, axis=0), dout.mean(axis=0)
    dZ = gamma * inv_std * (dout - dbeta - Z_hat * dgamma) if training else dout * gamma * inv_std
    return dZ, dgamma, dbeta


def _backward_training_formula_in_eval(dout, cache):
    Z_hat, gamma, inv_std, _ = cache
    dgamma, dbeta = np.sum(dout * Z_hat, axis=0), dout.sum(axis=0)
    N = len(dout)
    return gamma * inv_std / N * (N * dout - dbeta - Z_hat * dgamma), dgamma, dbeta


def _backward_order(dout, cache):
    Z_hat, gamma, inv_std, training = cache
    dgamma, dbeta = np.sum(dout * Z_hat, axis=0), dout.sum(axis=0)
    N = len(dout)
    dZ = gamma * inv_std / N * (N * dout - dbeta - Z_hat * dgamma) if training else dout * gamma * inv_std
    return dZ, dbeta, dgamma


# ---------------------------------------------------------------------------------------------
# Alternatives


def _forward_mean_var_new_arrays(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
    # np.mean / np.var, new arrays stored under the caller's keys, a dict as the cache
    if training:
        mean, var = np.mean(Z, axis=0), np.var(Z, axis=0)
        bn_state["running_mean"] = (1 - momentum) * bn_state.get("running_mean", 0.0) + momentum * mean
        bn_state["running_var"] = (1 - momentum) * bn_state.get("running_var", 1.0) + momentum * var
    else:
        mean, var = bn_state["running_mean"], bn_state["running_var"]
    std = np.sqrt(var + eps)
    Z_hat = (Z - mean) / std
    return Z_hat * gamma + beta, {"Z_hat": Z_hat, "gamma": gamma, "std": std, "training": training}


def _forward_staged(Z, gamma, beta, bn_state, training=True, momentum=0.1, eps=1e-5):
    # every intermediate of the computation graph kept, for a step-by-step backward
    if training:
        N = Z.shape[0]
        mean = np.einsum("nd->d", Z) / N
        centred = Z - mean
        var = np.einsum("nd,nd->d", centred, centred) / N
        for key, batch, start in (("running_mean", mean, 0.0), ("running_var", var, 1.0)):
            if key not in bn_state:
                bn_state[key] = np.full_like(batch, start)
            np.multiply(bn_state[key], 1 - momentum, out=bn_state[key])
            np.add(bn_state[key], momentum * batch, out=bn_state[key])
    else:
        centred, var = Z - bn_state["running_mean"], bn_state["running_var"]
    std = np.sqrt(var + eps)
    Z_hat = centred / std
    return gamma * Z_hat + beta, (centred, std, Z_hat, gamma, training)


def _backward_staged(dout, cache):
    # the chain rule one node at a time, through the centred values, the variance and the mean
    centred, std, Z_hat, gamma, training = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * Z_hat).sum(axis=0)
    dZ_hat = dout * gamma
    if not training:
        return dZ_hat / std, dgamma, dbeta
    N = dout.shape[0]
    dvar = np.sum(dZ_hat * centred, axis=0) * -0.5 * std ** -3
    dcentred = dZ_hat / std + dvar * 2 * centred / N
    dmean = -dcentred.sum(axis=0)
    return dcentred + dmean / N, dgamma, dbeta


def _backward_with_means(dout, cache):
    # the compact form written with batch means instead of sums over N
    Z_hat, gamma, inv_std, training = cache
    dgamma = np.einsum("nd,nd->d", dout, Z_hat)
    dbeta = np.einsum("nd->d", dout)
    if training:
        dZ = gamma * inv_std * (dout - dout.mean(axis=0) - Z_hat * (dout * Z_hat).mean(axis=0))
    else:
        dZ = gamma * inv_std * dout
    return dZ, dgamma, dbeta


def _as_notebook(forward, backward):
    """backward as a notebook would define it: in a namespace where `batchnorm_forward` is `forward`."""
    namespace = {"np": np}
    namespace["batchnorm_forward"] = types.FunctionType(forward.__code__, namespace, "batchnorm_forward",
                                                        forward.__defaults__)
    namespace["batchnorm_backward"] = types.FunctionType(backward.__code__, namespace, "batchnorm_backward",
                                                         backward.__defaults__)
    return namespace["batchnorm_backward"]


MISTAKES = {
    "batchnorm_forward": [
        Mistake("unbiased variance", "batch norm divides the squared deviations by N, the number of samples "
                "in the batch, not by N − 1: the batch is normalised with its own statistics, not an "
                "estimate of a population's.", _forward_unbiased),
        Mistake("statistics over the features", "batch norm normalises each feature (a column) with its "
                "mean and variance over the samples of the batch, axis 0; statistics over axis 1 mix the "
                "different features of one sample, which is what layer norm does.", _forward_over_features),
        Mistake("running variance unbiased", "the exercise keeps the biased batch variance (divided by N) "
                "in the running average too; some libraries store the N − 1 estimate there, this exercise "
                "does not.", _forward_running_var_unbiased),
        Mistake("running statistics not stored", "the new running averages are computed but never written "
                "into the caller's bn_state, so the next call (and evaluation) still sees the old ones: "
                "change the caller's arrays, or store the new ones under its keys.", _forward_not_stored),
        Mistake("running statistics updated in evaluation", "in evaluation bn_state is only read: updating "
                "it there lets test batches drift the statistics the model was trained with.",
                _forward_updates_in_eval),
        Mistake("batch statistics in evaluation", "in evaluation each sample must be normalised with the "
                "running statistics; the batch's own mean and variance make one sample's prediction depend "
                "on the other samples it happens to be evaluated with.", _forward_eval_batch_statistics),
        Mistake("training flag ignored", "with training=False the running statistics are used and left "
                "unchanged; this normalises with the batch and updates bn_state in both modes.",
                _forward_training_ignored),
        Mistake("momentum the wrong way round", "momentum is the weight of the new batch: the running value "
                "keeps 1 − momentum of itself and takes momentum of the batch's. Swapped, the running "
                "statistics barely move away from the newest batch.", _forward_momentum_swapped),
        Mistake("eps outside the square root", "eps is added to the variance, inside the square root; "
                "adding it to the standard deviation, outside the root, gives a different scale, far "
                "different for a feature that barely varies.", _forward_eps_outside),
        Mistake("gamma and beta swapped", "gamma is the scale and beta the shift: the normalised values are "
                "multiplied by gamma first, and beta is added after.", _forward_gamma_beta_swapped),
    ],
    "batchnorm_backward": [
        Mistake("dgamma and dbeta summed over the wrong axis", "gamma and beta have one entry per feature, "
                "and each was used by every sample: their gradients sum over the batch (axis 0), giving "
                "shape (D,).", _backward_sums_wrong_axis),
        Mistake("batch statistics treated as constants", "in training the mean and the variance are "
                "computed from Z, so every entry of Z also moves them: the gradient has two more parts, "
                "one through the mean and one through the variance (the batch sums of dout and of "
                "dout · Z_hat).", _backward_statistics_constant),
        Mistake("variance path left out", "the mean's path (subtracting the batch mean of the gradient) is "
                "there, but the variance also depends on every row: its path subtracts Z_hat times the "
                "batch mean of dout · Z_hat.", _backward_mean_path_only),
        Mistake("gamma left out of dZ", "out = gamma · Z_hat + beta, so the gradient reaching Z_hat is "
                "dout · gamma before it goes back through the normalisation.", _backward_without_gamma),
        Mistake("dgamma and dbeta averaged", "the loss's gradient dout already carries 1/N: dgamma and "
                "dbeta are sums over the batch, not means.", _backward_parameter_grads_averaged),
        Mistake("training formula in evaluation", "in evaluation the running statistics are constants "
                "that do not depend on Z, so no gradient flows through a batch mean or variance: the batch "
                "sums belong to training. What remains is the gradient of a fixed scale per feature.",
                _backward_training_formula_in_eval),
        Mistake("dgamma and dbeta in the wrong order", "the exercise returns (dZ, dgamma, dbeta), in that "
                "order.", _backward_order),
    ],
}

ALTERNATIVES = {
    "batchnorm_forward": [_forward_mean_var_new_arrays, _forward_staged],
    "batchnorm_backward": [_backward_with_means, _as_notebook(_forward_staged, _backward_staged)],
}
