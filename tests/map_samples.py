"""ParsedDocuments built by hand for the map/GeoJSON tests (places as in the shipped gazetteer)."""
from __future__ import annotations

import re

from geo.types import Document, Mention, ParsedDocument, Place, Resolution

RAQQA = Place("172955", "Ar Raqqah", 35.95283, 39.00788, "P", "PPLA", "SY", "04", "Ar-Raqqah", 531952, 0.6, 172955)
DAMASCUS = Place("170654", "Damascus", 33.5102, 36.29128, "P", "PPLC", "SY", "13", "Damascus", 1569394, 0.8, 170654)
ALEPPO = Place("170063", "Aleppo", 36.20124, 37.16117, "P", "PPLA", "SY", "09", "Aleppo", 2098210, 0.7, 170063)
SYRIA = Place("163843", "Syria", 35.0, 38.0, "A", "PCLI", "SY", "00", None, 16906283, 0.9, 163843, has_geometry=True)
IRAQ = Place("99237", "Iraq", 33.0, 44.0, "A", "PCLI", "IQ", "00", None, 38433600, 0.9, 99237, has_geometry=True)
EUPHRATES = Place("ne:river:euphrates", "Euphrates", 33.4692, 43.23148, "H", "STM", "IQ", has_geometry=True)


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max((m.end() for m in re.finditer(r"[.!?]\s+", text[:start])), default=0)
    nxt = re.search(r"[.!?](\s|$)", text[end:])
    hi = end + nxt.end() if nxt else len(text)
    return lo, len(text[:hi].rstrip())


def parsed(doc_id: str, text: str, places: list[tuple[str, Place | None]], *, title: str = "",
           path: str | None = None, url: str | None = None, date: str | None = None) -> ParsedDocument:
    """A ParsedDocument whose mentions are the given names (every occurrence) in ``text``."""
    doc = Document(id=doc_id, text=text, title=title, path=path if path is not None else doc_id, url=url, date=date)
    res = []
    for name, place in places:
        for m in re.finditer(re.escape(name), text):
            s, e = _sentence(text, m.start(), m.end())
            res.append(Resolution(Mention(doc_id, name, m.start(), m.end(), "GPE", s, e), place, 0.9,
                                  "gazetteer" if place else None, "test"))
    res.sort(key=lambda r: r.mention.start)
    return ParsedDocument(doc, tuple(res))


def syria_corpus() -> list[ParsedDocument]:
    a = parsed(
        "news/raqqa.txt",
        "Fighting continued near Raqqa on Monday, residents said. The Euphrates river, which runs through "
        "Raqqa, was low after weeks without rain. Officials in Damascus said Syria would respond.",
        [("Raqqa", RAQQA), ("Euphrates", EUPHRATES), ("Damascus", DAMASCUS), ("Syria", SYRIA)],
        title="Battle for Raqqa", url="https://example.org/raqqa", date="2017-06-01",
    )
    b = parsed(
        "news/aid.txt",
        "An aid convoy reached Aleppo on Tuesday. Damascus denied blocking it. Trucks then crossed into Iraq.",
        [("Aleppo", ALEPPO), ("Damascus", DAMASCUS), ("Iraq", IRAQ), ("Tuesday", None)],
        title="Aid convoy reaches Aleppo", date="2017-06-02",
    )
    return [a, b]


# A geocoder answer is untrusted too: its name must stay text in tooltips, popups and search.
HOSTILE_PLACE = Place("geocoder:1", "<img src=x onerror=window.__pwned=12>", 34.2, 40.1, "P", "PPL", "SY")


def hostile_corpus() -> list[ParsedDocument]:
    """Articles whose title, text, URL and file name try to become markup or script."""
    a = parsed(
        "hostile-1",
        'Shelling hit Raqqa <img src=x onerror="window.__pwned=1;alert(1)"> overnight. '
        "</script><script>window.__pwned=2;alert(2)</script> Damascus was quiet.",
        [("Raqqa", RAQQA), ("Damascus", DAMASCUS)],
        title="<script>window.__pwned=3;alert(3)</script>Breaking",
        url="javascript:window.__pwned=4;alert(4)",
        path='evil/"><img src=x onerror=window.__pwned=5>.txt',
        date="<b onmouseover=window.__pwned=6>2017</b>",
    )
    b = parsed(
        "hostile-2",
        "Refugees left Aleppo <svg onload=window.__pwned=7>. They reached Iraq by <a href=javascript:alert(8)>bus</a>.",
        [("Aleppo", ALEPPO), ("Iraq", IRAQ), ("<svg onload=window.__pwned=7>", SYRIA), ("bus", HOSTILE_PLACE)],
        title="<img src=x onerror=window.__pwned=9>",
        url=" JaVaScRiPt:alert(10)",
        path="</script><script>window.__pwned=11</script>.txt",
    )
    return [a, b]


def gazetteer_for_tests():
    """The real gazetteer store (built into the cache dir on first use)."""
    from geo.gazetteer import Gazetteer

    return Gazetteer.open(progress=False)
