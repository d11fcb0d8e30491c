"""Shared pytest fixtures."""
from __future__ import annotations

import pytest

# ---- gazetteer fixtures (owner: gazetteer) -------------------------------------------------------------
# One real store per test session: the user's cache store (or $GEO_GAZETTEER_PATH), built on first use
# from the shipped data and reused afterwards (a rebuild happens only when the data version changes).


@pytest.fixture(scope="session")
def gazetteer():
    """The real gazetteer store, opened read-only (built once if missing)."""
    from geo.gazetteer import Gazetteer

    gz = Gazetteer.open(progress=False)
    yield gz
    gz.close()
# ---- end gazetteer fixtures ---------------------------------------------------------------------------
