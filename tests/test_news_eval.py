"""The held-out news set (bench/news_eval): its files agree with their source, and geo does not fall below the
figures measured when this guard was last set (bench/news_eval/README.md). The floors are today's figures, not
the goal (issue 19 asks for 95% of places right and at most 2 in 75 non-places mapped)."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[1] / "bench" / "news_eval"

FLOOR_RIGHT = 580  # of 698 place mentions (83.1%): branch accuracy, 2026-12-07 (evening; 567 at f2dcd02)
CEILING_MAPPED = 7  # of 127 non-place mentions: branch accuracy2, 2026-12-07 (late; 24 on accuracy, 36 at f2dcd02)


def _load(name: str):
    sys.path.insert(0, str(HERE))
    try:
        spec = importlib.util.spec_from_file_location(f"news_eval_{name}", HERE / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod
    finally:
        sys.path.remove(str(HERE))


def test_gold_matches_the_source():
    build = _load("build_set")
    arts = build.parse_source()
    assert len(arts) >= 50
    formats = {Path(a["file"]).suffix for a in arts}
    assert formats == {".txt", ".html", ".json", ".jsonl"}
    gold = [json.loads(line) for line in (HERE / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
    expected = []
    for a in arts:
        for g in build.gold_mentions(a):
            expected.append((a["file"], g["surface"], g["occurrence"], g["kind"]))
    assert [(g["doc"], g["surface"], g["occurrence"], g["kind"]) for g in gold] == expected
    kinds = {g["kind"] for g in gold}
    assert kinds == {"city", "country", "province", "physical", "local", "non-place"}
    for a in arts:
        assert (HERE / "articles" / a["file"]).is_file(), a["file"]


@pytest.mark.slow
def test_news_eval_does_not_regress():
    score = _load("score")
    s = score.score(HERE / "articles", HERE / "gold.jsonl")
    assert s["documents"] >= 50 and s["places"]["gold"] >= 600 and s["non_places"]["gold"] >= 100
    assert s["places"]["right"] >= FLOOR_RIGHT, s["places"]
    assert s["non_places"]["mapped"] <= CEILING_MAPPED, s["non_places"]
