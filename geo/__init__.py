"""geo: turn news articles into maps of the places they report.

    >>> import geo
    >>> pd = geo.parse("Fighting continued near Deir Ezzor, east of the Euphrates.")
    >>> [(r.mention.text, r.place.name) for r in pd.resolved]
    >>> m = geo.map("seeds/")                       # a folium.Map; m.save("map.html") or display it in Jupyter
    >>> m = geo.map(texts=["Floods hit Porto Alegre."])   # raw text is always passed explicitly

Inputs of :func:`map` and :func:`parse_many`: a path (``str`` or ``os.PathLike``: a file, a folder or a
glob pattern), a list of them, :class:`Document`\\ s or :class:`ParsedDocument`\\ s -- and raw text only
through ``texts=[...]`` (or as a ``geo.Document``). A string that is neither an existing path nor a
glob pattern matching files is refused with :class:`InputError`, never guessed at; so is a filesystem
root or a virtual filesystem (``/``, ``/proc``, ``/sys``, ``/dev``), and folders are walked without
leaving them (see :mod:`geo.documents.paths`).

Offline by default in the Python API: pass ``geocoder=geo.geocoders.make_geocoder()`` to a
``geo.pipeline.Pipeline`` to use the online fallback. ``geo.default_pipeline()`` is the shared one
(one per language: ``geo.parse(text, lang="de")`` once ``geo.lang.register("de", ...)`` is done).

geo's submodules (``geo.pipeline``, ``geo.geocoders``, ``geo.lang``...) are reachable as attributes
after ``import geo``; they are imported on first use, so ``import geo`` stays fast.
"""
from __future__ import annotations

import glob
import importlib
import logging
import os
from typing import TYPE_CHECKING, Iterable, Iterator, Union

from .types import (
    Alternative,
    Candidate,
    Document,
    Mention,
    ParsedDocument,
    Place,
    Resolution,
)

from ._version import __version__
__all__ = ["parse", "parse_many", "map", "default_pipeline", "InputError", "Document", "Mention", "Place",
           "Candidate", "Resolution", "Alternative", "ParsedDocument", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    import folium

    from .pipeline import Pipeline

_PIPELINES: "dict[str, Pipeline]" = {}
# submodules reachable as attributes of geo (imported on first use: start-up speed)
_SUBMODULES = frozenset({"batch", "cli", "components", "config", "documents", "evaluate", "extract", "features",
                         "focus", "gazetteer", "geocoders", "io", "lang", "outputs", "pipeline", "prominence",
                         "resolve", "types"})


def __getattr__(name: str):
    if name in _SUBMODULES:
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

PathLike = Union[str, "os.PathLike[str]"]
Item = Union[PathLike, Document, ParsedDocument]


class InputError(ValueError):
    """An input that :func:`map` / :func:`parse_many` refuse: not a path, not a document, or a path they
    must not walk (a filesystem root, ``/proc``...). The message says what to pass instead."""


def default_pipeline(lang: str | None = None) -> "Pipeline":
    """The process-wide default pipeline (offline, the language's default model; ``lang`` None: the
    default language, English; ``"auto"``: each document in its detected language, a
    :class:`geo.pipeline.MultiPipeline`), created on first use."""
    lang = lang or "en"
    pipe = _PIPELINES.get(lang)
    if pipe is None:
        # lazy: spaCy and the model load only when something is parsed (start-up speed of `import geo`)
        from .pipeline import Pipeline

        if lang == "auto":  # each document in its detected language, through the pipelines above
            from .pipeline import MultiPipeline

            pipe = _PIPELINES[lang] = MultiPipeline(factory=default_pipeline)  # type: ignore[assignment]
        else:
            pipe = _PIPELINES[lang] = Pipeline(lang=lang, progress=False)
    return pipe


def _as_document(item: "str | Document", i: int = 0, title: str | None = None) -> Document:
    if isinstance(item, Document):
        if title is not None:
            raise TypeError("title= is for raw text; a Document carries its own title")
        return item
    if not isinstance(item, str):
        raise TypeError(f"text must be a str or a geo.Document, not {type(item).__name__}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None, not {type(title).__name__}")
    # lazy: geo.documents (readers, decoding) is needed only once something is parsed (start-up speed)
    from .documents import document_from_text

    return document_from_text(item, id=f"text-{i}", title=title)


def parse(text: "str | Document", *, title: str | None = None, lang: str | None = None) -> ParsedDocument:
    """Extract and resolve the places in one text (or Document); ``title``: its headline (text too);
    ``lang``: its language (a registered code, see :mod:`geo.lang`; default English)."""
    doc = _as_document(text, title=title)
    return default_pipeline(lang).parse_one(doc)


def _short(s: str, n: int = 60) -> str:
    return repr(s if len(s) <= n else s[: n - 1] + "\u2026")


def _check_path(raw: PathLike) -> str:
    """The path as a string when it names something to read; InputError otherwise."""
    from .documents.paths import is_glob, refusal  # lazy: start-up speed of `import geo`

    path = os.fspath(raw)
    if not isinstance(path, str):
        raise InputError(f"{_short(repr(path))}: paths must be text (str or os.PathLike), not bytes")
    if os.path.lexists(path):
        why = refusal(path)
        if why:
            raise InputError(f"{path}: {why}")
        return path
    if is_glob(path) and glob.glob(path, recursive=True):
        return path
    hint = ("; to parse raw text, pass it explicitly: geo.map(texts=[...]), geo.parse_many(texts=[...]) "
            "or geo.Document(id=..., text=...)")
    if "\n" in path or len(path) > 255 or (" " in path and os.sep not in path and not is_glob(path)):
        raise InputError(f"{_short(path)} is not a file, folder or glob pattern{hint}")
    what = "no files match this glob pattern" if is_glob(path) else "no such file or folder"
    raise InputError(f"{path}: {what}{hint}")


def _inputs(items: "Item | Iterable[Item] | None", texts: "str | Iterable[str] | None") -> Iterator[Document | ParsedDocument]:
    """Documents and ParsedDocuments from the API's inputs, in order (paths expanded as the CLI does)."""
    # lazy: geo.documents (readers, decoding) is needed only once something is read (start-up speed)
    from .documents import DocumentError, document_from_text, iter_documents

    if items is None and texts is None:
        raise InputError("nothing to read: give paths (files, folders, globs), Documents or ParsedDocuments, "
                         "or raw text as texts=[...]")
    if items is not None:
        if isinstance(items, (str, os.PathLike, Document, ParsedDocument)):
            items = [items]
        elif isinstance(items, bytes):
            raise InputError("paths must be text (str or os.PathLike), not bytes")
        elif not isinstance(items, Iterable):
            raise InputError(f"cannot read a {type(items).__name__}: give paths, Documents or ParsedDocuments, "
                             "or raw text as texts=[...]")
        # paths are checked before anything is read, so a mistake is reported at once
        items = list(items) if not isinstance(items, Iterator) else items
        if isinstance(items, list):
            for x in items:
                if isinstance(x, (str, os.PathLike)):
                    _check_path(x)

        def on_error(err: DocumentError) -> None:
            if err.kind == "refused":
                raise InputError(str(err))
            logging.getLogger("geo.documents").warning("%s", err)

        for x in items:
            if isinstance(x, (Document, ParsedDocument)):
                yield x
            elif isinstance(x, (str, os.PathLike)):
                path = _check_path(x)
                found = False
                for doc in iter_documents([path], on_error=on_error):
                    found = True
                    yield doc
                if not found:
                    raise InputError(f"{path}: no readable article in it (each problem is logged as a warning "
                                     "by the 'geo.documents' logger)")
            else:
                raise InputError(f"cannot read a {type(x).__name__} ({_short(repr(x))}): give paths, Documents or "
                                 "ParsedDocuments, or raw text as texts=[...]")
    if texts is not None:
        if isinstance(texts, str):
            texts = [texts]
        for i, t in enumerate(texts):
            if isinstance(t, Document):
                yield t
            elif isinstance(t, str):
                yield document_from_text(t, id=f"text-{i}")
            else:
                raise InputError(f"texts must be strings, not {type(t).__name__} (item {i})")


def parse_many(items: "Item | Iterable[Item] | None" = None, *, texts: "str | Iterable[str] | None" = None,
               jobs: int = 1, lang: str | None = None) -> Iterator[ParsedDocument]:
    """Parse documents, streaming (one spaCy batch at a time), in order.

    ``items``: a path (file, folder or glob), a list of paths, Documents or ParsedDocuments (passed
    through); ``texts``: raw texts (ids ``text-<n>``); ``lang``: their language (see :func:`parse`).
    See the module's docstring for what is refused.
    """
    pipe = default_pipeline(lang)
    pending: list[Document] = []

    from .batch.engines.pool import parse as pool_parse  # lazy: -j N's engine (start-up speed)

    def flush() -> Iterator[ParsedDocument]:
        if pending:
            yield from pool_parse(pipe, list(pending), jobs)
            pending.clear()

    for x in _inputs(items, texts):
        if isinstance(x, ParsedDocument):
            yield from flush()
            yield x
        else:
            pending.append(x)
            if len(pending) >= pipe.batch_size:
                yield from flush()
    yield from flush()


def map(items: "Item | Iterable[Item] | None" = None, *, texts: "str | Iterable[str] | None" = None,  # noqa: A001
        lang: str | None = None, **options) -> "folium.Map":
    """Build a folium.Map from paths (a file, folder or glob, or a list), Documents or ParsedDocuments,
    or from raw texts given as ``texts=[...]``; ``lang``: their language (see :func:`parse`). Options
    are those of :func:`geo.outputs.map.build_map`."""
    from .outputs.map import build_map  # lazy: folium takes ~1 s to import (start-up speed)

    parsed = list(parse_many(items, texts=texts, lang=lang))
    return build_map(parsed, default_pipeline(lang).gazetteer, **options)


def figure(items: "Item | Iterable[Item] | None" = None, *, texts: "str | Iterable[str] | None" = None,
           lang: str | None = None, **options):
    """A labelled static map (a matplotlib Figure, inline in Jupyter; ``fig.save("map.svg"|".pdf"|".png")``)
    of paths, Documents or ParsedDocuments, or raw ``texts=[...]``. Options: see :mod:`geo.outputs.figure`."""
    from .outputs.figure import figure as _figure  # lazy: matplotlib is imported only for figures

    return _figure(list(parse_many(items, texts=texts, lang=lang)), default_pipeline(lang).gazetteer, **options)


__all__.append("figure")
