"""A contour-plot panel whose landscape can be swapped: shared by the chapter 2 and 3 explorers.

Drawing the contours of a landscape is the slow part of a frame, so it is
done once per landscape; the artists on top of it (points, arrows, paths)
are the ones a slider moves.
"""

from __future__ import annotations

from .. import plotting


class LandscapePanel:
    """An axes showing the contours of one objective at a time."""

    def __init__(self, ax, *, num: int = 120, levels: int = 18):
        self.ax, self.num, self.levels = ax, num, levels
        self.objective = None
        self._artists: list = []

    def show(self, objective) -> None:
        """Draw ``objective``'s contours (removing the previous landscape's), if it changed."""
        if objective is self.objective:
            return
        for artist in self._artists:
            artist.remove()
        before = set(self.ax.collections) | set(self.ax.lines)
        plotting.contour(self.ax, objective, num=self.num, levels=self.levels)
        self._artists = [a for a in list(self.ax.collections) + list(self.ax.lines) if a not in before]
        self.objective = objective


class FastExplorer:
    """Mixin for an :class:`~gdcore.widgets._live.Explorer` whose landscape can be switched.

    The subclass sets ``self.blitter`` (a :class:`~gdcore.widgets._live.Blitter`)
    and calls ``self.blitter.invalidate()``
    in ``_draw`` whenever something static changed (axis limits, contours).
    If it has a ``"name"`` control (the landscape), it defines
    ``_switch_landscape(name)``, which fits the other controls to the new
    landscape (slider ranges, a good start) without triggering redraws.
    """

    def update(self, **values) -> None:
        """Set controls (if given; a new landscape first), recompute, redraw."""
        if "name" in values:
            self._set_quietly("name", values.pop("name"))
            self._switch_landscape(self.controls["name"].value)
        super().update(**values)

    def _on_change(self, change) -> None:
        if change is not None and "name" in self.controls and change.owner is self.controls["name"]:
            self._switch_landscape(change.new)
        self.update()

    def _set_slider(self, name: str, low: float, high: float, value: float) -> None:
        """Give a slider a new range and value, quietly, never passing through an invalid state."""
        with self._quietly(name) as slider:
            slider.min, slider.max = min(slider.min, low), max(slider.max, high)
            slider.value = value
            slider.min, slider.max = low, high

    def _switch_landscape(self, name: str) -> None:
        pass
