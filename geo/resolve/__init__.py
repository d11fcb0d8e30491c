"""Resolve: choose the place each mention refers to.

How "Washington" or "Alexandria" is disambiguated, by module:

* ``context.py``  -- what the document says about where it is: countries and provinces it names
  (and its demonyms), "X, Y" / "X in Y" containers, the other names' choices (coherence,
  containment), and spatial support between names;
* ``features.py`` -- each candidate's evidence as a named feature vector (prior, similarity, alias,
  country/admin1 named, container, cue match/miss, coherence, contains, support, feature type...);
* ``ranker.py``   -- the linear ranker that scores a feature vector (models as JSON: coefficients,
  scaler, version, training-data hash); softmax over a name's candidates gives the mention's score,
  the largest terms its ``why``. ``ranker.json`` (default) is the model ``bench/train_ranker.py``
  trains on the dev corpora's gold; ``ranker-hand.json`` the former hand-tuned weights
  (``LinearRanker.load("hand")``); see docs/ranker.md;
* ``resolver.py`` -- :class:`Resolver`: candidates from the gazetteer, ranking in rounds, one sense
  per name, the geocoder fallback, streets and neighbourhoods placed next to the text's towns
  (``LOCAL_LABELS``), the lone-word rule (:func:`well_known`), and the Resolutions;
* ``policy.py``   -- a whole document: headline and body resolved together, one-word NER names that
  nobody can place dropped (:func:`~geo.resolve.policy.resolve_document`);
* ``component.py`` -- the ``geo_resolver`` spaCy component (imported by :mod:`geo.components` and
  :mod:`geo.pipeline`, not here: ``import geo.resolve`` does not need spaCy).

The words the resolver reads come from ``geo/lang/<code>/`` (``Resolver(lang=geo.lang.load(code))``).
"""
from __future__ import annotations

from .features import FEATURES
from .ranker import LinearRanker, RankerError
from .context import Others, support
from .resolver import LOCAL_LABELS, Ranking, Resolver, Weights, well_known

__all__ = ["FEATURES", "LOCAL_LABELS", "LinearRanker", "Others", "Ranking", "RankerError", "Resolver", "Weights",
           "support", "well_known"]
