"""Recognition and placement on short texts: one-sentence news items and headlines.

    python bench/short_texts.py [--data tests/data/short_texts.jsonl] [--json] [--errors] [--model NAME]

The set (``tests/data/short_texts.jsonl``, hand-written for geo, never taken from a corpus) holds one
JSON object per line:

* a positive item: ``text``, ``place`` (the expected mention, an exact substring of ``text``), ``cc``
  (expected country code, absent for seas and rivers), ``lat``/``lon`` (a point on the place: a city
  centre, a point on the river or in the sea), ``kind`` (capital, city, conflict, admin, country,
  river, sea, region), ``continent``; optionally ``ids`` (gazetteer ids of the expected feature, for
  regions whose extent no single point stands for: the Sahara, the Himalayas), ``also`` (other names
  in the text that are places too: predicting them is no error), ``km`` (for a large physical feature
  or a continent, an ocean, a desert, a mountain range: the acceptance radius around ``lat``/``lon``, as
  in ``bench/news_eval``'s gold, instead of 161 km) and ``xfail`` (why geo gets the item wrong today:
  the test expects the failure, the figures count it as wrong);
* a negative item: ``text`` and ``absent`` (names that are people or organisations here and must not
  come out as places), ``kind`` = ``negative``.

Figures, offline, with the default model, everything in one spaCy batch:

* recognition P / R / F1 on exact spans (demonyms are not counted, as in ``geo eval``); a mention of
  a name listed in ``absent`` is a false positive, and so is any mention in a positive item other than
  ``place`` and ``also``. Only mentions geo places count so (as ``bench/news_eval`` counts a non-place
  when it is pinned): one it extracts but leaves unplaced ("Air France", reported as an organisation's
  name) is listed as ``unplaced`` and not counted;
* Acc@161 over the recognised places: the share placed within 161 km of the expected point (for
  rivers, seas, regions, provinces and countries: of the place's drawn shape, when it has one; or on
  one of the expected ``ids``), and the share whose country is the expected ``cc``. A large physical
  feature or continent (an item with ``km``) is scored as ``bench/news_eval/score.py`` scores physical
  features: its point or its outline within ``km`` of the expected point, and not a populated place or
  an administrative unit (GeoNames class P or A);
* end to end: expected places recognised and placed within 161 km, over all of them.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "short_texts.jsonl"
ACC_KM = 161.0
SHAPE_KINDS = {"river", "sea", "region", "admin", "country"}


@dataclass
class Outcome:
    """What geo made of one item."""

    item: dict
    found: bool = False  # a mention with exactly the expected span
    label: str | None = None
    placed: str | None = None  # "name [code cc]" of the chosen place
    error_km: float | None = None  # distance to the expected point (or shape), None when unplaced
    kind_ok: bool = True  # False: a large feature (item with ``km``) placed on a town or a division
    id_ok: bool = False  # placed on one of the expected gazetteer ids
    cc_ok: bool | None = None
    spurious: tuple[str, ...] = ()  # other mentions placed on the map, not listed as places of the text
    unplaced: tuple[str, ...] = ()  # other mentions extracted but left off the map (not counted)

    @property
    def placed_ok(self) -> bool:
        """Found and placed within 161 km (or on an expected id)."""
        radius = self.item.get("km", ACC_KM)
        return self.found and (self.id_ok or (self.kind_ok and self.error_km is not None
                                               and self.error_km <= radius))

    @property
    def ok(self) -> bool:
        if self.item.get("kind") == "negative":
            return not self.spurious
        return self.placed_ok and self.cc_ok is not False and not self.spurious


def load(path: str | Path = DATA) -> list[dict]:
    """The items of a short-text set; each positive item's ``place`` must occur in its ``text``."""
    items = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{n}: not JSON ({e})") from None
            if "absent" not in d and d.get("place") not in d.get("text", ""):
                raise ValueError(f"{path}:{n}: place {d.get('place')!r} does not occur in the text")
            items.append(d)
    return items


def run(items: list[dict], pipeline=None) -> list[Outcome]:
    """Parse every item's text with ``pipeline`` (the default offline one) in one batch and compare."""
    from geo.gazetteer.store import haversine_km
    from geo.types import Document

    if pipeline is None:
        from geo.pipeline import Pipeline

        pipeline = Pipeline(progress=False)
    gz = pipeline.gazetteer
    docs = [Document(id=f"short-{i}", text=d["text"]) for i, d in enumerate(items)]
    out = []
    for d, pd in zip(items, pipeline.parse(docs)):
        res = [r for r in pd.resolutions if r.mention.label != "DEMONYM"]
        o = Outcome(d)
        # (a mention geo leaves off the map, "Air France" as an organisation, is no place it claims: as in
        # bench/news_eval, a non-place counts when pinned; ``unplaced`` keeps the others for the record)
        pinned = [r for r in res if r.place is not None]
        if d.get("kind") == "negative":
            o.spurious = tuple(r.mention.text for r in pinned if any(a in r.mention.text for a in d["absent"]))
            o.unplaced = tuple(r.mention.text for r in res if r.place is None and any(a in r.mention.text for a in d["absent"]))
            out.append(o)
            continue
        start = d["text"].index(d["place"])
        span = (start, start + len(d["place"]))
        allowed = {d["place"], *d.get("also", ())}
        extra = [r for r in res if (r.mention.start, r.mention.end) != span and r.mention.text not in allowed]
        o.spurious = tuple(r.mention.text for r in extra if r.place is not None)
        o.unplaced = tuple(r.mention.text for r in extra if r.place is None)
        hit = next((r for r in res if (r.mention.start, r.mention.end) == span), None)
        if hit is not None:
            o.found, o.label = True, hit.mention.label
            p = hit.place
            if p is not None:
                o.placed = f"{p.name} [{p.feature_code} {p.country_code or '-'}]"
                err = haversine_km(d["lat"], d["lon"], p.lat, p.lon)
                radius = d.get("km", ACC_KM)
                if (d.get("kind") in SHAPE_KINDS or "km" in d) and err > radius and p.has_geometry:
                    err = min(err, _shape_km(gz.geometry(p.id), d["lat"], d["lon"]))
                o.error_km = round(err, 1)
                if "km" in d and p.feature_class in ("P", "A"):
                    o.kind_ok = False
                o.id_ok = p.id in d.get("ids", ())
                o.cc_ok = (p.country_code or None) == d.get("cc") if "cc" in d else None
        out.append(o)
    return out


def _shape_km(geom, lat: float, lon: float) -> float:
    """Distance from a point to a shape, in km (nearest point on the shape, then great-circle)."""
    if geom is None:
        return float("inf")
    from shapely.geometry import Point
    from shapely.ops import nearest_points

    from geo.gazetteer.store import haversine_km

    pt = Point(lon, lat)
    if geom.contains(pt):
        return 0.0
    q = nearest_points(geom, pt)[0]
    return haversine_km(lat, lon, q.y, q.x)


def scores(outcomes: list[Outcome]) -> dict:
    pos = [o for o in outcomes if o.item.get("kind") != "negative"]
    tp = sum(o.found for o in pos)
    fp = sum(len(o.spurious) for o in outcomes)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / len(pos) if pos else 0.0
    found = [o for o in pos if o.found]
    within = [o for o in found if o.placed_ok]
    with_cc = [o for o in found if o.cc_ok is not None]
    by = defaultdict(Counter)
    for o in pos:
        for key in (f"kind:{o.item.get('kind')}", f"continent:{o.item.get('continent')}"):
            by[key]["n"] += 1
            by[key]["found"] += o.found
            by[key]["within161"] += o.placed_ok
    neg = [o for o in outcomes if o.item.get("kind") == "negative"]
    return {
        "items": len(outcomes), "positives": len(pos), "negatives": len(neg),
        "recognition": {"precision": round(p, 4), "recall": round(r, 4),
                        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0, "tp": tp, "fp": fp},
        "acc161": round(len(within) / len(found), 4) if found else 0.0,
        "country_ok": round(sum(o.cc_ok for o in with_cc) / len(with_cc), 4) if with_cc else None,
        "end_to_end": round(len(within) / len(pos), 4) if pos else 0.0,
        "negatives_clean": round(sum(not o.spurious for o in neg) / len(neg), 4) if neg else None,
        "unplaced_extra": sum(len(o.unplaced) for o in outcomes),
        "all_ok": sum(o.ok for o in outcomes),
        "by": {k: dict(v) for k, v in sorted(by.items())},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--errors", action="store_true", help="list every item geo gets wrong")
    ap.add_argument("--model", default=None, help="spaCy pipeline (default: geo's)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from geo.pipeline import Pipeline

    items = load(args.data)
    pipe = Pipeline(progress=False, **({"model": args.model} if args.model else {}))
    t0 = time.perf_counter()
    outcomes = run(items, pipe)
    sec = time.perf_counter() - t0
    s = scores(outcomes)
    s["seconds"] = round(sec, 2)
    if args.json:
        print(json.dumps(s, indent=1))
    else:
        rec = s["recognition"]
        print(f"{args.data}: {s['positives']} places, {s['negatives']} negatives ({sec:.1f} s)")
        print(f"recognition (exact)  P {rec['precision']:.3f}  R {rec['recall']:.3f}  F1 {rec['f1']:.3f}"
              f"  ({rec['tp']} found, {rec['fp']} spurious; {s['unplaced_extra']} other mentions left unplaced)")
        print(f"placement  Acc@161 {s['acc161']:.3f}  right country {s['country_ok']:.3f}  "
              f"end to end {s['end_to_end']:.3f}  negatives clean {s['negatives_clean']:.3f}")
        print("by kind / continent (n / found / within 161 km):")
        for k, c in s["by"].items():
            print(f"  {k:<26} {c['n']:>4} {c['found']:>4} {c['within161']:>4}")
    if args.errors:
        for o in outcomes:
            if not o.ok:
                what = o.item.get("place") or o.item["absent"]
                print(f"  WRONG {o.item['text']!r}: {what!r} found={o.found} label={o.label} -> {o.placed} "
                      f"({o.error_km} km) spurious={list(o.spurious)}"
                      + (f" unplaced={list(o.unplaced)}" if o.unplaced else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
