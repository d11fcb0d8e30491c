"""GeoPackage export for QGIS (and any OGC GeoPackage reader: ArcGIS, GDAL, geopandas), styled.

One point layer ``places`` (one feature per distinct place, the columns of the GeoJSON export made
flat: name, type, feature class/code, country, admin1, geonameid, population, mentions, articles,
focus, score, precision, titles, first snippet) in EPSG:4326, written by pyogrio (GDAL ships in its wheel), and
a QGIS style stored the way QGIS stores one (the ``layer_styles`` table, ``useAsDefault``): markers
coloured by place type as on the HTML map, sized by mentions, labelled with the name, so the layer
opens in QGIS looking like the map.

Why a GeoPackage rather than a kepler.gl config: a GeoPackage is one standard file that desktop GIS
opens with its styling and that keeps typed columns; kepler.gl users already have the GeoJSON export
(kepler reads it directly, its properties as columns).
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any, Sequence

from geo.io import temporary_beside
from geo.outputs.aggregate import FEATURE_TYPES, TYPE_COLORS, Aggregator, PlaceEntry
from geo.types import ParsedDocument

LAYER = "places"

def _rgb(hex_color: str) -> str:
    """``#6a3d9a`` -> ``106,61,154`` (QGIS colour values)."""
    return ",".join(str(int(hex_color[i:i + 2], 16)) for i in (1, 3, 5))

COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "str"), ("type", "str"), ("feature_class", "str"), ("feature_code", "str"), ("country", "str"),
    ("admin1", "str"), ("geonameid", "int"), ("population", "int"), ("mentions", "int"), ("articles", "int"),
    ("focus", "int"), ("score", "float"), ("precision", "str"), ("names", "str"), ("titles", "str"), ("snippet", "str"), ("id", "str"),
)


def _qml() -> str:
    cats, symbols = [], []
    for k, t in enumerate(FEATURE_TYPES):
        cats.append(f'<category render="true" symbol="{k}" value="{t}" label="{t}"/>')
        symbols.append(f"""<symbol type="marker" name="{k}" alpha="1" clip_to_extent="1" force_rhr="0">
 <layer class="SimpleMarker" enabled="1" locked="0" pass="0">
  <Option type="Map">
   <Option type="QString" name="color" value="{_rgb(TYPE_COLORS[t])},235"/>
   <Option type="QString" name="name" value="circle"/>
   <Option type="QString" name="outline_color" value="255,255,255,255"/>
   <Option type="QString" name="outline_width" value="0.4"/>
   <Option type="QString" name="size" value="3"/>
   <Option type="QString" name="size_unit" value="MM"/>
  </Option>
  <data_defined_properties><Option type="Map"><Option type="QString" name="name" value=""/>
   <Option type="Map" name="properties"><Option type="Map" name="size">
    <Option type="bool" name="active" value="true"/>
    <Option type="QString" name="expression" value="2.5 + 1.5 * ln(coalesce(&quot;mentions&quot;, 1))"/>
    <Option type="int" name="type" value="3"/>
   </Option></Option>
   <Option type="QString" name="type" value="collection"/></Option></data_defined_properties>
 </layer>
</symbol>""")
    return f"""<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
<qgis version="3.28" styleCategories="Symbology|Labeling">
 <renderer-v2 type="categorizedSymbol" attr="type" forceraster="0" symbollevels="0" enableorderby="1">
  <categories>{''.join(cats)}</categories>
  <symbols>{''.join(symbols)}</symbols>
  <orderby><orderByClause asc="1" nullsFirst="0">"mentions"</orderByClause></orderby>
 </renderer-v2>
 <labeling type="simple">
  <settings calloutType="simple">
   <text-style fieldName="name" fontSize="8" textColor="30,30,30,255" isExpression="0"/>
   <text-buffer bufferDraw="1" bufferSize="0.8" bufferColor="255,255,255,255"/>
   <placement placement="0" dist="1.5"/>
   <rendering scaleVisibility="0" obstacle="1"/>
  </settings>
 </labeling>
</qgis>
"""


def _rows(entries: Sequence[PlaceEntry]) -> tuple[list[Any], dict[str, list[Any]]]:
    import shapely

    geoms, cols = [], {name: [] for name, _ in COLUMNS}
    for e in entries:
        p = e.place
        if not (-90 <= p.lat <= 90) or p.lat != p.lat or p.lon != p.lon:
            continue
        geoms.append(shapely.to_wkb(shapely.Point(((p.lon + 180.0) % 360.0) - 180.0 if not -180 <= p.lon <= 180
                                                  else p.lon, p.lat)))
        snippet = next((s.text for dm in e.documents for s in dm.snippets), "")
        values = {
            "name": p.name, "type": e.feature_type, "feature_class": p.feature_class, "feature_code": p.feature_code,
            "country": p.country_code or "", "admin1": p.admin1 or "", "geonameid": p.geonameid or 0,
            "population": p.population or 0, "mentions": e.mentions, "articles": e.document_count, "focus": e.focus,
            "score": float(e.best_score), "precision": e.precision or "", "names": " | ".join(e.names),
            "titles": " | ".join(dm.document.title for dm in e.documents if dm.document.title),
            "snippet": snippet, "id": p.id,
        }
        for name, _ in COLUMNS:
            cols[name].append(values[name])
    return geoms, cols


def write_gpkg(parsed: Sequence[ParsedDocument] | None, path: str | os.PathLike, *,
               entries: Sequence[PlaceEntry] | None = None) -> int:
    """Write the places of ``parsed`` (or ready ``entries``) to a styled GeoPackage at ``path``
    (atomically); returns the number of features."""
    import numpy as np

    if entries is None:
        agg = Aggregator(1, documents=20)
        for pd in parsed or ():
            agg.add(pd)
        entries = agg.entries()
    geoms, cols = _rows(entries)
    dtypes = {"str": object, "int": np.int64, "float": np.float64}
    field_data = [np.array(cols[name], dtype=dtypes[kind]) for name, kind in COLUMNS]
    target = Path(path)
    tmp = str(temporary_beside(target, ".tmp.gpkg"))
    os.unlink(tmp)  # GDAL creates the file itself
    try:
        from pyogrio.raw import write

        write(tmp, np.array(geoms, dtype=object), field_data, [n for n, _ in COLUMNS], layer=LAYER, driver="GPKG",
              geometry_type="Point", crs="EPSG:4326", encoding="UTF-8")
        con = sqlite3.connect(tmp)
        try:
            con.execute("""CREATE TABLE IF NOT EXISTS layer_styles (
                id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
                f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
                styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
                update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))""")
            geom_col = con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name=?",
                                   (LAYER,)).fetchone()[0]
            con.execute("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                        "styleName, styleQML, styleSLD, useAsDefault, description, owner) "
                        "VALUES ('', '', ?, ?, 'geo', ?, '', 1, 'geo map style: colour by place type, size by "
                        "mentions', 'geo')", (LAYER, geom_col, _qml()))
            con.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) "
                        "VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles')")
            con.commit()
        finally:
            con.close()
        os.replace(tmp, target)
    except BaseException:
        for leftover in (tmp, tmp + "-journal", tmp + "-wal", tmp + "-shm"):
            try:
                os.unlink(leftover)
            except OSError:
                pass
        raise
    return len(geoms)
