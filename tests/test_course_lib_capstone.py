"""course_lib.capstone: the reference train_spiral_classifier clears the capstone's bar on fresh data.

Three trainings in all (the contract asks for at least 3 data seeds), about a second or two each.
"""

import time

import numpy as np
import pytest

from course_lib.capstone import MAX_EPOCHS, train_spiral_classifier, train_spiral_model
from course_lib.datasets import make_two_spirals

pytestmark = [pytest.mark.course_lib, pytest.mark.filterwarnings("error")]

REQUIRED_ACCURACY = 0.95
TIME_LIMIT_SECONDS = 60.0


@pytest.mark.parametrize("seed", [0, 1])
def test_train_spiral_classifier_reaches_095_on_fresh_spirals_in_time(seed):
    X, y = make_two_spirals(seed=seed)
    saved_X, saved_y = X.copy(), y.copy()
    start = time.perf_counter()
    predict = train_spiral_classifier(X, y, np.random.default_rng(seed))
    seconds = time.perf_counter() - start
    np.testing.assert_array_equal(X, saved_X)
    np.testing.assert_array_equal(y, saved_y)
    X_new, y_new = make_two_spirals(seed=seed + 100)
    labels = predict(X_new)
    assert labels.shape == (600,) and np.issubdtype(labels.dtype, np.integer)
    assert set(np.unique(labels)) <= {0, 1}
    accuracy = np.mean(labels == y_new)
    assert accuracy >= REQUIRED_ACCURACY, f"seed {seed}: held-out accuracy {accuracy:.3f}"
    assert seconds < TIME_LIMIT_SECONDS
    # Prediction is in eval mode: no dropout, running statistics, so the same answer every time.
    np.testing.assert_array_equal(predict(X_new), labels)


def test_train_spiral_model_stops_early_with_curves_and_restores_the_best_epoch():
    X, y = make_two_spirals(seed=2)
    model, loss, history, stopper = train_spiral_model(X, y, np.random.default_rng(2))
    epochs_run = len(history["loss"])
    assert set(history) == {"loss", "accuracy", "lr", "val_loss", "val_accuracy"}
    assert history["val_loss"][stopper.best_epoch] == min(history["val_loss"])
    assert epochs_run == MAX_EPOCHS or epochs_run == stopper.best_epoch + 1 + stopper.patience
    X_new, y_new = make_two_spirals(seed=102)
    scores, _ = model.forward(X_new.astype(model.dtype))
    assert np.mean(loss.predict(scores) == y_new) >= REQUIRED_ACCURACY
