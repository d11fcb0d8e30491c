"""Train the resolver's ranker on the dev corpora's gold (LGL + GeoVirus) and write geo/resolve/ranker.json.

    pip install -e '.[train]'          # scikit-learn
    python bench/train_ranker.py [--folds 5] [--iterations 3] [--C 1.0] [--cache /tmp/geo-ranker]
    python bench/train_ranker.py --evaluate-only     # figures of the shipped model (no training)

Writes geo/resolve/ranker.json, the resolver's default model (--output elsewhere to compare first).

1. Extraction (spaCy, the slow part) runs once per corpus and is cached (pickled mentions) in --cache.
2. Each gold toponym recognised with its exact span becomes a query: its name's candidates and their
   feature vectors (geo/resolve/features.py) as the resolver computes them in its last round. The
   positive candidate is the gold GeoNames id (LGL) or else the candidate nearest the gold
   coordinates, if within 161 km; a query without one is left out.
3. Conditional logit (listwise multinomial logistic regression over each mention's candidates,
   L2-regularised, fitted with scipy's L-BFGS on scikit-learn-standardised features; the default,
   ``--loss listwise``): it maximises the probability of the gold candidate against the hard
   competitor (Washington state for Washington, D.C.) instead of diluting it among thirty easy ones.
   ``--loss pairwise`` is scikit-learn's LogisticRegression on x_gold - x_other differences. A
   temperature fitted on the queries calibrates the softmax over a name's candidates.
4. The "other names" features depend on the model's own choices, so training iterates: features
   from the current model, fit, repeat (starting from the shipped model).
5. Cross-validation by document (GroupKFold): each fold's model resolves its held-out documents
   end to end (the real Resolver), and Acc@161 / F1 are scored with geo.evaluate's code.

Tune only on these dev corpora (others are held out).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402

from geo import evaluate  # noqa: E402
from geo.extract import extract_many, load_nlp  # noqa: E402
from geo.gazetteer.store import haversine_km  # noqa: E402
from geo.resolve import FEATURES, LinearRanker, Resolver  # noqa: E402
from geo.resolve.ranker import FORMAT, MODEL_PATH  # noqa: E402
from geo.types import Document, ParsedDocument  # noqa: E402

CORPORA_DIR = ROOT.parent / "shared" / "corpora"
CORPORA = {"lgl": CORPORA_DIR / "lgl.xml", "GeoVirus": CORPORA_DIR / "GeoVirus.xml"}


def load_data(cache: Path, gz) -> dict:
    """{corpus: [(GoldArticle, Document, mentions)]}, extracting once and caching the mentions."""
    cache.mkdir(parents=True, exist_ok=True)
    data = {}
    ex = None
    for name, path in CORPORA.items():
        arts = evaluate.read_corpus(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        f = cache / f"{name}-{digest}.mentions.pkl"
        if f.exists():
            extracted = pickle.loads(f.read_bytes())
        else:
            ex = ex or _toponyms_nlp(gz)
            t = time.time()
            extracted = list(extract_many(ex, [Document(a.id, a.text) for a in arts]))
            tmp = f.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps(extracted))
            tmp.replace(f)
            print(f"extracted {name} in {time.time() - t:.0f}s", flush=True)
        data[name] = [(a, d, ms) for a, (d, ms) in zip(arts, extracted)]
    return data


def _toponyms_nlp(gz):
    """spaCy NER + geo_toponyms (one-word names the gazetteer lacks dropped: no geocoder to try them)."""
    nlp = load_nlp()
    nlp.add_pipe("geo_toponyms", config={"keep_unknown_words": False}).use(gazetteer=gz)
    return nlp


def load_stories(cache: Path, gz) -> list:
    """The training stories of bench/ranker_stories.py, extracted (and cached)."""
    from ranker_stories import STORIES

    digest = hashlib.sha256(repr(STORIES).encode()).hexdigest()[:16]
    f = cache / f"stories-{digest}.mentions.pkl"
    if f.exists():
        extracted = pickle.loads(f.read_bytes())
    else:
        extracted = list(extract_many(_toponyms_nlp(gz), [Document(f"story-{i}", t) for i, (t, _) in enumerate(STORIES)]))
        f.write_bytes(pickle.dumps(extracted))
    return [(gold, d, ms) for (_, gold), (d, ms) in zip(STORIES, extracted)]


def story_queries(resolver: Resolver, stories, weight: float) -> list:
    from ranker_stories import gold_index

    out = []
    for gold, d, ms in stories:
        groups, rankings, *_ = resolver.rank(d, ms)
        for key, mentions in groups.items():
            r = rankings[key]
            if key[0] in gold and len(r.candidates) > 1:
                pos = gold_index(r.candidates, gold[key[0]])
                if pos >= 0:
                    out += [(f"story:{d.id}", r.X, pos, weight)] * len(mentions)
    return out


def score(resolver: Resolver, items) -> dict:
    """Recognition F1 and Acc@161 exactly as ``geo eval`` scores them."""
    s = evaluate.Scores()
    for a, d, ms in items:
        evaluate.score_document(s, a, ParsedDocument(d, tuple(resolver.resolve(d, ms))))
    r = s.as_dict()
    return {"f1": r["recognition_exact"]["f1"], "acc161": r["resolution"]["acc161"], "n": r["resolution"]["n"]}


def queries(resolver: Resolver, items, tag: str) -> list[tuple[str, np.ndarray, int, float]]:
    """(group, X, positive index, weight) per gold toponym recognised with its exact span."""
    out = []
    for a, d, ms in items:
        gold = {(g.start, g.end): g for g in a.toponyms if g.lat is not None}
        groups, rankings, *_ = resolver.rank(d, ms)
        for key, mentions in groups.items():
            r = rankings[key]
            if r.best < 0 or len(r.candidates) < 2:
                continue  # nothing to learn from one candidate
            for m in mentions:
                g = gold.get((m.start, m.end))
                if g is None:
                    continue
                pos = -1
                if g.geonameid is not None:
                    pos = next((i for i, c in enumerate(r.candidates) if c.place.geonameid == g.geonameid), -1)
                if pos < 0:
                    dist = [haversine_km(g.lat, g.lon, c.place.lat, c.place.lon) for c in r.candidates]
                    k = int(np.argmin(dist))
                    pos = k if dist[k] <= evaluate.ACC_KM else -1
                if pos >= 0:
                    out.append((f"{tag}:{a.id}", r.X, pos, 1.0))
    return out


def _pairwise(qs, mean, scale, C: float) -> np.ndarray:
    """scikit-learn LogisticRegression on x_gold - x_other (and the reverse), no intercept."""
    from sklearn.linear_model import LogisticRegression

    diffs, ys, weights = [], [], []
    for _, X, pos, qw in qs:
        Z = (X - mean) / scale
        d = Z[pos] - np.delete(Z, pos, axis=0)
        d = d[np.any(d != 0, axis=1)]  # identical twins (same place twice) teach nothing
        if len(d):
            diffs += [d, -d]
            ys += [np.ones(len(d)), np.zeros(len(d))]
            # each query weighs the same (times its weight), however many candidates it has
            weights += [np.full(len(d), qw / len(d))] * 2
    D, y, weights = np.vstack(diffs), np.concatenate(ys), np.concatenate(weights)
    return LogisticRegression(C=C, fit_intercept=False, max_iter=2000).fit(D, y, sample_weight=weights).coef_[0]


def _listwise(qs, mean, scale, l2: float) -> np.ndarray:
    """Conditional logit: maximise the softmax probability of the gold candidate among its mention's
    candidates (L2-regularised, L-BFGS from scipy). Unlike the pairwise loss, the hard competitor
    (Washington state for Washington, D.C.) is not diluted among thirty easy ones."""
    from scipy.optimize import minimize

    Z = np.vstack([(X - mean) / scale for _, X, _, _ in qs])
    sizes = np.array([len(X) for _, X, _, _ in qs])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    qid = np.repeat(np.arange(len(qs)), sizes)
    pos = starts + np.array([p for _, _, p, _ in qs])
    wq = np.array([w for _, _, _, w in qs], dtype=float)
    wq /= wq.sum()

    def f(beta):
        s = Z @ beta
        m = np.maximum.reduceat(s, starts)
        e = np.exp(s - m[qid])
        tot = np.add.reduceat(e, starts)
        lse = np.log(tot) + m
        p = e / tot[qid]
        loss = float(wq @ (lse - s[pos])) + 0.5 * l2 * float(beta @ beta)
        grad = Z.T @ (p * wq[qid]) - Z[pos].T @ wq + l2 * beta
        return loss, grad

    return minimize(f, np.zeros(Z.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 2000}).x


def fit(qs, C: float = 1.0, features=FEATURES, loss: str = "pairwise") -> LinearRanker:
    from scipy.optimize import minimize_scalar
    from sklearn.preprocessing import StandardScaler

    cols = [FEATURES.index(f) for f in features]
    qs = [(g, X[:, cols], pos, w) for g, X, pos, w in qs]
    allX = np.vstack([X for _, X, _, _ in qs])
    scaler = StandardScaler().fit(allX)
    scale = np.where(scaler.scale_ > 1e-9, scaler.scale_, 1.0)
    if loss == "listwise":
        coef = _listwise(qs, scaler.mean_, scale, l2=1.0 / (C * 1000.0))
    else:
        coef = _pairwise(qs, scaler.mean_, scale, C)

    def nll(t):
        tot = 0.0
        for _, X, pos, qw in qs:
            s = ((X - scaler.mean_) / scale) @ coef / t
            s -= s.max()
            tot -= qw * (s[pos] - math.log(np.exp(s).sum()))
        return tot

    t = minimize_scalar(nll, bounds=(0.05, 20.0), method="bounded").x
    return LinearRanker(tuple(features), tuple(map(float, coef)), tuple(map(float, scaler.mean_)), tuple(map(float, scale)),
                        float(t), "dev", {})


def train(gz, data, base: LinearRanker, iterations: int, C: float, docs=None, features=FEATURES,
          stories=(), story_weight: float = 1.0, loss: str = "pairwise") -> LinearRanker:
    """Iterate: features from the current model's choices, fit, repeat. ``docs``: a set of
    "corpus:id" to train on (default all)."""
    model = base
    for _ in range(iterations):
        r = Resolver(gz, ranker=model)
        qs = [q for name, items in data.items() for q in queries(r, items, name)]
        if docs is not None:
            qs = [q for q in qs if q[0] in docs]
        qs += story_queries(r, stories, story_weight)
        model = fit(qs, C, features, loss)
    return model


def data_hash(data) -> str:
    h = hashlib.sha256()
    for name in sorted(data):
        h.update(CORPORA[name].read_bytes())
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cache", type=Path, default=Path("/tmp/geo-ranker"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--no-cv", action="store_true")
    ap.add_argument("--model", default="trained", help="start from (and --evaluate-only) this model: 'trained' "
                    "(default: geo/resolve/ranker.json), 'hand' (the former hand weights) or a path")
    ap.add_argument("--loss", choices=["listwise", "pairwise"], default="listwise",
                    help="listwise: conditional logit over a mention's candidates (scipy); pairwise: "
                         "scikit-learn LogisticRegression on gold-minus-other differences")
    ap.add_argument("--story-weight", type=float, default=10.0,
                    help="weight of each query from bench/ranker_stories.py (0: leave them out)")
    ap.add_argument("--drop", default="", help="comma-separated features the model leaves out")
    ap.add_argument("--evaluate-only", action="store_true")
    ap.add_argument("--output", type=Path, default=MODEL_PATH)
    ap.add_argument("--corpora", type=Path, default=CORPORA_DIR, help="folder with lgl.xml and GeoVirus.xml")
    args = ap.parse_args()
    for name in CORPORA:
        CORPORA[name] = args.corpora / CORPORA[name].name

    from geo.gazetteer import Gazetteer

    gz = Gazetteer.open(progress=False)
    data = load_data(args.cache, gz)
    base = LinearRanker.load(args.model)
    if args.evaluate_only:
        r = Resolver(gz, ranker=base)
        print(json.dumps({name: score(r, items) for name, items in data.items()}, indent=1))
        return

    stories = load_stories(args.cache, gz) if args.story_weight > 0 else []
    drop = {f for f in args.drop.split(",") if f}
    if drop - set(FEATURES):
        ap.error(f"unknown features: {sorted(drop - set(FEATURES))}")
    feats = tuple(f for f in FEATURES if f not in drop)
    t0 = time.time()
    cv = {}
    if not args.no_cv:
        from sklearn.model_selection import GroupKFold

        docs = [(name, f"{name}:{a.id}") for name, items in data.items() for a, _, _ in items]
        folds = GroupKFold(n_splits=args.folds).split(docs, groups=[g for _, g in docs])
        held: dict[str, list] = {name: [] for name in data}
        index = {f"{name}:{a.id}": (name, it) for name, items in data.items() for it in items for a in [it[0]]}
        for k, (tr, te) in enumerate(folds):
            model = train(gz, data, base, args.iterations, args.C, docs={docs[i][1] for i in tr}, features=feats,
                          stories=stories, story_weight=args.story_weight, loss=args.loss)
            r = Resolver(gz, ranker=model)
            for i in te:
                name, it = index[docs[i][1]]
                a, d, ms = it
                held[name].append((a, ParsedDocument(d, tuple(r.resolve(d, ms)))))
            print(f"fold {k + 1}/{args.folds} done ({time.time() - t0:.0f}s)", flush=True)
        for name, pairs in held.items():
            s = evaluate.Scores()
            for a, pd in pairs:
                evaluate.score_document(s, a, pd)
            rep = s.as_dict()
            cv[name] = {"f1": rep["recognition_exact"]["f1"], "acc161": rep["resolution"]["acc161"]}
        print("cv (by document):", json.dumps(cv), flush=True)

    model = train(gz, data, base, args.iterations, args.C, features=feats, stories=stories,
                  story_weight=args.story_weight, loss=args.loss)
    insample = {name: score(Resolver(gz, ranker=model), items) for name, items in data.items()}
    print("in-sample:", json.dumps(insample), flush=True)
    import sklearn

    n_queries = sum(len(queries(Resolver(gz, ranker=model), items, name)) for name, items in data.items())
    version = time.strftime("%Y%m%d") + "-" + data_hash(data)[:8]
    meta = {"trained_on": {name: CORPORA[name].name for name in data},
            "stories": f"bench/ranker_stories.py ({len(stories)} stories, weight {args.story_weight})", "training_data_sha256": data_hash(data),
            "queries": n_queries,
            "model": (f"{args.loss} " + ("conditional logit (scipy L-BFGS)" if args.loss == "listwise" else
                      f"logistic regression (scikit-learn {sklearn.__version__})")
                      + f", standardised features (scikit-learn StandardScaler), C={args.C}, "
                      f"{args.iterations} iterations"),
            "cv_by_document": cv, "folds": args.folds, "in_sample": insample}
    model = LinearRanker(model.features, model.coef, model.mean, model.scale, model.temperature, version, meta)
    d = model.to_dict()
    assert d["format"] == FORMAT
    tmp = args.output.with_suffix(".tmp")
    tmp.write_text(json.dumps(d, indent=1) + "\n", encoding="utf-8")
    tmp.replace(args.output)
    print(f"wrote {args.output} (version {version})")
    for f, c in sorted(zip(model.features, model.coef), key=lambda fc: -abs(fc[1])):
        print(f"  {f:<18} {c:+.3f}")


if __name__ == "__main__":
    main()
