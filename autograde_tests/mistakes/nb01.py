"""Known mistakes and accepted alternatives for notebook 01 (a single neuron, a layer, the perceptron),
keyed by graded function name.

The order matters where two mistakes could look alike: a check names the first mistake that behaves like
the student's code on the case that failed. For the perceptron every wrong output looks alike (a 0 for a 1
or the reverse), so this catalogue and the check's case order are chosen together: on the first case where
a mistake fails, no mistake listed before it fails too.
"""

import numpy as np

from autograde_tests.core import Mistake

# ---------------------------------------------------------------------------------------------
# neuron_output(inputs, weights, bias)


def _neuron_bias_forgotten(inputs, weights, bias):
    return np.dot(inputs, weights)


def _neuron_products_not_summed(inputs, weights, bias):
    return inputs * weights + bias


def _neuron_bias_multiplied(inputs, weights, bias):
    return np.dot(inputs, weights) * bias


def _neuron_bias_in_every_product(inputs, weights, bias):
    return (inputs * weights + bias).sum()


def _neuron_added_instead_of_multiplied(inputs, weights, bias):
    return np.sum(inputs + weights) + bias


def _neuron_loop_drops_last_input(inputs, weights, bias):
    total = bias
    for i in range(len(inputs) - 1):
        total += inputs[i] * weights[i]
    return total


def _neuron_scales_inputs_in_place(inputs, weights, bias):
    inputs *= weights
    return inputs.sum() + bias


# ---------------------------------------------------------------------------------------------
# layer_output(inputs, weights, biases)


def _layer_neurons_as_rows(inputs, weights, biases):
    return weights @ inputs + biases


def _layer_biases_summed(inputs, weights, biases):
    return inputs @ weights + np.sum(biases)


def _layer_biases_forgotten(inputs, weights, biases):
    return inputs @ weights


def _layer_products_not_summed(inputs, weights, biases):
    return inputs[:, None] * weights + biases


def _layer_first_neuron_only(inputs, weights, biases):
    return np.dot(inputs, weights[:, 0]) + biases[0]


def _layer_adds_into_biases(inputs, weights, biases):
    biases += inputs @ weights
    return biases


def _layer_returns_list(inputs, weights, biases):
    return [float(np.dot(inputs, weights[:, j]) + biases[j]) for j in range(weights.shape[1])]


# ---------------------------------------------------------------------------------------------
# perceptron(inputs, weights, bias)


def _perceptron_strict(inputs, weights, bias):
    return int(np.dot(inputs, weights) + bias > 0)


def _perceptron_inverted(inputs, weights, bias):
    return int(np.dot(inputs, weights) + bias < 0)


def _perceptron_returns_z(inputs, weights, bias):
    return np.dot(inputs, weights) + bias


def _perceptron_sign(inputs, weights, bias):
    return np.sign(np.dot(inputs, weights) + bias)


def _perceptron_bias_as_threshold(inputs, weights, bias):
    return int(np.dot(inputs, weights) >= bias)


def _perceptron_truncates_z(inputs, weights, bias):
    z = int(np.dot(inputs, weights) + bias)
    return 1 if z >= 0 else 0


def _perceptron_bias_forgotten(inputs, weights, bias):
    return int(np.dot(inputs, weights) >= 0)


def _perceptron_boolean(inputs, weights, bias):
    return np.dot(inputs, weights) + bias >= 0


def _perceptron_float(inputs, weights, bias):
    return np.heaviside(np.dot(inputs, weights) + bias, 1.0)


# ---------------------------------------------------------------------------------------------
# and_gate_parameters()


def _and_or_gate():
    return np.array([1.0, 1.0]), -0.5


def _and_boundary_through_a_corner():
    return np.array([1.0, 1.0]), -1.0


def _and_bias_sign_flipped():
    return np.array([1.0, 1.0]), 1.5


def _and_nand():
    return np.array([-1.0, -1.0]), 1.5


def _and_swapped_pair():
    return -1.5, np.array([1.0, 1.0])


def _and_bias_as_array():
    return np.array([1.0, 1.0]), np.array([-1.5])


def _and_weights_as_column():
    return np.array([[1.0], [1.0]]), -1.5


def _and_weights_as_list():
    return [1.0, 1.0], -1.5


IN_PLACE = ("an augmented assignment (*=, +=) on an argument writes into the caller's array, whose values are "
            "then lost: compute into a new variable.")

MISTAKES = {
    "neuron_output": [
        Mistake("bias forgotten", "a neuron adds its bias once, after the weighted sum of its inputs.",
                _neuron_bias_forgotten),
        Mistake("products not summed", "multiplying inputs and weights entry by entry gives one product per "
                "input; a neuron then adds those products up into a single number (a dot product).",
                _neuron_products_not_summed),
        Mistake("bias multiplied", "the bias is added to the weighted sum, not multiplied with it.",
                _neuron_bias_multiplied),
        Mistake("bias added to every product", "adding the bias before summing counts it once per input; "
                "sum the products first, then add the bias once.", _neuron_bias_in_every_product),
        Mistake("inputs added to weights", "each input is multiplied by its weight, not added to it.",
                _neuron_added_instead_of_multiplied),
        Mistake("loop skips the last input", "the loop stops one input early: range(n) already stops before n, "
                "so subtracting 1 drops the last index.", _neuron_loop_drops_last_input),
        Mistake("changes inputs in place", IN_PLACE, _neuron_scales_inputs_in_place),
    ],
    "layer_output": [
        Mistake("neurons as rows", "weights has one column per neuron, shape (D, n_out): the inputs go on the "
                "left of the product. With weights on the left, the rows are treated as neurons.",
                _layer_neurons_as_rows),
        Mistake("biases summed", "each neuron adds its own bias: add the vector of biases, one per output, "
                "not their total.", _layer_biases_summed),
        Mistake("biases forgotten", "each neuron adds its bias after its weighted sum.", _layer_biases_forgotten),
        Mistake("products not summed", "each neuron sums its products over the D inputs; multiplying entry by "
                "entry leaves a (D, n_out) table of products. A matrix product does the sums.",
                _layer_products_not_summed),
        Mistake("first neuron only", "the layer has one output per neuron (per column of weights): return "
                "all n_out of them.", _layer_first_neuron_only),
        Mistake("adds into biases in place", IN_PLACE, _layer_adds_into_biases),
        Mistake("returns a list", "the numbers are right, but the exercise asks for a NumPy array: a list "
                "has no .shape and no elementwise arithmetic, which the next notebooks rely on.",
                _layer_returns_list),
    ],
    "perceptron": [
        Mistake("strict inequality", "the perceptron fires (returns 1) when z >= 0, so z == 0 gives 1; a "
                "strict > puts z == 0 on the wrong side.", _perceptron_strict),
        Mistake("no threshold", "this returns z itself; the perceptron thresholds it, to 1 where z >= 0 and "
                "0 elsewhere.", _perceptron_returns_z),
        Mistake("np.sign", "np.sign(z) gives -1 for z < 0 and 0 at z == 0; the perceptron gives 0 and 1.",
                _perceptron_sign),
        Mistake("bias forgotten", "z is the weighted sum plus the bias: without the bias the boundary always "
                "passes through the origin.", _perceptron_bias_forgotten),
        Mistake("bias used as a threshold", "comparing the weighted sum with the bias is not adding it: z is "
                "the weighted sum plus the bias, compared with 0 (a threshold t is the bias -t).",
                _perceptron_bias_as_threshold),
        Mistake("z truncated to an int", "converting z to an int rounds it towards 0, so a z such as -0.5 "
                "becomes 0 and fires: compare z itself with 0, and convert only the comparison's result.",
                _perceptron_truncates_z),
        Mistake("returns a boolean", "the comparison's result is a boolean (True or False); the exercise asks "
                "for the integer 1 or 0, which later code can add and multiply.", _perceptron_boolean),
        Mistake("returns a float", "the value is right, but it is a float (1.0 or 0.0): the exercise asks for "
                "the integer 1 or 0.", _perceptron_float),
        # A 0/1 output that is wrong is what every wrong perceptron returns on that case, so this mistake,
        # wrong on every case, comes last: it is named only when no more specific mistake fits.
        Mistake("output inverted", "the output is 1 where z >= 0 and 0 where z < 0, not the other way round.",
                _perceptron_inverted),
    ],
    "and_gate_parameters": [
        Mistake("OR gate", "these parameters fire when either input is 1: that is OR. For AND, the bias "
                "must keep z below 0 unless both inputs are 1: with both inputs at 1, z is the sum of the weights "
                "plus the bias; with one input at 1, only one weight counts.",
                _and_or_gate),
        Mistake("boundary through a corner", "a corner where AND gives 0 lies exactly on the line z == 0, and "
                "the perceptron fires at z == 0. Move the line off the corners, to sit between (1, 1) and the "
                "other three.", _and_boundary_through_a_corner),
        Mistake("bias sign flipped", "the perceptron fires at every corner: with positive weights, a positive "
                "bias makes z >= 0 everywhere. AND needs a negative bias, larger in size than either weight.",
                _and_bias_sign_flipped),
        Mistake("NAND gate", "every sign is flipped, which inverts the outputs (NAND): flip the signs of the "
                "weights and of the bias.", _and_nand),
        Mistake("bias and weights swapped", "the pair comes in the order (weights, bias).", _and_swapped_pair),
        Mistake("bias as an array", "the bias is one number (a float), not an array holding one number.",
                _and_bias_as_array),
        Mistake("weights as a column", "weights has shape (2,), one weight per input, like perceptron's "
                "`weights` argument; a column of shape (2, 1) is a matrix.", _and_weights_as_column),
        Mistake("weights as a list", "the exercise asks for the weights as a NumPy array of 2 numbers, the "
                "kind of `weights` that perceptron is given.", _and_weights_as_list),
    ],
}

# ---------------------------------------------------------------------------------------------
# Correct answers written differently from the reference


def _neuron_loop(inputs, weights, bias):
    total = bias
    for i in range(len(inputs)):
        total += inputs[i] * weights[i]
    return total


def _layer_neuron_by_neuron(inputs, weights, biases):
    return np.array([np.dot(inputs, weights[:, j]) + biases[j] for j in range(weights.shape[1])])


def _perceptron_if_else(inputs, weights, bias):
    z = sum(x * w for x, w in zip(inputs, weights)) + bias
    if z >= 0:
        return 1
    return 0


ALTERNATIVES = {
    "neuron_output": [
        lambda inputs, weights, bias: sum(x * w for x, w in zip(inputs, weights)) + bias,
        lambda inputs, weights, bias: np.dot(inputs, weights) + bias,  # np.float64
        lambda inputs, weights, bias: inputs @ weights + bias,
        lambda inputs, weights, bias: np.einsum("i,i->", inputs, weights) + bias,
        lambda inputs, weights, bias: np.array(np.sum(inputs * weights) + bias),  # a 0-d array
        _neuron_loop,
    ],
    "layer_output": [
        lambda inputs, weights, biases: np.dot(inputs, weights) + biases,
        lambda inputs, weights, biases: weights.T @ inputs + biases,
        lambda inputs, weights, biases: np.einsum("i,ij->j", inputs, weights) + biases,
        lambda inputs, weights, biases: (inputs[:, None] * weights).sum(axis=0) + biases,
        _layer_neuron_by_neuron,
    ],
    "perceptron": [
        lambda inputs, weights, bias: int(np.dot(inputs, weights) + bias >= 0),
        lambda inputs, weights, bias: np.where(inputs @ weights + bias >= 0, 1, 0),  # a 0-d int array
        lambda inputs, weights, bias: np.int64(1) if inputs @ weights >= -bias else np.int64(0),
        lambda inputs, weights, bias: int(np.heaviside(np.dot(inputs, weights) + bias, 1.0)),
        _perceptron_if_else,
    ],
    "and_gate_parameters": [
        lambda: (np.array([1, 1]), -2),  # z == 0 exactly at (1, 1), which fires
        lambda: (np.array([0.5, 0.5]), np.float64(-0.75)),
        lambda: [np.array([2.0, 3.0]), np.array(-4.0)],  # a list pair and a 0-d bias
        lambda: (np.array([2, 3], dtype=np.int64), np.int64(-4)),
        lambda: (np.array([1e308, 1e308]), -1.5e308),  # z overflows at (1, 1): judged silently, still AND
    ],
}
