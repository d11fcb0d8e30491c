"""JSON (one article object or a list of them) and JSON Lines (one article per line, streamed)."""
from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator

from geo.types import Document

from .dates import dateline_date, normalise_date
from .decoding import _bom, _decode_or_raise, _normalise_newlines, decode_bytes
from .errors import DocumentError, _mb, _os_error
from .files import _read_all, _read_head
from .limits import iter_lines
from .text import _first_line_title, file_reference_date

_TEXT_KEYS = ("text", "body", "content")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_TITLE_KEYS = ("title", "headline")
_EXPECTED = "expected an article object with a \"text\" field (and optionally title, url, date)"


def _date(value: str | None) -> str | None:
    """ISO 8601 when the value parses as a date; kept as given otherwise (it is the article's own field)."""
    return normalise_date(value) or value if value is not None else None


def _article(obj: object, name: str, doc_id: str) -> Document:
    if not isinstance(obj, dict):
        raise DocumentError(doc_id, f"JSON {type(obj).__name__} is not an article; {_EXPECTED}", kind="format")
    key = next((k for k in _TEXT_KEYS if k in obj), None)
    text = obj[key] if key is not None else None
    if key is not None and text is None:  # a null (JSON null, a Parquet null): no text, not a missing field
        raise DocumentError(doc_id, f"\"{key}\" is null (no text)", kind="empty")
    if text is None:
        keys = ", ".join(list(map(str, obj))[:6]) or "none"
        raise DocumentError(doc_id, f"JSON object has no \"text\" field (keys: {keys}); {_EXPECTED}", kind="format")
    if not isinstance(text, str):
        raise DocumentError(doc_id, f"\"text\" is a JSON {type(text).__name__}, not a string", kind="format")
    text = _normalise_newlines(text)
    if not text.strip():
        raise DocumentError(doc_id, "empty \"text\" field", kind="empty")

    # JSON can spell characters no text file holds: lone surrogates ("\ud800") cannot be encoded as
    # UTF-8 anywhere downstream, so they become U+FFFD (same length: offsets are unchanged).
    text = _LONE_SURROGATE.sub("\ufffd", text)

    def opt(*keys: str) -> str | None:
        for k in keys:
            v = obj.get(k)
            if v is not None and not isinstance(v, (dict, list)):
                return _LONE_SURROGATE.sub("\ufffd", str(v))
        return None

    title = opt(*_TITLE_KEYS)
    return Document(
        id=doc_id,
        text=text,
        title=" ".join(title.split()) if title else _first_line_title(text),
        path=name,
        url=opt("url", "link"),
        date=_date(opt("date", "published", "datetime")) or dateline_date(text, reference=file_reference_date(name)),
    )


def _json_documents(data: bytes, name: str, *, warn: Callable[[str, str], None],
                    on_error: Callable[[DocumentError], None] | None = None) -> Iterator[Document]:
    raw = _decode_or_raise(data, name, warn)
    if not raw.strip():
        raise DocumentError(name, "no text (the file holds only whitespace)", kind="empty")
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise DocumentError(name, f"invalid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})", kind="format") from None
    except RecursionError:
        raise DocumentError(name, "invalid JSON (nested too deeply)", kind="format") from None
    if isinstance(obj, list):
        if not obj:
            raise DocumentError(name, "empty JSON list, no articles", kind="empty")
        docs = []
        problems = []
        for i, item in enumerate(obj, 1):
            try:
                docs.append(_article(item, name, f"{name}#{i}"))
            except DocumentError as err:
                problems.append(err)
        if not docs:
            raise DocumentError(name, f"JSON list holds no article ({problems[0].problem})", kind=problems[0].kind)
        for err in problems:
            if on_error is None:
                raise err
            on_error(err)
        yield from docs
    else:
        doc = _article(obj, name, name)
        yield doc


def _iter_jsonl(
    p: Path,
    name: str,
    *,
    on_error: Callable[[DocumentError], None] | None,
    warn: Callable[[str, str], None],
) -> Iterator[Document]:
    head = _read_head(p, name)
    bom = _bom(head)
    enc = bom[0] if bom else "utf-8"
    if enc.startswith(("utf-16", "utf-32")):
        # wide encodings cannot be split on b"\n"; such files are small in practice, and read whole
        # only up to the size a .json file may be
        import geo.documents

        limit = geo.documents.MAX_STRUCTURED_BYTES
        size = p.stat().st_size
        if size > limit:
            raise DocumentError(name, f"file too large ({_mb(size)}; UTF-16/32 JSON Lines files are read whole, "
                                f"limit {_mb(limit)})", kind="too-large")
        data = _read_all(p, name)
        lines = _decode_or_raise(data, name, warn).split("\n")
        iterator: Iterable[tuple[int, str | bytes]] = enumerate(lines, 1)
    else:
        iterator = None  # type: ignore[assignment]
    good = 0
    bad: list[DocumentError] = []
    fallback_enc: str | None = None

    def handle(err: DocumentError) -> None:
        bad.append(err)
        if on_error is None:
            raise err
        on_error(err)

    try:
        fh = None
        if iterator is None:
            fh = open(p, "rb")
            # lines are read at most limits.MAX_LINE_BYTES at a time: a longer one is reported and skipped
            iterator = iter_lines(fh, name, on_long=handle)
        try:
            for line_no, line in iterator:
                if isinstance(line, bytes):
                    if line_no == 1 and bom:
                        line = line[len(codecs.BOM_UTF8):]
                    try:
                        line = line.decode(fallback_enc or "utf-8")
                    except UnicodeDecodeError:
                        try:
                            dec = decode_bytes(line)
                            line = dec.text
                            if dec.encoding not in ("utf-8", "utf-8-sig"):
                                fallback_enc = dec.encoding
                                warn(name, f"not UTF-8; read as {dec.encoding}")
                        except ValueError as exc:
                            handle(DocumentError(f"{name}#{line_no}", str(exc), kind="decode"))
                            continue
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    handle(DocumentError(f"{name}#{line_no}", f"invalid JSON ({exc.msg}, column {exc.colno})", kind="format"))
                    continue
                except RecursionError:
                    handle(DocumentError(f"{name}#{line_no}", "invalid JSON (nested too deeply)", kind="format"))
                    continue
                try:
                    doc = _article(obj, name, f"{name}#{line_no}")
                except DocumentError as err:
                    handle(err)
                    continue
                good += 1
                yield doc
        finally:
            if fh is not None:
                fh.close()
    except OSError as exc:
        raise _os_error(name, exc) from None
    if good == 0 and not bad:
        raise DocumentError(name, "no text (the file holds only whitespace)", kind="empty")

