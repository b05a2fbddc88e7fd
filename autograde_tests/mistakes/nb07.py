"""Known mistakes and accepted alternatives for notebook 07 (mini-batches, optimizers, schedules), keyed by
graded function name.

A check names the first mistake that behaves like the student's code on the case that failed, so the
catalogue and the checks' case order are chosen together: the optimizers' first case starts from a
prepared state (an earlier step's velocities, cache or moments, Adam's t = 2), the second from an empty one.
"""

import numpy as np

from autograde_tests.core import Mistake

# ---------------------------------------------------------------------------------------------
# iterate_minibatches(X, y, batch_size, rng, shuffle=True)


def _batches_drop_last(X, y, batch_size, rng, shuffle=True):
    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    for start in range(0, len(X) - batch_size + 1, batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], y[rows]


def _batches_with_replacement(X, y, batch_size, rng, shuffle=True):
    order = rng.integers(0, len(X), size=len(X)) if shuffle else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], y[rows]


def _batches_shuffled_separately(X, y, batch_size, rng, shuffle=True):
    X_order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    y_order = rng.permutation(len(y)) if shuffle else np.arange(len(y))
    for start in range(0, len(X), batch_size):
        yield X[X_order[start:start + batch_size]], y[y_order[start:start + batch_size]]


def _batches_never_shuffled(X, y, batch_size, rng, shuffle=True):
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]


def _batches_always_shuffled(X, y, batch_size, rng, shuffle=True):
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], y[rows]


def _batches_global_random(X, y, batch_size, rng, shuffle=True):
    order = np.random.permutation(len(X)) if shuffle else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], y[rows]


def _batches_own_generator(X, y, batch_size, rng, shuffle=True):
    return _batches_always_shuffled(X, y, batch_size, np.random.default_rng(0)) if shuffle else \
        _batches_never_shuffled(X, y, batch_size, rng)


def _batches_count_as_size(X, y, batch_size, rng, shuffle=True):
    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    for rows in np.array_split(order, batch_size):
        yield X[rows], y[rows]


def _batches_shuffle_in_place(X, y, batch_size, rng, shuffle=True):
    if shuffle:
        state = rng.bit_generator.state
        rng.shuffle(X)
        rng.bit_generator.state = state
        rng.shuffle(y)
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]


def _batches_x_then_y(X, y, batch_size, rng, shuffle=True):
    order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
    for start in range(0, len(X), batch_size):
        yield X[order[start:start + batch_size]]
        yield y[order[start:start + batch_size]]


# ---------------------------------------------------------------------------------------------
# momentum_update(params, grads, velocities, lr, momentum=0.9)


def _momentum(velocity_of, step_of=lambda p, v, g, lr: p + v, store=True):
    """A momentum step with the velocity computed by velocity_of(v, g, lr, momentum) and the parameter
    moved by step_of(p, v_new, g, lr); store=False forgets to keep the velocity."""

    def momentum_update(params, grads, velocities, lr, momentum=0.9):
        for name, grad in grads.items():
            velocity = velocity_of(velocities.get(name, np.zeros_like(grad)), grad, lr, momentum)
            if store:
                velocities[name] = velocity
            params[name] = step_of(params[name], velocity, grad, lr)

    return momentum_update


def _momentum_old_velocity_first(params, grads, velocities, lr, momentum=0.9):
    for name, grad in grads.items():
        old = velocities.get(name, np.zeros_like(grad))
        params[name] = params[name] + old
        velocities[name] = momentum * old - lr * grad


def _momentum_new_dict_when_empty(params, grads, velocities, lr, momentum=0.9):
    if not velocities:
        velocities = {name: np.zeros_like(grad) for name, grad in grads.items()}
    for name, grad in grads.items():
        velocities[name] = momentum * velocities[name] - lr * grad
        params[name] = params[name] + velocities[name]


# ---------------------------------------------------------------------------------------------
# rmsprop_update(params, grads, cache, lr=0.001, rho=0.9, eps=1e-7)


def _rmsprop(mean_square_of=lambda c, g, rho: rho * c + (1 - rho) * g**2,
             step_of=lambda g, c, lr, eps: lr * g / (np.sqrt(c) + eps), sign=-1.0, store=True):
    """An RMSProp step with the running mean and the step computed by the functions given."""

    def rmsprop_update(params, grads, cache, lr=0.001, rho=0.9, eps=1e-7):
        for name, grad in grads.items():
            mean_square = mean_square_of(cache.get(name, np.zeros_like(grad)), grad, rho)
            if store:
                cache[name] = mean_square
            params[name] = params[name] + sign * step_of(grad, mean_square, lr, eps)

    return rmsprop_update


# ---------------------------------------------------------------------------------------------
# adam_update(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8)


def _adam(t_used="new", corrected=True, eps_inside=False, store_corrected=False, squares=True,
          store_moments=True, t_per_key=False):
    """An Adam step with one thing done wrong (each keyword names one)."""

    def adam_update(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        old_t = state.get("t", 0)
        state["t"] = old_t + 1
        m_all, v_all = state.setdefault("m", {}), state.setdefault("v", {})
        for name, grad in grads.items():
            if t_per_key and name != next(iter(grads)):
                state["t"] += 1
            t = state["t"] if t_used == "new" else old_t
            m = beta1 * m_all.get(name, np.zeros_like(grad)) + (1 - beta1) * grad
            v = beta2 * v_all.get(name, np.zeros_like(grad)) + (1 - beta2) * (grad**2 if squares else grad)
            m_hat, v_hat = (m / (1 - beta1**t), v / (1 - beta2**t)) if corrected else (m, v)
            if store_moments:
                m_all[name], v_all[name] = (m_hat, v_hat) if store_corrected else (m, v)
            denominator = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
            params[name] = params[name] - lr * m_hat / denominator

    return adam_update


# ---------------------------------------------------------------------------------------------
# step_decay(lr0, drop, every, epoch)


def _step_no_floor(lr0, drop, every, epoch):
    return lr0 * drop ** (epoch / every)


def _step_multiplied(lr0, drop, every, epoch):
    return lr0 * drop * (epoch // every)


def _step_rounded(lr0, drop, every, epoch):
    return lr0 * drop ** round(epoch / every)


def _step_one_early(lr0, drop, every, epoch):
    return lr0 * drop ** ((epoch + 1) // every)


def _step_divides(lr0, drop, every, epoch):
    return lr0 / drop ** (epoch // every)


def _step_swapped(lr0, drop, every, epoch):
    return lr0 * drop ** (every // epoch)


MISTAKES = {
    "iterate_minibatches": [
        Mistake("last partial batch dropped", "when N is not a multiple of batch_size, the samples left over "
                "form a last, smaller batch; stopping before it skips them in every epoch.", _batches_drop_last),
        Mistake("samples drawn with replacement", "independent random indices repeat some samples and miss "
                "others; a permutation of all N indices uses each exactly once.", _batches_with_replacement),
        Mistake("X and y shuffled separately", "two different permutations separate every sample from its "
                "label: shuffle both with one permutation.", _batches_shuffled_separately),
        Mistake("never shuffled", "with shuffle=True the order must be a fresh random permutation from rng; "
                "the original order gives the same batches in every epoch.", _batches_never_shuffled),
        Mistake("shuffle argument ignored", "with shuffle=False the rows keep their original order.",
                _batches_always_shuffled),
        Mistake("np.random instead of rng", "np.random's functions use NumPy's hidden global state: draw the "
                "permutation from the rng argument.", _batches_global_random),
        Mistake("own Generator instead of rng", "a Generator made inside the function ignores the rng the "
                "caller passed, so every epoch gets the same order.", _batches_own_generator),
        Mistake("batch_size used as the number of batches", "batch_size is how many samples each batch "
                "holds, not how many batches there are.", _batches_count_as_size),
        Mistake("caller's arrays shuffled in place", "shuffling X and y themselves changes the caller's data: "
                "index them with a permutation instead, which makes new arrays.", _batches_shuffle_in_place),
        Mistake("X_batch and y_batch yielded one by one", "each item is one pair (X_batch, y_batch), so that a "
                "loop can unpack both at once.", _batches_x_then_y),
    ],
    "momentum_update": [
        Mistake("velocity of the opposite sign", "the exercise's velocity is the step itself: it keeps "
                "momentum times the old velocity and adds −lr·g, and the parameter moves by +v. Adding lr·g "
                "and then subtracting v moves the parameter the same way on a first step, but the stored "
                "velocity has the wrong sign, so the next step goes astray.",
                _momentum(lambda v, g, lr, mu: mu * v + lr * g, lambda p, v, g, lr: p - v)),
        Mistake("momentum step uphill", "the velocity accumulates −lr·g, a step downhill; subtracting it from "
                "the parameter climbs.", _momentum(lambda v, g, lr, mu: mu * v - lr * g, lambda p, v, g, lr: p - v)),
        Mistake("old velocity forgotten", "momentum keeps a fraction of the previous velocity: without it "
                "this is plain gradient descent.", _momentum(lambda v, g, lr, mu: -lr * g)),
        Mistake("velocity without lr", "that is the other common convention (the velocity accumulates "
                "gradients, and lr scales the step); the exercise's velocity includes lr: v = momentum·v − lr·g.",
                _momentum(lambda v, g, lr, mu: mu * v + g, lambda p, v, g, lr: p - lr * v)),
        Mistake("velocity not stored", "the new velocity has to be written back into velocities, or the next "
                "call starts again from the old one.", _momentum(lambda v, g, lr, mu: mu * v - lr * g, store=False)),
        Mistake("parameter moved by the old velocity", "first the velocity is updated, then the parameter "
                "moves by the new one; moving first uses last step's velocity.", _momentum_old_velocity_first),
        Mistake("new velocities dict", "a new dict assigned to the name velocities is lost when the function "
                "returns: store the velocities in the dict you were given, even when it starts empty.",
                _momentum_new_dict_when_empty),
    ],
    "rmsprop_update": [
        Mistake("eps inside the square root", "eps is added after the square root, to √cache; inside it "
                "changes steps wherever the cache is small.",
                _rmsprop(step_of=lambda g, c, lr, eps: lr * g / np.sqrt(c + eps))),
        Mistake("cache not stored", "the new running mean has to be written back into cache, or every call "
                "starts from the old one.", _rmsprop(store=False)),
        Mistake("rho and 1 − rho swapped", "the cache keeps rho of its old value and takes 1 − rho of the new "
                "g², so it changes slowly.", _rmsprop(mean_square_of=lambda c, g, rho: (1 - rho) * c + rho * g**2)),
        Mistake("(1 − rho) left out", "the running mean weighs the new g² by 1 − rho; without that factor the "
                "cache grows instead of averaging.", _rmsprop(mean_square_of=lambda c, g, rho: rho * c + g**2)),
        Mistake("no square root", "the step divides by the root mean square, √cache, not by the cache itself.",
                _rmsprop(step_of=lambda g, c, lr, eps: lr * g / (c + eps))),
        Mistake("RMSProp step uphill", "the step goes against the gradient: subtract it.", _rmsprop(sign=1.0)),
        Mistake("gradient not squared", "the cache is a running mean of the squared gradient g²: of g itself "
                "it can turn negative, and its square root is then nan.",
                _rmsprop(mean_square_of=lambda c, g, rho: rho * c + (1 - rho) * g)),
    ],
    "adam_update": [
        Mistake("t incremented after use", "t counts the steps including this one: increment it first, so "
                "that the first step uses t = 1 (with t = 0, 1 − beta^t is 0).", _adam(t_used="old")),
        Mistake("no bias correction", "m and v start at zero, so in the first steps they are too small by "
                "the factors 1 − beta1^t and 1 − beta2^t: divide by them before the step.", _adam(corrected=False)),
        Mistake("t incremented once per parameter", "t counts steps, not parameters: one call is one step, "
                "so t goes up by exactly one per call.", _adam(t_per_key=True)),
        Mistake("eps inside the square root", "eps is added after the square root, to √v̂; inside it "
                "changes steps wherever v̂ is small.", _adam(eps_inside=True)),
        Mistake("corrected moments stored", "the state keeps the raw running means m and v; the bias-corrected "
                "m̂ and v̂ are only for this step's update.", _adam(store_corrected=True)),
        Mistake("moments not stored", "the new m and v have to be written back into the state, or every call "
                "starts again from the old ones.", _adam(store_moments=False)),
        Mistake("v of g instead of g²", "v is the running mean of the squared gradient: of g itself it can "
                "turn negative, and its square root is then nan.", _adam(squares=False)),
    ],
    "step_decay": [
        Mistake("no floor", "the rate drops in steps: count only whole periods, epoch // every, so it stays "
                "constant between drops instead of falling a little every epoch.", _step_no_floor),
        Mistake("drop multiplied, not raised", "after k periods the rate is lr0 times drop to the power k, "
                "not times drop times k.", _step_multiplied),
        Mistake("periods rounded", "rounding counts a period that is more than half done; only completed "
                "periods count (round down).", _step_rounded),
        Mistake("drop one epoch early", "epochs count from 0: the first drop comes at epoch `every`, not at "
                "epoch every − 1.", _step_one_early),
        Mistake("divided by drop", "drop is the factor the rate is multiplied by (0.5 halves it); dividing by "
                "it makes the rate grow.", _step_divides),
        Mistake("every and epoch swapped", "the number of completed periods is epoch divided by every, "
                "rounded down.", _step_swapped),
    ],
}

# ---------------------------------------------------------------------------------------------
# Correct answers written differently from the reference


def _batches_index_list(X, y, batch_size, rng, shuffle=True):
    indices = np.arange(len(X))
    if shuffle:
        rng.shuffle(indices)
    batches = [indices[i:i + batch_size] for i in range(0, len(indices), batch_size)]
    for rows in batches:
        yield X[rows], y[rows]


def _batches_split(X, y, batch_size, rng, shuffle=True):
    n = X.shape[0]
    order = rng.permutation(n) if shuffle else np.arange(n)
    X_shuffled, y_shuffled = X[order], y[order]
    edges = list(range(batch_size, n, batch_size))
    yield from zip(np.split(X_shuffled, edges), np.split(y_shuffled, edges))


def _batches_returns_list(X, y, batch_size, rng, shuffle=True):
    order = rng.choice(len(X), size=len(X), replace=False) if shuffle else range(len(X))
    order = np.fromiter(order, dtype=int, count=len(X))
    count = -(-len(X) // batch_size)
    return [(X[order[k * batch_size:(k + 1) * batch_size]], y[order[k * batch_size:(k + 1) * batch_size]])
            for k in range(count)]


def _momentum_in_place(params, grads, velocities, lr, momentum=0.9):
    for name in grads:
        if name not in velocities:
            velocities[name] = np.zeros_like(params[name])
        velocities[name] *= momentum
        velocities[name] -= lr * grads[name]
        params[name] += velocities[name]


def _momentum_setdefault(params, grads, velocities, lr, momentum=0.9):
    for name, grad in grads.items():
        previous = velocities.setdefault(name, 0.0 * grad)
        velocities[name] = np.add(momentum * previous, -lr * grad)
        params[name] = params[name] + velocities[name]


def _rmsprop_in_place(params, grads, cache, lr=0.001, rho=0.9, eps=1e-7):
    for name, grad in grads.items():
        if name not in cache:
            cache[name] = np.zeros_like(grad)
        cache[name] *= rho
        cache[name] += (1 - rho) * np.square(grad)
        params[name] -= lr * grad / (np.sqrt(cache[name]) + eps)


def _rmsprop_interpolation(params, grads, cache, lr=0.001, rho=0.9, eps=1e-7):
    for name in params:
        g = grads[name]
        previous = cache.get(name, 0.0 * g)
        cache[name] = previous + (1 - rho) * (g * g - previous)
        params[name] = params[name] - lr * g / (cache[name] ** 0.5 + eps)


def _adam_explicit(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    if "t" not in state:
        state["t"] = 0
    if "m" not in state:
        state["m"] = {}
    if "v" not in state:
        state["v"] = {}
    state["t"] += 1
    t = state["t"]
    for name in grads:
        g = grads[name]
        if name not in state["m"]:
            state["m"][name] = np.zeros_like(g)
            state["v"][name] = np.zeros_like(g)
        state["m"][name] = beta1 * state["m"][name] + (1 - beta1) * g
        state["v"][name] = beta2 * state["v"][name] + (1 - beta2) * g * g
        step_size = lr / (1 - beta1**t)
        params[name] = params[name] - step_size * state["m"][name] / (
            np.sqrt(state["v"][name] / (1 - beta2**t)) + eps)


def _adam_interpolated_moments(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    t = state["t"] = state.get("t", 0) + 1
    first, second = state.setdefault("m", {}), state.setdefault("v", {})
    for name, g in grads.items():
        m = first.get(name, np.zeros_like(g))
        v = second.get(name, np.zeros_like(g))
        m = m + (1 - beta1) * (g - m)
        v = v + (1 - beta2) * (np.square(g) - v)
        first[name], second[name] = m, v
        params[name] = params[name] - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)


def _adam_folded_correction(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    """The bias corrections folded into the step size: lr * m_hat / (sqrt(v_hat) + eps) equals
    (lr * sqrt(c2) / c1) * m / (sqrt(v) + eps * sqrt(c2)) with c1 = 1 - beta1**t, c2 = 1 - beta2**t."""
    t = state.get("t", 0) + 1
    state["t"] = t
    state.setdefault("m", {})
    state.setdefault("v", {})
    c1, c2 = 1 - beta1**t, 1 - beta2**t
    for name, g in grads.items():
        state["m"][name] = beta1 * state["m"].get(name, 0) + (1 - beta1) * g
        state["v"][name] = beta2 * state["v"].get(name, 0) + (1 - beta2) * g**2
        step_size = lr * np.sqrt(c2) / c1
        params[name] = params[name] - step_size * state["m"][name] / (np.sqrt(state["v"][name]) + eps * np.sqrt(c2))


ALTERNATIVES = {
    "iterate_minibatches": [_batches_index_list, _batches_split, _batches_returns_list],
    "momentum_update": [_momentum_in_place, _momentum_setdefault],
    "rmsprop_update": [_rmsprop_in_place, _rmsprop_interpolation],
    "adam_update": [_adam_explicit, _adam_interpolated_moments, _adam_folded_correction],
    "step_decay": [
        lambda lr0, drop, every, epoch: lr0 * np.power(drop, np.floor(epoch / every)),
        lambda lr0, drop, every, epoch: float(lr0 * drop ** int(epoch / every)),
        lambda lr0, drop, every, epoch: lr0 * np.prod([drop] * (epoch // every)),
    ],
}
