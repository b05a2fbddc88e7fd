"""Small 2-D data sets used throughout the course.

Every generator takes an explicit seed and draws only from its own generator, so calling one never
changes NumPy's global random state and the same seed always gives the same data.
"""

import numpy as np

# nnfs's init function makes np.random.randn return float32, so the angle noise of spiral_data is rounded
# to float32 before and after it is scaled; reproducing that rounding is what makes the points bit-equal.
_SPIRAL_NOISE_SCALE = np.float32(0.2)

_GATE_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def spiral_data(samples, classes, seed=0):
    """The spiral data of the nnfs package, without its global side effects.

    Equal, value for value and dtype for dtype, to `nnfs.datasets.spiral_data(samples, classes)` run
    after nnfs's `init` with `random_seed=seed`, but leaves NumPy's functions, default dtype and global random
    state alone: the legacy normal stream of `np.random.seed(seed)` comes from a private RandomState.

    samples: points per class; classes: number of spiral arms.
    Returns X (samples * classes, 2) float32, rows grouped by class, and y (samples * classes,) uint8.
    """
    stream = np.random.RandomState(seed)
    X = np.zeros((samples * classes, 2), dtype=np.float32)
    y = np.zeros(samples * classes, dtype=np.uint8)
    radius = np.linspace(0.0, 1.0, samples)
    for k in range(classes):
        rows = slice(samples * k, samples * (k + 1))
        # float32 times float32 stays float32 (NEP 50), exactly as in the patched nnfs session.
        noise = stream.randn(samples).astype(np.float32) * _SPIRAL_NOISE_SCALE
        angle = (np.linspace(4.0 * k, 4.0 * (k + 1), samples) + noise) * 2.5
        # Computed in float64, then rounded once on assignment into the float32 X, as nnfs does.
        X[rows] = np.column_stack((radius * np.sin(angle), radius * np.cos(angle)))
        y[rows] = k
    return X, y


def make_two_spirals(n=300, noise=0.03, seed=42):
    """Two interleaved spiral arms, the data of the capstone (notebook 12).

    With t = linspace(0, 4*pi, n) and r = t / (4*pi), arm k (k = 0, 1) holds the points
    (r*cos(t + k*pi), r*sin(t + k*pi)) plus N(0, noise) on each coordinate.
    Draws from default_rng(seed), in this order: first the noise, one (2n, 2) standard-normal array
    scaled by `noise` (rows 0..n-1 for arm 0, then arm 1); then one permutation of the 2n rows.
    So the same seed shuffles the same way for every noise level, and X(noise) - X(0) is the noise.

    Returns X (2n, 2) float64 and y (2n,) int64 in {0, 1}, n of each, in shuffled order.
    """
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 4.0 * np.pi, n)
    r = t / (4.0 * np.pi)
    arms = [np.column_stack((r * np.cos(t + k * np.pi), r * np.sin(t + k * np.pi))) for k in (0, 1)]
    X = np.concatenate(arms) + noise * rng.standard_normal((2 * n, 2))
    y = np.repeat(np.arange(2, dtype=np.int64), n)
    order = rng.permutation(2 * n)
    return X[order], y[order]


def _gate(outputs):
    """The four corners of the unit square and a gate's outputs for them.

    outputs: the gate's value on (0, 0), (0, 1), (1, 0), (1, 1), in that order.
    Returns X (4, 2) float64 and y (4,) int64.
    """
    return _GATE_INPUTS.copy(), np.array(outputs, dtype=np.int64)


def and_data():
    """Truth table of AND: X (4, 2) float64 corners, y (4,) int64, 1 only for (1, 1)."""
    return _gate([0, 0, 0, 1])


def or_data():
    """Truth table of OR: X (4, 2) float64 corners, y (4,) int64, 0 only for (0, 0)."""
    return _gate([0, 1, 1, 1])


def xor_data():
    """Truth table of XOR: X (4, 2) float64 corners, y (4,) int64, 1 where the inputs differ."""
    return _gate([0, 1, 1, 0])


def make_blobs(n_per_class=50, centers=((-1.0, -1.0), (1.0, 1.0)), std=0.5, seed=0):
    """Gaussian blobs, one per center, from default_rng(seed).

    centers: K points (K, 2); every blob has n_per_class points with N(0, std) added to each coordinate
    of its center, drawn as one (K * n_per_class, 2) standard-normal array.
    Returns X (K * n_per_class, 2) float64 and y (K * n_per_class,) int64, rows grouped by class
    (not shuffled).
    """
    rng = np.random.default_rng(seed)
    centers = np.asarray(centers, dtype=np.float64)
    y = np.repeat(np.arange(len(centers), dtype=np.int64), n_per_class)
    X = centers[y] + std * rng.standard_normal((len(y), 2))
    return X, y
