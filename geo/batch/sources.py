"""Inputs at scale: plan the input into partitions, and read one partition back into Documents.

A :class:`PartitionSpec` is a small picklable description of one slice of the input -- some whole
files, a line range of a ``.jsonl``/``.jsonl.gz`` file, or a row range of a Parquet file -- so a
scheduler can ship it to any worker, and the worker reads only its slice. Its :attr:`~PartitionSpec.name`
(``part-00042-<digest>``) is derived from the input files and the range, so the same input and
partition size always give the same names: that is what lets a rerun skip finished partitions.

Formats (besides everything :mod:`geo.documents` reads):

* ``.jsonl`` / ``.jsonl.gz``: one article object per line (fields ``text``, ``title``, ``url``,
  ``date``; ``text_field`` / ``id_field`` name other columns). A plain ``.jsonl`` partition seeks to
  its byte offset; gzip cannot seek, so a ``.jsonl.gz`` partition decompresses from the file's start
  (fine for the usual shards of 10^4-10^5 articles; see docs/scale.md).
* ``.parquet``: one article per row, a string column ``text`` (or ``text_field``); partitions read only
  the row groups they overlap and only the columns needed.

Document ids follow :mod:`geo.documents`: ``<path>#<line>`` for JSON Lines (1-based line numbers),
``<path>#<row>`` for Parquet (1-based), or the value of ``id_field``.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Iterator

from geo.documents import DocumentError, decode_bytes, expand_paths, iter_path
from geo.documents.jsondocs import _article  # the same article rules as .json/.jsonl files in one process
from geo.documents.limits import iter_lines, open_gzip  # capped line length and decompressed size
from geo.types import Document

#: Suffixes read record by record (line ranges / row ranges) rather than file by file.
RECORD_SUFFIXES = (".jsonl.gz", ".jsonl", ".parquet", ".pq")
DEFAULT_PARTITION_SIZE = 1000


def record_kind(path: str) -> str | None:
    low = path.lower()
    if low.endswith(".jsonl.gz"):
        return "jsonl.gz"
    if low.endswith(".jsonl"):
        return "jsonl"
    if low.endswith((".parquet", ".pq")):
        return "parquet"
    return None


@dataclass(frozen=True)
class PartitionSpec:
    """One slice of the input. ``kind``: files | jsonl | jsonl.gz | parquet | docs (in memory)."""

    index: int
    kind: str
    paths: tuple[str, ...] = ()
    start: int = 0  # jsonl: first line number - 1; jsonl.gz / parquet: first row (0-based)
    stop: int = 0  # exclusive
    offset: int = 0  # jsonl: byte offset of line ``start``
    text_field: str | None = None
    id_field: str | None = None
    docs: tuple[Document, ...] = field(default=(), compare=False, repr=False)
    fixed_name: str = ""  # set when planned, so workers (other cwd, other host) use the driver's name
    #: why the driver could not plan this record file (it could not read it): reading the partition
    #: reports this again, as an error that leaves the partition unfinished, so a rerun retries it
    unreadable: str = ""

    @property
    def digest(self) -> str:
        ident = []
        for p in self.paths:
            try:
                st = os.stat(p)
                ident.append([os.path.abspath(p), st.st_size])
            except OSError:
                ident.append([os.path.abspath(p), None])
        key = json.dumps([self.kind, ident, self.start, self.stop, self.text_field, self.id_field]
                         + (["unreadable"] if self.unreadable else []))
        return hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:10]

    @property
    def name(self) -> str:
        """Deterministic output stem: ``part-<index>-<digest of files, sizes, range, fields>``."""
        return self.fixed_name or f"part-{self.index:05d}-{self.digest}"

    def describe(self) -> str:
        if self.kind == "files":
            return self.paths[0] if len(self.paths) == 1 else f"{self.paths[0]} (+{len(self.paths) - 1} files)"
        if self.kind == "docs":
            return f"{len(self.docs)} documents"
        if self.unreadable:
            return self.paths[0]
        unit = "lines" if self.kind.startswith("jsonl") else "rows"
        return f"{self.paths[0]} {unit} {self.start + 1}-{self.stop}"


def _expand(paths: Iterable[str], report: Callable[[DocumentError], None]) -> list[str]:
    """expand_paths, keeping the record formats it does not know (.jsonl.gz, .parquet) in folders."""
    out: list[str] = []
    seen: set[str] = set()
    for raw in paths:
        extra: list[str] = []

        def on_error(e: DocumentError) -> None:
            if e.kind == "unsupported" and record_kind(e.path):
                extra.append(e.path)
            else:
                report(e)

        files = expand_paths([raw], on_error=on_error)
        if extra:
            files = sorted(files + extra)
        for f in files:
            key = os.path.realpath(f) if os.path.exists(f) else os.path.abspath(f)
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def _count_lines(path: str, size: int, start_line: int = 0) -> Iterator[tuple[int, int]]:
    """(line index, byte offset) at every ``size``-th line of a plain file, and at its end."""
    offset = 0
    n = 0
    with open(path, "rb") as fh:
        # lines read at most limits.MAX_LINE_BYTES at a time; a longer one still counts (reported when read)
        for _ in iter_lines(fh, path, on_long=lambda e: None, yield_long=True):
            if n % size == 0:
                yield n, offset
            offset = fh.tell()
            n += 1
    yield n, offset


def _gz_lines(path: str) -> int:
    n = 0
    last = b"\n"
    with open_gzip(path) as fh:  # decompressed size capped (a gzip bomb stops with a message)
        while True:
            block = fh.read(1 << 20)
            if not block:
                break
            n += block.count(b"\n")
            last = block[-1:]
    return n + (last != b"\n")


def plan_partitions(
    paths: Iterable[str],
    *,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    text_field: str | None = None,
    id_field: str | None = None,
    on_error: Callable[[DocumentError], None] | None = None,
) -> list[PartitionSpec]:
    """Split the input into partitions of at most ``partition_size`` articles, in input order.

    Ordinary files (txt, md, html, json) are grouped ``partition_size`` files at a time (a file is
    at least one article); JSON Lines and Parquet files are split by line / row. Paths that do not
    exist and patterns that match nothing go to ``on_error`` and the rest is planned. A record file
    that cannot be read now (permission denied, an I/O error, a truncated gzip stream), or a folder
    that cannot be listed, still gets a partition, whose reading reports the problem: the run is then
    incomplete, and a rerun plans it again once it can be read.
    """
    if partition_size < 1:
        raise ValueError("partition_size must be at least 1")

    def report(e: DocumentError) -> None:
        if on_error is None:
            raise e
        on_error(e)

    specs: list[PartitionSpec] = []
    group: list[str] = []

    def add(kind: str, ps: tuple[str, ...], start: int = 0, stop: int = 0, offset: int = 0,
            unreadable: str = "") -> None:
        spec = PartitionSpec(len(specs), kind, ps, start, stop, offset, text_field, id_field, unreadable=unreadable)
        specs.append(replace(spec, fixed_name=spec.name))

    def flush() -> None:
        if group:
            add("files", tuple(group))
            group.clear()

    unlisted: list[DocumentError] = []

    def expand_error(e: DocumentError) -> None:
        if e.kind in ("permission", "io"):  # a folder that could not be listed: its files are unknown
            unlisted.append(e)
        else:
            report(e)

    for f in _expand(paths, expand_error):
        if not os.path.lexists(f):  # a path given that does not exist: nothing to plan, nor to retry
            report(DocumentError(f, "no such file or directory", kind="missing"))
            continue
        kind = record_kind(f)
        if kind is None or not os.path.isfile(f):
            group.append(f)  # read (and its problems reported) by geo.documents, as in one process
            if len(group) >= partition_size:
                flush()
            continue
        flush()
        try:
            if kind == "jsonl":
                marks = list(_count_lines(f, partition_size))
                for (a, off), (b, _) in zip(marks, marks[1:]):
                    if b > a:
                        add(kind, (f,), a, b, off)
            elif kind == "jsonl.gz":
                n = _gz_lines(f)
                for a in range(0, n, partition_size):
                    add(kind, (f,), a, min(n, a + partition_size))
            else:
                import pyarrow.parquet as pq  # optional dependency (the `scale` extra), only for Parquet inputs

                n = pq.ParquetFile(f).metadata.num_rows
                for a in range(0, n, partition_size):
                    add(kind, (f,), a, min(n, a + partition_size))
        except Exception as exc:  # permission denied, an I/O error, a corrupt gzip stream or Parquet footer
            add(kind, (f,), unreadable=_read_problem(exc))
    flush()
    for e in unlisted:  # a partition each, that reports the problem when read (so the run is incomplete)
        add("files", (e.path,), unreadable=e.problem)
    return specs


def _read_problem(exc: BaseException) -> str:
    """How a file that could not be read to its end is named in messages."""
    if isinstance(exc, MemoryError):
        return "cannot read the file (out of memory)"
    if isinstance(exc, OSError):
        return f"cannot read the file ({exc.strerror or exc})"
    detail = str(exc)
    return f"cannot read the file ({exc.__class__.__name__}{': ' + detail if detail else ''})"


#: Problems that mean a partition's input was not read in full -- the file is there but could not be
#: read now (permissions, I/O, memory, a worker that does not see the file). Other problems (invalid
#: JSON, an empty or binary file, a missing text field) belong to the data: reading again gives the same.
UNREAD_KINDS = frozenset({"permission", "io", "missing"})


def docs_partition(index: int, docs: Iterable[Document]) -> PartitionSpec:
    """A partition of documents already in memory (the ``-j N`` path of :class:`geo.pipeline.Pipeline`)."""
    return PartitionSpec(index, "docs", docs=tuple(docs))


# --------------------------------------------------------------------------------------------
# Reading one partition

def _record_document(obj: object, name: str, doc_id: str, text_field: str | None, id_field: str | None) -> Document:
    if isinstance(obj, dict):
        if id_field is not None:
            v = obj.get(id_field)
            if v is None or isinstance(v, (dict, list)):
                raise DocumentError(doc_id, f"no usable id field {id_field!r}", kind="format")
            doc_id = str(v)
        if text_field is not None and text_field != "text":
            if text_field not in obj:
                keys = ", ".join(list(map(str, obj))[:6]) or "none"
                raise DocumentError(doc_id, f"no text field {text_field!r} (keys: {keys})", kind="format")
            obj = {**{k: v for k, v in obj.items() if k not in ("text", "body", "content")}, "text": obj[text_field]}
    return _article(obj, name, doc_id)


def _jsonl_records(spec: PartitionSpec, report: Callable[[DocumentError], None]) -> Iterator[tuple[int, bytes]]:
    """(line number, line) of the partition; a line over limits.MAX_LINE_BYTES is reported, never read whole."""
    path = spec.paths[0]
    long: list[DocumentError] = []
    if spec.kind == "jsonl":
        fh = open(path, "rb")
        fh.seek(spec.offset)
        first = spec.start + 1
    else:
        fh = open_gzip(path)  # decompressed size capped: a gzip bomb stops with a message
        first = 1
    with fh:
        for n, line in iter_lines(fh, path, start=first, on_long=long.append, yield_long=True):
            if n > spec.stop:
                break
            if line is None:
                err = long.pop()
                if n > spec.start:
                    report(err)
            elif n > spec.start:
                yield n, line


def _parquet_records(spec: PartitionSpec) -> Iterator[tuple[int, dict]]:
    import pyarrow.parquet as pq  # optional dependency (the `scale` extra), only for Parquet inputs

    pf = pq.ParquetFile(spec.paths[0])
    names = set(pf.schema_arrow.names)
    text_field = spec.text_field or next((k for k in ("text", "body", "content") if k in names), "text")
    if text_field not in names:
        raise DocumentError(spec.paths[0], f"no text column {text_field!r} (columns: {', '.join(sorted(names)[:8])})",
                            kind="format")
    wanted = [c for c in dict.fromkeys([text_field, spec.id_field, "title", "headline", "url", "link", "date",
                                        "published", "datetime"]) if c and c in names]
    md = pf.metadata
    first = 0
    for g in range(md.num_row_groups):
        n = md.row_group(g).num_rows
        lo, hi = max(spec.start, first), min(spec.stop, first + n)
        if lo < hi:
            table = pf.read_row_group(g, columns=wanted).slice(lo - first, hi - lo)
            for i, row in enumerate(table.to_pylist()):
                if text_field != "text":
                    row = {**{k: v for k, v in row.items() if k != text_field}, "text": row[text_field]}
                yield lo + i + 1, row
        first += n
        if first >= spec.stop:
            break


def read_partition(
    spec: PartitionSpec,
    *,
    on_error: Callable[[DocumentError], None] | None = None,
    on_warning: Callable[[DocumentError], None] | None = None,
) -> Iterator[Document]:
    """The documents of one partition, in input order. Bad files or records go to ``on_error``.

    An error whose ``kind`` is in :data:`UNREAD_KINDS` means part of the partition could not be read
    (a whole file: permission denied, an I/O error, out of memory, a truncated stream)."""

    def report(e: DocumentError) -> None:
        if on_error is None:
            raise e
        on_error(e)

    if spec.kind == "docs":
        yield from spec.docs
        return
    if spec.unreadable:
        report(DocumentError(spec.paths[0], spec.unreadable, kind="io"))
        return
    if spec.kind == "files":
        for f in spec.paths:
            try:
                yield from iter_path(f, on_error=report, on_warning=on_warning)
            except DocumentError as e:
                report(e)
            except Exception as exc:  # OSError, MemoryError...: the file was not read
                report(DocumentError(f, _read_problem(exc), kind="io"))
        return
    name = spec.paths[0]
    try:
        if spec.kind == "parquet":
            for row_no, row in _parquet_records(spec):
                try:
                    yield _record_document(row, name, f"{name}#{row_no}", None, spec.id_field)
                except DocumentError as e:
                    report(e)
            return
        for line_no, raw in _jsonl_records(spec, report):
            doc_id = f"{name}#{line_no}"
            if line_no == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                try:  # as geo.documents does for .jsonl: guess this line's encoding, say so
                    dec = decode_bytes(raw)
                except ValueError as exc:
                    report(DocumentError(doc_id, str(exc), kind="decode"))
                    continue
                line = dec.text
                if on_warning is not None:
                    on_warning(DocumentError(doc_id, f"not UTF-8; read as {dec.encoding}", kind="warning"))
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                report(DocumentError(doc_id, f"invalid JSON ({exc.msg}, column {exc.colno})", kind="format"))
                continue
            except RecursionError:
                report(DocumentError(doc_id, "invalid JSON (nested too deeply)", kind="format"))
                continue
            try:
                yield _record_document(obj, name, doc_id, spec.text_field, spec.id_field)
            except DocumentError as e:
                report(e)
    except DocumentError as e:
        report(e)
    except Exception as exc:  # OSError, MemoryError, corrupt gzip / Parquet data: the rest of the file was not read
        report(DocumentError(name, _read_problem(exc), kind="io"))


def iter_batch_documents(paths: Iterable[str], *, text_field: str | None = None, id_field: str | None = None,
                         on_error: Callable[[DocumentError], None] | None = None,
                         on_warning: Callable[[DocumentError], None] | None = None) -> Iterator[Document]:
    """Every document of ``paths`` in one stream (one process reading the batch formats)."""
    for spec in plan_partitions(paths, partition_size=10**9, text_field=text_field, id_field=id_field,
                                on_error=on_error):
        yield from read_partition(spec, on_error=on_error, on_warning=on_warning)
