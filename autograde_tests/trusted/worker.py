"""The process that runs one student's notebook cells for the grader: `python -m autograde_tests.trusted.worker`.

It reads requests from stdin (multiprocessing.connection messages, each a pickle written by the grader,
which this process trusts) and answers on stdout with one message of codec JSON each (which the grader
decodes without trusting it). Before any student code runs, the protocol's streams are moved to private
descriptors and the student's stdout and stderr are captured per cell, so nothing the student prints
reaches the grader. The worker's own modules are then taken out of sys.modules: a student's cell that
imports autograde_tests gets fresh copies, so replacing their functions changes nothing the worker runs.

Requests: ("run", source, limits.Budget) executes a cell in an IPython shell, stopped from inside when it
runs past its time limits (like Jupyter's interrupt: what the cell defined before stays); ("lookup",
name) says whether a name is a function; ("names", name) lists the global names a function refers to;
("call", name, case, parameter names, (module, qualname) of the reference being graded) calls the
student's function through calling.call_student and returns the Outcome as data.
"""

import contextlib
import dataclasses
import importlib
import io
import os
import pickle
import sys
import time


def _protocol_streams():
    """Private copies of stdin and stdout for the protocol; fds 0, 1 and 2 then point at /dev/null."""
    from multiprocessing.connection import Connection

    incoming, outgoing = Connection(os.dup(0), writable=False), Connection(os.dup(1), readable=False)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    sys.stdin = io.StringIO()
    return incoming, outgoing


class _Requests(pickle.Unpickler):
    """Reads the grader's requests with the worker's own modules (`private`), not with copies a student's
    cell may have imported and changed."""

    def __init__(self, file, private):
        super().__init__(file)
        self.private = private

    def find_class(self, module, name):
        if module in self.private:
            return getattr(self.private[module], name)
        return super().find_class(module, name)


def _reference(location):
    if location is None:
        return None
    module, name = location
    return getattr(importlib.import_module(module), name)


def _watched_call(calling, fn, case, names, reference):
    """calling.call_student, with a profile hook that notices whether the reference's code ran.

    The code is recognised by file, line and name, so a reloaded copy of the module counts too.
    """
    code = getattr(reference, "__code__", None)
    if code is None:
        return calling.call_student(fn, case, names)
    target = (code.co_filename, code.co_firstlineno, code.co_name)
    seen = []

    def profile(frame, event, arg):
        if event == "call" and not seen:
            called = frame.f_code
            if (called.co_filename, called.co_firstlineno, called.co_name) == target:
                seen.append(True)

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        outcome = calling.call_student(fn, case, names)
    finally:
        removed = sys.getprofile() is not profile
        sys.setprofile(previous)
    if seen or removed:
        outcome.called_reference = f"{reference.__module__}.{reference.__name__}" + (
            "" if seen else " (or switched off the grader's watch for it)")
    return outcome


def _run_cell(shell, source, budget, limits):
    stdout, stderr = io.StringIO(), io.StringIO()
    start = time.process_time()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        with limits.enforced(budget):
            result = shell.run_cell(source, store_history=False, silent=False)
    error = result.error_in_exec or result.error_before_exec
    stopped = isinstance(error, limits.TimeLimitExceeded)
    return {
        "stdout": stdout.getvalue()[-20_000:],
        "stderr": stderr.getvalue()[-20_000:],
        "error": None if error is None or stopped else [type(error).__name__, str(error)[:2000]],
        "stopped": [error.kind, error.cpu_seconds, error.wall_seconds] if stopped else None,
        "cpu_seconds": time.process_time() - start,
    }


def main():
    incoming, outgoing = _protocol_streams()
    os.environ.setdefault("MPLBACKEND", "Agg")
    # One BLAS thread for everything the student's code runs (autograde_tests.limits says why); the
    # environment reaches any process it starts, threadpoolctl the libraries already loaded.
    os.environ.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    from IPython.core.interactiveshell import InteractiveShell
    from threadpoolctl import threadpool_limits

    from autograde_tests import calling, limits
    from autograde_tests.trusted import codec

    threadpool_limits(1)
    private = {name: sys.modules.pop(name) for name in list(sys.modules)
               if name == "autograde_tests" or name.startswith("autograde_tests.")}

    shell = InteractiveShell.instance()
    namespace = shell.user_ns
    while True:
        try:
            request = _Requests(io.BytesIO(incoming.recv_bytes()), private).load()
        except EOFError:
            return
        try:
            answer = _answer(request, shell, namespace, calling, limits)
        except Exception as error:  # a broken request is the grader's bug, a student's patch of NumPy theirs
            answer = {"worker error": f"{type(error).__name__}: {error}"[:2000]}
        outgoing.send_bytes(codec.dumps(answer).encode())


def _answer(request, shell, namespace, calling, limits):
    op = request[0]
    if op == "run":
        return _run_cell(shell, request[1], request[2], limits)
    if op == "lookup":
        value = namespace.get(request[1], calling)
        return {"function": callable(value) and value is not calling,
                "value": None if value is calling else (value if not callable(value) else None)}
    if op == "names":
        return sorted(calling.referenced_names(namespace[request[1]]))
    if op == "call":
        _, name, case, names, reference = request
        return dataclasses.asdict(_watched_call(calling, namespace[name], case, names, _reference(reference)))
    return {"unknown request": op}


if __name__ == "__main__":
    main()
