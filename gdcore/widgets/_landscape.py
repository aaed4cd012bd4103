"""A contour-plot panel whose landscape can be swapped: shared by the chapter 2 and 3 explorers.

Drawing the contours of a landscape is the slow part of a frame, so it is
done once per landscape; the artists on top of it (points, arrows, paths)
are the ones a slider moves.
"""

from __future__ import annotations

from .. import plotting


class LandscapePanel:
    """An axes showing the contours of one objective at a time.

    Each landscape's contours are computed once and then hidden or shown, so
    switching back to a landscape seen before computes nothing.
    """

    def __init__(self, ax, *, num: int = 120, levels: int = 18):
        self.ax, self.num, self.levels = ax, num, levels
        self.objective = None
        self._contours: dict = {}  # id(objective) -> (objective, its artists)

    def show(self, objective) -> None:
        """Show ``objective``'s contours (hiding the previous landscape's), if it changed."""
        if objective is self.objective:
            return
        if self.objective is not None:
            for artist in self._contours[id(self.objective)][1]:
                artist.set_visible(False)
        if id(objective) in self._contours:
            for artist in self._contours[id(objective)][1]:
                artist.set_visible(True)
            labels = getattr(objective, "labels", (r"$\theta_1$", r"$\theta_2$"))
            self.ax.set(xlim=objective.xlim, ylim=objective.ylim, xlabel=labels[0], ylabel=labels[1],
                        title=objective.name)
        else:
            before = set(self.ax.collections) | set(self.ax.lines)
            plotting.contour(self.ax, objective, num=self.num, levels=self.levels)
            drawn = [a for a in list(self.ax.collections) + list(self.ax.lines) if a not in before]
            self._contours[id(objective)] = (objective, drawn)
        self.objective = objective


class FastExplorer:
    """Mixin for an :class:`~gdcore.widgets._live.Explorer` whose landscape can be switched.

    The subclass sets ``self.blitter`` (a :class:`~gdcore.widgets._live.Blitter`)
    whose key names what is static (the landscape, axis limits), so that
    every landscape keeps its own cached background.
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

    def _draw_every_landscape(self) -> None:
        """Render every landscape once, now (on construction), then come back to the settings shown.

        Contours and their cached backgrounds are what a landscape switch costs;
        drawn in advance, a switch in the notebook is as fast as a slider move.
        An explorer without frames (see :func:`~gdcore.widgets._live.frames_wanted`) has nothing to prepare.
        """
        if not self.frames:
            return
        shown = self.values()
        boxes = []
        for name in self.controls["name"].options:
            self.update(name=name)
            boxes.append(self._laid_out_boxes())
        self._keep_room_for_every_landscape(boxes)
        self._set_quietly("name", shown.pop("name"))
        self._switch_landscape(self.controls["name"].value)
        self.update(**shown)

    def _laid_out_boxes(self) -> list:
        """Where the layout engine would put each axes for the landscape shown now (figure fractions)."""
        self.fig.set_layout_engine("constrained")
        self.fig.get_layout_engine().execute(self.fig)  # places the axes without drawing the contours
        self.fig.set_layout_engine("none")
        return [ax.get_position(original=True) for ax in self.fig.axes]

    def _keep_room_for_every_landscape(self, boxes: list) -> None:
        """Give each axes the box that leaves room for every landscape's ticks and labels, and keep it.

        The layout is solved once and then frozen (solving it on every slider
        move is slow), so it must fit the landscape with the widest tick
        labels, not just the first one drawn: each axes gets the intersection
        of its boxes over all landscapes.
        """
        for k, ax in enumerate(self.fig.axes):
            x0 = max(b[k].x0 for b in boxes)
            y0 = max(b[k].y0 for b in boxes)
            x1 = min(b[k].x1 for b in boxes)
            y1 = min(b[k].y1 for b in boxes)
            ax.set_position([x0, y0, x1 - x0, y1 - y0])
        self.blitter.invalidate()

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
