"""Plain text and Markdown: titles (first line, Markdown headings, YAML front matter) and raw text."""
from __future__ import annotations

import hashlib
import re

from geo.types import Document

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



def document_from_text(
    text: str,
    *,
    id: str | None = None,
    title: str | None = None,
    url: str | None = None,
    date: str | None = None,
    path: str | None = None,
) -> Document:
    """Build a Document from raw text; the title defaults to its first non-empty line.

    The text is kept exactly as given. Without an ``id`` a stable one is derived from the
    text (``"text-<sha1 prefix>"``), so the same text always gets the same id.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    if id is None:
        id = "text-" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    if title is None:
        title = _first_line_title(text)
    return Document(id=id, text=text, title=title, path=path, url=url, date=date)

