"""The page's data: one JSON-able object with named keys (places, articles, shapes, legend, extent)
that the map's elements draw, made in named steps from parsed documents or aggregated entries."""
from __future__ import annotations

import math
from typing import Any, Sequence

import shapely.geometry
from markupsafe import escape

from geo.features import shape_kind
from geo.focus import focus_ids
from geo.outputs.aggregate import FEATURE_TYPES, PRECISIONS, Aggregator, PlaceEntry
from geo.outputs.map.basemap import basemap_geojson
from geo.outputs.map.documents import keyed_documents
from geo.outputs.map.geometry import SHAPE_VERTEX_BUDGET, marker_point, place_geometries, shapes_within_budget
from geo.outputs.map.styles import HOVER_EXTRA, SHAPE_KIND_STYLE, TYPE_STYLE
from geo.outputs.ui import UIStrings, majority_language, strings
from geo.types import Document, ParsedDocument

#: Kinds whose marker moves to the shape's point nearest the article's other places.
LONG_KINDS = ("river", "water", "mountain")

Bounds = list[list[float]]  # [[south, west], [north, east]]


def map_data(
    parsed: Sequence[ParsedDocument] | None = None,
    gazetteer: Any = None,
    *,
    title: str | None = None,
    doc_layers_max: int = 10,
    max_popup_documents: int = 20,
    max_snippets: int = 3,
    basemap: bool = True,
    shape_budget: int = SHAPE_VERTEX_BUDGET,
    entries: Sequence[PlaceEntry] | None = None,
    documents: Sequence[Document] | None = None,
    min_score: float | None = None,
    precision: Any = None,
    lang: str | None = None,
) -> dict:
    """The data object the page's parts draw (plain JSON-able values, records with named keys).

    From ``parsed`` documents, or from ready ``entries`` (an :class:`~geo.outputs.aggregate.Aggregator`'s,
    e.g. over results read back from a file) with, optionally, the list of all ``documents`` in input
    order (default: the documents the entries name). ``min_score`` leaves out places whose best
    resolution score is lower; ``precision`` (levels of :data:`~geo.outputs.aggregate.PRECISIONS`)
    keeps only the places whose precision is one of them. ``lang``: the language of the page's
    interface strings (:mod:`geo.outputs.ui`; default: the language most documents are in, else English).

    A place is ``{"lat", "lon", "type" (index into "types"), "name", "score", "docs": [{"doc" (index
    into "docs"), "snippets": [[plain, highlighted, plain, ...], ...], "mentions", "more"}], "mentions",
    "label", "sub", "moreDocs", "aka", "focus", "alts": [{"name", "sub", "km", "score"}], "precision"}``; keys at
    their default (``mentions`` 1, ``more``/``moreDocs``/``focus`` 0, no ``label``/``sub``/``aka``/
    ``alts``, ``precision`` "exact") are left out, which keeps a 10,000-place page within 4 MB. A document is ``{"title",
    "file", "date", "label", "url", "day" (ms since 1970, UTC), "source" (index into "sources")}``.
    """
    if lang is None:
        lang = majority_language(_language_of(pd) for pd in (parsed or ()))
    ui = strings(lang)
    if entries is None:
        entries, documents = _aggregate(parsed, gazetteer, max_snippets, max_popup_documents)
    entries = _drawable(entries, min_score, precision)
    documents, doc_pos = _documents_in_order(entries, documents)
    docs, sources = keyed_documents(documents, ui)
    dated = any("day" in d for d in docs)

    type_of = [e.feature_type for e in entries]
    type_counts = {t: type_of.count(t) for t in FEATURE_TYPES}
    present = [t for t in FEATURE_TYPES if type_counts[t]]
    # geometry first: long features' markers move next to the articles' other places
    raw_geoms = place_geometries(gazetteer, entries)
    kinds_of = {i: shape_kind(entries[i].place.feature_class, entries[i].place.feature_code) for i, _ in raw_geoms}
    moved = _long_feature_points(entries, raw_geoms, kinds_of, type_of)
    precisions = _precision_legend(entries, ui)
    places = _place_records(entries, moved, {t: i for i, t in enumerate(present)}, doc_pos,
                            [(0, d["day"]) if "day" in d else (1, 0) for d in docs] if dated else None,
                            bool(precisions))
    shapes, extents = _shape_records(entries, raw_geoms, kinds_of, shape_budget)
    bounds, focus_bounds = _extents(places, extents)
    data = {
        "places": places, "docs": docs, "types": _type_legend(present, type_counts, ui), "shapes": shapes,
        "kinds": _kind_legend({s["kind"] for s in shapes}, ui), "bounds": bounds,
        "focusBounds": focus_bounds, "title": title or None, "docLayers": 1 < len(docs) <= doc_layers_max,
        "offlineLabel": ui.text("offline_label"), "heatLabel": str(escape(ui.text("heat_label"))), "sources": sources,
        "dated": dated, "precisions": precisions, "ui": ui.for_page(), "lang": ui.code,
    }
    data["basemap"] = basemap_geojson(gazetteer) if basemap else None
    data["countries"] = _country_counts(entries)  # build_map draws these countries in detail
    return data


# -- the places and documents to draw ---------------------------------------------------------------

def _aggregate(parsed: Sequence[ParsedDocument] | None, gazetteer: Any, max_snippets: int,
               max_popup_documents: int) -> tuple[list[PlaceEntry], list[Document]]:
    """The places of ``parsed`` (with their articles' focus) and the documents, in input order."""
    parsed = list(parsed or ())
    agg = Aggregator(max_snippets, documents=max_popup_documents)
    for pd in parsed:
        agg.add(pd, focus=focus_ids(pd, gazetteer))
    return agg.entries(), [pd.document for pd in parsed]


def _language_of(pd: ParsedDocument) -> str | None:
    """A parsed document's language, where it records one."""
    return getattr(pd, "lang", None) or getattr(pd.document, "lang", None)


def _drawable(entries: Sequence[PlaceEntry], min_score: float | None, precision: Any = None) -> list[PlaceEntry]:
    """The entries with a point on the globe, a best score of at least ``min_score`` and, with
    ``precision``, a precision among those levels."""
    levels = None if precision is None else frozenset(precision)
    return [e for e in entries
            if math.isfinite(e.place.lat) and math.isfinite(e.place.lon) and -90 <= e.place.lat <= 90
            and -180 <= e.place.lon <= 180 and (min_score is None or e.best_score >= min_score)
            and (levels is None or e.precision in levels)]


def _documents_in_order(entries: Sequence[PlaceEntry],
                        documents: Sequence[Document] | None) -> tuple[list[Document], dict[int, int]]:
    """The page's documents and each document index's position among them: all ``documents`` given,
    else those the entries name, in input order."""
    if documents is not None:
        documents = list(documents)
        return documents, {k: k for k in range(len(documents))}
    by_index: dict[int, Document] = {}
    for e in entries:
        for dm in e.documents:
            by_index.setdefault(dm.index, dm.document)
    return [by_index[ix] for ix in sorted(by_index)], {ix: k for k, ix in enumerate(sorted(by_index))}


# -- places -----------------------------------------------------------------------------------------

def _long_feature_points(entries: Sequence[PlaceEntry], raw_geoms: list[tuple[int, Any]],
                         kinds_of: dict[int, str | None], type_of: list[str]) -> dict[int, tuple[float, float]]:
    """Where the markers of long features (rivers, seas, ranges) go: the point of the shape nearest the
    other places (countries aside) of the articles naming them, by entry index."""
    moved: dict[int, tuple[float, float]] = {}
    long_ids = {i for i, _ in raw_geoms if kinds_of[i] in LONG_KINDS}
    if not long_ids:
        return moved
    per_doc: dict[int, list[tuple[float, float]]] = {}
    for i, e in enumerate(entries):
        if i in long_ids or type_of[i] == "country":
            continue
        for dm in e.documents:
            per_doc.setdefault(dm.index, []).append((e.place.lon, e.place.lat))
    for i, geom in raw_geoms:
        if i in long_ids:
            ctx = sorted({pt for dm in entries[i].documents for pt in per_doc.get(dm.index, ())})
            pt = marker_point(geom, ctx)
            if pt is not None:
                moved[i] = pt
    return moved


def _place_records(entries: Sequence[PlaceEntry], moved: dict[int, tuple[float, float]], tindex: dict[str, int],
                   doc_pos: dict[int, int], doc_day: list[tuple[int, int]] | None, precise: bool = True) -> list[dict]:
    """One record per entry (see :func:`map_data`); ``doc_day``: the sort key of each page document
    when articles are dated (popups list them by date, undated last), else None (input order);
    ``precise``: some place has a known precision (else no place record says one)."""
    labels = _search_labels(entries)
    places = []
    for i, e in enumerate(entries):
        p = e.place
        lat, lon = moved.get(i, (round(p.lat, 5), round(p.lon, 5)))
        shown = list(e.documents)
        if doc_day is not None:
            shown.sort(key=lambda dm: doc_day[doc_pos[dm.index]])
        rec: dict[str, Any] = {
            "lat": lat, "lon": lon, "type": tindex[e.feature_type], "name": p.name,
            "docs": [], "score": round(float(e.best_score), 2),
        }
        if e.mentions != 1:
            rec["mentions"] = e.mentions
        for dm in shown:
            drec: dict[str, Any] = {"doc": doc_pos[dm.index], "snippets": [list(s.parts) for s in dm.snippets]}
            if dm.mentions != 1:  # keys at their default are left out (10,000 places stay small)
                drec["mentions"] = dm.mentions
            if dm.more_snippets:
                drec["more"] = dm.more_snippets
            rec["docs"].append(drec)
        if labels[i] != p.name:
            rec["label"] = labels[i]  # the search label, where names repeat
        sub = _place_subtitle(e)
        if sub:
            rec["sub"] = sub
        more = max(0, e.document_count - len(shown))
        if more:
            rec["moreDocs"] = more
        aka = [n for n in e.names if n != p.name][:5]  # other names the texts used for it
        if aka:
            rec["aka"] = aka
        if e.focus:
            rec["focus"] = e.focus
        alts = _alternatives(e)
        if alts:
            rec["alts"] = alts
        if precise and e.precision != "exact":
            rec["precision"] = e.precision  # (None: not known)
        places.append(rec)
    return places


def _alternatives(entry: PlaceEntry) -> list[dict]:
    """The runner-up candidates (at most 3): name, score, where they are and how far from the choice."""
    p = entry.place
    alts = []
    for a in entry.alternatives[:3]:
        ap = a.place
        alt: dict[str, Any] = {"name": ap.name, "score": round(float(a.score), 2)}
        bits = [b for b in (ap.admin1, ap.country_code) if b and b != ap.name]
        if bits:
            alt["sub"] = ", ".join(bits)
        km = _distance_km(p, ap)
        if km is not None:
            alt["km"] = km
        alts.append(alt)
    return alts


def _place_subtitle(entry: PlaceEntry) -> str:
    p = entry.place
    bits = [b for b in (p.admin1, p.country_code) if b and b != p.name]
    return ", ".join(bits)


def _search_labels(entries: Sequence[PlaceEntry]) -> list[str]:
    """Unique search labels: the name, qualified by admin1/country (and a number) where names repeat."""
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.place.name] = counts.get(e.place.name, 0) + 1
    seen: dict[str, int] = {}
    out = []
    for e in entries:
        label = e.place.name
        if counts[label] > 1:
            q = _place_subtitle(e)
            label = f"{label} ({q})" if q else label
        n = seen.get(label, 0)
        seen[label] = n + 1
        out.append(label if n == 0 else f"{label} [{n + 1}]")
    return out


def _distance_km(a: Any, b: Any) -> int | None:
    try:
        from geo.gazetteer import haversine_km
        return int(round(haversine_km(a.lat, a.lon, b.lat, b.lon)))
    except Exception:  # noqa: BLE001 - odd coordinates: no distance shown
        return None


# -- shapes, legend and extent ----------------------------------------------------------------------

def _shape_records(entries: Sequence[PlaceEntry], raw_geoms: list[tuple[int, Any]], kinds_of: dict[int, str | None],
                   shape_budget: int) -> tuple[list[dict], list[tuple[tuple[float, float, float, float], bool]]]:
    """The shapes drawn (within ``shape_budget`` vertices) and each one's bounds, with whether it
    outlines a focus area (the focus view takes it in)."""
    shapes, extents = [], []
    for i, geom in shapes_within_budget(raw_geoms, shape_budget):
        kind = kinds_of[i] or "area"
        shapes.append({"place": i, "kind": kind, "geometry": shapely.geometry.mapping(geom)})
        extents.append((geom.bounds, bool(entries[i].focus) and kind == "area"))
    return shapes, extents


def _extents(places: list[dict], extents: list[tuple[tuple[float, float, float, float], bool]]
             ) -> tuple[Bounds | None, Bounds | None]:
    """The bounds of everything drawn, and of the focus places and areas (None when all are focus)."""
    lats = [p["lat"] for p in places]
    lons = [p["lon"] for p in places]
    focus = [p for p in places if p.get("focus")]
    focus_lats = [p["lat"] for p in focus]
    focus_lons = [p["lon"] for p in focus]
    for (minx, miny, maxx, maxy), focus_area in extents:
        lats += [miny, maxy]
        lons += [minx, maxx]
        if focus_area:
            focus_lats += [miny, maxy]
            focus_lons += [minx, maxx]
    bounds = [[min(lats), min(lons)], [max(lats), max(lons)]] if lats else None
    focus_bounds = ([[min(focus_lats), min(focus_lons)], [max(focus_lats), max(focus_lons)]]
                    if focus_lats and len(focus) < len(places) else None)
    return bounds, focus_bounds


def _type_legend(present: list[str], type_counts: dict[str, int], ui: UIStrings) -> list[dict]:
    """The place types present, with their counts and outline styles."""
    types = []
    for t in present:
        style = TYPE_STYLE[t]
        count = type_counts[t]
        text = ui.text(f"types_{t}")
        types.append({
            "key": t, "name": ui.text(f"type_{t}"), "text": text,
            "label": str(escape(f"{text} ({count})")), "count": count,
            "shape": style, "hover": {**style, **HOVER_EXTRA},
        })
    return types


def _kind_legend(kinds_present: set[str], ui: UIStrings) -> list[dict]:
    """The shape kinds present, in legend order, with their styles ("area" takes its type's style)."""
    kinds = []
    for k, (_text, style) in SHAPE_KIND_STYLE.items():
        if k in kinds_present:
            rec: dict[str, Any] = {"key": k, "text": ui.text(f"kind_{k}")}
            if style is not None:
                rec["style"] = style
                rec["hover"] = {**style, **HOVER_EXTRA}
            kinds.append(rec)
    return kinds


def _precision_legend(entries: Sequence[PlaceEntry], ui: UIStrings) -> list[dict]:
    """The precision levels of the places drawn, most precise first, with their counts ("unknown" last,
    for places read from results that do not record one); none when no place has a known precision."""
    counts: dict[str | None, int] = {}
    for e in entries:
        counts[e.precision] = counts.get(e.precision, 0) + 1
    if not any(k is not None for k in counts):
        return []
    levels = [p for p in PRECISIONS if p in counts] + (["unknown"] if None in counts else [])
    return [{"key": p, "text": ui.text(f"precision_{p}"), "count": counts[None if p == "unknown" else p]}
            for p in levels]


def _country_counts(entries: Sequence[PlaceEntry]) -> dict[str, int]:
    """Country code -> how many of the places lie in it."""
    counts: dict[str, int] = {}
    for e in entries:
        if e.place.country_code:
            counts[e.place.country_code] = counts.get(e.place.country_code, 0) + 1
    return counts
