"""Single large articles (issue 13.2): MB/s and peak memory of `geo map FILE --offline` for 1, 5 and 20 MB.

Each size runs in its own subprocess (`python -m geo.cli map big.txt --offline`); its peak RSS is the
child's (``/usr/bin/time -v``'s "Maximum resident set size"; without it ``getrusage(RUSAGE_CHILDREN)``,
the largest child so far). MB/s is given per wall-clock second and per CPU second (steadier on a
shared machine). The article is built from real news text:
the articles of the dev corpora (LGL, GeoVirus) concatenated, repeated to the size wanted.

    python bench/bench_large.py                  # 1, 5 and 20 MB
    python bench/bench_large.py --sizes 1 5      # chosen sizes (MB)
    python bench/bench_large.py --json out.json

Targets: peak RSS < 1 GB at every size, and time linear in size (MB/s about constant).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("GEO_CORPORA", REPO.parent.parent / "shared" / "corpora"))
if not CORPORA.exists():
    CORPORA = Path("/work/shared/corpora")


def news_text() -> str:
    texts = []
    for name in ("lgl.xml", "GeoVirus.xml"):
        f = CORPORA / name
        if f.exists():
            texts += [(a.findtext("text") or "").strip() for a in ET.parse(f).getroot().iter("article")]
    texts = [t for t in texts if t]
    if not texts:
        sys.exit(f"no corpora found in {CORPORA} (set GEO_CORPORA)")
    return "\n\n".join(texts)


def make_article(path: Path, mb: float, body: str) -> int:
    n = int(mb * 1024 * 1024)
    with open(path, "w", encoding="utf-8") as fh:
        written = 0
        fh.write("A long report\n\n")
        while written < n:
            piece = body[: n - written]
            fh.write(piece)
            written += len(piece.encode("utf-8"))
            fh.write("\n\n")
    return path.stat().st_size


def run(path: Path, out: Path) -> dict:
    """One child process; its peak RSS from /usr/bin/time -v when there is one, else from getrusage."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    cmd = [sys.executable, "-m", "geo.cli", "map", str(path), "--offline", "--tiles", "none", "-o", str(out), "-q"]
    timer = Path("/usr/bin/time")
    if timer.exists():
        cmd = [str(timer), "-v", *cmd]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb = after.ru_maxrss
    for line in r.stderr.splitlines():
        if "Maximum resident set size" in line:
            peak_kb = int(line.rsplit(":", 1)[1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    tail = [ln for ln in r.stderr.strip().splitlines() if not ln.startswith("\t") and "Command being timed" not in ln][-3:]
    return {"exit": r.returncode, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "peak_rss_mb": round(peak_kb / 1024),
            "stderr_tail": tail}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[1, 5, 20])
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    body = news_text()
    results = []
    with tempfile.TemporaryDirectory(prefix="geo-bench-large-") as tmp:
        for mb in sorted(args.sizes):
            f = Path(tmp) / f"big{mb:g}mb.txt"
            size = make_article(f, mb, body)
            res = run(f, Path(tmp) / f"out{mb:g}")
            res.update(size_mb=round(size / 2**20, 2), mb_per_s=round(size / 2**20 / res["wall_s"], 4),
                       mb_per_cpu_s=round(size / 2**20 / max(res["cpu_s"], 1e-9), 4))
            results.append(res)
            print(json.dumps(res), flush=True)
            f.unlink()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
