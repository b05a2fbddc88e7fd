"""course_lib.datasets: nnfs-equal spirals, the capstone's two spirals, logic gates and blobs."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from course_lib.datasets import and_data, make_blobs, make_two_spirals, or_data, spiral_data, xor_data

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]

# (samples, classes, seed): the course's standard set, a single point, odd sizes, and the largest seed.
NNFS_CASES = [(100, 3, 0), (1, 1, 0), (5, 2, 7), (300, 5, 123), (1000, 1, 42), (50, 7, 2**32 - 1)]

# nnfs.init() patches NumPy for the whole process, so each reference runs in its own interpreter.
NNFS_SCRIPT = textwrap.dedent(
    """
    import sys
    import nnfs
    import numpy as np
    from nnfs.datasets import spiral_data

    samples, classes, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    nnfs.init(random_seed=seed)
    X, y = spiral_data(samples, classes)
    np.savez(out, X=X, y=y)
    """
)


@pytest.fixture(scope="module")
def nnfs_reference(tmp_path_factory):
    """dict (samples, classes, seed) -> (X, y) as nnfs produced them, computed in parallel subprocesses."""
    folder = tmp_path_factory.mktemp("nnfs")
    runs = {}
    for case in NNFS_CASES:
        out = folder / ("_".join(map(str, case)) + ".npz")
        command = [sys.executable, "-c", NNFS_SCRIPT, *map(str, case), str(out)]
        runs[case] = (subprocess.Popen(command, stderr=subprocess.PIPE, text=True), out)
    reference = {}
    for case, (process, out) in runs.items():
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
        with np.load(out) as saved:
            reference[case] = (saved["X"], saved["y"])
    return reference


@pytest.mark.parametrize("case", NNFS_CASES, ids=lambda case: "samples={}-classes={}-seed={}".format(*case))
def test_spiral_data_is_bit_equal_to_nnfs(nnfs_reference, case):
    expected_X, expected_y = nnfs_reference[case]
    X, y = spiral_data(*case)
    assert X.dtype == expected_X.dtype == np.float32
    assert y.dtype == expected_y.dtype == np.uint8
    assert np.array_equal(X, expected_X)
    assert np.array_equal(y, expected_y)


def test_spiral_data_seed_is_a_keyword_defaulting_to_zero(nnfs_reference):
    X, y = spiral_data(samples=100, classes=3)
    assert np.array_equal(X, nnfs_reference[(100, 3, 0)][0])


def test_spiral_data_leaves_global_random_state_alone():
    np.random.seed(12345)
    before = np.random.get_state()
    spiral_data(100, 3, seed=5)
    after = np.random.get_state()
    assert before[0] == after[0]
    assert np.array_equal(before[1], after[1])
    assert before[2:] == after[2:]


def test_spiral_data_ignores_the_global_seed():
    np.random.seed(1)
    first = spiral_data(20, 2, seed=3)
    np.random.seed(2)
    second = spiral_data(20, 2, seed=3)
    assert np.array_equal(first[0], second[0])


def test_spiral_data_has_no_global_side_effects():
    """Run in a fresh interpreter: nnfs stays unimported and NumPy's defaults stay float64."""
    script = textwrap.dedent(
        """
        import sys
        import numpy as np
        from course_lib.datasets import spiral_data

        spiral_data(10, 3, seed=1)
        assert "nnfs" not in sys.modules, "course_lib.datasets imported nnfs"
        assert np.zeros(2).dtype == np.float64
        assert np.random.randn(2).dtype == np.float64
        assert np.dot(np.ones(2, np.int64), np.ones(2, np.int64)).dtype == np.int64
        """
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr


def test_spiral_data_labels_and_radii():
    samples, classes = 40, 4
    X, y = spiral_data(samples, classes, seed=9)
    assert X.shape == (samples * classes, 2)
    assert np.array_equal(y, np.repeat(np.arange(classes), samples))
    # The noise is on the angle only, so every arm runs out from the origin along linspace(0, 1).
    radius = np.hypot(X[:, 0].astype(np.float64), X[:, 1].astype(np.float64))
    expected = np.tile(np.linspace(0.0, 1.0, samples), classes)
    np.testing.assert_allclose(radius, expected, atol=1e-6)


# --- make_two_spirals ---------------------------------------------------------------------------------


def test_two_spirals_shapes_labels_and_balance():
    X, y = make_two_spirals(n=150)
    assert X.shape == (300, 2)
    assert X.dtype == np.float64
    assert y.shape == (300,)
    assert np.issubdtype(y.dtype, np.integer)
    assert set(np.unique(y)) == {0, 1}
    assert np.sum(y == 0) == np.sum(y == 1) == 150


def test_two_spirals_without_noise_lie_on_their_arms():
    """Arm k: (r cos(t + k pi), r sin(t + k pi)) with r = t / (4 pi), so t = 4 pi * |x| gives the angle."""
    n = 200
    X, y = make_two_spirals(n=n, noise=0.0, seed=3)
    radius = np.hypot(X[:, 0], X[:, 1])
    t = 4 * np.pi * radius
    on_curve = np.column_stack((radius * np.cos(t + y * np.pi), radius * np.sin(t + y * np.pi)))
    np.testing.assert_allclose(X, on_curve, atol=1e-12)
    for k in (0, 1):
        np.testing.assert_allclose(np.sort(radius[y == k]), np.linspace(0.0, 1.0, n), atol=1e-12)


def test_two_spirals_arms_are_half_a_turn_apart():
    """The contract's geometry, not the source's bug: away from the centre the arms never coincide."""
    X, y = make_two_spirals(n=100, noise=0.0)
    outer = np.hypot(X[:, 0], X[:, 1]) > 0.1
    arm0, arm1 = X[outer & (y == 0)], X[outer & (y == 1)]
    gaps = np.linalg.norm(arm0[:, None, :] - arm1[None, :, :], axis=2)
    assert gaps.min() > 0.05


def test_two_spirals_noise_is_gaussian_with_the_given_std():
    """The documented draw order makes X(noise) - X(0) exactly the noise, for the same seed."""
    clean_X, clean_y = make_two_spirals(n=2000, noise=0.0, seed=11)
    noisy_X, noisy_y = make_two_spirals(n=2000, noise=0.05, seed=11)
    assert np.array_equal(clean_y, noisy_y)
    noise = noisy_X - clean_X
    # 8000 draws: the std has a standard error of 0.8% (3% is ~4 of them); each mean 0.0008 (0.004 is 5).
    assert abs(noise.std() - 0.05) < 0.05 * 0.03
    assert np.all(np.abs(noise.mean(axis=0)) < 0.004)


def test_two_spirals_are_deterministic_per_seed():
    first, second, other = make_two_spirals(seed=5), make_two_spirals(seed=5), make_two_spirals(seed=6)
    assert np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1])
    assert not np.array_equal(first[0], other[0])


def test_two_spirals_defaults_match_the_contract():
    assert np.array_equal(make_two_spirals()[0], make_two_spirals(n=300, noise=0.03, seed=42)[0])
    assert make_two_spirals()[0].shape == (600, 2)


def test_two_spirals_are_shuffled():
    X, y = make_two_spirals(n=300, noise=0.0)
    # Unshuffled, the labels would be 300 zeros then 300 ones and each arm would run outwards.
    assert not np.array_equal(y, np.sort(y))
    assert 0.3 < y[:300].mean() < 0.7
    radius = np.hypot(X[:, 0], X[:, 1])
    assert not np.all(np.diff(radius[y == 0]) >= 0)


def test_two_spirals_leave_global_random_state_alone():
    np.random.seed(7)
    before = np.random.get_state()[1].copy()
    make_two_spirals()
    assert np.array_equal(np.random.get_state()[1], before)


# --- logic gates and blobs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "gate"),
    [(and_data, lambda a, b: a and b), (or_data, lambda a, b: a or b), (xor_data, lambda a, b: a != b)],
    ids=["and", "or", "xor"],
)
def test_gate_truth_tables(make, gate):
    X, y = make()
    assert X.shape == (4, 2) and X.dtype == np.float64
    assert y.shape == (4,) and y.dtype == np.int64
    assert {tuple(row) for row in X} == {(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)}
    for (a, b), label in zip(X.astype(bool), y, strict=True):
        assert label == int(gate(a, b))


def test_gate_data_are_fresh_arrays():
    X, y = and_data()
    X[:] = 5.0
    y[:] = 5
    X_again, y_again = and_data()
    assert X_again.max() == 1.0 and y_again.max() == 1


def test_blobs_shapes_and_labels():
    X, y = make_blobs(n_per_class=30, centers=((0.0, 0.0), (3.0, 0.0), (0.0, 3.0)))
    assert X.shape == (90, 2) and X.dtype == np.float64
    assert y.dtype == np.int64
    assert np.array_equal(np.bincount(y), [30, 30, 30])


def test_blobs_are_centred_with_the_given_spread():
    centers = ((-1.0, -1.0), (1.0, 1.0))
    n, std = 4000, 0.5
    X, y = make_blobs(n_per_class=n, centers=centers, std=std, seed=1)
    for k, center in enumerate(centers):
        members = X[y == k]
        # Standard error of each mean is std / sqrt(n) ~ 0.008; 0.04 is five of them.
        np.testing.assert_allclose(members.mean(axis=0), center, atol=0.04)
        np.testing.assert_allclose(members.std(axis=0), std, rtol=0.05)


def test_blobs_are_deterministic_per_seed():
    assert np.array_equal(make_blobs(seed=3)[0], make_blobs(seed=3)[0])
    assert not np.array_equal(make_blobs(seed=3)[0], make_blobs(seed=4)[0])
    assert make_blobs()[0].shape == (100, 2)
