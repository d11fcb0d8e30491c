"""The page's article records: a distinct label, the file, the date (and its day for the time
slider), a safe link and the source (URL host or folder) of each input document."""
from __future__ import annotations

import datetime as _dt
import os
import re
from typing import Any, Sequence
from urllib.parse import urlsplit

from markupsafe import escape

from geo.outputs.aggregate import safe_url
from geo.outputs.ui import UIStrings, strings
from geo.types import Document


def parse_day(date: str | None) -> _dt.date | None:
    """The calendar day of an article date (ISO 8601 date or date-time, as documents carry it), or None."""
    if not date:
        return None
    text = date.strip()
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not m:
        return None
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _day_ms(d: _dt.date) -> int:
    return int((d - _dt.date(1970, 1, 1)).days) * 86_400_000


def _source(d: Document) -> str:
    """Where an article comes from: its URL's host, else its file's folder, else ''."""
    url = safe_url(d.url)
    if url:
        host = urlsplit(url).netloc.lower()
        return host[4:] if host.startswith("www.") else host
    if d.path:
        folder = os.path.dirname(d.path)
        return folder or "."
    return ""


def keyed_documents(documents: Sequence[Document], ui: UIStrings | None = None) -> tuple[list[dict], list[str]]:
    """The page's records of ``documents`` (in order) and the names of their sources (none when only one);
    ``ui``: the interface strings of the page's language (default: English)."""
    ui = ui or strings()
    docs = []
    used_labels: dict[str, int] = {}
    sources: dict[str, int] = {}
    for d in documents:
        name = d.title or (os.path.basename(d.path) if d.path else d.id) or ui.text("untitled")
        used_labels[name] = used_labels.get(name, 0) + 1
        if used_labels[name] > 1:  # the layer control needs distinct labels
            name = f"{name} ({used_labels[name]})"
        rec: dict[str, Any] = {
            "title": d.title or "",
            "file": d.path or (d.id if not d.title else ""),
            "date": d.date or "",
            "label": str(escape(ui.text("article_label", name=name))),  # Leaflet's layer control treats labels as HTML
        }
        url = safe_url(d.url)
        if url:
            rec["url"] = url
        day = parse_day(d.date)
        if day is not None:
            rec["day"] = _day_ms(day)
        src = _source(d)
        rec["source"] = sources.setdefault(src, len(sources))
        docs.append(rec)
    names = list(sources)
    if len(names) <= 1:  # one source: nothing to choose
        for rec in docs:
            del rec["source"]
        names = []
    return docs, names
