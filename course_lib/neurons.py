"""A single neuron, a layer of neurons on one sample, and the perceptron (notebook 01)."""

import numpy as np


def neuron_output(inputs, weights, bias):
    """Weighted sum of one neuron.

    inputs: (D,); weights: (D,); bias: scalar. Returns a float.
    """
    return float(np.dot(inputs, weights) + bias)


def layer_output(inputs, weights, biases):
    """Outputs of a layer of neurons for one sample.

    inputs: (D,); weights: (D, n_out), one column per neuron; biases: (n_out,). Returns (n_out,).
    """
    return np.asarray(inputs) @ np.asarray(weights) + np.asarray(biases)


def perceptron(inputs, weights, bias):
    """Classic threshold unit: 1 where inputs @ weights + bias >= 0, else 0.

    inputs: (D,); weights: (D,); bias: scalar. Returns an int, 0 or 1.
    """
    return int(np.dot(inputs, weights) + bias >= 0)
