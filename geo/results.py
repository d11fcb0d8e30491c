"""Extraction results read back (JSONL or GeoParquet; a file or a folder) and mapped by streaming.

``geo map RESULTS`` never re-parses an article: it streams the stored mentions into an
:class:`~geo.render.aggregate.Aggregator`, whose memory grows with the number of distinct places
only (each keeps its mention count, document count, surface names and the snippets of its first K
documents). Results written by ``geo extract --engine`` (or ``--format parquet``) carry each
mention's sentence, so the map shows snippets; plain ``geo extract`` JSONL maps too, without them.
"""
from __future__ import annotations

import gzip
import io
import json
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from geo.documents import DocumentError
from geo.types import Document, Mention, Place, Resolution

RUN_MANIFEST = "_geo_run.json"
_PARQUET_NEEDS = {"doc", "text", "start", "end", "lat", "lon", "name"}
_PARQUET_COLUMNS = ["doc", "id", "title", "url", "date", "text", "start", "end", "label", "name", "lat", "lon",
                    "feature_class", "feature_code", "country_code", "admin1", "geonameid", "score", "source", "why",
                    "place_id", "sentence", "sentence_start"]
#: Distinct unresolved names remembered for the summary (the rest are only counted).
MAX_UNRESOLVED_NAMES = 1000


def _kind(path: str) -> str | None:
    low = path.lower()
    if low.endswith((".jsonl", ".jsonl.gz")):
        return "jsonl"
    if low.endswith((".parquet", ".pq")):
        return "parquet"
    return None


def _open_text(path: str):
    if path.lower().endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return open(path, encoding="utf-8")


def is_results_file(path: str) -> bool:
    """A JSONL file of document records with ``mentions``, or a Parquet file of mention rows."""
    kind = _kind(path)
    try:
        if kind == "jsonl":
            with _open_text(path) as fh:
                for line in fh:
                    if line.strip():
                        obj = json.loads(line)
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


def _place(m: dict) -> Place | None:
    if m.get("lat") is None or m.get("lon") is None or m.get("name") is None:
        return None
    pid = m.get("place_id")
    if pid is None:
        pid = str(m["geonameid"]) if m.get("geonameid") is not None else f"{m['name']}@{m['lat']},{m['lon']}"
    return Place(id=str(pid), name=m["name"], lat=float(m["lat"]), lon=float(m["lon"]),
                 feature_class=m.get("feature_class") or "", feature_code=m.get("feature_code") or "",
                 country_code=m.get("country_code"), admin1=m.get("admin1"),
                 geonameid=int(m["geonameid"]) if m.get("geonameid") is not None else None)


def _resolution(doc_id: str, m: dict) -> tuple[Resolution, str | None]:
    sentence = m.get("sentence")
    s0 = m.get("sentence_start")
    if sentence is None or s0 is None:
        sentence, s0 = None, 0
    mention = Mention(doc_id, m.get("text") or "", int(m.get("start") or 0), int(m.get("end") or 0),
                      m.get("label") or "", sent_start=int(s0), sent_end=int(s0) + len(sentence or ""))
    return (Resolution(mention, _place(m), float(m.get("score") or 0.0), m.get("source"), m.get("why") or ""),
            sentence)


def _document(rec: dict) -> Document:
    doc_id = rec.get("id") or rec.get("doc") or ""
    return Document(id=str(doc_id), text="", title=rec.get("title") or "", path=rec.get("doc"),
                    url=rec.get("url"), date=rec.get("date"))


def iter_results(path: str, *, on_error: Callable[[DocumentError], None] | None = None
                 ) -> Iterator[tuple[Document, list[dict]]]:
    """(document, its mention dicts) for every document of one result file, streaming."""

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
                            yield current, rows
                        current, rows = _document(row), []
                    rows.append(row)
            if current is not None:
                yield current, rows
        except Exception as exc:
            report(DocumentError(path, f"cannot read the results ({exc.__class__.__name__}: {exc})", kind="format"))
        return
    try:
        with _open_text(path) as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                    if not isinstance(rec, dict) or not isinstance(rec.get("mentions"), list):
                        raise ValueError("not a document record with \"mentions\"")
                except ValueError as exc:
                    report(DocumentError(f"{path}#{n}", f"not a result record ({exc})", kind="format"))
                    continue
                yield _document(rec), [m for m in rec["mentions"] if isinstance(m, dict)]
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


def aggregate_results(paths: Iterable[str], *, snippets: int = 20, gazetteer=None,
                      on_error: Callable[[DocumentError], None] | None = None, progress: bool = False):
    """Stream result files into an Aggregator; returns ``(entries, summary)``.

    ``snippets``: each place keeps the snippets of its first ``snippets`` documents (up to three
    per document). With ``gazetteer`` each place is completed from the store (population, shape).
    """
    from geo.render.aggregate import Aggregator

    agg = Aggregator(min(3, snippets), documents=snippets)
    summary = ResultSummary()
    files = [f for path in paths for f in result_files(path)]
    bar = None
    if progress and sys.stderr.isatty() and len(files) > 1:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(TextColumn("reading results"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                       console=Console(stderr=True), transient=True)
        task = bar.add_task("results", total=len(files))
        bar.start()
    try:
        for f in files:
            _add_file(f, agg, summary, on_error)
            if bar is not None:
                bar.advance(task)
    finally:
        if bar is not None:
            bar.stop()
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


def _add_file(f: str, agg, summary: ResultSummary, on_error) -> None:
    summary.files += 1
    for doc, mentions in iter_results(f, on_error=on_error):
        summary.documents += 1
        for m in mentions:
            summary.mentions += 1
            res, sentence = _resolution(doc.id, m)
            if res.place is None:
                if len(summary.unresolved_names) < MAX_UNRESOLVED_NAMES:
                    summary.unresolved_names.add(res.mention.text)
                elif res.mention.text not in summary.unresolved_names:
                    summary.unresolved_more += 1
                continue
            summary.resolved += 1
            agg.add_mention(doc, res, sentence)
