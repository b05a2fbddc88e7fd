"""autograde_tests.limits: CPU budgets, the waiting and wall-clock backstops, and where they are enforced.
No test here asserts how long anything took: only which limit stopped a call, or that none did."""

import threading
import time

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from autograde_tests import core, limits, nb03


def _spin(seconds):
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass


def _stopped_by(budget, work):
    try:
        with limits.enforced(budget):
            work()
    except limits.TimeLimitExceeded as stopped:
        return stopped.kind
    return None


def test_a_budget_tells_work_from_waiting_and_from_the_last_resort():
    budget = limits.Budget(cpu_seconds=2.0, idle_seconds=10.0, wall_seconds=60.0)
    assert budget.exceeded(cpu=2.5, wall=3.0) == "cpu"
    assert budget.exceeded(cpu=0.1, wall=11.0) == "idle"
    # A call that works, slowly because the machine is busy, is neither waiting nor over its work.
    assert budget.exceeded(cpu=1.0, wall=50.0) is None
    assert budget.exceeded(cpu=1.9, wall=61.0) == "wall"
    assert limits.budget(5.0).wall_seconds == limits.MIN_WALL_SECONDS
    assert limits.budget(30.0).wall_seconds == limits.WALL_FACTOR * 30.0


def test_work_past_the_budget_is_stopped_on_cpu_time_and_waiting_on_the_clock(monkeypatch):
    monkeypatch.setattr(limits, "IDLE_SECONDS", 0.3)
    assert _stopped_by(limits.budget(0.2), lambda: _spin(10)) == "cpu"
    assert _stopped_by(limits.budget(5.0), lambda: time.sleep(10**6)) == "idle"
    assert _stopped_by(limits.budget(5.0), lambda: _spin(0.05)) is None


def test_student_code_that_catches_the_stop_is_stopped_again():
    def stubborn():
        for _ in range(3):
            try:
                _spin(10)
            except BaseException:  # noqa: B036 -- what a student's code might do
                pass
        _spin(10)

    assert _stopped_by(limits.budget(0.1), stubborn) == "cpu"


def test_limits_hold_off_the_main_thread_too(monkeypatch):
    monkeypatch.setattr(limits, "IDLE_SECONDS", 0.3)
    kinds = {}

    def in_a_thread():
        kinds["work"] = _stopped_by(limits.budget(0.2), lambda: _spin(10))
        kinds["wait"] = _stopped_by(limits.budget(5.0), lambda: [time.sleep(0.05) for _ in range(10**6)])

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive() and kinds == {"work": "cpu", "wait": "idle"}


@pytest.mark.skipif(not any(i["user_api"] == "blas" for i in threadpool_info()), reason="no BLAS to pin")
def test_student_code_runs_with_one_blas_thread_and_the_setting_comes_back():
    def blas_threads():
        return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}

    before = blas_threads()
    seen = []
    with limits.enforced(limits.call_budget()):
        seen.append(blas_threads())
    assert seen == [{1}] and blas_threads() == before


def test_a_training_budget_is_ten_times_the_references_cpu_time_measured_once(monkeypatch):
    monkeypatch.setattr(limits, "_calibrations", {})
    monkeypatch.setattr(limits, "MIN_TRAINING_CPU_SECONDS", 0.0)
    runs = []

    def reference():
        runs.append(1)
        _spin(0.05)

    first = limits.training_budget("a training", reference)
    second = limits.training_budget("a training", reference)
    assert runs == [1] and first == second
    assert limits.TRAINING_CPU_FACTOR * 0.05 <= first.cpu_seconds < limits.TRAINING_CPU_FACTOR * 0.2


def test_a_check_in_a_thread_still_stops_a_runaway_student_function(monkeypatch):
    monkeypatch.setattr(limits, "CALL_CPU_SECONDS", 0.2)
    messages = []

    def relu(z):
        while True:
            np.maximum(z, 0)

    def run():
        try:
            nb03.check_relu(relu)
        except core.CheckFailed as failure:
            messages.append(str(failure))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive() and "did not finish within its budget of" in messages[0]


def test_the_grade_command_measures_a_reference_training_once_for_every_grading_process(monkeypatch):
    from autograde_tests import nb12
    from autograde_tests.trusted import grade

    monkeypatch.setattr(limits, "_calibrations", {})
    monkeypatch.setattr(nb12.capstone, "train_spiral_classifier", lambda X, y, rng: _spin(0.01))
    assert grade._calibrations_for("03_activations") == {}  # nothing of 03 trains
    measured = grade._calibrations_for("12_capstone_two_spirals")
    assert set(measured) == {"nb12.train_spiral_classifier"}
    # A grading process adopts what was measured, and measures nothing itself.
    monkeypatch.setattr(limits, "_calibrations", {})
    monkeypatch.setattr(nb12.capstone, "train_spiral_classifier", None)
    limits.adopt_calibrations(measured)
    expected = limits.TRAINING_CPU_FACTOR * measured["nb12.train_spiral_classifier"]
    assert nb12.training_budget() == limits.budget(max(limits.MIN_TRAINING_CPU_SECONDS, expected))
