"""Write a news evaluation set's articles/ and gold.jsonl from its source.txt (see its header).

    python bench/news_eval/build_set.py              # English: bench/news_eval/
    python bench/news_eval/build_set.py --lang fr    # French: bench/news_eval_fr/ (its own articles and gold)

One builder for every language (:data:`SETS`: the set's folder and the strings of its HTML pages); the
sets share the source format and the gold rules.

Articles are written in the format their file name says: .txt (headline as the first line, as agencies
send them), .html (a page with a site-name <title>, a <h1>, navigation and a footer), .json (one article
object with title/date/url/text) and .jsonl (one article object per line). Gold mentions index the article
body: occurrence n of SURFACE is the n-th whole-word, case-sensitive occurrence in the body that does not
lie inside a longer gold surface of the same article.
"""
from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: language -> the set's folder (source.txt, articles/, gold.jsonl)
SETS = {"en": HERE, "fr": HERE.parent / "news_eval_fr"}
KINDS = ("city", "country", "province", "physical", "local", "non-place")
DEFAULT_KM = {"city": 30.0, "local": 15.0, "province": 150.0, "physical": 300.0, "country": 0.0}


def parse_source(path: Path = HERE / "source.txt") -> list[dict]:
    arts: list[dict] = []
    cur: dict | None = None
    mode = None
    for raw in path.read_text(encoding="utf-8").split("\n"):
        line = raw.rstrip()
        if line.startswith("=== "):
            cur = {"file": line[4:].strip(), "title": "", "date": "", "body": [], "gold": []}
            arts.append(cur)
            mode = "head"
            continue
        if cur is None:
            continue
        if mode == "head":
            if line.startswith("title:"):
                cur["title"] = line[6:].strip()
            elif line.startswith("date:"):
                cur["date"] = line[5:].strip()
            elif line == "text:":
                mode = "text"
            continue
        if mode == "text":
            if line == "gold:":
                mode = "gold"
            else:
                cur["body"].append(line)
            continue
        if mode == "gold" and line.strip():
            parts = [p.strip() for p in line.split("|")]
            surface, kind = parts[0], parts[1]
            if kind not in KINDS:
                raise SystemExit(f"{cur['file']}: unknown kind {kind!r} in {line!r}")
            occ = None
            m = re.fullmatch(r"(.+?)#(\d+)", surface)
            if m:
                surface, occ = m.group(1), int(m.group(2))
            g = {"surface": surface, "kind": kind, "occurrence": occ}
            for spec in (parts[2].split() if len(parts) > 2 else []):
                if spec.startswith("cc="):
                    g["cc"] = spec[3:]
                else:
                    nums = [float(x) for x in spec.split(",")]
                    g["lat"], g["lon"] = nums[0], nums[1]
                    g["km"] = nums[2] if len(nums) > 2 else DEFAULT_KM[kind]
            if kind not in ("non-place", "country") and "lat" not in g:
                raise SystemExit(f"{cur['file']}: {surface!r} has no lat,lon")
            if kind == "country" and "cc" not in g:
                raise SystemExit(f"{cur['file']}: country {surface!r} has no cc=")
            cur["gold"].append(g)
    for a in arts:
        a["body"] = "\n".join(a["body"]).strip("\n")
    return arts


def occurrences(text: str, surfaces: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Whole-word occurrences of each surface, leaving out those inside a longer surface's occurrence."""
    found = {s: [(m.start(), m.end()) for m in re.finditer(r"(?<!\w)" + re.escape(s) + r"(?!\w)", text)]
             for s in surfaces}
    out: dict[str, list[tuple[int, int]]] = {}
    for s, spans in found.items():
        longer = [sp for t, sps in found.items() if len(t) > len(s) and s in t for sp in sps]
        out[s] = [(a, b) for a, b in spans if not any(la <= a and b <= lb for la, lb in longer)]
    return out


def gold_mentions(art: dict, text: str | None = None) -> list[dict]:
    """One gold record per mention: the article's gold lines expanded over the body's occurrences."""
    text = art["body"] if text is None else text
    occ = occurrences(text, sorted({g["surface"] for g in art["gold"]}))
    out = []
    for g in art["gold"]:
        spans = occ[g["surface"]]
        if not spans:
            raise SystemExit(f"{art['file']}: {g['surface']!r} does not occur in the body")
        idx = [g["occurrence"]] if g["occurrence"] else range(1, len(spans) + 1)
        for n in idx:
            if n > len(spans):
                raise SystemExit(f"{art['file']}: {g['surface']!r} has no occurrence #{n}")
            rec = {k: v for k, v in g.items() if k != "occurrence"}
            rec.update(occurrence=n, start=spans[n - 1][0], end=spans[n - 1][1])
            out.append(rec)
    # an occurrence claimed twice (by "X" and "X#2") is an authoring error
    seen = set()
    for r in out:
        key = (r["surface"], r["occurrence"])
        if key in seen:
            raise SystemExit(f"{art['file']}: {r['surface']!r} occurrence {r['occurrence']} is in the gold twice")
        seen.add(key)
    return sorted(out, key=lambda r: r["start"])


#: the strings of a set's HTML pages: site names, navigation (href, label), footer
_PAGES = {
    "en": {"sites": ["The Daily Wire Report", "Global Desk", "World News Now"],
           "nav": [("/", "Home"), ("/world", "World"), ("/business", "Business")], "rights": "All rights reserved."},
    "fr": {"sites": ["Le Quotidien du Monde", "Dépêches Afrique", "Info Continu"],
           "nav": [("/", "Accueil"), ("/monde", "Monde"), ("/economie", "Économie")], "rights": "Tous droits réservés."},
}


def to_html(art: dict, i: int, lang: str = "en") -> str:
    page = _PAGES[lang]
    paras = "\n".join(f"    <p>{html.escape(p)}</p>" for p in art["body"].split("\n\n"))
    site = page["sites"][i % len(page["sites"])]
    nav = " ".join(f"<a href=\"{href}\">{label}</a>" for href, label in page["nav"])
    return (f"<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n  <meta charset=\"utf-8\">\n"
            f"  <title>{html.escape(art['title'])} | {site}</title>\n"
            f"  <meta property=\"article:published_time\" content=\"{art['date']}T08:00:00Z\">\n</head>\n<body>\n"
            f"  <nav>{nav}</nav>\n"
            f"  <article>\n    <h1>{html.escape(art['title'])}</h1>\n{paras}\n  </article>\n"
            f"  <footer>&copy; 2026 {site}. {page['rights']}</footer>\n</body>\n</html>\n")


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lang", default="en", choices=sorted(SETS), help="the set to build (default: en)")
    lang = ap.parse_args(argv).lang
    here = SETS[lang]
    arts = parse_source(here / "source.txt")
    outdir = here / "articles"
    outdir.mkdir(exist_ok=True)
    for old in outdir.iterdir():
        old.unlink()
    jsonl: dict[str, list[str]] = {}
    gold = []
    for i, a in enumerate(arts):
        name = a["file"]
        obj = {"title": a["title"], "date": a["date"], "url": f"https://news.example.org/{Path(name).stem}",
               "text": a["body"]}
        if name.endswith(".txt"):
            (outdir / name).write_text(a["body"] + "\n", encoding="utf-8")
        elif name.endswith(".html"):
            (outdir / name).write_text(to_html(a, i, lang), encoding="utf-8")
        elif name.endswith(".json"):
            (outdir / name).write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        elif name.endswith(".jsonl"):
            jsonl.setdefault(name, []).append(json.dumps(obj, ensure_ascii=False))
        else:
            raise SystemExit(f"{name}: unknown format")
        line = len(jsonl[name]) if name.endswith(".jsonl") else None
        for g in gold_mentions(a):
            rec = {"doc": name}
            if line is not None:
                rec["line"] = line
            rec.update(g)
            gold.append(rec)
    for name, lines in jsonl.items():
        (outdir / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    with open(here / "gold.jsonl", "w", encoding="utf-8") as f:
        for r in gold:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    kinds: dict[str, int] = {}
    for r in gold:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    print(f"{len(arts)} articles, {len(gold)} gold mentions: {kinds}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
