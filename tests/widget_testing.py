"""What the widget test modules share: the figure an explorer shows, and a widget shown in a real
(headless) kernel, as in a notebook."""

import base64

import nbformat
from nbclient import NotebookClient


def shown_png(explorer):
    """The bytes of the one PNG the explorer's Output widget currently holds."""
    [output] = explorer.plot.outputs
    assert output["output_type"] == "display_data"
    png = base64.b64decode(output["data"]["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return png


def printed_by_a_headless_widget_cell(source):
    """Run `source` as one notebook cell in a fresh kernel, with widget state stored, and check that it
    displayed exactly one widget whose output area holds one figure, printed only to stdout and raised
    nothing. Returns what it printed."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source)]
    NotebookClient(notebook, kernel_name="python3", timeout=60, store_widget_state=True).execute()
    [cell] = notebook.cells
    streams = [o for o in cell.outputs if o["output_type"] == "stream"]
    assert [o["name"] for o in streams] == ["stdout"], cell.outputs
    assert not [o for o in cell.outputs if o["output_type"] == "error"]
    assert sum("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in cell.outputs) == 1
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    outputs = [m["state"]["outputs"] for m in state.values() if m["model_name"] == "OutputModel"]
    assert [len(out) for out in outputs] == [1] and "image/png" in outputs[0][0]["data"]
    return streams[0]["text"]
