"""The machinery shared by every interactive explorer.

An explorer keeps one matplotlib figure (created without pyplot, so nothing
leaks into the notebook) and shows it as a PNG in an ``ipywidgets.Image``.
A control change calls :meth:`Explorer.update`, which moves the existing
artists (``set_data``, ``set_text``) instead of rebuilding the figure, then
re-renders the PNG: a few tens of milliseconds, with no flicker. ``update``
works without a browser, which is how the benchmark times it.
"""

from __future__ import annotations

import io

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from ..plotting import BOOK_STYLE


def new_figure(figsize=(7.0, 3.6), dpi: int = 80, **subplot_kw) -> Figure:
    """A figure in the book's style that pyplot does not know about."""
    import matplotlib as mpl

    with mpl.rc_context(BOOK_STYLE):
        fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
    return fig


def render_png(fig: Figure) -> bytes:
    """Draw ``fig`` with Agg and encode it as a PNG, favouring speed over size."""
    canvas = fig.canvas
    canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


class Explorer:
    """Base class: subclasses build ``self.fig``, ``self.controls`` and ``_draw``.

    * ``self.controls``: a dict of ipywidgets controls by name (sliders,
      dropdowns); their values are passed to ``_draw`` as keyword arguments.
    * ``_draw(**values)`` updates the artists and returns the verdict text
      (a short sentence shown under the figure; for widget exercises the
      live feedback), or ``""``.
    """

    fig: Figure
    controls: dict

    def _build_ui(self) -> None:
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.verdict = widgets.HTML()
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.widget = widgets.VBox([
            widgets.HBox(list(self.controls.values()), layout=widgets.Layout(flex_flow="row wrap")),
            self.image,
            self.verdict,
        ])
        self.update()
        # The first render placed the axes (constrained layout); keep that
        # layout instead of solving it again on every slider move.
        self.fig.set_layout_engine("none")

    def values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def update(self, **values) -> None:
        """Set controls (if given), recompute, redraw the PNG and the verdict."""
        if values:
            for name, value in values.items():
                self.controls[name].unobserve(self._on_change, names="value")
                try:
                    self.controls[name].value = value
                finally:
                    self.controls[name].observe(self._on_change, names="value")
        self.verdict.value = self._draw(**self.values())
        self.image.value = render_png(self.fig)

    def _on_change(self, _change) -> None:
        self.update()

    def _draw(self, **values) -> str:
        raise NotImplementedError

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
