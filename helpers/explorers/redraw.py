"""Drawing again only the Axes that changed: where each was drawn, clearing that region, and
axis labels that matplotlib need not place at every draw.

An explorer's figure is drawn once; after a change, the Axes whose limits or static texts changed
are drawn again on the old pixels (:func:`redraw_axes`). Two things make that fast:

- Each Axes' *extent*, the box its drawing covers (:func:`extent`), is measured after it is
  drawn, so that the next redraw knows what to clear, and which neighbours a long label reached.
- Axis labels are *pinned* (:func:`place_labels`): matplotlib places an automatically positioned
  axis label at every draw and every measurement, laying out the ticks again each time, which
  is a third of an Axes' redraw. Pinned with :meth:`matplotlib.axis.Axis.set_label_coords`,
  they stay where they were put; :func:`place_labels` puts them where matplotlib's own rule
  would (beside the tick labels drawn now, ``labelpad`` away) each time an Axes is drawn again,
  so they follow tick labels that grow or shrink.
"""

from __future__ import annotations

from matplotlib.patches import Rectangle
from matplotlib.spines import Spine
from matplotlib.ticker import NullFormatter
from matplotlib.transforms import Bbox, IdentityTransform, ScaledTranslation

CLEAR_PAD = 2.0
"""Pixels cleared around an Axes' extent before it is drawn again (antialiased edges)."""


def place_labels(ax, renderer) -> None:
    """Pin the x and y label of ``ax`` beside its tick labels for the current limits, as
    matplotlib's automatic placement does: ``labelpad`` points beyond the tick labels and the
    outward tick marks, where along the axis the label was before (its centre).

    The position is pinned as an offset in inches from the Axes' edge, so it stays right when
    the Axes moves (a layout) as long as the tick labels do not change.
    """
    fig = ax.get_figure(root=True)
    box = ax.bbox
    for axis in (ax.xaxis, ax.yaxis):
        if not (axis.get_visible() and axis.label.get_visible()):
            continue
        side = axis.get_label_position()  # "bottom", "top", "left" or "right"
        out = axis.get_tick_padding() * fig.dpi / 72 if side in ax.spines else 0.0
        edges = [_edge(b, side) for b in _tick_label_boxes(axis, side, renderer)]
        edges.append(_edge(box, side) + (out if side in ("top", "right") else -out))
        if side in ("bottom", "left"):
            d = _edge(box, side) - min(edges)
        else:
            d = max(edges) - _edge(box, side)
        d = (d + axis.labelpad * fig.dpi / 72) / fig.dpi  # inches, kept by a layout
        d = d if side in ("top", "right") else -d
        x, y = axis.label.get_position()  # along the axis: Axes coordinates, placed or pinned
        if axis is ax.xaxis:
            at, offset = (x, 0.0 if side == "bottom" else 1.0), (0.0, d)
        else:
            at, offset = (0.0 if side == "left" else 1.0, y), (d, 0.0)
        axis.set_label_coords(*at, ax.transAxes + ScaledTranslation(*offset, fig.dpi_scale_trans))


def _edge(box, side: str) -> float:
    return {"bottom": box.y0, "top": box.y1, "left": box.x0, "right": box.x1}[side]


def _tick_label_boxes(axis, side: str, renderer) -> list:
    """The boxes of the tick labels that a draw of ``axis`` shows on ``side`` now: major and
    labelled minor ticks within the view limits, laid out for them."""
    labels = axis.get_majorticklabels()  # lays out the ticks for the current limits
    if not isinstance(axis.get_minor_formatter(), NullFormatter):
        labels = labels + axis.get_minorticklabels()
    scale = axis.get_transform()
    lo, hi = sorted(scale.transform(axis.get_view_interval()))
    tol = 1e-10 * (hi - lo)
    x0, y0, x1, y1 = axis.axes.bbox.extents
    centre = (y0 + y1) / 2 if axis.axis_name == "x" else (x0 + x1) / 2
    boxes = []
    for text in labels:
        loc = text.get_position()[0 if axis.axis_name == "x" else 1]
        if not lo - tol <= float(scale.transform([loc])[0]) <= hi + tol:
            continue  # a tick the locator gave beyond the limits: not drawn
        b = text.get_window_extent(renderer)
        mid = (b.y0 + b.y1) / 2 if axis.axis_name == "x" else (b.x0 + b.x1) / 2
        if (mid < centre) == (side in ("bottom", "left")):
            boxes.append(b)
    return boxes


def extent(ax, renderer) -> Bbox:
    """The box that drawing ``ax`` covers, in display coordinates: its tight box, with the
    spines taken as the Axes' edges and the tick marks on them (measuring a spine itself would
    lay out its ticks again)."""
    artists = [a for a in ax.get_default_bbox_extra_artists() if not isinstance(a, Spine)]
    box = ax.get_tightbbox(renderer, bbox_extra_artists=artists) or ax.bbox
    k = ax.get_figure(root=True).dpi / 72
    (l, r), (b, t) = _marks(ax.yaxis, "left", "right"), _marks(ax.xaxis, "bottom", "top")
    x0, y0, x1, y1 = ax.bbox.extents
    return Bbox.union([box, Bbox([[x0 - k * l, y0 - k * b], [x1 + k * r, y1 + k * t]])])


def _marks(axis, low: str, high: str) -> tuple[float, float]:
    """How far (points) the tick marks of ``axis`` reach beyond the Axes' edge on its ``low``
    and ``high`` side ("left", "right" or "bottom", "top"); 0 where it has none."""
    if not len(axis.get_majorticklocs()):
        return 0.0, 0.0
    where = axis.get_ticks_position()  # a side's name, or "default" / "unknown": both sides
    return tuple(axis.get_tick_padding() if where in (side, "default", "unknown") else 0.0
                 for side in (low, high))  # fmt: skip


def clear_region(fig, renderer, box) -> None:
    """Paint the figure's background colour over ``box`` (display coordinates, clipped to the
    figure): what was drawn there goes."""
    box = Bbox.intersection(box, fig.bbox) or fig.bbox
    patch = Rectangle((box.x0, box.y0), box.width, box.height, transform=IdentityTransform(),
                      facecolor=fig.get_facecolor(), edgecolor="none", figure=fig)  # fmt: skip
    patch.draw(renderer)


def redraw_axes(fig, renderer, axes, extents: dict) -> None:
    """Clear where each of ``axes`` was drawn (``extents[ax]``), and every Axes such a region
    reaches into (a long label drawn before), then place their labels and draw them all again,
    in the figure's order (clearing all first, so that none erases another); ``extents`` is
    updated to what was drawn."""
    todo, boxes = list(axes), []
    for ax in todo:  # grows while it is walked: the neighbours that a region reaches
        boxes.append(extents[ax].padded(CLEAR_PAD))
        todo += [o for o in fig.axes if o not in todo and extents[o].overlaps(boxes[-1])]
    for box in boxes:  # what was drawn there goes; new decorations may reach further
        clear_region(fig, renderer, box)
    for ax in [a for a in fig.axes if a in todo]:
        place_labels(ax, renderer)
        ax.draw(renderer)
    for ax in todo:
        extents[ax] = extent(ax, renderer)
        ax.stale = False  # measuring re-placed the ticks where they were drawn


def crowded(fig, extents: dict) -> set:
    """The pairs of Axes whose drawings (``extents``, see :func:`extent`) overlap, and
    ``(ax, fig)`` for an Axes drawn past the figure's edge: tick labels or a title that grew at
    the far end of a range reach into a neighbour, or out of the picture."""
    axes = list(extents)
    pairs = {(a, b) for i, a in enumerate(axes) for b in axes[i + 1 :]
             if extents[a].overlaps(extents[b])}  # fmt: skip
    x0, y0, x1, y1 = fig.bbox.padded(0.5).extents  # half a pixel: rounding
    out = {(a, fig) for a in axes if extents[a].x0 < x0 or extents[a].y0 < y0
           or extents[a].x1 > x1 or extents[a].y1 > y1}  # fmt: skip
    return pairs | out
