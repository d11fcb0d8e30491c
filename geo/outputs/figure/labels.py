"""Deterministic greedy label placement without overlaps.

Labels are placed in priority order (most important first). Each label tries candidate positions
around its anchor (right, upper right, lower right, left, ..., the cartographer's usual order) and
takes the first whose box stays inside the frame and clear of every obstacle: the boxes of labels
already placed and of *all* markers (its own marker excepted), the legend, the scale bar, the inset.
A label with no free position is dropped; so with little space the important names win.

Everything here works in display pixels on plain tuples ``(x0, y0, x1, y1)``, so it is testable
without drawing; a uniform grid keeps 10,000 obstacles cheap to query.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

Box = tuple[float, float, float, float]

#: (dx, dy) directions in marker radii, ha, va: right, upper right, lower right, left, upper left,
#: lower left, above, below.
CANDIDATES: tuple[tuple[float, float, str, str], ...] = (
    (1, 0, "left", "center"),
    (0.7, 0.7, "left", "bottom"),
    (0.7, -0.7, "left", "top"),
    (-1, 0, "right", "center"),
    (-0.7, 0.7, "right", "bottom"),
    (-0.7, -0.7, "right", "top"),
    (0, 1, "center", "bottom"),
    (0, -1, "center", "top"),
)
#: A centred label (areas without a marker: countries, seas) tries its point first, then nearby.
CENTRED: tuple[tuple[float, float, str, str], ...] = ((0, 0, "center", "center"),) + CANDIDATES


@dataclass(frozen=True)
class LabelRequest:
    key: int  # the caller's index (the marker it belongs to, if any)
    x: float  # anchor in display pixels
    y: float
    radius: float  # marker radius in pixels (0: no marker)
    width: float  # text box in pixels
    height: float
    centred: bool = False
    alts: tuple[tuple[float, float], ...] = ()  # other anchors to try (points along a river, ...)


@dataclass(frozen=True)
class Placement:
    key: int
    box: Box
    dx: float  # offset of the text anchor from the point, in pixels
    dy: float
    ha: str
    va: str


def overlaps(a: Box, b: Box) -> bool:
    """Whether two boxes share interior (touching edges do not count)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class BoxIndex:
    """Boxes in a uniform grid, for "does this box hit any stored box (but these keys)?" queries."""

    def __init__(self, cell: float = 48.0):
        self.cell = cell
        self.grid: dict[tuple[int, int], list[int]] = {}
        self.boxes: list[Box] = []
        self.keys: list[int] = []

    def _cells(self, b: Box) -> Iterable[tuple[int, int]]:
        c = self.cell
        for i in range(int(b[0] // c), int(b[2] // c) + 1):
            for j in range(int(b[1] // c), int(b[3] // c) + 1):
                yield i, j

    def add(self, b: Box, key: int = -1) -> None:
        n = len(self.boxes)
        self.boxes.append(b)
        self.keys.append(key)
        for cell in self._cells(b):
            self.grid.setdefault(cell, []).append(n)

    def hits(self, b: Box, ignore_key: int | None = None) -> bool:
        for cell in self._cells(b):
            for n in self.grid.get(cell, ()):
                if ignore_key is not None and self.keys[n] == ignore_key:
                    continue
                if overlaps(b, self.boxes[n]):
                    return True
        return False


def candidate_box(req: LabelRequest, cand: tuple[float, float, str, str], gap: float) -> tuple[Box, float, float]:
    """The text box of ``req`` at candidate ``cand``, and the anchor offset (dx, dy) in pixels."""
    ux, uy, ha, va = cand
    r = req.radius + gap if (ux or uy) else 0.0
    dx, dy = ux * r, uy * r
    ax, ay = req.x + dx, req.y + dy
    w, h = req.width, req.height
    x0 = ax if ha == "left" else ax - w if ha == "right" else ax - w / 2
    y0 = ay if va == "bottom" else ay - h if va == "top" else ay - h / 2
    return (x0, y0, x0 + w, y0 + h), dx, dy


def place_labels(requests: Sequence[LabelRequest], frame: Box, obstacles: BoxIndex, *, gap: float = 2.0,
                 pad: float = 1.5, max_labels: int | None = None) -> list[Placement]:
    """Place ``requests`` (already in priority order) greedily; returns the placements made.

    ``obstacles`` holds marker boxes keyed by their request key (a label may touch its own marker
    only) and unkeyed boxes (legend, scale bar...); placed labels are added to it as they go.
    ``pad`` pixels of clearance are kept around every label.
    """
    out: list[Placement] = []
    for req in requests:
        if max_labels is not None and len(out) >= max_labels:
            break
        found = _place_one(req, frame, obstacles, gap, pad)
        if found is not None:
            obstacles.add(found.box, key=-2)  # labels block every later label and its marker
            out.append(found)
    return out


def can_place(req: LabelRequest, frame: Box, obstacles: BoxIndex, gap: float = 2.0, pad: float = 1.5) -> bool:
    """Whether ``req`` would find a free position now (nothing is added to ``obstacles``)."""
    return _place_one(req, frame, obstacles, gap, pad) is not None


def _place_one(req: LabelRequest, frame: Box, obstacles: BoxIndex, gap: float, pad: float) -> Placement | None:
    x0, y0 = req.x, req.y
    for ax_, ay_ in ((x0, y0), *req.alts):
        r = req if (ax_, ay_) == (x0, y0) else LabelRequest(req.key, ax_, ay_, req.radius, req.width, req.height,
                                                            req.centred)
        for cand in (CENTRED if req.centred else CANDIDATES):
            box, dx, dy = candidate_box(r, cand, gap)
            if box[0] < frame[0] or box[1] < frame[1] or box[2] > frame[2] or box[3] > frame[3]:
                continue
            padded = (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)
            if obstacles.hits(padded, ignore_key=req.key):
                continue
            # offsets are from the place's own anchor, so the label artist needs one position only
            return Placement(req.key, box, dx + ax_ - x0, dy + ay_ - y0, cand[2], cand[3])
    return None
