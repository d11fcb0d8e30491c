"""geo: turn news articles into maps of the places they report.

    >>> import geo
    >>> pd = geo.parse("Fighting continued near Deir Ezzor, east of the Euphrates.")
    >>> [(r.mention.text, r.place.name) for r in pd.resolved]
    >>> m = geo.map(["seeds/"])          # a folium.Map; m.save("map.html") or display it in Jupyter

Offline by default in the Python API: pass ``geocoder=geo.fallback.make_geocoder()`` to a
``geo.pipeline.Pipeline`` to use the online fallback. ``geo.default_pipeline()`` is the shared one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence

from .types import Alternative, Candidate, Document, Mention, ParsedDocument, Place, Resolution

__version__ = "0.1.0"
__all__ = ["parse", "parse_many", "map", "default_pipeline", "Document", "Mention", "Place", "Candidate", "Resolution", "Alternative",
           "ParsedDocument", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    import folium

    from .pipeline import Pipeline

_PIPELINE: "Pipeline | None" = None


def default_pipeline() -> "Pipeline":
    """The process-wide default pipeline (offline, default model), created on first use."""
    global _PIPELINE
    if _PIPELINE is None:
        from .pipeline import Pipeline

        _PIPELINE = Pipeline(progress=False)
    return _PIPELINE


def _as_document(item: "str | Document", i: int = 0, title: str | None = None) -> Document:
    if isinstance(item, Document):
        return item
    from .documents import document_from_text

    return document_from_text(item, id=f"text-{i}", title=title)


def parse(text: "str | Document", *, title: str | None = None) -> ParsedDocument:
    """Extract and resolve the places in one text (or Document)."""
    return default_pipeline().parse_one(_as_document(text, title=title))


def parse_many(items: Iterable["str | Document"]) -> Iterable[ParsedDocument]:
    """Parse many texts or Documents, streaming (one spaCy batch at a time)."""
    return default_pipeline().parse(_as_document(x, i) for i, x in enumerate(items))


def map(items: "Sequence[str | Document | ParsedDocument]", **options) -> "folium.Map":  # noqa: A001
    """Build a folium.Map from paths (files/folders/globs), Documents or ParsedDocuments."""
    from .documents import iter_documents
    from .render.map import build_map

    parsed: list[ParsedDocument] = []
    paths: list[str] = []
    docs: list[Document] = []
    for x in items:
        if isinstance(x, ParsedDocument):
            parsed.append(x)
        elif isinstance(x, Document):
            docs.append(x)
        else:
            paths.append(str(x))
    if paths:
        docs.extend(iter_documents(paths))
    if docs:
        parsed.extend(default_pipeline().parse(docs))
    return build_map(parsed, default_pipeline().gazetteer, **options)
