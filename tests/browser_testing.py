"""What the browser tests share: Debian's Chromium driven by Playwright, and a Jupyter server started as a
user would, waited for, and ended with its kernels.

Playwright drives /usr/bin/chromium (its own browser download does not work here). A server runs in a
process group of its own on 127.0.0.1 with a token, and is ended as a group, or its kernels outlive the test.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
# Generous: a cold kernel imports matplotlib (building its font cache on a fresh machine) while the
# other pytest-xdist worker keeps the second core busy.
TIMEOUT_MS = 120_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_chromium():
    if not Path(CHROMIUM).exists():
        # .ci/run installs chromium; in CI a missing browser is a broken setup, not a reason to skip.
        message = f"{CHROMIUM} not found: install it with `apt-get install -y chromium` to run browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def private_jupyter_folders(scratch: Path) -> dict[str, str]:
    """Environment variables that give a server its own configuration, data, runtime, settings and
    workspace folders under scratch, so that nothing of the user's Jupyter setup is read or written."""
    return {"JUPYTER_CONFIG_DIR": str(scratch / "jupyter-config"), "JUPYTER_DATA_DIR": str(scratch / "jupyter-data"),
            "JUPYTER_RUNTIME_DIR": str(scratch / "jupyter-runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(scratch / "lab-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(scratch / "lab-workspaces"), "IPYTHONDIR": str(scratch / "ipython")}


@contextlib.contextmanager
def jupyter_server(command: list[str], cwd: Path, env: dict[str, str], log_path: Path, what: str,
                   answer_within: float = 60):
    """`command` (a Jupyter server's command line, which gets the address, port and token options here)
    running until the block ends; yields (base URL, token, seconds until it answered). Its output goes to
    log_path; it fails the test if the server exits or does not answer within `answer_within` seconds."""
    port, token = free_port(), uuid.uuid4().hex
    started = time.monotonic()
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [*command, "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"],
            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            while True:
                if server.poll() is not None:
                    pytest.fail(f"{what} exited with {server.returncode}:\n{log_path.read_text()}")
                with contextlib.suppress(OSError):
                    with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as response:
                        if response.status == 200:
                            break
                if time.monotonic() > started + answer_within:
                    pytest.fail(f"{what} did not answer within {answer_within:g} s:\n{log_path.read_text()}")
                time.sleep(0.25)
            yield base, token, time.monotonic() - started
        finally:
            # The whole group: the server and every kernel it started.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=15)


def shut_down_sessions(base: str, token: str):
    """End every notebook session of the server at base, and so its kernel: the next test on the same
    server starts from a server with no kernel running."""
    with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=10) as response:
        sessions = json.load(response)
    for session in sessions:
        request = urllib.request.Request(f"{base}/api/sessions/{session['id']}?token={token}", method="DELETE")
        with urllib.request.urlopen(request, timeout=30):
            pass


@contextlib.contextmanager
def chromium():
    """A headless Chromium; yields (browser, expect), Playwright's expect with every wait bounded by TIMEOUT_MS."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser, sync_api.expect
        finally:
            browser.close()


@contextlib.contextmanager
def new_page(browser):
    """A page (1400 x 1000) of browser with every wait bounded by TIMEOUT_MS, closed when the block ends."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(TIMEOUT_MS)
    try:
        yield page
    finally:
        page.close()


@contextlib.contextmanager
def browser_page():
    """A page of a Chromium of its own; yields (page, expect)."""
    with chromium() as (browser, expect), new_page(browser) as page:
        yield page, expect
