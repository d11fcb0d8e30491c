"""Snippets: the text around a mention (its sentence, or a word-snapped window), clipped to a length
and split into plain and highlighted parts, so no renderer juggles character offsets."""
from __future__ import annotations

import re
from dataclasses import dataclass

from geo.types import Mention

_WS = re.compile(r"\s+")


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


def sentence_bounds(text: str, m: Mention, window: int) -> tuple[int, int]:
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


def make_snippet(text: str, lo: int, hi: int, spans: list[tuple[int, int]], max_chars: int) -> Snippet:
    """The snippet of ``text[lo:hi]`` with ``spans`` highlighted, clipped to ``max_chars`` around the first
    span (an ellipsis marks a cut), whitespace runs made single spaces."""
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
