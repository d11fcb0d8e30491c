"""Benchmark of static figures (geo.outputs.figure): a 10,000-place figure and the seed figure.

Each case runs in its own process (so its peak RSS is its own) next to a baseline measured in the
same run: a bare matplotlib scatter of the same points at the same size and dpi, saved the same way.

    python bench/bench_figure.py                 # both cases, PNG and SVG
    python bench/bench_figure.py --places 2000   # a smaller big case

Targets (issue 21): 10,000 places in <= 10 s and <= 500 MB peak RSS; the seed figure <= 2 s warm.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _big_entries(n: int, seed: int = 21):
    """``n`` real towns from the gazetteer (most important first), mentions drawn with a fixed seed,
    spread over n // 10 articles, aggregated as ``geo map`` does."""
    from geo.gazetteer import Gazetteer
    from geo.outputs.figure.draw import Aggregator
    from geo.types import Document, Mention, Resolution

    gz = Gazetteer.open(progress=False)
    rows = gz._db.execute("SELECT id FROM places WHERE fclass = 'P' ORDER BY importance DESC, id LIMIT ?",
                          (n,)).fetchall()
    places = [gz.get(r[0]) for r in rows]
    rnd = random.Random(seed)
    agg = Aggregator(0, documents=0)
    per_doc = 10
    for d in range(0, len(places), per_doc):
        doc = Document(id=f"doc-{d // per_doc}", text="")
        for p in places[d:d + per_doc]:
            for _ in range(1 + int(rnd.paretovariate(1.5)) % 40):
                agg.add_mention(doc, Resolution(Mention(doc.id, p.name, 0, len(p.name), "GPE"), p, 0.9))
    return agg.entries(), gz, agg.document_count


def _baseline(points: list[tuple[float, float, int]], out: Path, size_in, dpi) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=size_in, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.1, 0.96, 0.8))
    ax.scatter([p[0] for p in points], [p[1] for p in points], s=[4 + 2 * min(p[2], 40) for p in points])
    ax.set_title("baseline")
    fig.savefig(out, format=out.suffix[1:], dpi=dpi)


def case(name: str, n: int, fmt: str, tmp: Path) -> dict:
    from geo.outputs.figure import DEFAULT_DPI, DEFAULT_SIZE_IN, write_figure

    out = tmp / f"{name}-{n}.{fmt}"
    if name in ("big", "big-baseline"):
        t0 = time.perf_counter()
        entries, gz, n_docs = _big_entries(n)
        t_data = time.perf_counter() - t0
        t0 = time.perf_counter()
        if name == "big":
            fig = write_figure(entries, out, gazetteer=gz, title=f"{n:,} places", documents=n_docs)
            labels = len(fig.geo.labels)
        else:
            _baseline([(e.place.lon, e.place.lat, e.mentions) for e in entries], out, DEFAULT_SIZE_IN, DEFAULT_DPI)
            labels = 0
        secs = time.perf_counter() - t0
        return {"case": name, "places": len(entries), "format": fmt, "seconds": round(secs, 3),
                "data_seconds": round(t_data, 3), "peak_rss_mb": round(_peak_mb(), 1), "bytes": out.stat().st_size,
                "labels": labels}
    # the seed figure, warm: the pipeline loaded and one figure drawn before the timed ones
    import geo

    parsed = list(geo.parse_many(str(ROOT / "seeds")))
    gz = geo.default_pipeline().gazetteer
    if name == "seed":
        write_figure(parsed, tmp / f"warm.{fmt}", gazetteer=gz, title="Seed")
    else:
        from geo.outputs.figure import entries_from_parsed

        pts = [(e.place.lon, e.place.lat, e.mentions) for e in entries_from_parsed(parsed, gz)]
        _baseline(pts, tmp / f"warm.{fmt}", DEFAULT_SIZE_IN, DEFAULT_DPI)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        if name == "seed":
            write_figure(parsed, out, gazetteer=gz, title="Seed")
        else:
            _baseline(pts, out, DEFAULT_SIZE_IN, DEFAULT_DPI)
        times.append(time.perf_counter() - t0)
    return {"case": name, "documents": len(parsed), "format": fmt, "seconds": round(sorted(times)[1], 3),
            "all_seconds": [round(t, 3) for t in times], "peak_rss_mb": round(_peak_mb(), 1),
            "bytes": out.stat().st_size}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--places", type=int, default=10_000)
    ap.add_argument("--formats", default="png,svg")
    ap.add_argument("--tmp", default="/tmp/geo-bench-figure")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--format", help=argparse.SUPPRESS)
    args = ap.parse_args()
    tmp = Path(args.tmp)
    tmp.mkdir(parents=True, exist_ok=True)
    if args.case:  # a child: one measurement, printed as JSON
        print(json.dumps(case(args.case, args.places, args.format, tmp)))
        return
    results = []
    for fmt in args.formats.split(","):
        for name in ("big-baseline", "big", "seed-baseline", "seed"):
            cmd = [sys.executable, __file__, "--case", name, "--format", fmt, "--places", str(args.places),
                   "--tmp", str(tmp)]
            proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
            if proc.returncode:
                print(proc.stderr, file=sys.stderr)
                raise SystemExit(f"{name} ({fmt}) failed")
            rec = json.loads(proc.stdout.strip().splitlines()[-1])
            results.append(rec)
            print(json.dumps(rec), flush=True)
    print()
    print(f"{'case':<14} {'format':<6} {'seconds':>8} {'peak MB':>8} {'bytes':>10}  vs baseline")
    base = {(r["case"].replace("-baseline", ""), r["format"]): r for r in results if r["case"].endswith("-baseline")}
    for r in results:
        b = base.get((r["case"], r["format"])) if not r["case"].endswith("-baseline") else None
        ratio = f"{r['seconds'] / b['seconds']:.1f}x time, +{r['peak_rss_mb'] - b['peak_rss_mb']:.0f} MB" if b else ""
        print(f"{r['case']:<14} {r['format']:<6} {r['seconds']:>8.2f} {r['peak_rss_mb']:>8.0f} "
              f"{r['bytes']:>10,}  {ratio}")
    big = [r for r in results if r["case"] == "big"]
    seed = [r for r in results if r["case"] == "seed"]
    ok_big = all(r["seconds"] <= 10 and r["peak_rss_mb"] <= 500 for r in big)
    ok_seed = all(r["seconds"] <= 2 for r in seed)
    print(f"\ntargets: {args.places:,}-place figure <= 10 s and <= 500 MB: {'met' if ok_big else 'NOT met'}; "
          f"seed figure <= 2 s warm: {'met' if ok_seed else 'NOT met'}")


if __name__ == "__main__":
    main()
