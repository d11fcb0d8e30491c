"""What the endpoints answer, built with geo's own writers (nothing drawn or serialised here):

* records: :func:`geo.outputs.jsonl.extract_record` / ``jsonl_line`` -- the objects ``geo extract`` prints;
* the HTML map: :func:`geo.outputs.map.build_map` + ``render_html`` -- what ``geo map`` saves;
* GeoJSON: :func:`geo.outputs.geojson.to_geojson` + ``dumps`` -- what ``geo extract --format geojson`` writes;
* the static figure: ``geo.outputs.figure`` when it is installed (else 501).
"""
from __future__ import annotations

import importlib
import io
from typing import Any, Sequence

from geo.types import ParsedDocument

from .limits import ApiError

FIGURE_FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}


def records_json(parsed: Sequence[ParsedDocument], gazetteer: Any = None) -> bytes:
    """A JSON array of the per-document records, each serialised exactly as one ``geo extract`` line
    (the focus named through the server's own gazetteer, not a second one opened for it)."""
    from geo.outputs.jsonl import extract_record, jsonl_line

    lines = (jsonl_line(extract_record(pd, gazetteer)).rstrip("\n") for pd in parsed)
    return ("[" + ",\n".join(lines) + "]\n").encode("utf-8")


def records_jsonl(parsed: Sequence[ParsedDocument], gazetteer: Any = None) -> bytes:
    """The very bytes ``geo extract`` prints for these documents."""
    from geo.outputs.jsonl import jsonl_lines

    return "".join(jsonl_lines(parsed, gazetteer)).encode("utf-8")


def map_html(parsed: Sequence[ParsedDocument], gazetteer: Any, *, tiles: str | None, title: str | None) -> str:
    from geo.outputs.map import build_map, render_html

    try:
        m = build_map(list(parsed), gazetteer, tiles=tiles, title=title, assets="inline")
    except ValueError as exc:  # an unknown tile set
        raise ApiError(400, f"tiles: {exc}") from None
    return render_html(m)


def geojson_text(parsed: Sequence[ParsedDocument]) -> str:
    from geo.outputs.geojson import dumps, to_geojson

    return dumps(to_geojson(list(parsed)))


def figure_module():
    """``geo.outputs.figure``, or a 501 saying it is not there."""
    try:
        return importlib.import_module("geo.outputs.figure")
    except ImportError as exc:
        raise ApiError(501, f"the static figure is not available in this installation of geo "
                            f"(geo.outputs.figure cannot be imported: {exc}); use format=html or geojson") from None


def figure_bytes(parsed: Sequence[ParsedDocument], gazetteer: Any, fmt: str, *, title: str | None = None) -> bytes:
    """The static figure as PNG, SVG or PDF bytes, drawn by ``geo.outputs.figure`` (``figure_files``, else
    ``figure()`` saved through matplotlib)."""
    if fmt not in FIGURE_FORMATS:
        raise ApiError(400, f"figure_format={fmt!r}: use png, svg or pdf")
    mod = figure_module()
    fig = None
    try:
        if callable(getattr(mod, "figure_files", None)):
            data, _page, fig = mod.figure_files(list(parsed), fmt, gazetteer=gazetteer, title=title)
            return bytes(data)
        if not callable(getattr(mod, "figure", None)):
            raise ApiError(501, "geo.outputs.figure has neither figure_files() nor figure()")
        fig = mod.figure(list(parsed), gazetteer, title=title)
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt)
        return buf.getvalue()
    finally:
        if fig is not None:
            try:
                import matplotlib.pyplot as plt

                plt.close(fig)
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
