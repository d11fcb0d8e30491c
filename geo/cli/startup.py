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
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

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
    original = jinja2.Template.__dict__["__new__"]  # a staticmethod
    new = original.__func__

    def lazy_new(cls, *args, **kwargs):
        return LazyTemplate(new, cls, args, kwargs)

    jinja2.Template.__new__ = staticmethod(lazy_new)  # type: ignore[method-assign]
    try:
        yield
    finally:
        jinja2.Template.__new__ = original  # type: ignore[method-assign]

