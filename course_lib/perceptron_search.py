"""Many perceptron settings at once: how many corners of a logic gate each one gets right (notebook 01).

A perceptron with two inputs is fixed by three numbers, w1, w2 and b. Notebook 01 asks whether any of
them computes XOR. Trying settings one call at a time would take minutes; here every setting is a row of
one array, and a single matrix product applies the perceptron rule (1 where z >= 0) to all of them.
"""

import numpy as np


def grid_of_settings(low=-3.0, high=3.0, num=61):
    """Every combination of w1, w2 and b drawn from `num` evenly spaced values between low and high.

    Returns weights (S, 2) and biases (S,), with S = num ** 3: setting s is the weight vector
    weights[s] with the bias biases[s].
    """
    # Rounding makes the grid's 0.1 steps exact decimals (0.1, not 0.10000000000000009) when printed.
    values = np.round(np.linspace(low, high, num), 10)
    # meshgrid with indexing="ij" gives three (num, num, num) arrays whose entry [i, j, k] is the
    # combination (values[i], values[j], values[k]); ravel flattens each into one long (S,) list.
    w1, w2, b = np.meshgrid(values, values, values, indexing="ij")
    return np.column_stack((w1.ravel(), w2.ravel())), b.ravel()


def corners_correct(X, y, weights, biases):
    """How many of the points each setting classifies correctly with the perceptron rule.

    X: (P, 2) the points (for a gate, its P = 4 corners); y: (P,) their labels, 0 or 1.
    weights: (S, 2), one weight vector per row; biases: (S,), one bias per setting.
    Returns (S,) integers from 0 to P: entry s counts the points setting s gets right.
    """
    # z[s, p] is setting s's weighted sum on point p: (S, 2) @ (2, P) gives (S, P). The biases, turned
    # into a column (S, 1), are broadcast along each row, so setting s's bias reaches all of its P sums.
    z = weights @ X.T + biases[:, np.newaxis]
    predictions = np.where(z >= 0, 1, 0)
    return np.sum(predictions == y, axis=1)


def score_counts(correct, n_points=4):
    """How many settings got 0, 1, ..., n_points points right.

    correct: (S,) integers from 0 to n_points, as corners_correct returns them.
    Returns (n_points + 1,) integers: entry k is the number of settings with exactly k points right.
    """
    return np.array([np.count_nonzero(correct == k) for k in range(n_points + 1)])
