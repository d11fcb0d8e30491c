"""World names, the first-level divisions (the largest share of bench/world_names.py's sentences, run in a
file of their own so that they run beside the other categories on another test worker; see
tests/test_world_names.py)."""
from __future__ import annotations

import pytest

from test_world_names import check_floors, run_world_names


@pytest.mark.slow
def test_world_names_divisions_rate_does_not_fall():
    r = run_world_names({"admin1"})
    assert r["categories"]["admin1"]["total"] >= 9000  # every first-level division GeoNames lists
    assert set(r["categories"]) == {"admin1"}
    check_floors(r)
