"""Shared pytest fixtures and settings.

* Hypothesis profiles: ``ci`` (derandomised, no example database: a fresh clone runs exactly the same
  examples every time) when the ``CI`` environment variable is set, else ``dev``. Choose one explicitly
  with ``pytest --hypothesis-profile=ci``.
* :func:`corpora`: the dev corpora (``../shared/corpora``); a test that needs them skips on a developer's
  machine without them, and FAILS under CI (``CI`` set), where they must be present.
* :class:`FakeClock`: injected instead of the wall clock wherever a test is about waiting or spacing.
* :func:`run_cli`: ``geo ...`` in this process through click's CliRunner (for tests where the process
  boundary is not what is tested; those that test signals, exit codes of the real process, stdin or
  encodings start ``python -m geo.cli``).
* ``gazetteer``: the real store, one per test session (per xdist worker). Its first build is atomic and
  serialised by a file lock (geo/gazetteer/build.py: ``_build_lock`` + ``os.replace``), so several
  workers opening it at once on a fresh machine build it once and all read the same file.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]

# ---- Hypothesis ------------------------------------------------------------------------------------------
def in_ci() -> bool:
    """True under CI (``CI`` set to anything but empty/0/false/no)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if in_ci() else "dev")


# ---- the order of the files ---------------------------------------------------------------------------------
def pytest_collection_modifyitems(config, items):
    """Files that hold slow tests come first. With ``--dist loadfile --no-loadscope-reorder`` (pyproject) xdist
    hands out whole files in this order as workers free up, so the run ends on short files. (xdist's default
    order, most tests first, put one-test slow files such as test_world_names.py last, where one worker ran
    them alone while the other sat idle.) The order within each group, and within each file, is unchanged."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)  # a stable sort: False (slow files) first


# ---- dev corpora -------------------------------------------------------------------------------------------
# CI runs with the shared folder beside the clone (../shared/corpora); this machine keeps it at /work/shared.
CORPORA_CANDIDATES = (ROOT.parent / "shared" / "corpora", Path("/work/shared/corpora"))


def corpora(*names: str) -> Path:
    """The corpora folder holding ``names`` (default ``lgl.xml``). Missing: fail under CI, skip otherwise.

    Call it inside a test or fixture (not at import time), so that a missing corpus is reported per test.
    """
    names = names or ("lgl.xml",)
    for d in CORPORA_CANDIDATES:
        if all((d / n).exists() for n in names):
            return d
    where = " or ".join(str(d) for d in CORPORA_CANDIDATES)
    message = f"dev corpora {', '.join(names)} not found in {where}"
    if in_ci():
        pytest.fail(f"{message}: CI must have ../shared/corpora beside the clone", pytrace=False)
    pytest.skip(message)


# ---- the CLI in this process ---------------------------------------------------------------------------------

def run_cli(*args: str, input: str | bytes | None = None, env: dict | None = None):
    """``geo ARGS`` through click's CliRunner: a ``click.testing.Result`` with ``exit_code``, ``stdout``,
    ``stderr`` (kept apart) and ``exception``. Exceptions other than SystemExit are not swallowed silently:
    check ``result.exception`` or use :func:`cli_ok`."""
    from click.testing import CliRunner

    from geo.cli import main

    return CliRunner().invoke(main, [str(a) for a in args], input=input, env=env, prog_name="geo",
                              catch_exceptions=True)


def cli_ok(*args: str, **kw):
    """:func:`run_cli`, asserting exit code 0 and no exception (showing stderr and the traceback if not)."""
    import traceback

    r = run_cli(*args, **kw)
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise AssertionError("geo " + " ".join(map(str, args)) + " raised:\n"
                             + "".join(traceback.format_exception(*r.exc_info)) + r.stderr[-2000:])
    assert r.exit_code == 0, f"geo {' '.join(map(str, args))} exited {r.exit_code}:\n{r.stderr[-2000:]}"
    return r


def cli_result(*args: str, **kw):
    """:func:`run_cli` with the answer shaped as ``subprocess.run``'s (``returncode``, ``stdout``, ``stderr``),
    for tests that once started ``python -m geo.cli``; an exception other than SystemExit is raised."""
    from types import SimpleNamespace

    r = run_cli(*args, **kw)
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return SimpleNamespace(returncode=r.exit_code, stdout=r.stdout, stderr=r.stderr)


# ---- a fake clock -------------------------------------------------------------------------------------------

class FakeClock:
    """Time that moves only when someone sleeps: ``clock()`` reads it, ``clock.sleep(s)`` records ``s`` and
    advances it by ``s`` at once. Inject both (``clock=clock, sleep=clock.sleep``) to test waiting and
    spacing deterministically and without waiting."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        import threading

        self.start = self.now = float(start)
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += max(0.0, seconds)

    def elapsed(self) -> float:
        return self.now - self.start


# ---- gazetteer fixtures (owner: gazetteer) -------------------------------------------------------------
# One real store per test session: the user's cache store (or $GEO_GAZETTEER_PATH), built on first use
# from the shipped data and reused afterwards (a rebuild happens only when the data version changes).


@pytest.fixture(scope="session")
def gazetteer():
    """The real gazetteer store, opened read-only (built once if missing)."""
    from geo.gazetteer import Gazetteer

    gz = Gazetteer.open(progress=False)
    yield gz
    gz.close()
# ---- end gazetteer fixtures ---------------------------------------------------------------------------


# ---- a local geocoder server --------------------------------------------------------------------------------

@pytest.fixture
def server():
    """A Nominatim-like server on real HTTP at 127.0.0.1 (tests/nominatim_server.py), for one test."""
    from nominatim_server import NominatimServer

    with NominatimServer() as srv:
        yield srv


@pytest.fixture
def warnings_() -> list[str]:
    """Where a geocoder made by a test sends its warnings (``on_warning=warnings_.append``)."""
    return []


@pytest.fixture
def make(tmp_path, warnings_):
    """``make(url, **kw)``: a geocoder on a server's URL (``make_geocoder``) with its own cache folder, never the
    user's config file or environment, fast backoff and its warnings in ``warnings_``; keyword arguments
    override these. Closed after the test."""
    from geo.geocoders import make_geocoder
    from geo.geocoders.config import Config

    made = []

    def _make(url: str, **kw):
        kw.setdefault("cache_dir", tmp_path / "cache")
        kw.setdefault("config", Config())
        kw.setdefault("backoff", 0.05)
        kw.setdefault("on_warning", warnings_.append)
        g = make_geocoder(url=url, **kw)
        assert g is not None
        made.append(g)
        return g

    yield _make
    for g in made:
        g.close()


# ---- a pipeline ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pipeline():
    """geo's default pipeline (spaCy + the real gazetteer), loaded once per test module."""
    from geo.pipeline import Pipeline

    return Pipeline(progress=False)


# ---- document readers' problems -------------------------------------------------------------------------------

class Collect:
    """An on_error / on_warning sink for ``iter_documents``: ``run(paths)`` reads them, keeping the problems."""

    def __init__(self) -> None:
        self.errors: list = []
        self.warnings: list = []

    def run(self, paths, **kw):
        from geo.documents import iter_documents

        return list(iter_documents([str(p) for p in paths], on_error=self.errors.append,
                                   on_warning=self.warnings.append, **kw))

    def problem(self, path) -> str:
        """The problem reported for ``path`` (one must have been)."""
        found = [e.problem for e in self.errors if e.path == str(path)]
        assert found, f"no error reported for {path}: {[str(e) for e in self.errors]}"
        return found[0]
