"""JupyterLab in headless Chromium: each notebook's explorer responds when a student moves its control.

One JupyterLab server (this venv's) serves copies of the notebooks' folders from solutions/ to every
test of the module, so the widgets run working code (a release notebook's run stops at its first
unanswered exercise) and nothing in the repo is autosaved over; each test opens its notebook in a page of
its own, and its kernel is shut down after it. Playwright drives Debian's Chromium (/usr/bin/chromium;
Playwright's own browser download does not work here): open the notebook, wait for the kernel, run every
cell down to the one that shows the explorer (Run All Above Selected Cell, with the cell after it
selected: the explorer is built from the cells above it, while the trainings and the self-check below it
took most of the time, the capstone's training alone a minute), find the explorer by its readout, move one
of its sliders with the keyboard (ipywidgets 8 sliders are noUiSlider handles with role=slider), press its
button if it has one, and wait until the readout shows what it must for the slider's new value and the
figure is redrawn: the browser, the widget protocol and the kernel agree. A row may then click one of the
explorer's toggle buttons and check the readout and figure again.

WIDGET_ROWS is the table of notebooks: a row whose notebook does not exist yet is skipped with that reason.
test_new_explorers_in_a_scratch_notebook drives the explorers of notebooks 04, 06 and 07 in one notebook
built on the spot, so they are tried in a browser before (and besides) the notebooks that use them.
Screenshots (the page after the run, and the explorer after its readout changed) go to the test's
temporary folder, which pytest keeps for its last three runs: pytest prints no path, see tmp_path.
"""

import contextlib
import json
import os
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from browser_testing import (
    chromium,
    jupyter_server,
    new_page,
    private_jupyter_folders,
    require_chromium,
    shut_down_sessions,
)
from notebook_helpers import REPO_ROOT

# One worker runs the module: its tests share one JupyterLab server and one Chromium (see `lab`).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser_explorers")]

SCRATCH_NOTEBOOK = "explorers.ipynb"


def expected_neuron_readout(w1: float) -> str:
    """What course_lib's neuron explorer shows for this w1 and its other starting values (the solution's
    perceptron passes its check, so the notebook's explorer uses a perceptron equal to the reference one)."""
    from course_lib.widgets import neuron_explorer

    explorer = neuron_explorer()
    explorer.set_values(w1=w1)
    return explorer.readout.value


@dataclass(frozen=True)
class ToggleStep:
    """A ToggleButtons choice to click once the slider has moved, and what the readout must then say."""

    control: str  # the description of the toggle buttons
    option: str  # the button to click
    expected: Callable[[float], re.Pattern]  # the readout for the slider's value (as it was left) and option


@dataclass(frozen=True)
class WidgetRow:
    """One explorer to drive: where it is, what to move, and what its readout must then say."""

    notebook: str  # a notebook id: solutions/<id>/<id>.ipynb is served
    readout: re.Pattern  # the explorer's readout line, before and after: it finds the explorer on the page
    control: str  # the description of the slider to move
    key: str  # the key that moves it one step
    expected: Callable[[float], str | re.Pattern]  # the readout for the slider's new value
    shown_by: str  # code in the notebook's first cell that shows the explorer
    button: str | None = None  # pressed after each move (the learning-rate explorer trains only then)
    max_steps: int = 1  # moves allowed before the readout must have changed
    # A part of the readout (the pattern's first group) that the slider's move must leave as it was.
    unchanged: re.Pattern | None = None
    toggle: ToggleStep | None = None  # clicked after the slider's move


NEURON_ROW = WidgetRow(
    "01_single_neuron", re.compile(r"^\d of 4 points correct$"), "w1", "ArrowLeft",
    # w1 spans 40 steps, but one step may leave the count of correct points unchanged.
    shown_by="neuron_explorer(",
    expected=expected_neuron_readout, max_steps=40)
SOFTMAX_ROW = WidgetRow(
    "04_softmax_and_loss", re.compile(r"^p = \["), "logit z0", "ArrowRight",
    shown_by="softmax_explorer(",
    expected=lambda _z0: re.compile(r"^p = \[(\d\.\d{3}, )+\d\.\d{3}\]; true class \d: loss = \u2212log"))
LEARNING_RATE_ROW = WidgetRow(
    "06_training_loop", re.compile(r"^(No run yet|lr = )"), "learning rate", "ArrowRight",
    shown_by="learning_rate_explorer(",
    expected=lambda lr: re.compile(rf"^lr = {re.escape(f'{lr:g}')}, \d+ steps: loss \d\.\d{{3}} \u2192 "),
    button="Train")
OPTIMIZER_RACE_ROW = WidgetRow(
    "07_optimizers", re.compile(r"^final loss after \d+ steps at lr "), "learning rate", "ArrowRight",
    shown_by="optimizer_race(",
    expected=lambda lr: re.compile(rf"^final loss after \d+ steps at lr {re.escape(f'{lr:g}')}: SGD "))


def depth_readout(activation: str) -> Callable[[float], re.Pattern]:
    """The depth explorer's readout for `activation`, He initialisation, width 64 and this many layers."""
    def readout(layers: float) -> re.Pattern:
        n = round(layers)
        return re.compile(rf"^{activation}, he, {n} layers of 64: activation std \S+ \(layer 1\) → \S+ "
                          rf"\(layer {n - 1}\); gradient std of W1 / W{n} = \S+$")
    return readout


DEPTH_ROW = WidgetRow(
    "08_deep_networks", re.compile(r"^(relu|sigmoid), (zeros|small|xavier|he), \d+ layers of \d+: "),
    "layers", "ArrowRight", shown_by="depth_explorer(", expected=depth_readout("relu"),
    toggle=ToggleStep("activation", "sigmoid", depth_readout("sigmoid")))
DROPOUT_ROW = WidgetRow(
    "09_regularization", re.compile(r"^(train|eval), keep_prob \d\.\d\d, seed \d+: "), "keep_prob", "ArrowRight",
    shown_by="dropout_explorer(",
    expected=lambda keep: re.compile(rf"^train, keep_prob {keep:.2f}, seed 0: \d+ of 96 units kept; "
                                     r"mean of A \d\.\d{3}, mean of out \d\.\d{3}$"),
    # The activations are fixed: only the mask follows keep_prob.
    unchanged=re.compile(r"mean of A (\d\.\d{3})"),
    # Evaluation keeps every unit and leaves A as it is: out's mean is A's (the backreference).
    toggle=ToggleStep("mode", "eval", lambda keep: re.compile(
        rf"^eval, keep_prob {keep:.2f}, seed 0: 96 of 96 units kept; mean of A (\d\.\d{{3}}), mean of out \1$")))
BATCH_DEPENDENCE_ROW = WidgetRow(
    "10_batch_norm", re.compile(r"^x (with \d+ companions around -?\d+\.\d|alone in its batch): batch "),
    "shift", "ArrowRight",
    shown_by="batch_dependence_explorer(",
    expected=lambda shift: re.compile(rf"^x with 7 companions around {shift:.1f}: batch statistics give "
                                      r"\[(-?\d+\.\d\d, ){2}-?\d+\.\d\d\], running ones \[.+\]$"),
    # Running statistics were learned in training: the companions do not move x's output with them.
    unchanged=re.compile(r"running ones (\[.+\])$"))
EARLY_STOPPING_ROW = WidgetRow(
    "11_early_stopping", re.compile(r"^patience \d+, min_delta \d\.\d{3}: "), "patience", "ArrowRight",
    shown_by="early_stopping_explorer(",
    expected=lambda patience: re.compile(
        rf"^patience {round(patience)}, min_delta 0\.000: (stops after epoch \d+ \(\d+ of \d+ epochs run\)|"
        r"never stops \(all \d+ epochs run\)); (restores epoch \d+ \(validation loss \d+\.\d{4}\)|"
        r"keeps no weights); the whole run's lowest is at epoch \d+$"),
    # The recorded curve is the same whatever the stopper does.
    unchanged=re.compile(r"lowest is at epoch (\d+)$"))
SPIRAL_CEILING_ROW = WidgetRow(
    "12_capstone_two_spirals", re.compile(r"^noise \d\.\d\d: the nearest-curve rule labels "), "noise",
    "ArrowRight",
    shown_by="spiral_ceiling_explorer(",
    expected=lambda noise: re.compile(rf"^noise {noise:.2f}: the nearest-curve rule labels \d\.\d{{3}} of these "
                                      r"points right; no classifier can expect more than about \d\.\d{3}$"),
    toggle=ToggleStep("arms", "source's mistake", lambda noise: re.compile(
        rf"^noise {noise:.2f}: the nearest-curve rule labels \d\.\d{{3}} of these points right; the two classes "
        r"share one curve, so most points could belong to either$")))
WIDGET_ROWS = [NEURON_ROW, SOFTMAX_ROW, LEARNING_RATE_ROW, OPTIMIZER_RACE_ROW, DEPTH_ROW, DROPOUT_ROW,
               BATCH_DEPENDENCE_ROW, EARLY_STOPPING_ROW, SPIRAL_CEILING_ROW]


def slider_value(shown_value) -> float:
    """The number a slider's readout shows; negative ones come with U+2212 MINUS SIGN."""
    return float(shown_value.text_content().replace("\u2212", "-"))


def run_cells(page, expect, base: str, token: str, notebook: str, screenshot: Path, through: int | None = None):
    """Open notebook (a path under the server's root), run its cells (every one, or those up to the index
    `through`) and wait until all have finished."""
    # ?reset: start from a clean workspace, not whatever layout a previous session saved.
    page.goto(f"{base}/lab/tree/{notebook}?reset&token={token}")
    status = page.locator("#jp-main-statusbar")
    # The status bar's "| Idle" is the reliable sign of a ready kernel (the toolbar's indicator says idle
    # too early, and Run All clicked then is sometimes dropped).
    expect(status).to_contain_text("| Idle")
    if through is None:
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    else:
        page.locator(".jp-Notebook .jp-Cell").nth(through + 1).locator(".jp-InputPrompt").click()
        expect(page.locator(".jp-Notebook .jp-Cell.jp-mod-selected")).to_have_count(1)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Above Selected Cell", exact=True).click()
    expect(page.locator(".jp-CodeCell .jp-InputPrompt").first).not_to_have_text("[ ]:")  # the run was taken
    expect(page.locator(".jp-InputPrompt", has_text="[*]")).to_have_count(0)
    expect(status).to_contain_text("| Idle")
    page.screenshot(path=str(screenshot))


def first_cell_with(path: Path, code: str) -> int:
    """The index of the notebook's first cell whose source holds code."""
    cells = nbformat.read(path, as_version=4).cells
    return next(index for index, cell in enumerate(cells) if code in cell.source)


def drive(page, expect, row: WidgetRow, screenshot: Path):
    """Move row's control on the page until the explorer's readout changes, then check it says what
    row.expected gives for the control's new value. Saves the explorer's screenshot; returns the explorer's
    locator and its readout."""
    # The Label widget is a div; slider and button descriptions are <label class="widget-label">.
    readout_line = page.locator("div.widget-label").filter(has_text=row.readout)
    explorer = page.locator(".widget-vbox").filter(has=readout_line).first
    readout = explorer.locator("div.widget-label").filter(has_text=row.readout)
    explorer.scroll_into_view_if_needed()
    expect(readout).to_be_visible()  # widgets render piecemeal
    # `has` locators are relative to the element they filter, hence page.locator here.
    description = page.locator("label.widget-label").filter(has_text=re.compile(rf"^{re.escape(row.control)}$"))
    control = explorer.locator(".widget-slider").filter(has=description)
    handle, shown_value = control.locator("[role=slider]"), control.locator(".widget-readout")
    # The explorer's figure, the last image in it (above it, an explorer may show other outputs).
    figure = explorer.locator(".widget-output img").last
    before, figure_before = text_of(readout), figure.get_attribute("src")

    handle.focus()
    for _ in range(row.max_steps):
        value_before = shown_value.text_content()
        page.keyboard.press(row.key)
        expect(shown_value).not_to_have_text(value_before, timeout=10_000)
        if row.button:
            explorer.get_by_role("button", name=row.button).click()
        with contextlib.suppress(AssertionError):
            # A button's work (training) takes longer than a redraw.
            expect(readout).not_to_have_text(before, timeout=30_000 if row.button else 2_000)
            break
        handle.focus()
    value = slider_value(shown_value)
    wanted = row.expected(value)
    assert wanted != before, f"the readout stayed {before!r} while {row.control} went to {value}"
    # Waiting, not reading once: the last redraw may still be on its way from the kernel.
    expect(readout).to_have_text(wanted)
    # The figure follows the readout in a message of its own: the new one must arrive too.
    expect(figure).not_to_have_attribute("src", figure_before)
    after = text_of(readout)
    if row.unchanged:
        kept_before, kept_after = row.unchanged.search(before), row.unchanged.search(after)
        assert kept_before and kept_after and kept_before[1] == kept_after[1], \
            f"{row.control} {value} changed what it must not: {before!r} became {after!r}"
    explorer.screenshot(path=str(screenshot))
    if row.toggle:
        choose(page, expect, explorer, readout, figure, row.toggle, value,
               screenshot.with_name(f"{row.notebook}-explorer-after-{file_name(row.toggle.option)}.png"))
    return explorer, text_of(readout)


def choose(page, expect, explorer, readout, figure, step: ToggleStep, slider_value_now: float, screenshot: Path):
    """Click step.option among the explorer's toggle buttons described step.control; wait until the button
    is the active one, the readout says step.expected(slider_value_now) and the figure has been redrawn."""
    before, figure_before = text_of(readout), figure.get_attribute("src")
    description = page.locator("label.widget-label").filter(has_text=re.compile(rf"^{re.escape(step.control)}$"))
    button = (explorer.locator(".widget-toggle-buttons").filter(has=description)
              .get_by_role("button", name=step.option, exact=True))
    button.click()
    expect(button).to_have_class(re.compile(r"\bmod-active\b"))
    wanted = step.expected(slider_value_now)
    assert not wanted.search(before), f"the readout {before!r} already said what {step.option!r} must make it say"
    expect(readout).to_have_text(wanted)
    expect(figure).not_to_have_attribute("src", figure_before)
    explorer.screenshot(path=str(screenshot))


def text_of(element) -> str:
    """element's text as shown, runs of spaces made one as HTML does. From textContent: innerText is empty
    while the browser still skips rendering the cell (JupyterLab's content-visibility windowing), even once
    it has been scrolled into view."""
    return " ".join(element.text_content().split())


def file_name(text: str) -> str:
    return re.sub(r"\W+", "-", text).strip("-")


def scratch_notebook() -> nbformat.NotebookNode:
    """softmax_explorer, learning_rate_explorer and optimizer_race with their defaults, one cell each."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in (
        "from course_lib.widgets import learning_rate_explorer, optimizer_race, softmax_explorer",
        "softmax_explorer()", "learning_rate_explorer()", "optimizer_race()")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                       "language": "python"}
    return notebook


@contextlib.contextmanager
def lab_server(root: Path, scratch: Path):
    """A JupyterLab server serving root; yields its base URL and token. scratch holds its configuration,
    state and log."""
    config_dir = scratch / "jupyter-config"
    (config_dir / "labconfig").mkdir(parents=True)
    # The "Jupyter news" announcement toast would cover the notebook in screenshots.
    (config_dir / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    with jupyter_server([sys.executable, "-m", "jupyterlab", "--allow-root", f"--ServerApp.root_dir={root}"],
                        cwd=root, env={**os.environ, **private_jupyter_folders(scratch)},
                        log_path=scratch / "lab.log", what="JupyterLab") as (base, token, _):
        yield base, token


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One server for the module (a start and a stop cost about 5 s): it serves a copy of every row's
    notebook folder that exists and the scratch notebook; yields its base URL and token."""
    require_chromium()
    scratch = tmp_path_factory.mktemp("lab")
    root = scratch / "served"
    root.mkdir()
    for row in WIDGET_ROWS:
        if (REPO_ROOT / "solutions" / row.notebook).is_dir():
            shutil.copytree(REPO_ROOT / "solutions" / row.notebook, root / row.notebook)
    nbformat.write(scratch_notebook(), root / SCRATCH_NOTEBOOK)
    with lab_server(root, scratch) as (base, token):
        yield base, token


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module; yields (browser, expect)."""
    require_chromium()
    with chromium() as (browser, expect):
        yield browser, expect


@pytest.fixture
def lab_page(lab, browser):
    """A fresh page of the module's Chromium; yields (page, expect, base URL, token). The test's kernels are
    shut down after it, so every test starts with none running."""
    base, token = lab
    chromium_browser, expect = browser
    try:
        with new_page(chromium_browser) as page:
            yield page, expect, base, token
    finally:
        shut_down_sessions(base, token)


@pytest.mark.parametrize("row", [pytest.param(row, id=row.notebook) for row in WIDGET_ROWS])
def test_notebook_explorer_responds_to_its_control(row, lab_page, tmp_path):
    if not (REPO_ROOT / "solutions" / row.notebook / f"{row.notebook}.ipynb").exists():
        pytest.skip(f"solutions/{row.notebook}/{row.notebook}.ipynb does not exist yet")
    page, expect, base, token = lab_page
    notebook = f"{row.notebook}/{row.notebook}.ipynb"
    run_cells(page, expect, base, token, notebook, tmp_path / f"{row.notebook}-after-run.png",
              through=first_cell_with(REPO_ROOT / "solutions" / notebook, row.shown_by))
    drive(page, expect, row, tmp_path / f"{row.notebook}-explorer-after-{file_name(row.control)}.png")


def test_new_explorers_in_a_scratch_notebook(lab_page, tmp_path):
    """The explorers of scratch_notebook, driven one after the other in one page."""
    page, expect, base, token = lab_page
    run_cells(page, expect, base, token, SCRATCH_NOTEBOOK, tmp_path / "scratch-after-run.png")
    explorers, readouts = {}, {}
    for row in (SOFTMAX_ROW, LEARNING_RATE_ROW, OPTIMIZER_RACE_ROW):
        explorers[row.notebook], readouts[row.notebook] = drive(page, expect, row,
                                                                tmp_path / f"scratch-{row.notebook}.png")
    # Defaults known here, so the numbers too: z0 2.0 -> 2.1; lr 0.01 -> 0.03 (1000 steps); lr 0.18 -> 0.19.
    assert readouts["04_softmax_and_loss"] == expected_readout_of("softmax_explorer", z0=2.1)
    assert readouts["06_training_loop"] == expected_readout_of("learning_rate_explorer", train=True, lr=0.03)
    assert readouts["07_optimizers"] == expected_readout_of("optimizer_race", lr=0.19)
    # Train's tqdm bar is shown inside the learning-rate explorer, and finished.
    lr_explorer = explorers["06_training_loop"]
    expect(lr_explorer.locator(".widget-output .widget-hprogress")).to_be_visible()
    expect(lr_explorer.locator(".widget-output .widget-hbox")).to_contain_text("1000/1000")


def expected_readout_of(name: str, train: bool = False, **values) -> str:
    """The readout course_lib's explorer `name` shows, with its defaults, for these control values."""
    from course_lib import widgets

    explorer = getattr(widgets, name)()
    explorer.set_values(**values)
    if train:
        explorer.train()
    return explorer.readout.value
