"""Batch geoparsing benchmark: single-process `geo extract` vs `--engine dask` with 1 and 2 workers on the
same synthetic corpus in the same run, then `geo map` over a 1,000,000-mention result set.

    python bench/bench_batch.py [--articles 200000] [--baseline-articles 10000] [--partition-size 500]
                                [--map-mentions 1000000] [--workers 1,2] [--work DIR] [--json]

The corpus replicates the dev corpora's article texts (shared/corpora/lgl.xml and GeoVirus.xml,
817 texts) until it holds ``--articles`` articles, written as shards of 10,000 articles
(``.jsonl.gz``, one article per line). Each run is a subprocess, timed wall-clock from start to exit
(model loading and cluster start-up included), plus the steady rate from the partitions' own timings.
Peak memory: the resident set of each worker (from the run's _geo_run.json) and of the single process.

The baselines (single-process `geo extract`, and every worker count but the largest) run on the first
``--baseline-articles`` articles of the corpus (the same texts, the same ids); the largest worker
count runs the whole corpus. On 2 cores at ~11 articles per CPU-second, one process over 200,000
articles would take five hours, so the scale run is the one that covers them all; rates are compared
per article, and the parallel run's output is checked against the single process's on the shared
articles (ids from the rows' own ``id`` field, so the baseline's and the full corpus's match).

The map benchmark replicates the 2-worker run's result records (new document ids) until they hold
``--map-mentions`` mentions, then runs ``geo map RESULTS`` in a subprocess and reports its time and
peak memory (target: under 1 GB for 1,000,000 mentions).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_SHARED = next((p / "shared" / "corpora" for p in ROOT.parents if (p / "shared" / "corpora").is_dir()),
               ROOT.parent / "shared" / "corpora")
CORPORA = [_SHARED / "lgl.xml", _SHARED / "GeoVirus.xml"]
SHARD = 10_000


def _env() -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    return e


def run(cmd: list[str]) -> tuple[float, float, float, subprocess.CompletedProcess]:
    """(seconds, peak RSS MB of the largest child so far, CPU seconds of this child, result)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=_env(), cwd=ROOT)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return dt, after.ru_maxrss / 1024.0, cpu, proc


def build_corpus(work: Path, n: int, name: str = "corpus") -> tuple[list[str], int]:
    sys.path.insert(0, str(ROOT))
    from geo.evaluate import read_corpus

    texts = [a.text for c in CORPORA for a in read_corpus(c)]
    shards = []
    words = 0
    corpus = work / name
    corpus.mkdir(parents=True, exist_ok=True)
    for s in range(0, n, SHARD):
        path = corpus / f"news-{s // SHARD:04d}.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
            for i in range(s, min(n, s + SHARD)):
                t = texts[i % len(texts)]
                words += len(t.split())
                fh.write(json.dumps({"id": f"a{i:08d}", "text": t}, ensure_ascii=False) + "\n")
        shards.append(str(path))
    return shards, words


def steady(out: Path) -> dict:
    """Per-worker figures from the run's manifest."""
    man = json.loads((out / "_geo_run.json").read_text())
    return {"workers": man["workers"], "totals": man["totals"]}


def build_results(src: Path, dst: Path, mentions: int) -> tuple[int, int]:
    """Replicate the result records under ``src`` (new ids) into ``dst`` until ``mentions`` are reached."""
    records = []
    for f in sorted(src.glob("part-*.jsonl")):
        records += [json.loads(ln) for ln in f.read_text(encoding="utf-8").splitlines()]
    per_round = sum(len(r["mentions"]) for r in records)
    if per_round == 0:
        sys.exit("no mentions to replicate")
    dst.mkdir(parents=True, exist_ok=True)
    n = docs = part = 0
    fh = None
    while n < mentions:
        for r in records:
            if n >= mentions:
                break
            if docs % 20_000 == 0:
                if fh:
                    fh.close()
                fh = open(dst / f"part-{part:05d}.jsonl", "w", encoding="utf-8")
                part += 1
            rec = dict(r, id=f"{r['id']}-{docs}")
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += len(r["mentions"])
            docs += 1
    if fh:
        fh.close()
    return n, docs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=200_000)
    ap.add_argument("--baseline-articles", type=int, default=10_000,
                    help="articles the single process and the smaller worker counts run (the first ones)")
    ap.add_argument("--partition-size", type=int, default=500)
    ap.add_argument("--workers", default="1,2", help="comma-separated dask worker counts to run")
    ap.add_argument("--map-mentions", type=int, default=1_000_000)
    ap.add_argument("--work", default="/tmp/geo-bench-batch")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    work = Path(args.work)
    if work.exists():
        import shutil

        shutil.rmtree(work)
    work.mkdir(parents=True)
    shards, words = build_corpus(work, args.articles)
    n_base = min(args.articles, args.baseline_articles)
    base_shards, base_words = (shards, words) if n_base == args.articles else build_corpus(work, n_base, "baseline")
    counts = [int(x) for x in args.workers.split(",") if x]
    py = [sys.executable, "-m", "geo.cli"]
    res: dict = {"articles": args.articles, "words": words, "shards": len(shards), "baseline_articles": n_base,
                 "cpus": os.cpu_count(),
                 "load_before": os.getloadavg()}

    # single process: plain `geo extract` (the one-process path, no engine)
    dt, rss, cpu, _ = run(py + ["extract", *base_shards, "--offline", "-q", "--id-field", "id",
                               "-o", str(work / "single.jsonl")])
    res["single"] = {"articles": n_base, "seconds": round(dt, 1), "docs_per_s": round(n_base / dt, 2),
                     "words_per_s": round(base_words / dt), "peak_rss_mb": round(rss), "cpu_seconds": round(cpu, 1),
                     "docs_per_cpu_s": round(n_base / cpu, 2)}
    print(f"single process ({n_base:,} articles): {dt:.1f}s, {n_base / dt:.1f} docs/s, {n_base / cpu:.1f} docs per "
          f"CPU-s, peak {rss:.0f} MB", flush=True)

    # the one process's records, to compare each run with; the "doc" field is the input file's path,
    # which differs between the baseline and the full corpus
    single, shared_ids = [], set()
    for ln in (work / "single.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(ln)
        rec.pop("doc", None)
        shared_ids.add(rec["id"])
        single.append(json.dumps(rec, ensure_ascii=False, allow_nan=False))
    single.sort()

    for w in counts:
        out = work / f"dask-{w}"
        full = w == max(counts)
        n_run = args.articles if full else n_base
        dt, _, _, proc = run(py + ["extract", *(shards if full else base_shards), "--offline", "-q", "--id-field", "id",
                                   "--engine", "dask", "--workers", str(w), "--partition-size", str(args.partition_size),
                                   "-o", str(out)])
        st = steady(out)
        rate = n_run / dt
        res[f"dask_{w}"] = {
            "articles": n_run,
            "seconds": round(dt, 1), "docs_per_s": round(rate, 2), "per_worker_docs_per_s": round(rate / w, 2),
            "vs_single": round(rate / res["single"]["docs_per_s"], 3),
            "per_worker_vs_single": round(rate / w / res["single"]["docs_per_s"], 3),
            "worker_peak_rss_mb": sorted(round(v["peak_rss_mb"]) for v in st["workers"].values()),
            "worker_docs": sorted(v["docs"] for v in st["workers"].values()),
            "pipeline_loads": sorted(v["pipeline_loads"] for v in st["workers"].values()),
            # contention-free view: documents per CPU-second of each worker (model load included), vs single
            "worker_docs_per_cpu_s": sorted(round(v["docs"] / v["cpu_seconds"], 2) for v in st["workers"].values()),
            "worker_busy_docs_per_s": sorted(round(v["docs"] / v["busy_seconds"], 2) for v in st["workers"].values()),
            # documents per CPU-second of the tasks themselves (model load and the worker's event loop excluded)
            "task_docs_per_cpu_s": sorted(round(v["docs"] / v["task_cpu_seconds"], 2) for v in st["workers"].values()),
        }
        res[f"dask_{w}"]["cpu_efficiency_vs_single"] = round(
            min(res[f"dask_{w}"]["worker_docs_per_cpu_s"]) / res["single"]["docs_per_cpu_s"], 3)
        print(f"dask {w} worker(s) ({n_run:,} articles): {dt:.1f}s, {rate:.1f} docs/s ({res[f'dask_{w}']['vs_single']}x single, "
              f"{res[f'dask_{w}']['per_worker_vs_single']}x per worker), worker peak RSS "
              f"{res[f'dask_{w}']['worker_peak_rss_mb']} MB, CPU efficiency vs single "
              f"{res[f'dask_{w}']['cpu_efficiency_vs_single']}", flush=True)
        # same mentions as one process (sorted by document; result fields dropped)
        mine = []
        for f in sorted(out.glob("part-*.jsonl")):
            for ln in f.read_text(encoding="utf-8").splitlines():
                rec = json.loads(ln)
                if rec["id"] not in shared_ids:
                    continue
                rec.pop("doc", None)
                for m in rec["mentions"]:
                    for k in ("place_id", "sentence", "sentence_start"):
                        m.pop(k)
                mine.append(json.dumps(rec, ensure_ascii=False, allow_nan=False))
        res[f"dask_{w}"]["same_as_single"] = sorted(mine) == single

    last = max(counts)
    if args.map_mentions:
        results = work / "results-1m"
        n, docs = build_results(work / f"dask-{last}", results, args.map_mentions)
        size = sum(f.stat().st_size for f in results.glob("*.jsonl"))
        # a fresh process per measurement: RUSAGE_CHILDREN is the max over all children so far, so run the
        # map through a tiny wrapper that reports its own peak
        code = ("import resource,subprocess,sys,time;t=time.perf_counter();"
                "p=subprocess.run(sys.argv[1:]);"
                "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024.0);"
                "sys.exit(p.returncode)")
        proc = subprocess.run([sys.executable, "-c", code, *py, "map", str(results), "-o", str(work / "map"),
                               "--offline", "-q", "--tiles", "none"], capture_output=True, text=True, env=_env(),
                              cwd=ROOT)
        if proc.returncode != 0:
            sys.exit(proc.stderr[-3000:])
        secs, peak = (float(x) for x in proc.stdout.split())
        html = (work / "map" / "index.html").stat().st_size
        res["map"] = {"mentions": n, "documents": docs, "results_mb": round(size / 1e6), "seconds": round(secs, 1),
                      "peak_rss_mb": round(peak), "html_mb": round(html / 1e6, 1)}
        print(f"geo map over {n:,} mentions ({docs:,} documents, {size / 1e6:.0f} MB JSONL): {secs:.1f}s, "
              f"peak {peak:.0f} MB, map {html / 1e6:.1f} MB", flush=True)
    res["load_after"] = os.getloadavg()
    if args.json:
        print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
