"""Learning-rate schedules of the training toolkit.

A schedule is called before every optimizer step as `schedule(step, epoch) -> lr`, where step counts the
optimizer steps taken so far and epoch the finished epochs (both from 0); each schedule uses the one it needs.
"""

import math

from course_lib.optimizers import step_decay


class StepDecay:
    """lr0 * drop ** (epoch // every): multiplied by drop every `every` epochs."""

    def __init__(self, lr0, drop=0.5, every=100):
        self.lr0, self.drop, self.every = lr0, drop, every

    def __call__(self, step, epoch):
        return step_decay(self.lr0, self.drop, self.every, epoch)


class CosineDecay:
    """From lr0 at epoch 0 down to lr_min at epoch `epochs` along half a cosine, then lr_min."""

    def __init__(self, lr0, epochs, lr_min=0.0):
        self.lr0, self.epochs, self.lr_min = lr0, epochs, lr_min

    def __call__(self, step, epoch):
        progress = min(epoch / self.epochs, 1.0)
        return self.lr_min + 0.5 * (self.lr0 - self.lr_min) * (1.0 + math.cos(math.pi * progress))
