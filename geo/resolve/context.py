"""What a document says about where it is: the evidence every candidate is scored against.

* :class:`Context` -- countries and first-level divisions the document names (directly, or through
  demonyms), built before any name is resolved;
* :func:`container_after` -- Y in "X, Y" / "X in Y" right after a mention;
* :class:`Others` -- what the previous round chose for the document's *other* names (their points,
  provinces and countries), for coherence and containment;
* :func:`support` -- spatial minimality: for each candidate, the share of the other names that have
  *some* candidate nearby ("Paris" near one of the "Henry County"s is Paris, Tennessee).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from ..features import AREA_CODES, COUNTRY_CODES
from ..types import Candidate, Mention, Place

if TYPE_CHECKING:  # pragma: no cover
    from ..gazetteer import Gazetteer

_AFTER_COMMA = re.compile(r"^,\s*([A-Z][A-Za-z.]*\.?(?:\s[A-Z][A-Za-z.]+)?)")
_IN_AFTER = re.compile(r"^\s+in\s+(?:the\s+)?([A-Z][\w.'-]*(?:\s[A-Z][\w.'-]+){0,2})")
#: no coherence or containment from these: they say nothing about where a story is
_NO_POINT = COUNTRY_CODES | {"CONT", "RGN"}


@dataclass
class Context:
    """Countries and provinces the document names, with how often (a demonym counts half)."""

    countries: Counter = field(default_factory=Counter)
    admin1: Counter = field(default_factory=Counter)  # (cc, admin1_code)

    @classmethod
    def build(cls, cands: Mapping[str, Sequence[Candidate]], counts: Mapping[str, int],
              demonym_places: Iterable[Place | None] = ()) -> "Context":
        """From what is (nearly) unambiguous: demonyms, countries, first-level divisions."""
        ctx = cls()
        for p in demonym_places:
            if p is not None and p.country_code:
                ctx.countries[p.country_code] += 0.5
        for name, cs in cands.items():
            if not cs or cs[0].similarity < 0.999:
                continue
            top, n = cs[0], counts.get(name, 0)
            if top.place.feature_code in COUNTRY_CODES and top.place.country_code:
                ctx.countries[top.place.country_code] += n
            elif top.place.feature_code == "ADM1" and top.place.country_code:
                ctx.countries[top.place.country_code] += 0.5 * n
                # "New York" may be the city: only an unambiguous province steers other names.
                if not any(c.place.feature_class == "P" and c.prior >= top.prior - 0.15 for c in cs[1:]):
                    ctx.admin1[(top.place.country_code, top.place.admin1_code)] += n
        return ctx


def container_after(gz: "Gazetteer", text: str, m: Mention) -> Place | None:
    """Y in "X, Y" or "X in Y": a province or country named right after the mention."""
    after = text[m.end:m.end + 50]
    mt = _AFTER_COMMA.match(after)
    if mt:
        y = mt.group(1).rstrip(",")
        for cand_name in (y, y.split()[0]) if " " in y else (y,):
            for c in gz.exact(cand_name)[:5]:
                if c.place.feature_code in AREA_CODES and c.place.feature_code not in {"CONT", "RGN", "ADM2"}:
                    return c.place
        return None
    mt = _IN_AFTER.match(after)
    if mt:  # "Deir Ezzor in Syria": only when Y's best sense is a country or province
        y = mt.group(1).rstrip(".,")
        for cand_name in dict.fromkeys((y, " ".join(y.split()[:2]), y.split()[0])):
            cs = gz.exact(cand_name)
            if cs:
                top = cs[0].place
                return top if top.feature_code in COUNTRY_CODES | {"ADM1"} else None
    return None


def inside(p: Place, y: Place) -> bool:
    """Does ``p`` lie in country or province ``y``?"""
    if p.id == y.id:
        return False
    if y.feature_code in COUNTRY_CODES:
        return p.country_code == y.country_code
    if y.feature_code == "ADM1":
        return p.country_code == y.country_code and p.admin1_code == y.admin1_code
    return False


@dataclass
class Others:
    """The previous round's choices for a document's names, seen from one name (``without``)."""

    per_name: dict[str, list[Place]]
    points: list[tuple[float, float]] = field(default_factory=list)
    admin1: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)
    total: float = 0.0

    @classmethod
    def from_choices(cls, chosen: Mapping[tuple[str, str | None], Place | None],
                     groups: Mapping[tuple[str, str | None], Sequence[Mention]]) -> "Others":
        per_name: dict[str, list[Place]] = defaultdict(list)
        for key, p in chosen.items():
            if p is not None:
                per_name[key[0]].extend([p] * len(groups[key]))
        return cls(per_name)

    def without(self, name: str) -> "Others":
        o = Others(self.per_name)
        for n, places in self.per_name.items():
            if n == name:
                continue
            for p in places:
                if p.feature_code in _NO_POINT:
                    continue
                o.points.append((p.lat, p.lon))
                o.total += 1.0
                if p.country_code:
                    o.countries[p.country_code] += 1
                    if p.admin1_code:
                        o.admin1[(p.country_code, p.admin1_code)] += 1
        return o

    def near_share(self, p: Place, radius_km: float) -> float:
        """The share of the other places within ``radius_km`` of ``p``."""
        if not self.total:
            return 0.0
        import numpy as np

        pts = self.__dict__.get("_radians")
        if pts is None:
            pts = self.__dict__["_radians"] = np.radians(np.asarray(self.points, dtype=float))
        lat1, lon1 = np.radians(p.lat), np.radians(p.lon)
        a = (np.sin((pts[:, 0] - lat1) / 2) ** 2
             + np.cos(lat1) * np.cos(pts[:, 0]) * np.sin((pts[:, 1] - lon1) / 2) ** 2)
        d = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
        return float((d < radius_km).sum()) / self.total


def support(cands: Mapping[str, Sequence[Candidate]], radius_km: float) -> dict[tuple[str, str], float]:
    """For each (name, candidate id): the share of the document's other names that have *some*
    candidate within ``radius_km`` ("Paris" near one of the "Henry County"s is Paris, Tennessee)."""
    import numpy as np

    names = [n for n, cs in cands.items() if cs]
    if len(names) < 2:
        return {}
    rows = [(k, c.place.id, c.place.lat, c.place.lon) for k, n in enumerate(names) for c in cands[n]
            if c.place.feature_code not in COUNTRY_CODES | {"CONT", "RGN", "OCN", "SEA"}]
    if not rows:
        return {}
    idx = np.array([r[0] for r in rows])
    lat = np.radians(np.array([r[2] for r in rows], dtype=float))
    lon = np.radians(np.array([r[3] for r in rows], dtype=float))
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    near = (2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))) < radius_km
    ids = [r[1] for r in rows]
    same_place = np.array(ids)[:, None] == np.array(ids)[None, :]
    near &= ~same_place
    # per candidate, which other names have a near candidate
    hit = np.zeros((len(rows), len(names)), dtype=bool)
    for k in range(len(names)):
        cols = idx == k
        if cols.any():
            hit[:, k] = near[:, cols].any(axis=1)
    hit[np.arange(len(rows)), idx] = False
    share = hit.sum(axis=1) / (len(names) - 1)
    return {(names[r[0]], r[1]): float(v) for r, v in zip(rows, share) if v > 0}
