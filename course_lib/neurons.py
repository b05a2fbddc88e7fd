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
    return inputs @ weights + biases


def perceptron(inputs, weights, bias):
    """Classic threshold unit: 1 where inputs @ weights + bias >= 0, else 0.

    inputs: (D,); weights: (D,); bias: scalar. Returns an int, 0 or 1.
    """
    return int(np.dot(inputs, weights) + bias >= 0)


def and_gate_parameters():
    """Weights and bias with which `perceptron` computes AND on inputs in {0, 1}: the line
    x1 + x2 = 1.5 separates (1, 1) from the other three corners.

    Returns weights (2,) of integers and a float bias.
    """
    return np.array([1, 1]), -1.5
