"""The Explorer widget every course explorer returns, and the helpers they share."""

import base64
import io

import ipywidgets as widgets

# Every explorer's figure gets fixed margins (subplots_adjust): a layout engine would double the time of
# every redraw.


class Explorer(widgets.VBox):
    """The widget every explorer returns: its controls, a readout line and the plot, stacked.

    controls: dict name -> input widget (slider, dropdown, toggle buttons); read or set its .value.
    readout: Label whose .value is the text shown under the controls.
    plot: Output widget holding the current figure as one PNG output.
    results: dict of the numbers behind the readout, recomputed on every redraw.
    Changing any control redraws (unless redraw_on_change is False: then only redraw() does);
    set_values changes several controls and redraws once.
    """

    def __init__(self, controls, draw, extras=(), redraw_on_change=True):
        """controls: dict name -> widget; draw(values) -> (Figure, readout text, results dict);
        extras: more widgets (buttons, a progress area), shown between the controls and the readout."""
        readout = widgets.Label()
        plot = widgets.Output()
        super().__init__(children=[*controls.values(), *extras, readout, plot])
        self.controls = controls
        self.readout = readout
        self.plot = plot
        self.results = {}
        self._draw = draw
        self._redraw_on_change = redraw_on_change
        self._holding = False
        for control in controls.values():
            control.observe(self._on_change, names="value")
        self.redraw()

    @property
    def values(self):
        """dict name -> current value of every control."""
        return {name: control.value for name, control in self.controls.items()}

    def set_values(self, **values):
        """Set several controls, e.g. set_values(w1=1.0, bias=-1.5), and redraw once at the end."""
        self._holding = True
        try:
            for name, value in values.items():
                self.controls[name].value = value
        finally:
            self._holding = False
        if self._redraw_on_change:
            self.redraw()

    def redraw(self):
        """Recompute the figure, readout and results from the current control values."""
        figure, text, self.results = self._draw(self.values)
        self.readout.value = text
        # Replacing the Output's synced outputs, instead of display() inside `with plot:`, needs neither
        # a kernel nor the inline backend: JupyterLab, nbclient's saved widget state and plain Python
        # (tests) all see the same PNG, and the old figure is replaced without flicker.
        self.plot.outputs = (png_output(figure),)

    def _on_change(self, _change):
        if self._redraw_on_change and not self._holding:
            self.redraw()


def png_output(figure):
    """figure as one nbformat display_data output (the form an Output widget stores) with a PNG."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    png = base64.b64encode(buffer.getvalue()).decode("ascii")
    return {"output_type": "display_data", "data": {"image/png": png, "text/plain": "<Figure>"}, "metadata": {}}


# Wide enough for "learning rate", which the default width cuts to "learning r...".
WIDE_DESCRIPTIONS = {"description_width": "100px"}


def slider(description, value, low, high, step, style=None):
    """A float slider that reports on release: a redraw renders a PNG, too slow for every drag step.

    style: e.g. WIDE_DESCRIPTIONS, for descriptions longer than a few characters."""
    return widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                               continuous_update=False, style=style or {})
