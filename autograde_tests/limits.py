"""Every limit on time in the grader, in one table, and the one mechanism that enforces them.

A verdict never depends on how busy the machine is. Slowness is judged on the work the student's code
does: the CPU time of the process that runs it, with NumPy's BLAS pinned to one thread (with its default
threads, OpenBLAS spins while it waits for busy cores, and a capstone training measured 10-70 times its
one-thread CPU time on a loaded 2-core machine). CPU time barely moves with load: the reference capstone
training measured 3.0 s of CPU quiet and 3.7 s beside four CPU-bound processes on 2 cores, while its wall
time went from 3.1 s to 27-30 s. Wall-clock limits only stop code that waits instead of working (sleep,
input, a deadlock), and are set generously; when one fires, the message says the machine may have been
busy, and class grading retries the submission (docs/TIME_LIMITS.md).

| limit                        | value      | applies to                                                   |
|------------------------------|------------|--------------------------------------------------------------|
| CALL_CPU_SECONDS             | 5 s CPU    | one call of a student's function (most take milliseconds)    |
| TRAINING_CPU_FACTOR          | 10 x       | a training check: the reference's CPU time for one training, |
| MIN_TRAINING_CPU_SECONDS     | 2 s CPU    | measured on the same machine, times 10 (at least 2 s)        |
| CELL_CPU_SECONDS             | 30 s CPU   | one student cell while grading (TrustedExecute.timeout)      |
| IDLE_SECONDS, IDLE_CPU_SHARE | 10 s, 2 %  | a call or cell that used under 2 % of a core for 10 s waits  |
| WALL_FACTOR, MIN_WALL_SECONDS| 10 x, 60 s | last resort: wall time past 10 x the CPU limit (at least 60) |
| GRADER_MARGIN_SECONDS        | 10 s       | the grader kills a worker that has not answered by then      |
| WORKER_START_SECONDS         | 60 s       | starting a grading worker (imports NumPy and IPython)        |
| WORKER_CPU_SECONDS           | 600 s CPU  | the whole worker process (the sandbox's rlimit): a backstop  |
| SLOW_CPU_SECONDS             | 5 s CPU    | a cell or function reported as slow in integrity_report.json |

Why these values: references of plain functions take milliseconds, so 5 s of CPU only stops a runaway
loop; ../shared/COURSE_CONTRACT.md fixes a training's budget at about ten times the reference's work; a
process that is runnable gets far more than 2 % of a core even on a machine loaded 8 times over, so
using less than that for 10 s means waiting; 10 x the CPU limit in wall time is reached only when the
machine gives the call less than a tenth of a core throughout.
"""

import contextlib
import ctypes
import signal
import threading
import time
from dataclasses import dataclass

from threadpoolctl import ThreadpoolController

CALL_CPU_SECONDS = 5.0
TRAINING_CPU_FACTOR = 10.0
MIN_TRAINING_CPU_SECONDS = 2.0
CELL_CPU_SECONDS = 30.0
IDLE_SECONDS = 10.0
IDLE_CPU_SHARE = 0.02
WALL_FACTOR = 10.0
MIN_WALL_SECONDS = 60.0
GRADER_MARGIN_SECONDS = 10.0
WORKER_START_SECONDS = 60.0
WORKER_CPU_SECONDS = 600
SLOW_CPU_SECONDS = 5.0
# How often the limits are looked at while a call runs; the CPU limit is enforced to within this much.
TICK_SECONDS = 0.05

_blas = None


def one_blas_thread():
    """A context in which NumPy's BLAS uses one thread (threadpoolctl; the libraries are looked up once)."""
    global _blas
    if _blas is None:
        _blas = ThreadpoolController()
    return _blas.limit(limits=1, user_api="blas")


class TimeLimitExceeded(BaseException):
    """Raised inside the student's code when it runs past a limit (a BaseException, so that `except
    Exception` in student code does not swallow it; the limit is raised again every tick until it
    leaves). `kind` is "cpu" (too much work), "idle" (waiting) or "wall" (the last-resort clock)."""

    def __init__(self, kind, cpu_seconds, wall_seconds):
        super().__init__(kind)
        self.kind, self.cpu_seconds, self.wall_seconds = kind, cpu_seconds, wall_seconds


@dataclass(frozen=True)
class Budget:
    """The limits of one call or cell, decided by the grader and sent with the call: CPU seconds of work,
    the seconds after which a call that hardly used the CPU is waiting, and the wall-clock backstop."""

    cpu_seconds: float
    idle_seconds: float
    wall_seconds: float

    @property
    def grader_seconds(self):
        """How long the grader waits for a worker's answer before it kills the worker."""
        return self.wall_seconds + GRADER_MARGIN_SECONDS

    def exceeded(self, cpu, wall):
        """The kind of limit that (cpu, wall) seconds used so far runs past, or None."""
        if cpu > self.cpu_seconds:
            return "cpu"
        if wall > self.idle_seconds and cpu < IDLE_CPU_SHARE * wall:
            return "idle"
        if wall > self.wall_seconds:
            return "wall"
        return None


def budget(cpu_seconds):
    """The Budget of `cpu_seconds` of work, with this table's rules for waiting and the backstop."""
    return Budget(cpu_seconds, IDLE_SECONDS, max(MIN_WALL_SECONDS, WALL_FACTOR * cpu_seconds))


def call_budget():
    """The Budget of a plain call of a student's function."""
    return budget(CALL_CPU_SECONDS)


def _process_cpu():
    return time.process_time()


@contextlib.contextmanager
def enforced(budget):
    """Run the block with NumPy's BLAS on one thread, and raise TimeLimitExceeded inside it when it runs
    past `budget`.

    On the main thread a periodic SIGALRM checks the limits (it also interrupts a sleep); on any other
    thread a watchdog thread checks them against that thread's own CPU clock and raises the exception in
    it asynchronously (which takes effect at its next Python instruction).
    """
    with one_blas_thread():
        if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
            with _enforced_by_signal(budget):
                yield
        else:
            with _enforced_by_watchdog(budget):
                yield


@contextlib.contextmanager
def _enforced_by_signal(budget):
    cpu_start, wall_start = _process_cpu(), time.monotonic()

    def tick(signum, frame):
        cpu, wall = _process_cpu() - cpu_start, time.monotonic() - wall_start
        kind = budget.exceeded(cpu, wall)
        if kind is not None:
            raise TimeLimitExceeded(kind, cpu, wall)

    previous = signal.signal(signal.SIGALRM, tick)
    signal.setitimer(signal.ITIMER_REAL, TICK_SECONDS, TICK_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _enforced_by_watchdog(budget):
    target = threading.get_ident()
    clock = time.pthread_getcpuclockid(target)
    cpu_start, wall_start = time.clock_gettime(clock), time.monotonic()
    done = threading.Event()

    def watch():
        while not done.wait(TICK_SECONDS):
            cpu, wall = time.clock_gettime(clock) - cpu_start, time.monotonic() - wall_start
            kind = budget.exceeded(cpu, wall)
            if kind is not None:
                _raise_in_thread(target, _exceeded_class(kind, cpu, wall))

    watchdog = threading.Thread(target=watch, name="time-limit watchdog", daemon=True)
    watchdog.start()
    try:
        yield
    finally:
        done.set()
        watchdog.join()


def _exceeded_class(kind, cpu, wall):
    """PyThreadState_SetAsyncExc raises a class (called without arguments): one that carries the figures."""
    return type("TimeLimitExceeded", (TimeLimitExceeded,),
                {"__init__": lambda self: TimeLimitExceeded.__init__(self, kind, cpu, wall)})


def _raise_in_thread(thread_id, exception_class):
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exception_class))


def cpu_seconds_of(run):
    """CPU seconds that run() takes on the calling thread, with BLAS on one thread (as student code gets)."""
    with one_blas_thread():
        start = time.thread_time()
        run()
        return time.thread_time() - start


_calibrations = {}


def calibrations():
    """The reference trainings' CPU seconds measured in this process so far, {key: seconds}."""
    return dict(_calibrations)


def adopt_calibrations(measured):
    """Use CPU seconds that the grading process's parent measured (calibrations()) instead of measuring."""
    _calibrations.update(measured)


def training_budget(key, reference_run):
    """The CPU budget of one training of a student's function: TRAINING_CPU_FACTOR times what the
    course's reference needs for `reference_run` (a function of no arguments) on this machine, measured
    once per process and kept under `key`."""
    if key not in _calibrations:
        _calibrations[key] = cpu_seconds_of(reference_run)
    return budget(max(MIN_TRAINING_CPU_SECONDS, TRAINING_CPU_FACTOR * _calibrations[key]))
