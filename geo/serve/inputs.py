"""Articles a client sends -> :class:`~geo.types.Document`\\ s, from bytes only.

The readers are geo.documents' own (text, HTML, JSON, JSON Lines), fed with the bytes of the request;
nothing here opens a path or fetches a URL a client names. A ``url`` field is kept as metadata only.

Every problem is collected as ``{"part": ..., "problem": ...}`` naming the upload (its file name,
``body``, ``body#3`` for the third item of a list, ``a.jsonl#7`` for line 7) and the request is then
refused as a whole (400): a client learns of every bad part at once, and gets all records or none.
"""
from __future__ import annotations

import dataclasses
import json
import posixpath
from typing import Any, Iterable

from geo.documents import DocumentError, MAX_STRUCTURED_BYTES
from geo.documents import html as _html
from geo.documents.decoding import _decode_or_raise, _sniff_binary
from geo.documents.jsondocs import _article, _json_documents
from geo.documents.text import _first_line_title, text_date
from geo.types import Document

from .limits import ApiError, too_large

SUFFIXES = {".txt": "text", ".md": "text", ".text": "text", ".markdown": "text", "": "text",
            ".html": "html", ".htm": "html", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}

MEDIA_TYPES = {"text/plain": "text", "text/markdown": "text", "text/html": "html",
               "application/json": "json", "application/x-ndjson": "jsonl", "application/jsonl": "jsonl",
               "application/json-lines": "jsonl"}

# geo.documents' JSON readers take a reference date for datelines without a year from the file's
# modification time (os.stat of the name). A name starting with NUL can never be stat'ed (ValueError,
# caught there), so no client-chosen name ever reaches the filesystem; the prefix is removed after.
_NOPATH = "\x00"


class Problems:
    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, part: str, problem: str) -> None:
        self.items.append({"part": part.replace(_NOPATH, ""), "problem": problem.replace(_NOPATH, "")})

    def error(self, err: DocumentError) -> None:
        self.add(err.path, err.problem)

    def raise_if_any(self) -> None:
        if self.items:
            first = self.items[0]
            more = f" (and {len(self.items) - 1} more problem{'s' * (len(self.items) > 2)})" if len(self.items) > 1 else ""
            raise ApiError(400, f"{first['part']}: {first['problem']}{more}", problems=self.items)


def safe_name(filename: str | None, i: int) -> str:
    """A client's file name as a label only: its last component, printable, at most 200 characters."""
    name = posixpath.basename((filename or "").replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable()).strip()[:200]
    return name or f"upload-{i}"


def kind_of_name(name: str) -> str | None:
    return SUFFIXES.get(posixpath.splitext(name.lower())[1])


def kind_of_media(content_type: str | None) -> str | None:
    media = (content_type or "").split(";")[0].strip().lower()
    return MEDIA_TYPES.get(media)


def _unprefix(doc: Document, *, doc_id: str, path: str | None) -> Document:
    return dataclasses.replace(doc, id=doc_id, path=path)


def _warn(problems: Problems):
    def warn(name: str, problem: str) -> None:  # notes (bytes replaced...): the text was read all the same
        pass

    return warn


def from_bytes(data: bytes, name: str, kind: str, problems: Problems, *, path: str | None = None,
               meta: dict | None = None) -> list[Document]:
    """The documents of one upload (a file, or the body) read as ``kind`` (text, html, json, jsonl).

    ``path``: the value of the record's ``doc`` field (the file name for uploads, None for a body);
    ``meta``: title/id/url/date given by the client for a single text.
    """
    if not data.strip():
        problems.add(name, "empty (no text)")
        return []
    what = _sniff_binary(data[:65536])
    if what:
        problems.add(name, f"binary data ({what}), not an article")
        return []
    warn = _warn(problems)
    hidden = _NOPATH + name
    try:
        if kind == "html" or (kind == "text" and not name.lower().endswith((".txt", ".md")) and
                               _html._looks_like_html(data[:2048])):
            if len(data) > MAX_STRUCTURED_BYTES:
                raise too_large(f"{name} (HTML)", MAX_STRUCTURED_BYTES)
            doc = _html._html_document(data, hidden, warn=warn)
            return [_with_meta(_unprefix(doc, doc_id=name, path=path), meta)]
        if kind == "json":
            if len(data) > MAX_STRUCTURED_BYTES:
                raise too_large(f"{name} (JSON)", MAX_STRUCTURED_BYTES)
            docs = list(_json_documents(data, hidden, warn=warn, on_error=problems.error))
            return [_unprefix(d, doc_id=d.id.replace(_NOPATH, ""), path=path) for d in docs]
        if kind == "jsonl":
            return _jsonl(data, name, hidden, problems, path=path)
        text = _decode_or_raise(data, hidden, warn)
    except DocumentError as err:
        problems.error(err)
        return []
    if not text.strip():
        problems.add(name, "no text (only whitespace)")
        return []
    doc = Document(id=name, text=text, title=_first_line_title(text, markdown=name.lower().endswith((".md", ".markdown"))),
                   path=path, date=text_date(text))
    return [_with_meta(doc, meta)]


def _with_meta(doc: Document, meta: dict | None) -> Document:
    if not meta:
        return doc
    changes = {k: v for k, v in meta.items() if v is not None}
    return dataclasses.replace(doc, **changes) if changes else doc


def _jsonl(data: bytes, name: str, hidden: str, problems: Problems, *, path: str | None) -> list[Document]:
    try:
        text = _decode_or_raise(data, hidden, _warn(problems))
    except DocumentError as err:
        problems.error(err)
        return []
    docs = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        part = f"{name}#{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.add(part, f"invalid JSON ({exc.msg}, column {exc.colno})")
            continue
        except RecursionError:
            problems.add(part, "invalid JSON (nested too deeply)")
            continue
        try:
            doc = _article(obj, hidden, _NOPATH + part)
        except DocumentError as err:
            problems.error(err)
            continue
        docs.append(_unprefix(doc, doc_id=part, path=path))
    if not docs and not problems.items:
        problems.add(name, "no article in it (only blank lines)")
    return docs


def from_objects(objs: Any, problems: Problems, *, name: str = "body") -> list[Document]:
    """Articles given as JSON values: one object ``{"text", "title", "id", "url", "date"}`` or a list."""
    items: Iterable[tuple[str, Any]]
    if isinstance(objs, list):
        if not objs:
            problems.add(name, "empty JSON list, no articles")
            return []
        items = [(f"{name}#{i}", o) for i, o in enumerate(objs, 1)]
    else:
        items = [(name, objs)]
    docs = []
    for n, (part, obj) in enumerate(items):
        try:
            doc = _article(obj, _NOPATH + part, _NOPATH + part)
        except DocumentError as err:
            problems.error(err)
            continue
        doc_id = obj.get("id") if isinstance(obj, dict) else None
        if doc_id is not None and not isinstance(doc_id, (str, int)):
            problems.add(part, f"\"id\" is a JSON {type(doc_id).__name__}, not a string")
            continue
        docs.append(_unprefix(doc, doc_id=str(doc_id) if doc_id is not None else f"text-{n}", path=None))
    return docs
