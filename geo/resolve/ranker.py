"""The ranker: a linear function of the standardised features, trained on the dev corpora's gold.

Models are JSON next to this file (coefficients, feature names, scaler, temperature, version and, for
trained ones, a hash of the training data) -- data, not a pickle. ``ranker.json`` is the default: the
model ``bench/train_ranker.py`` trains on the dev corpora's gold and the stories of
``bench/ranker_stories.py`` (scikit-learn, the ``train`` extra; ``LinearRanker.load("trained")`` is
the same model). ``ranker-hand.json`` keeps the former hand-tuned weights as a linear model, for
comparison (``LinearRanker.load("hand")``). Inference is a dot product in numpy.

A name's candidates are scored ``s = coef . (x - mean) / scale``; the softmax of ``s / temperature``
over the name's candidates is each candidate's probability (the mention's ``score``), and the terms
of the dot product are the feature contributions ``why`` lists.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from .features import FEATURES

MODEL_PATH = Path(__file__).with_name("ranker.json")  # the default model, bench/train_ranker.py's output
HAND_PATH = Path(__file__).with_name("ranker-hand.json")  # the former hand-tuned weights
FORMAT = "geo-linear-ranker/1"


class RankerError(ValueError):
    pass


@dataclass(frozen=True)
class LinearRanker:
    features: tuple[str, ...]
    coef: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    temperature: float = 1.0
    version: str = "0"
    meta: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self):
        n = len(self.features)
        if not (len(self.coef) == len(self.mean) == len(self.scale) == n):
            raise RankerError("ranker: coef, mean, scale and features differ in length")
        extra = sorted(set(self.features) - set(FEATURES))
        if extra or len(set(self.features)) != n:
            raise RankerError(f"ranker: the model uses features the resolver does not compute ({extra}) "
                              f"or names one twice; retrain with bench/train_ranker.py")
        if any(s <= 0 for s in self.scale) or self.temperature <= 0:
            raise RankerError("ranker: scale and temperature must be positive")
        import numpy as np

        # the model may use a subset of FEATURES: the others weigh nothing
        pos = {f: i for i, f in enumerate(FEATURES)}
        w = np.zeros(len(FEATURES))
        mean = np.zeros(len(FEATURES))
        for f, c, m, sc in zip(self.features, self.coef, self.mean, self.scale):
            w[pos[f]] = c / sc
            mean[pos[f]] = m
        object.__setattr__(self, "_w", w)
        object.__setattr__(self, "_mean", mean)
        object.__setattr__(self, "_b", float(np.dot(w, mean)))
        object.__setattr__(self, "_used", np.flatnonzero(w))  # the features that weigh something, in order
        # the same as (index, feature, mean, weight) Python floats, for ``explain``
        object.__setattr__(self, "_terms", tuple((int(j), FEATURES[j], float(mean[j]), float(w[j]))
                                                 for j in np.flatnonzero(w)))

    # -- persistence ------------------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, d: dict) -> "LinearRanker":
        if d.get("format") != FORMAT:
            raise RankerError(f"ranker: unknown model format {d.get('format')!r} (expected {FORMAT!r})")
        try:
            return cls(tuple(d["features"]), tuple(map(float, d["coef"])), tuple(map(float, d["mean"])),
                       tuple(map(float, d["scale"])), float(d.get("temperature", 1.0)), str(d["version"]),
                       dict(d.get("meta", {})))
        except (KeyError, TypeError) as e:
            raise RankerError(f"ranker: malformed model ({e})") from None

    @classmethod
    def load(cls, path: str | Path | None = None) -> "LinearRanker":
        if path is None:
            return _default()
        path = {"trained": MODEL_PATH, "hand": HAND_PATH}.get(str(path), path)
        try:
            return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as e:
            raise RankerError(f"{path}: cannot read the ranker model ({e})") from None

    def to_dict(self) -> dict:
        return {"format": FORMAT, "version": self.version, "features": list(self.features),
                "coef": [round(c, 6) for c in self.coef], "mean": [round(m, 6) for m in self.mean],
                "scale": [round(s, 6) for s in self.scale], "temperature": round(self.temperature, 6),
                "meta": self.meta}

    # -- inference --------------------------------------------------------------------------------------
    def scores(self, X) -> "np.ndarray":  # noqa: F821
        """The raw score of each row of ``X`` (candidates x features)."""
        return X @ self._w - self._b

    def probabilities(self, s) -> "np.ndarray":  # noqa: F821
        """Softmax of raw scores over one name's candidates."""
        import numpy as np

        z = (np.asarray(s, dtype=float) - np.max(s)) / self.temperature
        e = np.exp(z)
        return e / e.sum()

    def contributions(self, row) -> list[tuple[str, float]]:
        """Each feature's term in the score of ``row`` (relative to an average candidate), largest first."""
        import numpy as np  # (lazy, as in the other methods: start-up speed)

        used = self._used
        terms = ((np.asarray(row, dtype=float) - self._mean) * self._w)[used]
        # a stable sort on -|term|, as sorted() with that key: equal terms keep the features' order
        order = np.argsort(-np.abs(terms), kind="stable")
        return [(FEATURES[used[i]], float(terms[i])) for i in order.tolist()]


@lru_cache(maxsize=1)
def _default() -> LinearRanker:
    return LinearRanker.load(MODEL_PATH)


def explain(ranker: LinearRanker, row, describe, k: int = 6, present: Sequence[str] = ("prior",)) -> str:
    """``why``: the ``k`` largest contributions among the features the candidate has (non-zero),
    e.g. "prior 0.73 +1.2, in US, named in the text +0.8"; ``describe(feature)`` words one feature.

    (The contributions of :meth:`LinearRanker.contributions`, the same floats, in the same order: those
    left out are dropped before a stable sort on their size rather than after.)"""
    values = row.tolist() if hasattr(row, "tolist") else list(row)
    kept = []
    for j, f, mean, w in ranker._terms:
        x = values[j]
        if x == 0 and f not in present:
            continue
        v = (x - mean) * w
        if abs(v) < 0.05:
            continue
        kept.append((f, v))
    kept.sort(key=lambda fv: -abs(fv[1]))
    parts = [f"{describe(f)} {v:+.1f}" for f, v in kept[:k]]
    return ", ".join(parts) if parts else "prior only"
