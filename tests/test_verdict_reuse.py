"""While a student works, a check judges each version of a function once: the grade cell, the "see it"
cell's passing_or_reference and Check everything reuse its verdict until the function, or a global it
reads, is redefined."""

import contextlib
import io

import numpy as np
import pytest

from autograde_tests import core, nb03, nb06
from course_lib import training

pytestmark = pytest.mark.nb03


def _namespace(source):
    namespace = {"np": np}
    exec(source, namespace)  # a notebook's cell, as the kernel runs it
    return namespace


def _judge(check, fn, hidden=False):
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        try:
            check(fn, hidden=hidden)
        except core.CheckFailed as failure:
            return str(failure)
    return output.getvalue()


def test_the_same_function_is_judged_once_and_gets_the_same_verdict_again():
    namespace = _namespace("calls = []\ndef relu(z):\n    calls.append(1)\n    return np.maximum(z, 0)")
    relu = namespace["relu"]
    first = _judge(nb03.check_relu, relu)
    judged = len(namespace["calls"])
    assert first.startswith("✓") and judged > 0
    assert _judge(nb03.check_relu, relu) == first and len(namespace["calls"]) == judged
    assert core.passing_or_reference(relu, nb03.check_relu, lambda z: None) is relu
    assert len(namespace["calls"]) == judged
    # The hidden cases are other cases: they are judged.
    _judge(nb03.check_relu, relu, hidden=True)
    assert len(namespace["calls"]) > judged


def test_a_failure_is_given_again_word_for_word_until_the_function_is_redefined():
    namespace = _namespace("def relu(z):\n    return np.abs(z)")
    failure = _judge(nb03.check_relu, namespace["relu"])
    assert "relu failed on" in failure
    assert _judge(nb03.check_relu, namespace["relu"]) == failure
    exec("def relu(z):\n    return np.maximum(z, 0)", namespace)
    assert _judge(nb03.check_relu, namespace["relu"]).startswith("✓")


def test_redefining_a_helper_the_function_calls_judges_it_again():
    namespace = _namespace(
        "def sgd_update(params, grads, lr):\n"
        "    for key in params:\n"
        "        params[key] -= lr * grads[key]\n"
        "def decayed_learning_rate(lr0, decay, step):\n"
        "    return lr0 / (1 + decay * step)\n")
    namespace["training"] = training
    exec("def train_two_layer_net(X, y, hidden_size=64, learning_rate=3.0, epochs=3000, decay=1e-3, rng=None):\n"
         "    sgd_update({}, {}, 0.0)\n"
         "    decayed_learning_rate(learning_rate, decay, 0)\n"
         "    return training.train_two_layer_net(X, y, hidden_size, learning_rate, epochs, decay, rng)\n",
         namespace)
    fn = namespace["train_two_layer_net"]
    key_before = core._verdict_key(fn, nb06.TRAIN_TWO_LAYER_NET, [])
    exec("def sgd_update(params, grads, lr):\n    pass\n", namespace)
    key_after = core._verdict_key(fn, nb06.TRAIN_TWO_LAYER_NET, [])
    assert key_before[0] == key_after[0] and key_before[1] != key_after[1]


def test_a_function_in_the_graders_worker_is_never_judged_from_memory():
    class Remote:
        __globals__ = {}

        def call_student_remotely(self, case, parameter_names):
            raise AssertionError("not called here")

    assert core._verdict_key(Remote(), nb03.RELU, []) is None
