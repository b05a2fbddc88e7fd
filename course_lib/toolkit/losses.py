"""Losses of the training toolkit, each fused with the activation of the output layer.

A loss object turns the network's logits into a loss and its gradient in one call,
`loss(scores, y) -> (value, dscores)`, says which class the logits predict, `loss.predict(scores)`, and how
often that is right, `loss.accuracy(scores, y)`.
Fusing the activation with the loss is what makes the gradient so simple (probabilities minus targets,
over N) and avoids dividing by tiny probabilities.
"""

import numpy as np

from course_lib.activations import sigmoid
from course_lib.backprop import sigmoid_bce_backward
from course_lib.losses import PROB_CLIP, binary_cross_entropy, class_labels, softmax


class SoftmaxCrossEntropy:
    """Softmax over K >= 2 classes and the mean categorical cross-entropy. y: (N,) integers or (N, K) one-hot."""

    def __call__(self, scores, y):
        """scores: (N, K) logits. Returns the loss (float) and dscores (N, K) = (softmax(scores) - onehot) / N."""
        probs = softmax(scores)
        labels = class_labels(y)
        rows = np.arange(len(labels))
        # categorical_cross_entropy clips all N * K probabilities and then uses the N true-class ones;
        # clipping just those N gives the same value.
        loss = -np.mean(np.log(np.clip(probs[rows, labels], *PROB_CLIP)))
        # softmax_cce_backward's (probs - onehot) / N, computed in place: subtracting 1 at the true class
        # is the one-hot, without building an (N, K) matrix of it or leaving probs's dtype.
        dscores = probs
        dscores[rows, labels] -= 1.0
        dscores /= len(labels)
        return float(loss), dscores

    def probabilities(self, scores):
        """(N, K) class probabilities."""
        return softmax(scores)

    def predict(self, scores):
        """(N,) integer labels: the class with the largest logit."""
        return np.argmax(scores, axis=1)

    def accuracy(self, scores, y):
        """Fraction of the N samples whose largest logit is the true class (a float)."""
        return float(np.mean(self.predict(scores) == class_labels(y)))


class SigmoidBinaryCrossEntropy:
    """Sigmoid of one logit per sample and the mean binary cross-entropy. y: (N,) or (N, 1) 0/1 labels."""

    def __call__(self, scores, y):
        """scores: (N, 1) or (N,) logits. Returns the loss (float) and dscores shaped like scores, (p - y) / N."""
        p = sigmoid(scores)
        # Labels in p's dtype, so float32 training does not turn into float64 at the first subtraction.
        y = np.reshape(y, p.shape).astype(p.dtype, copy=False)
        return binary_cross_entropy(p, y), sigmoid_bce_backward(p, y)

    def probabilities(self, scores):
        """(N,) probabilities of class 1."""
        return np.ravel(sigmoid(scores))

    def predict(self, scores):
        """(N,) integer labels: 1 where the logit is positive, i.e. where sigmoid(logit) > 0.5."""
        return (np.ravel(scores) > 0).astype(np.int64)

    def accuracy(self, scores, y):
        """Fraction of the N samples whose predicted label is y (a float)."""
        return float(np.mean(self.predict(scores) == np.ravel(y)))
