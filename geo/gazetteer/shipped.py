"""The shipped data: where it is (``$GEO_GAZETTEER_DATA``, the wheel, the checkout), its version, and
readers of its files (places, geometry, precomputed name keys, small TSV tables)."""
from __future__ import annotations

import csv
import gzip
import hashlib
import os
from importlib import resources
from pathlib import Path
from typing import Callable, Iterator

from .names import normalizer_version
from .records import GazetteerBuildError, Rec
from .schema import SCHEMA_VERSION

csv.field_size_limit(2**31 - 1)


def data_dir() -> Path:
    """The shipped data: ``$GEO_GAZETTEER_DATA`` if set, ``geo/_gazetteer_data`` in an installed wheel,
    else the repository's ``gazetteer/data``."""
    env = os.environ.get("GEO_GAZETTEER_DATA")
    if env:
        if not (Path(env) / "VERSION").is_file():
            raise GazetteerBuildError(f"{env}: GEO_GAZETTEER_DATA has no VERSION file")
        return Path(env)
    try:
        pkg = resources.files("geo") / "_gazetteer_data"
        if pkg.is_dir() and (pkg / "VERSION").is_file():
            return Path(str(pkg))
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        pass
    repo = Path(__file__).resolve().parents[2] / "gazetteer" / "data"
    if (repo / "VERSION").is_file():
        return repo
    raise GazetteerBuildError(
        "gazetteer data not found: neither geo/_gazetteer_data (installed wheel) nor gazetteer/data (checkout)")


def data_version(directory: Path | None = None) -> str:
    """The version of the shipped data plus the store schema, e.g. ``20261125.8de6b34e2f-s1``."""
    d = directory or data_dir()
    return f"{(d / 'VERSION').read_text(encoding='utf-8').strip()}{_l10n_version(d)}-s{SCHEMA_VERSION}"


L10N_FILE = "names_l10n.tsv.gz"  # names in other languages (gazetteer/derive/l10n.py), optional
L10N_DEMONYMS = "demonyms_l10n.tsv"  # demonyms in other languages ("syriens"), optional


def _l10n_version(d: Path) -> str:
    """``+l`` and a hash of the localized names and demonyms when the data has them (their own derivation)."""
    paths = [d / n for n in (L10N_FILE, L10N_DEMONYMS) if (d / n).is_file()]
    return f"+l{hashlib.sha256(b''.join(p.read_bytes() for p in paths)).hexdigest()[:8]}" if paths else ""



PLACE_COLUMNS = ["id", "name", "lat", "lon", "feature_class", "feature_code", "country_code", "admin1_code",
                 "population", "rank", "geonameid", "alternate_names", "source"]


def read_shipped_places(path: Path, on_bytes: Callable[[int], None] | None = None) -> Iterator[Rec]:
    raw = open(path, "rb")
    with raw, gzip.open(raw, "rt", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if header != PLACE_COLUMNS:
            raise GazetteerBuildError(f"{path}: line 1: unexpected header {header}")
        for lineno, f in enumerate(reader, start=2):
            if len(f) != len(PLACE_COLUMNS):
                raise GazetteerBuildError(f"{path}: line {lineno}: expected {len(PLACE_COLUMNS)} fields, got {len(f)}")
            yield Rec(f[0], f[1], float(f[2]), float(f[3]), f[4], f[5], f[6], f[7], int(f[8] or 0),
                      float(f[9]) if f[9] else None, int(f[10]) if f[10] else None,
                      [a for a in f[11].split("|") if a], f[12])
            if on_bytes and lineno % 5000 == 0:
                on_bytes(raw.tell())


def read_shipped_geometry(path: Path) -> Iterator[tuple[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        next(fh)
        for line in fh:
            pid, _, wkt = line.rstrip("\n").partition("\t")
            yield pid, wkt


def read_shipped_keys(path: Path, places: list[tuple[str, list[str]]]) -> dict[str, tuple[str, str]]:
    """{name: (normalised key, variant key)} from ``keys.tsv.gz``, aligned with ``places`` ((id, [name, *alts])
    in file order); empty if the file is missing, was made by another version of names.py, or does not
    line up with places.tsv.gz (then the builder computes every key itself)."""
    if not path.is_file():
        return {}
    out: dict[str, tuple[str, str]] = {}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        if fh.readline().strip() != f"# normalizer {normalizer_version()}":
            return {}
        for (pid, names), line in zip(places, fh):
            kid, keys, vkeys = line.rstrip("\n").split("\t")
            ks, vs = keys.split("|"), vkeys.split("|")
            if kid != pid or len(ks) != len(names) or len(vs) != len(names):
                return {}
            for n, k, v in zip(names, ks, vs):
                out[n] = (k or n.lower(), v)
    return out


def read_small_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
