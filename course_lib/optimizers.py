"""Mini-batches, optimizers and learning-rate schedules (notebook 07).

Every update changes the caller's dicts in place: afterwards params[k] holds the new values (a new array,
so arrays the caller kept, such as shared initial weights, stay as they were) and the optimizer's state
(velocities, cache, state) holds what the next step needs. State lives in plain dicts keyed like params,
so two optimizers never share anything hidden.
"""

import numpy as np


def iterate_minibatches(X, y, batch_size, rng, shuffle=True):
    """Yield (X_batch, y_batch) pairs that cover every sample exactly once: one epoch.

    X: (N, D); y: (N,) or (N, K); batch_size: samples per batch; the last batch holds the remaining
    N % batch_size samples when N is not a multiple. rng: numpy.random.Generator, whose permutation of
    the N rows sets the order when shuffle is True (it is not used when shuffle is False: rows in order).
    Yields X_batch (B, D) and y_batch (B,) or (B, K), B <= batch_size.
    """
    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        rows = order[start : start + batch_size]
        yield X[rows], y[rows]


def momentum_update(params, grads, velocities, lr, momentum=0.9):
    """One step of SGD with momentum, in place: v = momentum * v - lr * g; p += v.

    params, grads: dicts of arrays sharing keys and shapes; velocities: dict keyed like params, where a
    missing key starts as zeros (so the first step is plain SGD). lr, momentum: floats. Returns None.
    """
    for name, grad in grads.items():
        velocity = momentum * velocities.get(name, 0.0) - lr * grad
        velocities[name] = velocity
        params[name] = params[name] + velocity


def rmsprop_update(params, grads, cache, lr=0.001, rho=0.9, eps=1e-7):
    """One step of RMSProp, in place: cache = rho * cache + (1 - rho) * g**2; p -= lr * g / (sqrt(cache) + eps).

    params, grads: dicts of arrays sharing keys and shapes; cache: dict keyed like params of running means
    of squared gradients, a missing key starting as zeros. Returns None.
    Same step as torch.optim.RMSprop(lr=lr, alpha=rho, eps=eps) with its defaults otherwise (eps is added
    after the square root, as there); note that torch's own default eps is 1e-8 and its rho (alpha) 0.99.
    """
    for name, grad in grads.items():
        mean_square = rho * cache.get(name, 0.0) + (1.0 - rho) * grad**2
        cache[name] = mean_square
        params[name] = params[name] - lr * grad / (np.sqrt(mean_square) + eps)


def adam_update(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    """One step of Adam, in place, with bias correction.

    params, grads: dicts of arrays sharing keys and shapes. state: dict with "t" (int, the number of steps
    taken; incremented before use, so the first step uses t = 1) and "m", "v" (dicts keyed like params,
    the running means of g and g**2, a missing key starting as zeros); missing entries are created.
    Step: m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g**2; m_hat = m / (1 - beta1**t);
    v_hat = v / (1 - beta2**t); p -= lr * m_hat / (sqrt(v_hat) + eps), as torch.optim.Adam. Returns None.
    """
    state["t"] = state.get("t", 0) + 1
    t = state["t"]
    first_moments = state.setdefault("m", {})
    second_moments = state.setdefault("v", {})
    for name, grad in grads.items():
        m = beta1 * first_moments.get(name, 0.0) + (1.0 - beta1) * grad
        v = beta2 * second_moments.get(name, 0.0) + (1.0 - beta2) * grad**2
        first_moments[name], second_moments[name] = m, v
        m_hat = m / (1.0 - beta1**t)
        v_hat = v / (1.0 - beta2**t)
        params[name] = params[name] - lr * m_hat / (np.sqrt(v_hat) + eps)


def step_decay(lr0, drop, every, epoch):
    """Learning rate divided in steps: lr0 * drop ** (epoch // every), so it falls by `drop` every `every` epochs."""
    return float(lr0 * drop ** (epoch // every))
