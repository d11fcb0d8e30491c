"""The output files: places.tsv.gz, keys.tsv.gz, geometry.tsv.gz, aliases.tsv, demonyms.tsv,
ATTRIBUTION.md and VERSION (deterministic: sorted rows, gzip mtime 0, content-hash version)."""
from __future__ import annotations

import gzip
import hashlib
import io
import re
from collections import Counter
from pathlib import Path

from geo.gazetteer.names import normalize, normalizer_version, variant_key_of_key

from .common import Collector, fmt, log, read_tsv, to_wkt

COLUMNS = ["id", "name", "lat", "lon", "feature_class", "feature_code", "country_code", "admin1_code",
           "population", "rank", "geonameid", "alternate_names", "source"]


def write_outputs(col: Collector, curated: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    ids = set(col.places)

    def gz_write(path: Path, lines) -> None:
        raw = io.BytesIO()
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gzf:
            for line in lines:
                gzf.write(line.encode("utf-8"))
        path.write_bytes(raw.getvalue())

    def place_lines():
        yield "\t".join(COLUMNS) + "\n"
        for pid in sorted(col.places):
            r = col.places[pid]
            row = [r["id"], r["name"], fmt(r["lat"]), fmt(r["lon"]), r["fcl"], r["fcode"], r["cc"], r["a1"],
                   str(r["pop"]), str(r["rank"] or ""), r["gid"], "|".join(r["alts"]), r["src"]]
            for v in row:
                if "\t" in v or "\n" in v:
                    raise ValueError(f"tab/newline in {pid}: {v!r}")
            yield "\t".join(row) + "\n"

    def geom_lines():
        yield "id\twkt\n"
        for pid in sorted(col.geoms):
            yield f"{pid}\t{to_wkt(col.geoms[pid])}\n"

    def key_lines():
        # the store builder's exact-match and variant keys of every name, precomputed (they cost most of
        # a first build); "" = the key is the name lower-cased. Valid only for the names.py they were made by.
        yield f"# normalizer {normalizer_version()}\n"
        for pid in sorted(col.places):
            r = col.places[pid]
            names = [r["name"]] + r["alts"]
            keys = [normalize(n) for n in names]
            yield (f"{pid}\t{'|'.join('' if k == n.lower() else k for n, k in zip(names, keys))}\t"
                   f"{'|'.join(variant_key_of_key(k) for k in keys)}\n")

    gz_write(out / "places.tsv.gz", place_lines())
    gz_write(out / "keys.tsv.gz", key_lines())
    gz_write(out / "geometry.tsv.gz", geom_lines())
    for name, first in (("aliases.tsv", "alias"), ("demonyms.tsv", "word")):
        lines = [f"{first}\tplace_id\tsource\n"]
        for r in read_tsv(curated / name):
            target = r["target"]
            if re.fullmatch(r"[A-Z]{2}", target):
                pid = col.country_ids.get(target, target)
            elif re.fullmatch(r"[A-Z]{2}\.[A-Z0-9]+", target):
                pid = col.admin1_ids.get(target, target)
            else:
                pid = target
            if pid not in ids:
                raise SystemExit(f"curated/{name}: unknown target {target!r} in {r}")
            lines.append(f"{r[first]}\t{pid}\t{r['source']}\n")
        (out / name).write_text("".join(lines), encoding="utf-8")
    # the attribution travels with the data (it is force-included in the wheel as geo/_gazetteer_data)
    (out / "ATTRIBUTION.md").write_text((curated.parent / "ATTRIBUTION.md").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    h = hashlib.sha256()
    for name in ("places.tsv.gz", "geometry.tsv.gz", "aliases.tsv", "demonyms.tsv", "keys.tsv.gz"):
        h.update((out / name).read_bytes())
    version = h.hexdigest()[:12]  # content-addressed: the same inputs give the same version
    (out / "VERSION").write_text(version + "\n", encoding="utf-8")
    counts = Counter(r["fcl"] for r in col.places.values())
    log(f"wrote {len(col.places)} places ({dict(sorted(counts.items()))}), {len(col.geoms)} geometries, version {version}")
