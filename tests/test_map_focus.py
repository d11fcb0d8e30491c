"""Document focus (geo/focus.py), CLIFF-like: the countries/provinces/cities an article is about."""
from __future__ import annotations

import json

from geo.focus import focus, focus_ids
from geo.outputs import jsonl as export

from map_samples import ALEPPO, DAMASCUS, IRAQ, RAQQA, SYRIA, gazetteer_for_tests, parsed


def test_most_mentioned_country_province_and_city():
    pd = parsed("d", "Raqqa was shelled. Raqqa again. Damascus spoke. Iraq watched. Syria replied.",
                [("Raqqa", RAQQA), ("Damascus", DAMASCUS), ("Iraq", IRAQ), ("Syria", SYRIA)])
    f = focus(pd)
    assert [(x.level, x.id, x.count) for x in f] == [("country", SYRIA.id, 4), ("province", f[1].id, 2),
                                                     ("city", RAQQA.id, 2)]
    assert f[1].country_code == "SY" and f[1].admin1_code == "04"
    # a province the text does not name is still named (from the built store): issue 19.7
    assert f[1].place is not None and f[1].place.feature_code == "ADM1" and f[1].place.admin1_code == "04"
    assert focus_ids(pd) == [SYRIA.id, f[1].id, RAQQA.id]


def test_a_country_not_named_is_looked_up_and_scattered_towns_are_no_focus():
    pd = parsed("d", "Aid reached Aleppo. Damascus denied it.", [("Aleppo", ALEPPO), ("Damascus", DAMASCUS)])
    assert [x.level for x in focus(pd)] == ["country", "province", "province"]  # a tie keeps both
    assert all(x.place is not None for x in focus(pd))  # looked up in the built store (issue 19.7)
    gz = gazetteer_for_tests()
    assert focus(pd, gz)[0].place.name == "Syria"
    assert focus(parsed("e", "Nothing here.", [])) == []


def test_jsonl_has_focus_per_document():
    pd = parsed("d", "Raqqa was shelled. Raqqa again.", [("Raqqa", RAQQA)])
    rec = json.loads(export.jsonl_line(export.document_record(pd)))
    assert rec["focus"][0] == {"level": "country", "count": 2, "name": "Syria", "id": "163843", "geonameid": 163843,
                               "country_code": "SY", "admin1_code": None, "lat": 35.0, "lon": 38.0}
    assert rec["focus"][-1]["name"] == "Ar Raqqah" and rec["focus"][-1]["level"] == "city"
