"""Activation functions and their derivatives, elementwise (notebook 03).

Every function takes an array `z` of any shape and returns an array of the same shape.
"""

import numpy as np


def step(z):
    """1.0 where z >= 0, else 0.0."""
    return np.where(np.asarray(z) >= 0, 1.0, 0.0)


def sigmoid(z):
    """1 / (1 + exp(-z)), computed without overflow for any z.

    exp is only ever taken of -|z| <= 0, so it lies in (0, 1]; both branches are exact rewrites.
    """
    z = np.asarray(z, dtype=np.result_type(z, np.float32))
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(z):
    """d sigmoid / dz = sigmoid(z) * (1 - sigmoid(z))."""
    s = sigmoid(z)
    return s * (1.0 - s)


def relu(z):
    """max(0, z)."""
    return np.maximum(z, 0)


def relu_grad(z):
    """1.0 where z > 0, else 0.0 (the subgradient 0 is taken at z == 0)."""
    return np.where(np.asarray(z) > 0, 1.0, 0.0)


def leaky_relu(z, alpha=0.01):
    """z where z > 0, else alpha * z."""
    z = np.asarray(z)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_grad(z, alpha=0.01):
    """1.0 where z > 0, else alpha (alpha is taken at z == 0)."""
    return np.where(np.asarray(z) > 0, 1.0, alpha)
