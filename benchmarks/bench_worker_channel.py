"""Time the grader's channel to a student's worker against the two alternatives issue 13 names.

    python benchmarks/bench_worker_channel.py [--calls 200]

Each channel starts a worker process, has it define a function (one "cell"), then makes N calls of it
on a small array, each a request from the grader and an answer the grader decodes without trusting it
(codec JSON): the same work through
- pipes: autograde_tests.trusted.session's own channel (base64 pickle lines in, codec lines out), with
  the sandbox off so that only the channel is timed;
- connection: multiprocessing.connection over the same pipes (length-prefixed send_bytes/recv_bytes);
- kernel: jupyter_client, an IPython kernel (ZMQ over IPC sockets) that runs each call as an `execute`
  request and sends its answer as the JSON of a display message.
Prints the start-up seconds (worker ready to answer) and the median round trip in milliseconds.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from autograde_tests.cases import Case  # noqa: E402
from autograde_tests.trusted import codec  # noqa: E402

CELL = "import numpy as np\ndef relu(z):\n    return np.maximum(z, 0)\n"
CASE = Case((__import__("numpy").linspace(-1, 1, 100),))

CONNECTION_WORKER = r"""
import os, pickle, sys
from multiprocessing.connection import Connection
from autograde_tests import calling
from autograde_tests.trusted import codec
import dataclasses
incoming, outgoing = Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False)
namespace = {}
while True:
    request = pickle.loads(incoming.recv_bytes())
    if request[0] == "run":
        exec(request[1], namespace)
        answer = {}
    else:
        answer = dataclasses.asdict(calling.call_student(namespace[request[1]], request[2], ["z"]))
    outgoing.send_bytes(codec.dumps(answer).encode())
"""


def _pipes(calls):
    from autograde_tests.trusted.session import _Worker

    os.environ["AUTOGRADE_SANDBOX"] = "off"
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        worker = _Worker(folder)
        worker.request(("run", CELL, None), 60)
        ready = time.perf_counter() - start
        times = []
        for _ in range(calls):
            began = time.perf_counter()
            worker.request(("call", "relu", CASE, ["z"], None), 60)
            times.append(time.perf_counter() - began)
        worker.kill()
    return ready, times


def _connection(calls):
    import pickle

    from_grader, to_worker = os.pipe()
    from_worker, to_grader = os.pipe()
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", CONNECTION_WORKER, str(from_grader), str(to_grader)],
                               pass_fds=(from_grader, to_grader), cwd=REPO)
    os.close(from_grader)
    os.close(to_grader)
    send, receive = Connection(to_worker, readable=False), Connection(from_worker, writable=False)

    def request(message):
        send.send_bytes(pickle.dumps(message))
        if not receive.poll(60):
            raise TimeoutError
        return codec.loads(receive.recv_bytes().decode())

    request(("run", CELL))
    ready = time.perf_counter() - start
    times = []
    for _ in range(calls):
        began = time.perf_counter()
        request(("call", "relu", CASE))
        times.append(time.perf_counter() - began)
    process.kill()
    process.wait()
    return ready, times


def _kernel(calls):
    import pickle
    from base64 import b64encode

    from jupyter_client.manager import KernelManager

    start = time.perf_counter()
    manager = KernelManager(kernel_name="python3", transport="ipc", ip=tempfile.mkdtemp() + "/kernel")
    manager.start_kernel(cwd=str(REPO))
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    client.execute_interactive(CELL + "import base64, dataclasses, json, pickle\nfrom autograde_tests import calling\n"
                               "from autograde_tests.trusted import codec\n", timeout=60)
    ready = time.perf_counter() - start
    times = []
    request = b64encode(pickle.dumps(CASE)).decode()
    code = ("from IPython.display import display\n"
            f"display({{'application/json': json.loads(codec.dumps(dataclasses.asdict(calling.call_student("
            f"relu, pickle.loads(base64.b64decode('{request}')), ['z']))))}}, raw=True)\n")
    answers = []

    def keep_display(message):
        if message["msg_type"] == "display_data":
            answers.append(message["content"]["data"]["application/json"])

    for _ in range(calls):
        began = time.perf_counter()
        client.execute_interactive(code, timeout=60, output_hook=keep_display)
        codec.loads(json.dumps(answers.pop()))
        times.append(time.perf_counter() - began)
    client.stop_channels()
    manager.shutdown_kernel(now=True)
    return ready, times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    print(f"{'channel':<12}{'start-up s':>12}{'round trip ms (median)':>26}{'(min-max)':>18}")
    for name, run in (("pipes", _pipes), ("connection", _connection), ("kernel", _kernel)):
        ready, times = run(args.calls)
        ms = [t * 1000 for t in times]
        print(f"{name:<12}{ready:>12.2f}{statistics.median(ms):>26.2f}{f'({min(ms):.2f}-{max(ms):.2f})':>18}")


if __name__ == "__main__":
    main()
