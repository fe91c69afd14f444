"""An explorer's figure: laid out once, then brought up to date by drawing only what changed.

A :class:`Blitter` owns the pixels of one figure. Its artists are of two kinds: *animated* ones
(registered with :meth:`Blitter.animate`), which change with the controls and are drawn on a
saved background by blitting, and everything else, drawn into that background. After a change,
:meth:`Blitter.render` draws as little as the change needs:

- nothing static changed: the background is restored and the animated artists are drawn on it;
- some Axes are stale (matplotlib marks an Axes stale when a limit, a tick or a label of it
  changed): those Axes are cleared and drawn again (:func:`.redraw.redraw_axes`), and the
  result is the new background;
- anything else (the figure itself is stale, or there is no background yet): a full draw.

The layout (matplotlib's constrained layout) runs once, for the fonts and numbers drawn first,
and is then frozen: running it at every draw would cost more than the rest of the draw. It runs
again only when a panel's decorations grew into a neighbour's (:func:`.redraw.crowded`). When
they crowd again where a layout already made room (a control moved back and forth between two
values whose layouts each crowd the other's), the next layout leaves more room around every
panel (:data:`PAD_GROWTH`), so that after a few changes one layout fits both and the figure is
blitted again. No panel is left reaching over another.
"""

from __future__ import annotations

from .. import plotting
from . import redraw

PAD_GROWTH = (0.02, 0.12)
"""When two layouts alternate (see the module docstring), each new layout leaves the first of
these inches more around every panel's decorations, up to the second more than the explorer's
own pads."""


class Blitter:
    """The pixels of ``figure``, drawn in full, by Axes or by blitting (see the module docstring).

    ``pads`` are the inches the layout leaves around each panel's decorations, across and down
    (more after alternating layouts, see the module docstring).
    ``renders`` counts the full draws (``"full"``), the redraws of stale Axes (``"axes"``) and
    the blits of the animated artists alone (``"blit"``).
    """

    def __init__(self, figure, pads: tuple[float, float]):
        self.figure, self.pads = figure, pads
        self.animated: list = []
        self.renders = {"full": 0, "axes": 0, "blit": 0}
        self.shown = False
        """True once something other than this blitter drew the figure: the browser asked for
        it (ipympl draws a figure when its front end first shows it)."""
        self._background, self._crowded, self._extents = None, frozenset(), {}
        self._pads0, self._made_room = pads, set()
        self._own_draw = False
        figure.canvas.mpl_connect("draw_event", self._on_full_draw)

    def animate(self, *artists):
        """Register artists that change with the controls; returns the first."""
        for artist in artists:
            artist.set_animated(True)
            self.animated.append(artist)
        return artists[0] if artists else None

    def render(self) -> None:
        """Bring the figure's pixels up to date, drawing only what changed."""
        fig, canvas = self.figure, self.figure.canvas
        stale = [ax for ax in fig.axes if ax.stale]
        if full := self._background is None or (fig.stale and not stale):
            self._draw_full()
        else:
            canvas.restore_region(self._background)
            if stale:
                self.renders["axes"] += 1
                self._redraw_axes(stale)
            else:
                self.renders["blit"] += 1
            self._draw_animated()
        if full or stale:  # not a pure blit: the extents were measured anew
            self._make_room()

    def lay_out(self) -> None:
        """Run the constrained layout once for the current fonts and numbers, then freeze it
        (the ticks first made tidy: :func:`helpers.plotting.tidy_axes`)."""
        fig = self.figure
        for ax in fig.axes:
            plotting.tidy_axes(ax)
        fig.set_layout_engine("constrained", w_pad=self.pads[0], h_pad=self.pads[1])
        self.place_labels()  # for these fonts and numbers: the layout makes room for them
        self._own_draw = True
        try:
            fig.draw_without_rendering()
        finally:
            self._own_draw = False
        fig.set_layout_engine("none")
        self.place_labels()  # beside the tick labels of the Axes' new sizes
        self._background = None

    def place_labels(self) -> None:
        """Every axis label beside its tick labels as they are now (see :mod:`.redraw`)."""
        renderer = self.figure.canvas.get_renderer()
        for ax in self.figure.axes:
            redraw.place_labels(ax, renderer)

    def forget(self, *, artists: bool = True) -> None:
        """Drop the saved background and, with ``artists``, everything that refers to the
        figure's artists: the measured extents, the crowded panels and the animated artists
        (the figure was emptied, or is about to be). Without, the figure can still be drawn
        whole (in full, as the first time)."""
        self._background = None
        if artists:
            self._extents, self.animated = {}, []
            self._crowded, self._made_room = frozenset(), set()

    def _make_room(self) -> None:
        crowded = redraw.crowded(self.figure, self._extents)
        new = crowded - self._crowded  # a panel's decorations grew into a neighbour's
        if new & self._made_room:
            # crowded again where a layout made room before: the layouts for two sets of
            # numbers (a control moved back and forth) each crowd the other's. Leave more room
            # around every panel, so that one layout fits both (up to a limit; past it, every
            # such change is laid out again, as the first was).
            step, most = PAD_GROWTH
            self.pads = tuple(min(p + step, p0 + most) for p, p0 in zip(self.pads, self._pads0))
        if new:
            self._made_room |= new
            self.lay_out()  # make room for them: the layout for the numbers drawn now
            self._draw_full()
            crowded = redraw.crowded(self.figure, self._extents)  # left: not tried again
        self._crowded = crowded

    def _draw_full(self) -> None:
        self.renders["full"] += 1
        self.place_labels()
        self._own_draw = True
        try:  # the draw_event handler saves the background and draws the animated artists
            self.figure.draw(self.figure.canvas.get_renderer())
        finally:
            self._own_draw = False

    def _redraw_axes(self, axes) -> None:
        """Draw ``axes`` again (and the neighbours their old drawing reached, see
        :func:`.redraw.redraw_axes`): the result is the new background."""
        redraw.redraw_axes(self.figure, self.figure.canvas.get_renderer(), axes, self._extents)
        self.figure.stale = False
        self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)

    def _on_full_draw(self, event) -> None:
        if event.canvas.is_saving():  # savefig draws the animated artists itself
            return
        if not self._own_draw:  # the browser asked for the figure: it is on screen
            self.shown = True
        self._extents = {ax: redraw.extent(ax, event.renderer) for ax in self.figure.axes}
        for ax in self.figure.axes:  # measuring re-placed the ticks where they were drawn
            ax.stale = False
        self.figure.stale = False
        self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)
        self._draw_animated()

    def _draw_animated(self) -> None:
        for artist in sorted(self.animated, key=lambda a: a.get_zorder()):
            if artist.get_visible():
                artist.axes.draw_artist(artist)
