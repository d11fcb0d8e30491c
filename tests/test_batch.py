"""Batch mode without a cluster: partition planning and reading, resume, GeoParquet, maps from results."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from batch_util import (articles, geo, part_lines, permission_checked, silent_endpoint,
                        write_folder, write_jsonl, write_parquet)
from conftest import cli_result as geo_here  # geo ARGS in this process (CliRunner)
from geo.batch.sources import plan_partitions, read_partition
from geo.documents import iter_documents


# ---- planning and reading (no pipeline) ----------------------------------------------------------

def _read_all(specs, errors=None):
    docs = []
    for s in specs:
        docs += list(read_partition(s, on_error=(errors.append if errors is not None else None)))
    return docs


def test_jsonl_partitions_read_back_the_same_documents_as_one_stream(tmp_path):
    f = write_jsonl(tmp_path / "a.jsonl", articles(23))
    with open(f, "a", encoding="utf-8") as fh:  # a blank line and a bad line: skipped / reported, as in one process
        fh.write("\n{not json\n")
    specs = plan_partitions([str(f)], partition_size=5)
    assert [(s.start, s.stop) for s in specs] == [(0, 5), (5, 10), (10, 15), (15, 20), (20, 25)]
    errors: list = []
    docs = _read_all(specs, errors)
    one_errors: list = []
    one = list(iter_documents([str(f)], on_error=one_errors.append))
    assert docs == one and len(docs) == 23
    assert [str(e) for e in errors] == [str(e) for e in one_errors] and f"{f}#25" in str(errors[0])


def test_gzip_and_parquet_inputs_with_text_and_id_fields(tmp_path):
    arts = articles(17)
    gz = write_jsonl(tmp_path / "a.jsonl.gz", arts, gz=True)
    pq = write_parquet(tmp_path / "a.parquet", arts, row_group_size=4)
    g_specs = plan_partitions([str(gz)], partition_size=6)
    assert [(s.kind, s.start, s.stop) for s in g_specs] == [("jsonl.gz", 0, 6), ("jsonl.gz", 6, 12),
                                                           ("jsonl.gz", 12, 17)]
    g_docs = _read_all(g_specs)
    assert [d.id for d in g_docs] == [f"{gz}#{i}" for i in range(1, 18)]
    assert [d.text for d in g_docs] == [a["body"] for a in arts] and g_docs[3].url == arts[3]["url"]

    p_specs = plan_partitions([str(pq)], partition_size=5, text_field="body", id_field="key")
    assert [(s.start, s.stop) for s in p_specs] == [(0, 5), (5, 10), (10, 15), (15, 17)]
    p_docs = _read_all(p_specs)  # partitions cross row groups of 4 rows
    assert [d.id for d in p_docs] == [a["key"] for a in arts]
    assert [d.text for d in p_docs] == [a["body"] for a in arts]
    assert [(d.title, d.date, d.path) for d in p_docs] == [(a["title"], a["date"], str(pq)) for a in arts]

    errors: list = []
    assert _read_all(plan_partitions([str(pq)], partition_size=50, text_field="nope"), errors) == []
    assert "nope" in str(errors[0]) and str(pq) in str(errors[0])


def test_folders_keep_file_order_and_names_are_deterministic(tmp_path):
    folder = write_folder(tmp_path / "in", articles(11))
    write_jsonl(folder / "more.jsonl.gz", articles(3), gz=True)  # found in folders, unlike plain geo.documents
    errors: list = []
    specs = plan_partitions([str(folder), str(tmp_path / "missing.txt")], partition_size=4, on_error=errors.append)
    assert [s.kind for s in specs] == ["files", "files", "files", "jsonl.gz"]
    assert [len(s.paths) for s in specs] == [4, 4, 3, 1]
    # a path that does not exist is reported when planning: no partition waits for it
    assert [(e.kind, e.path) for e in errors] == [("missing", str(tmp_path / "missing.txt"))]
    again = plan_partitions([str(folder), str(tmp_path / "missing.txt")], partition_size=4, on_error=[].append)
    assert [s.name for s in specs] == [s.name for s in again]
    assert len({s.name for s in specs}) == len(specs) and specs[0].name.startswith("part-00000-")
    bad: list = []
    docs = _read_all(specs, bad)
    assert len(docs) == 14 and bad == []
    assert plan_partitions([str(folder)], partition_size=5)[0].name != specs[0].name  # other range, other name


# ---- the local engine: resume, manifest, formats --------------------------------------------------

@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("local")
    src = write_jsonl(tmp / "news.jsonl", articles(20))
    out = tmp / "out"
    proc = geo_here("extract", src, "--offline", "--engine", "local", "--partition-size", 6, "-o", out)
    assert proc.returncode == 0, proc.stderr
    return src, out, proc


def test_local_engine_writes_one_file_per_partition_with_the_contract(local_run):
    src, out, proc = local_run
    parts = sorted(out.glob("part-*.jsonl"))
    assert len(parts) == 4 and "4 partitions" in proc.stderr
    man = json.loads((out / "_geo_run.json").read_text())
    assert man["complete"] is True and man["totals"]["docs"] == 20 and man["partitions"] == 4
    lines = part_lines(out)
    assert [json.loads(ln)["id"] for ln in lines] == [f"{src}#{i}" for i in range(1, 21)]
    one = geo_here("extract", src, "--offline", "-q")  # the plain one-process output, field for field
    assert one.returncode == 0
    assert lines == one.stdout.splitlines(keepends=True)
    texts = {json.loads(ln)["id"]: a["body"] for ln, a in zip(lines, articles(20))}
    for ln in lines:
        rec = json.loads(ln)
        for m in rec["mentions"]:
            s = m["sentence"]
            assert s[m["start"] - m["sentence_start"]:m["end"] - m["sentence_start"]] == m["text"]
            assert texts[rec["id"]][m["sentence_start"]:m["sentence_start"] + len(s)] == s
            assert (m["place_id"] is None) == (m["lat"] is None)


def test_rerun_skips_finished_partitions_and_redoes_a_lost_one(local_run, tmp_path):
    src, out, _ = local_run
    before = {f.name: f.read_bytes() for f in out.glob("part-*.jsonl")}
    lost = sorted(before)[2]
    (out / lost).unlink()
    (out / f".{lost}.123.tmp").write_text("half a partition")  # what a killed worker leaves
    proc = geo_here("extract", src, "--offline", "--engine", "local", "--partition-size", 6, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "3 already done, 1 run" in proc.stderr
    assert {f.name: f.read_bytes() for f in out.glob("part-*.jsonl")} == before
    assert not list(out.glob(".*.tmp"))
    # other options into the same folder: refused, nothing touched
    proc = geo_here("extract", src, "--engine", "local", "--partition-size", 6, "-o", out, "--model", "xx_other")
    assert proc.returncode == 1 and "other options" in proc.stderr and "model" in proc.stderr
    assert {f.name: f.read_bytes() for f in out.glob("part-*.jsonl")} == before


@pytest.mark.slow
def test_an_unreadable_input_leaves_the_run_incomplete_and_a_rerun_reads_it(tmp_path):
    """A file that cannot be read (here: permission denied, for real) is no finished partition: nothing
    is written for it, _geo_run.json says complete: false and names it, and once the file can be read
    the same command reads it and completes. (Before: an empty partition that counted as done.)"""
    arts = articles(8)
    folder = write_folder(tmp_path / "in", arts[:6])  # 3 partitions of 2 files
    shard = write_jsonl(tmp_path / "wire.jsonl", arts[6:])  # unreadable when planned: its lines cannot be counted
    locked = folder / "art-003.txt"
    sub = write_folder(folder / "sub", [{**articles(9)[8], "key": "art-008"}])  # a folder that cannot be listed
    out = tmp_path / "out"
    args = ("extract", folder, shard, "--offline", "--engine", "local", "--partition-size", 2, "-o", out)
    as_user = permission_checked()
    for p in (locked, shard, sub):
        os.chmod(p, 0)
    try:
        proc = geo(*args, prefix=as_user)
    finally:
        os.chmod(locked, 0o644)
        os.chmod(shard, 0o644)
        os.chmod(sub, 0o755)
    assert proc.returncode == 1, proc.stderr
    problems = [f"{locked}: permission denied", f"{shard}: cannot read the file (Permission denied)",
                f"{sub}: permission denied"]
    assert all(p in proc.stderr for p in problems)
    assert "3 partition(s) were not written" in proc.stderr and "rerun the same command" in proc.stderr
    man = json.loads((out / "_geo_run.json").read_text())
    assert man["complete"] is False and man["errors"] == 3 and man["totals"]["errors"] == 3
    assert man["totals"]["failed"] == 3 and man["totals"]["ran"] == 2 and man["totals"]["docs"] == 4
    failed = man["failed"]
    assert sorted(m for f in failed.values() for m in f["errors"]) == sorted(problems)
    assert sorted(man["missing"]) == sorted(failed)
    assert [json.loads(ln)["id"] for ln in part_lines(out)] == [str(folder / f"art-00{i}.txt") for i in (0, 1, 4, 5)]

    again = geo(*args, prefix=as_user)  # the cause is fixed: the same command
    assert again.returncode == 0, again.stderr
    assert "5 partitions (2 already done, 3 run" in again.stderr
    man = json.loads((out / "_geo_run.json").read_text())
    assert man["complete"] is True and man["errors"] == 0 and man["failed"] == {} and man["missing"] == []
    ids = [json.loads(ln)["id"] for ln in part_lines(out)]
    assert sorted(ids) == sorted([str(folder / f"art-00{i}.txt") for i in range(6)] + [str(sub / "art-008.txt")]
                                 + [f"{shard}#1", f"{shard}#2"])


def test_a_bad_record_is_reported_and_kept_on_record_across_reruns(tmp_path):
    """An invalid JSON line is a problem of the data, not of reading: its partition is written (as one
    process would) and the manifest keeps the problem, also after a rerun that skips the partition."""
    from geo.batch.engine import run
    from geo.batch.partition import Options

    src = write_jsonl(tmp_path / "a.jsonl", articles(3))
    with open(src, "a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    specs = plan_partitions([str(src)], partition_size=2)
    out = tmp_path / "out"
    totals = run(specs, out, Options(), engine="local", partition_size=2, progress=False)
    assert totals["docs"] == 3 and totals["errors"] == 1 and totals["failed"] == 0
    man = json.loads((out / "_geo_run.json").read_text())
    assert man["complete"] is True and man["errors"] == 1
    [(name, rec)] = man["input_errors"].items()
    assert rec["errors"] == [f"{src}#4: invalid JSON (Expecting property name enclosed in double quotes, column 2)"]
    run(specs, out, Options(), engine="local", partition_size=2, progress=False)
    again = json.loads((out / "_geo_run.json").read_text())
    assert again["totals"]["skipped"] == 2 and again["input_errors"] == man["input_errors"] and again["errors"] == 1


def test_running_out_of_memory_while_reading_leaves_the_partition_to_do(tmp_path, monkeypatch):
    """MemoryError while reading a file (simulated in the reader): no partition file, the run incomplete."""
    import geo.batch.sources
    from geo.batch.engine import BatchError, run
    from geo.batch.partition import Options

    folder = write_folder(tmp_path / "in", articles(2))
    real = geo.batch.sources.iter_path

    def iter_path(f, **kw):
        if f.endswith("art-001.txt"):
            raise MemoryError()
        return real(f, **kw)

    monkeypatch.setattr(geo.batch.sources, "iter_path", iter_path)
    specs = plan_partitions([str(folder)], partition_size=1)
    out = tmp_path / "out"
    with pytest.raises(BatchError, match="1 partition"):
        run(specs, out, Options(), engine="local", partition_size=1, progress=False)
    man = json.loads((out / "_geo_run.json").read_text())
    assert man["complete"] is False and [f["errors"] for f in man["failed"].values()] == [
        [f"{folder / 'art-001.txt'}: cannot read the file (out of memory)"]]
    assert len(list(out.glob("part-*.jsonl"))) == 1
    monkeypatch.setattr(geo.batch.sources, "iter_path", real)
    totals = run(specs, out, Options(), engine="local", partition_size=1, progress=False)
    assert totals["skipped"] == 1 and totals["ran"] == 1 and totals["docs"] == 1
    assert json.loads((out / "_geo_run.json").read_text())["complete"] is True


@pytest.mark.slow
def test_a_silent_scheduler_is_an_error_within_the_connect_timeout(tmp_path):
    """An address that accepts connections and never answers: a clear error once the connect timeout
    has passed (Dask's own Client waits for the handshake forever)."""
    from geo.batch.engine import BatchError, run
    from geo.batch.partition import Options

    with silent_endpoint() as port:
        address = f"tcp://127.0.0.1:{port}"
        with pytest.raises(BatchError, match=f"{address}: no Dask scheduler answered within 2 s"):
            run([], tmp_path / "o", Options(), engine="dask", scheduler=address, connect_timeout=2, progress=False)
        # the CLI: Dask's own setting for the connect timeout (30 s unless set)
        src = write_jsonl(tmp_path / "a.jsonl", articles(2))
        proc = geo("extract", src, "--offline", "--engine", "dask", "--scheduler", address, "-o", tmp_path / "o2",
                   environ={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert proc.returncode == 1
    assert f"{address}: no Dask scheduler answered within 2 s" in proc.stderr and "Traceback" not in proc.stderr


def test_the_fork_pool_engine_writes_what_the_local_engine_writes(local_run, tmp_path):
    """engine='pool' (the -j N pool) runs the same partition function: the same files, byte for byte."""
    import geo.batch.engines.pool
    from geo.batch.engine import run
    from geo.batch.partition import Options
    from geo.outputs.jsonl import extract_record

    src, out, _ = local_run
    specs = plan_partitions([str(src)], partition_size=6)
    pooled = tmp_path / "pooled"
    totals = run(specs, pooled, Options(), engine="pool", workers=2, partition_size=6, progress=False)
    assert totals["ran"] == 4 and totals["workers"] == 2 and totals["docs"] == 20
    want = {f.name: f.read_bytes() for f in out.glob("part-*.jsonl")}
    assert len(want) == 4 and {f.name: f.read_bytes() for f in pooled.glob("part-*.jsonl")} == want
    man = json.loads((pooled / "_geo_run.json").read_text())
    assert man["complete"] and sum(w["partitions"] for w in man["workers"].values()) == 4
    assert all(w["pipeline_loads"] <= 1 for w in man["workers"].values())  # inherited, not loaded per task
    # -j N: documents in memory, through the same pool, in input order, the same records as one process
    from geo.batch.partition import current_pipeline
    from geo.batch.sources import iter_batch_documents

    pipe = current_pipeline()
    docs = list(iter_batch_documents([str(src)]))
    pooled_docs = list(geo.batch.engines.pool.parse(pipe, docs, 2, batch_size=3))
    assert [extract_record(pd) for pd in pooled_docs] == [extract_record(pd) for pd in pipe.parse(docs)]
    assert [pd.document.id for pd in pooled_docs] == [d.id for d in docs] and len(docs) == 20


def test_usage_errors_are_clear(tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl", articles(2))
    proc = geo_here("extract", src, "--engine", "local", "--offline")
    assert proc.returncode == 2 and "-o DIR" in proc.stderr
    proc = geo_here("extract", src, "--engine", "local", "--format", "csv", "-o", tmp_path / "o", "--offline")
    assert proc.returncode == 2 and "jsonl or parquet" in proc.stderr
    proc = geo_here("extract", src, "--engine", "dask", "--scheduler", "localhost:1", "-o", tmp_path / "o", "--offline")
    assert proc.returncode == 2 and "tcp://" in proc.stderr


def test_geoparquet_output_is_read_by_geopandas_and_duckdb(tmp_path):
    import duckdb
    import geopandas as gpd

    src = write_parquet(tmp_path / "news.parquet", articles(14), row_group_size=5)
    out = tmp_path / "gpq"
    proc = geo_here("extract", src, "--offline", "--engine", "local", "--partition-size", 5, "--format", "parquet",
               "--text-field", "body", "--id-field", "key", "-o", out)
    assert proc.returncode == 0, proc.stderr
    jl = tmp_path / "jl"
    proc = geo_here("extract", src, "--offline", "--engine", "local", "--partition-size", 5,
               "--text-field", "body", "--id-field", "key", "-o", jl)
    assert proc.returncode == 0, proc.stderr
    mentions = [(rec["id"], m) for rec in map(json.loads, part_lines(jl)) for m in rec["mentions"]]
    files = sorted(out.glob("part-*.parquet"))
    assert len(files) == 3
    gdf = gpd.read_parquet(files[0])
    assert gdf.crs.to_epsg() == 4326 and gdf.geometry.name == "geometry"
    whole = gpd.GeoDataFrame(__import__("pandas").concat([gpd.read_parquet(f) for f in files], ignore_index=True))
    assert len(whole) == len(mentions) > 14
    for (doc_id, m), (_, row) in zip(mentions, whole.iterrows()):
        assert row["id"] == doc_id and row["text"] == m["text"] and row["start"] == m["start"]
        assert row["sentence"] == m["sentence"] and row["why"] == m["why"]
        if m["lat"] is None:
            assert row.geometry is None
        else:
            assert (row.geometry.x, row.geometry.y) == (m["lon"], m["lat"])
    con = duckdb.connect()
    glob = str(out / "part-*.parquet")
    n, = con.execute(f"SELECT count(*) FROM read_parquet('{glob}')").fetchone()
    assert n == len(mentions)
    top = con.execute(f"SELECT name, count(*) c FROM read_parquet('{glob}') WHERE lat IS NOT NULL "
                      f"GROUP BY name ORDER BY c DESC, name LIMIT 1").fetchone()
    names = [m["name"] for _, m in mentions if m["name"]]
    assert top[1] == max(names.count(x) for x in set(names))
    geo_meta = con.execute(f"SELECT value FROM parquet_kv_metadata('{files[0]}') WHERE key = 'geo'").fetchone()
    meta = json.loads(geo_meta[0])
    assert meta["primary_column"] == "geometry" and meta["columns"]["geometry"]["encoding"] == "WKB"
    assert meta["version"].startswith("1.") and "Point" in meta["columns"]["geometry"]["geometry_types"]


def test_map_from_results_matches_map_from_articles(local_run, tmp_path):
    """Streaming aggregation over stored results gives the same places, counts and snippets."""
    from geo.batch.sources import iter_batch_documents
    from geo.gazetteer import Gazetteer
    from geo.pipeline import Pipeline
    from geo.outputs.aggregate import Aggregator
    from geo.outputs.results import aggregate_results

    src, out, _ = local_run
    gz = Gazetteer.open(progress=False)
    pipe = Pipeline(gazetteer=gz, progress=False)
    agg = Aggregator(3, documents=20)
    for pd in pipe.parse(iter_batch_documents([str(src)])):
        agg.add(pd)
    want = agg.entries()
    got, summary = aggregate_results([str(out)], snippets=20, gazetteer=gz)
    assert summary.documents == 20 and len(got) == len(want) > 10

    def view(entries):
        return [(e.place.id, e.place.name, e.mentions, e.document_count, e.names,
                 [(dm.document.id, dm.mentions, [s.parts for s in dm.snippets]) for dm in e.documents])
                for e in entries]

    assert view(got) == view(want)
    proc = geo_here("map", out, "-o", tmp_path / "m", "--offline", "--tiles", "none")
    assert proc.returncode == 0, proc.stderr
    assert "20 documents from 4 result files" in proc.stderr and f"{len(want)} places" in proc.stderr
    html = (tmp_path / "m" / "index.html").read_text(encoding="utf-8")
    assert want[0].place.name in html


def test_partition_names_travel_with_the_spec(tmp_path, monkeypatch):
    """A worker with another working directory (or host) writes under the name the driver planned."""
    import pickle

    monkeypatch.chdir(tmp_path)
    write_folder(tmp_path / "in", articles(3))
    specs = plan_partitions(["in"], partition_size=2)
    names = [s.name for s in specs]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert [pickle.loads(pickle.dumps(s)).name for s in specs] == names


_FAULTS = r"""
import resource, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
if sys.argv[2] == "undo":
    from geo.batch.partition import _undo_fixed_malloc_thresholds
    _undo_fixed_malloc_thresholds()
np.ones(2**17).sum()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(200):
    np.ones(2**17).sum()  # a 1 MiB array, allocated, touched and freed: what spaCy does per token batch
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="glibc malloc thresholds: Linux only")
def test_a_dask_nanny_malloc_setting_no_longer_makes_every_array_page_fault():
    """Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which freezes glibc's mmap
    threshold at 128 KiB: each 1 MiB array is mapped and unmapped, 256 page faults every time. A
    worker's pipeline undoes that, so freed arrays are reused like in one process."""
    import subprocess
    import sys

    from batch_util import ROOT

    def faults(mode: str, **environ: str) -> int:
        out = subprocess.run([sys.executable, "-c", _FAULTS, str(ROOT), mode], capture_output=True, text=True,
                             env={**os.environ, **environ}, check=True).stdout
        return int(out)

    nanny = {"MALLOC_TRIM_THRESHOLD_": "65536"}
    assert faults("keep", **nanny) > 200 * 200  # the setting's cost, so the test can fail
    assert faults("undo", **nanny) < 2_000
    assert faults("keep") < 2_000  # one process, glibc's defaults: what the worker now matches
