"""``geo map``: articles (or ``geo extract`` results) -> index.html, and with --geojson / --gpkg / --png /
--figure the same places in those formats, all written by the registry's writers in either mode.

Two pictures: ``--png`` is a browser's screenshot of the interactive map (needs playwright and
Chromium); ``--figure FILE.svg|pdf|png`` is the static, labelled figure for reports, drawn with
matplotlib (no browser): a ``.png`` given to ``--figure`` is that figure, not a screenshot."""
from __future__ import annotations

import time
from pathlib import Path

import click

from geo.cli.common import (State, common_options, documents, esc, fail, make_pipeline, precision_option, say, verbose,
                            warn, write_outputs)

EXAMPLES = """
\b
Examples:
  geo map seeds/                                  # every article in seeds/ -> maps/index.html
  geo map news/*.txt -o out/ --png out/map.png    # also a picture of the map (a browser's screenshot)
  geo map news/ --figure report/map.pdf --size 180x120mm --bbox Syria   # a labelled figure for print
  geo map news/ --figure map.svg --embed map.html  # + a script-free HTML page for a CMS or an iframe
  geo map seeds/ --offline --tiles none           # no network at all: the built-in basemap only
  geo map seeds/ --geojson places.geojson --gpkg places.gpkg --min-score 0.5
  geo map news/ --precision exact,town            # only places pinned at the place itself or a named town
  geo extract big/ --engine local -o results/ && geo map results/   # map stored results, no re-parsing
"""


def _import_folium_without_pandas() -> None:
    """Start-up speed: folium and folium-offline (whose table of inlined assets the map reads) import
    pandas (~0.8 s, most of a small map's run) only to accept DataFrames as locations, which geo never
    passes. The ``geo map`` command -- no user code runs in it -- imports them with pandas hidden;
    pandas stays importable afterwards, and the Python API (notebooks, where users may hand folium
    DataFrames) imports folium as usual.

    The same imports (and geo's map modules, which import folium.plugins) create ~140 jinja2 templates,
    one per element class, of which a map uses a handful: they are compiled on first use instead
    (:mod:`geo.cli.startup`, ~0.4 s of CPU; the HTML is the same bytes)."""
    import importlib
    import sys

    from geo.cli.startup import collector_paused, lazy_templates

    if "folium" in sys.modules or "pandas" in sys.modules:
        return
    with lazy_templates(), collector_paused():
        sys.modules["pandas"] = None  # type: ignore[assignment]  # "import pandas" raises ImportError
        try:
            for name in ("folium", "offlinefolium.elements"):
                try:
                    importlib.import_module(name)
                except ImportError:  # one that needs pandas after all (or is missing): imported as usual later
                    for loaded in [m for m in sys.modules if m.split(".")[0] == name.split(".")[0]]:
                        del sys.modules[loaded]
        finally:
            del sys.modules["pandas"]
        importlib.import_module("geo.outputs.map")


def _check_suffix(option: str, path: str | None, fmt: str) -> None:
    from geo.outputs.registry import WRITERS, format_for_path

    if path and format_for_path(path) != fmt:
        names = " or ".join(WRITERS[fmt].suffixes)
        if fmt == "png":
            return  # check_png_path words it below
        raise click.BadParameter(f"{path}: {WRITERS[fmt].help.split(',')[0]} is written to a {names} file",
                                 param_hint=option)


@click.command("map", epilog=EXAMPLES)
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", "outdir", default="maps", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write index.html into.")
@click.option("--png", type=click.Path(dir_okay=False),
              help="Also save a screenshot of the interactive map (FILE.png; needs playwright: pip install "
                   "'geo[png]', and Chromium). For a labelled picture without a browser use --figure FILE.png.")
@click.option("--figure", "figure_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Also draw a static, labelled map for reports (FILE.svg, .pdf or .png; matplotlib, no browser).")
@click.option("--size", default=None, metavar="SIZE",
              help="Picture size. --png: WIDTHxHEIGHT in pixels [1200x800]. --figure: 180x120mm, 18x12cm, 7x5in, "
                   "1600x1000px, or WIDTHxHEIGHT alone = pixels at --dpi [180x120mm].")
@click.option("--dpi", type=int, default=None, metavar="N",
              help="Resolution of the --figure (PNG, and of sizes in pixels), 30 to 1200.  [default: 200]")
@click.option("--bbox", default=None, metavar="W,S,E,N|PLACE",
              help="Extent of the --figure: west,south,east,north in degrees, or a place name "
                   "[default: fitted to the articles' focus].")
@click.option("--embed", type=click.Path(dir_okay=False), metavar="FILE.html",
              help="With --figure: also write a standalone, script-free HTML page with the figure inline (iframe, CMS).")
@click.option("--geojson", type=click.Path(dir_okay=False), help="Also write the places as RFC 7946 GeoJSON (FILE.geojson or .json).")
@click.option("--tiles", default="OpenStreetMap", show_default=True,
              help="Online tiles drawn over the offline basemap ('none' for the basemap only).")
@click.option("--title", default=None, help="Map title.")
@click.option("--assets", type=click.Choice(["inline", "cdn"]), default="inline", show_default=True,
              help="inline: Leaflet and plugins inside the HTML (opens offline); cdn: link them (smaller file, needs a network).")
@click.option("--gpkg", type=click.Path(dir_okay=False),
              help="Also write the places as a GeoPackage styled for QGIS (needs pyogrio).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="Leave out places whose best resolution score is below this (0..1), from every output.")
@precision_option("Keep only places at these precision levels, from every output: exact (the place itself), town "
                  "(a local place put at the town the text names), region, country; comma-separated, e.g. "
                  "exact,town. A place's precision is its most precise mention's.")
@click.option("--snippets", type=click.IntRange(0), default=20, show_default=True, metavar="K",
              help="Popups show each place's snippets from its first K documents (up to 3 per document; "
                   "reading results, memory stays bounded by the number of places).")
@common_options
def map_cmd(paths, outdir, png, figure_path, size, dpi, bbox, embed, geojson, tiles, title, assets, gpkg, min_score,
            precision, snippets, **opts):
    """Map the places in PATHS (files, folders or globs) to OUTPUT/index.html.

    PATHS may also be extraction results (JSONL or GeoParquet from `geo extract`, a file or a folder
    of partitions): the map is then built from the stored mentions, without re-parsing any article;
    every option works the same there. The HTML and the --geojson / --gpkg / --png / --figure / --embed
    files are replaced together once all of them are made: a failure or Ctrl-C leaves every one of
    them as it was.
    """
    from geo.outputs.registry import Options

    t0 = time.perf_counter()
    given = _given(click.get_current_context())
    if "size" in given and not (png or figure_path):
        raise click.UsageError("--size is the size of the --png or --figure picture: give --png FILE.png or "
                               "--figure FILE.svg|pdf|png too")
    alone = [f"--{n}" for n in ("dpi", "bbox", "embed") if n in given]
    if alone and not figure_path:
        raise click.UsageError(f"{', '.join(alone)}: {'applies' if len(alone) == 1 else 'apply'} to the static "
                               "figure: give --figure FILE.svg|pdf|png too")
    _check_suffix("--geojson", geojson, "geojson")
    _check_suffix("--gpkg", gpkg, "gpkg")
    targets = [("map", Path(outdir) / "index.html")]
    targets += [(fmt, path) for fmt, path in (("geojson", geojson), ("gpkg", gpkg), ("png", png),
                                              ("figure", figure_path)) if path]
    _check_distinct(targets + ([("embed", embed)] if embed else []))
    w = h = 0
    if png:
        from geo.outputs.png import browser_problem, check_png_path

        try:
            check_png_path(png)
            w, h = (int(x) for x in (size or "1200x800").lower().split("x"))
        except ValueError as e:
            if "PNG" in str(e):
                raise click.BadParameter(str(e), param_hint="--png") from None
            raise click.BadParameter(f"{size}: the --png screenshot is sized WIDTHxHEIGHT in pixels, e.g. 1200x800"
                                     + (" (sizes with units are for --figure alone)" if figure_path else ""),
                                     param_hint="--size") from None
        problem = browser_problem()  # before the long part, not after it
        if problem:
            raise click.ClickException(f"--png {png}: cannot render images: {problem}")
    figure_opts = _figure_options(figure_path, size if "size" in given else None, dpi, bbox, embed)
    _import_folium_without_pandas()
    options = Options(title=title, tiles=tiles, assets=assets, min_score=min_score, precision=precision,
                      snippets=snippets, size=(w, h), **figure_opts)
    from geo.outputs.results import is_results

    kinds = [is_results(p) for p in paths]
    if any(kinds):
        if not all(kinds):
            raise click.UsageError("give either extraction results or articles, not both: "
                                   + ", ".join(p for p, k in zip(paths, kinds) if not k) + " are not results")
        unused = [f"--{n.replace('_', '-')}" for n in ("jobs", "model", "geocoder_service", "geocoder_url")
                  if n in given]
        if unused:  # results are mapped as stored, never parsed or geocoded again
            raise click.UsageError(f"{', '.join(unused).replace('--geocoder-service', '--geocoder')}: the results "
                                   "are mapped as they were stored, without parsing or geocoding again; leave "
                                   f"{'it' if len(unused) == 1 else 'them'} out")
        if "lang" in given:  # results are not parsed again: --lang is the language of the map's words
            if opts["lang"] == "auto":
                raise click.BadParameter("results are not read again: give the language of the map's words "
                                         "(--lang en, --lang fr) or leave it out (English)", param_hint="--lang")
            options.lang = opts["lang"]
        return _map_results(paths, targets, options, t0)
    pipe = make_pipeline(**opts)
    _check_bbox_place(options, pipe.gazetteer)
    counts = {"docs": 0, "bad": 0}
    from geo.batch.engines.pool import parse as pool_parse  # lazy (spaCy): -j N's engine

    parsed = list(verbose(pool_parse(pipe, documents(paths, counts), State.jobs)))
    if not parsed:
        fail("no document could be processed")
    options.lang = interface_language(pipe, parsed)
    from geo.outputs.registry import Source

    written = _write(targets, Source(parsed=parsed, gazetteer=pipe.gazetteer), options)
    mentions = [r for pd in parsed for r in pd.resolutions]
    unresolved = sorted({r.mention.text for r in mentions if r.place is None})
    say(f"{counts['docs']} documents ({counts['bad']} skipped), {len(mentions)} mentions, "
        f"{written['map']} places -> {esc(targets[0][1])} ({time.perf_counter() - t0:.1f}s)")
    _say_figure(targets, written, options)
    if unresolved:
        say(f"unresolved: {esc(', '.join(unresolved))}")


def interface_language(pipe, parsed) -> str:
    """The language of the map's and figure's words: the articles' (``--lang CODE``), or with ``--lang
    auto`` the language most articles were detected in (ties: the first seen; said when they were not
    all in one language)."""
    if pipe.lang != "auto":
        return pipe.lang
    seen = getattr(pipe, "languages_seen", None) or {}
    if sum(seen.values()) != len(parsed):  # parsed in worker processes (-j N): detected again here
        from collections import Counter

        seen = Counter(pipe.language_of(pd.document) for pd in parsed)
    code = max(seen, key=lambda c: seen[c]) if seen else "en"  # max keeps the first of equal counts
    if len(seen) > 1:
        counts = ", ".join(f"{c} {n}" for c, n in sorted(seen.items(), key=lambda kv: (-kv[1], kv[0])))
        say(f"articles in several languages ({counts}): the map's words are in {code}, the most common")
    return code


def _figure_options(figure_path, size, dpi, bbox, embed) -> dict:
    """The registry Options fields of the figure, every value checked before the long part (exit 2)."""
    if not figure_path:
        return {}
    from geo.outputs.figure import cli_options, format_of

    try:
        format_of(figure_path)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--figure") from None
    if embed and Path(embed).suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter(f"{embed}: the embed page is written to a .html file", param_hint="--embed")
    try:
        cli_options(size=size, dpi=dpi, bbox=bbox)
    except ValueError as e:
        option = str(e).split(" ", 1)[0].rstrip(":")
        if not option.startswith("--"):
            raise click.BadParameter(str(e), param_hint="--figure") from None
        raise click.BadParameter(str(e)[len(option):].lstrip(": "), param_hint=option) from None
    return {"figure_size": size, "dpi": dpi, "bbox": bbox, "embed": Path(embed) if embed else None}


def _check_bbox_place(options, gazetteer) -> None:
    """A place name given to --bbox is looked up before any article is read (exit 2 when unknown)."""
    if not options.bbox:
        return
    from geo.outputs.figure import bbox_of_place, parse_bbox

    if parse_bbox(options.bbox) is None:
        try:
            bbox_of_place(options.bbox, gazetteer)
        except ValueError as e:
            raise click.BadParameter(str(e), param_hint="--bbox") from None


def _check_distinct(targets) -> None:
    seen: dict[Path, str] = {}
    for fmt, path in targets:
        key = Path(path).resolve()
        if key in seen:
            raise click.UsageError(f"{path}: the same file for the {seen[key]} and the {fmt} output; give each its own")
        seen[key] = fmt


def _say_figure(targets, written, options) -> None:
    for fmt, path in targets:
        if fmt == "figure":
            also = f" and {esc(options.embed)}" if options.embed else ""
            say(f"figure: {written.get('figure', 0)} places drawn -> {esc(path)}{also}")


def _given(ctx: click.Context) -> set[str]:
    """The options given on the command line (not defaults, not environment variables)."""
    from click.core import ParameterSource

    return {name for name in ctx.params if ctx.get_parameter_source(name) == ParameterSource.COMMANDLINE}


def _write(targets, source, options) -> dict[str, int]:
    try:
        return write_outputs(targets, source, options)
    except ValueError as e:
        if "tile" in str(e):  # an unknown tile provider
            raise click.BadParameter(str(e), param_hint="--tiles") from None
        raise


def _map_results(paths, targets, options, t0):
    """``geo map RESULTS``: stream stored mentions into a bounded aggregator, then write every output."""
    from geo.gazetteer import Gazetteer
    from geo.outputs.registry import Source
    from geo.outputs.results import aggregate_results

    gz = Gazetteer.open(progress=not State.quiet)
    _check_bbox_place(options, gz)
    bad = {"n": 0}

    def on_error(e) -> None:
        bad["n"] += 1
        warn(str(e))

    entries, summary = aggregate_results(paths, snippets=options.snippets, gazetteer=gz, on_error=on_error,
                                         progress=not State.quiet)
    if summary.documents == 0:
        fail("no result could be read")
    written = _write(targets, Source(entries=entries, gazetteer=gz, document_count=summary.documents), options)
    say(f"{summary.documents} documents from {summary.files} result files ({bad['n']} problems), "
        f"{summary.mentions} mentions, {written['map']} places -> {esc(targets[0][1])} "
        f"({time.perf_counter() - t0:.1f}s)")
    _say_figure(targets, written, options)
    if summary.unresolved_names:
        more = f" (+{summary.unresolved_more} more)" if summary.unresolved_more else ""
        say(f"unresolved: {esc(', '.join(sorted(summary.unresolved_names)[:50]))}"
            f"{' ...' if len(summary.unresolved_names) > 50 else ''}{more}")
