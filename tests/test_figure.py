"""Static figures (geo.outputs.figure / geo.figure): reproducible files, labels without overlaps,
inert hostile text, every script drawn, the embed page, and the drawing itself checked pixel-wise."""
from __future__ import annotations

import io
import random
import unicodedata
import warnings
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("matplotlib")

from geo.outputs.figure import (DEFAULT_SOURCE, TYPE_COLOURS, entries_from_parsed, figure, figure_bytes,
                                html_page, missing_scripts_hint, parse_bbox, parse_size, write_figure)
from geo.outputs.figure.labels import BoxIndex, LabelRequest, overlaps, place_labels
from geo.types import Document, Mention, ParsedDocument, Place, Resolution

from map_samples import hostile_corpus, syria_corpus

SVG_NS = "{http://www.w3.org/2000/svg}"


def _doc(doc_id: str, places: list[Place], title: str = "", repeat: dict[str, int] | None = None) -> ParsedDocument:
    res = []
    pos = 0
    for p in places:
        for _ in range((repeat or {}).get(p.name, 1)):
            res.append(Resolution(Mention(doc_id, p.name, pos, pos + len(p.name), "GPE"), p, 0.9, "gazetteer"))
            pos += len(p.name) + 1
    return ParsedDocument(Document(id=doc_id, text="x" * pos, title=title), tuple(res))


def _city(i: int, name: str, lat: float, lon: float) -> Place:
    return Place(f"t{i}", name, lat, lon, "P", "PPL", "SY")


def _dense_docs(n: int = 150, seed: int = 7) -> list[ParsedDocument]:
    """``n`` towns packed into a 6 x 4 degree box (more than fit labelled), fixed by ``seed``."""
    rnd = random.Random(seed)
    places = [_city(i, f"Town {i:03d}", 33 + rnd.random() * 4, 36 + rnd.random() * 6) for i in range(n)]
    reps = {p.name: 1 + (i % 7 == 0) * 3 + (i % 23 == 0) * 5 for i, p in enumerate(places)}
    return [_doc("dense", places, repeat=reps)]


@pytest.fixture(scope="module")
def syria_fig(gazetteer):
    return figure(syria_corpus(), gazetteer, title="Syria", size="160x110mm", dpi=150)


# ------------------------------------------------------------------ reproducible files

@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_same_input_same_bytes(gazetteer, tmp_path, fmt):
    a, b = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    write_figure(syria_corpus(), a, gazetteer=gazetteer, title="Syria")
    write_figure(syria_corpus(), b, gazetteer=gazetteer, title="Syria")
    da, db = a.read_bytes(), b.read_bytes()
    assert len(da) > 20_000
    assert da == db
    if fmt == "pdf":
        assert da.startswith(b"%PDF") and b"CreationDate" not in da
        assert b"/FontFile2" in da  # TrueType embedded: text stays text, not outlines
    else:
        assert b"<text" in da and b"Damascus" in da  # text kept as text, searchable


def test_same_bytes_in_a_fresh_process(gazetteer, tmp_path):
    """No state of this process (font caches, counters, ids) leaks into the file."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    here = Path(__file__).resolve().parent
    code = ("import sys; sys.path.insert(0, sys.argv[2]); from map_samples import syria_corpus; "
            "from geo.outputs.figure import write_figure; write_figure(syria_corpus(), sys.argv[1], title='Syria')")
    child = tmp_path / "child.svg"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(here.parent), os.environ.get("PYTHONPATH", "")])}
    subprocess.run([sys.executable, "-c", code, str(child), str(here)], check=True, env=env, timeout=300)
    mine = tmp_path / "mine.svg"
    write_figure(syria_corpus(), mine, gazetteer=gazetteer, title="Syria")
    a, b = child.read_text(encoding="utf-8").splitlines(), mine.read_text(encoding="utf-8").splitlines()
    diff = [(i, x, y) for i, (x, y) in enumerate(zip(a, b)) if x != y]
    assert len(a) == len(b) and not diff, diff[:3]


def test_png_renders_are_identical_and_sized(syria_fig):
    a, b = figure_bytes(syria_fig, "png"), figure_bytes(syria_fig, "png")
    assert a == b and a[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    im = Image.open(io.BytesIO(a))
    assert im.size == (int(160 / 25.4 * 150), int(110 / 25.4 * 150))  # matplotlib truncates


# ------------------------------------------------------------------ the drawing

def test_syria_figure_contents(syria_fig):
    info = syria_fig.geo
    names = {p.entry.place.name: p for p in info.places}
    assert {"Damascus", "Aleppo", "Ar Raqqah", "Syria"} <= set(names)
    w, s, e, n = info.extent
    for city in ("Damascus", "Aleppo", "Ar Raqqah"):
        p = names[city].entry.place
        assert w < p.lon < e and s < p.lat < n
    assert e - w < 40  # fitted to the articles, not the world
    labelled = {t.get_text() for t in info.labels}
    assert {"Damascus", "Aleppo", "Ar Raqqah"} <= labelled
    assert names["Syria"].kind == "area"  # the country is shaded, not a dot
    texts = [t.get_text() for t in syria_fig.texts]
    assert "Syria" in texts and DEFAULT_SOURCE in texts
    assert info.inset is not None  # a regional view gets a locator
    assert any("km" in t.get_text() for t in info.axes.texts)  # scale bar


def test_marker_pixels_at_projected_coordinates(gazetteer):
    """A marker is drawn where its coordinates project (checked on the PNG's pixels)."""
    from PIL import Image

    docs = [_doc("one", [_city(1, "Palmyra", 34.55, 38.27)], repeat={"Palmyra": 3}),
            _doc("two", [_city(2, "Homs", 34.73, 36.71)])]
    fig = figure(docs, gazetteer, size=(6, 4), dpi=100, inset=False)
    im = Image.open(io.BytesIO(figure_bytes(fig, "png"))).convert("RGB")
    ax = fig.geo.axes
    want = tuple(int(TYPE_COLOURS["city"][i:i + 2], 16) for i in (1, 3, 5))
    drawn = {p.entry.place.name: p for p in fig.geo.places}
    assert set(drawn) == {"Palmyra", "Homs"}
    for name in drawn:
        X, Y = ax.transData.transform((drawn[name].lon, drawn[name].lat))
        px = im.getpixel((int(round(X)), int(round(im.height - Y))))
        assert max(abs(a - b) for a, b in zip(px, want)) <= 12, (name, px)
    # the map is a map: land and sea both cover a good share of the frame
    bb = ax.get_window_extent()
    crop = im.crop((int(bb.x0) + 3, int(im.height - bb.y1) + 3, int(bb.x1) - 3, int(im.height - bb.y0) - 3))
    colours = crop.getcolors(maxcolors=1 << 20)
    total = sum(c for c, _ in colours)
    land = sum(c for c, rgb in colours if rgb == (0xF5, 0xF3, 0xEE))
    sea = sum(c for c, rgb in colours if rgb == (0xDF, 0xEC, 0xF5))
    assert 0.2 < land / total < 0.95 and 0.02 < sea / total < 0.8, (land / total, sea / total)


def test_bbox_override_by_numbers_and_by_place(gazetteer):
    fig = figure(syria_corpus(), gazetteer, bbox="35,32,43,38", inset=False)
    w, s, e, n = fig.geo.extent
    assert w <= 35 and e >= 43 and s <= 32 and n >= 38 and e - w < 14
    fig = figure(syria_corpus(), gazetteer, bbox="Iraq", inset=False)
    w, s, e, n = fig.geo.extent
    assert w <= 39 and e >= 48 and s <= 29.1 and n >= 37.3  # Iraq's outline fits
    assert fig.geo.outside == 0 or all(p.entry.place.name != "Damascus" or w <= p.lon for p in fig.geo.places)
    with pytest.raises(ValueError, match="no such place"):
        figure(syria_corpus(), gazetteer, bbox="Qwzxvbnm")


def test_entries_input_and_empty_input(gazetteer):
    entries = entries_from_parsed(syria_corpus(), gazetteer)
    assert entries and any(e.focus for e in entries)
    fig = figure(entries, gazetteer, inset=False)
    assert {"Damascus", "Aleppo"} <= {t.get_text() for t in fig.geo.labels}
    empty = figure([], gazetteer)
    assert empty.geo.places == [] and empty.geo.extent[2] - empty.geo.extent[0] > 300  # the world
    with pytest.raises(TypeError, match="cannot draw a str"):
        figure(["not a document"], gazetteer)


# ------------------------------------------------------------------ labels

def _marker_boxes(fig) -> list[tuple[int, tuple[float, float, float, float]]]:
    ax, dpi = fig.geo.axes, fig.dpi
    out = []
    for k, p in enumerate(fig.geo.places):
        if p.kind == "marker":
            X, Y = ax.transData.transform((p.lon, p.lat))
            r = p.size_pt / 2 * dpi / 72
            out.append((k, (X - r, Y - r, X + r, Y + r)))
    return out


def _assert_no_overlaps(fig) -> int:
    """No drawn name overlaps another name, another place's marker, a grey town's dot, the scale bar
    or the inset, and all stay inside the map frame; returns how many names were checked."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [(k, tuple(p.label.get_window_extent(renderer).extents)) for k, p in enumerate(fig.geo.places)
             if p.label is not None]
    # the grey names of neighbouring countries and towns obey the same rules (and belong to no marker)
    boxes += [(-1 - n, tuple(t.get_window_extent(renderer).extents)) for n, t in enumerate(fig.geo.context_labels)]
    for i, (ka, a) in enumerate(boxes):
        for kb, b in boxes[i + 1:]:
            assert not overlaps(a, b), (ka, kb)
    markers = _marker_boxes(fig)
    markers += [(-1 - n, t.geo_dot) for n, t in enumerate(fig.geo.context_labels) if hasattr(t, "geo_dot")]
    for k, a in boxes:
        for km, m in markers:
            if km != k:
                assert not overlaps(a, m), (k, km)
    frame = fig.geo.axes.get_window_extent(renderer)
    sb = fig.geo.scalebar
    inset = fig.geo.inset.get_window_extent(renderer) if fig.geo.inset is not None else None
    for _k, a in boxes:
        assert frame.x0 <= a[0] and a[2] <= frame.x1 and frame.y0 <= a[1] and a[3] <= frame.y1
        if sb is not None:
            assert not overlaps(a, sb)
        if inset is not None:
            assert not overlaps(a, (inset.x0, inset.y0, inset.x1, inset.y1))
    if inset is not None:  # the automatic locator never hides a place
        for _km, m in markers:
            assert not overlaps(m, (inset.x0, inset.y0, inset.x1, inset.y1))
    return len(boxes)


def test_labels_never_overlap_each_other_or_other_markers(gazetteer):
    fig = figure(_dense_docs(), gazetteer, max_labels=60, size="120x90mm", dpi=150)
    labelled = [p for p in fig.geo.places if p.label is not None]
    assert len(labelled) >= 15  # plenty placed...
    assert len(labelled) < len(fig.geo.places)  # ...and some dropped for lack of room
    assert len(_marker_boxes(fig)) == 150
    assert _assert_no_overlaps(fig) >= len(labelled)
    # the most mentioned places win the space
    top = max(fig.geo.places, key=lambda p: p.entry.mentions)
    assert top.label is not None


def test_context_names_keep_clear_of_the_data(syria_fig):
    grey = [t.get_text() for t in syria_fig.geo.context_labels]
    assert "IRAQ" not in grey  # Iraq is mentioned: it is shaded and labelled as data, not as context
    assert "TURKEY" in grey or "LEBANON" in grey or "JORDAN" in grey
    assert any(hasattr(t, "geo_dot") for t in syria_fig.geo.context_labels)  # towns for orientation
    assert not {"Damascus", "Aleppo"} & set(grey)  # mentioned towns are never repeated in grey
    assert _assert_no_overlaps(syria_fig) > 5


def test_greedy_placement_prefers_priority_and_drops_when_full():
    reqs = [LabelRequest(0, 100, 100, 4, 60, 10), LabelRequest(1, 100, 112, 4, 60, 10)]

    def markers() -> BoxIndex:
        idx = BoxIndex()
        idx.add((96, 96, 104, 104), key=0)
        idx.add((96, 108, 104, 116), key=1)
        return idx

    placed = place_labels(reqs, (0, 0, 500, 500), markers())
    assert [p.key for p in placed] == [0, 1]
    assert placed[0].ha == "left" and placed[0].box[0] >= 104  # first choice: to the right of its marker
    assert not overlaps(placed[0].box, placed[1].box)
    assert not overlaps(placed[0].box, (96, 108, 104, 116))
    # a frame with room for one label only: the first (most important) wins, the second is dropped
    placed = place_labels(reqs, (90, 85, 180, 115), markers())
    assert [p.key for p in placed] == [0]
    # a marker in the way pushes the label to the next candidate position
    idx = markers()
    idx.add((110, 90, 120, 110))
    placed = place_labels(reqs[:1], (0, 0, 500, 500), idx)
    assert len(placed) == 1 and (placed[0].ha, placed[0].va) != ("left", "center")
    assert not overlaps(placed[0].box, (110, 90, 120, 110))


# ------------------------------------------------------------------ text: hostile and in every script

def test_hostile_text_inert_in_svg(gazetteer, tmp_path):
    title = '<script>alert("t")</script> & "quotes" \'too\' costs $5 or $x^2$'  # no mathtext either
    out = tmp_path / "hostile.svg"
    write_figure(hostile_corpus(), out, gazetteer=gazetteer, title=title, inset=False, max_labels=100)
    root = ET.fromstring(out.read_bytes())  # well-formed XML
    tags = {el.tag.replace(SVG_NS, "") for el in root.iter()}
    assert "script" not in tags and "foreignObject" not in tags and "img" not in tags
    for el in root.iter():
        assert not any(a.lower().startswith("on") for a in el.attrib), el.attrib
    texts = ["".join(el.itertext()) for el in root.iter(f"{SVG_NS}text")]
    assert title in texts
    assert "<img src=x onerror=window.__pwned=12>" in texts  # the geocoder's hostile name, as text


def test_every_script_rendered(gazetteer, tmp_path):
    hint = missing_scripts_hint()
    if hint:
        pytest.skip(hint)
    names = [("Москва", 55.75, 37.62), ("دمشق", 33.51, 36.29), ("北京", 39.9, 116.4), ("東京", 35.68, 139.69),
             ("서울", 37.57, 126.98), ("תל אביב", 32.08, 34.78), ("Αθήνα", 37.98, 23.73)]
    docs = [_doc("scripts", [_city(i, n, lat, lon) for i, (n, lat, lon) in enumerate(names)])]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" for tofu
        svg = tmp_path / "s.svg"
        write_figure(docs, svg, gazetteer=gazetteer, size="240x120mm", inset=False)
        png = tmp_path / "s.png"
        fig = write_figure(docs, png, gazetteer=gazetteer, size="240x120mm", inset=False)
    labelled = {t.get_text() for t in fig.geo.labels}
    assert len(labelled) == len(names)
    # Arabic: joined letter forms (presentation forms) in visual order for the raster, as typed in the SVG
    arabic = [t for t in labelled if t not in {n for n, _, _ in names}]
    assert "ביבא לת" in arabic and len(arabic) == 2
    shaped = next(t for t in arabic if t != "ביבא לת")
    assert all("\ufe70" <= ch <= "\ufeff" for ch in shaped)
    assert unicodedata.normalize("NFKC", shaped[::-1]) == "دمشق"
    texts = {"".join(el.itertext()) for el in ET.fromstring(svg.read_bytes()).iter(f"{SVG_NS}text")}
    assert {n for n, _, _ in names} <= texts  # the SVG keeps them as typed


# ------------------------------------------------------------------ files, sizes, embedding

def test_embed_page_is_script_free_and_escaped(gazetteer, tmp_path):
    from bs4 import BeautifulSoup

    out, page = tmp_path / "map.png", tmp_path / "map.html"
    title = "<script>alert(1)</script>Raqqa & Aleppo"
    write_figure(hostile_corpus(), out, gazetteer=gazetteer, title=title, caption='Caption "<b>x</b>"', embed=page)
    html = page.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None and soup.find("svg") is not None
    assert soup.title.get_text() == title
    assert soup.find("figcaption").get_text() == 'Caption "<b>x</b>"'
    assert soup.find("svg")["aria-label"] == title
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not any(a.lower().startswith("on") for tag in soup.find_all(True) for a in tag.attrs)
    assert out.read_bytes()[:4] == b"\x89PNG"
    frag = html_page('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><style type="text/css">*{a:b}'
                     '</style></svg>')
    assert ".geo-figure *{" in frag  # matplotlib's global style is scoped to the figure


def test_bad_output_names_are_refused_before_anything_is_written(gazetteer, tmp_path):
    with pytest.raises(ValueError, match=r"map\.gif: the figure must be \.svg, \.pdf or \.png"):
        write_figure(syria_corpus(), tmp_path / "map.gif", gazetteer=gazetteer)
    with pytest.raises(ValueError, match="embed file must be .html"):
        write_figure(syria_corpus(), tmp_path / "map.svg", gazetteer=gazetteer, embed=tmp_path / "e.txt")
    assert list(tmp_path.iterdir()) == []


def test_registry_writer_articles_and_results(gazetteer, tmp_path):
    """The registry's figure writer, for articles and for results entries."""
    from functools import partial

    from geo.outputs.registry import Options, Source, _write_figure as write_source

    FigureOptions = partial(Options, figure_size="120x80mm", dpi=100)

    n = write_source(Source(parsed=syria_corpus(), gazetteer=gazetteer), tmp_path / "a.svg",
                     FigureOptions(title="Articles", embed=tmp_path / "a.html"))
    assert n == 6 and (tmp_path / "a.html").read_text(encoding="utf-8").count("<svg") == 1
    entries = entries_from_parsed(syria_corpus(), gazetteer)
    docs = [pd.document for pd in syria_corpus()]
    n = write_source(Source(entries=entries, documents=docs, gazetteer=gazetteer), tmp_path / "r.pdf",
                     FigureOptions(title="Results", min_score=0.95))
    assert n == 0 and (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")  # every score is 0.9: none kept
    n = write_source(Source(entries=entries, documents=docs, gazetteer=gazetteer), tmp_path / "r.png",
                     FigureOptions(title="Results", min_score=0.5))
    assert n == 6


def test_cli_options_checked_up_front():
    from geo.outputs.figure import cli_options

    assert cli_options(size="1200x800", dpi=100) == {"dpi": 100, "size": pytest.approx((12.0, 8.0))}
    assert cli_options(bbox="Syria", title="T") == {"bbox": "Syria", "title": "T"}
    with pytest.raises(ValueError, match="--size: size 'huge'"):
        cli_options(size="huge")
    with pytest.raises(ValueError, match="--bbox: bbox '50,0,40,10'"):
        cli_options(bbox="50,0,40,10")
    with pytest.raises(ValueError, match="--dpi 5"):
        cli_options(dpi=5)


def test_parse_size_and_bbox():
    assert parse_size("180mm") == pytest.approx((180 / 25.4, 120 / 25.4))
    assert parse_size("180x120mm") == pytest.approx((180 / 25.4, 120 / 25.4))
    assert parse_size("1200x800px", dpi=200) == pytest.approx((6.0, 4.0))
    assert parse_size("1200×800", dpi=100) == pytest.approx((12.0, 8.0))
    assert parse_size("7x5in") == pytest.approx((7.0, 5.0))
    assert parse_size("18cmx90mm") == pytest.approx((18 / 2.54, 90 / 25.4))
    for bad in ("big", "0x0mm", "5000x10mm", "12x"):
        with pytest.raises(ValueError, match="size"):
            parse_size(bad)
    assert parse_bbox("35,32,43,38") == (35.0, 32.0, 43.0, 38.0)
    assert parse_bbox("Syria") is None
    with pytest.raises(ValueError, match="west < east"):
        parse_bbox("43,32,35,38")


def test_geo_figure_api_from_text():
    import geo

    fig = geo.figure(texts=["Floods hit Porto Alegre and Pelotas in Rio Grande do Sul, Brazil."], title="Floods")
    names = {p.entry.place.name for p in fig.geo.places}
    assert "Porto Alegre" in names
    png = fig._repr_png_()  # what Jupyter shows inline
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
