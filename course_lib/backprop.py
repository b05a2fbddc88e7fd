"""Backward passes: the gradient of the mean loss flowing back through each piece (notebook 05).

Every function takes the gradient arriving from above and returns the gradient with respect to its
inputs, each shaped like the array it belongs to. The 1/N of a mean loss appears once, in the loss
gradients at the bottom of this file; dense_backward and relu_backward never divide by N again.
Gradient checking (numerical_gradient, relative_error, gradient_check) lives in course_lib.gradcheck.
"""

import numpy as np

from course_lib.losses import one_hot


def relu_backward(dA, Z):
    """Backward pass of ReLU.

    dA: (any shape) gradient with respect to A = relu(Z); Z: the pre-activation, same shape.
    Returns dZ, same shape: dA where Z > 0, else 0 (the subgradient 0 is taken at Z == 0).
    """
    return np.where(Z > 0, dA, 0.0)


def dense_backward(dout, X, W):
    """Backward pass of a dense layer out = X @ W + b.

    dout: (N, n_out) gradient with respect to out; X: (N, n_in) the layer's input; W: (n_in, n_out).
    Returns dX (N, n_in), dW (n_in, n_out), db (n_out,). db sums over the samples: b was added to every row.
    """
    return dout @ W.T, X.T @ dout, dout.sum(axis=0)


def softmax_cce_backward(probs, y):
    """Gradient of the mean categorical cross-entropy with respect to the logits of the softmax.

    probs: (N, K) softmax outputs; y: (N,) integer labels or (N, K) one-hot rows.
    Returns dZ (N, K) = (probs - onehot) / N. The softmax Jacobian times the loss gradient collapses to
    this; it is the exact gradient of the unclipped loss.
    """
    probs = np.asarray(probs)
    y = np.asarray(y)
    onehot = y if y.ndim == 2 else one_hot(y, probs.shape[1])
    # In probs's dtype, so that float32 training stays float32.
    return (probs - onehot.astype(probs.dtype, copy=False)) / len(probs)


def sigmoid_bce_backward(p, y):
    """Gradient of the mean binary cross-entropy with respect to the logit of the sigmoid.

    p: (N,) or (N, 1) sigmoid outputs; y: 0/1 labels of shape (N,) or (N, 1).
    Returns dZ shaped like p: (p - y) / N, the exact gradient of the unclipped loss.
    """
    p = np.asarray(p)
    # Labels in p's shape and dtype: a (N,) y against a (N, 1) p would otherwise broadcast to (N, N).
    y = np.reshape(y, p.shape).astype(p.dtype, copy=False)
    return (p - y) / len(p)
