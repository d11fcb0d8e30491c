"""Text generators and sample articles shared by the property and determinism tests (issue 5).

``any_text()`` mixes random Unicode with news-like text built from place names, datelines, cue words,
punctuation, newlines, combining marks, right-to-left text, emoji, NUL and other control characters,
and very long tokens; ``ARTICLES_A`` / ``ARTICLES_B`` are small fixed corpora for the end-to-end tests.
"""
from __future__ import annotations

import json
from pathlib import Path

from hypothesis import strategies as st

# Documented output keys (issue 5): a JSONL line is one document, its mentions resolved.
DOC_KEYS = {"doc", "title", "mentions"}
MENTION_KEYS = {"text", "start", "end", "label", "name", "lat", "lon", "feature_class", "feature_code",
                "country_code", "admin1", "geonameid", "score", "source"}
LABELS = {"GPE", "LOC", "FAC", "DATELINE", "GAZ", "DEMONYM", "STREET", "NEIGHBOURHOOD"}

PLACES = [
    "Aleppo", "Syria", "Deir Ezzor", "Deir ez-Zor", "Euphrates", "Washington", "New York", "Moscow", "Russia",
    "Oslo", "Tirana", "Beirut", "Lebanon", "Alexandria", "Georgia", "Paris", "Texas", "Ohio", "Dublin",
    "U.S.", "US", "UK", "D.C.", "Ga.", "Gainesville", "Homs", "Raqqa", "Damascus", "Springfield", "Jordan",
    "São Paulo", "Zürich", "Kraków", "Ḥalab", "Đà Nẵng", "Reykjavík", "Côte d'Ivoire",
    "دمشق", "حلب", "ירושלים", "Москва", "Київ", "東京", "北京", "서울", "Αθήνα", "मुंबई",
]
CUED = ["the {} River", "province of {}", "{} County", "the city of {}", "{} Province", "Lake {}", "North {}",
        "{}, Syria", "{}, Ga.", "{} in Syria", "{}'s", "{}’s", "Mr. {}", "{} virus", "{} Street",
        "the {} Forest Service"]
DATELINES = ["BEIRUT (Reuters) -", "WASHINGTON, D.C. —", "OSLO -", "DAMASCUS:", "Aleppo, Syria --",
             "NEW YORK (AP) –", "GAINESVILLE, Ga. -", "ALEPPO, Syria (AFP) — ", "  TIRANA -", "SÃO PAULO -"]
DEMONYMS = ["Syrian", "Russian", "American", "Lebanese", "Norwegian"]
JUNK = [
    "\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\x85", "\x9b",  # NUL and control characters
    "\u0301", "\u0308\u0308\u0308", "\u0327", "\u20dd",  # combining marks
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",  # zero-width characters, BOM
    "\u200e", "\u200f", "\u202a", "\u202b", "\u202e", "\u2066", "\u2069",  # bidi controls
    "\u2028", "\u2029", "\r\n", "\r", "\n", "\n\n", "\t", " ", "  ", "\u00a0", "\u3000",  # separators
    "😀", "🇸🇾", "👩‍👩‍👧", "\U0001F3F4\U000E0067\U000E0062\U000E007F", "🏳️‍🌈",  # emoji, flags, ZWJ sequences
    "﷽", "ﬁ", "ﬀ", "Å", "İ", "ı", "ß", "ẞ", "ǅ", "Ⅻ", "①", "\ufffd", "\uffff", "\U0010ffff", "\ue000",
    ".", ",", "!", "?", ";", ":", "-", "--", "—", "–", "(", ")", "[", "]", '"', "'", "’", "‘", "“", "”", "…",
    "'s", "’s", "<script>", "</script>", "&amp;", "\\", "{", "}",
]


def _cased(s: str, how: int) -> str:
    return (s, s.upper(), s.lower(), s.title(), s.swapcase())[how]


_place = st.sampled_from(PLACES)
_pieces = st.one_of(
    _place,
    st.builds(_cased, _place, st.integers(0, 4)),
    st.builds(str.format, st.sampled_from(CUED), _place),
    st.sampled_from(DATELINES),
    st.sampled_from(DEMONYMS),
    st.sampled_from(JUNK),
    st.builds(lambda p, j: p + j, _place, st.sampled_from(JUNK)),  # "Aleppo\u0301", "Syria\x00"
    st.builds(lambda j, p: j + p, st.sampled_from(JUNK), _place),
    st.text(max_size=12),
    st.text(alphabet=st.characters(categories=["Lu", "Ll", "Lo", "Mn", "Nd"]), max_size=20),
    # very long tokens: letters, a place name repeated, digits
    st.builds(lambda c, n: c * n, st.sampled_from(["A", "a", "é", "\u0301", "9", "-", "ن"]), st.integers(100, 5000)),
    st.builds(lambda p, n: p * n, _place, st.integers(2, 300)),
)


@st.composite
def news_text(draw) -> str:
    """News-like text: an optional dateline, then words, places and junk joined by spaces or nothing."""
    head = draw(st.sampled_from(["", ""] + DATELINES))
    parts = draw(st.lists(_pieces, max_size=40))
    seps = draw(st.lists(st.sampled_from([" ", " ", "", "\n", ", ", ". ", "\n\n"]), min_size=len(parts),
                         max_size=len(parts)))
    return head + " " + "".join(p + s for p, s in zip(parts, seps)) if head else "".join(
        p + s for p, s in zip(parts, seps))


def any_text() -> st.SearchStrategy[str]:
    """Any Unicode text (no lone surrogates: those are not Unicode text), biased towards hostile news text."""
    return st.one_of(
        st.text(),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
        news_text(),
        st.lists(st.sampled_from(PLACES + DATELINES + DEMONYMS + [" ", "\n", ". ", ", "]), max_size=30).map(" ".join),
    )


# -- fixed corpora for the end-to-end (CLI) tests -------------------------------------------------------

ARTICLES_A = {
    "aleppo.txt": "Aid reaches Aleppo\n\nALEPPO, Syria (Reuters) - An aid convoy reached Aleppo on Tuesday. "
                  "Officials in Damascus denied blocking it; the Syrian Red Crescent said Homs was next.\n",
    "euphrates.md": "# Fighting near the Euphrates\n\nFighting continued near Deir Ezzor, east of the Euphrates "
                    "River, while Russian jets struck Raqqa province.\n",
    "alexandria.html": "<html><head><title>Arson in Alexandria</title></head><body><p>ALEXANDRIA, La. - A woman "
                       "from Alexandria was charged. Rapides Parish deputies and police in Pineville, "
                       "Louisiana, investigated.</p><script>var x = 'Paris';</script></body></html>",
    "hostile.txt": "\ufeff\u202eBEIRUT\u202c (AFP) \u2014 Syria\u0301 and Lebanon\x00 talks in Beirut; "
                   "\U0001F1F8\U0001F1FE \u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd \u062f\u0645\u0634\u0642 "
                   "\u2028Washington, D.C. \x1b[31mNew York\x1b[0m " + "A" * 3000 + " Moscow.\n",
}
ARTICLES_B = {
    "georgia.txt": "Storm hits Georgia\n\nGAINESVILLE, Ga. - Heavy rain flooded Gainesville and Atlanta, Georgia, "
                   "on Monday. Lake Lanier rose two feet; Tbilisi was not affected.\n",
    "articles.jsonl": "\n".join(json.dumps(a, ensure_ascii=False) for a in [
        {"title": "Springfield", "text": "SPRINGFIELD, Ill. - Lawmakers in Springfield, Illinois, met Chicago "
                                         "officials.", "url": "https://example.org/a", "date": "2024-01-02"},
        {"title": "Paris", "text": "Paris, Texas, is not Paris, France. Dallas is nearby.",
         "url": "javascript:alert(1)"},
        {"title": "\u0645\u0635\u0631", "text": "CAIRO - Egypt and Sudan discussed the Nile in Khartoum."},
    ]) + "\n",
    "oslo.json": json.dumps({"title": "Oslo talks", "text": "OSLO - Norway hosted talks; Tirana and Moscow "
                                                            "sent envoys to Oslo."}),
}


def write_corpus(folder: Path, articles: dict[str, str]) -> Path:
    """Write ``articles`` (name -> content) as UTF-8 files into ``folder``; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in articles.items():
        (folder / name).write_text(content, encoding="utf-8", newline="")
    return folder
