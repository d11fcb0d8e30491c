"""``geo cache``: geo's on-disk caches (all under :func:`geo.io.cache_dir`, ``$GEO_CACHE_DIR``)."""
from __future__ import annotations

import click

from geo.cli.common import say

EXAMPLES = """
\b
Examples:
  geo cache clear                      # forget every cached geocoder answer
  GEO_CACHE_DIR=/tmp/geo-cache geo map seeds/   # keep every cache in another folder
"""


@click.group("cache", epilog=EXAMPLES)
def cache_group() -> None:
    """The geocoder's on-disk answer cache."""


@cache_group.command("clear", epilog=EXAMPLES)
def cache_clear() -> None:
    """Forget every cached geocoder answer."""
    from geo.geocoders import clear_cache

    n = clear_cache()
    say(f"cleared {n} cached geocoder answers")
