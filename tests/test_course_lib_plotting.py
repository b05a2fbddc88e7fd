"""course_lib.plotting: what each plot draws, on which Axes, without showing or warning."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.contour import ContourSet

from course_lib import plotting
from course_lib.activations import relu, relu_grad, sigmoid, sigmoid_grad
from course_lib.datasets import make_blobs
from course_lib.plotting import (
    labels_from_predictions,
    plot_activation,
    plot_decision_boundary,
    plot_history,
    plot_points,
)

# Headless and deterministic, whatever MPLBACKEND says; switching after importing pyplot is allowed.
matplotlib.use("Agg")

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]


@pytest.fixture(autouse=True)
def no_show_and_close(monkeypatch):
    """plt.show must never be called; every figure a test opened is closed afterwards."""

    def forbidden_show(*args, **kwargs):
        raise AssertionError("course_lib.plotting called plt.show()")

    monkeypatch.setattr(plt, "show", forbidden_show)
    before = set(plt.get_fignums())
    yield
    for number in set(plt.get_fignums()) - before:
        plt.close(number)


@pytest.fixture
def three_classes():
    centers = ((-2.0, 0.0), (2.0, 0.0), (0.0, 3.0))
    return make_blobs(n_per_class=10, centers=centers, std=0.3, seed=1)


def class_regions(ax):
    """dict class k -> the filled region (a Path) plot_decision_boundary drew for it, told apart by colour."""
    regions = {}
    for contours in (c for c in ax.collections if isinstance(c, ContourSet)):
        assert list(contours.levels) == [0.5, 1.5]
        [k] = [k for k in range(10) if np.allclose(contours.get_facecolor()[0][:3], plotting.class_color(k))]
        [regions[k]] = contours.get_paths()
    return regions


# --- plot_points ---------------------------------------------------------------------------------------


def test_plot_points_one_coloured_collection_per_class(three_classes):
    X, y = three_classes
    ax = plot_points(X, y, title="blobs")
    assert len(ax.collections) == 3
    for k, collection in enumerate(ax.collections):
        np.testing.assert_array_equal(collection.get_offsets(), X[y == k])
        np.testing.assert_allclose(collection.get_facecolor()[0][:3], plotting.class_color(k))
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["class 0", "class 1", "class 2"]
    assert ax.get_title() == "blobs"


def test_plot_points_draws_on_the_given_axes(three_classes):
    fig, ax = plt.subplots()
    assert plot_points(*three_classes, ax=ax) is ax
    assert len(fig.axes) == 1


# --- plot_decision_boundary ----------------------------------------------------------------------------


def test_decision_boundary_fills_exactly_the_predicted_classes(three_classes):
    X, y = three_classes
    # Never predicts class 1, so no class-1 region may appear, not even a strip along the 0|2 border.
    ax = plot_decision_boundary(lambda P: np.where(P[:, 0] < 0, 0, 2), X, y)
    assert set(class_regions(ax)) == {0, 2}
    assert len(ax.get_legend().get_texts()) == 3  # the points are drawn on top


def test_decision_boundary_regions_are_where_predict_puts_them(three_classes):
    X, y = three_classes
    ax = plot_decision_boundary(lambda P: (P[:, 1] > 1.0).astype(int), X, y)
    regions = class_regions(ax)
    assert regions[1].contains_point((0.0, 2.5)) and not regions[1].contains_point((0.0, -0.5))
    assert regions[0].contains_point((0.0, -0.5)) and not regions[0].contains_point((0.0, 2.5))


def test_decision_boundary_covers_the_points(three_classes):
    X, y = three_classes
    seen = []

    def predict(points):
        seen.append(points)
        return np.zeros(len(points), dtype=int)

    plot_decision_boundary(predict, X, y, resolution=50)
    [grid] = seen
    assert grid.shape == (2500, 2)
    assert np.all(grid.min(axis=0) < X.min(axis=0)) and np.all(grid.max(axis=0) > X.max(axis=0))


@pytest.mark.parametrize(
    "predict",
    [
        lambda P: (P[:, 0] > 0).astype(int),  # labels (M,)
        lambda P: np.column_stack((-P[:, 0], P[:, 0])),  # scores (M, 2): argmax
        lambda P: sigmoid(5 * P[:, 0]),  # probability of class 1 (M,)
        lambda P: sigmoid(5 * P[:, :1]),  # probability of class 1 (M, 1)
        lambda P: (P[:, 0] > 0).astype(float),  # float labels
    ],
    ids=["labels", "scores", "probabilities", "probability-column", "float-labels"],
)
def test_decision_boundary_accepts_every_output_form(predict):
    X, y = make_blobs(n_per_class=10, centers=((-1.0, 0.0), (1.0, 0.0)), std=0.2)
    regions = class_regions(plot_decision_boundary(predict, X, y))
    assert regions[1].contains_point((0.8, 0.0)) and not regions[1].contains_point((-0.8, 0.0))
    assert regions[0].contains_point((-0.8, 0.0)) and not regions[0].contains_point((0.8, 0.0))


def test_labels_from_predictions_rules():
    np.testing.assert_array_equal(labels_from_predictions(np.array([[0.1, 0.7, 0.2], [3.0, 1.0, 2.0]])), [1, 0])
    np.testing.assert_array_equal(labels_from_predictions(np.array([2, 0, 1])), [2, 0, 1])
    np.testing.assert_array_equal(labels_from_predictions(np.array([True, False])), [1, 0])
    np.testing.assert_array_equal(labels_from_predictions(np.array([2.0, 0.0])), [2, 0])
    np.testing.assert_array_equal(labels_from_predictions(np.array([[0.49], [0.5], [0.51]])), [0, 1, 1])


def test_labels_from_predictions_rejects_raw_scores():
    with pytest.raises(ValueError, match="neither labels"):
        labels_from_predictions(np.array([-1.3, 0.4, 2.2]))


# --- plot_history ---------------------------------------------------------------------------------------


def test_plot_history_train_only():
    history = {"loss": [1.0, 0.6, 0.4], "accuracy": [0.5, 0.7, 0.8]}
    axes = plot_history(history)
    assert len(axes) == 2
    for ax, name in zip(axes, ("loss", "accuracy"), strict=True):
        [line] = ax.get_lines()
        np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
        np.testing.assert_array_equal(line.get_ydata(), history[name])
        assert ax.get_ylabel() == name


def test_plot_history_with_validation_on_given_axes():
    history = {"loss": [1.0, 0.5], "accuracy": [0.4, 0.9], "val_loss": [1.1, 0.7], "val_accuracy": [0.3, 0.8]}
    fig, given = plt.subplots(2, 1)
    axes = plot_history(history, axes=given)
    assert list(axes) == list(given)
    for ax, name in zip(given, ("loss", "accuracy"), strict=True):
        _, validation = ax.get_lines()
        np.testing.assert_array_equal(validation.get_ydata(), history[f"val_{name}"])
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "validation"]


# --- plot_activation ------------------------------------------------------------------------------------


def test_plot_activation_with_derivative_draws_two_lines():
    ax = plot_activation(sigmoid, sigmoid_grad, title="sigmoid")
    f_line, grad_line = ax.get_lines()
    z = f_line.get_xdata()
    assert len(z) == 601 and z[0] == -6.0 and z[-1] == 6.0
    np.testing.assert_allclose(f_line.get_ydata(), sigmoid(z))
    np.testing.assert_allclose(grad_line.get_ydata(), sigmoid_grad(z))
    assert ax.get_title() == "sigmoid"


def test_plot_activation_alone_draws_one_line_over_the_given_z():
    fig, ax = plt.subplots()
    z = np.linspace(-1.0, 2.0, 7)
    assert plot_activation(relu, z=z, ax=ax) is ax
    [line] = ax.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), z)
    np.testing.assert_array_equal(line.get_ydata(), relu(z))


def test_plot_activation_derivative_is_distinguishable():
    ax = plot_activation(relu, relu_grad)
    f_line, grad_line = ax.get_lines()
    assert f_line.get_linestyle() != grad_line.get_linestyle()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["f(z)", "f'(z)"]
