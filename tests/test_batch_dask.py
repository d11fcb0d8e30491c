"""--engine dask on real clusters: a LocalCluster of 2 worker processes, and a `dask scheduler` with two
`dask worker` processes on 127.0.0.1 (one of them killed with SIGKILL mid-run). Each worker loads spaCy once
(~2-3 s), so these tests take ~30-60 s together."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from batch_util import (ROOT, articles, by_document, env, geo, part_lines, strip_result_fields, write_folder,
                        write_jsonl)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """36 documents: 12 text files and a .jsonl.gz of 24 articles; the one-process reference output."""
    tmp = tmp_path_factory.mktemp("dask-corpus")
    arts = articles(36)
    folder = write_folder(tmp / "files", arts[:12])
    gz = write_jsonl(tmp / "wire.jsonl.gz", arts[12:], gz=True)
    inputs = [str(folder), str(gz)]
    one = geo("extract", *inputs, "--offline", "-q")
    assert one.returncode == 0, one.stderr
    reference = one.stdout.splitlines(keepends=True)
    assert len(reference) == 36
    return tmp, inputs, reference


def _same_as_one_process(out: Path, reference: list[str]) -> list[str]:
    lines = part_lines(out)
    assert len(lines) == len(reference)
    # the same bytes, document by document (and here even in the same order)
    assert by_document([strip_result_fields(ln) for ln in lines]) == by_document(reference)
    assert [strip_result_fields(ln) for ln in lines] == reference
    return lines


def test_local_cluster_gives_the_same_mentions_as_one_process(corpus):
    tmp, inputs, reference = corpus
    out = tmp / "local-cluster"
    proc = geo("extract", *inputs, "--offline", "--engine", "dask", "--workers", 2, "--partition-size", 4,
               "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "9 partitions" in proc.stderr and "on 2 workers" in proc.stderr
    _same_as_one_process(out, reference)
    man = json.loads((out / "_geo_run.json").read_text())
    assert man["complete"] and man["totals"]["docs"] == 36 and man["totals"]["ran"] == 9
    workers = man["workers"]
    assert len(workers) == 2 and sum(w["partitions"] for w in workers.values()) == 9
    assert all(w["pipeline_loads"] == 1 for w in workers.values())  # loaded once per worker, not per task


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A real `dask scheduler` and two `dask worker` processes (no nanny: a killed worker stays dead)."""
    tmp = tmp_path_factory.mktemp("dask-cluster")
    sched_file = tmp / "scheduler.json"
    procs = []
    log = open(tmp / "cluster.log", "w")

    def start(*args):
        p = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_" + args[0], *args[1:]], env=env(),
                             stdout=log, stderr=subprocess.STDOUT, cwd=tmp, start_new_session=True)
        procs.append(p)
        return p

    start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(sched_file))
    deadline = time.time() + 60
    while not sched_file.exists() and time.time() < deadline:
        time.sleep(0.2)
    assert sched_file.exists(), (tmp / "cluster.log").read_text()
    workers = [start("worker", "--scheduler-file", str(sched_file), "--nthreads", "1", "--no-nanny",
                     "--no-dashboard", "--host", "127.0.0.1", "--name", f"w{i}") for i in range(2)]
    address = json.loads(sched_file.read_text())["address"]
    from dask.distributed import Client

    with Client(address, timeout="30s") as c:
        c.wait_for_workers(2, timeout=60)
    try:
        yield address, workers
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        log.close()


def test_scheduler_and_two_worker_processes_give_the_same_mentions(corpus, cluster):
    tmp, inputs, reference = corpus
    address, workers = cluster
    out = tmp / "cli-cluster"
    proc = geo("extract", *inputs, "--offline", "--engine", "dask", "--scheduler", address, "--partition-size", 4,
               "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "on 2 workers" in proc.stderr
    _same_as_one_process(out, reference)
    man = json.loads((out / "_geo_run.json").read_text())
    assert len(man["workers"]) == 2 and all(w["pipeline_loads"] == 1 for w in man["workers"].values())
    # a rerun finds every partition done and changes nothing
    before = {f.name: f.read_bytes() for f in out.glob("part-*")}
    again = geo("extract", *inputs, "--offline", "--engine", "dask", "--scheduler", address, "--partition-size",
                4, "-o", out)
    assert again.returncode == 0 and "9 already done, 0 run" in again.stderr
    assert {f.name: f.read_bytes() for f in out.glob("part-*")} == before


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(corpus, cluster):
    tmp, inputs, reference = corpus
    address, workers = cluster
    out = tmp / "killed"
    # small partitions (18) so the run is well under way, not finished, when the worker dies
    run = subprocess.Popen([sys.executable, "-m", "geo.cli", "extract", *inputs, "--offline", "--engine", "dask",
                            "--scheduler", address, "--partition-size", "2", "-o", str(out), "-q"], env=env(),
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline and run.poll() is None and not list(out.glob("part-*.jsonl")):
        time.sleep(0.02)
    done_at_kill = len(list(out.glob("part-*.jsonl")))
    victim = workers[1]
    assert victim.poll() is None
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    stdout, stderr = run.communicate(timeout=180)
    assert run.returncode == 0, stderr
    assert 0 < done_at_kill < 18  # killed while partitions were still running or queued
    files = sorted(f.name for f in out.glob("part-*.jsonl"))
    assert len(files) == 18 and not list(out.glob(".*.tmp"))
    lines = _same_as_one_process(out, reference)
    assert len({json.loads(ln)["id"] for ln in lines}) == 36  # no document twice
    man = json.loads((out / "_geo_run.json").read_text())
    assert man["complete"] and man["missing"] == []
