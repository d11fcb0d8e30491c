"""The map's HTML page: rendered with deterministic element ids, so the same map gives the same bytes
however often it is rendered, and saved atomically."""
from __future__ import annotations

import os
import re

import folium
from branca.element import Element

from geo.io import atomic_write_text


def stable_ids(root: Element, prefix: str = "geo") -> None:
    """Give every element in the tree a deterministic id (folium draws random ones).

    Ids follow the element's path in the tree, so children that rendering appends later (folium's
    ``addTo`` helpers) do not shift the ids of anything else, and re-rendering gives the same bytes.
    """

    def walk(el: Element, ident: str) -> None:
        el._id = ident
        for k, child in enumerate(list(el._children.values())):
            walk(child, f"{ident}_{k}")

    walk(root, prefix)


_ADD_TO = re.compile(r"\s*[A-Za-z_$][\w$]*\.addTo\([A-Za-z_$][\w$]*\);\s*")


def _render_parts(root: Element) -> tuple[Element, Element, Element]:
    return root.header, root.html, root.script


def render_html(m: folium.Map) -> str:
    """The complete HTML page of ``m``: deterministic element ids, same map gives the same bytes.

    Rendering fills the figure's header/html/script parts with entries keyed by element names. The
    entries an earlier render produced are dropped first (they are produced again), so re-renders
    cannot pile up duplicates; anything a user added to those parts by hand is kept.
    """
    root = m.get_root()
    parts = _render_parts(root)
    for part, keys in zip(parts, getattr(root, "_geo_rendered", ((), (), ()))):
        for key in keys:
            part._children.pop(key, None)
    # folium's layers make a fresh ``x.addTo(map)`` helper (random id) on every render; drop the ones
    # a render outside this function (m.save, notebook display) left behind
    for key, value in list(root.script._children.items()):
        if key.startswith("macro_element_") and _ADD_TO.fullmatch(value.render()):
            root.script._children.pop(key)
    before = [set(part._children) for part in parts]
    stable_ids(root)
    html = root.render()
    root._geo_rendered = tuple(tuple(k for k in part._children if k not in b) for part, b in zip(parts, before))
    return html


def save_map(m: folium.Map, path: str | os.PathLike) -> None:
    """Write the map as one self-contained HTML file, atomically; same map, same bytes."""
    atomic_write_text(path, render_html(m))
