"""Training and evaluation loops of the toolkit: `fit` (built from `train_epoch` and `train_step`),
`evaluate` and `predict`."""

import numpy as np
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from course_lib.optimizers import iterate_minibatches
from course_lib.regularization import l2_grads, l2_penalty


def train_step(model, X_batch, y_batch, loss, optimizer, lr, rng, l2=0.0):
    """One optimizer step on one batch, in training mode (batch statistics, dropout).

    X_batch: (B, n_in) in model.dtype; y_batch: (B,) labels (or as the loss accepts them); lr: this step's rate.
    Returns the batch's loss (including the L2 penalty when l2 > 0) and accuracy, measured on the forward
    pass before the step.
    """
    scores, caches = model.forward(X_batch, training=True, rng=rng)
    value, dscores = loss(scores, y_batch)
    grads = model.backward(dscores, caches)
    if l2 > 0.0:
        value += l2_penalty(model.params, l2)
        grads = l2_grads(model.params, grads, l2)
    optimizer.step(model.params, grads, lr)
    return value, loss.accuracy(scores, y_batch)


def evaluate(model, X, y, loss):
    """Loss and accuracy of the model on (X, y) in eval mode (running statistics, no dropout).

    X: (N, n_in); y: labels as the loss expects them. Returns (loss, accuracy), two floats.
    """
    scores, _ = model.forward(np.asarray(X, dtype=model.dtype))
    value, _ = loss(scores, y)
    return value, loss.accuracy(scores, y)


def predict(model, X, loss):
    """(N,) integer labels that the model predicts for X (N, n_in), in eval mode."""
    scores, _ = model.forward(np.asarray(X, dtype=model.dtype))
    return loss.predict(scores)


def _batches(X, y, batch_size, rng):
    """The epoch's mini-batches; the whole set unshuffled when batch_size is None (order does not matter then)."""
    if batch_size is None or batch_size >= len(X):
        return [(X, y)]
    return iterate_minibatches(X, y, batch_size, rng)


def train_epoch(model, X, y, loss, optimizer, rng, batch_size, lr_schedule, l2, epoch, step):
    """One pass over (X, y) in mini-batches, `step` counting the optimizer steps taken before it.

    Returns logs (the epoch's "loss", "accuracy" and "lr", floats) and the step count after it.
    """
    total_loss, total_accuracy = 0.0, 0.0
    for X_batch, y_batch in _batches(X, y, batch_size, rng):
        lr = optimizer.lr if lr_schedule is None else lr_schedule(step, epoch)
        batch_loss, batch_accuracy = train_step(model, X_batch, y_batch, loss, optimizer, lr, rng, l2)
        # Weighted by batch size, so a smaller last batch counts for what it holds.
        total_loss += batch_loss * len(X_batch)
        total_accuracy += batch_accuracy * len(X_batch)
        step += 1
    return {"loss": total_loss / len(X), "accuracy": total_accuracy / len(X), "lr": float(lr)}, step


def fit(
    model,
    X,
    y,
    loss,
    optimizer,
    rng,
    epochs,
    batch_size=None,
    validation_data=None,
    lr_schedule=None,
    l2=0.0,
    early_stopping=None,
    callbacks=(),
    progress=None,
    blas_thread_count=1,
):
    """Train `model` (a Sequential) in place and return its history.

    X: (N, n_in) training inputs (converted once to model.dtype); y: (N,) labels as `loss` expects them.
    loss: a toolkit loss, e.g. SoftmaxCrossEntropy(); optimizer: a toolkit optimizer, e.g. Adam(lr=3e-3).
    rng: numpy.random.Generator for shuffling and dropout, so a given Generator gives the same run.
    epochs: the most epochs to train; batch_size: samples per mini-batch, None for the whole set.
    validation_data: (X_val, y_val), evaluated in eval mode after every epoch.
    lr_schedule: schedule(step, epoch) -> lr before every step, else optimizer.lr throughout.
    l2: strength of an L2 penalty on the weight matrices (0 for none).
    early_stopping: an EarlyStopping, updated with each epoch's validation loss (validation_data needed);
        training stops when it says so and the model gets back the weights of its best epoch.
    callbacks: functions callback(epoch, logs) called after every epoch with that epoch's values
        (the keys of history, one float each); one returning True stops training.
    progress: True or False to show a progress bar or not; None shows it in Jupyter and in terminals,
        not when output goes to a file or pipe.
    blas_thread_count: threads for NumPy's matrix products while training, restored afterwards. 1 by
        default: small networks gain nothing from more, and on a busy machine OpenBLAS's threads spin
        while they wait for cores (a capstone training measured 10-70 times its one-thread CPU time);
        None leaves NumPy's setting alone.

    Returns history, a dict of lists with one float per epoch: "loss" and "accuracy" (means over the
    epoch's batches, in training mode, as the weights changed), "lr" (the rate of the epoch's last step),
    and with validation_data "val_loss" and "val_accuracy".
    """
    if early_stopping is not None and validation_data is None:
        raise ValueError("early stopping watches the validation loss: pass validation_data too")
    X = np.asarray(X, dtype=model.dtype)
    y = np.asarray(y)
    history = {"loss": [], "accuracy": [], "lr": []}
    if validation_data is not None:
        X_val, y_val = validation_data
        validation_data = (np.asarray(X_val, dtype=model.dtype), np.asarray(y_val))
        history.update(val_loss=[], val_accuracy=[])
    step = 0
    # disable=None is tqdm's own rule: quiet unless writing to a terminal (always shown in Jupyter).
    epoch_bar = tqdm(range(epochs), desc="epochs", disable=None if progress is None else not progress)
    with threadpool_limits(blas_thread_count, user_api="blas"):
        for epoch in epoch_bar:
            logs, step = train_epoch(model, X, y, loss, optimizer, rng, batch_size, lr_schedule, l2, epoch, step)
            if validation_data is not None:
                logs["val_loss"], logs["val_accuracy"] = evaluate(model, *validation_data, loss)
            for key, value in logs.items():
                history[key].append(value)
            if not epoch_bar.disable:
                epoch_bar.set_postfix({key: f"{value:.4g}" for key, value in logs.items()}, refresh=False)
            stop = early_stopping is not None and early_stopping.update(logs["val_loss"], model.weights())
            # Every callback sees every epoch, even when an earlier one asked to stop.
            stop_requests = [callback(epoch, logs) is True for callback in callbacks]
            if stop or any(stop_requests):
                break
    epoch_bar.close()
    if early_stopping is not None and early_stopping.best_params is not None:
        model.load_weights(early_stopping.best_params)
    return history
