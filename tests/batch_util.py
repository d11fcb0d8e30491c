"""Shared helpers of the batch tests: a small news-like corpus in every batch input format."""
from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

_LEADS = [
    "ALEPPO, Syria (Reuters) - An aid convoy reached Aleppo on Tuesday after talks in Damascus.",
    "Fighting continued near Deir Ezzor, east of the Euphrates, as families fled toward Raqqa.",
    "GAINESVILLE, Ga. - Heavy rain flooded Gainesville and Atlanta, Georgia, on Monday.",
    "Envoys from Norway met their counterparts in Tirana, Albania, before flying on to Oslo.",
    "Floods reached Alexandria, Louisiana, and the Red River rose near Shreveport.",
    "The mayor of Paris said Lyon and Marseille would share the cost with the French state.",
    "Officials in Nairobi said the drought had spread from Kenya into Somalia and Ethiopia.",
    "Protesters gathered in Santiago, Chile, while talks continued in Buenos Aires.",
    "A ferry sank off the coast of Sicily, south of Naples; survivors were taken to Palermo.",
    "Wildfires near Sacramento, California, forced thousands to leave their homes in Nevada County.",
    "Ministers from India and Pakistan met in Geneva, Switzerland, to discuss Kashmir.",
    "Snow closed roads between Denver and Boulder, Colorado, and flights into Chicago were cut.",
]
_TAILS = [
    "Officials in Moscow denied any role; the Syrian Red Crescent said Homs was next.",
    "Residents of Springfield, Illinois, were told to boil their water.",
    "The Danube was expected to crest near Budapest and Vienna later in the week.",
    "Talks will resume in Cairo, Egypt, after a pause in Beirut.",
    "",
]


def articles(n: int = 36) -> list[dict]:
    """``n`` short articles (title, text, url, date), deterministic."""
    out = []
    for i in range(n):
        lead = _LEADS[i % len(_LEADS)]
        tail = _TAILS[(i // len(_LEADS) + i) % len(_TAILS)]
        title = (f"Report {i}: " + lead.split(" - ")[-1].split(",")[0][:40]).strip()
        text = f"{title}\n\n{lead} {tail}".rstrip() + "\n"
        out.append({"key": f"art-{i:03d}", "title": title, "body": text, "url": f"https://example.org/{i}",
                    "date": f"2026-01-{1 + i % 28:02d}"})
    return out


def write_folder(path: Path, arts: list[dict]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for a in arts:
        (path / f"{a['key']}.txt").write_text(a["body"], encoding="utf-8")
    return path


def write_jsonl(path: Path, arts: list[dict], *, gz: bool = False) -> Path:
    lines = "".join(json.dumps({"text": a["body"], "title": a["title"], "url": a["url"], "date": a["date"]},
                               ensure_ascii=False) + "\n" for a in arts)
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(lines)
    else:
        path.write_text(lines, encoding="utf-8")
    return path


def write_parquet(path: Path, arts: list[dict], *, row_group_size: int = 7) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"key": [a["key"] for a in arts], "body": [a["body"] for a in arts],
                      "title": [a["title"] for a in arts], "url": [a["url"] for a in arts],
                      "date": [a["date"] for a in arts]})
    pq.write_table(table, path, row_group_size=row_group_size)
    return path


def env(**extra: str) -> dict:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    e.update(extra)
    return e


def geo(*args, cwd=ROOT, timeout=300, prefix: list[str] | tuple = (), environ: dict | None = None):
    """``python -m geo.cli ARGS`` with this checkout's geo; ``prefix`` runs it under another command."""
    return subprocess.run([*prefix, sys.executable, "-m", "geo.cli", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout, env=env(**(environ or {})))


def permission_checked() -> list[str]:
    """A command prefix under which ``chmod 000`` really denies reading a file.

    Nothing for an ordinary user. root reads any file through its CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH
    capabilities, so for root: ``setpriv`` without them (still root, still the owner of its files and the
    Python installation, so everything else works as before)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot drop the capability to read any file")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


@contextmanager
def silent_endpoint():
    """A TCP socket on 127.0.0.1 that accepts connections and never sends a byte; yields its port."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:  # closed
                return
            accepted.append(conn)

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        yield srv.getsockname()[1]
    finally:
        try:
            srv.shutdown(socket.SHUT_RDWR)  # wakes the accept() above
        except OSError:
            pass
        srv.close()
        t.join(timeout=5)
        for c in accepted:
            c.close()


def part_lines(out: Path, suffix: str = ".jsonl") -> list[str]:
    """All lines of a run's partition files, in partition order."""
    lines: list[str] = []
    for f in sorted(out.glob(f"part-*{suffix}")):
        lines += f.read_text(encoding="utf-8").splitlines(keepends=True)
    return lines


def by_document(lines: list[str]) -> list[str]:
    return sorted(lines, key=lambda ln: (json.loads(ln)["id"], ln))
