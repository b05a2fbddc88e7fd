"""A student's notebook running in a worker process, seen from the grader's side.

A Session executes the notebook's code cells in order in a worker (see worker.py), and calls the
student's functions there for the checks, which run here. A cell that runs past its time limits is
stopped inside the worker, as Jupyter's interrupt would, and what it defined before stays. A cell or a
call that kills the worker, or does not answer, loses nothing else: the worker is killed, a new one
replays the cells before it, then the lost cell's statements one by one up to the one that killed it,
and the session goes on. Time limits are autograde_tests.limits'.
"""

import ast
import os
import pickle
import signal
import subprocess
import sys
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection

from autograde_tests import calling, limits
from autograde_tests.trusted import codec, sandbox


class WorkerLost(Exception):
    """The worker died or ran past its time limit, and was killed; or (`failure`) it could not do what
    was asked, most likely because the student's code replaced something the worker uses."""

    def __init__(self, timed_out, failure=""):
        super().__init__(failure or ("timed out" if timed_out else "ended"))
        self.timed_out, self.failure = timed_out, failure


class _Worker:
    # The worker's answers are codec JSON that the grader decodes without trusting it, never pickles; one
    # answer may not exceed this many bytes (a longer one is refused, and the worker counts as lost).
    MAX_ANSWER_BYTES = 256 << 20

    def __init__(self, cwd):
        self.sandbox = sandbox.Sandbox(cwd)  # its private copy of cwd goes when this worker does
        self.process = subprocess.Popen(
            self.sandbox.command([sys.executable, "-m", "autograde_tests.trusted.worker"]), cwd=self.sandbox.cwd,
            env=self.sandbox.env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
        # multiprocessing's length-prefixed messages over the child's stdin and stdout (measured against a
        # line protocol and a Jupyter kernel: benchmarks/bench_worker_channel.py).
        self.requests = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self.answers = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()

    def request(self, message, timeout):
        # Cases travel by pickle (the worker trusts the grader): a check's arguments must be data, or
        # functions and classes defined at module level. A TypeError or AttributeError here is a bug in a check.
        payload = pickle.dumps(message)
        try:
            self.requests.send_bytes(payload)
            if not self.answers.poll(timeout):
                self.kill()
                raise WorkerLost(timed_out=True)
            answer = codec.loads(self.answers.recv_bytes(self.MAX_ANSWER_BYTES).decode())
        except (EOFError, OSError, ValueError, UnicodeDecodeError):
            self.kill()
            raise WorkerLost(timed_out=False) from None
        if isinstance(answer, dict) and "worker error" in answer:
            self.kill()
            raise WorkerLost(timed_out=False, failure=str(answer["worker error"]))
        return answer

    def kill(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        self.requests.close()
        self.answers.close()


@dataclass
class CellRun:
    """What happened when a cell ran: its output, the CPU seconds it used, and `lost` when it ran past
    its time limits (`stopped`: "cpu", "idle" or "wall") or killed its worker. `replay`: what a new
    worker runs again of it (of a cell that killed a worker, the statements before the one that did)."""

    stdout: str = ""
    stderr: str = ""
    error: tuple | None = None
    lost: str = ""
    stopped: str = ""
    cpu_seconds: float = 0.0
    replay: tuple = ()


def _statements(source):
    """The cell's top-level statements as sources of their own (the whole cell if it is not plain Python)."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return [source]
    lines = source.splitlines(keepends=True)
    starts = [min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) for node in body]
    return ["".join(lines[start - 1 : node.end_lineno]) for start, node in zip(starts, body)] or [source]


@dataclass
class Session:
    """One student's notebook: code cells (index, source) in order, run lazily up to where a check needs.

    cell_cpu_seconds: the CPU budget of one cell. `timed_out` lists what a wall-clock limit stopped,
    which a busy machine rather than the student may have caused."""

    cells: list
    cwd: str = "."
    cell_cpu_seconds: float = limits.CELL_CPU_SECONDS
    runs: dict = field(default_factory=dict)
    timed_out: list = field(default_factory=list)
    work: dict = field(default_factory=dict)
    _worker: _Worker | None = None
    _position: int = 0

    def run_until(self, index, skip=()):
        """Run every code cell before notebook cell `index` that has not run yet, except the cells in
        `skip` (which get no CellRun); the CellRuns by cell index."""
        while self._position < len(self.cells) and self.cells[self._position][0] < index:
            cell_index, source = self.cells[self._position]
            self._position += 1
            if cell_index not in skip:
                self.runs[cell_index] = self._run(cell_index, source)
        return self.runs

    def _run_in_worker(self, source):
        budget = limits.budget(self.cell_cpu_seconds)
        return self._ensure_worker().request(("run", source, budget), budget.grader_seconds)

    def _run(self, cell_index, source):
        try:
            answer = self._run_in_worker(source)
        except WorkerLost as lost:
            self._worker = None
            run = self._run_statements(source, lost)
        else:
            run = CellRun(answer["stdout"], answer["stderr"], tuple(answer["error"]) if answer["error"] else None,
                          cpu_seconds=answer["cpu_seconds"], replay=(source,))
            if answer["stopped"]:
                run.stopped, cpu, wall = answer["stopped"]
                run.lost = (f"used more than its {self.cell_cpu_seconds:g} s of CPU time" if run.stopped == "cpu"
                            else f"was stopped after {wall:.0f} s on the clock, having used only {cpu:.1f} s "
                                 "of CPU time (it waited, or the machine was very busy)")
        if run.stopped and run.stopped != "cpu":
            self.timed_out.append(f"cell {cell_index} {run.lost}")
        return run

    def _run_statements(self, source, lost):
        """After `source` killed or hung a worker: run its statements one by one in a new worker, up to
        the one that does it again, so that what the cell defined before that statement stays."""
        kept = []
        for statement in _statements(source):
            try:
                self._run_in_worker(statement)
            except WorkerLost:
                self._worker = None
                break
            kept.append(statement)
        if lost.timed_out:
            return CellRun(lost="did not answer within its time limits and was stopped", stopped="wall",
                           replay=tuple(kept))
        return CellRun(lost="ended the Python process", replay=tuple(kept))

    def _ensure_worker(self):
        """The worker, started anew if needed with what the cells run so far left behind replayed."""
        if self._worker is None:
            self._worker = _Worker(self.cwd)
            budget = limits.budget(self.cell_cpu_seconds)
            for run in self.runs.values():
                for source in run.replay:
                    try:
                        self._worker.request(("run", source, budget), budget.grader_seconds)
                    except WorkerLost:
                        self._worker = _Worker(self.cwd)
        return self._worker

    def request(self, message, timeout):
        try:
            return self._ensure_worker().request(message, timeout)
        except WorkerLost:
            self._worker = None
            raise

    def student_function(self, name):
        """What the student's notebook binds to `name`: a RemoteFunction, or the value (None if undefined)."""
        try:
            answer = self.request(("lookup", name), limits.WORKER_START_SECONDS)
        except WorkerLost:
            return None
        return RemoteFunction(self, name) if answer["function"] else answer["value"]

    def close(self):
        if self._worker is not None:
            self._worker.kill()
            self._worker = None


class RemoteFunction:
    """A student's function living in a Session's worker. calling.call_student calls it through
    `call_student_remotely`; it is never called here."""

    def __init__(self, session, name, reference=None):
        self.session, self.__name__, self.reference = session, name, reference

    def __call__(self, *args, **kwargs):
        raise RuntimeError("a RemoteFunction runs in the student's worker, through calling.call_student")

    def __repr__(self):
        return f"<your function {self.__name__}>"

    def call_student_remotely(self, case, parameter_names):
        reference = (self.reference.__module__, self.reference.__name__) if self.reference else None
        # The grader decides the limits: the worker applies the Budget it is sent.
        case = replace(case, budget=case.budget or limits.call_budget())
        try:
            fields = self.session.request(("call", self.__name__, case, list(parameter_names), reference),
                                          case.budget.grader_seconds)
        except WorkerLost as lost:
            if lost.timed_out:
                self.session.timed_out.append(f"a call of {self.__name__} did not answer and was stopped")
                return calling.Outcome(timed_out="wall", wall_seconds=case.budget.grader_seconds)
            if lost.failure:
                return calling.Outcome(error_type="GraderCallFailed",
                                       error_message=f"the grader's code could not call your function "
                                                     f"({lost.failure}): does your notebook replace a function of "
                                                     "NumPy or Python?")
            return calling.Outcome(error_type="ProcessEnded",
                                   error_message="the Python process running your code ended during the call "
                                                 "(os._exit, a crash, or running out of memory)")
        fields = {k: v for k, v in fields.items() if k in calling.Outcome.__dataclass_fields__}
        for name in ("warnings", "mutated", "generators_used"):
            fields[name] = tuple(fields.get(name, ()))
        outcome = calling.Outcome(**fields)
        self.session.work[self.__name__] = self.session.work.get(self.__name__, 0.0) + outcome.cpu_seconds
        if outcome.timed_out in ("idle", "wall"):
            self.session.timed_out.append(f"a call of {self.__name__} was stopped after "
                                          f"{outcome.wall_seconds:.0f} s on the clock")
        return outcome

    def referenced_names(self):
        try:
            return set(self.session.request(("names", self.__name__), limits.WORKER_START_SECONDS))
        except WorkerLost:
            return set()

    def sibling(self, name):
        found = self.session.student_function(name)
        return found if isinstance(found, RemoteFunction) else None
