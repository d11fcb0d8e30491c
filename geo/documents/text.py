"""Plain text and Markdown: titles (first line, Markdown headings, YAML front matter) and raw text."""
from __future__ import annotations

import datetime
import hashlib
import re

from geo.types import Document

from .dates import dateline_date, front_matter_date

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


def _first_line_title(text: str, *, markdown: bool = False, limit: int = 300) -> str:
    if markdown:
        front = _FRONT_MATTER.match(text)
        if front:  # YAML front matter: its title, else skip it
            m = re.search(r"^title:[ \t]*(.+?)[ \t]*$", front.group(1), re.M)
            if m and m.group(1).strip("\"' "):
                return m.group(1).strip().strip("\"'").strip()[:limit]
            text = text[front.end():]
    for line in text.split("\n", 200)[:200]:
        line = line.strip()
        if not line:
            continue
        if markdown:
            line = re.sub(r"^#{1,6}\s+", "", line).strip().rstrip("#").strip()
            if not line or set(line) <= set("=-*_ "):
                continue
        return line[:limit]
    return ""


def text_date(text: str, *, reference: "datetime.datetime | None" = None) -> str | None:
    """The date a text gives itself: YAML front matter's ``date:``, else a dateline at its top."""
    front = _FRONT_MATTER.match(text)
    if front:
        d = front_matter_date(front.group(1))
        if d:
            return d
        text = text[front.end():]
    return dateline_date(text, reference=reference)


def file_reference_date(path) -> "datetime.datetime | None":
    """The file's modification time: the reference year for a dateline without one."""
    import datetime
    import os

    try:
        return datetime.datetime.fromtimestamp(os.stat(path).st_mtime)
    except (OSError, ValueError, OverflowError):
        return None


def document_from_text(
    text: str,
    *,
    id: str | None = None,
    title: str | None = None,
    url: str | None = None,
    date: str | None = None,
    path: str | None = None,
) -> Document:
    """Build a Document from raw text; the title defaults to its first non-empty line, the date to
    the text's front matter ``date:`` or a dateline with a year (:func:`text_date`).

    The text is kept exactly as given. Without an ``id`` a stable one is derived from the
    text (``"text-<sha1 prefix>"``), so the same text always gets the same id.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if id is None:
        id = "text-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    if title is None:
        title = _first_line_title(text)
    if date is None:
        date = text_date(text)
    return Document(id=id, text=text, title=title, path=path, url=url, date=date)

