"""End-to-end tests of the `geo` command on seeds/ and on small corpora (offline, real components).

The command runs in this process through click's CliRunner (conftest.run_cli): the process boundary is
not what these test, and a fresh interpreter per call cost ~3 s each. The ``-j`` test still starts
``python -m geo.cli``: it forks worker processes, which a pytest(-xdist) process should not do.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cli_result

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _in_the_repo(monkeypatch):
    monkeypatch.chdir(ROOT)  # "seeds/" as a user in a clone types it


geo = cli_result  # ``geo ARGS`` in this process: returncode, stdout and stderr, as from subprocess.run


def geo_process(*args):
    return subprocess.run([sys.executable, "-m", "geo.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def test_map_seeds_writes_one_map_and_a_summary(tmp_path):
    out = tmp_path / "maps"
    proc = geo("map", "seeds/", "-o", str(out), "--offline")
    assert proc.returncode == 0, proc.stderr
    html = (out / "index.html").read_text(encoding="utf-8")
    for name in ("Deir ez-Zor", "Euphrates", "Oslo", "Tirana", "Moscow", "Washington", "New York City", "Syria"):
        assert name in html, name
    assert "US urges Syria cooperation with Russia after strike" in html  # the article's title in popups
    assert "1 documents (0 skipped)" in proc.stderr and "places" in proc.stderr
    assert [p.name for p in out.iterdir()] == ["index.html"]  # no temporary files left


def test_extract_formats(tmp_path):
    for fmt in ("jsonl", "csv", "geojson"):
        target = tmp_path / f"out.{fmt}"
        proc = geo("extract", "seeds/", "--offline", "-q", "--format", fmt, "-o", str(target))
        assert proc.returncode == 0, proc.stderr
        body = target.read_text(encoding="utf-8")
        if fmt == "jsonl":
            rec = json.loads(body)
            assert rec["doc"].endswith(".txt") and rec["title"].startswith("US urges Syria")
        elif fmt == "csv":
            header, first = body.splitlines()[:2]
            assert header.startswith("doc,title,text,start,end,label,name,lat,lon")
            assert ",US,0,2,GPE,United States," in first
        else:
            fc = json.loads(body)
            assert fc["type"] == "FeatureCollection" and len(fc["features"]) >= 10


def test_no_document_processed_exits_1(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    proc = geo("extract", str(tmp_path), "--offline", "-q")
    assert proc.returncode == 1
    assert "empty.txt" in proc.stderr and "Traceback" not in proc.stderr


def test_verbose_explains_resolutions():
    proc = geo("extract", "seeds/", "--offline", "-v")
    assert proc.returncode == 0
    assert "Euphrates" in proc.stderr and "cue 'river'" in proc.stderr


LGL_MINI = """<?xml version="1.0" encoding="utf-8"?>
<articles><article docid="1"><text><![CDATA[Fighting near Aleppo, Syria, continued. Envoys met in Oslo.]]></text>
<toponyms>
<toponym><start>14</start><end>20</end><phrase>Aleppo</phrase><gaztag geonameid="170063"><name>Aleppo</name>
<fclass>P</fclass><fcode>PPLA</fcode><lat>36.20124</lat><lon>37.16117</lon><country>SY</country><admin1>09</admin1></gaztag></toponym>
<toponym><start>22</start><end>27</end><phrase>Syria</phrase><gaztag geonameid="163843"><name>Syria</name>
<fclass>A</fclass><fcode>PCLI</fcode><lat>35</lat><lon>38</lon><country>SY</country><admin1>00</admin1></gaztag></toponym>
<toponym><start>54</start><end>58</end><phrase>Oslo</phrase><gaztag geonameid="3143244"><name>Oslo</name>
<fclass>P</fclass><fcode>PPLC</fcode><lat>59.91273</lat><lon>10.74609</lon><country>NO</country><admin1>12</admin1></gaztag></toponym>
</toponyms></article></articles>
"""

GEOVIRUS_MINI = """<?xml version="1.0" encoding="utf-8"?>
<articles><article><source>x</source><text>Cholera spread in Lagos and Paris.</text>
<locations><location><name>Lagos</name><start>19</start><end>24</end><lat>6.45</lat><lon>3.39</lon><page>x</page></location>
<location><name>Paris</name><start>29</start><end>34</end><lat>-33.0</lat><lon>151.0</lon><page>x</page></location>
</locations></article></articles>
"""


def test_eval_on_small_corpora_in_both_formats(tmp_path):
    lgl = tmp_path / "lgl-mini.xml"
    lgl.write_text(LGL_MINI, encoding="utf-8")
    proc = geo("eval", str(lgl), "--offline", "-q", "--json")
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert r["gold_toponyms"] == 3 and r["recognition_exact"]["recall"] == 1.0
    assert r["resolution"]["acc161"] == 1.0 and r["end_to_end_acc161"] == 1.0

    gv = tmp_path / "gv-mini.xml"
    gv.write_text(GEOVIRUS_MINI, encoding="utf-8")  # 1-based offsets; "Paris" gold placed far away on purpose
    proc = geo("eval", str(gv), "--offline", "-q", "--errors", "5")
    assert proc.returncode == 0, proc.stderr
    assert "Acc@161 0.500" in proc.stdout and "'Paris' -> Paris" in proc.stdout


def test_eval_rejects_a_file_that_is_not_a_corpus(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<html><body>nope", encoding="utf-8")
    proc = geo("eval", str(bad), "--offline", "-q")
    assert proc.returncode == 1 and "bad.xml" in proc.stderr and "Traceback" not in proc.stderr


def test_jobs_give_the_same_output_in_the_same_order(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = ["Shelling hit Aleppo and Idlib in Syria.", "Envoys met in Oslo and Tirana.",
             "Floods reached Alexandria, Louisiana.", "The Euphrates rose near Raqqa."] * 10
    for i, t in enumerate(texts):
        (corpus / f"{i:03d}.txt").write_text(f"Headline {i}\n\n{t}\n", encoding="utf-8")
    one = geo("extract", str(corpus), "--offline", "-q")
    two = geo_process("extract", str(corpus), "--offline", "-q", "-j", "2")
    assert one.returncode == two.returncode == 0, two.stderr
    assert one.stdout == two.stdout and len(one.stdout.splitlines()) == 40
