"""Article dates (issue 12 item 1, document side): found where the article states them, normalised to ISO 8601.

Sources, first found wins:

* JSON / JSON Lines: the ``date`` (or ``published``, ``datetime``) field;
* HTML: ``<meta property="article:published_time">`` (and ``og:published_time``,
  ``name="date"``, ``name="pubdate"``, ``itemprop="datePublished"``...), then the first
  ``<time datetime="...">``;
* Markdown / text: a ``date:`` line in YAML front matter;
* otherwise a dateline at the top of the text: ``"OSLO, April 12, 2024 (Reuters) -"`` or
  ``"OSLO, 12 April (Reuters) -"``. A dateline without a year takes the year of a reference date
  (the file's modification time), the year before when that would put it in the future; raw text
  has no reference date, so there a dateline needs its year.

Normalised with python-dateutil: a date alone becomes ``YYYY-MM-DD``; a date with a time of day
becomes a full timestamp (``YYYY-MM-DDTHH:MM:SS`` plus the offset when one is given). A value that
does not parse as a date is dropped (JSON/JSONL values that do not parse are kept as given).
"""
from __future__ import annotations

import datetime as _dt
import re

__all__ = ["normalise_date", "html_date", "front_matter_date", "dateline_date"]

_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")
_NUMERIC = re.compile(r"^\d{8}$")


def normalise_date(value: object) -> str | None:
    """``value`` as ISO 8601 (``YYYY-MM-DD`` or a full timestamp), or None when it is not a date."""
    from dateutil import parser

    if value is None:
        return None
    s = " ".join(str(value).split())
    if not s or len(s) > 100 or not re.search(r"\d", s):
        return None
    if re.fullmatch(r"\d{4}", s):  # a bare year is not a date
        return None
    try:
        if _NUMERIC.match(s):
            d = _dt.datetime.strptime(s, "%Y%m%d")
        else:
            d = parser.isoparse(s) if re.match(r"^\d{4}-\d{2}", s) else None
    except ValueError:
        d = None
    if d is None:
        try:  # parsed twice with different defaults: a field taken from the default is missing
            d = parser.parse(s, default=_dt.datetime(1904, 1, 1))
            d2 = parser.parse(s, default=_dt.datetime(1908, 2, 2))
        except (ValueError, OverflowError, parser.ParserError):
            return None
        if (d.year, d.month, d.day) != (d2.year, d2.month, d2.day):
            return None  # no year, month or day: not a date
    if not (1800 <= d.year <= 2200):
        return None
    if _HAS_TIME.search(s) or (d.hour, d.minute, d.second) != (0, 0, 0):
        return d.isoformat()
    return d.date().isoformat()


# -- HTML ----------------------------------------------------------------------------------------------

_META_KEYS = (
    "article:published_time", "og:published_time", "og:article:published_time", "datepublished",
    "date", "dc.date", "dc.date.issued", "dcterms.date", "dcterms.created", "pubdate", "publishdate",
    "publish-date", "sailthru.date", "parsely-pub-date", "article.published",
)


def html_date(soup) -> str | None:
    """The publication date a parsed page declares (meta tags first, then ``<time datetime>``)."""
    found: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = meta.get("content")
        if key in _META_KEYS and content and key not in found:
            found[key] = content
    for key in _META_KEYS:
        if key in found:
            d = normalise_date(found[key])
            if d:
                return d
    for tag in soup.find_all(attrs={"itemprop": "datePublished"}):
        d = normalise_date(tag.get("datetime") or tag.get("content") or tag.get_text(" "))
        if d:
            return d
    for tag in soup.find_all("time"):
        d = normalise_date(tag.get("datetime"))
        if d:
            return d
    return None


# -- front matter and datelines ------------------------------------------------------------------------

_FRONT_DATE = re.compile(r"^(?:date|published|pubdate):[ \t]*(.+?)[ \t]*$", re.M | re.I)


def front_matter_date(front: str) -> str | None:
    """The ``date:`` of YAML front matter (its body, without the ``---`` lines)."""
    m = _FRONT_DATE.search(front)
    return normalise_date(m.group(1).strip().strip("\"'")) if m else None


_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
# French months (AFP: "BAMAKO, 12 mars 2024 (AFP) -", "Paris, 1er janvier (AFP) -"), abbreviated or not
_FR_MONTHS = {"janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "mars": 3, "avril": 4,
              "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9,
              "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "décembre": 12, "decembre": 12,
              "déc": 12, "dec": 12}
_MONTHS_FR = r"(?:" + "|".join(sorted(map(re.escape, _FR_MONTHS), key=lambda w: (-len(w), w))) + r")\.?"
_DAYS_FR = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_FR_DATE = re.compile(r"(?P<day>\d{1,2})(?:er)?[ \t]+(?P<month>" + _MONTHS_FR + r")(?:[ \t]+(?P<year>\d{4}))?",
                      re.I)
# "OSLO, April 12 (Reuters) -", "KYIV, Ukraine, 12 April 2024 (AP) --", "Paris, Jan. 3, 2023 /PRNewswire/ --",
# "BAMAKO, 12 mars 2024 (AFP) -"
_DATELINE = re.compile(
    r"^[ \t]*[A-Z\u00C0-\u00DD][\w.'\u2019-]*(?:[ \t]+[A-Z\u00C0-\u00DD][\w.'\u2019-]*){0,3}"
    r"(?:,[ \t]*[A-Z][\w.'\u2019 -]{1,30}?)?,[ \t]*"
    r"(?P<date>(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?[ \t]+)?"
    r"(?:" + _MONTHS + r"[ \t]+\d{1,2}(?:st|nd|rd|th)?|\d{1,2}[ \t]+" + _MONTHS + r")(?:,?[ \t]+(?P<year>\d{4}))?"
    r"|(?:" + _DAYS_FR + r"[ \t]+)?\d{1,2}(?:er)?[ \t]+" + _MONTHS_FR + r"(?:[ \t]+\d{4})?)"
    r"[ \t]*(?:\([^)\n]{1,40}\)|/[^/\n]{1,40}/)?[ \t]*(?:-|--|\u2013|\u2014|:)",
    re.M,
)


def _french_date(raw: str, reference: _dt.datetime | None) -> str | None:
    """"12 mars 2024" (or "12 mars", in the year of ``reference`` not after it) as ISO, else None."""
    m = _FR_DATE.search(raw)
    if not m:
        return None
    month = _FR_MONTHS[m.group("month").lower().rstrip(".")]
    day = int(m.group("day"))
    years = [int(m.group("year"))] if m.group("year") else \
        ([reference.year, reference.year - 1] if reference is not None else [])
    for year in years:
        try:
            d = _dt.date(year, month, day)
        except ValueError:
            return None
        if m.group("year") or reference is None or d <= reference.date():
            return d.isoformat() if 1800 <= d.year <= 2200 else None
    return None


def dateline_date(text: str, *, reference: _dt.datetime | None = None, head: int = 600) -> str | None:
    """The date of a dateline in the first lines of ``text`` (see the module's docstring for the year)."""
    m = _DATELINE.search(text[:head])
    if not m:
        return None
    raw = m.group("date")
    if _FR_DATE.search(raw):
        return _french_date(raw, reference)
    if m.group("year"):
        return normalise_date(raw)
    if reference is None:
        return None
    d = normalise_date(f"{raw} {reference.year}")
    if d and d > reference.date().isoformat():
        d = normalise_date(f"{raw} {reference.year - 1}")
    return d
