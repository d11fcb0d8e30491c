"""The one registry of output formats: name, file suffixes, what each writes, and how.

Two kinds of writer:

* **place** writers draw one feature per distinct place: ``map`` (HTML), ``geojson``, ``gpkg``, ``png`` (a
  browser's picture of the HTML map), ``figure`` (a static, labelled map drawn with matplotlib, no browser:
  ``.svg``/``.pdf`` by name, and ``.png`` when asked for as a figure, as ``geo map --figure map.png`` does).
  They take a :class:`Source` in either mode: *articles* (parsed documents, aggregated here) or
  *results* (place entries streamed from ``geo extract`` results by :mod:`geo.outputs.results`).
  ``min_score`` and ``precision`` apply to every one of them.
* **document** writers keep one record per document or mention: ``jsonl`` (``.jsonl.gz`` gzipped),
  ``csv``, ``parquet`` (GeoParquet, written by :mod:`geo.outputs.geoparquet`). They need parsed
  documents (articles mode); text ones can also stream to stdout.

``format_for_path`` is the one suffix -> format map (readers of results use it too). Every writer
writes to the path it is given -- the CLI hands it a staged temporary file of an
:class:`geo.io.OutputSet`, so a set of outputs is replaced together or not at all.

To add a format: write ``write(source, path, options) -> int`` (the number of features or records
written) and add a :class:`Writer` to ``WRITERS`` below.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Sequence

from geo.types import Document, ParsedDocument

PLACES, DOCUMENTS = "places", "documents"
ARTICLES, RESULTS = "articles", "results"


@dataclass
class Options:
    """Settings a writer may use; each writer reads only its own."""

    title: str | None = None
    tiles: str | None = "OpenStreetMap"
    assets: str = "inline"
    min_score: float | None = None
    # the precision levels kept (geo.outputs.aggregate.PRECISIONS), None: all. Place writers keep the places
    # whose most precise mention is at one of them; document writers keep the mentions at one of them.
    precision: frozenset[str] | None = None
    # the language of the map's and the figure's words (legend, popups, filters: geo.outputs.ui); None:
    # the language most of the parsed documents record, else English
    lang: str | None = None
    snippets: int = 20  # map popups: the snippets (up to 3 each) of each place's first K documents
    size: tuple[int, int] = (1200, 800)  # png
    html: Path | None = None  # png: the rendered map to photograph
    figure_size: str | None = None  # figure: "180x120mm", "1600x1000px", "1600x1000" (px at dpi); None: 180x120 mm
    dpi: int | None = None  # figure: PNG resolution (and of px sizes); None: 200
    bbox: str | None = None  # figure: "W,S,E,N" in degrees or a place name; None: fitted to the focus
    embed: Path | None = None  # figure: also write a script-free HTML page with the SVG inline here


@dataclass
class Source:
    """What the writers write: ``parsed`` documents (articles mode), or place ``entries`` read back from
    results (results mode; ``documents`` optional), with the ``gazetteer`` that completes shapes/focus."""

    parsed: Iterable[ParsedDocument] | None = None
    entries: Sequence[Any] | None = None
    documents: Sequence[Document] | None = None
    gazetteer: Any = None
    document_count: int | None = None  # results: the documents read (with or without places), for summaries
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def mode(self) -> str:
        return ARTICLES if self.entries is None else RESULTS

    def parsed_list(self) -> list[ParsedDocument]:
        if not isinstance(self.parsed, list):
            self.parsed = list(self.parsed or ())
        return self.parsed

    def place_entries(self, *, max_snippets: int, max_documents: int | None = None) -> list:
        """One entry per place: aggregated from ``parsed`` with these caps, or the ready ``entries``."""
        if self.entries is not None:
            return list(self.entries)
        key = (max_snippets, max_documents)
        if key not in self._cache:
            from geo.outputs.aggregate import aggregate

            self._cache[key] = aggregate(self.parsed_list(), max_snippets=max_snippets, max_documents=max_documents)
        return self._cache[key]


def keep(entries: Iterable[Any], min_score: float | None, precision: Iterable[str] | None = None) -> list:
    """The entries a place writer shows: drawable coordinates and, with ``min_score``, a good enough score,
    with ``precision``, a place whose precision (its most precise mention's) is one of those levels."""
    import math

    levels = None if precision is None else frozenset(precision)
    return [e for e in entries
            if math.isfinite(e.place.lat) and math.isfinite(e.place.lon) and -90 <= e.place.lat <= 90
            and -180 <= e.place.lon <= 180 and (min_score is None or e.best_score >= min_score)
            and (levels is None or getattr(e, "precision", None) in levels)]


def _shown(entries: Iterable[Any], options: "Options") -> list:
    return keep(entries, options.min_score, options.precision)


@dataclass(frozen=True)
class Writer:
    name: str
    suffixes: tuple[str, ...]
    kind: str  # PLACES or DOCUMENTS
    write: Callable[[Source, Path, Options], int]
    help: str
    stream: Callable[[Source, IO[str], Options], int] | None = None  # text formats: to an open file (stdout)

    @property
    def modes(self) -> tuple[str, ...]:
        return (ARTICLES, RESULTS) if self.kind == PLACES else (ARTICLES,)


# -- place writers -------------------------------------------------------------------------------

def _write_map(source: Source, path: Path, options: Options) -> int:
    from geo.outputs.map import build_map, save_map

    tiles = None if options.tiles is None or options.tiles.lower() == "none" else options.tiles
    if source.mode == RESULTS:
        entries = _shown(source.entries, options)
        m = build_map(None, source.gazetteer, entries=entries, documents=source.documents, tiles=tiles,
                      title=options.title, assets=options.assets, max_popup_documents=options.snippets,
                      max_snippets=min(3, options.snippets), lang=options.lang)
    else:
        m = build_map(source.parsed_list(), source.gazetteer, tiles=tiles, title=options.title,
                      assets=options.assets, min_score=options.min_score, max_popup_documents=options.snippets,
                      max_snippets=min(3, options.snippets), precision=options.precision, lang=options.lang)
    save_map(m, path)
    return m.geo_places


def _write_geojson(source: Source, path: Path, options: Options) -> int:
    from geo.io import atomic_write_text
    from geo.outputs.geojson import dumps, to_geojson

    fc = to_geojson(entries=_shown(source.place_entries(max_snippets=5), options))
    atomic_write_text(path, dumps(fc))
    return len(fc["features"])


def _stream_geojson(source: Source, fh: IO[str], options: Options) -> int:
    import json

    from geo.outputs.geojson import to_geojson

    fc = to_geojson(entries=_shown(source.place_entries(max_snippets=5), options))
    fh.write(json.dumps(fc, ensure_ascii=False, indent=1) + "\n")
    return len(fc["features"])


def _write_geojson_file(source: Source, path: Path, options: Options) -> int:
    """``geo extract --format geojson``: the same features, indented as extract has always written them."""
    from geo.io import atomic_open

    with atomic_open(path) as fh:
        return _stream_geojson(source, fh, options)


def _write_gpkg(source: Source, path: Path, options: Options) -> int:
    from geo.outputs.gpkg import write_gpkg

    return write_gpkg(None, path, entries=_shown(source.place_entries(max_snippets=1, max_documents=20), options))


def _write_png(source: Source, path: Path, options: Options) -> int:
    from geo.outputs.png import save_png

    if options.html is None:
        raise ValueError("a PNG is a picture of the HTML map: write the map first")
    save_png(options.html, path, width=options.size[0], height=options.size[1])
    return 1


def _write_figure(source: Source, path: Path, options: Options) -> int:
    """The static figure (:mod:`geo.outputs.figure`) of a Source (articles or results): SVG, PDF or PNG by
    ``path``'s suffix; returns the places drawn. ``options.embed``: also the script-free HTML page."""
    from geo.outputs.figure import cli_options, entries_from_parsed, write_figure  # lazy: matplotlib

    gz = source.gazetteer
    if source.mode == RESULTS:
        data = _shown(source.entries or (), options)
        documents = getattr(source, "document_count", None)
        if documents is None and source.documents is not None:
            documents = len(source.documents)
    else:
        parsed = source.parsed_list()
        data = _shown(entries_from_parsed(parsed, gz), options)
        documents = len(parsed)
    opts = cli_options(size=options.figure_size, dpi=options.dpi, bbox=options.bbox, title=options.title)
    fig = write_figure(data, path, gazetteer=gz, embed=options.embed, documents=documents, lang=options.lang, **opts)
    return len(fig.geo.places)


# -- document writers ----------------------------------------------------------------------------

def _stream_jsonl(source: Source, fh: IO[str], options: Options) -> int:
    from geo.outputs.jsonl import jsonl_lines

    n = 0
    for line in jsonl_lines(source.parsed or (), source.gazetteer, precision=options.precision):
        fh.write(line)
        n += 1
    return n


def _write_jsonl(source: Source, path: Path, options: Options) -> int:
    if os.fspath(path).lower().endswith(".gz"):
        import gzip
        import io

        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz, \
                io.TextIOWrapper(gz, encoding="utf-8", newline="") as fh:
            return _stream_jsonl(source, fh, options)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        return _stream_jsonl(source, fh, options)


def _stream_csv(source: Source, fh: IO[str], options: Options) -> int:
    from geo.outputs.csv import write_csv

    return write_csv(source.parsed or (), fh, precision=options.precision)


def _write_csv(source: Source, path: Path, options: Options) -> int:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        return _stream_csv(source, fh, options)


def _write_parquet(source: Source, path: Path, options: Options) -> int:
    from geo.outputs.geoparquet import write_geoparquet  # pyarrow/geopandas: optional dependencies
    from geo.outputs.jsonl import extract_record, keep_mentions

    parsed = source.parsed_list()
    write_geoparquet([keep_mentions(extract_record(pd, source.gazetteer), options.precision) for pd in parsed], path)
    return len(parsed)


WRITERS: dict[str, Writer] = {w.name: w for w in (
    Writer("map", (".html", ".htm"), PLACES, _write_map, "the interactive HTML map"),
    Writer("geojson", (".geojson", ".json"), PLACES, _write_geojson,
           "RFC 7946 GeoJSON, one Point feature per place", stream=_stream_geojson),
    Writer("gpkg", (".gpkg",), PLACES, _write_gpkg, "a GeoPackage styled for QGIS (needs pyogrio)"),
    Writer("png", (".png",), PLACES, _write_png, "a picture of the map (needs playwright and Chromium)"),
    Writer("figure", (".svg", ".pdf"), PLACES, _write_figure,
           "a static labelled figure, SVG, PDF or PNG (matplotlib, no browser)"),
    Writer("jsonl", (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"), DOCUMENTS, _write_jsonl,
           "one JSON object per document, its mentions resolved", stream=_stream_jsonl),
    Writer("csv", (".csv",), DOCUMENTS, _write_csv, "one row per mention", stream=_stream_csv),
    Writer("parquet", (".parquet", ".geoparquet", ".pq"), DOCUMENTS, _write_parquet,
           "GeoParquet, one row per mention (needs geopandas)"),
)}

#: ``geo extract --format`` choices, in the order the help lists them.
EXTRACT_FORMATS = ("jsonl", "geojson", "csv", "parquet")


def extract_writer(name: str) -> Writer:
    """The writer ``geo extract --format NAME`` uses (geojson: indented, as extract writes it)."""
    w = WRITERS[name]
    if name == "geojson":
        return Writer(w.name, w.suffixes, w.kind, _write_geojson_file, w.help, stream=w.stream)
    return w


def format_for_path(path: str | os.PathLike) -> str | None:
    """The format a file name's suffix implies (longest matching suffix, any case), or None."""
    low = os.fspath(path).lower()
    best = None
    for w in WRITERS.values():
        for suffix in w.suffixes:
            if low.endswith(suffix) and (best is None or len(suffix) > len(best[1])):
                best = (w.name, suffix)
    return best[0] if best else None


def suffix_of(path: str | os.PathLike) -> str:
    """The suffix :func:`format_for_path` looks at (``.jsonl.gz`` counts as one), for messages."""
    low = os.fspath(path).lower()
    for w in WRITERS.values():
        for suffix in sorted(w.suffixes, key=len, reverse=True):
            if low.endswith(suffix):
                return suffix
    return Path(low).suffix
