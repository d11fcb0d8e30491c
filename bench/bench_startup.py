"""Start-up cost of geo's commands, in CPU time (user + sys) and wall time, against baselines in the same run.

    python bench/bench_startup.py [--repeat 3] [--json] [--against DIR]

Each command runs in a fresh subprocess; its CPU time is read from ``resource.getrusage(RUSAGE_CHILDREN)``
(user + sys), which is what the command costs even when other work shares the cores (wall time is
printed too but means little on a loaded machine). The best of ``--repeat`` runs is kept, after one
warm-up run of each (the OS file cache, Python's bytecode cache, geo's gazetteer and basemap caches).

Baselines measured in the same run: ``python -c pass`` (the interpreter) and ``python -c "import
spacy; import folium"`` (the two libraries a map needs, imported as anyone would). ``--against DIR``
also runs geo's commands with ``PYTHONPATH=DIR`` (e.g. an older checkout: ``git archive REV | tar -x
-C DIR``) for a before/after comparison. Targets (issue 24): ``geo --help`` <= 0.3 s, warm ``geo map
seeds/`` <= 1.5 s.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"geo --help": 0.3, "geo map seeds/": 1.5}


def run(cmd: list[str], src: Path | None) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``cmd`` in a subprocess."""
    env = dict(os.environ)
    # the warm-up run writes Python's bytecode cache (__pycache__, as an installed package has it):
    # with PYTHONDONTWRITEBYTECODE set, every run would compile geo's ~95 modules from source again
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    # ``python -m`` puts the working directory first on sys.path: run in the tree being measured
    subprocess.run(cmd, check=True, cwd=src or ROOT, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall


def best(cmd: list[str], src: Path | None, repeat: int) -> dict[str, float]:
    run(cmd, src)  # warm-up
    runs = [run(cmd, src) for _ in range(repeat)]
    return {"cpu_s": round(min(c for c, _ in runs), 3), "wall_s": round(min(w for _, w in runs), 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--against", type=Path, default=None, metavar="DIR",
                    help="also time geo's commands from this source tree (PYTHONPATH=DIR)")
    args = ap.parse_args()

    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        geo_cmds = {
            "import geo": [py, "-c", "import geo"],
            "geo --help": [py, "-m", "geo.cli", "--help"],
            "geo map seeds/": [py, "-m", "geo.cli", "map", str(ROOT / "seeds"), "--offline", "-o", tmp, "-q"],
        }
        baselines = {
            "python -c pass": [py, "-c", "pass"],
            "import spacy; import folium": [py, "-c", "import spacy; import folium"],
        }
        result: dict[str, dict] = {"baselines": {}, "geo": {}, "against": {}}
        for name, cmd in baselines.items():
            result["baselines"][name] = best(cmd, None, args.repeat)
        for name, cmd in geo_cmds.items():  # interleaved with --against, so load hits both alike
            result["geo"][name] = best(cmd, ROOT, args.repeat)
            if args.against:
                result["against"][name] = best(cmd, args.against.resolve(), args.repeat)
    result["targets_cpu_s"] = {name: {"target": t, "cpu_s": result["geo"][name]["cpu_s"],
                                      "met": result["geo"][name]["cpu_s"] <= t} for name, t in TARGETS.items()}
    if not args.against:
        del result["against"]
    else:
        result["against_dir"] = str(args.against)
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print(f"{'command':32} {'CPU s':>7} {'wall s':>7}" + (f" {'before CPU':>10}" if args.against else ""))
    for group in ("baselines", "geo"):
        for name, fig in result[group].items():
            extra = f" {result['against'][name]['cpu_s']:>10.2f}" if args.against and group == "geo" else ""
            target = f"   (target {TARGETS[name]} s CPU)" if name in TARGETS and group == "geo" else ""
            print(f"{name:32} {fig['cpu_s']:>7.2f} {fig['wall_s']:>7.2f}{extra}{target}")


if __name__ == "__main__":
    main()
