"""Derive gazetteer/data/names_l10n.tsv.gz: names of the shipped places in other languages, with their language.

    python -m gazetteer.derive.l10n [--sources /work/shared/gazetteer-sources] [--langs fr]   # needs the derive extra (wordfreq)

Reads the staged sources (see gazetteer/L10N.md for each one's origin and licence):

- GeoNames localized names from libgeonames (countries by ISO code, first-level divisions by
  ``CC.A1`` code, ~24k cities by geonameid);
- GeoNames alternateNamesV2 rows of countries (neogeonames): only preferred or short names, never
  historic or colloquial ones;
- Unicode CLDR 48.2 territory names (the main locale of each language, not its variants);
- Natural Earth v5 attribute tables: ``name_xx`` of the 50m populated places (by GeoNames id) and of
  the physical features geo ships from Natural Earth v4 (rivers, lakes, seas, regions, points),
  matched on their English name within the same layer (else on the main name of the one physical
  feature of that name: "Mozambique Channel", "Strait of Hormuz");
- derives the bare names of first-level divisions whose localized name has its kind's word first
  ("État libre de Saxe" -> "Saxe"), unless a town of that country, or any other place, has that name or
  it is only a compass point ("Région du Nord"), and the names of regions made of divisions named by a
  compass point from those divisions' localized names ("Darfour du Nord", "Darfour-Occidental"... ->
  "Darfour" for the region Darfur);
- and derives the forms a language puts the feature word first in (``FEATURE_FORMS``: "fleuve Niger",
  "lac Tchad", "province d'Idlib", "région de Gao") from the names of rivers, lakes and first-level
  divisions (main, Latin alternate and localized names).

leaves out one-word names that are common English words (wordfreq, ``MAX_ENGLISH_ZIPF``), and
writes one row per (place id, name, language), also when the shipped gazetteer already gives that
place the name (compared by the store's name key, :func:`geo.gazetteer.names.normalize`): the store
then records that the name is the place's own in that language ("Pékin" is Beijing's French name,
not an alias, for a French document; ``names.l10n``): ``place_id``
(a GeoNames id as text, or geo's own id such as ``ne:river:niger``), ``name``, ``lang`` (ISO 639-1),
``source``; sorted, gzip without a timestamp: the same sources give the same bytes.

The store builder (geo/gazetteer/build.py) adds these names as alternate names when the file is present.
Also writes gazetteer/data/demonyms_l10n.tsv (``word, place_id, lang, source``) from each language's
geo/lang/<code>/demonyms.txt ("syriens SY"), added to the store's demonyms after the curated ones.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import io
import re
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]  # gazetteer/
sys.path.insert(0, str(HERE.parent))

from geo.gazetteer.names import is_latin, normalize  # noqa: E402
from geo.gazetteer.priors import admin_short_names, physical_short_names  # noqa: E402

DEFAULT_SOURCES = Path("/work/shared/gazetteer-sources")
DEFAULT_LANGS = ("fr",)
# A one-word localized name that is also a common English word ("Aïr" -> "air", "Camp", "Bâle" ->
# "bale", "Maurice") would turn English text into places: names at least this frequent in English
# (wordfreq's Zipf scale: 3 = once per million words) are left out.
MAX_ENGLISH_ZIPF = 3.0
FCLASS: dict[str, str] = {}  # place id -> GeoNames feature class (filled by read_places)
# name key -> (the largest population of a place with that name, whether a country has it), filled by
# read_places: a common English word that is already a larger place's name adds no new name to English text
KEY_POP: dict[str, tuple[bool, float]] = {}
POP: dict[str, float] = {}  # place id -> population (filled by read_places)
OUT = HERE / "data" / "names_l10n.tsv.gz"
DEMONYMS_OUT = HERE / "data" / "demonyms_l10n.tsv"
LANG_DIR = HERE.parent / "geo" / "lang"
COUNTRY_CODES = {"PCLI", "PCLD", "PCLF", "PCLS", "PCLIX", "PCL", "TERR", "PCLH"}
# Natural Earth v5 attribute files and the layer of geo's ids ("ne:<layer>:slug") they describe
NE_PHYSICAL = {
    "ne_10m_rivers_lake_centerlines.tsv.gz": "river",
    "ne_10m_lakes.tsv.gz": "lake",
    "ne_10m_geography_marine_polys.tsv.gz": "marine",
    "ne_10m_geography_regions_polys.tsv.gz": "region",
    "ne_10m_geography_regions_points.tsv.gz": "point",
    "ne_10m_geography_regions_elevation_points.tsv.gz": "point",
}


def english_zipf(key: str) -> float:
    from wordfreq import zipf_frequency  # the `derive` extra

    return zipf_frequency(key, "en")


def read_places(data: Path) -> tuple[dict, dict, dict, dict, dict]:
    """From places.tsv.gz: known keys per place id; GeoNames id -> place id; country code -> id;
    (cc, admin1 code) -> id; (NE layer, name key) -> id."""
    keys: dict[str, set[str]] = defaultdict(set)
    by_gid: dict[str, str] = {}
    country: dict[str, tuple[float, str]] = {}
    admin1: dict[tuple[str, str], tuple[float, str]] = {}
    ne: dict[tuple[str, str], str] = {}
    ne_main: set[tuple[str, str]] = set()
    physical: dict[str, set[str]] = {}
    with gzip.open(data / "places.tsv.gz", "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            pid = r["id"]
            FCLASS[pid] = r["feature_class"]
            names = [r["name"], *[a for a in (r["alternate_names"] or "").split("|") if a]]
            keys[pid].update(normalize(n) for n in names)
            pop = float(r["population"] or 0)
            POP[pid] = pop
            big = (r["feature_code"] in COUNTRY_CODES, pop)
            for n in names:
                k = normalize(n)
                if k and big > KEY_POP.get(k, (False, -1.0)):
                    KEY_POP[k] = big
            if r["geonameid"]:
                by_gid[r["geonameid"]] = pid
            if r["feature_code"] in COUNTRY_CODES and r["country_code"]:
                if r["country_code"] not in country or pop > country[r["country_code"]][0]:
                    country[r["country_code"]] = (pop, pid)
            elif r["feature_code"] == "ADM1" and r["country_code"] and r["admin1_code"]:
                k = (r["country_code"], r["admin1_code"])
                if k not in admin1 or pop > admin1[k][0]:
                    admin1[k] = (pop, pid)
            if pid.startswith("ne:"):
                layer = pid.split(":")[1]
                # a feature's main name before another's alternate name ("White Nile" is the White Nile's,
                # not the Albert Nile's, which GeoNames also calls so)
                main = (layer, normalize(r["name"]))
                if main not in ne_main:
                    ne_main.add(main)
                    ne[main] = pid
                for n in names[1:]:
                    ne.setdefault((layer, normalize(n)), pid)
            if r["feature_class"] in ("H", "T", "L"):  # any physical feature by its main name: a fallback
                physical.setdefault(normalize(r["name"]), set()).add(pid)
    for k, pids in physical.items():
        if len(pids) == 1:
            ne.setdefault(("*", k), next(iter(pids)))
    return (keys, by_gid, {k: v[1] for k, v in country.items()}, {k: v[1] for k, v in admin1.items()}, ne)


def _known_already(key: str, pid: str, keys: dict[str, set[str]]) -> bool:
    """A localized name that English text already reads as a place, and no more often with it: one the
    gazetteer gives this very place (Kolkata's "Calcutta", now recorded as its French name), or the name
    of a country or of a place at least as populous ("Mexico", the country, is Mexico City's French name):
    the common-English-word filter has nothing to keep out."""
    if key in keys.get(pid, ()):
        return True
    is_country, pop = KEY_POP.get(key, (False, -1.0))
    return is_country or (pop > 0 and pop >= POP.get(pid, 0.0))


def tsv_rows(path: Path, *, header: bool = True, fieldnames=None):
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE, fieldnames=fieldnames)
        yield from reader


def lower_keys(row: dict) -> dict:
    return {k.lower(): v for k, v in row.items() if k is not None}


def derive(sources: Path, data: Path, langs: tuple[str, ...]) -> list[tuple[str, str, str, str]]:
    keys, by_gid, country, admin1, ne = read_places(data)
    fclass = FCLASS
    out: dict[tuple[str, str, str], str] = {}
    admin1_l10n: dict[tuple[str, str], str] = {}  # (admin1 place id, lang) -> its localized name
    cc_of, towns = country_and_towns(data)

    def add(pid: str | None, name: str, lang: str, source: str) -> None:
        name = " ".join((name or "").split())
        if not pid or not name or lang not in langs or "\t" in name:
            return
        k = normalize(name)
        if not k:
            return  # (a name the gazetteer already gives this place stays: its language is recorded)
        if " " not in k and english_zipf(k) >= MAX_ENGLISH_ZIPF and not _known_already(k, pid, keys):
            return  # (a phrase's estimate is its rarest word's: only single words are tested)
        out.setdefault((pid, name, lang), source)

    # 1. libgeonames (key, kind, locale, name)
    for r in tsv_rows(sources / "geonames_l10n_libgeonames" / "libgeonames_names.tsv.gz"):
        lang = r["locale"].split("_")[0].split("-")[0]
        if r["locale"] != lang:
            continue  # the language's main catalogue only
        if r["kind"] == "country":
            pid = country.get(r["key"])
        elif r["kind"] == "admin1":
            cc, _, a1 = r["key"].partition(".")
            pid = admin1.get((cc, a1))
        else:
            pid = by_gid.get(r["key"])
        add(pid, r["name"], lang, "GeoNames localized names (libgeonames)")
        if r["kind"] == "admin1" and pid and lang in langs:
            admin1_l10n[(pid, lang)] = " ".join(r["name"].split())

    # 2. alternateNamesV2 of countries: preferred or short names only
    cols = ["id", "geonameid", "lang", "name", "preferred", "short", "colloquial", "historic", "from", "to"]
    for r in tsv_rows(sources / "geonames_alternatenames_countries" / "alternateNamesV2_countries.tsv.gz",
                      fieldnames=cols):
        if r["colloquial"] or r["historic"] or not (r["preferred"] or r["short"]):
            continue
        add(by_gid.get(r["geonameid"]), r["name"], r["lang"], "GeoNames alternateNamesV2 (countries)")

    # 3. CLDR territory names (ISO 3166 codes only; the plain form, not "short"/"variant")
    for r in tsv_rows(sources / "cldr_territories" / "cldr48.2_territories.tsv.gz"):
        if r["alt"] or r["locale"] not in langs or not r["territory"].isalpha():
            continue
        add(country.get(r["territory"]), r["name"], r["locale"], "Unicode CLDR 48.2 territory names")

    # 4. Natural Earth v5: populated places by GeoNames id, physical features by English name and layer
    ne_dir = sources / "naturalearth_v5_attributes"
    for r in tsv_rows(ne_dir / "ne_50m_populated_places.tsv.gz"):
        r = lower_keys(r)
        gid = (r.get("geonamesid") or "").split(".")[0]
        pid = by_gid.get(gid)
        for lang in langs:
            add(pid, r.get(f"name_{lang}", ""), lang, "Natural Earth v5 50m populated places")
    for fname, layer in NE_PHYSICAL.items():
        for r in tsv_rows(ne_dir / fname):
            r = lower_keys(r)
            pid = None
            for n in (r.get("name_en"), r.get("name")):
                if n:
                    pid = ne.get((layer, normalize(n))) or ne.get(("*", normalize(n)))
                    if pid:
                        break
            for lang in langs:
                add(pid, r.get(f"name_{lang}", ""), lang, f"Natural Earth v5 {fname.split('.')[0]}")
    # 4b. a first-level division's localized name with the language's kind word first ("État libre de Saxe",
    #     "Oblast de Kherson", "Province du Nord-Kivu") also gives the bare name ("Saxe") -- unless a town of
    #     that country has it (the bare name of "Gouvernorat de Tunis" stays the city's) or it is only a
    #     compass point ("Région du Nord"); and a region whose name is the common part of divisions named by
    #     a compass point ("Darfur": North, South, West... Darfur) takes the common part of their localized
    #     names ("Darfour du Nord", "Darfour-Occidental" -> "Darfour")
    # (a town's localized name counts too: "Municipalité de Pékin" gives no "Pékin", Beijing's)
    town_names = {(cc_of.get(pid), normalize(name)) for (pid, name, _lang) in out if fclass.get(pid) == "P"}
    # (nor a name another place has, in any language: the store's key table is shared by every language, and
    # "Arakan", Rakhine's French bare name, would make the Arakan Mountains' name weigh more in English too)
    owners: dict[str, set[str]] = defaultdict(set)
    for pid, ks in keys.items():
        for k in ks:
            owners[k].add(pid)
    for (pid, name, _lang) in out:
        owners[normalize(name)].add(pid)
    for pid, k in short_keys(data):  # and the short forms the store derives ("Arakan" of the Arakan Mountains)
        owners[k].add(pid)
    for (pid, lang), name in sorted(admin1_l10n.items()):
        forms = FEATURE_FORMS.get(lang, {})
        m = re.fullmatch(forms["admin1_kind_first"], name) if forms.get("admin1_kind_first") else None
        if m and not _compass_only(m.group(1), forms) and (cc_of.get(pid), normalize(m.group(1))) not in towns \
                and (cc_of.get(pid), normalize(m.group(1))) not in town_names \
                and not (owners.get(normalize(m.group(1)), set()) - {pid}):
            add(pid, m.group(1), lang, "derived: the bare name of a division's localized name")
    for pid, lang, core in region_cores(data, admin1_l10n, langs):
        if not (owners.get(normalize(core), set()) - {pid}):
            add(pid, core, lang, "derived: a region's localized name, from its divisions'")

    # 5. the forms a language writes feature names in, where it puts the feature word first ("le fleuve
    #    Niger", "le lac Tchad", "la province d'Idleb"): the extractor widens a mention over such a word
    #    (geo/lang/<code>/name_prefixes.txt) when the gazetteer knows the longer name
    for lang, forms in FEATURE_FORMS.items():
        if lang not in langs:
            continue
        for pid, kind, core, kind_forms in feature_cores(data, out, lang, forms):
            for form in kind_forms:
                name = form.replace("{de}", elided(core, forms["elision"])) if "{de}" in form else form.format(core)
                add(pid, name, lang, f"derived: {kind} name in {lang}")
    # 6. divisions named by a compass point ("North Kordofan" -> "Kordofan-Nord")
    for lang, forms in FEATURE_FORMS.items():
        if lang in langs and forms.get("compass"):
            for pid, core, point in compass_cores(data, forms["compass"]):
                for form in forms["compass_forms"]:
                    add(pid, form.format(core=core, point=point), lang, f"derived: admin1 name in {lang}")
    # a division named after a sea or a river ("Mer Rouge", Egypt's and Sudan's Red Sea provinces) does not
    # get that name in another language: there it would take the sea's place
    # (water only: a state named like its peninsula, "Floride", keeps its name)
    physical = {k for pid, ks in keys.items() if fclass.get(pid) == "H" for k in ks}
    physical |= {normalize(name) for (pid, name, _lang) in out if fclass.get(pid) == "H"}
    return sorted((pid, name, lang, src) for (pid, name, lang), src in out.items()
                  if not (fclass.get(pid) == "A" and (normalize(name) in physical or
                                                      normalize(_bare(name, _ADMIN1_PREFIXES, ())) in physical)))


# The feature words of a language's names, by kind of place; "{}" is the bare name, "{de}" the bare name
# after the elided preposition ("de Gao", "d'Idleb": elided()).
FEATURE_FORMS: dict[str, dict] = {
    "fr": {
        "elision": ("de ", "d'", "aeiouyàâäéèêëîïôöùûüœh"),
        "river": ("fleuve {}", "rivière {}"),
        "lake": ("lac {}",),
        "admin1": ("province {de}", "région {de}", "gouvernorat {de}", "wilaya {de}", "état {de}"),
        # a division named by a compass point: French puts it after or before with a hyphen ("North
        # Kordofan" -> "Kordofan-Nord", "Nord-Kordofan"; "South Kivu" -> "Sud-Kivu")
        "compass": {"north": "Nord", "northern": "Nord", "south": "Sud", "southern": "Sud", "east": "Est",
                    "eastern": "Est", "west": "Ouest", "western": "Ouest", "central": "Centre"},
        "compass_forms": ("{core}-{point}", "{point}-{core}"),
        # a division's localized name with its kind's word first: the bare name in group 1
        "admin1_kind_first": (r"(?:(?:État libre|État|Land|Province|Région(?: autonome)?|Gouvernorat|Wilaya|Oblast|"
                              r"Kraï|Canton|Comté|Département|Préfecture|District(?: autonome)?|Territoire|Émirat|"
                              r"Voïvodie|Raion|Municipalité|Communauté autonome|République(?: autonome)?|Division|"
                              r"Comitat|Gouvernement|Okrug autonome|Paroisse) "
                              r"(?:de la |de l['’]|de |du |des |d['’]))([A-ZÀ-Ý].+)"),
        # a division named by a compass point, in the language: the other part in group 1 ("Darfour du Nord",
        # "Darfour-Occidental", "Nord-Kivu", "Kordofan-Sud")
        "compass_part": (r"(.+?)(?:(?:-| du | de l['’]|-du-|-de-l['’])(?:Nord|Sud|Est|Ouest|Centre)"
                         r"(?:-(?:Est|Ouest))?|-(?:Occidental|Oriental|Central|Septentrional|Méridional)e?)"
                         r"|(?:Nord|Sud|Est|Ouest|Centre)(?:-(?:Est|Ouest))?-(.+)"),
        "compass_words": ("nord", "sud", "est", "ouest", "centre", "extreme", "extrême"),
        # airports: the English name's bare part (group 1) -> the French forms ("l'aéroport Toussaint-Louverture",
        # "l'aéroport international de La Tontouta")
        "airport": ((r"(.+?) (?:International )?Airport", ("aéroport {}", "aéroport {de}", "aéroport international {}",
                                                            "aéroport international {de}")),),
        # English names of physical features (regex on the name, its bare part in group 1) -> forms
        "physical": (
            (r"Straits? of (.+)", ("détroit {de}",)),
            (r"Gulf of (.+)", ("golfe {de}",)),
            (r"Bay of (.+)", ("baie {de}",)),
            (r"Mount (.+)", ("mont {}",)),
            (r"(.+) Mountains", ("monts {}",)),
            (r"Cape (.+)", ("cap {}",)),
            (r"(.+) Islands", ("îles {}",)),
            (r"(.+) Island", ("île {de}",)),
            (r"(.+) Peninsula", ("péninsule {de}",)),
            (r"(.+) Plateau", ("plateau {de}",)),
        ),
    },
}
# the words that make an English or local name a lake's or an admin1's, removed to get the bare name
_LAKE_WORDS = ("lake ", "lac ", "lago ", "lough ", "loch ", "lakes ")
_LAKE_SUFFIXES = (" lake", " lakes", " hu", " nuur", " köl", " gölü", " see")
_ADMIN1_SUFFIXES = (" governorate", " province", " region", " state", " oblast", " department", " prefecture",
                    " wilaya", " district", " county", " territory", " division", " muhafazah")
_ADMIN1_PREFIXES = ("province de ", "province d'", "province du ", "région de ", "région d'", "région du ",
                    "gouvernorat de ", "gouvernorat d'", "wilaya de ", "wilaya d'", "état de ", "état d'",
                    "muhafazat ", "wilayat ")


def elided(core: str, rule: tuple[str, str, str]) -> str:
    plain, before_vowel, vowels = rule
    return (before_vowel if core[:1].lower() in vowels else plain) + core


def _bare(name: str, prefixes: tuple[str, ...], suffixes: tuple[str, ...]) -> str:
    low = name.lower()
    for p in prefixes:
        if low.startswith(p):
            return name[len(p):].strip()
    for x in suffixes:
        if low.endswith(x):
            return name[:-len(x)].strip()
    return name.strip()


def feature_cores(data: Path, l10n: dict, lang: str, forms: dict):
    """(place id, kind, bare name, its forms) for rivers and lakes from Natural Earth and first-level
    divisions (the main name, Latin alternate names of at most three words, and the language's own
    names), and for physical features whose English names match ``forms["physical"]``."""
    physical_patterns = forms.get("physical", ())
    own: dict[str, list[str]] = defaultdict(list)
    for (pid, name, lg) in l10n:
        if lg == lang:
            own[pid].append(name)
    # a division named after its capital is written with the capital's spellings too ("la province d'Idleb",
    # Idlib): the feature-word forms only -- the store derives no bare name from a localized form, so
    # "Idleb" alone stays the city's
    capital_alts: dict[tuple[str, str, str], list[str]] = {}
    # an island that is a country or a territory ("La Réunion", "Chypre") is named as the country: no "île de X"
    countries: set[str] = set()
    with gzip.open(data / "places.tsv.gz", "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if r["feature_code"] in COUNTRY_CODES:
                countries.update(normalize(n) for n in [r["name"], *(r["alternate_names"] or "").split("|")] if n)
                countries.update(normalize(n) for n in own.get(r["id"], ()))  # and its names in the language
            if r["feature_code"] == "PPLA" and r["alternate_names"]:
                capital_alts[(r["country_code"], r["admin1_code"], normalize(r["name"]))] = \
                    r["alternate_names"].split("|")
    with gzip.open(data / "places.tsv.gz", "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            pid, code = r["id"], r["feature_code"]
            if pid.startswith("ne:river:"):
                kind, pre, suf = "river", ("river ", "rio ", "río ", "fleuve ", "rivière "), (" river",)
            elif pid.startswith("ne:lake:"):
                kind, pre, suf = "lake", _LAKE_WORDS, _LAKE_SUFFIXES
            elif code == "ADM1":
                kind, pre, suf = "admin1", _ADMIN1_PREFIXES, _ADMIN1_SUFFIXES
            elif (r["feature_class"] in ("H", "T") and physical_patterns) or (code == "AIRP" and forms.get("airport")):
                patterns = physical_patterns if code != "AIRP" else forms["airport"]
                done = set()
                for n in [r["name"], *[a for a in (r["alternate_names"] or "").split("|") if a]]:
                    for rx, kind_forms in patterns:
                        m = re.fullmatch(rx, n) if is_latin(n) else None
                        if m and m.group(1)[:1].isupper() and (m.group(1), rx) not in done \
                                and normalize(m.group(1)) not in countries:
                            done.add((m.group(1), rx))
                            yield pid, "physical" if code != "AIRP" else "airport", m.group(1), kind_forms
                continue
            else:
                continue
            names = [r["name"], *[a for a in (r["alternate_names"] or "").split("|") if a], *own.get(pid, ())]
            if kind == "admin1":
                names += capital_alts.get((r["country_code"], r["admin1_code"], normalize(_bare(r["name"], pre, suf))), [])

            seen = set()
            for n in names:
                if not is_latin(n) or len(n.split()) > 3 or "." in n:
                    continue
                core = _bare(n, pre, suf)
                k = normalize(core)
                if core and k not in seen and core[:1].isupper():
                    seen.add(k)
                    yield pid, kind, core, forms.get(kind, ())


_COMPASS_NAME = re.compile(r"(\w+) ([A-Z][\w'-]+(?: [A-Z][\w'-]+)?)")


def compass_cores(data: Path, points: dict[str, str]):
    """(place id, bare name, the language's compass word) of first-level divisions whose main or Latin
    alternate name is a compass point and a name ("North Kordofan", "South Darfur State")."""
    with gzip.open(data / "places.tsv.gz", "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if r["feature_code"] != "ADM1":
                continue
            seen = set()
            for n in [r["name"], *[a for a in (r["alternate_names"] or "").split("|") if a]]:
                m = _COMPASS_NAME.fullmatch(_bare(n, _ADMIN1_PREFIXES, _ADMIN1_SUFFIXES)) if is_latin(n) else None
                if m and m.group(1).lower() in points and (m.group(2), m.group(1).lower()) not in seen:
                    seen.add((m.group(2), m.group(1).lower()))
                    yield r["id"], m.group(2), points[m.group(1).lower()]


def _compass_only(name: str, forms: dict) -> bool:
    """Is ``name`` only compass words ("Nord", "Sud-Ouest", "Extrême-Nord")?"""
    words = forms.get("compass_words", ())
    return all(w in words for w in re.split(r"[\s'’-]+", normalize(name).replace(" ", "-")) if w)


def country_and_towns(data: Path) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """Place id -> country code, and the (country code, name key) of every populated place's main name."""
    cc_of: dict[str, str] = {}
    towns: set[tuple[str, str]] = set()
    with gzip.open(data / "places.tsv.gz", "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            cc_of[r["id"]] = r["country_code"]
            if r["feature_class"] == "P":
                towns.add((r["country_code"], normalize(r["name"])))
    return cc_of, towns


def short_keys(data: Path):
    """(place id, key) of the short forms the store derives from divisions' and physical features' names
    (geo/gazetteer/fill.py: "Deir ez-Zor" of "Deir ez-Zor Governorate", "Arakan" of "Arakan Mountains")."""
    with gzip.open(data / "places.tsv.gz", "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            for n in [r["name"], *[a for a in (r["alternate_names"] or "").split("|") if a]]:
                if r["feature_class"] == "A" and r["feature_code"] in ("ADM1", "ADM2", "ADM3"):
                    shorts = admin_short_names(n, normalize(n))
                elif r["feature_class"] in ("T", "H"):
                    shorts = physical_short_names(r["feature_code"], n, normalize(n))
                else:
                    continue
                for k in shorts:
                    yield r["id"], k


def region_cores(data: Path, admin1_l10n: dict[tuple[str, str], str], langs: tuple[str, ...]):
    """(place id, lang, localized name) of regions (feature class L or A, not a first-level division) whose
    main name is the part of two or more first-level divisions' English names besides a compass point
    ("Darfur": "North Darfur", "West Darfur"...), when those divisions' localized names, their compass part
    removed, agree ("Darfour du Nord", "Darfour-Occidental" -> "Darfour")."""
    members: dict[tuple[str, str], list[str]] = defaultdict(list)  # (cc, English core key) -> admin1 ids
    regions: dict[tuple[str, str], list[str]] = defaultdict(list)
    with gzip.open(data / "places.tsv.gz", "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if r["feature_code"] == "ADM1":
                m = _COMPASS_NAME.fullmatch(_bare(r["name"], _ADMIN1_PREFIXES, _ADMIN1_SUFFIXES))
                if m and m.group(1).lower() in FEATURE_FORMS["fr"]["compass"]:
                    members[(r["country_code"], normalize(m.group(2)))].append(r["id"])
            elif r["feature_class"] in ("L", "A"):
                regions[(r["country_code"], normalize(r["name"]))].append(r["id"])
    for (cc, core), ids in sorted(members.items()):
        if len(ids) < 2 or (cc, core) not in regions:
            continue
        for lang in langs:
            rx = FEATURE_FORMS.get(lang, {}).get("compass_part")
            if not rx:
                continue
            parts = set()
            for pid in ids:
                name = admin1_l10n.get((pid, lang))
                m = re.fullmatch(rx, name) if name else None
                if name and not m:
                    parts.add(None)  # a division named otherwise in the language: no common part
                elif m:
                    parts.add((m.group(1) or m.group(2)).strip())
            if len(parts) == 1 and None not in parts and sum(1 for pid in ids if (pid, lang) in admin1_l10n) >= 2:
                for pid in regions[(cc, core)]:
                    yield pid, lang, next(iter(parts))


def write(rows: list[tuple[str, str, str, str]], path: Path) -> None:
    buf = io.StringIO()
    buf.write("place_id\tname\tlang\tsource\n")
    for row in rows:
        buf.write("\t".join(row) + "\n")
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as f:
        f.write(buf.getvalue().encode("utf-8"))


def derive_demonyms(data: Path, langs: tuple[str, ...]) -> list[tuple[str, str, str, str]]:
    """(word, place id, lang, source) from geo/lang/<code>/demonyms.txt (``word CC``): the country itself."""
    from geo.lang import parse_table

    _keys, _gid, country, _a1, _ne = read_places(data)
    rows = []
    for lang in langs:
        path = LANG_DIR / lang / "demonyms.txt"
        if not path.is_file():
            continue
        for word, cc in parse_table(path.read_text(encoding="utf-8"), where=str(path)).items():
            if cc not in country:
                raise SystemExit(f"{path}: {word!r}: no country {cc!r} in the gazetteer")
            rows.append((word, country[cc], lang, f"geo/lang/{lang}/demonyms.txt"))
    return sorted(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sources", type=Path, default=DEFAULT_SOURCES)
    ap.add_argument("--data", type=Path, default=HERE / "data", help="the shipped gazetteer data (places.tsv.gz)")
    ap.add_argument("--langs", default=",".join(DEFAULT_LANGS))
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args(argv)
    rows = derive(a.sources, a.data, tuple(x.strip() for x in a.langs.split(",") if x.strip()))
    write(rows, a.out)
    dem = derive_demonyms(a.data, tuple(x.strip() for x in a.langs.split(",") if x.strip()))
    with open(DEMONYMS_OUT, "w", encoding="utf-8", newline="") as f:
        f.write("word\tplace_id\tlang\tsource\n")
        f.writelines("\t".join(r) + "\n" for r in dem)
    print(f"{DEMONYMS_OUT}: {len(dem)} demonyms")
    per = defaultdict(int)
    for r in rows:
        per[r[2]] += 1
    print(f"{a.out}: {len(rows)} names ({', '.join(f'{k} {v}' for k, v in sorted(per.items()))}), "
          f"{a.out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
