"""Known mistakes and accepted alternatives for notebook 09 (L2 regularisation and dropout), keyed by graded
function name.

A check names the first mistake that behaves like the student's code on the case that failed, so where
two mistakes could look alike the more specific one comes first. dropout_forward's mask is random, so its
check matches a mistake by the measured symptom (the kept fraction, the ratio of out to A·mask / keep_prob)
rather than by equal values.
"""

import numpy as np

from autograde_tests.core import Mistake


def _is_weight(name):
    return name.startswith("W")


# ---------------------------------------------------------------------------------------------
# l2_penalty(params, lam)


def _penalty(selected=_is_weight, factor=0.5, of_entries=np.square, total=np.sum):
    def l2_penalty(params, lam):
        return float(factor * lam * sum(total(of_entries(value)) for name, value in params.items() if selected(name)))

    return l2_penalty


# ---------------------------------------------------------------------------------------------
# l2_grads(params, grads, lam)


def _grads(selected=_is_weight, step=lambda grad, W, lam: grad + lam * W, keep_others=True):
    def l2_grads(params, grads, lam):
        new = {}
        for name, grad in grads.items():
            if selected(name):
                new[name] = step(grad, params[name], lam)
            elif keep_others:
                new[name] = grad
        return new

    return l2_grads


def _grads_in_place(params, grads, lam):
    for name in grads:
        if name.startswith("W"):
            grads[name] += lam * params[name]
    return grads


# ---------------------------------------------------------------------------------------------
# dropout_forward(A, keep_prob, rng, training=True)


def _dropout(draw=lambda rng, shape, keep: rng.random(shape) < keep, scale=lambda keep: 1 / keep,
             eval_out=lambda A, keep: A, eval_mask=lambda A: None, obey_training=True, scaled_mask=False):
    def dropout_forward(A, keep_prob, rng, training=True):
        if obey_training and not training:
            return eval_out(A, keep_prob), eval_mask(A)
        mask = draw(rng, A.shape, keep_prob)
        if scaled_mask:
            mask = mask / keep_prob
            return A * mask, mask
        return A * mask * scale(keep_prob), mask

    return dropout_forward


# ---------------------------------------------------------------------------------------------
# dropout_backward(dout, mask, keep_prob)


def _dropout_backward_without_none(dout, mask, keep_prob):
    return dout * mask / keep_prob


def _dropout_backward_in_place(dout, mask, keep_prob):
    if mask is None:
        return dout
    dout *= mask
    dout /= keep_prob
    return dout


def _dropout_backward(of_kept):
    def dropout_backward(dout, mask, keep_prob):
        if mask is None:
            return dout
        return of_kept(dout, np.asarray(mask, dtype=bool), keep_prob)

    return dropout_backward


MISTAKES = {
    "l2_penalty": [
        Mistake("biases penalised",
                "the penalty is on the weight matrices only: a bias shifts a unit's output without making it "
                "more sensitive to its inputs, so shrinking it buys no smoothness and only pulls the outputs "
                "towards zero.", _penalty(selected=lambda name: True)),
        Mistake("every parameter but the biases penalised",
                "only keys starting with W are weight matrices; other parameters such as batch norm's gamma "
                "and beta are no more penalised than the biases.",
                _penalty(selected=lambda name: not name.startswith("b"))),
        Mistake("factor ½ forgotten",
                "the penalty is ½·lam·ΣW²; the ½ is there so that its gradient comes out as lam·W, without "
                "a 2.", _penalty(factor=1.0)),
        Mistake("mean of the squares instead of their sum",
                "the penalty adds up the squares of all the weights; a mean divides each matrix by its "
                "size, so larger layers would count less.", _penalty(total=np.mean)),
        Mistake("absolute values (L1) instead of squares",
                "L2 regularisation penalises the squares of the weights; the sum of their absolute values "
                "is the L1 penalty, which behaves differently (it pushes weights to exactly 0).",
                _penalty(of_entries=np.abs)),
    ],
    "l2_grads": [
        Mistake("grads updated in place",
                "the exercise returns a new dict and leaves the caller's grads as they were (adding into "
                "grads' own arrays changes them for the caller, who may still need the loss's gradients).",
                _grads_in_place),
        Mistake("biases regularised",
                "the penalty has no bias terms, so its gradient with respect to a bias is 0: bias gradients "
                "pass through unchanged.", _grads(selected=lambda name: True)),
        Mistake("gradient halved",
                "the derivative of ½·lam·W² is lam·W: the ½ cancels against the 2 of the square.",
                _grads(step=lambda grad, W, lam: grad + 0.5 * lam * W)),
        Mistake("gradient doubled",
                "the derivative of ½·lam·W² is lam·W, not 2·lam·W: the 2 of the square cancels the ½.",
                _grads(step=lambda grad, W, lam: grad + 2 * lam * W)),
        Mistake("penalty gradient subtracted",
                "the penalty is added to the loss, so its gradient lam·W is added to the loss's gradient; "
                "the descent step then shrinks the weights.", _grads(step=lambda grad, W, lam: grad - lam * W)),
        Mistake("lam left out",
                "the penalty's gradient is lam·W: without lam every weight gradient grows by the weight "
                "itself, as if lam were 1, and the strength of the regularisation is lost.",
                _grads(step=lambda grad, W, lam: grad + W)),
        Mistake("loss gradient dropped",
                "the result is the gradient of loss plus penalty: the loss's own gradient plus lam·W, not "
                "lam·W alone.", _grads(step=lambda grad, W, lam: lam * W)),
        Mistake("gradients of the biases left out",
                "the new dict has a gradient for every key of grads; the non-weight ones are simply copied "
                "over unchanged.", _grads(keep_others=False)),
    ],
    "dropout_forward": [
        Mistake("kept units not rescaled",
                "without dividing by keep_prob, each unit's expected value during training is keep_prob·A, "
                "smaller than at evaluation time; inverted dropout divides the kept units by keep_prob.",
                _dropout(scale=lambda keep: 1.0)),
        Mistake("rescaled at evaluation too",
                "the rescaling happens during training only: at evaluation time every unit is kept and out "
                "is A itself, or the network's outputs come out 1 / keep_prob times too large.",
                _dropout(eval_out=lambda A, keep: A / keep)),
        Mistake("multiplied by keep_prob",
                "the kept units are divided by keep_prob (made larger), which keeps their expected value at "
                "A; multiplying shrinks them twice.", _dropout(scale=lambda keep: keep)),
        Mistake("mask drawn with probability 1 − keep_prob",
                "keep_prob is the probability of keeping a unit, so the mask is True where a uniform draw "
                "falls below keep_prob; the other comparison keeps units with probability 1 − keep_prob.",
                _dropout(draw=lambda rng, shape, keep: rng.random(shape) >= keep)),
        Mistake("mask returned rescaled",
                "the mask returned is the unscaled record of kept units, 0 or 1; the division by keep_prob "
                "is applied to out only.", _dropout(scaled_mask=True)),
        Mistake("training flag ignored",
                "with training=False nothing is dropped: return A itself and None for the mask.",
                _dropout(obey_training=False)),
        Mistake("mask of ones at evaluation",
                "at evaluation time there is no mask: the exercise returns None in its place.",
                _dropout(eval_mask=lambda A: np.ones(A.shape, dtype=bool))),
        Mistake("one mask for the whole batch",
                "a mask drawn once per unit is shared by every sample, so the whole batch loses the same "
                "units; each entry of A gets its own draw.",
                _dropout(draw=lambda rng, shape, keep: rng.random(shape[1:]) < keep)),
        Mistake("np.random instead of rng",
                "np.random's functions use NumPy's hidden global state: draw the mask from the rng "
                "argument.", _dropout(draw=lambda rng, shape, keep: np.random.random_sample(shape) < keep)),
        Mistake("own Generator instead of rng",
                "a Generator made inside the function ignores the caller's rng: every call drops the same "
                "units.", _dropout(draw=lambda rng, shape, keep: np.random.default_rng(0).random(shape) < keep)),
    ],
    "dropout_backward": [
        Mistake("gradient not rescaled",
                "the forward pass divided the kept units by keep_prob, so their gradient is divided by "
                "keep_prob too.", _dropout_backward(lambda dout, mask, keep: dout * mask)),
        Mistake("multiplied by keep_prob",
                "the forward pass divided by keep_prob, so the gradient is divided by keep_prob as well, "
                "not multiplied.", _dropout_backward(lambda dout, mask, keep: dout * mask * keep)),
        Mistake("mask ignored",
                "a dropped unit did not reach the output, so no gradient flows back to it: the gradient is 0 "
                "where the mask is 0.", _dropout_backward(lambda dout, mask, keep: dout / keep)),
        Mistake("gradient to the dropped units",
                "the gradient flows to the kept units (mask 1), not to the dropped ones.",
                _dropout_backward(lambda dout, mask, keep: dout * ~mask / keep)),
        Mistake("mask None not handled",
                "in evaluation mode dropout_forward returns None for the mask; the backward pass of the "
                "identity then passes dout through unchanged.", _dropout_backward_without_none),
        Mistake("dout changed in place",
                "multiplying into dout itself changes the caller's array: compute the result as a new "
                "array.", _dropout_backward_in_place),
    ],
}

# ---------------------------------------------------------------------------------------------
# Correct answers written differently from the reference


def _penalty_loop(params, lam):
    total = 0.0
    for name in params:
        if name[0] == "W":
            total += float(np.sum(params[name] * params[name]))
    return lam * total / 2


def _penalty_norms(params, lam):
    squares = [np.linalg.norm(np.ravel(value)) ** 2 for name, value in params.items() if name.startswith("W")]
    return 0.5 * lam * float(np.sum(squares))


def _grads_copy(params, grads, lam):
    new = dict(grads)
    for name in new:
        if name.startswith("W"):
            new[name] = new[name] + lam * params[name]
    return new


def _grads_deep_copy(params, grads, lam):
    new = {name: np.copy(grad) for name, grad in grads.items()}
    for name in params:
        if name[:1] == "W":
            new[name] += lam * params[name]
    return new


def _dropout_uniform_float_mask(A, keep_prob, rng, training=True):
    if not training:
        return A, None
    mask = (rng.uniform(0.0, 1.0, size=np.shape(A)) < keep_prob).astype(float)
    return A * mask / keep_prob, mask


def _dropout_binomial(A, keep_prob, rng, training=True):
    if training:
        mask = rng.binomial(1, keep_prob, size=A.shape)
        out = np.where(mask == 1, A / keep_prob, 0.0)
        return out, mask
    return A, None


def _dropout_backward_where(dout, mask, keep_prob):
    if mask is None:
        return dout.copy()
    return np.where(mask.astype(bool), dout / keep_prob, 0.0).astype(dout.dtype)


def _dropout_backward_multiply(dout, mask, keep_prob):
    if mask is None:
        return dout
    return np.multiply(dout, mask, dtype=dout.dtype) * (1.0 / keep_prob)


ALTERNATIVES = {
    "l2_penalty": [_penalty_loop, _penalty_norms],
    "l2_grads": [_grads_copy, _grads_deep_copy],
    "dropout_forward": [_dropout_uniform_float_mask, _dropout_binomial],
    "dropout_backward": [_dropout_backward_where, _dropout_backward_multiply],
}
