"""A student's notebook running in a worker process, seen from the grader's side.

A Session executes the notebook's code cells in order in a worker (see worker.py), and calls the
student's functions there for the checks, which run here. A cell or a call that kills the worker, or
runs past its time limit, loses nothing else: the worker is killed (never merely interrupted), a new one
replays the cells before it (skipping the cells that killed or hung a worker), and the session goes on.
"""

import base64
import os
import pickle
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

from autograde_tests import core
from autograde_tests.trusted import codec

# Seconds a worker may take to start, and the margin a call gets on top of the check's own time limit.
START_TIME_LIMIT = 30.0
CALL_MARGIN = 5.0


class WorkerLost(Exception):
    """The worker died or ran past its time limit, and was killed."""

    def __init__(self, timed_out):
        super().__init__("timed out" if timed_out else "ended")
        self.timed_out = timed_out


class _Worker:
    def __init__(self, cwd):
        env = dict(os.environ, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograde_tests.trusted.worker"], cwd=cwd, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
        self._buffer = b""

    def request(self, message, timeout):
        # Cases travel by pickle (the worker trusts the grader): a check's arguments must be data, or
        # functions and classes defined at module level. A TypeError or AttributeError here is a bug in a check.
        payload = base64.b64encode(pickle.dumps(message)) + b"\n"
        try:
            self.process.stdin.write(payload)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            self.kill()
            raise WorkerLost(timed_out=False) from None
        deadline = time.monotonic() + timeout
        stream = self.process.stdout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([stream], [], [], max(remaining, 0))
            if not ready:
                self.kill()
                raise WorkerLost(timed_out=True)
            chunk = os.read(stream.fileno(), 1 << 20)
            if not chunk:
                self.kill()
                raise WorkerLost(timed_out=False)
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            return codec.loads(line.decode())
        except (ValueError, UnicodeDecodeError):
            self.kill()
            raise WorkerLost(timed_out=False) from None

    def kill(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


@dataclass
class CellRun:
    """What happened when a cell ran: its output, and `lost` when it killed or hung its worker."""

    stdout: str = ""
    stderr: str = ""
    error: tuple | None = None
    lost: str = ""


@dataclass
class Session:
    """One student's notebook: code cells (index, source) in order, run lazily up to where a check needs."""

    cells: list
    cwd: str = "."
    cell_time_limit: float = 30.0
    runs: dict = field(default_factory=dict)
    _worker: _Worker | None = None
    _position: int = 0

    def run_until(self, index):
        """Run every code cell before notebook cell `index` that has not run yet; their CellRuns."""
        while self._position < len(self.cells) and self.cells[self._position][0] < index:
            cell_index, source = self.cells[self._position]
            self._position += 1
            self.runs[cell_index] = self._run(cell_index, source)
        return self.runs

    def _run(self, cell_index, source):
        try:
            answer = self._ensure_worker(self._position - 1).request(("run", source), self.cell_time_limit)
        except WorkerLost as lost:
            self._worker = None
            reason = "ran longer than the cell time limit" if lost.timed_out else "ended the Python process"
            return CellRun(lost=reason)
        return CellRun(answer["stdout"], answer["stderr"], tuple(answer["error"]) if answer["error"] else None)

    def _ensure_worker(self, replay_upto):
        """The worker, started anew if needed with the first `replay_upto` cells replayed (except those
        that killed or hung a worker)."""
        if self._worker is None:
            self._worker = _Worker(self.cwd)
            for cell_index, source in self.cells[:replay_upto]:
                if not self.runs.get(cell_index, CellRun()).lost:
                    try:
                        self._worker.request(("run", source), self.cell_time_limit)
                    except WorkerLost:
                        self._worker = _Worker(self.cwd)
        return self._worker

    def request(self, message, timeout):
        try:
            return self._ensure_worker(self._position).request(message, timeout)
        except WorkerLost:
            self._worker = None
            raise

    def student_function(self, name):
        """What the student's notebook binds to `name`: a RemoteFunction, or the value (None if undefined)."""
        try:
            answer = self.request(("lookup", name), START_TIME_LIMIT)
        except WorkerLost:
            return None
        return RemoteFunction(self, name) if answer["function"] else answer["value"]

    def close(self):
        if self._worker is not None:
            self._worker.kill()
            self._worker = None


class RemoteFunction:
    """A student's function living in a Session's worker. core.call_student calls it through
    `call_student_remotely`; it is never called here."""

    def __init__(self, session, name, reference=None):
        self.session, self.__name__, self.reference = session, name, reference

    def __call__(self, *args, **kwargs):
        raise RuntimeError("a RemoteFunction runs in the student's worker, through core.call_student")

    def __repr__(self):
        return f"<your function {self.__name__}>"

    def call_student_remotely(self, case, parameter_names):
        reference = (self.reference.__module__, self.reference.__name__) if self.reference else None
        limit = (case.time_limit or core.CALL_TIME_LIMIT) + CALL_MARGIN
        try:
            fields = self.session.request(("call", self.__name__, case, list(parameter_names), reference), limit)
        except WorkerLost as lost:
            if lost.timed_out:
                return core.Outcome(timed_out=True)
            return core.Outcome(error_type="ProcessEnded",
                                error_message="the Python process running your code ended during the call "
                                              "(os._exit, a crash, or running out of memory)")
        fields = {k: v for k, v in fields.items() if k in core.Outcome.__dataclass_fields__}
        for name in ("warnings", "mutated", "generators_used"):
            fields[name] = tuple(fields.get(name, ()))
        return core.Outcome(**fields)

    def referenced_names(self):
        try:
            return set(self.session.request(("names", self.__name__), START_TIME_LIMIT))
        except WorkerLost:
            return set()

    def sibling(self, name):
        found = self.session.student_function(name)
        return found if isinstance(found, RemoteFunction) else None
