"""``geo gazetteer``: look names up, show what the store holds, (re)build it with optional imports.

The gazetteer modules are imported inside the commands, so listing them (``geo --help``) stays fast."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

EXAMPLES = """
\b
Examples:
  geo gazetteer lookup "Deir ez-Zor" --limit 5     # ranked candidates for a name
  geo gazetteer lookup Paris --country US --json
  geo gazetteer info                              # what the store holds and where it is
  geo gazetteer build --geonames cities500.zip    # rebuild, importing a GeoNames dump
"""


def _open(progress: bool = True):
    from geo.gazetteer.build import GazetteerBuildError
    from geo.gazetteer.store import Gazetteer

    try:
        return Gazetteer.open(progress=progress and sys.stderr.isatty())
    except GazetteerBuildError as e:
        raise click.ClickException(str(e)) from None


@click.group(help="The offline gazetteer: lookup, info, build.", epilog=EXAMPLES)
def gazetteer() -> None:
    pass


@gazetteer.command(help="Ranked gazetteer candidates for NAME (exact matches, then fuzzy).", epilog=EXAMPLES)
@click.argument("name")
@click.option("--country", metavar="CC", default=None, help="Only places in this country (ISO 3166 alpha-2).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="At most N candidates.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of candidate objects.")
@click.option("--no-fuzzy", is_flag=True, help="Exact (normalised) matches only.")
def lookup(name: str, country: str | None, limit: int, as_json: bool, no_fuzzy: bool) -> None:
    if country is not None and (len(country) != 2 or not country.isalpha()):
        raise click.BadParameter("use an ISO 3166 alpha-2 code such as SY or US", param_hint="--country")
    gz = _open()
    cands = gz.lookup(name, country=country, limit=limit, fuzzy=not no_fuzzy)
    if as_json:
        out = [{
            "name": c.place.name, "lat": c.place.lat, "lon": c.place.lon, "feature_class": c.place.feature_class,
            "feature_code": c.place.feature_code, "country_code": c.place.country_code, "admin1": c.place.admin1,
            "admin1_code": c.place.admin1_code, "population": c.place.population, "geonameid": c.place.geonameid,
            "id": c.place.id, "matched_name": c.matched_name, "similarity": round(c.similarity, 4),
            "prior": round(c.prior, 4), "score": round(c.similarity * c.prior, 4),
            "has_geometry": c.place.has_geometry,
        } for c in cands]
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    if not cands:
        click.echo(f"no candidates for {name!r}" + (f" in {country.upper()}" if country else ""))
        sys.exit(1)
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"{name}", show_lines=False)
    for col in ("#", "name", "code", "cc", "admin1", "lat", "lon", "population", "matched", "sim", "prior", "id"):
        t.add_column(col, overflow="fold")
    for i, c in enumerate(cands, start=1):
        p = c.place
        t.add_row(str(i), p.name, f"{p.feature_class}.{p.feature_code}", p.country_code or "", p.admin1 or "",
                  f"{p.lat:.4f}", f"{p.lon:.4f}", f"{p.population:,}" if p.population else "", c.matched_name,
                  f"{c.similarity:.2f}", f"{c.prior:.3f}", p.id)
    Console(width=None if sys.stdout.isatty() else 160).print(t)


@gazetteer.command(help="Sources, counts per feature class, size, data version and store location.",
                   epilog=EXAMPLES)
@click.option("--json", "as_json", is_flag=True, help="Print the information as JSON.")
def info(as_json: bool) -> None:
    from geo.gazetteer.shipped import data_dir

    gz = _open()
    d = gz.info()
    if as_json:
        click.echo(json.dumps(d, indent=1))
        return
    click.echo(f"store:         {d['path']}")
    click.echo(f"size:          {d['size_bytes'] / 1e6:.1f} MB")
    click.echo(f"data version:  {d['data_version']}   (shipped data: {data_dir()})")
    click.echo(f"built:         {d['built_at']} in {d['build_seconds']:.1f} s")
    click.echo(f"places:        {d['places']:,}   names: {d['names']:,}   geometries: {d['geometries']:,}")
    classes = {"A": "admin areas", "P": "populated places", "H": "water", "L": "regions/areas", "T": "terrain",
               "S": "sites", "V": "vegetation", "U": "undersea", "R": "roads"}
    click.echo("by feature class:")
    for k, v in d["counts_by_feature_class"].items():
        click.echo(f"  {k} {classes.get(k, ''):<18} {v:>9,}")
    click.echo("top feature codes: " + ", ".join(f"{k} {v:,}" for k, v in d["top_feature_codes"].items()))
    if d["inputs"]:
        click.echo(f"inputs:        {d['inputs']}")
    click.echo("sources:")
    for s in d["sources"]:
        click.echo(f"  - {s}")


@gazetteer.command(help="(Re)build the store from the shipped data, optionally importing GeoNames dumps "
                        "(allCountries/cities*/XX as .txt or .zip), alternateNamesV2 and your own places "
                        "(CSV: name,lat,lon[,type,country,alternate_names] or GeoJSON). The previous store "
                        "stays in use if anything fails.", epilog=EXAMPLES)
@click.option("--geonames", "geonames", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A GeoNames dump (repeatable).")
@click.option("--alternate-names", "alternate_names", type=click.Path(dir_okay=False, path_type=Path),
              help="GeoNames alternateNamesV2.txt or .zip.")
@click.option("--extra", "extra", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Extra places, CSV or GeoJSON (repeatable).")
@click.option("--path", "store_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Build here instead of the cache directory.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def build(geonames: tuple[Path, ...], alternate_names: Path | None, extra: tuple[Path, ...],
          store_path: Path | None, quiet: bool) -> None:
    from geo.gazetteer.build import BuildInputs, GazetteerBuildError, build_store
    from geo.gazetteer.shipped import data_dir, data_version
    from geo.gazetteer.store import default_store_path

    for p in [*geonames, *extra, *([alternate_names] if alternate_names else [])]:
        if not p.is_file():
            raise click.ClickException(f"{p}: file not found")
    try:
        version = data_version()
        target = store_path or default_store_path(version)
        inputs = BuildInputs(data=data_dir(), geonames=list(geonames), alternate_names=alternate_names,
                             extra=list(extra))
        build_store(target, inputs, progress=not quiet, version=version)
    except GazetteerBuildError as e:
        raise click.ClickException(f"{e}\nbuild stopped; the previous gazetteer store (if any) is unchanged") from None
    from geo.gazetteer.store import Gazetteer

    with Gazetteer(target) as gz:
        d = gz.info()
    click.echo(f"built {d['path']}: {d['places']:,} places, {d['names']:,} names, "
               f"{d['size_bytes'] / 1e6:.1f} MB in {d['build_seconds']:.1f} s")


if __name__ == "__main__":  # pragma: no cover
    gazetteer()
