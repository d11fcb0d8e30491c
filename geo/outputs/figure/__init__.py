"""Static maps for reports: labelled, print-quality figures (SVG, PDF, PNG) drawn offline with matplotlib.

    >>> import geo
    >>> fig = geo.figure("seeds/", title="Where the news was")     # a matplotlib Figure (inline in Jupyter)
    >>> fig.save("map.svg")                                         # or .pdf / .png, same bytes every time

    >>> from geo.outputs.figure import write_figure
    >>> write_figure(parsed_docs, "map.pdf", size="180x120mm", bbox="Syria", embed="map.html")

Inputs: ParsedDocuments (``geo.parse_many``) or place entries (an ``Aggregator``'s ``entries()``, as
``geo map`` builds from results files). See ``docs/reports.md``.
"""
from __future__ import annotations

import os
from typing import Any

from .draw import (DEFAULT_DPI, DEFAULT_SIZE_IN, DEFAULT_SOURCE, MAX_LABELS, DrawnPlace, FigureInfo, bbox_of_place,
                   draw_figure, entries_from_parsed, figure_bytes, fit_extent, parse_bbox, parse_size, rc_params)
from .embed import html_fragment, html_page
from .fonts import DEBIAN_PACKAGES, FONT_CHAIN, font_chain, missing_scripts_hint, shape_text
from .palette import BASEMAP, KIND_COLOURS, OKABE_ITO, TYPE_COLOURS

__all__ = ["figure", "write_figure", "figure_files", "cli_options", "format_of", "figure_bytes", "parse_size",
           "parse_bbox", "bbox_of_place", "fit_extent",
           "entries_from_parsed", "html_fragment", "html_page", "FigureInfo", "DrawnPlace", "OKABE_ITO",
           "TYPE_COLOURS", "KIND_COLOURS", "BASEMAP", "FONT_CHAIN", "DEBIAN_PACKAGES", "font_chain",
           "missing_scripts_hint", "shape_text", "rc_params", "DEFAULT_SOURCE", "DEFAULT_DPI", "DEFAULT_SIZE_IN",
           "MAX_LABELS", "FORMATS"]

FORMATS = ("svg", "pdf", "png")


def figure(data: Any = None, gazetteer: Any = None, **options: Any) -> Any:
    """A labelled static map of ``data`` (ParsedDocuments or place entries): a matplotlib Figure.

    Options: ``size`` ((w, h) inches or "180x120mm" / "1200x800px"), ``dpi``, ``bbox`` ((W, S, E, N),
    "W,S,E,N" or a place name), ``title``, ``subtitle``, ``source``, ``inset`` (None: automatic),
    ``legend``, ``max_labels``, ``provinces``, ``shape_rtl``. See :func:`geo.outputs.figure.draw.draw_figure`.
    """
    return draw_figure(data, gazetteer, **options)


def format_of(path: str | os.PathLike) -> str:
    """svg, pdf or png from a file name; ValueError naming the file otherwise."""
    from .draw import _format_of

    return _format_of(path)


def figure_files(data: Any, fmt: str, *, gazetteer: Any = None, embed: bool = False, caption: str | None = None,
                 **options: Any) -> tuple[bytes, str | None, Any]:
    """The figure file's bytes in ``fmt`` (svg, pdf, png), the embed page's HTML (when ``embed``), and
    the figure: for callers that stage several outputs and replace them together (``geo map``)."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"figure format {fmt!r}: use svg, pdf or png")
    fig = draw_figure(data, gazetteer, shape_rtl=(fmt != "svg"), **options)
    out = figure_bytes(fig, fmt)
    page = None
    if embed:
        svg_fig = fig if fmt == "svg" else draw_figure(data, gazetteer, shape_rtl=False, **options)
        svg = out if fmt == "svg" else figure_bytes(svg_fig, "svg")
        from geo.outputs.ui import strings

        from .draw import figure_language

        lang = figure_language(data, options.get("lang"))
        page = html_page(svg.decode("utf-8"), title=options.get("title"), caption=caption, lang=lang,
                         untitled=strings(lang).text("figure_map"))
    return out, page, fig


def cli_options(*, size: str | None = None, dpi: int | None = None, bbox: str | None = None,
                title: str | None = None, inset: bool | None = None) -> dict[str, Any]:
    """Keyword options for :func:`write_figure` from command-line strings, checked up front (a
    ValueError names the option and the problem); a place name in ``bbox`` is looked up when drawing."""
    opts: dict[str, Any] = {}
    if dpi is not None:
        if not 30 <= int(dpi) <= 1200:
            raise ValueError(f"--dpi {dpi}: use 30 to 1200")
        opts["dpi"] = int(dpi)
    if size is not None:
        try:
            opts["size"] = parse_size(size, opts.get("dpi", DEFAULT_DPI))
        except ValueError as e:
            raise ValueError(f"--size: {e}") from None
    if bbox is not None:
        if not str(bbox).strip():
            raise ValueError("--bbox: give W,S,E,N in degrees or a place name")
        try:
            parse_bbox(bbox)
        except ValueError as e:
            raise ValueError(f"--bbox: {e}") from None
        opts["bbox"] = bbox
    if title is not None:
        opts["title"] = title
    if inset is not None:
        opts["inset"] = inset
    return opts


def write_figure(data: Any, path: str | os.PathLike, *, gazetteer: Any = None, embed: str | os.PathLike | None = None,
                 caption: str | None = None, **options: Any) -> Any:
    """Draw ``data`` and write it to ``path`` (.svg, .pdf or .png), atomically; returns the figure.

    ``embed``: also write a standalone, script-free HTML page with the figure as inline SVG (for an
    ``<iframe>`` or a CMS). SVG output keeps text as typed (the viewer shapes Arabic); PNG and PDF
    get it shaped. Same input, same bytes (SVG and PDF). Nothing is written when drawing fails.
    """
    from geo.io import atomic_write_bytes, atomic_write_text

    fmt = format_of(path)
    if embed is not None and os.path.splitext(os.fspath(embed))[1].lower() not in (".html", ".htm"):
        raise ValueError(f"{os.fspath(embed)}: the embed file must be .html")
    out, page, fig = figure_files(data, fmt, gazetteer=gazetteer, embed=embed is not None, caption=caption,
                                  **options)
    atomic_write_bytes(path, out)
    if page is not None:
        atomic_write_text(embed, page)
    return fig
