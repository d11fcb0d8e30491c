"""Corpus readers and metrics for ``geo eval`` (LGL and GeoVirus formats).

Metrics follow ../shared/corpora/README.md and the literature (Gritta et al. 2018):
recognition P/R/F1 (exact span and overlap), resolution over recognised gold toponyms with
coordinates (Acc@161, median/mean error, AUC of the error curve; unresolved = 20,039 km), and the
end-to-end share of gold toponyms recognised and placed within 161 km.
"""
from __future__ import annotations

import math
import statistics
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .gazetteer.store import haversine_km  # noqa: F401  (re-exported for eval users)
from .types import Document, ParsedDocument, Resolution

MAX_ERROR_KM = 20039.0
ACC_KM = 161.0


@dataclass(frozen=True)
class GoldToponym:
    start: int
    end: int
    phrase: str
    lat: float | None = None
    lon: float | None = None
    feature_code: str | None = None
    geonameid: int | None = None


@dataclass(frozen=True)
class GoldArticle:
    id: str
    text: str
    toponyms: tuple[GoldToponym, ...]


def _float(x: str | None) -> float | None:
    try:
        return float(x) if x not in (None, "") else None
    except ValueError:
        return None


class CorpusError(Exception):
    pass


def read_corpus(path: str | Path) -> list[GoldArticle]:
    """Read an LGL-style (``<toponyms>``) or GeoVirus-style (``<locations>``, 1-based) corpus."""
    try:
        root = ET.parse(str(path)).getroot()
    except (ET.ParseError, OSError) as e:
        raise CorpusError(f"{path}: not a readable corpus XML file ({e})") from None
    if root.find(".//article") is None:
        raise CorpusError(f"{path}: no <article> elements (expected the LGL or GeoVirus format)")
    articles: list[GoldArticle] = []
    for i, art in enumerate(root.iter("article")):
        text = art.findtext("text") or ""
        tops: list[GoldToponym] = []
        if art.find("toponyms") is not None:
            for t in art.find("toponyms").iter("toponym"):
                s, e = int(t.findtext("start")), int(t.findtext("end"))
                g = t.find("gaztag")
                if g is not None:
                    gid = g.get("geonameid")
                    tops.append(GoldToponym(s, e, t.findtext("phrase") or text[s:e], _float(g.findtext("lat")),
                                            _float(g.findtext("lon")), g.findtext("fcode"),
                                            int(gid) if gid and gid.isdigit() else None))
                else:
                    tops.append(GoldToponym(s, e, t.findtext("phrase") or text[s:e]))
        else:
            for loc in art.iter("location"):
                s, e = int(loc.findtext("start")) - 1, int(loc.findtext("end")) - 1
                tops.append(GoldToponym(s, e, loc.findtext("name") or text[s:e], _float(loc.findtext("lat")),
                                        _float(loc.findtext("lon")), None))
        articles.append(GoldArticle(art.get("docid") or str(i), text, tuple(tops)))
    return articles



def auc(errors_km: Sequence[float]) -> float:
    """Area under the curve of sorted ln(1+error), normalised (Gritta et al. 2018); lower is better."""
    if len(errors_km) < 2:
        return 0.0 if not errors_km else math.log(1 + errors_km[0]) / math.log(MAX_ERROR_KM)
    ys = sorted(math.log(1 + e) for e in errors_km)
    area = sum((ys[i] + ys[i + 1]) / 2 for i in range(len(ys) - 1))
    return area / ((len(ys) - 1) * math.log(MAX_ERROR_KM))


@dataclass
class ErrorCase:
    doc: str
    phrase: str
    error_km: float
    gold: tuple[float, float]
    predicted: tuple[float, float] | None
    predicted_name: str | None
    why: str


@dataclass
class Scores:
    gold: int = 0
    predicted: int = 0
    tp_exact: int = 0
    tp_overlap_gold: int = 0
    tp_overlap_pred: int = 0
    errors: list[float] = field(default_factory=list)
    gold_with_coords: int = 0
    e2e_hits: int = 0
    by_type: dict = field(default_factory=lambda: defaultdict(lambda: Counter()))
    cases: list[ErrorCase] = field(default_factory=list)
    words: int = 0
    seconds: float = 0.0
    false_positives: Counter = field(default_factory=Counter)
    false_negatives: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        def prf(tp_p: int, tp_r: int) -> dict:
            p = tp_p / self.predicted if self.predicted else 0.0
            r = tp_r / self.gold if self.gold else 0.0
            return {"precision": round(p, 4), "recall": round(r, 4),
                    "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}

        errs = self.errors
        res = {
            "n": len(errs),
            "acc161": round(sum(e <= ACC_KM for e in errs) / len(errs), 4) if errs else 0.0,
            "median_km": round(statistics.median(errs), 1) if errs else None,
            "mean_km": round(statistics.fmean(errs), 1) if errs else None,
            "auc": round(auc(errs), 4) if errs else None,
        }
        types = {}
        for code, c in sorted(self.by_type.items(), key=lambda kv: -kv[1]["gold"]):
            types[code] = {"gold": c["gold"], "recognised": c["recognised"],
                           "acc161": round(c["hit"] / c["recognised"], 3) if c["recognised"] else None}
        return {
            "documents_words": self.words,
            "seconds": round(self.seconds, 2),
            "words_per_second": round(self.words / self.seconds) if self.seconds else None,
            "gold_toponyms": self.gold,
            "predicted_toponyms": self.predicted,
            "recognition_exact": prf(self.tp_exact, self.tp_exact),
            "recognition_overlap": prf(self.tp_overlap_pred, self.tp_overlap_gold),
            "resolution": res,
            "end_to_end_acc161": round(self.e2e_hits / self.gold_with_coords, 4) if self.gold_with_coords else 0.0,
            "by_gold_type": types,
        }


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_document(scores: Scores, article: GoldArticle, parsed: ParsedDocument, *, count_demonyms: bool = False) -> None:
    """Add one article's comparison to ``scores``. Demonym mentions count only if asked."""
    # only the body text is scored (gold offsets index it; corpus articles have no titles)
    preds: list[Resolution] = [r for r in parsed.resolutions if r.mention.field == "text"
                               and (count_demonyms or r.mention.label != "DEMONYM")]
    scores.gold += len(article.toponyms)
    scores.predicted += len(preds)
    by_span = {(r.mention.start, r.mention.end): r for r in preds}
    pred_spans = list(by_span)
    for g in article.toponyms:
        gspan = (g.start, g.end)
        code = g.feature_code or ("?" if g.lat is None else "coords")
        scores.by_type[code]["gold"] += 1
        exact = by_span.get(gspan)
        overl = exact or next((by_span[s] for s in pred_spans if _overlaps(s, gspan)), None)
        if exact is not None:
            scores.tp_exact += 1
        else:
            scores.false_negatives[g.phrase] += 1
        if overl is not None:
            scores.tp_overlap_gold += 1
        if g.lat is None:
            continue
        scores.gold_with_coords += 1
        if exact is None:
            continue
        scores.by_type[code]["recognised"] += 1
        p = exact.place
        err = MAX_ERROR_KM if p is None else haversine_km(g.lat, g.lon, p.lat, p.lon)
        scores.errors.append(err)
        if err <= ACC_KM:
            scores.e2e_hits += 1
            scores.by_type[code]["hit"] += 1
        else:
            scores.cases.append(ErrorCase(article.id, g.phrase, err, (g.lat, g.lon),
                                          (p.lat, p.lon) if p else None,
                                          f"{p.name} [{p.feature_code} {p.country_code}]" if p else None, exact.why))
    gold_spans = [(g.start, g.end) for g in article.toponyms]
    gold_set = set(gold_spans)
    for s, r in by_span.items():
        if any(_overlaps(s, gs) for gs in gold_spans):
            scores.tp_overlap_pred += 1
        if s not in gold_set:
            scores.false_positives[r.mention.text] += 1


def run(corpus: str | Path, *, pipeline, limit: int | None = None, count_demonyms: bool = False,
        n_errors: int = 0, parse: "Callable[[list[Document]], Iterable[ParsedDocument]] | None" = None) -> dict:
    """Parse every article of ``corpus`` with ``pipeline`` and score it. ``parse`` replaces ``pipeline.parse``
    (the CLI's ``-j N`` passes the pool engine's; scoring sits below the engines, so it is handed in)."""
    articles = read_corpus(corpus)
    if limit:
        articles = articles[:limit]
    scores = Scores()
    docs = [Document(id=a.id, text=a.text) for a in articles]
    scores.words = sum(len(a.text.split()) for a in articles)
    t0 = time.perf_counter()
    parsed = list((parse or pipeline.parse)(docs))
    scores.seconds = time.perf_counter() - t0
    for a, pd in zip(articles, parsed):
        score_document(scores, a, pd, count_demonyms=count_demonyms)
    report = scores.as_dict()
    report["corpus"] = str(corpus)
    report["articles"] = len(articles)
    report["count_demonyms"] = count_demonyms
    if n_errors:
        worst = sorted(scores.cases, key=lambda c: -c.error_km)[:n_errors]
        report["errors"] = [{"doc": c.doc, "phrase": c.phrase, "error_km": round(c.error_km), "gold": c.gold,
                             "predicted": c.predicted, "predicted_name": c.predicted_name, "why": c.why}
                            for c in worst]
        report["missed"] = scores.false_negatives.most_common(n_errors)
        report["spurious"] = scores.false_positives.most_common(n_errors)
    return report


def format_report(r: dict) -> str:
    ex, ov, res = r["recognition_exact"], r["recognition_overlap"], r["resolution"]
    lines = [
        f"corpus {r['corpus']}: {r['articles']} articles, {r['gold_toponyms']} gold toponyms, "
        f"{r['predicted_toponyms']} predicted  ({r['words_per_second']} words/s)",
        f"recognition (exact)    P {ex['precision']:.3f}  R {ex['recall']:.3f}  F1 {ex['f1']:.3f}",
        f"recognition (overlap)  P {ov['precision']:.3f}  R {ov['recall']:.3f}  F1 {ov['f1']:.3f}",
        f"resolution (n={res['n']})  Acc@161 {res['acc161']:.3f}  median {res['median_km']} km  "
        f"mean {res['mean_km']} km  AUC {res['auc']}",
        f"end to end: {r['end_to_end_acc161']:.3f} of gold toponyms with coordinates recognised and within 161 km",
        "by gold feature type (gold / recognised / Acc@161):",
    ]
    for code, t in list(r["by_gold_type"].items())[:15]:
        lines.append(f"  {code:<8} {t['gold']:>5} {t['recognised']:>5}  {t['acc161'] if t['acc161'] is not None else '-'}")
    for e in r.get("errors", []):
        lines.append(f"  ERR {e['error_km']:>6} km  {e['phrase']!r} -> {e['predicted_name']}  [{e['doc']}] {e['why']}")
    if r.get("missed"):
        lines.append("most missed: " + ", ".join(f"{p} ({n})" for p, n in r["missed"]))
    if r.get("spurious"):
        lines.append("most spurious: " + ", ".join(f"{p} ({n})" for p, n in r["spurious"]))
    return "\n".join(lines)
