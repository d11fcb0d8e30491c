"""Normalisation and loose variants of place names, the way news writes them.

``normalize`` gives the exact-match key: ASCII transliteration (diacritics, other scripts),
case, punctuation, hyphens and apostrophes folded, dotted abbreviations joined ("U.S." -> "us"),
"St."/"Ste."/"Mt."/"Ft." expanded and a leading "The" dropped.

``variant_key`` is a looser key for transliteration variants, mainly of Arabic names:
articles dropped ("al-", "ez-", assimilated "Ezzor"), vowels and doubled letters removed, so
"Deir Ezzor", "Deir ez-Zor", "Dayr az Zawr" and "Deir al-Zour" share one key ("dr zr").
Variant matches are candidates only; their similarity is scored with rapidfuzz afterwards.
"""
from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from anyascii import anyascii

_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bc\u02bb\u02bf\u02be\u00b4]")
_ACRONYM = re.compile(r"(?<![a-z0-9])((?:[a-z]\.)+[a-z](?![a-z0-9])\.?)")  # u.s. / u.s / d.c.
_NON_WORD = re.compile(r"[^a-z0-9]+")

_TOKEN_MAP = {
    "st": "saint",
    "ste": "sainte",
    "mt": "mount",
    "mtn": "mountain",
    "mts": "mountains",
    "ft": "fort",
}


@lru_cache(maxsize=65536)
def normalize(name: str) -> str:
    """The exact-lookup key of a place name ("Deir ez-Zor" -> "deir ez zor", "U.S." -> "us")."""
    if not name:
        return ""
    s = anyascii(name).lower()
    s = s.replace("&", " and ")
    s = _APOSTROPHES.sub("", s)
    s = _ACRONYM.sub(lambda m: m.group(1).replace(".", "") + " ", s)
    s = _NON_WORD.sub(" ", s).strip()
    if not s:
        return ""
    tokens = s.split()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(_TOKEN_MAP.get(t, t) for t in tokens)


# Arabic (and some Persian/Turkish) article forms as separate tokens after normalisation.
_ARTICLES = frozenset("al el il ul ad ed ar er as es ash esh at et az ez an en ath adh ud ut us uz".split())
# Assimilated article glued to the noun: "ezzor", "ar-raqqah" (already split), "assuwayda".
_ASSIMILATED = re.compile(r"^[aeiu](?:l-?)?([tdrszn]|sh|th|dh)\1(?=[a-z]{2,})")
_DIGRAPHS = (("sch", "sh"), ("ph", "f"), ("kh", "k"), ("gh", "g"), ("dh", "d"), ("th", "t"),
             ("dj", "j"), ("q", "k"), ("ck", "k"), ("c", "k"), ("x", "ks"), ("z", "z"))
_VOWELS = re.compile(r"(?<=.)[aeiouyw]+")
_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=262144)  # tokens repeat a lot across names (a build sees ~1M tokens, ~380k distinct)
def _skeleton(token: str) -> str:
    if len(token) > 2 and token.endswith("h") and token[-2] in "aeiou":
        token = token[:-1]
    for a, b in _DIGRAPHS:
        token = token.replace(a, b)
    token = _VOWELS.sub("", token)
    return _DOUBLE.sub(r"\1", token)


@lru_cache(maxsize=65536)
def variant_key(name: str) -> str:
    """A loose key shared by transliteration variants ("Dayr az Zawr" -> "dr zr")."""
    return variant_key_of_key(normalize(name))


def variant_key_of_key(key: str) -> str:
    """``variant_key`` of a name whose ``normalize`` key is already known (saves normalising twice)."""
    tokens = key.split()
    if not tokens:
        return ""
    kept: list[str] = []
    for i, t in enumerate(tokens):
        if t in _ARTICLES and len(tokens) > 1:
            continue
        if i > 0 or len(tokens) == 1:
            m = _ASSIMILATED.match(t)
            if m and i > 0:
                t = t[m.end() - len(m.group(1)):]
        if len(t) > 4 and t.startswith("al") and i > 0 and t[2] not in "aeiouy":
            t = t[2:]  # "Deir Alzour"
        kept.append(t)
    if not kept:
        kept = tokens
    return " ".join(_skeleton(t) for t in kept)


def is_latin(text: str) -> bool:
    """True if every letter of ``text`` is Latin (basic, supplement or extended-A/B)."""
    return all(not ch.isalpha() or ord(ch) <= 0x24F or 0x1E00 <= ord(ch) <= 0x1EFF for ch in text)


@lru_cache(maxsize=1)
def normalizer_version() -> str:
    """A hash of this module's source: the name keys shipped with the data (``keys.tsv.gz``, written by
    gazetteer/derive.py) are used by the store builder only while they were made by this exact code."""
    try:
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    except OSError:  # pragma: no cover - no source file (frozen install): never trust shipped keys
        return "unknown"
