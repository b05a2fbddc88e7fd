"""Known mistakes for notebook 01 (a single neuron, a layer, the perceptron), keyed by graded function name.

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


MISTAKES = {
    "neuron_output": [
        Mistake("bias forgotten", "a neuron adds its bias after the weighted sum: inputs @ weights + bias.",
                _neuron_bias_forgotten),
        Mistake("products not summed", "inputs * weights multiplies entry by entry; a neuron then adds the "
                "products up into one number: np.sum(inputs * weights) + bias, or inputs @ weights + bias.",
                _neuron_products_not_summed),
        Mistake("bias multiplied", "the bias is added to the weighted sum, not multiplied with it.",
                _neuron_bias_multiplied),
        Mistake("bias added to every product", "(inputs * weights + bias).sum() adds the bias once per input; "
                "sum the products first, then add the bias once.", _neuron_bias_in_every_product),
        Mistake("inputs added to weights", "each input is multiplied by its weight, not added to it.",
                _neuron_added_instead_of_multiplied),
        Mistake("loop skips the last input", "range(len(inputs) - 1) stops one input early: "
                "range(len(inputs)) visits every index.", _neuron_loop_drops_last_input),
        Mistake("changes inputs in place", "inputs *= weights overwrites the caller's array: compute "
                "inputs * weights into a new array, or use inputs @ weights.", _neuron_scales_inputs_in_place),
    ],
    "layer_output": [
        Mistake("neurons as rows", "weights has one column per neuron, shape (D, n_out), so the product is "
                "inputs @ weights; weights @ inputs treats the rows as neurons.", _layer_neurons_as_rows),
        Mistake("biases summed", "each neuron adds its own bias: + biases (a vector), not + np.sum(biases).",
                _layer_biases_summed),
        Mistake("biases forgotten", "each neuron adds its bias after the weighted sum: inputs @ weights + "
                "biases.", _layer_biases_forgotten),
        Mistake("products not summed", "each neuron sums its products over the D inputs; inputs[:, None] * "
                "weights leaves a (D, n_out) table of products. inputs @ weights does the sums.",
                _layer_products_not_summed),
        Mistake("first neuron only", "the layer has one output per neuron (per column of weights): return "
                "all n_out of them, inputs @ weights + biases.", _layer_first_neuron_only),
        Mistake("adds into biases in place", "biases += ... overwrites the caller's biases: return "
                "inputs @ weights + biases, a new array.", _layer_adds_into_biases),
    ],
    "perceptron": [
        Mistake("strict inequality", "the perceptron fires (returns 1) when z >= 0, so z == 0 gives 1; "
                "z > 0, or returning the boolean z > 0, puts z == 0 on the wrong side.", _perceptron_strict),
        Mistake("no threshold", "this returns z itself; the perceptron thresholds it: 1 if z >= 0 else 0.",
                _perceptron_returns_z),
        Mistake("np.sign", "np.sign(z) gives -1 for z < 0 and 0 at z == 0; the perceptron gives 0 and 1.",
                _perceptron_sign),
        Mistake("bias forgotten", "z = inputs @ weights + bias: without the bias the boundary always passes "
                "through the origin.", _perceptron_bias_forgotten),
        Mistake("bias used as a threshold", "inputs @ weights >= bias compares with the bias instead of adding "
                "it: z = inputs @ weights + bias, then z >= 0 (a threshold t is the bias -t).",
                _perceptron_bias_as_threshold),
        Mistake("z truncated to an int", "int(z) rounds towards 0, so a z such as -0.5 becomes 0 and fires: "
                "compare z itself with 0, and convert only the result: int(z >= 0).", _perceptron_truncates_z),
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
        Mistake("bias and weights swapped", "return the pair in the order (weights, bias).", _and_swapped_pair),
        Mistake("bias as an array", "the bias is one number (a float), not an array holding one number.",
                _and_bias_as_array),
        Mistake("weights as a column", "weights has shape (2,), one weight per input, like perceptron's "
                "`weights` argument; np.array([[1], [1]]) has shape (2, 1).", _and_weights_as_column),
    ],
}
