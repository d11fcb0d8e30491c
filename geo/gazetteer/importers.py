"""Importers for user-supplied gazetteer inputs, streamed in bounded memory and validated line by line.

- GeoNames dumps (``allCountries.txt``/``.zip``, ``cities500.txt``/``.zip``, per-country ``XX.zip``): the
  19-column tab-separated ``geoname`` table. Rows update the shipped places with the same GeoNames id
  (real feature codes, newer points and names) or add new ones.
- ``alternateNamesV2.txt``/``.zip``: alternate names attached to places already in the store.
- Extra places: CSV (``name,lat,lon`` plus optional ``type,country,alternate_names,id,population,importance``)
  or GeoJSON (a FeatureCollection; ``properties.name`` required, any geometry).

Any bad row stops the build with ``GazetteerBuildError("<file>: line N: <problem>")``.
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path
from typing import IO, Iterator

from .records import GazetteerBuildError, Rec
from .names import is_latin, normalize

GEONAMES_FIELDS = 19
BIG_CITY = 100_000
_SKIP_ALT_LANGS = {"link", "wkdt", "post", "iata", "icao", "faac", "fr_1793", "tcid", "unlc", "phon", "piny"}


def _open_text(path: Path, want: str) -> Iterator[tuple[str, IO[str]]]:
    """Yield (display name, text stream) for a .txt file or the data member(s) of a GeoNames .zip."""
    if not path.exists():
        raise GazetteerBuildError(f"{path}: file not found")
    if path.suffix.lower() == ".zip":
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as e:
            raise GazetteerBuildError(f"{path}: not a readable zip archive ({e})") from None
        with zf:
            members = [m for m in zf.namelist() if m.lower().endswith(".txt") and "readme" not in m.lower()
                       and not m.endswith("/")]
            if want == "alternate":
                members = [m for m in members if "alternate" in m.lower()]
            if not members:
                raise GazetteerBuildError(f"{path}: no data file (.txt) inside the zip archive")
            for m in members:
                try:
                    with zf.open(m) as raw:
                        yield f"{path}:{m}", io.TextIOWrapper(raw, encoding="utf-8", newline="")
                except (zipfile.BadZipFile, EOFError, OSError) as e:
                    raise GazetteerBuildError(f"{path}:{m}: corrupt or truncated archive ({e})") from None
    else:
        with open(path, encoding="utf-8", newline="") as fh:
            yield str(path), fh


def _lines(display: str, fh: IO[str]) -> Iterator[tuple[int, str]]:
    lineno = 0
    try:
        for lineno, line in enumerate(fh, start=1):
            yield lineno, line
    except UnicodeDecodeError as e:
        raise GazetteerBuildError(f"{display}: line {lineno + 1}: not UTF-8 text ({e.reason})") from None
    except (zipfile.BadZipFile, EOFError, OSError) as e:
        raise GazetteerBuildError(f"{display}: line {lineno + 1}: corrupt or truncated data ({e})") from None


def keep_alternate(name: str, population: int) -> bool:
    """Drop postcodes, IATA-like codes and machine romanisations; non-Latin names only for big places."""
    if not name or any(ch.isdigit() for ch in name) or "|" in name:
        return False
    if name == name.lower() and is_latin(name):
        return False
    if name.isupper() and len(name) <= 4 and " " not in name and "." not in name:
        return False
    return is_latin(name) or population >= BIG_CITY


def _coord(display: str, lineno: int, lat: str, lon: str) -> tuple[float, float]:
    try:
        la, lo = float(lat), float(lon)
    except ValueError:
        raise GazetteerBuildError(f"{display}: line {lineno}: bad coordinates {lat!r}, {lon!r}") from None
    if not (-90 <= la <= 90 and -180 <= lo <= 180):
        raise GazetteerBuildError(f"{display}: line {lineno}: coordinates out of range ({la}, {lo})")
    return la, lo


def iter_geonames(path: Path) -> Iterator[Rec]:
    """Places from a GeoNames dump (19 tab-separated columns, no header)."""
    path = Path(path)
    for display, fh in _open_text(path, "geonames"):
        n = 0
        for lineno, line in _lines(display, fh):
            line = line.rstrip("\r\n")
            if not line or line.startswith("#"):
                continue
            f = line.split("\t")
            if len(f) != GEONAMES_FIELDS:
                raise GazetteerBuildError(
                    f"{display}: line {lineno}: expected {GEONAMES_FIELDS} tab-separated GeoNames columns, got "
                    f"{len(f)} (is this a GeoNames dump? alternate names go to --alternate-names)")
            if not f[0].isdigit():
                raise GazetteerBuildError(f"{display}: line {lineno}: geonameid {f[0]!r} is not a number")
            if not f[1]:
                raise GazetteerBuildError(f"{display}: line {lineno}: empty name")
            lat, lon = _coord(display, lineno, f[4], f[5])
            try:
                pop = int(f[14] or 0)
            except ValueError:
                raise GazetteerBuildError(f"{display}: line {lineno}: population {f[14]!r} is not a number") from None
            fclass, fcode = f[6] or "L", f[7] or ""
            if len(fclass) != 1 or not fclass.isalpha():
                raise GazetteerBuildError(f"{display}: line {lineno}: bad feature class {fclass!r}")
            alts = [a for a in ([f[2]] + f[3].split(",")) if keep_alternate(a, pop) and a != f[1]]
            n += 1
            yield Rec(id=f[0], name=f[1], lat=lat, lon=lon, fclass=fclass, fcode=fcode or fclass, cc=f[8],
                      a1=f[10], population=pop,
                      geonameid=int(f[0]), alts=alts, source=f"GeoNames dump {path.name}")
        if n == 0:
            raise GazetteerBuildError(f"{display}: no GeoNames rows found (empty file?)")


def iter_alternate_names(path: Path) -> Iterator[tuple[int, str]]:
    """(geonameid, name) pairs from alternateNamesV2 (10 columns) or the older 8-column alternateNames."""
    path = Path(path)
    for display, fh in _open_text(path, "alternate"):
        n = 0
        for lineno, line in _lines(display, fh):
            line = line.rstrip("\r\n")
            if not line:
                continue
            f = line.split("\t")
            if len(f) not in (8, 10):
                raise GazetteerBuildError(f"{display}: line {lineno}: expected 10 (alternateNamesV2) or 8 "
                                          f"tab-separated columns, got {len(f)}")
            if not f[0].isdigit() or not f[1].isdigit():
                raise GazetteerBuildError(f"{display}: line {lineno}: alternateNameId/geonameid must be numbers")
            n += 1
            lang, name = f[2], f[3]
            historic = f[7] == "1" if len(f) >= 8 else False
            if lang in _SKIP_ALT_LANGS or historic or not name:
                continue
            if lang == "abbr" or keep_alternate(name, BIG_CITY if lang in ("", "en") else 0):
                yield int(f[1]), name
        if n == 0:
            raise GazetteerBuildError(f"{display}: no alternate-name rows found (empty file?)")


# friendly type words for extra places -> (feature class, feature code)
TYPE_WORDS = {
    "city": ("P", "PPL"), "town": ("P", "PPL"), "village": ("P", "PPL"), "place": ("P", "PPL"),
    "capital": ("P", "PPLC"), "country": ("A", "PCLI"), "state": ("A", "ADM1"), "province": ("A", "ADM1"),
    "governorate": ("A", "ADM1"), "county": ("A", "ADM2"), "district": ("A", "ADM2"), "region": ("L", "RGN"),
    "area": ("L", "AREA"), "river": ("H", "STM"), "lake": ("H", "LK"), "sea": ("H", "SEA"), "bay": ("H", "BAY"),
    "gulf": ("H", "GULF"), "strait": ("H", "STRT"), "mountain": ("T", "MT"), "mountains": ("T", "MTS"),
    "island": ("T", "ISL"), "desert": ("T", "DSRT"), "valley": ("T", "VAL"), "camp": ("S", "CMP"),
    "border crossing": ("S", "PSTB"), "crossing": ("S", "PSTB"), "airport": ("S", "AIRP"), "port": ("S", "PRT"),
    "base": ("S", "INSM"), "building": ("S", "BLDG"), "site": ("S", "HSTS"), "neighbourhood": ("P", "PPLX"),
    "neighborhood": ("P", "PPLX"), "dam": ("S", "DAM"), "bridge": ("S", "BDG"), "landmark": ("S", "BLDG"),
}
_FEATURE_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,4}$")
_CLASS_OF_CODE = {"PCL": "A", "ADM": "A", "PPL": "P", "STM": "H", "LK": "H", "SEA": "H", "GULF": "H", "BAY": "H",
                  "STRT": "H", "RGN": "L", "AREA": "L", "CONT": "L", "MT": "T", "ISL": "T", "DSRT": "T", "VAL": "T"}
DEFAULT_EXTRA_IMPORTANCE = 0.6


def _feature(display: str, where: str, value: str) -> tuple[str, str]:
    v = (value or "").strip()
    if not v:
        return "P", "PPL"
    if v.lower() in TYPE_WORDS:
        return TYPE_WORDS[v.lower()]
    if "." in v and len(v.split(".", 1)[0]) == 1:  # "P.PPLA"
        c, code = v.split(".", 1)
        return c.upper(), code.upper()
    if _FEATURE_CODE.match(v):
        for prefix, c in _CLASS_OF_CODE.items():
            if v.startswith(prefix):
                return c, v
        return "S", v
    raise GazetteerBuildError(f"{display}: {where}: unknown type {value!r} (use a GeoNames feature code such as "
                              f"PPL, ADM1, STM, or one of: {', '.join(sorted(TYPE_WORDS))})")


def _alts(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [a.strip() for a in re.split(r"[|;]", str(value)) if a.strip()]


def _extra_rec(display: str, where: str, stem: str, n: int, props: dict, lat: float, lon: float) -> Rec:
    name = str(props.get("name") or "").strip()
    if not name:
        raise GazetteerBuildError(f"{display}: {where}: missing name")
    fclass, fcode = _feature(display, where, str(props.get("type") or props.get("feature_code") or ""))
    cc = str(props.get("country") or props.get("country_code") or "").strip().upper()
    if cc and not re.fullmatch(r"[A-Z]{2}", cc):
        raise GazetteerBuildError(f"{display}: {where}: country must be an ISO 3166 alpha-2 code, got {cc!r}")
    try:
        pop = int(float(props.get("population") or 0))
        imp = props.get("importance")
        rank = float(imp) if imp not in (None, "") else (None if pop else DEFAULT_EXTRA_IMPORTANCE)
    except (TypeError, ValueError):
        raise GazetteerBuildError(f"{display}: {where}: population/importance must be numbers") from None
    if rank is not None and not 0 <= rank <= 1:
        raise GazetteerBuildError(f"{display}: {where}: importance must be between 0 and 1")
    gid = str(props.get("geonameid") or "").strip()
    pid = str(props.get("id") or "").strip() or (gid if gid.isdigit() else f"extra:{stem}:{normalize(name).replace(' ', '-')}-{n}")
    return Rec(id=pid, name=name, lat=lat, lon=lon, fclass=fclass, fcode=fcode, cc=cc,
               a1=str(props.get("admin1_code") or "").strip(), population=pop, rank=rank,
               geonameid=int(gid) if gid.isdigit() else None,
               alts=_alts(props.get("alternate_names") or props.get("alternatenames")),
               source=f"user extra file {Path(display).name}")


def iter_extra(path: Path) -> Iterator[tuple[Rec, object]]:
    """(record, shapely geometry or None) from a CSV or GeoJSON file of the user's own places."""
    path = Path(path)
    if not path.exists():
        raise GazetteerBuildError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        yield from _iter_geojson(path)
    elif suffix in (".csv", ".tsv", ".txt"):
        yield from _iter_csv(path)
    else:
        raise GazetteerBuildError(f"{path}: unsupported extra file type {suffix!r} (use .csv, .tsv or .geojson)")


def _iter_csv(path: Path) -> Iterator[tuple[Rec, object]]:
    display = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise GazetteerBuildError(f"{display}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    delim = "\t" if path.suffix.lower() == ".tsv" else ","
    if delim == "," and text:
        try:
            delim = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t").delimiter
        except csv.Error:
            pass
    reader = csv.DictReader(io.StringIO(text), delimiter=delim)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = {"name", "lat", "lon"} - set(header) - ({"lat", "lon"} if {"latitude", "longitude"} <= set(header) else set())
    if missing:
        raise GazetteerBuildError(f"{display}: line 1: missing column(s) {', '.join(sorted(missing))} "
                                  f"(need name, lat, lon; optional type, country, alternate_names, id, population)")
    reader.fieldnames = header
    n = 0
    for n, row in enumerate(reader, start=1):
        lineno = reader.line_num
        if None in row:
            raise GazetteerBuildError(f"{display}: line {lineno}: more fields than the header has")
        lat, lon = _coord(display, lineno, row.get("lat") or row.get("latitude") or "",
                          row.get("lon") or row.get("longitude") or "")
        yield _extra_rec(display, f"line {lineno}", path.stem, n, row, lat, lon), None
    if n == 0:
        raise GazetteerBuildError(f"{display}: no places (only a header or empty)")


def _iter_geojson(path: Path) -> Iterator[tuple[Rec, object]]:
    from shapely.geometry import shape

    display = str(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as e:
        raise GazetteerBuildError(f"{display}: not UTF-8 text ({e.reason})") from None
    except json.JSONDecodeError as e:
        raise GazetteerBuildError(f"{display}: line {e.lineno}: invalid JSON ({e.msg})") from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    elif isinstance(doc, dict) and doc.get("type") == "FeatureCollection" and isinstance(doc.get("features"), list):
        features = doc["features"]
    else:
        raise GazetteerBuildError(f"{display}: not a GeoJSON Feature or FeatureCollection")
    if not features:
        raise GazetteerBuildError(f"{display}: the FeatureCollection has no features")
    for i, feat in enumerate(features, start=1):
        where = f"feature {i}"
        if not isinstance(feat, dict) or not isinstance(feat.get("geometry"), dict):
            raise GazetteerBuildError(f"{display}: {where}: missing geometry")
        try:
            geom = shape(feat["geometry"])
        except Exception as e:  # shapely raises several types for malformed coordinates
            raise GazetteerBuildError(f"{display}: {where}: invalid geometry ({e})") from None
        if geom.is_empty:
            raise GazetteerBuildError(f"{display}: {where}: empty geometry")
        if geom.geom_type == "Point":
            lat, lon = _coord(display, where, str(geom.y), str(geom.x))
            geom = None
        else:
            if not geom.is_valid:
                from shapely import make_valid

                geom = make_valid(geom)
            pt = geom.representative_point() if geom.geom_type.endswith("Polygon") else \
                geom.interpolate(0.5, normalized=True) if geom.geom_type == "LineString" else geom.representative_point()
            lat, lon = _coord(display, where, str(pt.y), str(pt.x))
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            raise GazetteerBuildError(f"{display}: {where}: properties must be an object")
        yield _extra_rec(display, where, path.stem, i, props, lat, lon), geom
