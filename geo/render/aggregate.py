"""Group resolved mentions across documents into one entry per distinct place.

Both the HTML map and the GeoJSON export read :func:`aggregate`: each :class:`PlaceEntry` holds the
place, how often it is mentioned, and per document the snippets (the sentence around each mention)
split into plain and highlighted parts, so no renderer ever has to juggle character offsets.

The output order is deterministic: most-mentioned first, then by name and id.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable
from urllib.parse import urlsplit

from geo.types import Document, Mention, ParsedDocument, Place

#: Feature types used for styling, legends and layers, in display order.
FEATURE_TYPES: tuple[str, ...] = ("country", "province", "city", "physical", "other")
FEATURE_TYPE_LABELS: dict[str, str] = {
    "country": "Countries",
    "province": "Provinces / regions",
    "city": "Cities / towns",
    "physical": "Physical features",
    "other": "Other places",
}
FEATURE_TYPE_NAMES: dict[str, str] = {
    "country": "Country",
    "province": "Province / region",
    "city": "City / town",
    "physical": "Physical feature",
    "other": "Place",
}

_ADMIN_REGION_CODES = ("ADM1", "ADM2", "ADM3", "ADM4", "ADM5", "ADMD")
_COUNTRY_CODES = ("PCL", "TERR")  # PCLI, PCLD, PCLF, PCLS, PCLIX, PCL, TERR

_WS = re.compile(r"\s+")


def feature_type(place: Place) -> str:
    """Classify a place by its GeoNames class/code: country, province, city, physical or other."""
    cls = (place.feature_class or "").upper()
    code = (place.feature_code or "").upper()
    if cls == "A":
        if code.startswith(_COUNTRY_CODES):
            return "country"
        if code.startswith(_ADMIN_REGION_CODES):
            return "province"
        return "province" if code else "other"
    if cls == "P":
        return "city"
    if cls in ("H", "L", "T", "V", "U"):
        return "physical"
    return "other"


@dataclass(frozen=True)
class Snippet:
    """A sentence around one or more mentions: ``parts`` alternate plain (even) and highlighted (odd)."""

    parts: tuple[str, ...]

    @property
    def text(self) -> str:
        return "".join(self.parts)

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        """Offsets of the highlighted parts within :attr:`text`."""
        out: list[tuple[int, int]] = []
        pos = 0
        for i, part in enumerate(self.parts):
            if i % 2:
                out.append((pos, pos + len(part)))
            pos += len(part)
        return tuple(out)


@dataclass(frozen=True)
class DocumentMentions:
    """One document's mentions of a place."""

    document: Document
    mentions: int
    snippets: tuple[Snippet, ...]
    more_snippets: int = 0  # snippets left out (beyond ``max_snippets``)


@dataclass(frozen=True)
class PlaceEntry:
    """One distinct place across all documents."""

    place: Place
    mentions: int
    documents: tuple[DocumentMentions, ...]
    names: tuple[str, ...]  # the surface forms used in the texts, most frequent first

    @property
    def feature_type(self) -> str:
        return feature_type(self.place)


def _sentence_bounds(text: str, m: Mention, window: int) -> tuple[int, int]:
    """The sentence around ``m`` (from the mention), or a word-snapped window when none was given."""
    start, end = m.sent_start, m.sent_end
    if 0 <= start <= m.start and m.end <= end <= len(text) and end > start:
        return start, end
    lo = max(0, m.start - window)
    hi = min(len(text), m.end + window)
    if lo > 0:
        sp = text.find(" ", lo, m.start)
        lo = sp + 1 if sp != -1 else lo
    if hi < len(text):
        sp = text.rfind(" ", m.end, hi)
        hi = sp if sp != -1 else hi
    return lo, hi


def _clip(text: str, lo: int, hi: int, spans: list[tuple[int, int]], max_chars: int) -> tuple[int, int]:
    """Narrow [lo, hi) to at most ``max_chars`` around the first span, snapping to spaces."""
    if hi - lo <= max_chars:
        return lo, hi
    s0, e0 = spans[0]
    half = max(0, (max_chars - (e0 - s0)) // 2)
    new_lo = max(lo, s0 - half)
    new_hi = min(hi, new_lo + max_chars)
    new_lo = max(lo, min(new_lo, new_hi - max_chars))
    if new_lo > lo:
        sp = text.find(" ", new_lo, s0)
        new_lo = sp + 1 if sp != -1 else new_lo
    if new_hi < hi:
        sp = text.rfind(" ", max(e0, new_lo), new_hi)
        new_hi = sp if sp != -1 else new_hi
    return new_lo, new_hi


def _make_snippet(text: str, lo: int, hi: int, spans: list[tuple[int, int]], max_chars: int) -> Snippet:
    spans = sorted(set(spans))
    c_lo, c_hi = _clip(text, lo, hi, spans, max_chars)
    parts: list[str] = []
    pos = c_lo
    for s, e in spans:
        if s < pos or e > c_hi:  # overlapping or clipped away
            continue
        parts.append(text[pos:s])
        parts.append(text[s:e])
        pos = e
    parts.append(text[pos:c_hi])
    norm = [_WS.sub(" ", p) for p in parts]
    norm[0] = norm[0].lstrip()
    norm[-1] = norm[-1].rstrip()
    if c_lo > lo:
        norm[0] = "… " + norm[0]
    if c_hi < hi:
        norm[-1] = norm[-1] + " …"
    return Snippet(tuple(norm))


def aggregate(
    parsed: Iterable[ParsedDocument],
    *,
    max_snippets: int = 5,
    max_snippet_chars: int = 300,
    window: int = 120,
) -> list[PlaceEntry]:
    """One :class:`PlaceEntry` per distinct ``place.id`` over all documents (resolved mentions only).

    ``max_snippets`` caps the snippets kept per place and document (the rest are counted in
    ``more_snippets``); mentions in the same sentence share one snippet with several highlights.
    """
    places: dict[str, Place] = {}
    # place id -> doc index -> (document, list of mentions)
    per_place: dict[str, dict[int, tuple[Document, list[Mention]]]] = {}
    doc_index = 0
    for pd in parsed:
        doc = pd.document
        for res in pd.resolutions:
            if res.place is None:
                continue
            pid = res.place.id
            places.setdefault(pid, res.place)
            bucket = per_place.setdefault(pid, {})
            bucket.setdefault(doc_index, (doc, []))[1].append(res.mention)
        doc_index += 1

    entries: list[PlaceEntry] = []
    for pid, docs in per_place.items():
        place = places[pid]
        names: dict[str, int] = {}
        doc_entries: list[DocumentMentions] = []
        total = 0
        for idx in sorted(docs):
            doc, mentions = docs[idx]
            # title mentions (field "title") index the headline; their snippet comes from it
            texts = {"text": doc.text or "", "title": doc.title or ""}
            groups: dict[tuple[int, int, int], list[tuple[int, int]]] = {}
            count = 0
            seen_spans: set[tuple[str, int, int]] = set()
            for m in sorted(mentions, key=lambda m: (m.field != "title", m.start, m.end)):
                field = m.field
                if (field, m.start, m.end) in seen_spans:  # the same span reported twice counts once
                    continue
                seen_spans.add((field, m.start, m.end))
                count += 1
                text = texts.get(field, "")
                surface = text[m.start:m.end] if 0 <= m.start < m.end <= len(text) else m.text
                names[surface] = names.get(surface, 0) + 1
                if not (0 <= m.start < m.end <= len(text)):
                    continue  # offsets do not fit this text: count it, but no snippet
                lo, hi = _sentence_bounds(text, m, window)
                groups.setdefault((field != "title", lo, hi), []).append((m.start, m.end))
            total += count
            snippets: list[Snippet] = []
            seen: set[tuple[str, ...]] = set()
            for (body, lo, hi), spans in sorted(groups.items()):
                text = texts["text" if body else "title"]
                sn = _make_snippet(text, lo, hi, spans, max_snippet_chars)
                if sn.parts in seen:
                    continue
                seen.add(sn.parts)
                snippets.append(sn)
            kept = tuple(snippets[:max_snippets])
            doc_entries.append(DocumentMentions(doc, count, kept, len(snippets) - len(kept)))
        ordered_names = tuple(n for n, _ in sorted(names.items(), key=lambda kv: (-kv[1], kv[0])))
        entries.append(PlaceEntry(place, total, tuple(doc_entries), ordered_names))
    entries.sort(key=lambda e: (-e.mentions, e.place.name, e.place.id))
    return entries


def safe_url(url: str | None) -> str | None:
    """Keep only absolute http(s) URLs; anything else (javascript:, data:, relative) is dropped."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ord(c) < 0x20 or c.isspace() for c in url):
        return None
    return url
