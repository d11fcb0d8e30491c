"""Tune the resolver's weights on the dev corpora (LGL + GeoVirus) by coordinate descent.

    python bench/tune_resolve.py [--rounds 2]

Extraction runs once; each weight setting re-runs resolution only and scores Acc@161 over the
gold toponyms recognised with their exact span. Prints the best weights as a Weights(...) literal.
Tune only on these dev corpora (others are held out).
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.evaluate import ACC_KM, haversine_km, read_corpus  # noqa: E402
from geo.extract import Extractor, load_nlp  # noqa: E402
from geo.gazetteer import Gazetteer  # noqa: E402
from geo.resolve import Resolver, Weights  # noqa: E402
from geo.types import Document  # noqa: E402

CORPORA = [ROOT.parent / "shared" / "corpora" / "lgl.xml", ROOT.parent / "shared" / "corpora" / "GeoVirus.xml"]


def prepare(gz):
    ex = Extractor(gz, load_nlp())
    data = []
    for path in CORPORA:
        arts = read_corpus(path)
        docs = [Document(a.id, a.text) for a in arts]
        items = []
        for a, (doc, mentions) in zip(arts, ex.extract_many(docs)):
            gold = {(g.start, g.end): g for g in a.toponyms if g.lat is not None}
            items.append((doc, mentions, gold))
        data.append((path.stem, items))
    return data


def score(resolver, data) -> dict:
    out = {}
    for name, items in data:
        hit = n = 0
        for doc, mentions, gold in items:
            for r in resolver.resolve(doc, mentions):
                g = gold.get((r.mention.start, r.mention.end))
                if g is None or r.mention.label == "DEMONYM":
                    continue
                n += 1
                if r.place is not None and haversine_km(g.lat, g.lon, r.place.lat, r.place.lon) <= ACC_KM:
                    hit += 1
        out[name] = hit / n if n else 0.0
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    gz = Gazetteer.open(progress=False)
    t = time.time()
    data = prepare(gz)
    print(f"extracted in {time.time() - t:.0f}s", flush=True)
    shared = Resolver(gz)
    cache = shared._cands

    def evaluate(w: Weights) -> tuple[float, dict]:
        r = Resolver(gz, weights=w)
        r._cands = cache
        s = score(r, data)
        return sum(s.values()) / len(s), s

    best = Weights()
    best_obj, best_s = evaluate(best)
    print("start", round(best_obj, 4), best_s, flush=True)
    grid = {f.name: f.default for f in dataclasses.fields(Weights)}
    skip = {"coherence_km", "fallback_max_km", "fuzzy_min_len"}
    for rnd in range(args.rounds):
        for name, _ in grid.items():
            if name in skip:
                continue
            cur = getattr(best, name)
            for factor in (0.0, 0.5, 0.75, 1.33, 2.0):
                val = round(cur * factor, 4) if cur else factor * 0.5
                w = dataclasses.replace(best, **{name: val})
                obj, s = evaluate(w)
                if obj > best_obj + 1e-4:
                    best, best_obj, best_s = w, obj, s
                    print(f"round {rnd} {name}={val}: {obj:.4f} {s}", flush=True)
    print("best", round(best_obj, 4), best_s)
    print(best)


if __name__ == "__main__":
    main()
