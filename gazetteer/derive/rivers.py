"""Rivers along their whole course (Natural Earth v4 river segments, reach names from
curated/river_names.tsv, grouped by connectivity and merged into one line per river)."""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from shapely.geometry import shape
from shapely.ops import linemerge, unary_union

from geo.gazetteer.names import is_latin, normalize

from .common import TOL_PHYSICAL, add_alts, clean_display, place, read_tsv, rep_point, simplify
from .naturalearth import load_v5, ne_json, ne_rank

# a name that already says "river" in some language ("Rio Negro", "Shatt al Arab", "Wadi Hadramawt")
RIVER_WORD = re.compile(r"(?i)(?:^|\s)(?:river|r\.|rio|río|rivi[eè]re|wadi|oued|nahr|shatt|ribeir[aã]o|arroyo|"
                        r"canal|creek|brook|fork|delta)(?:\s|$)")


def river_variants(names) -> list[str]:
    """The forms news gives a river's names: "X", "X River" and "River X" for each name that does not
    already say "river" (British usage puts the word first: "River Mersey", "River Thames")."""
    out = []
    for n in names:
        n = (n or "").strip()
        if not n or not is_latin(n) or RIVER_WORD.search(n) or len(normalize(n)) < 3:
            continue
        out += [n, f"{n} River", f"River {n}"]
    return out


def v5_river_names(src: Path) -> dict[tuple[str, str], dict]:
    """Natural Earth v5 rows of the rivers layer, keyed by (dissolve, normalised name) -- the v4 segments
    carry the same ``dissolve`` key ("1044River") and name ("Punguè", English "Pungwe" in v5 only)."""
    out: dict[tuple[str, str], dict] = {}
    for r in load_v5(src, "ne_10m_rivers_lake_centerlines"):
        out.setdefault((r.get("dissolve", ""), normalize(r.get("name", ""))), r)
    return out


def merge_lines(geom):
    """Join touching parts of a line geometry into as few LineStrings as possible."""
    if geom.geom_type == "MultiLineString":
        return linemerge(geom)
    if geom.geom_type == "GeometryCollection":
        lines = [g for g in geom.geoms if g.geom_type in ("LineString", "MultiLineString")]
        return linemerge(unary_union(lines)) if lines else geom
    return geom


RIVER_GAP = 0.5  # degrees: same-named segments closer than this are one river ...
RIVERNUM_GAP = 5.0  # ... and so are those sharing Natural Earth's rivernum up to this far apart (gaps at lakes)


def derive_rivers(src: Path, curated: Path) -> list[tuple[dict, object]]:
    """One record and one (Multi)LineString per river, along its whole course.

    Natural Earth splits a river into segments, often under another language's name for a reach
    (the Euphrates is "Firat" in Turkey and "Al Furat" in Syria). ``curated/river_names.tsv`` maps
    those reach names to the river's name; the segments of one name are then grouped into connected
    rivers (union-find: closer than ``RIVER_GAP``, or sharing a Natural Earth ``rivernum`` and closer than
    ``RIVERNUM_GAP``; a segment in Iceland is also "Drau" 303), so same-named
    rivers elsewhere ("Grand" in Michigan and in Ontario, the two Salados of Argentina) stay apart.
    Each river's line is the merged union of its segments (lake centrelines included), simplified.
    Ordered longest first within a name, so the main river of a name gets the plain id."""
    table = read_tsv(curated / "river_names.tsv")
    same_river = {r["ne_name"]: r["river"] for r in table if r["how"] == "same"}
    part_of = [(r["ne_name"], r["river"]) for r in table if r["how"] == "part"]
    v5 = v5_river_names(src)
    by_name: dict[str, list] = defaultdict(list)
    for f in ne_json(src, "ne_10m_rivers_lake_centerlines"):
        p = f["properties"]
        name = p.get("name_en") or p.get("name")
        if not name or not f["geometry"]:
            continue
        name = clean_display(name)
        by_name[same_river.get(name, name)].append((p, shape(f["geometry"]), name))
    # reaches that are drawn as part of a longer river and also stay places of their own (the White
    # Nile is part of the Nile's course); their names do not become the river's alternate names
    parts: dict[str, set[int]] = defaultdict(set)
    for reach, river in part_of:
        for seg in by_name[reach]:
            parts[river].add(id(seg))
            by_name[river].append(seg)
    out = []
    for name, segs in sorted(by_name.items()):
        parent = list(range(len(segs)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for i in range(len(segs)):
            for j in range(i + 1, len(segs)):
                d = segs[i][1].distance(segs[j][1])
                if d < RIVER_GAP or (d < RIVERNUM_GAP and segs[i][0].get("rivernum") == segs[j][0].get("rivernum")):
                    parent[find(i)] = find(j)
        groups: dict[int, list] = defaultdict(list)
        for i, seg in enumerate(segs):
            groups[find(i)].append(seg)
        rivers = []
        for c in groups.values():
            if not any(p["featurecla"] == "River" for p, _, _ in c):
                continue  # a lake centreline alone is not a river
            line = merge_lines(unary_union([g for _, g, _ in c]))
            rivers.append((line, [seg for seg in c if id(seg) not in parts[name]] or c, c))
        rivers.sort(key=lambda t: (-round(t[0].length, 6), t[0].bounds))
        for line, c, whole in rivers:
            geom = simplify(line, TOL_PHYSICAL)
            geom = merge_lines(geom)
            # the point lies on the river's own reaches (the Nile's, not the White Nile's)
            own = geom if len(c) == len(whole) else merge_lines(unary_union([g for _, g, _ in c]))
            lat, lon = rep_point(own)
            p0 = min((p for p, _, _ in c), key=lambda p: (p.get("scalerank") or 99, p.get("rivernum") or 0))
            rec = place("", name, lat, lon, "H", "STM", "", "", 0, ne_rank(p0.get("scalerank")),
                        src="Natural Earth 10m rivers (v4), segments joined along the course; point on the longest part")
            alts = [p0.get("name"), p0.get("name_alt")] + sorted({n for _, _, n in c if n != name})
            alts += sorted({clean_display(p["name"]) for p, _, _ in c if p.get("name")})  # reach names ("Rio Negro")
            # v5's English names of the river's own segments ("Pungwe" for v4's "Punguè")
            rows = [v5.get((str(p.get("dissolve") or ""), normalize(p.get("name") or ""))) for p, _, _ in c]
            for r in rows:
                if r is not None:
                    alts += [clean_display(r.get(k, "")) for k in ("name_en", "name", "name_alt")]
            alts = [a for a in alts if a]
            # every name also as "X River" and "River X" ("Dnipro River", "River Mersey")
            alts += river_variants([name] + alts)
            add_alts(rec, [a for a in alts if a])
            out.append((rec, geom))
    return out

