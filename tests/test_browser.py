"""JupyterLab in headless Chromium: notebook 01's neuron explorer responds to its sliders.

A real JupyterLab server (this venv's) serves a copy of solutions/01_single_neuron/, so the widget runs
working code and nothing in the repo is autosaved over. Playwright drives Debian's Chromium
(/usr/bin/chromium; Playwright's own browser download does not work here): open the notebook, wait for the
kernel, Run All Cells, then move the first explorer's w1 slider with the keyboard (ipywidgets 8 sliders
are noUiSlider handles with role=slider) until its readout line changes. The readout must then equal what
course_lib's own explorer says for the new slider value: the browser, the widget protocol and the kernel
agree. Screenshots go to the test's temporary folder.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from notebook_helpers import REPO_ROOT

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
NOTEBOOK_ID = "01_single_neuron"
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


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on 127.0.0.1 serving a copy of the notebook's folder; yields its base URL and
    token. It runs in its own process group, ended at teardown with its kernels."""
    if not Path(CHROMIUM).exists():
        # .ci/run installs chromium; in CI a missing browser is a broken setup, not a reason to skip.
        message = f"{CHROMIUM} not found: install it with `apt-get install -y chromium` to run browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    source = REPO_ROOT / "solutions" / NOTEBOOK_ID
    if not (source / f"{NOTEBOOK_ID}.ipynb").exists():
        pytest.skip(f"solutions/{NOTEBOOK_ID} does not exist yet")

    root = tmp_path / "served"
    shutil.copytree(source, root / NOTEBOOK_ID)
    config_dir = tmp_path / "jupyter-config"
    (config_dir / "labconfig").mkdir(parents=True)
    # The "Jupyter news" announcement toast would cover the notebook in screenshots.
    (config_dir / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    env = os.environ.copy()
    env.update(
        JUPYTER_CONFIG_DIR=str(config_dir),
        JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "lab-workspaces"),
        IPYTHONDIR=str(tmp_path / "ipython"),
    )
    port, token = free_port(), uuid.uuid4().hex
    log = open(tmp_path / "lab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited with {server.returncode}:\n{(tmp_path / 'lab.log').read_text()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as response:
                    if response.status == 200:
                        break
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within 60 s:\n{(tmp_path / 'lab.log').read_text()}")
            time.sleep(0.25)
        yield base, token
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
        log.close()


def expected_readout(**values) -> str:
    """What course_lib's neuron explorer shows for these control values (the solution's perceptron passes its
    check, so the notebook's explorer uses a perceptron equal to the reference one)."""
    from course_lib.widgets import neuron_explorer

    explorer = neuron_explorer()
    explorer.set_values(**values)
    return explorer.readout.value


def slider_value(handle) -> float:
    # Negative numbers come back with U+2212 MINUS SIGN in some of noUiSlider's attributes.
    return float(handle.get_attribute("aria-valuenow").replace("\u2212", "-"))


def test_neuron_explorer_slider_changes_readout(lab, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    base, token = lab
    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    expect = sync_api.expect

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TIMEOUT_MS)
            # ?reset: start from a clean workspace, not whatever layout a previous session saved.
            page.goto(f"{base}/lab/tree/{NOTEBOOK_ID}/{NOTEBOOK_ID}.ipynb?reset&token={token}")
            status = page.locator("#jp-main-statusbar")
            # The status bar's "| Idle" is the reliable sign of a ready kernel (the toolbar's indicator
            # says idle too early, and Run All clicked then is sometimes dropped).
            expect(status).to_contain_text("| Idle")

            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            prompts = page.locator(".jp-CodeCell .jp-InputPrompt")
            expect(prompts.first).not_to_have_text("[ ]:")  # the run was taken

            explorer = page.locator(".widget-vbox").filter(has=page.locator(".widget-slider")).first
            expect(explorer).to_be_visible()
            # Every cell has finished: no prompt still shows [*], and the kernel is idle again.
            expect(page.locator(".jp-InputPrompt", has_text="[*]")).to_have_count(0)
            expect(status).to_contain_text("| Idle")
            page.screenshot(path=str(tmp_path / "01-after-run-all.png"))

            # The Label widget (a div); slider and toggle descriptions are <label class="widget-label">.
            readout = explorer.locator("div.widget-label")
            handle = explorer.locator(".widget-slider [role=slider]").first
            explorer.scroll_into_view_if_needed()
            # Widgets render piecemeal: wait for the readout to show course_lib's starting text.
            before_text = expected_readout()
            expect(readout).to_have_text(before_text)
            before_value = slider_value(handle)

            # Step w1 down until the readout changes; the slider spans 40 steps, so that bounds the loop.
            handle.focus()
            for _ in range(40):
                value = slider_value(handle)
                page.keyboard.press("ArrowLeft")
                page.wait_for_function(
                    "([el, old]) => parseFloat(el.getAttribute('aria-valuenow').replace('\u2212', '-')) !== old",
                    arg=[handle.element_handle(), value], timeout=10_000)
                with contextlib.suppress(AssertionError):
                    expect(readout).not_to_have_text(before_text, timeout=2_000)
                    break
            after_value = slider_value(handle)
            assert after_value < before_value
            wanted = expected_readout(w1=after_value)
            assert wanted != before_text, f"the readout stayed {before_text!r} while w1 went to {after_value}"
            # Waiting, not reading once: the last redraw may still be on its way from the kernel.
            expect(readout).to_have_text(wanted)
            page.screenshot(path=str(tmp_path / "02-after-slider.png"))
        finally:
            browser.close()
