"""Checks for notebook 06: one step of gradient descent, the 1/t learning-rate decay, and the training loop."""

from dataclasses import dataclass, replace

import numpy as np

from autograde_tests import limits
from autograde_tests.calling import call_student
from autograde_tests.cases import Case, case_rng, seed_text
from autograde_tests.core import Exercise, Notebook, Verdict
from autograde_tests.judging import Problem
from autograde_tests.messages import arguments_text, describe, format_pair, format_value
from autograde_tests.properties import behaviour_verdict, reproducibility, rng_unused
from course_lib import datasets, layers, losses, training

SEED = 6


def update_cases(names, updates):
    """The maker of an in-place update's cases: the function's positional parameters are `names`, the dicts
    it updates (`updates`) are judged after the call. A case's label shows its arguments and says which
    dicts are judged and which defaults (`left_out`) it leaves out."""
    judged = f"returns None; {' and '.join(updates)} {'is' if len(updates) == 1 else 'are'} judged after the call"

    def case(*args, kwargs=None, label=None, left_out="", **options):
        kwargs = kwargs or {}
        if label is None:
            note = f"{left_out} left out; {judged}" if left_out else judged
            label = arguments_text(list(zip(names, args)) + list(kwargs.items())) + f" ({note})"
        return Case(args, kwargs, label=label, updates=updates, **options)

    return case


# ---------------------------------------------------------------------------------------------
# sgd_update(params, grads, lr)

SGD_HINT = ("each parameter takes one step against its gradient: the new value is the old one minus lr times "
            "the gradient, for every key, weights and biases alike.")


_sgd_case = update_cases(("params", "grads", "lr"), ("params",))


def _sgd_update_cases(hidden):
    """sgd_update changes params in place (every key, by lr times its gradient) and leaves grads alone."""
    cases = [
        _sgd_case({"W1": np.array([[2.0, 1.0], [-1.0, 0.0]]), "b1": np.array([1.0, -1.0]),
                   "W2": np.array([[0.5], [-0.5]]), "b2": np.array([0.0])},
                  {"W1": np.array([[1.0, -1.0], [0.5, 2.0]]), "b1": np.array([0.25, 0.75]),
                   "W2": np.array([[-2.0], [1.0]]), "b2": np.array([0.5])}, 1.0),
        _sgd_case({"W": np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]]), "b": np.array([0.5, 0.0, -0.5])},
                  {"W": np.array([[0.2, 0.4, -1.0], [1.0, -0.5, 0.0]]), "b": np.array([1.0, -2.0, 0.5])}, 0.1),
    ]
    if hidden:
        rng = case_rng(SEED)
        shapes = {"W1": (2, 5), "b1": (5,), "W2": (5, 3), "b2": (3,)}
        params = {k: rng.standard_normal(s) for k, s in shapes.items()}
        grads = {k: rng.standard_normal(s) for k, s in shapes.items()}
        cases += [
            _sgd_case(params, grads, 0.05, label="params and grads with keys W1 b1 W2 b2 (shapes (2, 5), (5,), "
                      f"(5, 3), (3,)), standard normal from {seed_text(SEED)}, lr = 0.05"),
            _sgd_case({k: v.astype(np.float32) for k, v in params.items()},
                      {k: v.astype(np.float32) for k, v in grads.items()}, 0.05,
                      label="the same params and grads as float32, lr = 0.05"),
            _sgd_case(params, grads, np.float64(2.5), label="the same params and grads, lr = np.float64(2.5)"),
            _sgd_case(params, {k: np.zeros_like(v) for k, v in grads.items()}, 0.5,
                      label="the same params, every gradient zero, lr = 0.5 (nothing may change)"),
            _sgd_case(params, grads, 0.0, label="the same params and grads, lr = 0 (nothing may change)"),
        ]
    return cases


SGD_UPDATE = Exercise("sgd_update", training.sgd_update, _sgd_update_cases, hint=SGD_HINT)
check_sgd_update = SGD_UPDATE.check


# ---------------------------------------------------------------------------------------------
# decayed_learning_rate(lr0, decay, step)

DECAY_HINT = ("the rate at step t is lr0 divided by (1 + decay·t): lr0 itself at step 0, half of lr0 once "
              "decay·t reaches 1.")


def _decayed_learning_rate_cases(hidden):
    """decayed_learning_rate is lr0 / (1 + decay * step), a number, for any step from 0 on."""
    cases = [Case((1.0, 0.1, 0)), Case((0.5, 0.01, 100)), Case((3.0, 1e-3, 5000))]
    if hidden:
        rng = case_rng(SEED)
        lr0, decay, step = float(rng.uniform(0.01, 2.0)), float(rng.uniform(1e-4, 1e-2)), int(rng.integers(1, 10_000))
        cases += [
            Case((lr0, decay, step), label=f"lr0, decay and step drawn from {seed_text(SEED)}: "
                 f"lr0 = {lr0:.6g}, decay = {decay:.6g}, step = {step}"),
            Case((0.05, 5e-7, 10_000)),
            Case((0.2, 0.0, 750), hint="decay = 0 means a constant rate."),
            Case((1, 1, 1), hint="integer arguments give the same number as floats would."),
            Case((0.1, 0.5, np.int64(7)), hint="step may be a NumPy integer."),
            Case((2.0, 1.0, 10**6)),
        ]
    return cases


DECAYED_LEARNING_RATE = Exercise("decayed_learning_rate", training.decayed_learning_rate, _decayed_learning_rate_cases,
                                 hint=DECAY_HINT)
check_decayed_learning_rate = DECAYED_LEARNING_RATE.check


# ---------------------------------------------------------------------------------------------
# train_two_layer_net: a correct loop may initialise, draw and order its steps in many ways, so its
# result cannot be compared with the reference's number by number. The check judges what the exercise
# fixes instead: the shapes and keys of what comes back, one history entry per epoch, randomness from
# rng only, and learning, measured with the course's forward pass on the returned parameters.

# The positional arguments of every case (the others are passed by name).
TRAIN_PARAMETERS = ("X", "y")


def training_budget():
    """The CPU budget of one training: TRAINING_CPU_FACTOR (autograde_tests.limits) times what the
    reference needs with its defaults on spiral_data(100, 3), measured once on the same machine."""
    X, y = datasets.spiral_data(100, 3)
    return limits.training_budget("nb06.train_two_layer_net",
                                  lambda: training.train_two_layer_net(X, y, rng=np.random.default_rng(0)))


# With its defaults, on spiral_data(100, 3), for rng = default_rng(s), s = 0..2.
MIN_SPIRAL_ACCURACY = 0.80
# The short runs on blobs: 60 epochs at a rate of 0.5 reach 0.95 or more with any of init_dense's random
# schemes ("he", "xavier", "small"; measured, seeds 0..3).
MIN_BLOB_ACCURACY = 0.90
# How far the history's last loss may lie from the loss of the returned parameters: within this factor
# (plus 0.1). They are at most one update apart, which changes the loss by far less, even on one of the
# spikes a large rate causes (at most a factor of 2 to 3 in the runs measured); a loss summed over the
# batch instead of averaged is N times too large.
HISTORY_LOSS_FACTOR = 5.0


@dataclass(frozen=True)
class TrainCase:
    """One way of calling train_two_layer_net.

    data: "blobs" (a short run with every hyperparameter given) or "spirals" (the defaults, on
    spiral_data(100, 3)); seed: of the default_rng passed as rng, None to leave rng out;
    reproducible: also call it again with the same seed (and with another one) and compare.
    """

    data: str
    seed: int | None
    kwargs: tuple = ()
    min_accuracy: float = MIN_BLOB_ACCURACY
    reproducible: bool = False
    description: str = ""

    @property
    def label(self):
        given = ", ".join(f"{name} = {value!r}" for name, value in self.kwargs)
        rng = "rng left out" if self.seed is None else f"rng = np.random.default_rng({self.seed})"
        if self.data == "spirals":
            return f"X, y = spiral_data(100, 3), the defaults, {rng}"
        return f"{self.description}, {given}, {rng}"

    @property
    def epochs(self):
        return dict(self.kwargs).get("epochs")

    def data_arrays(self):
        if self.data == "spirals":
            return datasets.spiral_data(100, 3)
        if self.data == "blobs":
            return datasets.make_blobs(n_per_class=20, centers=((-1.0, -1.0), (1.0, 1.0), (1.0, -1.0)),
                                       std=0.4, seed=3)
        rng = case_rng(SEED)  # four classes in three dimensions
        centers = 2.0 * rng.standard_normal((4, 3))
        y = np.repeat(np.arange(4), 15).astype(np.uint8)
        return (centers[y] + 0.3 * rng.standard_normal((len(y), 3))).astype(np.float32), y

    def call(self, seed):
        """The call as a core.Case, with default_rng(seed) as rng (or none, when seed is None)."""
        X, y = self.data_arrays()
        kwargs = dict(self.kwargs)
        if seed is not None:
            kwargs["rng"] = np.random.default_rng(seed)
        return Case((X, y), kwargs, label=self.label, budget=training_budget())


def _train_cases(hidden):
    """train_two_layer_net returns (params, history) and learns.

    Checked for every case: the call behaves (no error, warning or stderr; X, y untouched; NumPy's global
    random state left alone); params has keys W1 b1 W2 b2, float arrays of shapes (D, H), (H,), (H, K),
    (K,); history's "loss" and "accuracy" lists have one finite entry per epoch, accuracies in [0, 1]; the
    initial weights come from rng; the history's last loss agrees with the returned params; the loss
    falls. On the short runs: the same seed gives the same run, another seed another one, and a training
    accuracy of at least 0.90; with the defaults on spiral_data(100, 3): at least 0.80 (rng left out;
    default_rng(1) and default_rng(2) hidden). Accuracy and loss are measured with the course's forward
    pass on the returned params.
    """
    short_run = (("hidden_size", 8), ("learning_rate", 0.5), ("epochs", 60), ("decay", 0.0))
    blobs = "X, y = three blobs of 20 points (make_blobs, seed 3)"
    cases = [
        TrainCase("blobs", seed=0, kwargs=short_run, reproducible=True, description=blobs),
        # Every default in use, rng's too: a signature without them fails the visible cases already.
        TrainCase("spirals", seed=None, min_accuracy=MIN_SPIRAL_ACCURACY),
    ]
    if hidden:
        cases += [
            TrainCase("four_classes", seed=11, reproducible=True,
                      kwargs=(("hidden_size", 12), ("learning_rate", 0.5), ("epochs", 80), ("decay", 1e-3)),
                      description=f"X (60, 3) float32, y (60,) uint8: four blobs in 3-D from {seed_text(SEED)}"),
            TrainCase("blobs", seed=None, kwargs=short_run, reproducible=True, description=blobs),
            TrainCase("spirals", seed=1, min_accuracy=MIN_SPIRAL_ACCURACY),
            TrainCase("spirals", seed=2, min_accuracy=MIN_SPIRAL_ACCURACY),
        ]
    return cases


def _numbers(values):
    """values as a 1-D float array, or None when they are not a list (or 1-D array) of real numbers."""
    if not isinstance(values, list | tuple | np.ndarray):
        return None
    try:
        array = np.asarray(values)
    except ValueError:
        return None
    if array.ndim != 1 or array.dtype.kind not in "iuf":
        return None
    return array.astype(np.float64)


def _structure_problem(value, X, num_classes, hidden_size):
    """(Problem, symptom) for a result that is not (params, history) of the right keys, kinds and shapes.

    hidden_size: the one the case passes, or None (the student's default: read from W1's shape)."""
    if not (isinstance(value, tuple | list) and len(value) == 2):
        cause = ("the function returns None: is a `return` statement missing?" if value is None
                 else "return the two results together: params first, then history.")
        return Problem("pair", (f"got      {describe(value)}", "expected a pair (params, history)"), cause), \
            type(value).__name__
    params, history = value
    if not isinstance(params, dict) or set(params) != {"W1", "b1", "W2", "b2"}:
        got = f"keys {sorted(map(str, params))}" if isinstance(params, dict) else describe(params)
        return Problem("params", (f"got      params: {got}", "expected params: a dict with keys W1, b1, W2, b2"),
                       "the first result is the dict of the trained parameters, keyed like the exercise."), got
    n_in, hidden = X.shape[1], hidden_size
    if hidden is None:
        hidden = params["W1"].shape[1] if isinstance(params["W1"], np.ndarray) and params["W1"].ndim == 2 else "H"
    shapes = {"W1": (n_in, hidden), "b1": (hidden,), "W2": (hidden, num_classes), "b2": (num_classes,)}
    for name, shape in shapes.items():
        array = params[name]
        if not isinstance(array, np.ndarray):
            return Problem("type", (f'got      params["{name}"]: {describe(array)}',
                                    "expected a NumPy array of floats"),
                           "keep every parameter a NumPy array: the updates and the forward pass need arrays."), name
        if array.dtype.kind != "f":
            return Problem("dtype", (f'got      params["{name}"]: {describe(array)}', "expected an array of floats"),
                           "parameters change by fractions, which an integer array cannot hold."), name
        if array.shape != shape:
            return Problem("shape", (f'got      params["{name}"] of shape {array.shape}',
                                     f"expected shape {shape} (the input has {n_in} features, the data "
                                     f"{num_classes} classes)"),
                           "W1 is (n_in, hidden_size), b1 (hidden_size,), W2 (hidden_size, K), b2 (K,), "
                           "with K = y.max() + 1 classes."), (name, array.shape)
    if not isinstance(history, dict) or not {"loss", "accuracy"} <= set(history):
        got = f"keys {sorted(map(str, history))}" if isinstance(history, dict) else describe(history)
        return Problem("history", (f"got      history: {got}", 'expected history: a dict with "loss" and "accuracy"'),
                       "the second result is a dict of two lists, filled as training goes."), got
    for name in ("loss", "accuracy"):
        if _numbers(history[name]) is None:
            return Problem("history", (f'got      history["{name}"]: {describe(history[name])}',
                                       "expected a list of numbers, one per epoch"),
                           "append one number to each list in every epoch."), name
    return None, None


def _history_problem(history, case):
    """(Problem, symptom) for a history of the wrong length or with values no loss or accuracy can take."""
    loss, accuracy = _numbers(history["loss"]), _numbers(history["accuracy"])
    lengths = (len(loss), len(accuracy))
    wanted = case.epochs
    if (wanted is not None and lengths != (wanted, wanted)) or lengths[0] != lengths[1] or lengths[0] == 0:
        expected = f"{wanted} entries in each (epochs = {wanted})" if wanted is not None else \
            "as many entries in each as there were epochs"
        return Problem("history_length", (f"got      {lengths[0]} losses and {lengths[1]} accuracies",
                                          f"expected {expected}"),
                       "measure the loss and the accuracy once in every epoch, each epoch's before or after "
                       "its update, and append them."), lengths
    if not (np.isfinite(loss).all() and np.isfinite(accuracy).all()):
        return Problem("nonfinite", ("got      nan or inf in the history", "expected finite losses and accuracies"),
                       "the loss became nan or inf: the steps grew until the numbers overflowed."), "history"
    if not (np.all(accuracy >= 0) and np.all(accuracy <= 1)):
        return Problem("history_range", (f"got      accuracies from {accuracy.min():.4g} to {accuracy.max():.4g}",
                                         "expected fractions in [0, 1]"),
                       "accuracy is the fraction of samples classified correctly, between 0 and 1."), \
            float(accuracy.max())
    return None, None


def _measured(params, X, y):
    """Loss and accuracy of the returned parameters, with the course's forward pass."""
    with np.errstate(all="ignore"):
        probs, _ = training.two_layer_forward(np.asarray(X, dtype=np.float64), params)
        return losses.categorical_cross_entropy(probs, y), losses.accuracy(probs, y)


def _learning_problem(history, measured, case):
    """(Problem, symptom) when training did not learn, or the history does not describe the returned params."""
    loss = _numbers(history["loss"])
    final_loss, final_accuracy = measured
    if not (loss[-1] <= HISTORY_LOSS_FACTOR * final_loss + 0.1 and final_loss <= HISTORY_LOSS_FACTOR * loss[-1] + 0.1):
        return Problem("history_loss", (f'got      history["loss"][-1] = {format_value(loss[-1])}, but the '
                                        f"returned params give a loss of {format_value(final_loss)}",
                                        "expected the history's last loss close to the loss of the returned params "
                                        f"(within a factor of {HISTORY_LOSS_FACTOR:g})"),
                       "record each epoch's mean categorical cross-entropy (the mean over the batch, as the "
                       "loss functions compute it) of the network being trained."), float(loss[-1] / final_loss)
    if not final_loss < loss[0]:
        direction = "flat" if np.isclose(final_loss, loss[0], rtol=1e-9, atol=1e-12) else "rose"
        start_text, end_text = format_pair(loss[0], final_loss)
        return Problem("not_learning", (f"got      a loss of {start_text} at the start and {end_text} after "
                                        "training",
                                        "expected the loss to fall"),
                       "gradient descent steps against the gradient; and a network whose weights all start "
                       "equal (zeros) gets equal or zero gradients and cannot learn."), direction
    if not final_accuracy >= case.min_accuracy:
        got_text, bar_text = format_pair(final_accuracy, case.min_accuracy)
        return Problem("accuracy", (f"got      training accuracy {got_text} with the returned params",
                                    f"expected at least {bar_text}"),
                       "the network learns, but too slowly or not far enough: check the scale of the initial "
                       "weights (He initialisation, as the exercise asks: weights that start far too small "
                       "learn very slowly), the update, the learning-rate schedule, and that the defaults "
                       "are the exercise's."), \
            float(final_accuracy)
    return None, None


# The messages name the Generators as the cases' labels do ("rng left out" has none).
SEED_LINES = {
    "not_reproducible": lambda case: ("got      different params from two calls with the same arguments",
                                      "expected the same params for the same seed"),
    "same_for_every_seed": lambda case: (f"got      the same params for default_rng({case.seed}) and "
                                         f"default_rng({case.seed + 1})",
                                         "expected different initial weights, so different params, for different "
                                         "seeds"),
}
SEED_CAUSES = {"not_reproducible": "take every random number from rng (and, when rng is None, from a Generator "
                                   "with a fixed seed), nothing from elsewhere.",
               "same_for_every_seed": "the initial weights must come from rng's draws."}


def _run_fingerprint(value):
    """What two runs from the same seed share: the params and the losses (None when value is not a run)."""
    if isinstance(value, tuple | list) and len(value) == 2 and all(isinstance(part, dict) for part in value):
        return value[0], list(value[1].get("loss", []))
    return None


def _reproducibility_verdict(fn, case, params, history):
    """The Verdict when the same seed does not give the same run, or another seed the same params, else None."""
    verdict = reproducibility(fn, case, TRAIN_PARAMETERS, _run_fingerprint, _run_fingerprint((params, history)),
                              "params", other_seed=case.seed is not None, causes=SEED_CAUSES)
    if verdict is None or verdict.symptom not in SEED_LINES:
        return verdict
    return Verdict(replace(verdict.problem, lines=SEED_LINES[verdict.symptom](case)), verdict.symptom)


def _run_problems(outcome, case):
    """The (Problem, symptom) of each property of one run in turn, (None, None) for one that holds."""
    X, y = case.data_arrays()
    yield _structure_problem(outcome.value, X, int(y.max()) + 1, dict(case.kwargs).get("hidden_size"))
    params, history = outcome.value
    if not all(np.isfinite(params[k]).all() for k in params):
        yield Problem("nonfinite", ("got      nan or inf in the returned params", "expected finite numbers"),
                      "the steps grew until the numbers overflowed: is the update going uphill, or the learning "
                      "rate far too large?"), "params"
    yield _history_problem(history, case)
    yield _learning_problem(history, _measured(params, X, y), case)


def _inspect_training(fn, case):
    """The Verdict on fn for one TrainCase: the first property that fails, and its symptom."""
    outcome = call_student(fn, case.call(case.seed), TRAIN_PARAMETERS)
    verdict = behaviour_verdict(outcome)
    if verdict is not None:
        return verdict
    problem, symptom = next(((p, s) for p, s in _run_problems(outcome, case) if p is not None), (None, None))
    if problem is not None:
        return Verdict(problem, symptom)
    if case.seed is not None:
        verdict = rng_unused(outcome, "the initial weights", cause="draw the initial weights from the rng argument, "
                             "not from a Generator made inside the function (use one only when rng is None).")
        if verdict is not None:
            return verdict
    if case.reproducible:
        return _reproducibility_verdict(fn, case, *outcome.value) or Verdict(None)
    return Verdict(None)


TRAIN_TWO_LAYER_NET = Exercise("train_two_layer_net", training.train_two_layer_net, _train_cases,
                               inspect=_inspect_training, parameter_names=TRAIN_PARAMETERS)
check_train_two_layer_net = TRAIN_TWO_LAYER_NET.check


def _training(init="he", direction=-1.0, epochs_offset=0, record="every_epoch", summed_loss=False,
              accuracy_scale=1.0, draw=None, as_list=False):
    """A training loop like the exercise's, with one thing done wrong (each keyword names one).

    init: init_dense's scheme for both layers; direction: -1 steps downhill, +1 uphill; epochs_offset:
    epochs run minus epochs asked; record: "every_epoch" or "once" (after the loop); summed_loss: the
    loss recorded is N times the mean; accuracy_scale: a factor on the accuracy recorded; draw: where the
    initial weights come from ("global" for np.random, "own" for a Generator of its own); as_list: params
    returned as a list.
    """

    def train_two_layer_net(X, y, hidden_size=64, learning_rate=3.0, epochs=3000, decay=1e-3, rng=None):
        rng = np.random.default_rng(0) if rng is None or draw == "own" else rng
        X = np.asarray(X, dtype=np.float64)
        num_classes = int(y.max()) + 1
        if draw == "global":
            params = {"W1": np.random.randn(X.shape[1], hidden_size) * np.sqrt(2 / X.shape[1]),
                      "b1": np.zeros(hidden_size),
                      "W2": np.random.randn(hidden_size, num_classes) * np.sqrt(2 / hidden_size),
                      "b2": np.zeros(num_classes)}
        else:
            params = {}
            params["W1"], params["b1"] = layers.init_dense(X.shape[1], hidden_size, rng, init)
            params["W2"], params["b2"] = layers.init_dense(hidden_size, num_classes, rng, init)
        history = {"loss": [], "accuracy": []}
        for epoch in range(epochs + epochs_offset):
            probs, cache = training.two_layer_forward(X, params)
            if record == "every_epoch":
                history["loss"].append((len(X) if summed_loss else 1) * losses.categorical_cross_entropy(probs, y))
                history["accuracy"].append(accuracy_scale * losses.accuracy(probs, y))
            grads = training.two_layer_backward(probs, y, cache, params)
            rate = training.decayed_learning_rate(learning_rate, decay, epoch)
            for name in params:
                params[name] = params[name] + direction * rate * grads[name]
        if record == "once":
            probs, _ = training.two_layer_forward(X, params)
            history["loss"].append(losses.categorical_cross_entropy(probs, y))
            history["accuracy"].append(losses.accuracy(probs, y))
        if as_list:
            return [params["W1"], params["b1"], params["W2"], params["b2"]], history
        return params, history

    return train_two_layer_net


def _sgd(step=lambda value, grad, lr: value - lr * grad, names=lambda grads: grads):
    """An SGD step that sets each parameter of names(grads) to step(value, gradient, lr)."""

    def sgd_update(params, grads, lr):
        for name in names(grads):
            params[name] = step(params[name], grads[name], lr)

    return sgd_update


# ---------------------------------------------------------------------------------------------
# sgd_update: known mistakes, the more specific first


SGD_UPDATE.mistake("step uphill", "gradient descent moves each parameter against its gradient, the direction in "
                   "which the loss falls; adding lr times the gradient climbs.")(
    _sgd(step=lambda value, grad, lr: value + lr * grad))

SGD_UPDATE.mistake("a new dict returned", "the exercise updates the caller's params dict and returns None; a new "
                   "dict is not what the caller holds, so its params stay as they were.")(
    lambda params, grads, lr: {name: params[name] - lr * grads[name] for name in params})


@SGD_UPDATE.mistake("a new dict under the old name", "assigning a new dict to the name params inside the function "
                    "only rebinds the local name: the caller's dict never sees the new values. Store the new arrays "
                    "under the keys of the dict you were given.")
def _sgd_rebinds_local_name(params, grads, lr):
    params = {name: params[name] - lr * grads[name] for name in params}  # noqa: F841 -- the mistake


SGD_UPDATE.mistake("learning rate left out", "each step is the gradient scaled by the learning rate lr.")(
    _sgd(step=lambda value, grad, lr: value - grad))

SGD_UPDATE.mistake("biases left out", "every parameter with a gradient takes a step, the biases b too, not only the "
                   "weights W.")(
    _sgd(names=lambda grads: [name for name in grads if name.startswith("W")]))

SGD_UPDATE.mistake("return inside the loop", "a return indented inside the loop ends the function after the first "
                   "key, so only one parameter is updated.")(
    _sgd(names=lambda grads: list(grads)[:1]))


@SGD_UPDATE.mistake("gradients changed", "grads belongs to the caller, who may still need it (to print or check it): "
                    "read it, never write into it.")
def _sgd_steps_the_gradients(params, grads, lr):
    for name in grads:
        grads[name] -= lr * grads[name]
        params[name] = params[name] - grads[name]


@SGD_UPDATE.alternative
def _sgd_in_place_arrays(params, grads, lr):
    for name, grad in grads.items():
        params[name] -= lr * grad


@SGD_UPDATE.alternative
def _sgd_dict_update(params, grads, lr):
    params.update({name: value - lr * grads[name] for name, value in params.items()})


@SGD_UPDATE.alternative
def _sgd_numpy_out(params, grads, lr):
    for name in params:
        np.subtract(params[name], np.multiply(lr, grads[name], dtype=params[name].dtype), out=params[name])


# ---------------------------------------------------------------------------------------------
# decayed_learning_rate: known mistakes, the more specific first


DECAYED_LEARNING_RATE.mistake("decay multiplied in", "the decay divides: at step 0 the rate is lr0 itself, not 0, "
                              "and it falls slowly as decay·step grows.")(
    lambda lr0, decay, step: lr0 * decay * step)

DECAYED_LEARNING_RATE.mistake("rate grows", "the factor 1 + decay·t grows with every step t: multiplying lr0 by it "
                              "makes the rate grow, while the schedule divides lr0 by it, so that the rate shrinks.")(
    lambda lr0, decay, step: lr0 * (1 + decay * step))

DECAYED_LEARNING_RATE.mistake("1 + missing", "without the 1 in the denominator the rate at step 0 is lr0 / 0; the 1 "
                              "makes the first rate lr0.")(
    lambda lr0, decay, step: lr0 / (decay * step))

DECAYED_LEARNING_RATE.mistake("exponential decay", "that is exponential decay, lr0·e^(−decay·t); this schedule is "
                              "1/t decay: the rate falls like 1/t once decay·t is large, far more slowly than an "
                              "exponential.")(
    lambda lr0, decay, step: lr0 * np.exp(-decay * step))

DECAYED_LEARNING_RATE.mistake("steps counted from 1", "step 0 is the first update and gets lr0 itself: use step as "
                              "given, not step + 1.")(
    lambda lr0, decay, step: lr0 / (1 + decay * (step + 1)))

DECAYED_LEARNING_RATE.mistake("floor division", "// rounds down to a whole number, so any rate below 1 becomes 0: "
                              "use /.")(
    lambda lr0, decay, step: lr0 // (1 + decay * step))

DECAYED_LEARNING_RATE.alternative(lambda lr0, decay, step: lr0 * (1.0 / (1.0 + decay * step)))

DECAYED_LEARNING_RATE.alternative(lambda lr0, decay, step: float(np.divide(lr0, np.add(1.0, np.multiply(decay, step)))))

DECAYED_LEARNING_RATE.alternative(lambda lr0, decay, step: lr0 / (decay * step + 1))


# ---------------------------------------------------------------------------------------------
# train_two_layer_net: known mistakes, the more specific first


TRAIN_TWO_LAYER_NET.mistake("step uphill", "each update moves the parameters against their gradients; adding the "
                            "gradient makes the loss rise.")(_training(direction=1.0))

TRAIN_TWO_LAYER_NET.mistake("weights start at zero", "with all weights zero every hidden unit computes the same thing "
                            "and ReLU passes back zero gradients: nothing can learn. Start from He initialisation.")(
    _training(init="zeros"))

TRAIN_TWO_LAYER_NET.mistake("initial weights far too small", "weights of 0.01·N(0, 1) shrink the signal at every "
                            "layer, so the scores start almost equal and the gradients reaching the first layer are "
                            "tiny: the run learns, but far too slowly to get anywhere in the epochs given. He "
                            "initialisation (the exercise's) scales each layer's weights to its number of inputs.")(
    _training(init="small"))

TRAIN_TWO_LAYER_NET.mistake("history recorded once", "the history has one entry per epoch: measure and append inside "
                            "the loop, not once after it.")(_training(record="once"))

TRAIN_TWO_LAYER_NET.mistake("one epoch short", "the loop runs one epoch fewer than asked: range(epochs) already "
                            "counts epochs 0 to epochs − 1.")(_training(epochs_offset=-1))

TRAIN_TWO_LAYER_NET.mistake("loss summed, not averaged", "the loss recorded is the mean over the batch (that is what "
                            "categorical cross-entropy returns), not the sum of the per-sample losses.")(
    _training(summed_loss=True))

TRAIN_TWO_LAYER_NET.mistake("accuracy in percent", "accuracy is a fraction in [0, 1], not a percentage.")(
    _training(accuracy_scale=100.0))

TRAIN_TWO_LAYER_NET.mistake("np.random instead of rng", "np.random's functions use NumPy's hidden global state, so "
                            "two runs differ for no visible reason: draw the initial weights from the rng argument.")(
    _training(draw="global"))

TRAIN_TWO_LAYER_NET.mistake("own Generator instead of rng", "a Generator made inside the function ignores the rng the "
                            "caller passed, so every seed gives the same run: draw from rng, and make a Generator "
                            "only when rng is None.")(_training(draw="own"))

TRAIN_TWO_LAYER_NET.mistake("params as a list", "params is a dict keyed W1, b1, W2, b2, the keys the forward and "
                            "backward passes read.")(_training(as_list=True))


@TRAIN_TWO_LAYER_NET.alternative
def _train_own_passes(X, y, hidden_size=100, learning_rate=2.0, epochs=4000, decay=5e-4, rng=None):
    """Its own forward and backward with one-hot labels, Xavier-scaled weights and other defaults."""
    rng = np.random.default_rng(0) if rng is None else rng
    X = X.astype(float)
    labels = np.asarray(y, dtype=int)
    onehot = np.eye(labels.max() + 1)[labels]
    W1 = rng.normal(0.0, np.sqrt(2.0 / X.shape[1]), (X.shape[1], hidden_size))
    W2 = rng.normal(0.0, np.sqrt(1.0 / hidden_size), (hidden_size, onehot.shape[1]))
    params = {"W1": W1, "b1": np.zeros(hidden_size), "W2": W2, "b2": np.zeros(onehot.shape[1])}
    history = {"loss": [], "accuracy": []}
    for epoch in range(epochs):
        hidden = np.maximum(X @ params["W1"] + params["b1"], 0.0)
        logits = hidden @ params["W2"] + params["b2"]
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        history["loss"].append(float(-np.mean(np.log(np.clip((probs * onehot).sum(axis=1), 1e-7, 1.0)))))
        history["accuracy"].append(float(np.mean(probs.argmax(axis=1) == labels)))
        dlogits = (probs - onehot) / len(X)
        dhidden = (dlogits @ params["W2"].T) * (hidden > 0)
        grads = {"W2": hidden.T @ dlogits, "b2": dlogits.sum(axis=0), "W1": X.T @ dhidden, "b1": dhidden.sum(axis=0)}
        rate = learning_rate / (1.0 + decay * epoch)
        for name, grad in grads.items():
            params[name] -= rate * grad
    return params, history


@TRAIN_TWO_LAYER_NET.alternative
def _train_records_after_update(X, y, hidden_size=100, learning_rate=2.0, epochs=3000, decay=5e-4, rng=None):
    """course_lib's pieces, the history measured after each epoch's update, numbered epochs from 1."""
    if rng is None:
        rng = np.random.default_rng(0)
    X = np.asarray(X, dtype=np.float64)
    W1, b1 = layers.init_dense(X.shape[1], hidden_size, rng, "he")
    W2, b2 = layers.init_dense(hidden_size, int(np.max(y)) + 1, rng, "he")
    params = dict(W1=W1, b1=b1, W2=W2, b2=b2)
    history = dict(loss=[], accuracy=[])
    probs, cache = training.two_layer_forward(X, params)
    for epoch in range(1, epochs + 1):
        grads = training.two_layer_backward(probs, y, cache, params)
        training.sgd_update(params, grads, training.decayed_learning_rate(learning_rate, decay, epoch - 1))
        probs, cache = training.two_layer_forward(X, params)
        history["loss"].append(losses.categorical_cross_entropy(probs, y))
        history["accuracy"].append(losses.accuracy(probs, y))
    return params, history


NOTEBOOK = Notebook("06_training_loop", [SGD_UPDATE, DECAYED_LEARNING_RATE, TRAIN_TWO_LAYER_NET])
CHECKS = NOTEBOOK.checks
