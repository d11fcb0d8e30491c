"""``geo map --figure``: the static figure through the writer registry, with articles and with results;
its options (--size, --dpi, --bbox, --embed) and their refusals; replaced together with the other outputs."""
from __future__ import annotations

import struct
from pathlib import Path

from click.testing import CliRunner

from geo.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def write_results(path: Path) -> Path:
    from map_samples import syria_corpus

    from geo.outputs.jsonl import extract_record
    from geo.outputs.jsonl import jsonl_line

    path.write_text("".join(jsonl_line(extract_record(pd)) for pd in syria_corpus()), encoding="utf-8")
    return path


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_figure_svg_and_embed_from_articles(tmp_path):
    out = tmp_path / "out"
    status, text = run("map", SEEDS, "--offline", "-o", out, "--tiles", "none", "--figure", tmp_path / "f.svg",
                       "--embed", tmp_path / "f.html", "--size", "120x80mm", "--bbox", "Syria", "--title", "<T&>")
    assert status == 0, text
    assert (out / "index.html").is_file()
    svg = (tmp_path / "f.svg").read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "Deir ez-Zor" in svg  # the seed article's focus, labelled as text
    assert "&lt;T&amp;&gt;" in svg and "<T&>" not in svg  # the title, escaped
    assert 'width="340.157' in svg  # 120 mm = 340.16 pt
    page = (tmp_path / "f.html").read_text(encoding="utf-8")
    assert "<svg" in page and "<script" not in page.lower()
    assert "figure:" in text and "places drawn" in text
    assert not [p for p in tmp_path.rglob("*.tmp*")]  # nothing staged is left behind


def test_figure_pdf_and_png_from_results(tmp_path):
    results = write_results(tmp_path / "r.jsonl")
    status, text = run("map", results, "-o", tmp_path / "out", "--tiles", "none", "--figure", tmp_path / "f.pdf")
    assert status == 0, text
    pdf = (tmp_path / "f.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    # --size without a unit: pixels at --dpi; --figure x.png is the static figure, not a screenshot
    status, text = run("map", results, "-o", tmp_path / "out2", "--tiles", "none", "--figure", tmp_path / "f.png",
                       "--size", "800x500", "--dpi", "100", "--min-score", "0")
    assert status == 0, text
    assert png_size(tmp_path / "f.png") == (800, 500)
    assert "2 documents" in text


def test_figure_counts_every_document_read_from_results(tmp_path):
    results = write_results(tmp_path / "r.jsonl")
    status, text = run("map", results, "-o", tmp_path / "out", "--tiles", "none", "--figure", tmp_path / "f.svg")
    assert status == 0, text
    svg = (tmp_path / "f.svg").read_text(encoding="utf-8")
    assert "in 2 articles" in svg  # the subtitle counts the documents of the results


def test_a_figure_that_cannot_be_drawn_replaces_nothing(tmp_path):
    results = write_results(tmp_path / "r.jsonl")
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("old", encoding="utf-8")
    (tmp_path / "f.html").write_text("old page", encoding="utf-8")
    status, text = run("map", results, "-o", out, "--tiles", "none", "--figure", tmp_path / "f.svg",
                       "--embed", tmp_path / "f.html", "--size", "14x14mm")  # no room left for the map
    assert status == 1, text
    assert "could not draw the figure" in text and "no output was written" in text
    assert (out / "index.html").read_text(encoding="utf-8") == "old"
    assert (tmp_path / "f.html").read_text(encoding="utf-8") == "old page"
    assert not (tmp_path / "f.svg").exists()
    assert not [p for p in tmp_path.rglob("*.tmp*")]
