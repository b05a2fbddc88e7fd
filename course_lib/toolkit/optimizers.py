"""Optimizers of the training toolkit: SGD (notebook 06) and Adam (notebook 07) behind one interface.

    optimizer.step(params, grads, lr=None)

updates params in place with the rule's reference function. lr=None uses the optimizer's own `lr`; a
learning-rate schedule passes the current rate instead. Whatever the rule remembers between steps
(Adam's running averages and step count) lives in the dict `optimizer.state`.
"""

from course_lib.optimizers import adam_update
from course_lib.training import sgd_update


class SGD:
    """Plain gradient descent: p -= lr * g."""

    def __init__(self, lr=0.1):
        self.lr = lr
        self.state = {}

    def step(self, params, grads, lr=None):
        sgd_update(params, grads, self.lr if lr is None else lr)


class Adam:
    """Adam with bias correction. state: "t", the number of steps, and "m", "v", the two running averages."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.state = {}

    def step(self, params, grads, lr=None):
        adam_update(params, grads, self.state, self.lr if lr is None else lr, self.beta1, self.beta2, self.eps)
