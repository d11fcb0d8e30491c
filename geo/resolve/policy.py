"""What the resolver reports for a whole document: headline and body together, lone words checked.

* **Title + body.** Title mentions (``field == "title"``) are resolved together with the body's, so
  that the headline and the story give each other context: one text for the resolver, the body, a
  break no pattern reads across, then the headline; the title mentions keep their own offsets.
* **Lone words.** A one-word name from spaCy's NER that the gazetteer does not know by that name
  ("Hamas" tagged GPE) is reported only when the geocoder places it or a close spelling names a
  major place: extraction is the same with and without a geocoder, and the output differs only
  where a geocoder answers.
* **Sites near their town.** A site the gazetteer does not know, put at the town the text names,
  keeps that pin only when the town is named in the site's own sentence.
* **Teams stay off the map.** A country (or a home nation) that the text shows to be a team -- in a
  match report (the resolver's doubt), by its players and staff ("France's coach", "England's
  bowlers"; ``team_before``: "l'équipe de France", "le sélectionneur du Cameroun"), or beating or losing to another with a score in the sentence ("Brazil beat Argentina
  2-1") -- is reported unplaced, unless a locative names it as the venue ("in Cardiff").
* **Players stay off the map.** A lone word only the gazetteer matcher found (spaCy did not call it a
  place), followed by what a player does ("Kane headed", "Bellingham scored": ``player_verb_after``) in
  a sentence with sports words, is a person: reported unplaced.
* **Brands stay off the map.** A company or brand named like a place (the language's ``brand_names``:
  "Toyota", "Nokia", "Patagonia" the brand) in a sentence of business news is reported unplaced, unless
  a locative names the place ("the plant in Toyota"; not "shares in Toyota") or "the" precedes it.
* **People after a title stay off the map.** A one-word name right after an abbreviated title ("M. Paris",
  "Mr. Washington": the language's ``titles``, capitalised, with a period) is a person: reported unplaced.
"""
from __future__ import annotations

import dataclasses
from typing import Sequence

import re

from ..features import COUNTRY_CODES, HUGE_CODES
from ..gazetteer.names import normalize
from ..gazetteer.store import haversine_km
from ..prominence import well_known
from ..types import Document, Mention, Resolution
from .resolver import ENCLOSED, Resolver

TEAM_DOUBT = "a team in a match report?"  # the resolver's doubt (Resolver._doubt)
TEAM_WHY = "a team, not the place"

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
    out = [r for r in out if not unplaced_lone_word(resolver, r)]
    out = [_unplace_far_site(r, out, resolver, document) for r in out]
    out = [_at_named_town(r, out, resolver, document) for r in out]
    out = [_unplace_far_head(r, out, resolver, document) for r in out]
    out = [_unplace_far_feature(r, out) for r in out]
    out = [dataclasses.replace(r, place=None, score=0.0, source=None, precision=None, alternatives=(),
                               why=f"{TEAM_WHY}; {r.why}") if r.place is not None and _team(resolver, document, r)
           else r for r in out]
    brands = frozenset(r.mention.text.strip() for r in out if r.place is not None and _brand(resolver, document, r))
    return [dataclasses.replace(r, place=None, score=0.0, source=None, precision=None, alternatives=(),
                                why=f"{BRAND_WHY}; {r.why}") if r.place is not None and _brand(resolver, document, r, brands)
            else dataclasses.replace(r, place=None, score=0.0, source=None, precision=None, alternatives=(),
                                     why=f"{ORG_WHY}; {r.why}") if r.place is not None and _org_word(resolver, document, r)
            else dataclasses.replace(r, place=None, score=0.0, source=None, precision=None, alternatives=(),
                                     why=f"{PLAYER_WHY}; {r.why}") if r.place is not None and _player(resolver, document, r)
            else dataclasses.replace(r, place=None, score=0.0, source=None, precision=None, alternatives=(),
                                     why=f"{TITLED_WHY}; {r.why}") if r.place is not None and _titled(resolver, document, r)
            else r for r in out]


TITLED_WHY = "a person named after a title, not the place"
# an abbreviated title right before a name: "M. Paris", "Mr. Clinton", "Dr. Lyon" (short, capitalised, with its period)
_ABBREVIATED_TITLE = re.compile(r"(?<![\w.])([A-Z][a-z]{0,3})\.[ \t]+$")


def _titled(resolver: Resolver, document: Document, r: Resolution) -> bool:
    """A one-word name right after an abbreviated title of the language's ``titles`` ("M. Paris a
    démissionné", "Mr. Washington"): a person. (The gazetteer matcher already skips such names; this is
    for the ones spaCy labels a place.)"""
    m = r.mention
    if " " in m.text.strip():
        return False
    text = document.text if m.field == "text" else document.title
    t = _ABBREVIATED_TITLE.search(text, max(0, m.start - 8), m.start)
    return t is not None and t.group(1).lower() in resolver.lang.titles


PLAYER_WHY = "a player, not the place"


def _player(resolver: Resolver, document: Document, r: Resolution) -> bool:
    """A lone gazetteer-only word doing what a player does, in a sentence with sports words (module doc)."""
    m = r.mention
    if m.label != "GAZ" or " " in m.text.strip() or m.field != "text" or m.sent_end <= m.sent_start:
        return False
    verb, words = resolver.lang.regex("player_verb_after"), resolver.lang.regex("match_words")
    if verb is None or words is None or not verb.match(document.text[m.end:m.end + 40]):
        return False
    sent = document.text[m.sent_start:m.sent_end]
    return len({w.group(0).lower() for w in words.finditer(sent)}) >= 2 or resolver._match_report(document.text)


ORG_WHY = "a word of an organisation's name, not the place"


def _org_word(resolver: Resolver, document: Document, r: Resolution) -> bool:
    """A place name that is only a word of an organisation's name ("Organization of American States",
    "Environment Canada", "Kenya Airways", "Bank of England": the language's ``org_name_before`` /
    ``org_name_after``; a country heading a state agency's name, "U.S. Geological Survey": ``org_country_after``).
    Names such as "University of Nebraska" or "the Texas Forest Service" stay, doubted (the dev corpora count
    them)."""
    before, after = resolver.lang.regex("org_name_before"), resolver.lang.regex("org_name_after")
    agency = resolver.lang.regex("org_country_after")  # a country heading a state agency's name
    m = r.mention
    text = document.text if m.field == "text" else document.title
    return bool((before is not None and before.search(text, max(0, m.start - 80), m.start))
                or (after is not None and after.match(text[m.end:m.end + 20]))
                or (agency is not None and r.place.feature_code in COUNTRY_CODES
                    and agency.match(text[m.end:m.end + 80])))


BRAND_WHY = "a company or a brand, not the place"


def _brand(resolver: Resolver, document: Document, r: Resolution, brands: frozenset = frozenset()) -> bool:
    """Is this a company or a brand named like a place, in business news? (See the module doc.) ``brands``: the
    names the text already shows to be companies (one sense per text, where nothing names the place)."""
    lang = resolver.lang
    names = lang.regex("brand_names")
    before, business, context = (lang.regex(k, re.I) for k in ("brand_before", "business_words", "brand_context"))
    m = r.mention
    if names is None or not names.match(m.text.strip()):
        return False
    text = document.text if m.field == "text" else document.title
    if m.cue or resolver._re.article_before.search(text, max(0, m.start - 5), m.start):
        return False  # "the Patagonia", "the region of Patagonia": the region
    if (resolver._re.locative_before.search(text, max(0, m.start - 14), m.start)
            and not (before is not None and before.search(text, max(0, m.start - 30), m.start))):
        return False  # "the plant in Toyota": the place
    if m.text.strip() in brands:
        return True  # the text calls it a company elsewhere ("Google, Patagonia and Hilton face questions")
    sent = text[m.sent_start:m.sent_end] if m.field == "text" and m.sent_end > m.sent_start else text
    return any(p is not None and p.search(sent) for p in (business, context))


def _unplace_far_site(r: Resolution, out: Sequence[Resolution], resolver: Resolver | None = None,
                      document: Document | None = None) -> Resolution:
    """A site the gazetteer does not know ("Zamzam Camp", "Wembley Stadium") is put at the town the
    text names it in only when that town is named in its own sentence: a town named elsewhere in the
    story may lie far from it (a mountain's base camp, a dam upriver), and no pin beats a far one.
    A site that lies outside towns (the language's ``outlying_site``: "Three Gorges Dam", "Everest Base
    Camp", "Kerem Shalom Crossing") keeps the pin only when the town is named right after it ("the
    Kotri Barrage near Hyderabad"): "the Three Gorges Dam ... threatening Wuhan" is not at Wuhan."""
    m = r.mention
    if m.label != "FAC" or r.place is None or not r.why.startswith(ENCLOSED):
        return r
    outlying = resolver.lang.regex("outlying_site") if resolver is not None and document is not None else None
    if outlying is not None and outlying.search(m.text.strip()):
        text = document.text if m.field == "text" else document.title
        if any(q.place is not None and q.place.id == r.place.id and q.mention.field == m.field and q is not r
               and m.end <= q.mention.start and resolver._re.enclosed_by.match(text, m.end, q.mention.start)
               for q in out):
            return r
    elif any(q.place is not None and q.place.id == r.place.id and q is not r and (
            (q.mention.field == m.field and m.sent_start <= q.mention.start < max(m.sent_end, m.end + 60))
            or normalize(m.text).startswith(normalize(q.mention.text) + " ")) for q in out):
        return r  # (or a site named after its town: "Melbourne Cricket Ground")
    return dataclasses.replace(r, place=None, score=0.0, source=None, precision=None,
                               why="not placed: a site the gazetteer does not know, no town named in its sentence"
                               if outlying is None or not outlying.search(m.text.strip()) else
                               "not placed: a site outside towns the gazetteer does not know, no town named right by it")


FAR_FROM_TOWN_KM = 300.0  # a name placed farther than this from the town the text puts it in or near is not there


def _at_named_town(r: Resolution, out: Sequence[Resolution], resolver: Resolver, document: Document) -> Resolution:
    """A name the text puts in a town ("Lido Beach in Mogadishu": the language's ``town_after``)
    that the gazetteer placed far from that town (a Lido Beach in New York) is a place of that town the
    gazetteer does not know: put at the town, with town precision. Nothing pinned far away."""
    m = r.mention
    after = resolver.lang.regex("town_after")
    if after is None or r.place is None or r.source != "gazetteer" or r.why.startswith(ENCLOSED) \
            or m.label not in NER_LABELS | {"GAZ"}:
        return r
    if r.place.feature_class not in ("P", "S") or r.place.population >= 100_000:
        return r  # (a city of 100,000 is no part of another town; a river or a range "near" a town is long)
    text = document.text if m.field == "text" else document.title
    a = after.match(text[m.end:m.end + 60])
    if a is None:
        return r
    town = next((q for q in out if q.mention.field == m.field and q.mention.start == m.end + a.start(1)
                 and q.place is not None and q.place.feature_class == "P" and q is not r), None)
    if town is None or haversine_km(r.place.lat, r.place.lon, town.place.lat, town.place.lon) <= FAR_FROM_TOWN_KM:
        return r
    return dataclasses.replace(r, place=town.place, score=round(min(town.score, 0.5) * 0.5, 4), source=town.source,
                               precision="town", alternatives=(),
                               why=f"{ENCLOSED} {town.place.name}, named in the text (town precision); "
                                   f"the gazetteer's {r.place.name} lies far from it")


FAR_HEAD_KM = 1000.0  # a place reached through a direction word's head this far from all the text's others is not it


def _unplace_far_head(r: Resolution, out: Sequence[Resolution], resolver: Resolver, document: Document) -> Resolution:
    """A name opened by a direction word the gazetteer does not know whole ("West Midlands", "Western
    Tigray") is placed through its head ("Midlands", "Tigray"), or read without the word; when that place lies far from
    every other place of the text (Zimbabwe's Midlands province in a story about Birmingham) and in none
    of its countries, it is not the region meant: unplaced rather than pinned far away."""
    m = r.mention
    words = m.text.split()
    if r.place is None or not words:
        return r
    if len(words) >= 2 and words[0].lower() in resolver.lang.directions:
        direction = words[0]
    else:  # "West Midlands" read as "Midlands" (a well-known province's name after a direction word)
        text = document.text if m.field == "text" else document.title
        b = re.search(r"([A-Z][a-z]+)[ \t]$", text[max(0, m.start - 14):m.start])
        direction = b.group(1) if b and b.group(1).lower() in resolver.lang.directions else None
    if direction is None or normalize(r.place.name).startswith(normalize(direction)):
        return r
    if r.place.feature_code in HUGE_CODES:
        return r  # "the North Atlantic", "the Southwest Pacific": an ocean or a continent is far from every town
    others = [q.place for q in out if q.place is not None and q is not r and q.mention.text != m.text]
    if not others or any(p.country_code == r.place.country_code for p in others) or any(
            haversine_km(p.lat, p.lon, r.place.lat, r.place.lon) <= FAR_HEAD_KM for p in others):
        return r
    return dataclasses.replace(r, place=None, score=0.0, source=None, precision=None, alternatives=(),
                               why=f"not placed: {r.place.name}, reached through the name's head, lies far from "
                                   f"the text's other places")


FAR_FEATURE_KM = 2000.0  # a lesser physical feature this far from all the text's other places is another one
LESSER_FEATURE = 0.4  # importance below which a physical feature is not known far from home


def _unplace_far_feature(r: Resolution, out: Sequence[Resolution]) -> Resolution:
    """A lesser physical feature (a small river, lake or hill: importance below ``LESSER_FEATURE``) placed far
    from every other place of the text (at least two) and in none of their countries is a namesake of the
    one meant, which the gazetteer lacks ("Litani River" in a story about Lebanon: the gazetteer's Litani
    is in French Guiana): unplaced rather than pinned far away."""
    p = r.place
    if p is None or p.feature_class not in ("H", "T", "L") or p.importance >= LESSER_FEATURE:
        return r
    others = {q.place.id: q.place for q in out if q.place is not None and q.mention.text != r.mention.text}
    if len(others) < 2 or any(o.country_code and o.country_code == p.country_code for o in others.values()) or any(
            haversine_km(o.lat, o.lon, p.lat, p.lon) <= FAR_FEATURE_KM for o in others.values()):
        return r
    return dataclasses.replace(r, place=None, score=0.0, source=None, precision=None, alternatives=(),
                               why=f"not placed: {p.name}, a lesser feature, lies far from the text's other places")


def _team_patterns(resolver: Resolver) -> tuple:
    return tuple(resolver.lang.regex(k) for k in ("team_after", "team_verb_after", "team_verb_before", "match_score",
                                                  "team_before"))


def _team(resolver: Resolver, document: Document, r: Resolution) -> bool:
    """Does the text show that this country (or home nation) is a team, not the place? (See the module doc.)"""
    p, m = r.place, r.mention
    if p.feature_code not in COUNTRY_CODES and p.feature_code != "ADM1":
        return False
    if r.why.startswith(TEAM_DOUBT):
        return True
    text = document.text if m.field == "text" else document.title
    if resolver._re.locative_before.search(text, max(0, m.start - 14), m.start):
        return False  # "the final in France": the venue
    after, verb_after, verb_before, score, before = _team_patterns(resolver)
    if after is not None and after.match(text[m.end:m.end + 60]):
        return True
    if before is not None and before.search(text, max(0, m.start - 60), m.start):
        return True  # "l'équipe de France", "le sélectionneur du Cameroun" (a language that names the team first)
    if score is None:
        return False
    sent = text[m.sent_start:m.sent_end] if m.field == "text" and m.sent_end > m.sent_start else text
    if not score.search(sent):
        return False
    return bool((verb_after is not None and verb_after.match(text[m.end:m.end + 40]))
                or (verb_before is not None and verb_before.search(text[max(0, m.start - 30):m.start])))


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
