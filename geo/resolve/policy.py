"""What the resolver reports for a whole document: headline and body together, lone words checked.

* **Title + body.** Title mentions (``field == "title"``) are resolved together with the body's, so
  that the headline and the story give each other context: one text for the resolver, the body, a
  break no pattern reads across, then the headline; the title mentions keep their own offsets.
* **Lone words.** A one-word name from spaCy's NER that the gazetteer does not know by that name
  ("Hamas" tagged GPE) is reported only when the geocoder places it or a close spelling names a
  major place: extraction is the same with and without a geocoder, and the output differs only
  where a geocoder answers.
"""
from __future__ import annotations

import dataclasses
from typing import Sequence

from ..prominence import well_known
from ..types import Document, Mention, Resolution
from .resolver import ENCLOSED, Resolver

TITLE_BREAK = "\n.\n"
NER_LABELS = frozenset({"GPE", "LOC", "FAC"})


def resolve_document(resolver: Resolver, document: Document, mentions: Sequence[Mention]) -> list[Resolution]:
    """Resolve a whole document's mentions (title and body, however many pieces spaCy saw)."""
    titled = [m for m in mentions if m.field != "text"]
    if not titled:
        out = resolver.resolve(document, mentions)
    else:
        # one text for the resolver: the body, a break no pattern reads across, then the headline
        off = len(document.text) + len(TITLE_BREAK)
        joined = dataclasses.replace(document, text=document.text + TITLE_BREAK + document.title)
        originals = {}
        shifted = []
        for m in mentions:
            if m.field != "text":
                t = dataclasses.replace(m, start=m.start + off, end=m.end + off, sent_start=m.sent_start + off,
                                        sent_end=m.sent_end + off, field="text")
                originals[id(t)] = m
                m = t
            shifted.append(m)
        out = [dataclasses.replace(r, mention=originals[id(r.mention)]) if id(r.mention) in originals else r
               for r in resolver.resolve(joined, shifted)]
    return [r for r in out if not unplaced_lone_word(resolver, r)]


def unplaced_lone_word(resolver: Resolver, r: Resolution) -> bool:
    """A one-word NER name the gazetteer does not know by that name, kept by extraction for the
    geocoder: dropped unless the geocoder placed it, or a close spelling names a major place
    ("Mediterranean", "Mauritious"; not "Hartmann" -> Hartman, a village)."""
    m = r.mention
    if r.source == "geocoder" or m.label not in NER_LABELS or " " in m.text.strip():
        return False
    if m.text.lower() in resolver.lang.cue_suffixes:
        return False
    cands = resolver.candidates(m.text)
    if r.place is None or r.why.startswith(ENCLOSED):
        return not cands
    if any(c.similarity >= 0.999 for c in cands):
        return False  # known by this very name
    w = resolver.w
    return not well_known(r.place, min_population=w.lone_word_population, min_physical=w.lone_word_physical)
