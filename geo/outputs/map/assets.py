"""Leaflet and plugin assets for maps that open without a network.

The JavaScript/CSS is never stored in this repository: it is read at run time from the installed
``folium-offline`` package (module ``offlinefolium``), which carries folium 0.20's CDN assets keyed by
their CDN URLs. The URLs themselves are taken from the installed ``folium`` classes, so the inlined
code is the very version folium would have linked.

``mode="cdn"`` (opt-in, for smaller files) emits ``<script src>``/``<link>`` tags to the same CDN
URLs instead; such maps need the internet to load Leaflet.
"""
from __future__ import annotations

import functools
import posixpath
from importlib import resources
from typing import Literal

AssetMode = Literal["inline", "cdn"]


class AssetError(RuntimeError):
    """An asset is not available from the installed packages."""


@functools.lru_cache(maxsize=1)
def _offline_store() -> dict[str, str]:
    try:
        from offlinefolium.elements import _res  # the package's table: CDN URL -> file content
    except ImportError as exc:  # pragma: no cover - dependency declared in pyproject
        raise AssetError(
            "offline maps need the 'folium-offline' package (pip install folium-offline); "
            "or build the map with assets='cdn'"
        ) from exc
    return dict(_res)


def asset_text(url: str) -> str:
    """The content of the asset folium links at ``url``, from the installed offline package.

    Falls back to a same-named file of another version when the exact URL is not carried.
    """
    store = _offline_store()
    if url in store:
        return store[url]
    base = posixpath.basename(url)
    same_name = sorted(u for u in store if posixpath.basename(u) == base)
    if same_name:
        return store[same_name[-1]]
    raise AssetError(f"no offline copy of {url} in the installed folium-offline package")


def _guard(text: str, tag: str) -> str:
    """Keep an inlined file from closing its own element early (``</script`` inside code)."""
    closing = f"</{tag}"
    if closing in text.lower():
        raise AssetError(f"asset contains '{closing}', cannot be inlined safely")
    return text


@functools.lru_cache(maxsize=None)
def own_asset(name: str) -> str:
    """Our own JS/CSS shipped inside the ``geo.outputs.map`` package (``geo/outputs/map/static/<name>``)."""
    return resources.files("geo.outputs.map").joinpath("static", name).read_text(encoding="utf-8")
