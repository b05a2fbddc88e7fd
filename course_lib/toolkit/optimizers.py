"""Optimizers of the training toolkit: the update rules of notebooks 06 and 07 behind one interface.

    optimizer.step(params, grads, lr=None)

updates params in place with the rule's reference function. lr=None uses the optimizer's own `lr`; a
learning-rate schedule passes the current rate instead. Whatever the rule remembers between steps
(velocities, running averages, the step count) lives in the dict `optimizer.state`, keyed like params.
"""

from course_lib.optimizers import adam_update, momentum_update, rmsprop_update
from course_lib.training import sgd_update


class SGD:
    """Plain gradient descent: p -= lr * g."""

    def __init__(self, lr=0.1):
        self.lr = lr
        self.state = {}

    def step(self, params, grads, lr=None):
        sgd_update(params, grads, self.lr if lr is None else lr)


class Momentum:
    """SGD with momentum: v = momentum * v - lr * g; p += v. state: the velocities."""

    def __init__(self, lr=0.1, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.state = {}

    def step(self, params, grads, lr=None):
        momentum_update(params, grads, self.state, self.lr if lr is None else lr, self.momentum)


class RMSProp:
    """RMSProp: steps scaled by a running root mean square of each gradient. state: the mean squares."""

    def __init__(self, lr=0.001, rho=0.9, eps=1e-7):
        self.lr, self.rho, self.eps = lr, rho, eps
        self.state = {}

    def step(self, params, grads, lr=None):
        rmsprop_update(params, grads, self.state, self.lr if lr is None else lr, self.rho, self.eps)


class Adam:
    """Adam with bias correction. state: "t", the number of steps, and "m", "v", the two running averages."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.state = {}

    def step(self, params, grads, lr=None):
        adam_update(params, grads, self.state, self.lr if lr is None else lr, self.beta1, self.beta2, self.eps)
