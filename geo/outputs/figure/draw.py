"""Draw a static, labelled map of the places of articles with matplotlib (no browser, no network).

The figure is drawn in a plain equirectangular projection whose aspect is corrected by the cosine
of the middle latitude (what a regional news map needs; no projection library). Layers, bottom up:
sea, land (country polygons), first-level divisions, lakes and rivers of the basemap (Natural Earth,
from the gazetteer); then the mentioned places: areas shaded in their type's colour, rivers as
lines, every other place a circle sized by its mentions; then labels placed without overlaps
(:mod:`.labels`), a scale bar, an optional locator inset, a title, a legend strip and a source line.

Everything is deterministic: same input, same drawing, and (with :func:`figure_bytes`) the same
bytes for SVG and PDF.
"""
from __future__ import annotations

import io
import logging
import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

import shapely
import shapely.ops

from geo.features import FEATURE_TYPES, shape_kind
from geo.types import ParsedDocument, Place

from . import basemap as bm
from .fonts import font_chain, font_chain_for, shape_text
from .labels import BoxIndex, LabelRequest, can_place, place_labels
from .palette import BASEMAP, KIND_COLOURS, TYPE_COLOURS

log = logging.getLogger(__name__)

from geo.outputs.aggregate import Aggregator, PlaceEntry
from geo.outputs.ui import majority_language, strings

DEFAULT_SOURCE = "Places: GeoNames; basemap: Natural Earth"  # (in English; drawn in the figure's language)
#: A report column: 180 mm x 120 mm.
DEFAULT_SIZE_IN = (180 / 25.4, 120 / 25.4)
DEFAULT_DPI = 200
#: Places whose shape is fetched at most (the most mentioned); the rest are drawn as circles.
MAX_SHAPES = 300
#: Labels placed at most by default (a graphics desk would not print more on a column-wide map).
MAX_LABELS = 40
#: Maps with fewer marked places than this get the biggest towns around them, in grey, for orientation.
CONTEXT_TOWNS_BELOW = 40
CONTEXT_GREY = "#8a857c"


def rc_params() -> dict[str, Any]:
    """The matplotlib settings every figure is drawn and saved with (fonts, reproducible files)."""
    return {
        "font.family": list(font_chain()),
        "font.size": 8.0,
        "svg.fonttype": "none",  # text stays text (searchable, escaped) in SVG
        "svg.hashsalt": "geo-figure",  # deterministic ids in SVG
        "svg.image_inline": True,
        "pdf.fonttype": 42,  # TrueType: text stays text in PDF
        "pdf.compression": 6,
        "path.simplify": True,
        "axes.unicode_minus": True,
        "text.usetex": False,
        "figure.autolayout": False,
        "figure.constrained_layout.use": False,
        "savefig.bbox": None,
        "savefig.pad_inches": 0.0,
        "savefig.transparent": False,
        "savefig.facecolor": "white",
        "savefig.edgecolor": "white",
        "hatch.linewidth": 0.5,
    }


@contextmanager
def _rc() -> Iterator[None]:
    import matplotlib as mpl

    with mpl.rc_context(rc_params()):
        yield


# ------------------------------------------------------------------ the figure object

def _figure_class():
    from matplotlib.figure import Figure

    class MapFigure(Figure):
        """A matplotlib Figure that shows itself in Jupyter (``_repr_png_``) and knows what it drew
        (:attr:`geo`: a :class:`FigureInfo`)."""

        geo: "FigureInfo"

        def _repr_png_(self) -> bytes:
            return figure_bytes(self, "png")

        def save(self, path: Any, format: str | None = None) -> None:
            """Write the figure to ``path`` (format from the suffix), atomically, reproducibly."""
            from geo.io import atomic_write_bytes

            atomic_write_bytes(path, figure_bytes(self, format or _format_of(path)))

    return MapFigure


_FIG_CLASS = None


def _new_figure(size_in: tuple[float, float], dpi: float):
    global _FIG_CLASS
    if _FIG_CLASS is None:
        _FIG_CLASS = _figure_class()
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = _FIG_CLASS(figsize=size_in, dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


@dataclass
class DrawnPlace:
    """One place as drawn: where, how, and its label (the Text artist, or None when dropped)."""

    entry: PlaceEntry
    lon: float
    lat: float
    kind: str  # "marker" | "area" | "river"
    size_pt: float = 0.0  # marker diameter in points (0: no marker)
    label: Any = None  # matplotlib Text
    alts: tuple[tuple[float, float], ...] = ()  # other label anchors (lon, lat): along a river, inside an area
    index: int = -1  # position of the entry in the figure's input


@dataclass
class FigureInfo:
    """What a figure shows: the extent (west, south, east, north), the places, the map axes."""

    extent: tuple[float, float, float, float]
    places: list[DrawnPlace] = field(default_factory=list)
    axes: Any = None
    inset: Any = None
    scalebar: Any = None
    legend: Any = None
    outside: int = 0  # places outside the extent
    documents: int = 0
    context_labels: list[Any] = field(default_factory=list)  # names of countries not mentioned (orientation)

    @property
    def labels(self) -> list[Any]:
        return [p.label for p in self.places if p.label is not None]


# ------------------------------------------------------------------ inputs

def entries_from_parsed(parsed: Sequence[ParsedDocument], gazetteer: Any = None) -> list[PlaceEntry]:
    """Aggregate parsed documents into place entries (with each article's focus) as the map does."""
    from geo.focus import focus_ids

    agg = Aggregator(0, documents=0)
    for pd in parsed:
        agg.add(pd, focus=focus_ids(pd, gazetteer))
    return agg.entries()


def _entries(data: Any, gazetteer: Any) -> tuple[list[PlaceEntry], int]:
    items = list(data or ())
    if not items:
        return [], 0
    if all(isinstance(x, PlaceEntry) for x in items):
        docs = max((e.document_count for e in items), default=0)
        idx = {dm.index for e in items for dm in e.documents}
        return items, max(docs, len(idx))
    if all(isinstance(x, ParsedDocument) for x in items):
        return entries_from_parsed(items, gazetteer), len(items)
    bad = next(x for x in items if not isinstance(x, (PlaceEntry, ParsedDocument)))
    raise TypeError(f"figure: cannot draw a {type(bad).__name__}; give ParsedDocuments (geo.parse_many) "
                    f"or place entries (geo aggregate), not a mix")


# ------------------------------------------------------------------ sizes and extents

_UNITS = {"mm": 1 / 25.4, "cm": 1 / 2.54, "in": 1.0, "pt": 1 / 72, "px": None}


def parse_size(text: str, dpi: float = DEFAULT_DPI) -> tuple[float, float]:
    """Figure size in inches from ``"180mm"``, ``"180x120mm"``, ``"180mmx12cm"``, ``"1200x800px"``,
    ``"1200x800"`` (pixels at ``dpi``), ``"7x5in"``. A lone width gets a 3:2 height."""
    import re

    s = str(text).strip().lower().replace("×", "x").replace(" ", "")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(mm|cm|in|pt|px)?(?:x(\d+(?:\.\d+)?)(mm|cm|in|pt|px)?)?", s)
    if not m:
        raise ValueError(f"size {text!r}: give WIDTHxHEIGHT with a unit (mm, cm, in, px), e.g. 180x120mm or "
                         f"1200x800px, or a width alone (180mm)")
    w, wu, h, hu = m.groups()
    unit_w = wu or hu or "px"
    unit_h = hu or wu or "px"

    def inches(v: str, unit: str) -> float:
        f = _UNITS[unit]
        return float(v) / dpi if f is None else float(v) * f

    wi = inches(w, unit_w)
    hi = inches(h, unit_h) if h is not None else wi * 2 / 3
    if not (0.5 <= wi <= 100 and 0.5 <= hi <= 100):
        raise ValueError(f"size {text!r}: the figure must be between 0.5 and 100 inches (13 mm to 2.5 m) a side")
    return wi, hi


def parse_bbox(text: str) -> tuple[float, float, float, float] | None:
    """``"W,S,E,N"`` in degrees -> a tuple; None when ``text`` is not four numbers (a place name then).
    Raises ValueError for four numbers that are not a valid box."""
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 4:
        return None
    try:
        w, s, e, n = (float(p) for p in parts)
    except ValueError:
        return None
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise ValueError(f"bbox {text!r}: need west < east in [-180, 180] and south < north in [-90, 90]")
    return w, s, e, n


def bbox_of_place(name: str, gazetteer: Any) -> tuple[float, float, float, float]:
    """The box of a place named in the gazetteer (its shape's main part, or 1.5 degrees around it)."""
    if gazetteer is None:
        raise ValueError(f"bbox {name!r}: no gazetteer to look the place up in (give W,S,E,N in degrees)")
    cands = gazetteer.lookup(name, limit=5, fuzzy=False) or gazetteer.lookup(name, limit=5)
    if not cands:
        raise ValueError(f"bbox {name!r}: no such place in the gazetteer (give a place name or W,S,E,N in degrees)")
    best = max(cands, key=lambda c: (c.similarity, c.prior, c.place.importance))
    p = best.place
    geom = gazetteer.geometry(p.id) if p.has_geometry else None
    if geom is not None and not geom.is_empty and geom.geom_type not in ("Point", "MultiPoint"):
        return bm.main_bounds(geom)
    return p.lon - 1.5, p.lat - 1.0, p.lon + 1.5, p.lat + 1.0


def _union(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def fit_extent(box: tuple[float, float, float, float], aspect: float, *, pad: float = 0.08,
               min_span: float = 2.0) -> tuple[float, float, float, float]:
    """``box`` padded and widened to the map's ``aspect`` (width / height on paper), in degrees."""
    w, s, e, n = box
    cx, cy = (w + e) / 2, (s + n) / 2
    dx, dy = max(e - w, 1e-9), max(n - s, 1e-9)
    dx, dy = dx * (1 + 2 * pad), dy * (1 + 2 * pad)
    coslat = max(math.cos(math.radians(max(-80.0, min(80.0, cy)))), 0.2)
    dy = max(dy, min_span)
    dx = max(dx, min_span / coslat)
    # paper width / height = dx * coslat / dy
    if dx * coslat / dy < aspect:
        dx = dy * aspect / coslat
    else:
        dy = dx * coslat / aspect
    if dx > 360:
        dx = 360.0
        dy = dx * coslat / aspect
    if dy > 170:
        dy = 170.0
    w, e = cx - dx / 2, cx + dx / 2
    if w < -180:
        w, e = -180.0, -180.0 + dx
    if e > 180:
        w, e = 180.0 - dx, 180.0
    s, n = cy - dy / 2, cy + dy / 2
    if s < -85:
        s, n = -85.0, -85.0 + dy
    if n > 85:
        s, n = 85.0 - dy, 85.0
    return w, s, e, n


# ------------------------------------------------------------------ geometry -> matplotlib

def _ring_path(coords: Any) -> tuple[list, list]:
    from matplotlib.path import Path

    pts = list(coords)
    codes = [Path.MOVETO] + [Path.LINETO] * (len(pts) - 2) + [Path.CLOSEPOLY]
    return pts, codes


def _poly_path(geom: Any):
    """One compound matplotlib Path for a (Multi)Polygon, holes included; None when empty."""
    from matplotlib.path import Path

    verts: list = []
    codes: list = []
    polys = []
    if geom.geom_type == "Polygon":
        polys = [geom]
    elif geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        polys = [g for g in geom.geoms if g.geom_type == "Polygon"]
    for p in polys:
        for ring in [p.exterior, *p.interiors]:
            if len(ring.coords) < 4:
                continue
            v, c = _ring_path(ring.coords)
            verts += v
            codes += c
    return Path(verts, codes) if verts else None


def _lines(geom: Any) -> list:
    if geom.geom_type == "LineString":
        return [list(geom.coords)]
    if geom.geom_type in ("MultiLineString", "GeometryCollection"):
        out = []
        for g in geom.geoms:
            out += _lines(g)
        return out
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return _lines(geom.boundary)
    return []


def _draw_polys(ax: Any, geoms: list, *, zorder: float, **style: Any) -> Any:
    from matplotlib.collections import PathCollection

    paths = [p for g in geoms if (p := _poly_path(g)) is not None]
    if not paths:
        return None
    coll = PathCollection(paths, zorder=zorder, **style)
    coll.set_transform(ax.transData)
    ax.add_collection(coll, autolim=False)
    return coll


def _draw_lines(ax: Any, geoms: list, *, zorder: float, **style: Any) -> Any:
    from matplotlib.collections import LineCollection

    segs = [ln for g in geoms for ln in _lines(g) if len(ln) >= 2]
    if not segs:
        return None
    coll = LineCollection(segs, zorder=zorder, **style)
    ax.add_collection(coll, autolim=False)
    return coll


# ------------------------------------------------------------------ the drawing

def _marker_diameter(mentions: int, max_mentions: int, scale: float = 1.0) -> float:
    """Circle diameter in points: 5 for one mention, growing with log(mentions) to 14; all times
    ``scale`` (smaller when thousands of places share the map)."""
    if max_mentions <= 1:
        return 6.0 * scale
    return (5.0 + 9.0 * math.log(max(mentions, 1)) / math.log(max_mentions)) * scale


def _nice_km(x: float) -> float:
    if x <= 0:
        return 1.0
    p = 10 ** math.floor(math.log10(x))
    for m in (5, 2, 1):
        if m * p <= x:
            return m * p
    return p


def _in_box(lon: float, lat: float, box: tuple[float, float, float, float]) -> bool:
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def draw_figure(
    data: Any = None,
    gazetteer: Any = None,
    *,
    size: tuple[float, float] | str = DEFAULT_SIZE_IN,
    dpi: float = DEFAULT_DPI,
    bbox: tuple[float, float, float, float] | str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    source: str | None = DEFAULT_SOURCE,
    inset: bool | None = None,
    legend: bool = True,
    max_labels: int = MAX_LABELS,
    provinces: bool | None = None,
    shape_rtl: bool = True,
    documents: int | None = None,
    lang: str | None = None,
) -> Any:
    """A labelled static map (a matplotlib Figure; ``fig.geo`` says what was drawn).

    ``data``: ParsedDocuments (``geo.parse_many``) or place entries (``Aggregator.entries()``, e.g.
    from results files). ``size``: (width, height) in inches or a string for :func:`parse_size`;
    ``bbox``: (west, south, east, north) in degrees, ``"W,S,E,N"``, or a place name looked up in the
    gazetteer (default: fitted to the articles' focus). ``inset``: a locator map (None: when the
    view is regional). ``max_labels``: labels placed at most (by mentions; none overlap). ``shape_rtl``:
    shape Arabic/Hebrew for raster/PDF output (turn off for SVG, where the viewer shapes text).
    ``documents``: the number of articles for the subtitle, when ``data`` are entries that do not know it.
    ``lang``: the language of the subtitle, legend and source line (:mod:`geo.outputs.ui`; default: the
    language most of the ParsedDocuments are in, else English).
    """
    with _rc():
        return _draw(data, gazetteer, size=size, dpi=dpi, bbox=bbox, title=title, subtitle=subtitle,
                     source=source, inset=inset, legend=legend, max_labels=max_labels, provinces=provinces,
                     shape_rtl=shape_rtl, documents=documents, ui=strings(figure_language(data, lang)))


def figure_language(data: Any, lang: str | None = None) -> str:
    """``lang``, else the language most of ``data``'s ParsedDocuments are in (where they record one), else English."""
    if lang:
        return lang
    if isinstance(data, (list, tuple)):
        return majority_language(getattr(d, "lang", None) or getattr(getattr(d, "document", None), "lang", None)
                                 for d in data if hasattr(d, "resolutions"))
    return "en"


def _draw(data, gazetteer, *, size, dpi, bbox, title, subtitle, source, inset, legend, max_labels, provinces,
          shape_rtl, documents, ui):
    from matplotlib.lines import Line2D

    if source is DEFAULT_SOURCE:
        source = ui.text("figure_source")

    gz = bm.open_gazetteer(gazetteer)
    entries, n_docs = _entries(data, gz)
    if documents is not None:
        n_docs = int(documents)
    entries = [e for e in entries if math.isfinite(e.place.lat) and math.isfinite(e.place.lon)
               and -90 <= e.place.lat <= 90 and -180 <= e.place.lon <= 180]
    size_in = parse_size(size, dpi) if isinstance(size, str) else (float(size[0]), float(size[1]))
    import matplotlib as mpl

    # the fonts of the scripts in use only (inside draw_figure's rc_context: restored afterwards)
    mpl.rcParams["font.family"] = list(font_chain_for(
        [e.place.name for e in entries[:5000]] + [title or "", subtitle or "", source or ""]))
    txt = shape_text if shape_rtl else (lambda s: s)

    # --- shapes of the most mentioned places (areas, rivers, seas...)
    shapes: dict[int, tuple[str, Any]] = {}
    if gz is not None:
        for i, e in enumerate(entries):
            if len(shapes) >= MAX_SHAPES:
                break
            kind = shape_kind(e.place.feature_class, e.place.feature_code) if e.place.has_geometry else None
            if kind is None:
                continue
            try:
                g = gz.geometry(e.place.id)
            except Exception as exc:  # noqa: BLE001 - a broken shape must not sink the figure
                log.warning("figure: no shape for %s (%s): %s", e.place.name, e.place.id, exc)
                continue
            if g is None or g.is_empty or g.geom_type in ("Point", "MultiPoint"):
                continue
            if kind != "river" and g.geom_type not in ("Polygon", "MultiPolygon"):
                continue
            shapes[i] = (kind, g)

    # --- layout (inches): title block, map, legend strip, source line
    W, H = size_in
    top = 0.12
    if title:
        top += 0.26
    if title or subtitle is not None or entries:
        top += 0.18
    bottom = 0.08 + (0.16 if source else 0.0) + (0.24 if legend and entries else 0.0)
    left = right = 0.12
    map_w, map_h = W - left - right, H - top - bottom
    if map_w <= 0.5 or map_h <= 0.5:
        raise ValueError(f"figure size {W * 25.4:.0f}x{H * 25.4:.0f} mm leaves no room for the map")
    aspect = map_w / map_h

    # --- extent
    if bbox is not None:
        if isinstance(bbox, str):
            box = parse_bbox(bbox) or bbox_of_place(bbox, gz)
        else:
            box = tuple(float(v) for v in bbox)  # type: ignore[assignment]
            if not (box[0] < box[2] and box[1] < box[3]):
                raise ValueError(f"bbox {bbox!r}: need west < east and south < north")
        extent = fit_extent(box, aspect, pad=0.0, min_span=0.05)
    else:
        extent = _auto_extent(entries, shapes, aspect)
    w, s, e, n = extent
    coslat = math.cos(math.radians((s + n) / 2))

    fig = _new_figure(size_in, dpi)
    ax = fig.add_axes((left / W, bottom / H, map_w / W, map_h / H))
    ax.set_xlim(w, e)
    ax.set_ylim(s, n)
    ax.set_aspect("auto")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(BASEMAP["sea"])
    for sp in ax.spines.values():
        sp.set_edgecolor(BASEMAP["frame"])
        sp.set_linewidth(0.6)

    px_w = map_w * dpi
    deg_per_px = (e - w) / max(px_w, 1)
    tol = deg_per_px * 0.6
    margin = (e - w) * 0.02
    view = (w - margin, s - margin, e + margin, n + margin)

    # --- basemap
    land, land_places = [], []
    for place, g in bm.country_shapes(gz):
        c = bm.clip(g, view, tol)
        if c is not None:
            land.append(c)
            land_places.append((place, c))
    _draw_polys(ax, land, zorder=1, facecolors=BASEMAP["land"], edgecolors=BASEMAP["border"], linewidths=0.5)
    show_provinces = provinces if provinces is not None else (e - w) <= 40
    if show_provinces and gz is not None:
        prov = [c for _p, g in bm.features_in(gz, view, ("ADM1",)) if (c := bm.clip(g, view, tol)) is not None]
        _draw_lines(ax, prov, zorder=1.5, colors=BASEMAP["province"], linewidths=0.35)
    if gz is not None:
        lakes = [c for _p, g in bm.features_in(gz, view, ("LK", "RSV", "LKSL", "LKS"), limit=400)
                 if g.geom_type in ("Polygon", "MultiPolygon") and (c := bm.clip(g, view, tol)) is not None
                 and c.area > (deg_per_px * 3) ** 2]
        _draw_polys(ax, lakes, zorder=1.6, facecolors=BASEMAP["lake"], edgecolors=BASEMAP["river"], linewidths=0.3)
        # rivers long enough to matter at this scale (a continent shows its great rivers only)
        min_len = (e - w) * 0.06
        rivers = [c for _p, g in bm.features_in(gz, view, ("STM",), limit=600)
                  if (c := bm.clip(g, view, tol)) is not None and c.length >= min_len]
        _draw_lines(ax, rivers, zorder=1.7, colors=BASEMAP["river"], linewidths=0.5)

    # --- mentioned shapes
    drawn: list[DrawnPlace] = []
    max_m = max((en.mentions for en in entries), default=1)
    area_idx: dict[int, Any] = {}
    for i, (kind, g) in shapes.items():
        c = bm.clip(g, view, tol)
        if c is None:
            continue
        area_idx[i] = (kind, c)
    for i, (kind, c) in sorted(area_idx.items()):
        ftype = entries[i].feature_type
        if kind == "river":
            _draw_lines(ax, [c], zorder=4, colors=KIND_COLOURS["river"][0], linewidths=1.6)
        elif kind == "area":
            col = TYPE_COLOURS[ftype]
            _draw_polys(ax, [c], zorder=3 if ftype == "country" else 3.2, facecolors=col + "2e", edgecolors=col,
                        linewidths=0.9 if ftype == "country" else 0.7)
        else:
            edge, fill = KIND_COLOURS[kind]
            _draw_polys(ax, [c], zorder=3.1, facecolors=(fill or "none"), edgecolors=edge, linewidths=0.7)

    # --- anchors: markers for points, label points for areas and rivers
    points = [(en.place.lon, en.place.lat) for i, en in enumerate(entries) if i not in area_idx]
    centre = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)) if points else None
    n_points = sum(1 for i, en in enumerate(entries)
                   if i not in area_idx and _in_box(en.place.lon, en.place.lat, extent))
    mscale = max(0.3, min(1.0, math.sqrt(300 / max(n_points, 1))))
    outside = 0
    for i, en in enumerate(entries):
        p = en.place
        if i in area_idx:
            kind, c = area_idx[i]
            if kind == "river" or kind in ("water", "mountain") and not _in_box(p.lon, p.lat, extent):
                if centre is not None:
                    pt = shapely.ops.nearest_points(c, shapely.Point(centre))[0]
                else:
                    pt = c.representative_point() if kind != "river" else c.interpolate(0.5, normalized=True) \
                        if c.geom_type == "LineString" else c.representative_point()
                lon, lat = pt.x, pt.y
            elif _in_box(p.lon, p.lat, extent) and c.contains(shapely.Point(p.lon, p.lat)):
                lon, lat = p.lon, p.lat
            else:
                rp = c.representative_point()
                lon, lat = rp.x, rp.y
            drawn.append(DrawnPlace(en, lon, lat, "river" if kind == "river" else "area", alts=_alt_anchors(c, kind),
                                    index=i))
        else:
            if not _in_box(p.lon, p.lat, extent):
                outside += 1
                continue
            drawn.append(DrawnPlace(en, p.lon, p.lat, "marker", _marker_diameter(en.mentions, max_m, mscale), index=i))

    markers = [d for d in drawn if d.kind == "marker"]
    if markers:
        order = sorted(range(len(markers)), key=lambda k: (-markers[k].size_pt, k))  # big first, small on top
        xs = [markers[k].lon for k in order]
        ys = [markers[k].lat for k in order]
        sz = [markers[k].size_pt ** 2 for k in order]
        cols = [TYPE_COLOURS[markers[k].entry.feature_type] for k in order]
        edges = ["#1a1a1a" if markers[k].entry.focus else "white" for k in order]
        ax.scatter(xs, ys, s=sz, c=cols, edgecolors=edges, linewidths=0.7 * mscale, zorder=5)

    # --- title, subtitle, source
    y = H - 0.12
    if title:
        fig.text(left / W, y / H, title, ha="left", va="top", fontsize=12.5, fontweight="bold", parse_math=False,
                 color=BASEMAP["text"])
        y -= 0.26
    n_places = len(entries)
    if subtitle is None and entries:
        subtitle = (ui.text("figure_subtitle", places=ui.count(n_places, "place", grouped=True),
                            articles=ui.count(n_docs, "article", grouped=True))
                    + (ui.text("figure_sizes") if markers else ""))
    if subtitle:
        fig.text(left / W, y / H, subtitle, ha="left", va="top", fontsize=8, color=BASEMAP["muted"], parse_math=False)
    if source:
        src = source + ("  ·  " + ui.text("figure_outside", places=ui.count(outside, "place", grouped=True))
                        if outside else "")
        fig.text(left / W, 0.08 / H, src, ha="left", va="bottom", fontsize=6.5, color=BASEMAP["muted"],
                 parse_math=False)

    # --- legend strip below the map
    leg = None
    if legend and entries:
        handles, names = [], []
        present = [t for t in FEATURE_TYPES if any(d.entry.feature_type == t and d.kind == "marker" for d in drawn)]
        for t in present:
            handles.append(Line2D([], [], marker="o", linestyle="none", markersize=6, markerfacecolor=TYPE_COLOURS[t],
                                  markeredgecolor="white", markeredgewidth=0.6))
            names.append(ui.text(f"figure_type_{t}"))
        area_types = [t for t in FEATURE_TYPES
                      if any(d.kind == "area" and area_idx[d.index][0] == "area"
                             and d.entry.feature_type == t for d in drawn)]
        from matplotlib.patches import Patch

        for t in area_types:
            handles.append(Patch(facecolor=TYPE_COLOURS[t] + "2e", edgecolor=TYPE_COLOURS[t], linewidth=0.8))
            names.append(ui.text("figure_area", type=ui.text(f"figure_type_{t}")))
        kinds = sorted({area_idx[d.index][0] for d in drawn if d.kind in ("area", "river")} - {"area"},
                       key=["river", "water", "mountain", "island"].index)
        for k in kinds:
            edge, fill = KIND_COLOURS[k]
            if k == "river":
                handles.append(Line2D([], [], color=edge, linewidth=1.6))
            else:
                handles.append(Patch(facecolor=fill, edgecolor=edge, linewidth=0.7))
            names.append(ui.text(f"figure_{k}"))
        if any(d.entry.focus for d in markers):
            handles.append(Line2D([], [], marker="o", linestyle="none", markersize=6, markerfacecolor="white",
                                  markeredgecolor="#1a1a1a", markeredgewidth=0.9))
            names.append(ui.text("figure_focus"))
        if handles:
            leg = fig.legend(handles, names, loc="upper left", bbox_to_anchor=(left / W, (bottom - 0.03) / H),
                             ncol=min(len(handles), 6), frameon=False, fontsize=7, handlelength=1.2,
                             handletextpad=0.4, columnspacing=1.1, borderaxespad=0.0, borderpad=0.0)

    renderer = fig.canvas.get_renderer()
    to_px = ax.transData
    frame = tuple(ax.get_window_extent(renderer).bounds)
    frame_box = (frame[0] + 2, frame[1] + 2, frame[0] + frame[2] - 2, frame[1] + frame[3] - 2)
    obstacles = BoxIndex(cell=max(24.0, dpi / 6))
    pt_px = dpi / 72.0
    mk_xy = []
    for k, d in enumerate(drawn):
        X, Y = to_px.transform((d.lon, d.lat))
        mk_xy.append((X, Y))
        if d.kind == "marker":
            r = d.size_pt / 2 * pt_px + 0.7 * mscale * pt_px / 2
            obstacles.add((X - r, Y - r, X + r, Y + r), key=k)

    # --- scale bar and inset, in the corners with the fewest places
    fw_px = frame_box[2] - frame_box[0]
    # where the inset would go (24% of the map's width, 4:3, plus room for the names around it)
    corners = _corner_load(mk_xy, frame_box, fw_px * 0.28, fw_px * 0.22)
    order = ("ur", "ul", "lr", "ll")
    corner = min(order, key=lambda c: (corners[c], order.index(c)))
    # automatic: a regional view gets a locator, but never over a mentioned place
    show_inset = inset if inset is not None else ((e - w) < 60 and bool(entries) and corners[corner] == 0)
    corners = _corner_load(mk_xy, frame_box, fw_px * 0.22, fw_px * 0.1)
    inset_ax = None
    if show_inset:
        inset_ax = _draw_inset(fig, ax, extent, corner, map_w, map_h, gz, renderer)
        corners[corner] = float("inf")
        ib = inset_ax.get_window_extent(renderer).bounds
        obstacles.add((ib[0] - 2, ib[1] - 2, ib[0] + ib[2] + 2, ib[1] + ib[3] + 2))
    sb_box = None
    if e - w <= 90:  # wider views: the scale changes too much across the map for one bar
        sb_corner = min(("ll", "lr"), key=lambda c: (corners[c], c != "ll"))
        sb_box = _draw_scalebar(ax, extent, coslat, sb_corner, renderer)
        obstacles.add(sb_box)

    # --- labels
    priority = sorted(range(len(drawn)), key=lambda k: (
        0 if drawn[k].entry.focus else 1, -drawn[k].entry.mentions, -drawn[k].entry.place.importance,
        drawn[k].entry.place.name, drawn[k].entry.place.id))
    candidates = priority[: max(max_labels * 4, 600) if max_labels > 0 else 0]
    reqs = []
    texts: dict[int, Any] = {}
    for k in candidates:
        d = drawn[k]
        X, Y = mk_xy[k]
        r = d.size_pt / 2 * pt_px if d.kind == "marker" else 0.0
        # a box surely smaller than the label (0.3 em a character): when it finds no room, neither will
        # the label, so its text is never measured (measuring is the slow part with thousands of places)
        em = 7.0 * pt_px
        lower = LabelRequest(k, X, Y, r, 0.3 * em * len(d.entry.place.name), 0.9 * em,
                             centred=d.kind != "marker",
                             alts=tuple(tuple(to_px.transform(a)) for a in d.alts))
        if not can_place(lower, frame_box, obstacles, gap=1.5 * pt_px, pad=1.0 * pt_px):
            continue
        t = _label_artist(ax, d, txt)
        bb = t.get_window_extent(renderer)
        texts[k] = t
        alts = tuple(tuple(to_px.transform(a)) for a in d.alts)
        reqs.append(LabelRequest(k, X, Y, r, bb.width, bb.height, centred=d.kind != "marker", alts=alts))
    placed = {pl.key: pl for pl in place_labels(reqs, frame_box, obstacles, gap=1.5 * pt_px, pad=1.0 * pt_px,
                                                max_labels=max_labels)}
    for k, t in texts.items():
        pl = placed.get(k)
        if pl is None:
            t.remove()
            continue
        t.set_position((pl.dx / pt_px, pl.dy / pt_px))
        t.set_horizontalalignment(pl.ha)
        t.set_verticalalignment(pl.va)
        drawn[k].label = t

    # --- the neighbours' names, for orientation, where room is left (never over a place or its label)
    mentioned_cc = {d.entry.place.country_code for d in drawn if d.kind == "area" and d.entry.feature_type == "country"}
    lines_idx = BoxIndex(cell=max(24.0, dpi / 6))
    for i, (kind, c) in area_idx.items():
        if kind == "river":
            for ln in _lines(c):
                xy = to_px.transform(ln)
                for (x0, y0), (x1, y1) in zip(xy[:-1], xy[1:]):
                    lines_idx.add((min(x0, x1) - 1, min(y0, y1) - 1, max(x0, x1) + 1, max(y0, y1) + 1))
    context = _context_labels(ax, land_places, mentioned_cc, txt, renderer, obstacles, lines_idx, frame_box, pt_px)
    towns: list[Any] = []
    if gz is not None and len(markers) < CONTEXT_TOWNS_BELOW and (e - w) <= 40:
        known = {d.entry.place.id for d in drawn} | {d.entry.place.name for d in drawn}
        towns = _context_towns(ax, [t for t in bm.towns_in(gz, extent) if t.id not in known and t.name not in known],
                               txt, renderer, obstacles, lines_idx, frame_box, pt_px)
        context += towns

    fig.geo = FigureInfo(extent=extent, places=drawn, axes=ax, inset=inset_ax, scalebar=sb_box, legend=leg,
                         outside=outside, documents=n_docs, context_labels=context)
    return fig


def _alt_anchors(geom: Any, kind: str) -> tuple[tuple[float, float], ...]:
    """More places to try a label at: along the longest visible stretch of a river, inside an area."""
    out: list[tuple[float, float]] = []
    try:
        if kind == "river":
            lines = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "LineString"]
            if lines:
                longest = max(lines, key=lambda g: g.length)
                for f in (0.5, 0.3, 0.7, 0.15, 0.85):
                    pt = longest.interpolate(f, normalized=True)
                    out.append((pt.x, pt.y))
        else:
            polys = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon"]
            if polys:
                big = max(polys, key=lambda g: g.area)
                rp = big.representative_point()
                out.append((rp.x, rp.y))
                c = big.centroid
                if big.contains(c):
                    out.append((c.x, c.y))
    except Exception:  # noqa: BLE001 - odd shapes: the main anchor only
        return ()
    return tuple(out)


def _auto_extent(entries: list[PlaceEntry], shapes: dict[int, tuple[str, Any]], aspect: float):
    """The view: the articles' focus places and every place near them (all places when no focus).

    Points count as points; areas (provinces, seas, small countries) by their main outline; huge
    countries (over 40 degrees wide: Russia, Canada...) and rivers do not stretch the view, they are
    drawn where they cross it (their point is used only when nothing else is mentioned)."""
    if not entries:
        return fit_extent((-170, -58, 170, 80), aspect, pad=0.0)
    boxes_all, boxes_focus, fallback, huge = [], [], [], []
    for i, en in enumerate(entries):
        p = en.place
        pt = (p.lon, p.lat, p.lon, p.lat)
        fallback.append(pt)
        b: tuple[float, float, float, float] | None = pt
        if i in shapes:
            kind, g = shapes[i]
            mb = bm.main_bounds(g)
            if kind == "river" or mb[2] - mb[0] > 40:
                b = None
                if kind != "river":
                    huge.append(mb)
            else:
                b = mb
        elif en.feature_type == "country" or en.place.feature_code in ("CONT", "OCN", "RGN"):
            b = None  # a country without its outline: its point says little about where the story is
        if b is None:
            continue
        boxes_all.append(b)
        if en.focus:
            boxes_focus.append(b)
    if not boxes_all:  # only huge areas (the United States, Russia) or rivers: show them whole
        boxes_all = huge or fallback
    box = _union(boxes_all)
    if boxes_focus:
        # the focus, and every place or area near it (within the focus's own size, at least 4 degrees):
        # a passing mention of a far-away capital does not zoom the map out to the world
        f = _union(boxes_focus)
        mx, my = max(f[2] - f[0], 4.0), max(f[3] - f[1], 4.0)
        near = [b for b in boxes_all if b[0] <= f[2] + mx and b[2] >= f[0] - mx and b[1] <= f[3] + my
                and b[3] >= f[1] - my]
        box = _union([f, *near])
    return fit_extent(box, aspect)


def _corner_load(xy: list[tuple[float, float]], frame: tuple[float, float, float, float], fw: float,
                 fh: float) -> dict[str, float]:
    """How many of the points ``xy`` lie in an ``fw`` x ``fh`` pixel box in each corner of ``frame``."""
    x0, y0, x1, y1 = frame
    out = {}
    for c in ("ur", "ul", "lr", "ll"):
        cx0 = x1 - fw if c[1] == "r" else x0
        cy0 = y1 - fh if c[0] == "u" else y0
        out[c] = float(sum(1 for X, Y in xy if cx0 <= X <= cx0 + fw and cy0 <= Y <= cy0 + fh))
    return out


def _context_labels(ax: Any, land: list[tuple[Place, Any]], skip_cc: set, txt: Any, renderer: Any,
                    obstacles: BoxIndex, lines: BoxIndex, frame_box: tuple, pt_px: float) -> list[Any]:
    """Grey names of the countries in view that the articles do not mention, biggest first, each
    inside its own outline and only where it fits without touching anything already placed."""
    to_px = ax.transData
    cands = []
    for place, c in land:
        if place.country_code in skip_cc:
            continue
        polys = [g for g in getattr(c, "geoms", [c]) if g.geom_type == "Polygon"]
        if not polys:
            continue
        big = max(polys, key=lambda g: g.area)
        (x0, y0), (x1, y1) = to_px.transform([(big.bounds[0], big.bounds[1]), (big.bounds[2], big.bounds[3])])
        cands.append(((x1 - x0) * (y1 - y0), place, big))
    cands.sort(key=lambda t: (-t[0], t[1].name))
    out = []
    for n, (px_area, place, big) in enumerate(cands[:40]):
        name = txt(place.name)
        t = ax.text(0, 0, name.upper() if name.isascii() else name, fontsize=6.5, color="#8a857c", parse_math=False,
                    ha="center", va="center", zorder=2.5)
        bb = t.get_window_extent(renderer)
        if bb.width * bb.height * 2.5 > px_area:
            t.remove()
            continue
        pts = []
        if big.contains(shapely.Point(place.lon, place.lat)):
            pts.append((place.lon, place.lat))
        rp = big.representative_point()
        pts.append((rp.x, rp.y))
        placed = None
        for lon, lat in pts:
            X, Y = to_px.transform((lon, lat))
            box = (X - bb.width / 2, Y - bb.height / 2, X + bb.width / 2, Y + bb.height / 2)
            if box[0] < frame_box[0] or box[1] < frame_box[1] or box[2] > frame_box[2] or box[3] > frame_box[3]:
                continue
            corners = [(box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])]
            inv = to_px.inverted().transform(corners)
            if not all(big.contains(shapely.Point(x, y)) for x, y in inv):
                continue
            pad = 2 * pt_px
            padded = (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)
            if obstacles.hits(padded) or lines.hits(padded):
                continue
            placed = (lon, lat, box)
            break
        if placed is None:
            t.remove()
            continue
        t.set_position(placed[:2])
        obstacles.add(placed[2], key=-3)
        out.append(t)
    return out


class _Both:
    """Two box indexes queried as one (additions go to the first)."""

    def __init__(self, first: BoxIndex, second: BoxIndex):
        self.first, self.second = first, second

    def hits(self, b: tuple, ignore_key: int | None = None) -> bool:
        return self.first.hits(b, ignore_key) or self.second.hits(b, ignore_key)

    def add(self, b: tuple, key: int = -1) -> None:
        self.first.add(b, key)


def _context_towns(ax: Any, towns: list[Place], txt: Any, renderer: Any, obstacles: BoxIndex, lines: BoxIndex,
                   frame_box: tuple, pt_px: float, max_towns: int = 8) -> list[Any]:
    """Small grey dots and names of the biggest towns in view (not mentioned), each only where dot and
    name fit clear of everything already drawn; returns the Text artists (the dots are their partners)."""
    from matplotlib.lines import Line2D

    to_px = ax.transData
    r = 1.3 * pt_px
    out = []
    for town in towns:
        if len(out) >= max_towns:
            break
        X, Y = to_px.transform((town.lon, town.lat))
        dot = (X - r, Y - r, X + r, Y + r)
        pad = 1.5 * pt_px
        if dot[0] < frame_box[0] or dot[1] < frame_box[1] or dot[2] > frame_box[2] or dot[3] > frame_box[3]:
            continue
        if obstacles.hits((dot[0] - pad, dot[1] - pad, dot[2] + pad, dot[3] + pad)) or lines.hits(dot):
            continue
        t = ax.annotate(txt(town.name), (town.lon, town.lat), xytext=(0, 0), textcoords="offset points",
                        fontsize=6.5, color=CONTEXT_GREY, zorder=2.6, annotation_clip=False, parse_math=False)
        bb = t.get_window_extent(renderer)
        req = LabelRequest(-5, X, Y, r, bb.width, bb.height)
        # clear of the mentioned rivers too; on success place_labels adds the name's box to the obstacles
        both = _Both(obstacles, lines)
        placed = place_labels([req], frame_box, both, gap=1.2 * pt_px, pad=pad, max_labels=1)  # type: ignore[arg-type]
        if not placed:
            t.remove()
            continue
        pl = placed[0]
        obstacles.add(dot, key=-4)
        t.set_position((pl.dx / pt_px, pl.dy / pt_px))
        t.set_horizontalalignment(pl.ha)
        t.set_verticalalignment(pl.va)
        ax.add_line(Line2D([town.lon], [town.lat], marker="o", markersize=2.6, markerfacecolor=CONTEXT_GREY,
                           markeredgecolor="white", markeredgewidth=0.4, linestyle="none", zorder=2.6))
        t.geo_dot = dot
        out.append(t)
    return out


def _label_artist(ax: Any, d: DrawnPlace, txt: Any) -> Any:
    ftype = d.entry.feature_type
    name = txt(d.entry.place.name)
    style: dict[str, Any] = {"fontsize": 7.5, "color": BASEMAP["text"]}
    if d.kind == "river" or ftype == "physical":
        style = {"fontsize": 7.5, "color": "#1f5f8b", "fontstyle": "italic"}
    elif ftype == "country":
        name = name.upper() if name.isascii() else name
        style = {"fontsize": 7.5, "color": BASEMAP["country_label"], "fontweight": "bold"}
    elif ftype == "province":
        style = {"fontsize": 7, "color": "#3d5a80", "fontstyle": "italic"}
    elif d.entry.focus:
        style = {"fontsize": 8.5, "color": BASEMAP["text"], "fontweight": "bold"}
    return ax.annotate(name, (d.lon, d.lat), xytext=(0, 0), textcoords="offset points", ha="center", va="center",
                       zorder=6, annotation_clip=False, parse_math=False,
                       bbox={"boxstyle": "square,pad=0.08", "facecolor": "white", "edgecolor": "none",
                             "alpha": 0.72}, **style)


def _draw_scalebar(ax: Any, extent: tuple[float, float, float, float], coslat: float, corner: str,
                   renderer: Any) -> tuple[float, float, float, float]:
    w, s, e, n = extent
    km_w = (e - w) * 111.32 * coslat
    km = _nice_km(km_w / 5)
    frac = km / km_w
    x0 = 0.035 if corner == "ll" else 0.965 - frac
    y0 = 0.05
    lab = f"{km:,.0f} km" if km >= 1 else f"{km * 1000:,.0f} m"
    ln = ax.plot([x0, x0 + frac], [y0, y0], transform=ax.transAxes, color=BASEMAP["text"], linewidth=1.2,
                 solid_capstyle="butt", zorder=7)[0]
    ticks = ax.plot([x0, x0, None, x0 + frac, x0 + frac], [y0, y0 + 0.012, None, y0, y0 + 0.012],
                    transform=ax.transAxes, color=BASEMAP["text"], linewidth=0.8, zorder=7)[0]
    t = ax.text(x0 + frac / 2, y0 + 0.018, lab, transform=ax.transAxes, ha="center", va="bottom", fontsize=6.5,
                color=BASEMAP["text"], zorder=7)
    boxes = [a.get_window_extent(renderer) for a in (ln, ticks, t)]
    bx0 = min(b.x0 for b in boxes) - 3
    by0 = min(b.y0 for b in boxes) - 3
    bx1 = max(b.x1 for b in boxes) + 3
    by1 = max(b.y1 for b in boxes) + 3
    from matplotlib.patches import Rectangle

    inv = ax.transAxes.inverted()
    (ax0, ay0), (ax1, ay1) = inv.transform([(bx0, by0), (bx1, by1)])
    ax.add_patch(Rectangle((ax0, ay0), ax1 - ax0, ay1 - ay0, transform=ax.transAxes, facecolor="white",
                           edgecolor="none", alpha=0.75, zorder=6.9))
    return bx0, by0, bx1, by1


def _draw_inset(fig: Any, ax: Any, extent: tuple[float, float, float, float], corner: str, map_w: float,
                map_h: float, gz: Any, renderer: Any) -> Any:
    from matplotlib.patches import Rectangle

    w, s, e, n = extent
    axb = ax.get_position()
    iw = 0.24 * axb.width
    ih = iw * fig.get_figwidth() / fig.get_figheight() * 0.75  # 4:3 on paper
    pad_x, pad_y = 0.012 * axb.width, 0.012 * axb.width * fig.get_figwidth() / fig.get_figheight()
    x = axb.x1 - iw - pad_x if corner[1] == "r" else axb.x0 + pad_x
    y = axb.y1 - ih - pad_y if corner[0] == "u" else axb.y0 + pad_y
    iax = fig.add_axes((x, y, iw, ih), zorder=8)
    span = max(e - w, (n - s) * 1.4) * 6
    cx, cy = (w + e) / 2, (s + n) / 2
    ctx = fit_extent((cx - span / 2, cy - span / 4, cx + span / 2, cy + span / 4), 4 / 3, pad=0.0)
    iax.set_xlim(ctx[0], ctx[2])
    iax.set_ylim(ctx[1], ctx[3])
    iax.set_xticks([])
    iax.set_yticks([])
    iax.set_facecolor(BASEMAP["sea"])
    for sp in iax.spines.values():
        sp.set_edgecolor(BASEMAP["frame"])
        sp.set_linewidth(0.6)
    tol = (ctx[2] - ctx[0]) / 300
    land = [c for _p, g in bm.country_shapes(gz) if (c := bm.clip(g, ctx, tol)) is not None]
    _draw_polys(iax, land, zorder=1, facecolors="#e6e2d8", edgecolors="#b0aba1", linewidths=0.3)
    rw, rh = e - w, n - s
    min_w = (ctx[2] - ctx[0]) * 0.04
    if rw < min_w:  # a tiny frame still shows as a visible box
        w, e, rw = (w + e) / 2 - min_w / 2, (w + e) / 2 + min_w / 2, min_w
        rh = max(rh, min_w * 0.6)
        s, n = (s + n) / 2 - rh / 2, (s + n) / 2 + rh / 2
    iax.add_patch(Rectangle((w, s), rw, rh, facecolor="none", edgecolor=TYPE_COLOURS["city"], linewidth=1.1,
                            zorder=3))
    iax.patch.set_alpha(1.0)
    return iax


# ------------------------------------------------------------------ files

def _format_of(path: Any) -> str:
    import os

    ext = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    if ext not in ("svg", "pdf", "png"):
        raise ValueError(f"{os.fspath(path)}: the figure must be .svg, .pdf or .png")
    return ext


def figure_bytes(fig: Any, fmt: str) -> bytes:
    """The figure as ``fmt`` (svg, pdf, png); same figure, same bytes (no dates, fixed ids)."""
    fmt = fmt.lower()
    meta: dict[str, Any]
    if fmt == "svg":
        meta = {"Date": None, "Creator": "geo"}
    elif fmt == "pdf":
        meta = {"CreationDate": None, "ModDate": None, "Creator": "geo", "Producer": "geo"}
    elif fmt == "png":
        meta = {"Software": "geo"}
    else:
        raise ValueError(f"figure format {fmt!r}: use svg, pdf or png")
    buf = io.BytesIO()
    with _rc():
        fig.savefig(buf, format=fmt, dpi=fig.dpi, metadata=meta)
    return buf.getvalue()
