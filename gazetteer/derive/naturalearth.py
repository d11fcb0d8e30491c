"""Natural Earth: the v5 admin-0 country shapefile, the v4 physical/label GeoJSON layers, and the v5
attribute tables whose English (and es/pt/fr) names are joined to the v4 features."""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zipfile
from difflib import SequenceMatcher
from pathlib import Path

from shapely.geometry import shape

from geo.gazetteer.names import is_latin, normalize

from .common import add_alts, clean_display


def load_ne_countries(src: Path) -> list[tuple[dict, object]]:
    import shapefile  # pyshp

    z = zipfile.ZipFile(src / "naturalearth_v5_admin0/ne_10m_admin_0_countries_deu.zip")
    base = "ne_10m_admin_0_countries_deu"
    r = shapefile.Reader(shp=io.BytesIO(z.read(base + ".shp")), shx=io.BytesIO(z.read(base + ".shx")),
                         dbf=io.BytesIO(z.read(base + ".dbf")), encoding="utf-8")
    fields = [f[0] for f in r.fields[1:]]
    out = []
    for sr in r.iterShapeRecords():
        attrs = dict(zip(fields, sr.record))
        out.append((attrs, shape(sr.shape.__geo_interface__)))
    return out


def ne_json(src: Path, name: str) -> list[dict]:
    with gzip.open(src / "naturalearth_v4_physical_admin1" / f"{name}.json.gz") as fh:
        return json.load(fh)["features"]



# ---- Natural Earth v5 attribute tables: English and other names for the v4 physical features

V5_LANGS = ("en", "es", "pt", "fr")  # English, and the local names of Latin America / Francophone Africa
# words that say what kind of feature a name is (a display name keeps them: "Kola Peninsula", not "Kola")
FEATURE_WORD = re.compile(r"(?i)\b(peninsula|mountains?|mts|desert|islands?|isles?|sea|bay|gulf|lake|river|"
                          r"straits?|plateau|valley|range|basin|delta|cape|mount|hills|channel|sound|coast|plain|"
                          r"lowlands?|highlands?|archipelago|reef|depression|glacier|falls|canyon|gorge|isthmus|"
                          r"reservoir|lagoon|fjord|ocean|atoll|volcano|massif|heights)\b")
LAKE_WORD = re.compile(r"(?i)\b(lake|lakes|lago|lagoa|laguna|lac|loch|lough|sea|reservoir|hu|see|ozero|jezero|"
                       r"g[oö]l[uü]?|buhayrat|bahr|water|pond|sj[oö]n|j[aä]rvi|nuur|tso|co)\b")
MOUNT_PREFIX = re.compile(r"(?i)^(gunung|jabal|jebel|djebel|jbel|mount|mt\.?|volc[aá]n|nevado|cerro|pico|gora)\s+")
LATIN_RIVER_CC = {"AR", "BO", "BR", "CL", "CO", "CR", "CU", "DO", "EC", "ES", "GQ", "GT", "HN", "MX", "NI", "PA",
                  "PE", "PR", "PT", "PY", "SV", "UY", "VE", "AO", "MZ"}


def load_v5(src: Path, layer: str) -> list[dict]:
    """Rows of a staged Natural Earth v5 attribute table, keys lower-cased."""
    with gzip.open(src / "naturalearth_v5_attributes" / f"{layer}.tsv.gz", "rt", encoding="utf-8", newline="") as fh:
        return [{k.lower(): (v or "").strip() for k, v in r.items()}
                for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]


class V5Names:
    """Join v5 rows to v4 features on a key (normalised name, feature class, and what tells same-named
    features apart: region, scalerank or point); a key that two v5 rows with different English names share
    is left unjoined."""

    def __init__(self, rows: list[dict], key) -> None:
        self.key = key
        self.rows: dict[tuple, dict | None] = {}
        for r in rows:
            k = key(r)
            if k in self.rows and (self.rows[k] or {}).get("name_en") != r.get("name_en"):
                self.rows[k] = None
            else:
                self.rows.setdefault(k, r)
        self.joined = 0

    def get(self, props: dict) -> dict | None:
        r = self.rows.get(self.key({k.lower(): (str(v) if v is not None else "") for k, v in props.items()}))
        self.joined += r is not None
        return r


def v5_key_region(r: dict) -> tuple:
    return (normalize(r.get("name", "")), r.get("featurecla", "").lower(), r.get("region", ""), r.get("subregion", ""))


def v5_key_named(r: dict) -> tuple:
    return (normalize(r.get("name", "")), r.get("featurecla", "").lower())


def v5_key_lake(r: dict) -> tuple:
    try:
        sr = int(float(r.get("scalerank") or -1))
    except ValueError:
        sr = -1
    return (normalize(r.get("name", "")), r.get("featurecla", "").lower(), sr)


def v5_key_point(r: dict) -> tuple:
    try:
        return (normalize(r.get("name", "")), r.get("featurecla", "").lower(),
                round(float(r.get("lat_y") or 0), 2), round(float(r.get("long_x") or 0), 2))
    except ValueError:
        return (normalize(r.get("name", "")), r.get("featurecla", "").lower(), None, None)


V5_MISMATCHED: list[tuple[str, str]] = []  # (v4 name, v5 English name) joins refused by same_name


def _core_words(name: str) -> list[str]:
    return [w for w in normalize(FEATURE_WORD.sub(" ", LAKE_WORD.sub(" ", MOUNT_PREFIX.sub("", name)))).split()
            if len(w) > 1 and w not in ("de", "del", "la", "el", "al", "of", "the", "di", "du", "des")]


def same_name(v4: str, en: str) -> bool:
    """Do a v4 name and a v5 English name name the same feature: some word of one (feature words aside)
    close to a word of the other ("Baykal"/"Baikal", "Hornos"/"Horn", "Atacama"/"Atacama")? A name whose
    words are all feature words, or an empty English name, passes."""
    a, b = _core_words(v4), _core_words(en or "")
    if not a or not b:
        return True
    return any(x == y or (min(len(x), len(y)) >= 4 and (x.startswith(y) or y.startswith(x)))
               or SequenceMatcher(None, x, y).ratio() >= 0.7 for x in a for y in b)


def core_name(name: str) -> str:
    """A feature's name without its feature words ("Poyang Hu", "Poyang Lake" -> "poyang")."""
    return " ".join(_core_words(name))


def apply_v5(rec: dict, row: dict | None, kind: str, others: "set[str] | None" = None) -> None:
    """English display name and the news forms of a Natural Earth feature.

    The display name becomes v5's English name (``name_en``) unless the v4 name already has an English
    feature word or contains the English name ("Kola Peninsula", "Indus Delta", "Lough Derg", "South Atlantic
    Ocean" stay; "Desierto De Atacama" becomes "Atacama Desert", "Lago de Maracaibo" "Lake Maracaibo",
    "Cabo de Hornos" "Cape Horn"); the v4 name, v5's English name and the Spanish, Portuguese and French
    names (those no shorter than the English one) become alternate names. Lakes without a lake word are
    shown as "Lake X" and also answer to "X Lake"; mountains answer to "Mount X", "Mt. X" and "X" ("Gunung
    Merapi" is shown as "Mount Merapi"). ``others``: the core names (:func:`core_name`) of the layer's
    other features: an English name that is another feature's and nothing like this one's is refused."""
    names = []
    if (row is not None and others and not same_name(rec["name"], row.get("name_en", ""))
            and " ".join(_core_words(row.get("name_en", ""))) in others):
        V5_MISMATCHED.append((rec["name"], row.get("name_en", "")))
        row = None  # another feature's name: v4 "Po Hu" (a lake in Anhui) is no "Poyang Lake" (v4 "Poyang Hu")
    if row is not None:
        en = clean_display(row.get("name_en", ""))
        old = f" {normalize(rec['name'])} "
        if (en and normalize(en) != normalize(rec["name"]) and f" {normalize(en)} " not in old
                and not FEATURE_WORD.search(rec["name"])):
            rec["alts"].insert(0, rec["name"])
            rec["name"] = en
        # another language's name only when it is no shorter than the English one: fr "Indus" for the
        # Indus Delta would make the delta answer to the river's name
        words = len(normalize(en or rec["name"]).split())
        names += [en] + [n for n in (row.get(f"name_{lang}", "") for lang in V5_LANGS[1:])
                         if len(normalize(n).split()) >= words]
        names += [row.get("name", ""), row.get("name_alt", ""), row.get("namealt", "")]
    if kind == "lake":
        core = rec["name"]
        local = re.fullmatch(r"(?i)(.+?)\s+(hu|nuur|nur|k[oö]li|g[oö]l[uü]?|see|co|tso|ko|numa)", core)
        if local:
            names += [f"Lake {local.group(1)}", f"{local.group(1)} Lake"]
        elif not LAKE_WORD.search(core):
            rec["alts"].insert(0, core)
            rec["name"] = f"Lake {core}"
            names += [f"{core} Lake"]
        else:
            m = re.fullmatch(r"(?i)(?:lake|lago|lac)\s+(.+)", core)
            if m:
                names += [f"{m.group(1)} Lake", f"Lake {m.group(1)}"]
    if kind == "mountain":
        m = MOUNT_PREFIX.match(rec["name"])
        core = rec["name"][m.end():] if m else rec["name"]
        if m and m.group(1).lower() in ("gunung", "jabal", "jebel", "djebel", "jbel", "gora"):
            rec["alts"].insert(0, rec["name"])
            rec["name"] = f"Mount {core}"
        if not FEATURE_WORD.search(core):
            names += [f"Mount {core}", f"Mt. {core}", f"Mt {core}", core]
    add_alts(rec, [n for n in names if n and is_latin(n)])



def ne_rank(scalerank) -> str:
    """Importance of a Natural Earth feature from its scalerank (0 = most prominent)."""
    try:
        sr = float(scalerank)
    except (TypeError, ValueError):
        sr = 8.0
    return f"{max(0.15, 0.8 - 0.06 * sr):.3f}"

