#!/usr/bin/env python3
"""Benchmark: a map of many distinct places, each with a popup of snippets, against folium's plain
MarkerCluster of one Marker + Popup per place, built from the same synthetic documents in the same run.

Measured for both: HTML size, Python build time (aggregation + map + write), and in headless Chromium
the time from navigation start until the first marker-cluster icons are painted. The network is
disabled for geo's map (everything is inline); folium's CDN assets are answered from the installed
folium-offline package through request interception (a zero-latency CDN, which favours folium).

    python bench/bench_map.py [--places 10000] [--docs 2000] [--runs 3] [--keep DIR]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import folium  # noqa: E402
import folium.plugins  # noqa: E402
from markupsafe import escape  # noqa: E402

from geo.outputs.aggregate import aggregate  # noqa: E402
from geo.outputs.map import build_map, save_map  # noqa: E402
from geo.outputs.png import launch_browser  # noqa: E402
from geo.types import Document, Mention, ParsedDocument, Place, Resolution  # noqa: E402

TARGETS = {"html_mb": 4.0, "build_s": 3.0, "paint_s": 1.5}
SYLL = ["ka", "lo", "mi", "ra", "tan", "bel", "dor", "an", "is", "ur", "ven", "sol", "gar", "ne", "pol", "zi"]
KINDS = [("P", "PPL")] * 14 + [("A", "ADM1")] * 3 + [("A", "PCLI")] + [("H", "STM"), ("T", "MTS")]
TEMPLATES = [
    "Officials in {} said on Monday that the main road had reopened after weeks of repairs.",
    "Residents of {} reported heavy rain overnight, and several families left their homes.",
    "The governor visited {} to open a new hospital wing built with foreign aid.",
    "Traders from {} complained that fuel prices had doubled since the start of the year.",
    "A convoy carrying food and medicine reached {} late on Tuesday, aid workers said.",
]


def synthetic(n_places: int, n_docs: int, seed: int = 7) -> list[ParsedDocument]:
    """``n_docs`` articles mentioning ``n_places`` distinct places (every place at least once)."""
    rnd = random.Random(seed)
    places = []
    for i in range(n_places):
        name = "".join(rnd.choice(SYLL) for _ in range(rnd.randint(2, 3))).capitalize() + f" {i}"
        fc, code = rnd.choice(KINDS)
        places.append(Place(f"bench:{i}", name, round(rnd.uniform(-55, 70), 5), round(rnd.uniform(-170, 175), 5),
                            fc, code, "XX", population=rnd.randint(0, 10**6)))
    order = places + [rnd.choice(places) for _ in range(n_places // 2)]  # some places in two articles
    rnd.shuffle(order)
    per_doc = -(-len(order) // n_docs)
    out = []
    for d in range(n_docs):
        chunk = order[d * per_doc:(d + 1) * per_doc]
        if not chunk:
            break
        doc_id = f"corpus/article-{d:05d}.txt"
        text, res = "", []
        for p in chunk:
            sentence = rnd.choice(TEMPLATES).format(p.name)
            start = len(text) + sentence.index(p.name)
            res.append(Resolution(Mention(doc_id, p.name, start, start + len(p.name), "GPE", len(text),
                                          len(text) + len(sentence)), p, 0.9, "gazetteer"))
            text += sentence + " "
        doc = Document(doc_id, text, title=f"Regional news roundup {d}", path=doc_id, date=f"2024-{d % 12 + 1:02d}-15")
        out.append(ParsedDocument(doc, tuple(res)))
    return out


def folium_baseline(parsed: list[ParsedDocument], path: Path) -> None:
    """What one would write with folium directly: MarkerCluster + one Marker/Popup per place."""
    m = folium.Map(location=[20, 0], zoom_start=2)
    mc = folium.plugins.MarkerCluster().add_to(m)
    for e in aggregate(parsed, max_snippets=3):
        html = [f"<b>{escape(e.place.name)}</b> ({e.mentions} mentions)"]
        for dm in e.documents:
            d = dm.document
            html.append(f"<div><b>{escape(d.title)}</b><br><small>{escape(d.path or '')} {escape(d.date or '')}</small><ul>")
            for s in dm.snippets:
                parts = "".join(f"<mark>{escape(x)}</mark>" if k % 2 else str(escape(x)) for k, x in enumerate(s.parts))
                html.append(f"<li>{parts}</li>")
            html.append("</ul></div>")
        folium.Marker([e.place.lat, e.place.lon], popup=folium.Popup("".join(html), max_width=350),
                      tooltip=e.place.name).add_to(mc)
    m.save(str(path))


PAINT_PROBE = """
window.__firstCluster = null;
new MutationObserver((records, obs) => {
  if (document.querySelector('.marker-cluster')) {
    obs.disconnect();
    requestAnimationFrame(() => setTimeout(() => { window.__firstCluster = performance.now(); }, 0));
  }
}).observe(document, {childList: true, subtree: true});
"""


def paint_time(browser, html: Path, serve_cdn: bool) -> float:
    """Seconds from navigation start until marker-cluster icons are painted."""
    from offlinefolium.elements import _res

    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.add_init_script(PAINT_PROBE)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        url = r.request.url
        if url.startswith("file:"):
            return r.continue_()
        if serve_cdn and url in _res:
            ctype = "text/css" if url.endswith(".css") else "application/javascript"
            return r.fulfill(status=200, body=_res[url], headers={"content-type": ctype})
        return r.abort("internetdisconnected")

    page.route("**/*", route)
    page.goto(html.resolve().as_uri(), wait_until="commit")
    page.wait_for_function("window.__firstCluster !== null", timeout=60000, polling=20)
    t = page.evaluate("window.__firstCluster") / 1000.0
    ctx.close()
    if errors:
        raise RuntimeError(f"{html.name}: JavaScript errors: {errors[:3]}")
    return t


def popup_check(browser, html: Path) -> str:
    """Open one popup of geo's map and return its text (proves popups carry their snippets)."""
    ctx = browser.new_context()
    page = ctx.new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(html.resolve().as_uri())
    page.wait_for_function("window.geoMapState && document.querySelector('.marker-cluster')", polling=50)
    page.evaluate("() => window.geoMapState.open(window.geoMapState.markers.length - 1)")
    text = page.locator(".leaflet-popup-content").inner_text()
    ctx.close()
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--places", type=int, default=10_000)
    ap.add_argument("--docs", type=int, default=2_000)
    ap.add_argument("--runs", type=int, default=3, help="browser loads per map (median reported)")
    ap.add_argument("--keep", type=Path, help="write the two HTML files here instead of a temp dir")
    args = ap.parse_args(argv)

    parsed = synthetic(args.places, args.docs)
    n_mentions = sum(len(p.resolutions) for p in parsed)
    print(f"input: {len(parsed)} documents, {n_mentions} mentions, {args.places} distinct places")
    out = args.keep or Path(tempfile.mkdtemp(prefix="geo-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    ours, theirs = out / "geo_map.html", out / "folium_markercluster.html"

    build_map(parsed[:5], tiles=None)  # warm imports and the basemap cache, as a second run would
    t0 = time.perf_counter()
    save_map(build_map(parsed), ours)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    folium_baseline(parsed, theirs)
    t_theirs = time.perf_counter() - t0

    with launch_browser() as browser:
        p_ours = [paint_time(browser, ours, serve_cdn=False) for _ in range(args.runs)]
        p_theirs = [paint_time(browser, theirs, serve_cdn=True) for _ in range(args.runs)]
        text = popup_check(browser, ours)
    size_ours, size_theirs = ours.stat().st_size / 1e6, theirs.stat().st_size / 1e6
    rows = [
        ("HTML size (MB)", size_ours, size_theirs, TARGETS["html_mb"]),
        ("Python build (s)", t_ours, t_theirs, TARGETS["build_s"]),
        ("clusters painted (s, median)", statistics.median(p_ours), statistics.median(p_theirs), TARGETS["paint_s"]),
    ]
    print(f"\n{'':30} {'geo':>8} {'folium MC':>10} {'target':>8}")
    ok = True
    for label, a, b, target in rows:
        ok &= a <= target
        print(f"{label:30} {a:8.2f} {b:10.2f} {target:8.2f}{'' if a <= target else '  MISSED'}")
    print(f"paint runs: geo {[round(x, 2) for x in p_ours]}, folium {[round(x, 2) for x in p_theirs]}")
    print(f"a popup of geo's map: {text[:160]!r}...")
    print(f"files in {out}")
    return 0 if ok and "Regional news roundup" in text else 1


if __name__ == "__main__":
    raise SystemExit(main())
