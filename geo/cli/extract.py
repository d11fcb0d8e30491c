"""``geo extract``: articles -> JSONL / GeoJSON / CSV / GeoParquet (stdout or a file), or with
``--engine`` partitions of a large input -> a folder of result files."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from geo.cli.common import (State, clean, common_options, documents, err, esc, fail, make_geocoder, make_pipeline,
                            precision_option, say, verbose, warn, write_outputs)

EXAMPLES = """
\b
Examples:
  geo extract seeds/ --offline                 # JSONL on stdout: one object per article, its places resolved
  geo extract a.html -o places.geojson         # the format follows the file name: .jsonl(.gz) .csv .geojson .parquet
  geo extract news/ --format csv > mentions.csv
  geo extract news/ --precision exact,town     # only the mentions placed at the place itself or a named town
  geo extract articles.jsonl.gz --text-field body -o results.parquet
  geo extract big/ --engine dask --workers 4 -o results/   # partitions; a rerun resumes
"""
FORMATS = ("jsonl", "geojson", "csv", "parquet")


def output_format(fmt: str | None, output: str | None) -> str:
    """The format of ``geo extract``: --format, else the -o file's extension; a mismatch is a usage error."""
    from geo.outputs.registry import WRITERS, format_for_path, suffix_of

    if not output:
        return fmt or "jsonl"
    implied = format_for_path(output)
    implied = implied if implied in FORMATS else None
    suffix = suffix_of(output)
    if fmt is None:
        if implied is None:
            raise click.BadParameter(
                f"{output}: cannot tell the format from the extension {suffix or '(none)'!r}; name the file "
                "*.jsonl, *.jsonl.gz, *.geojson, *.csv or *.parquet, or give --format", param_hint="-o/--output")
        return implied
    if implied is not None and implied != fmt:
        raise click.BadParameter(f"{output}: a {suffix} file does not hold {fmt}; use a "
                                 f"{' or '.join(WRITERS[fmt].suffixes)} file name or --format {implied}",
                                 param_hint="-o/--output")
    return fmt


@click.command("extract", epilog=EXAMPLES)
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default=None,
              help="jsonl, geojson, csv or parquet (GeoParquet, one row per mention; needs -o); default: from "
                   "the -o file's extension (.jsonl/.ndjson[.gz], .geojson/.json, .csv, .parquet), else jsonl.")
@click.option("-o", "--output", type=click.Path(), help="Write here (atomically; only when something was extracted) "
              "instead of stdout; with --engine, a folder.")
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
@precision_option("Keep only the mentions placed at these precision levels: exact (the place itself), town (a local "
                  "place put at the town the text names), region, country; comma-separated, e.g. exact,town "
                  "(unplaced mentions have none and are left out). Every document keeps its record and focus.")
@common_options
def extract_cmd(paths, fmt, output, engine, scheduler, workers, partition_size, text_field, id_field, precision,
                **opts):
    """Extract and resolve place names; print JSONL (one object per document), GeoJSON or CSV."""
    from geo.outputs.registry import Options, Source, extract_writer

    if engine is None and scheduler:
        engine = "dask"
    if engine is None:
        from click.core import ParameterSource

        ctx = click.get_current_context()
        stray = [f"--{n.replace('_', '-')}" for n in ("workers", "partition_size")
                 if ctx.get_parameter_source(n) == ParameterSource.COMMANDLINE]
        if stray:
            raise click.UsageError(f"{', '.join(stray)} only apply to batch runs: add --engine local or --engine dask")
    if engine and precision is not None:
        raise click.UsageError("--precision does not apply to batch runs (they store every mention): filter when "
                               "mapping them, geo map RESULTS --precision LEVELS")
    if engine:
        if fmt not in (None, "jsonl", "parquet"):
            raise click.BadParameter("--engine writes jsonl or parquet partitions", param_hint="--format")
        return _extract_batch(paths, fmt or "jsonl", output, engine, scheduler, workers, partition_size, text_field,
                              id_field, **opts)
    if output and Path(output).is_dir():
        raise click.BadParameter(f"{output} is a folder (a folder of partitions needs --engine)", param_hint="-o")
    fmt = output_format(fmt, output)
    writer = extract_writer(fmt)
    if writer.stream is None and not output:
        raise click.UsageError(f"--format {fmt} writes a file: give -o FILE{writer.suffixes[0]}")
    pipe = make_pipeline(**opts)
    counts = {"docs": 0, "bad": 0}
    from geo.batch.engines.pool import parse as pool_parse  # lazy (spaCy): -j N's engine

    stream = verbose(pool_parse(pipe, documents(paths, counts, text_field=text_field, id_field=id_field), State.jobs))
    if output:
        # the output is replaced only by a run that extracted something: the first document is parsed
        # before the file is staged, and an input error (a typo in a path) leaves the old file as it was
        first = next(stream, None)
        if first is None:
            fail("no document could be processed" + ("; " + clean(output) + " was left as it was"
                                                     if Path(output).exists() else ""))

        def chained():
            yield first
            yield from stream

        write_outputs([(fmt, output)], Source(parsed=chained(), gazetteer=pipe.gazetteer), Options(precision=precision),
                      writers={fmt: writer})
    else:
        writer.stream(Source(parsed=stream, gazetteer=pipe.gazetteer), sys.stdout, Options(precision=precision))
        sys.stdout.flush()
    if counts["docs"] == 0:
        fail("no document could be processed")
    say(f"{counts['docs']} documents ({counts['bad']} skipped)")


def _extract_batch(paths, fmt, output, engine, scheduler, workers, partition_size, text_field, id_field, *,
                   offline, geocoder_service, geocoder_url, lang, model):
    """``geo extract --engine``: plan partitions, let the engine run them, report the totals."""
    from geo.batch.engine import BatchError, run
    from geo.batch.partition import Options
    from geo.batch.sources import plan_partitions

    if fmt not in ("jsonl", "parquet"):
        raise click.BadParameter("with --engine the output is partitioned: jsonl or parquet", param_hint="--format")
    if not output:
        raise click.UsageError("--engine writes one file per partition: give the output folder with -o DIR")
    if model is None and lang != "auto":  # auto: each worker loads the pipelines its articles' languages need
        from geo import lang as languages

        model = languages.default_model(lang)  # each worker loads this language's pipeline
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
    # check the geocoder settings here, once, before any worker starts
    make_geocoder(offline=offline, geocoder_service=geocoder_service, geocoder_url=geocoder_url)
    from geo.gazetteer import Gazetteer

    Gazetteer.open(progress=not State.quiet).close()  # build the store once here, not in every worker
    counts = {"bad": 0}

    def on_error(e) -> None:
        counts["bad"] += 1
        warn(str(e))

    t0 = time.perf_counter()
    specs = plan_partitions(paths, partition_size=partition_size, text_field=text_field, id_field=id_field,
                            on_error=on_error)
    if not specs:
        fail("no input could be read")
    options = Options(model=model or "", offline=offline, geocoder_service=geocoder_service,
                      geocoder_url=geocoder_url, fmt=fmt, lang="auto" if lang == "auto" else None)

    def on_summary(summary: dict) -> None:
        for e in summary["errors"]:
            warn(e)
        if State.verbose:
            for w in summary["warnings"]:
                warn(w)
            if not summary["skipped"]:
                err().print(f"  {esc(summary['output'])}: {summary['docs']} documents, {summary['mentions']} "
                            f"mentions, {summary['seconds']:.1f}s [dim](pid {summary['pid']} on {esc(summary['host'])})[/]")

    say(f"{len(specs)} partitions of up to {partition_size} articles -> {esc(output)} ({engine})")
    try:
        totals = run(specs, output, options, engine=engine, scheduler=scheduler, workers=workers,
                     partition_size=partition_size, text_field=text_field, id_field=id_field,
                     progress=not State.quiet, on_summary=on_summary)
    except BatchError as e:
        raise click.ClickException(clean(str(e))) from None
    except OSError as e:  # cannot reach the scheduler, cannot write the folder
        raise click.ClickException(clean(f"{scheduler or output}: {e}")) from None
    rate = totals["docs"] / totals["seconds"] if totals["seconds"] else 0.0
    say(f"{totals['partitions']} partitions ({totals['skipped']} already done, {totals['ran']} run on "
        f"{totals['workers']} workers): {totals['docs']} documents ({counts['bad'] + totals['errors']} skipped), "
        f"{totals['mentions']} mentions in {time.perf_counter() - t0:.1f}s ({rate:.1f} docs/s)")
    if totals["ran"] and totals["docs"] == 0 and not totals["skipped"]:
        fail("no document could be processed")
