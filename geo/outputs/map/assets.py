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
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import folium
import folium.plugins
from markupsafe import Markup, escape

AssetMode = Literal["inline", "cdn"]


class AssetError(RuntimeError):
    """An asset is not available from the installed packages."""


@dataclass(frozen=True)
class Asset:
    name: str
    kind: Literal["js", "css"]
    url: str


def _pick(pairs: list[tuple[str, str]], name: str) -> str:
    for n, url in pairs:
        if n == name:
            return url
    raise AssetError(f"folium {folium.__version__} does not declare the asset {name!r}")


@functools.lru_cache(maxsize=1)
def required_assets() -> tuple[Asset, ...]:
    """Leaflet, Leaflet.markercluster and leaflet-search, in load order (URLs as folium declares them)."""
    mc, search = folium.plugins.MarkerCluster, folium.plugins.Search
    return (
        Asset("leaflet", "js", _pick(folium.Map.default_js, "leaflet")),
        Asset("leaflet_css", "css", _pick(folium.Map.default_css, "leaflet_css")),
        Asset("markerclusterjs", "js", _pick(mc.default_js, "markerclusterjs")),
        Asset("markerclustercss", "css", _pick(mc.default_css, "markerclustercss")),
        Asset("markerclusterdefaultcss", "css", _pick(mc.default_css, "markerclusterdefaultcss")),
        Asset("Leaflet.Search.js", "js", _pick(search.default_js, "Leaflet.Search.js")),
        Asset("Leaflet.Search.css", "css", _pick(search.default_css, "Leaflet.Search.css")),
    )


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


def head_html(mode: AssetMode = "inline", extra_css: str = "", extra_js: str = "") -> Markup:
    """The ``<head>`` tags that load Leaflet and the plugins, then our own CSS/JS."""
    out: list[str] = []
    for a in required_assets():
        if mode == "cdn":
            if a.kind == "js":
                out.append(f'<script src="{escape(a.url)}"></script>')
            else:
                out.append(f'<link rel="stylesheet" href="{escape(a.url)}"/>')
        elif mode == "inline":
            text = asset_text(a.url)
            if a.kind == "js":
                out.append(f"<script>/* {escape(a.url)} */\n{_guard(text, 'script')}\n</script>")
            else:
                out.append(f"<style>/* {escape(a.url)} */\n{_guard(text, 'style')}\n</style>")
        else:
            raise ValueError(f"unknown asset mode {mode!r} (use 'inline' or 'cdn')")
    if extra_css:
        out.append(f"<style>\n{_guard(extra_css, 'style')}\n</style>")
    if extra_js:
        out.append(f"<script>\n{_guard(extra_js, 'script')}\n</script>")
    return Markup("\n".join(out))


@functools.lru_cache(maxsize=None)
def own_asset(name: str) -> str:
    """Our own JS/CSS shipped inside the ``geo.outputs.map`` package (``geo/outputs/map/static/<name>``)."""
    return resources.files("geo.outputs.map").joinpath("static", name).read_text(encoding="utf-8")
