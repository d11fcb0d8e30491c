"""Determinism and concurrency (issue 5, item 5).

* The same input gives byte-identical JSONL from ``geo extract`` in fresh processes (different hash seeds),
  and the same bytes as the Python API.
* Two ``geo map`` runs into one folder at the same time leave one complete ``index.html`` (byte-identical
  to what one of them renders on its own) and no temporary files; a writer/reader stress test forces
  the overlap and checks that a reader never sees a partial file.
* The concurrent first-use gazetteer build is covered by
  ``tests/test_gazetteer_build.py::test_concurrent_first_use_builds_one_good_store`` (not repeated here).
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo.documents import iter_documents
from geo.outputs import jsonl as export
from text_samples import ARTICLES_A, ARTICLES_B, DOC_KEYS, MENTION_KEYS, write_corpus

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "us-urges-syria-cooperation-with-russia-after-strike.txt"


@pytest.fixture(scope="module")
def pipe(gazetteer):
    from geo.pipeline import Pipeline

    return Pipeline(gazetteer=gazetteer, progress=False)


def geo_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "geo.cli", *args]


def env_for(gazetteer, seed: int) -> dict[str, str]:
    """A fresh process's environment: its own hash seed, the session's gazetteer store, geo importable."""
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {**os.environ, "PYTHONHASHSEED": str(seed), "GEO_GAZETTEER_PATH": str(gazetteer.path),
            "PYTHONPATH": path}


def run_all(cmds: list[tuple[list[str], dict]], timeout: float = 300) -> list[tuple[int, bytes, bytes]]:
    """Start every command at once; wait for all; (returncode, stdout, stderr) each."""
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for cmd, env in cmds]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=timeout)
        out.append((p.returncode, stdout, stderr))
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("corpus") / "in"
    write_corpus(d, {**ARTICLES_A, **ARTICLES_B})
    shutil.copy(SEED, d / SEED.name)
    return d


# -- 1. byte-identical JSONL -------------------------------------------------------------------------------

@pytest.mark.slow
def test_extract_jsonl_is_byte_identical_in_fresh_processes(gazetteer, pipe, corpus, tmp_path):
    out_file = tmp_path / "out" / "places.jsonl"
    (rc1, out1, err1), (rc2, out2, err2) = run_all([
        (geo_cmd("extract", str(corpus), "--offline", "-q"), env_for(gazetteer, 1)),
        (geo_cmd("extract", str(corpus), "--offline", "-q", "-o", str(out_file)), env_for(gazetteer, 2)),
    ])
    assert rc1 == 0, err1.decode()
    assert rc2 == 0, err2.decode()
    assert out1 == out_file.read_bytes(), "the same input must give the same bytes"
    assert [p.name for p in out_file.parent.iterdir()] == ["places.jsonl"], "no temporary file left behind"

    # the same bytes as the Python API (warm caches, in-process)
    docs = list(iter_documents([str(corpus)], progress=False))
    assert "".join(export.jsonl_lines(pipe.parse(docs))).encode("utf-8") == out1

    # and valid: one JSON object per document, documented keys, offsets into the document text
    lines = out1.decode("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) - 1 == len(docs) >= len(ARTICLES_A) + len(ARTICLES_B) + 3
    by_id = {d.id: d for d in docs}
    n_mentions = 0
    for line in lines[:-1]:
        rec = json.loads(line)
        assert DOC_KEYS <= rec.keys()
        text = by_id[rec["id"]].text
        for m in rec["mentions"]:
            assert MENTION_KEYS <= m.keys()
            # a headline's mentions (issue 13.5) say so and index the title
            source = rec["title"] if m.get("field") == "title" else text
            assert m.get("field", "text") in ("text", "title")
            assert source[m["start"]:m["end"]] == m["text"]
            n_mentions += 1
    assert n_mentions >= 40  # the corpus names plenty of places: the comparison is not vacuous


# -- 2. concurrent `geo map` into one folder -----------------------------------------------------------------

def _reference_html(pipe, folder: Path, title: str) -> bytes:
    """What `geo map FOLDER --tiles none --title TITLE` writes, rendered in this process."""
    from geo.outputs.map import build_map, render_html

    parsed = list(pipe.parse(iter_documents([str(folder)], progress=False)))
    return render_html(build_map(parsed, pipe.gazetteer, tiles=None, title=title)).encode("utf-8")


@pytest.fixture(scope="module")
def two_corpora(tmp_path_factory, pipe):
    base = tmp_path_factory.mktemp("two")
    a = write_corpus(base / "a", ARTICLES_A)
    b = write_corpus(base / "b", ARTICLES_B)
    refs = {"A": _reference_html(pipe, a, "Run A"), "B": _reference_html(pipe, b, "Run B")}
    assert refs["A"] != refs["B"]
    return a, b, refs


def check_complete_map(html: bytes, refs: dict[str, bytes]) -> str:
    """The file is exactly one run's complete map; return which."""
    which = [k for k, v in refs.items() if v == html]
    assert len(which) == 1, (f"index.html ({len(html)} bytes) is neither run's map "
                             f"({', '.join(f'{k}: {len(v)} bytes' for k, v in refs.items())})")
    assert html.rstrip().endswith(b"</html>")
    return which[0]


@pytest.mark.slow
def test_two_geo_map_runs_into_one_folder(gazetteer, two_corpora, tmp_path):
    a, b, refs = two_corpora
    out = tmp_path / "maps"
    results = run_all([
        (geo_cmd("map", str(a), "-o", str(out), "--offline", "-q", "--tiles", "none", "--title", "Run A"),
         env_for(gazetteer, 11)),
        (geo_cmd("map", str(b), "-o", str(out), "--offline", "-q", "--tiles", "none", "--title", "Run B"),
         env_for(gazetteer, 12)),
    ])
    for rc, _, err in results:
        assert rc == 0, err.decode()
    assert sorted(p.name for p in out.iterdir()) == ["index.html"], "no temporary file left behind"
    check_complete_map((out / "index.html").read_bytes(), refs)


# -- 3. forced overlap: writers at a barrier, a reader polling the file --------------------------------------

ROUNDS = 12


def _writer(parsed, gz_path: str, title: str, path: str, ready, barrier, rounds: int, reads) -> None:
    """Build the map once, then save it ``rounds`` times, each time in step with the other writer, and each time
    wait until the reader has read the file at least once after the save (``reads``: its count so far)."""
    from geo.gazetteer import Gazetteer
    from geo.outputs.map import build_map, save_map

    with Gazetteer(Path(gz_path)) as gz:
        m = build_map(parsed, gz, tiles=None, title=title)
    ready.wait(timeout=600)  # both maps built, the reader reading (the timeouts are hang guards, not limits)
    for _ in range(rounds):
        barrier.wait(timeout=600)
        save_map(m, path)
        seen = reads.value
        while reads.value < seen + 2:  # a read that began after this save has ended
            time.sleep(0.001)


def _reader(path: str, good: list[str], ready, stop, results, counter) -> None:
    """Read the file as fast as possible until told to stop; count reads that were not a whole map. Starts
    when both writers have built their maps (not spinning through their start-up)."""
    reads = bad = 0
    examples: list[str] = []
    ready.wait(timeout=600)
    while not stop.is_set():
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            continue
        reads += 1
        counter.value = reads
        if hashlib.sha256(data).hexdigest() not in good:
            bad += 1
            if len(examples) < 3:
                examples.append(f"{len(data)} bytes")
    results.put((reads, bad, examples))


@pytest.mark.slow
def test_concurrent_save_map_never_exposes_a_partial_file(gazetteer, pipe, two_corpora, tmp_path):
    a, b, refs = two_corpora
    parsed_a = list(pipe.parse(iter_documents([str(a)], progress=False)))
    parsed_b = list(pipe.parse(iter_documents([str(b)], progress=False)))
    out = tmp_path / "maps"
    out.mkdir()
    target = str(out / "index.html")
    ctx = multiprocessing.get_context("spawn")
    ready, barrier, stop, results = ctx.Barrier(3), ctx.Barrier(2), ctx.Event(), ctx.Queue()
    counter = ctx.Value("q", 0, lock=False)  # the reader's reads so far (one writer process, read by two)
    good = [hashlib.sha256(v).hexdigest() for v in refs.values()]
    reader = ctx.Process(target=_reader, args=(target, good, ready, stop, results, counter))
    writers = [ctx.Process(target=_writer,
                           args=(parsed, str(gazetteer.path), title, target, ready, barrier, ROUNDS, counter))
               for parsed, title in ((parsed_a, "Run A"), (parsed_b, "Run B"))]
    reader.start()
    for w in writers:
        w.start()
    try:
        for w in writers:
            w.join(timeout=600)  # (hang guards, not limits on the behaviour)
        stop.set()
        reads, bad, examples = results.get(timeout=600)
        reader.join(timeout=600)
    finally:
        stop.set()
        for p in (*writers, reader):
            if p.is_alive():
                p.kill()
    assert [w.exitcode for w in writers] == [0, 0]
    assert reader.exitcode == 0
    assert bad == 0, f"{bad} of {reads} reads saw an incomplete or mixed file: {examples}"
    assert reads >= 2 * ROUNDS  # each save was followed by a read (the writers waited for one): not vacuous
    assert sorted(p.name for p in out.iterdir()) == ["index.html"], "no temporary file left behind"
    check_complete_map(Path(target).read_bytes(), refs)
