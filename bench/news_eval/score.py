"""Score geo on a held-out news evaluation set (its articles/ + gold.jsonl), in any language.

    PYTHONPATH=. python bench/news_eval/score.py            # the per-kind table (English: bench/news_eval/)
    PYTHONPATH=. python bench/news_eval/score.py --json     # the same as JSON
    PYTHONPATH=. python bench/news_eval/score.py --failures # and every wrong, missed or mapped mention
    PYTHONPATH=. python bench/news_eval/score.py --lang fr  # the French set (bench/news_eval_fr/), lang="fr"
    PYTHONPATH=. python bench/news_eval/score.py --lang fr --read-as auto   # each article in its detected language
    PYTHONPATH=. python bench/news_eval/score.py --lang fr --model fr_core_news_sm   # another pipeline

One scorer for every language: ``--lang`` picks the set (build_set.SETS) and the language geo reads it in
(``--read-as`` to read it otherwise); the rules below are the same for every set.

Runs the default offline pipeline through the Python API (``geo.parse_many`` on the articles folder, as
``geo extract ... --offline`` does). Each gold mention is located in the text geo read (after the HTML
headline, for pages; the JSON title field is not text), and matched to the resolutions of body mentions
that overlap it (the one with the largest overlap wins; title mentions are not scored).

A place is *right* when the pinned place (its point, or for physical features drawn as lines or areas its
outline: a river anywhere along its course) is within the gold radius of the gold point and of the gold kind:
a country must be the country itself (feature code PCL*/TERR with the gold ISO code), a physical feature
must not be a populated place or an administrative unit (GeoNames class P or A), a province must not be a
populated place or a country. It is *wrong* when something else is pinned, *missed* when nothing is
(including a mention extracted but left unplaced). A non-place is *mapped* when any overlapping mention
is pinned.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_set import SETS, occurrences  # noqa: E402

PLACE_KINDS = ("city", "country", "province", "physical", "local")
COUNTRY_CODES = {"PCLI", "PCLS", "PCLF", "PCLD", "PCL", "PCLIX", "TERR", "PCLH"}


def load_gold(path: Path) -> dict[tuple[str, int], list[dict]]:
    out: dict[tuple[str, int], list[dict]] = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                out[(r["doc"], r.get("line", 0))].append(r)
    return out


def body_offset(doc_text: str, raw_path: Path, line: int, source: Path) -> int:
    """Where the article body starts in the text geo read (0 except for HTML pages, after the <h1>);
    ``source``: the set's source.txt."""
    if raw_path.suffix != ".html":
        return 0
    from build_set import parse_source

    for a in parse_source(source):
        if a["file"] == raw_path.name:
            first = a["body"].split("\n", 1)[0][:60]
            i = doc_text.find(first)
            if i < 0:
                raise SystemExit(f"{raw_path}: body not found in the text geo read")
            return i
    raise SystemExit(f"{raw_path}: not in source.txt")


def right(g: dict, place) -> tuple[bool, float | None]:
    from geo.gazetteer.store import haversine_km

    d = haversine_km(g["lat"], g["lon"], place.lat, place.lon) if "lat" in g else None
    if g["kind"] == "country":
        ok = place.feature_code in COUNTRY_CODES and (place.country_code or "") == g["cc"]
        if not ok:  # the gazetteer's own entry for the country (e.g. one held as an ADM1)
            import geo

            c = geo.default_pipeline().gazetteer.country(g["cc"])
            ok = c is not None and c.id == place.id
        return ok, d
    ok = d is not None and d <= g["km"]
    # a physical feature drawn as a line or an area (a river, lake, sea, desert): its outline counts; not for
    # provinces, where it would accept the enclosing region ("Tigray" for "Western Tigray")
    if not ok and d is not None and g["kind"] == "physical" and place.has_geometry:
        import geo
        from shapely.geometry import Point
        from shapely.ops import nearest_points

        geom = geo.default_pipeline().gazetteer.geometry(place.id)
        if geom is not None:
            q = nearest_points(geom, Point(g["lon"], g["lat"]))[0]
            d = min(d, haversine_km(g["lat"], g["lon"], q.y, q.x))
            ok = d <= g["km"]
    if g["kind"] == "physical" and place.feature_class in ("P", "A"):
        ok = False
    if g["kind"] == "province" and (place.feature_class == "P" or place.feature_code in COUNTRY_CODES):
        ok = False
    return ok, d


def cause(g: dict, row: dict) -> str:
    """Why a mention failed, as far as the data tells: which part of geo has to change."""
    import geo

    if g["kind"] == "non-place":
        return "non-place filter" + (" (a place word cut from a longer name)" if row.get("span") != g["surface"] else "")
    cut = row.get("span") and row["span"] != g["surface"]
    gaz = geo.default_pipeline().gazetteer
    known = any(right(g, c.place)[0] for c in gaz.lookup(g["surface"], limit=50, fuzzy=False))
    where = "in the gazetteer" if known else "not in the gazetteer under this name"
    if cut:
        return f"span cut or merged ({where})"
    if row["outcome"] == "wrong":
        return "resolver chose another place" if known else f"wrong place ({where})"
    if row.get("note"):
        return f"extracted, left unplaced ({where})"
    return f"not extracted ({where})"


def score(articles: Path, gold_path: Path, lang: str | None = None) -> dict:
    import geo

    gold = load_gold(gold_path)
    rows: list[dict] = []
    seen_docs = set()
    for pd in geo.parse_many(str(articles), lang=lang):
        doc = pd.document
        raw = Path(doc.path or doc.id)
        line = int(doc.id.rsplit("#", 1)[1]) if raw.suffix == ".jsonl" and "#" in doc.id else 0
        key = (raw.name, line)
        if key not in gold:
            continue
        seen_docs.add(key)
        off = body_offset(doc.text, raw, line, articles.parent / "source.txt")
        body = doc.text[off:]
        surfaces = sorted({g["surface"] for g in gold[key]})
        occ = occurrences(body, surfaces)
        res = [r for r in pd.resolutions if r.mention.field == "text"]
        for g in gold[key]:
            spans = occ.get(g["surface"], [])
            row = {"doc": raw.name, "line": line, "surface": g["surface"], "occurrence": g["occurrence"],
                   "kind": g["kind"]}
            if g["occurrence"] > len(spans):
                row.update(outcome="missing-in-text")
                rows.append(row)
                continue
            s, e = spans[g["occurrence"] - 1]
            s, e = s + off, e + off
            over = [(min(e, r.mention.end) - max(s, r.mention.start), r) for r in res
                    if r.mention.start < e and s < r.mention.end]
            placed = sorted([(o, r) for o, r in over if r.place is not None], key=lambda t: -t[0])
            if over:
                row["span"] = max(over, key=lambda t: t[0])[1].mention.text
            if not placed:
                row["outcome"] = "ok" if g["kind"] == "non-place" else "missed"
                if over and g["kind"] != "non-place":
                    row["note"] = "extracted, unplaced"
            else:
                r = placed[0][1]
                p = r.place
                row.update(span=r.mention.text, got=p.name, got_code=p.feature_code, got_cc=p.country_code,
                           got_id=p.id, score=round(r.score, 3))
                if g["kind"] == "non-place":
                    row["outcome"] = "mapped"
                else:
                    ok, d = right(g, p)
                    row["outcome"] = "right" if ok else "wrong"
                    if d is not None:
                        row["km"] = round(d)
            if row["outcome"] not in ("right", "ok"):
                row["cause"] = cause(g, row)
            rows.append(row)
    missing_docs = set(gold) - seen_docs
    if missing_docs:
        raise SystemExit(f"documents not read by geo: {sorted(missing_docs)}")
    return summarise(rows)


def summarise(rows: list[dict]) -> dict:
    table = {}
    for k in PLACE_KINDS:
        rs = [r for r in rows if r["kind"] == k]
        n = len(rs)
        c = {o: sum(1 for r in rs if r["outcome"] == o) for o in ("right", "wrong", "missed")}
        table[k] = {"gold": n, **c, "pct_right": round(100 * c["right"] / n, 1) if n else None}
    places = [r for r in rows if r["kind"] != "non-place"]
    nright = sum(1 for r in places if r["outcome"] == "right")
    nonp = [r for r in rows if r["kind"] == "non-place"]
    fmt = {}
    for r in places:
        ext = Path(r["doc"]).suffix
        f = fmt.setdefault(ext, [0, 0])
        f[0] += r["outcome"] == "right"
        f[1] += 1
    return {
        "documents": len({(r["doc"], r["line"]) for r in rows}),
        "kinds": table,
        "places": {"gold": len(places), "right": nright,
                   "wrong": sum(1 for r in places if r["outcome"] == "wrong"),
                   "missed": sum(1 for r in places if r["outcome"] == "missed"),
                   "pct_right": round(100 * nright / len(places), 1)},
        "non_places": {"gold": len(nonp), "mapped": sum(1 for r in nonp if r["outcome"] == "mapped")},
        "by_format": {k: {"right": v[0], "gold": v[1], "pct_right": round(100 * v[0] / v[1], 1)}
                      for k, v in sorted(fmt.items())},
        "failures": [r for r in rows if r["outcome"] not in ("right", "ok")],
        "causes": dict(sorted(Counter(r["cause"] for r in rows if "cause" in r).items(), key=lambda t: -t[1])),
    }


def print_table(s: dict, failures: bool) -> None:
    print(f"news_eval: {s['documents']} articles, {s['places']['gold']} place mentions, "
          f"{s['non_places']['gold']} non-place mentions")
    print(f"{'kind':<10} {'gold':>5} {'right':>6} {'wrong':>6} {'missed':>7} {'%right':>7}")
    for k, t in s["kinds"].items():
        print(f"{k:<10} {t['gold']:>5} {t['right']:>6} {t['wrong']:>6} {t['missed']:>7} {t['pct_right']:>6.1f}%")
    p = s["places"]
    print(f"{'all':<10} {p['gold']:>5} {p['right']:>6} {p['wrong']:>6} {p['missed']:>7} {p['pct_right']:>6.1f}%")
    print(f"non-places mapped: {s['non_places']['mapped']} of {s['non_places']['gold']}")
    print("by format: " + ", ".join(f"{k} {v['pct_right']}% ({v['right']}/{v['gold']})"
                                    for k, v in s["by_format"].items()))
    print("failures by cause:")
    for c, n in s["causes"].items():
        print(f"  {n:>4}  {c}")
    if failures:
        print("\nfailures:")
        for r in s["failures"]:
            got = f" -> {r.get('got')} [{r.get('got_code')} {r.get('got_cc')}] {r.get('km', '')}km" if "got" in r else ""
            span = f" span={r['span']!r}" if r.get("span") and r.get("span") != r["surface"] else ""
            note = f" ({r['note']})" if r.get("note") else ""
            print(f"  {r['outcome']:<7} {r['kind']:<9} {r['doc']}: {r['surface']!r}#{r['occurrence']}{span}{got}{note}"
                  f"  [{r['cause']}]")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lang", default="en", choices=sorted(SETS), help="the set: its articles, gold and language")
    ap.add_argument("--read-as", default=None, help="the language geo reads the set in: a code or auto "
                                                    "(default: the set's)")
    ap.add_argument("--model", default=None, help="another spaCy pipeline for that language (default: the language's)")
    ap.add_argument("--articles", default=None, help="default: the set's articles/")
    ap.add_argument("--gold", default=None, help="default: the set's gold.jsonl")
    ap.add_argument("--json", action="store_true", help="print the result as JSON (with every failure)")
    ap.add_argument("--failures", action="store_true", help="list every wrong, missed or mapped mention")
    a = ap.parse_args(argv)
    os.environ.setdefault("GEO_PROGRESS", "0")
    here = SETS[a.lang]
    read_as = a.read_as or a.lang
    if a.model:
        import geo
        from geo.pipeline import Pipeline

        geo._PIPELINES[read_as] = Pipeline(model=a.model, lang=read_as, progress=False)  # the API's pipeline
    # English is read with the API's default (lang=None), exactly as before the scorer took a language
    s = score(Path(a.articles or here / "articles"), Path(a.gold or here / "gold.jsonl"),
              None if read_as == "en" and not a.model else read_as)
    if a.json:
        print(json.dumps(s, ensure_ascii=False, indent=1))
    else:
        print_table(s, a.failures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
