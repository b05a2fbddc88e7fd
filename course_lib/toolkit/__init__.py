"""A small training toolkit built on the course's reference functions (notebooks 10, 11 and 12 train with it,
and so does course_lib.capstone).

    from course_lib.toolkit import Sequential, Dense, BatchNorm, ReLU, Dropout, Adam, fit
    from course_lib.toolkit import SigmoidBinaryCrossEntropy, StepDecay
    model = Sequential([Dense(2, 64), BatchNorm(64), ReLU(), Dropout(0.9), Dense(64, 1)], rng)
    history = fit(model, X, y, SigmoidBinaryCrossEntropy(), Adam(lr=3e-3), rng, epochs=200, batch_size=64)

Every array lives in a dict: model.params and model.state, grads from model.backward, optimizer.state.
The layers, losses and optimizers, and the step schedule, call the functions the notebooks build
(dense_forward, batchnorm_forward, adam_update, step_decay, ...), so each piece can be read next to the
notebook that derives it; CosineDecay is the toolkit's own.
"""

from course_lib.toolkit.fit import evaluate, fit, predict, train_step
from course_lib.toolkit.layers import BatchNorm, Dense, Dropout, Layer, LayerNorm, ReLU, Sequential
from course_lib.toolkit.losses import SigmoidBinaryCrossEntropy, SoftmaxCrossEntropy
from course_lib.toolkit.optimizers import SGD, Adam
from course_lib.toolkit.schedules import CosineDecay, StepDecay

__all__ = [
    "SGD",
    "Adam",
    "BatchNorm",
    "CosineDecay",
    "Dense",
    "Dropout",
    "Layer",
    "LayerNorm",
    "ReLU",
    "Sequential",
    "SigmoidBinaryCrossEntropy",
    "SoftmaxCrossEntropy",
    "StepDecay",
    "evaluate",
    "fit",
    "predict",
    "train_step",
]
