"""Start-up speed of ``geo map``: jinja2 templates that folium, branca, folium.plugins and offlinefolium
create at import time (one class-level ``Template(...)`` per element, ~140 of them) are compiled when
first used instead of when created, so a map pays only for the few elements it draws.

:func:`lazy_templates` is a context manager: while it is active, ``jinja2.Template(source, ...)`` (and
every subclass, e.g. ``folium.template.Template``) returns a :class:`LazyTemplate` that keeps its
arguments and builds the real template -- with exactly the same call -- on the first attribute
access (``render``, ``module``, ``make_module``, ...), then delegates to it. The output is the same
template's output, byte for byte. Leaving the context restores ``jinja2.Template``, so templates made
afterwards (users importing folium themselves, branca unpickling elements) are ordinary ones; the lazy
ones made during the import stay lazy, which only moves their compile to their first use.

:func:`import_spacy_without_cli` leaves spaCy's command line (``spacy.cli``) to be imported when used.
:func:`collector_paused` and :func:`skip_final_collection` spare the cyclic garbage collector's work
at start-up and at exit (see each); they change when memory is reclaimed, never what is computed.
"""
from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import sys
import threading
import types
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


class LazyTemplate:
    """A ``jinja2.Template`` compiled on first use; attribute access is delegated to the real one."""

    __slots__ = ("_lazy_args", "_lazy_template")

    _lock = threading.Lock()

    def __init__(self, new, cls, args, kwargs) -> None:
        object.__setattr__(self, "_lazy_args", (new, cls, args, kwargs))
        object.__setattr__(self, "_lazy_template", None)

    def _real(self) -> jinja2.Template:
        template = object.__getattribute__(self, "_lazy_template")
        if template is None:
            with LazyTemplate._lock:
                template = object.__getattribute__(self, "_lazy_template")
                if template is None:
                    new, cls, args, kwargs = object.__getattribute__(self, "_lazy_args")
                    template = new(cls, *args, **kwargs)
                    object.__setattr__(self, "_lazy_template", template)
        return template

    @property  # type: ignore[misc]
    def __class__(self):  # isinstance(lazy, jinja2.Template) holds, as for the template it stands for
        return object.__getattribute__(self, "_lazy_args")[1]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._real(), name, value)

    def __repr__(self) -> str:
        return repr(self._real())


@contextlib.contextmanager
def lazy_templates() -> Iterator[None]:
    """While active, ``jinja2.Template(...)`` (and subclasses) are compiled on first use (see module doc)."""
    import jinja2  # here, not at the top: every command imports this module (skip_final_collection)

    original = jinja2.Template.__dict__["__new__"]  # a staticmethod
    new = original.__func__

    def lazy_new(cls, *args, **kwargs):
        return LazyTemplate(new, cls, args, kwargs)

    jinja2.Template.__new__ = staticmethod(lazy_new)  # type: ignore[method-assign]
    try:
        yield
    finally:
        jinja2.Template.__new__ = original  # type: ignore[method-assign]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Start-up speed: importing spaCy and folium and loading a pipeline create ~130,000 long-lived
    objects and almost no garbage, yet each allocation burst triggers the cyclic collector, whose full
    passes re-scan everything made so far (~0.1 s of CPU for a small map). While active, the collector
    is off; it is restored (if it was on) when the block ends, and collects from then on as usual."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_final_collection_skipped = False


def skip_final_collection() -> None:
    """Exit speed: when the interpreter shuts down it runs full collections over every object left
    (spaCy's vocabulary and model, folium's classes: ~0.2 s of CPU for a small map), only to reclaim
    memory the operating system takes back anyway. This moves the objects alive at exit into the
    collector's permanent generation (``gc.freeze``, as an ``atexit`` handler), so those passes skip
    them; every other ``atexit`` handler (temporary folders, logging, pools) runs as usual and objects
    are still released by reference counting -- only cycles left at exit are not collected first."""
    global _final_collection_skipped
    if not _final_collection_skipped:
        _final_collection_skipped = True
        atexit.register(gc.freeze)


def import_spacy_without_cli() -> None:
    """Start-up speed: ``import spacy`` imports spaCy's own command line (``spacy.cli``: weasel, typer,
    the download/package/train commands; ~0.1-0.2 s of CPU) only to offer ``spacy.info``; loading and
    running a pipeline never uses it. geo's commands import spaCy with ``spacy.cli`` stood in for by a
    placeholder whose ``info`` imports the real one when called; the placeholder is then removed, so
    ``import spacy.cli`` (or ``from spacy.cli import download``) afterwards imports the real command line
    as usual. The Python API imports spaCy as usual. Should a spaCy release need ``spacy.cli`` while
    importing, spaCy is imported again the ordinary way."""
    if "spacy" in sys.modules:
        return
    placeholder = types.ModuleType("spacy.cli")
    placeholder.__path__ = []  # a package, so that "spacy.cli.info" is importable below it
    info_module = types.ModuleType("spacy.cli.info")

    def info(*args, **kwargs):  # spacy.info(): the real one, imported on first use
        return importlib.import_module("spacy.cli.info").info(*args, **kwargs)

    info_module.info = info  # type: ignore[attr-defined]
    stand_ins = {"spacy.cli": placeholder, "spacy.cli.info": info_module}
    sys.modules.update(stand_ins)
    try:
        importlib.import_module("spacy")
    except ImportError:  # this spaCy needs its command line while importing: imported as usual below
        for name in [m for m in sys.modules if m == "spacy" or m.startswith("spacy.")]:
            del sys.modules[name]
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
        spacy = sys.modules.get("spacy")
        if spacy is not None and spacy.__dict__.get("cli") is placeholder:
            del spacy.cli
    importlib.import_module("spacy")
