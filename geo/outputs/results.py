"""Extraction results read back (JSONL or GeoParquet; a file or a folder) and mapped by streaming.

``geo map RESULTS`` never re-parses an article: it streams the stored mentions into an
:class:`~geo.outputs.aggregate.Aggregator`, whose memory grows with the number of distinct places
only (each keeps its mention count, document count, surface names and the snippets of its first K
documents). Results written by ``geo extract`` (JSONL, plain or ``--engine``, and GeoParquet) carry
each mention's sentence, so the map shows snippets; older records without sentences map too, without them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from geo.documents import DocumentError
from geo.documents.limits import iter_lines, open_gzip
from geo.io import progress_bar
from geo.outputs.aggregate import PRECISIONS, Aggregator
from geo.outputs.registry import format_for_path
from geo.types import Document, Mention, Place, Resolution

RUN_MANIFEST = "_geo_run.json"
_PARQUET_NEEDS = {"doc", "text", "start", "end", "lat", "lon", "name"}
_PARQUET_COLUMNS = ["doc", "id", "title", "url", "date", "text", "start", "end", "label", "name", "lat", "lon",
                    "feature_class", "feature_code", "country_code", "admin1", "geonameid", "score", "source", "why",
                    "precision", "place_id", "sentence", "sentence_start", "field"]
#: Longest result record read (one document's mentions with their sentences); longer ones are named and skipped.
MAX_RECORD_BYTES = 64 * 1024 * 1024
#: Distinct unresolved names remembered for the summary (the rest are only counted).
MAX_UNRESOLVED_NAMES = 1000


def _kind(path: str) -> str | None:
    """``jsonl`` (also .jsonl.gz / .ndjson) or ``parquet`` (also .geoparquet / .pq), by the one suffix map."""
    kind = format_for_path(path)
    return kind if kind in ("jsonl", "parquet") else None


def iter_jsonl(path: str, on_long: Callable[[DocumentError], None] | None = None) -> Iterator[tuple[int, object]]:
    """``(line number, parsed value or its ValueError)`` for each non-blank line of a JSONL(.gz) result
    file, read through geo's bounded readers (:mod:`geo.documents.limits`: a capped gunzip, lines of
    at most :data:`MAX_RECORD_BYTES`; a longer one goes to ``on_long``, raised when None)."""
    import json

    with (open_gzip(path) if path.lower().endswith(".gz") else open(path, "rb")) as fh:
        for n, line in iter_lines(fh, path, max_line=MAX_RECORD_BYTES, on_long=on_long):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except ValueError as exc:  # not JSON, or not UTF-8
                yield n, exc


def is_results_file(path: str) -> bool:
    """A JSONL file of document records with ``mentions``, or a Parquet file of mention rows."""
    kind = _kind(path)
    try:
        if kind == "jsonl":
            for _, obj in iter_jsonl(path):
                return isinstance(obj, dict) and isinstance(obj.get("mentions"), list)
            return False
        if kind == "parquet":
            import pyarrow.parquet as pq

            return _PARQUET_NEEDS <= set(pq.read_schema(path).names)
    except Exception:  # not readable as results: treated as articles (and reported there)
        return False
    return False


def result_files(path: str) -> list[str]:
    """The result files of a file or folder (``part-*`` files of a batch run, in name order)."""
    p = Path(path)
    if p.is_dir():
        return sorted(str(f) for f in p.rglob("*") if f.is_file() and not f.name.startswith((".", "_"))
                      and _kind(f.name))
    return [str(p)]


def is_results(path: str) -> bool:
    """Whether ``geo map`` should read ``path`` as extraction results rather than as articles."""
    p = Path(path)
    if p.is_dir():
        if (p / RUN_MANIFEST).exists():
            return True
        files = result_files(path)
        return bool(files) and all(is_results_file(f) for f in files[:3])
    return p.is_file() and is_results_file(path)


class BadRecord(ValueError):
    """A stored mention that cannot be mapped; ``str()`` says which field and why."""


def _number(m: dict, key: str, lo: float, hi: float) -> float:
    v = m.get(key)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise BadRecord(f"{key} {v!r} is not a number")
    v = float(v)
    if not (math.isfinite(v) and lo <= v <= hi):
        raise BadRecord(f"{key} {v!r} is outside {lo:g}..{hi:g}")
    return v


def _int(m: dict, key: str) -> int:
    v = m.get(key)
    if v is None:
        return 0
    if isinstance(v, bool) or not isinstance(v, int) and not (isinstance(v, float) and v.is_integer()):
        raise BadRecord(f"{key} {v!r} is not a whole number")
    return int(v)


def _text(m: dict, key: str) -> str | None:
    v = m.get(key)
    if v is not None and not isinstance(v, str):
        raise BadRecord(f"{key} {v!r} is not text")
    return v


def _place(m: dict) -> Place | None:
    if m.get("lat") is None or m.get("lon") is None or m.get("name") is None:
        return None
    lat, lon = _number(m, "lat", -90, 90), _number(m, "lon", -180, 180)
    name = _text(m, "name")
    gid = m.get("geonameid")
    if gid is not None:
        gid = _int(m, "geonameid")
    pid = m.get("place_id")
    if pid is None:
        pid = str(gid) if gid is not None else f"{name}@{lat},{lon}"
    for key in ("feature_class", "feature_code", "country_code", "admin1"):
        _text(m, key)
    return Place(id=str(pid), name=name, lat=lat, lon=lon,
                 feature_class=m.get("feature_class") or "", feature_code=m.get("feature_code") or "",
                 country_code=m.get("country_code"), admin1=m.get("admin1"),
                 geonameid=gid)


def _resolution(doc_id: str, m: dict) -> tuple[Resolution, str | None]:
    sentence = _text(m, "sentence")
    s0 = m.get("sentence_start")
    if sentence is None or s0 is None:
        sentence, s0 = None, 0
    s0 = _int({"sentence_start": s0}, "sentence_start")
    score = m.get("score")
    score = 0.0 if score is None else _number(m, "score", -math.inf, math.inf)
    field = _text(m, "field") or "text"  # "title": the offsets (and the sentence) index the headline
    mention = Mention(doc_id, _text(m, "text") or "", _int(m, "start"), _int(m, "end"),
                      _text(m, "label") or "", sent_start=s0, sent_end=s0 + len(sentence or ""),
                      field="title" if field == "title" else "text")
    place = _place(m)
    return (Resolution(mention, place, score, _text(m, "source"), _text(m, "why") or "",
                       precision=_precision(m, place)), sentence)


def _precision(m: dict, place: Place | None) -> str | None:
    """The stored precision; results written before it was recorded get what the resolver gives a
    place named itself (exact, region or country by its feature code)."""
    v = _text(m, "precision")
    if v is not None:
        if v not in PRECISIONS:
            raise BadRecord(f"precision {v!r} is not one of {', '.join(PRECISIONS)}")
        return v
    if place is None or "precision" in m:  # null: stored as unknown
        return None
    from geo.resolve.resolver import precision_of  # lazy: only for older results

    return precision_of(place)


def _document(rec: dict) -> Document:
    doc_id = rec.get("id") or rec.get("doc") or ""
    return Document(id=str(doc_id), text="", title=_str_or_none(rec.get("title")) or "",
                    path=_str_or_none(rec.get("doc")), url=_str_or_none(rec.get("url")),
                    date=_str_or_none(rec.get("date")))


def _str_or_none(v: object) -> str | None:
    return v if isinstance(v, str) else None if v is None else str(v)


def iter_results(path: str, *, on_error: Callable[[DocumentError], None] | None = None
                 ) -> Iterator[tuple[Document, list[dict], str]]:
    """(document, its mention dicts, where: ``FILE#LINE`` or ``FILE:ID``) for every document of one
    result file, streaming."""

    def report(e: DocumentError) -> None:
        if on_error is None:
            raise e
        on_error(e)

    if _kind(path) == "parquet":
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(path)
            cols = [c for c in _PARQUET_COLUMNS if c in set(pf.schema_arrow.names)]
            current: Document | None = None
            rows: list[dict] = []
            for batch in pf.iter_batches(batch_size=8192, columns=cols):
                for row in batch.to_pylist():
                    key = row.get("id") or row.get("doc")
                    if current is None or key != current.id:
                        if current is not None:
                            yield current, rows, f"{path}:{current.id}"
                        current, rows = _document(row), []
                    rows.append(row)
            if current is not None:
                yield current, rows, f"{path}:{current.id}"
        except Exception as exc:
            report(DocumentError(path, f"cannot read the results ({exc.__class__.__name__}: {exc})", kind="format"))
        return
    try:
        for n, rec in iter_jsonl(path, on_long=report):
            if isinstance(rec, ValueError) or not isinstance(rec, dict) or not isinstance(rec.get("mentions"), list):
                why = rec if isinstance(rec, ValueError) else 'not a document record with "mentions"'
                report(DocumentError(f"{path}#{n}", f"not a result record ({why})", kind="format"))
                continue
            yield _document(rec), [m for m in rec["mentions"] if isinstance(m, dict)], f"{path}#{n}"
    except DocumentError as exc:  # a decompression bomb, stopped
        report(exc)
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        report(DocumentError(path, f"cannot read the results ({exc.__class__.__name__}: {exc})", kind="io"))


@dataclass
class ResultSummary:
    files: int = 0
    documents: int = 0
    mentions: int = 0
    resolved: int = 0
    unresolved_names: set[str] = field(default_factory=set)
    unresolved_more: int = 0
    skipped: int = 0  # stored mentions that could not be mapped (each reported)


def aggregate_results(paths: Iterable[str], *, snippets: int = 20, gazetteer=None,
                      on_error: Callable[[DocumentError], None] | None = None, progress: bool = False):
    """Stream result files into an Aggregator; returns ``(entries, summary)``.

    ``snippets``: each place keeps the snippets of its first ``snippets`` documents (up to three
    per document). With ``gazetteer`` each place is completed from the store (population, shape).
    """
    agg = Aggregator(min(3, snippets), documents=snippets)
    summary = ResultSummary()
    files = [f for path in paths for f in result_files(path)]
    with progress_bar("reading results", len(files), enabled=progress and len(files) > 1) as advance:
        for f in files:
            _add_file(f, agg, summary, on_error)
            advance()
    entries = agg.entries()
    if gazetteer is not None:
        done = []
        for e in entries:
            try:
                stored = gazetteer.get(e.place.id)
            except Exception:
                stored = None
            done.append(replace(e, place=stored) if stored is not None else e)
        entries = done
    return entries, summary


def _add_file(f: str, agg: Aggregator, summary: ResultSummary, on_error) -> None:
    summary.files += 1
    for doc, mentions, where in iter_results(f, on_error=on_error):
        summary.documents += 1
        for k, m in enumerate(mentions, 1):
            try:
                res, sentence = _resolution(doc.id, m)
            except BadRecord as exc:  # this mention is named and skipped; the rest are mapped
                summary.skipped += 1
                e = DocumentError(f"{where} mention {k}", f"skipped ({exc})", kind="format")
                if on_error is None:
                    raise e from None
                on_error(e)
                continue
            summary.mentions += 1
            if res.place is None:
                if len(summary.unresolved_names) < MAX_UNRESOLVED_NAMES:
                    summary.unresolved_names.add(res.mention.text)
                elif res.mention.text not in summary.unresolved_names:
                    summary.unresolved_more += 1
                continue
            summary.resolved += 1
            agg.add_mention(doc, res, sentence)
