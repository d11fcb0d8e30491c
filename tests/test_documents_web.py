"""Web pages (issue 13 item 3): the article's text is read, not its menus, sidebars and footers; and
article dates (issue 12 item 1) from HTML, front matter, JSON and datelines, in ISO 8601."""
from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

import pytest

from geo.documents import document_from_text, html_to_text, read_path
from geo.documents.dates import dateline_date, normalise_date

PAGES = Path(__file__).parent / "pages"
BOILERPLATE = ("Europe", "Asia", "Africa", "London", "Tokyo", "Springfield")


@pytest.fixture(scope="module")
def pipe():
    from geo.pipeline import Pipeline

    return Pipeline(progress=False)


@pytest.mark.parametrize("page,title,article_places", [
    ("news_porto_alegre.html", "Floods hit Porto Alegre | The Daily Globe", {"Porto Alegre", "Canoas", "Pelotas"}),
    ("news_kharkiv_blog.html", "Shelling resumes near Kharkiv", {"Kharkiv", "Poltava", "Kyiv"}),
])
def test_news_page_main_content_only(pipe, page, title, article_places):
    (doc,) = read_path(PAGES / page)
    assert doc.title == title
    for word in BOILERPLATE:  # nav, sidebar and footer are not read at all
        assert word not in doc.text, word
    pd = pipe.parse_one(doc)
    for r in pd.resolutions:  # offsets index into the text kept
        assert doc.text[r.mention.start:r.mention.end] == r.mention.text
    names = {r.place.name for r in pd.resolved}
    assert article_places <= names, names
    assert not names & set(BOILERPLATE), names
    assert not {r.place.feature_code for r in pd.resolved} & {"CONT"}


def test_the_whole_visible_text_would_have_had_them():
    # the fallback (and html_to_text) keeps every visible block: the test pages do contain the boilerplate
    _, visible = html_to_text((PAGES / "news_porto_alegre.html").read_text())
    for word in BOILERPLATE:
        assert word in visible


def test_page_where_main_content_finds_nothing_falls_back_to_visible_text(tmp_path):
    p = tmp_path / "list.html"
    p.write_text("<html><body><ul><li>Kyiv</li><li>Lviv</li></ul></body></html>")
    (doc,) = read_path(p)
    assert doc.text == "Kyiv\n\nLviv"


def test_title_from_og_title_then_h1(tmp_path):
    p = tmp_path / "a.html"
    p.write_text('<html><head><meta property="og:title" content="Quake  hits Herat"></head>'
                 "<body><h1>Other</h1><p>An earthquake struck Herat.</p></body></html>")
    assert read_path(p)[0].title == "Quake hits Herat"
    p.write_text("<html><body><h1>Quake hits Herat</h1><p>An earthquake struck Herat.</p></body></html>")
    assert read_path(p)[0].title == "Quake hits Herat"


# -- dates ------------------------------------------------------------------------------------------

def test_html_dates(tmp_path):
    assert read_path(PAGES / "news_porto_alegre.html")[0].date == "2024-05-06T14:30:00-03:00"
    assert read_path(PAGES / "news_kharkiv_blog.html")[0].date == "2023-03-14"
    p = tmp_path / "t.html"
    p.write_text('<html><body><p>Posted <time datetime="2021-07-15">Thursday</time></p>'
                 "<p>Floods hit Liege and Verviers.</p></body></html>")
    assert read_path(p)[0].date == "2021-07-15"
    p.write_text('<html><head><meta name="date" content="not a date"></head><body><p>Floods in Liege.</p></body></html>')
    assert read_path(p)[0].date is None


def test_front_matter_date(tmp_path):
    p = tmp_path / "post.md"
    p.write_text('---\ntitle: "Quake hits Herat"\ndate: 2023-10-07 09:30\n---\n\nAn earthquake struck Herat.\n')
    (doc,) = read_path(p)
    assert doc.date == "2023-10-07T09:30:00" and doc.title == "Quake hits Herat"
    t = tmp_path / "note.txt"
    t.write_text("---\ndate: October 7, 2023\n---\nAn earthquake struck Herat.\n")
    assert read_path(t)[0].date == "2023-10-07"


def test_dateline_date(tmp_path):
    p = tmp_path / "wire.txt"
    p.write_text("Norway talks\n\nOSLO, April 12 (Reuters) - Envoys met in Oslo on Friday.\n")
    ref = datetime.datetime(2024, 6, 1, 12, 0).timestamp()
    os.utime(p, (ref, ref))  # the year comes from the file's date
    assert read_path(p)[0].date == "2024-04-12"
    early = datetime.datetime(2024, 2, 1, 12, 0).timestamp()
    os.utime(p, (early, early))  # ... the year before, when April 12 would be after it
    assert read_path(p)[0].date == "2023-04-12"
    p.write_text("KYIV, Ukraine, 12 April 2022 (AP) -- Shelling hit Kharkiv.\n")
    assert read_path(p)[0].date == "2022-04-12"
    # raw text: a dateline needs its year
    assert document_from_text("WASHINGTON, Jan. 3, 2023 /PRNewswire/ -- A report.").date == "2023-01-03"
    assert document_from_text("OSLO, April 12 (Reuters) - Envoys met.").date is None
    assert dateline_date("He said, April 12 was - a Friday", reference=datetime.datetime(2024, 5, 1)) is None


def test_json_dates_normalised_and_dateline_when_absent(tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_text("\n".join(json.dumps(o) for o in [
        {"text": "Floods in Liege.", "date": "Tue, 07 May 2024 10:00:00 GMT"},
        {"text": "Floods in Liege.", "date": "2024-05-07"},
        {"text": "Floods in Liege.", "date": "last week"},  # not a date: kept as given
        {"text": "LIEGE, July 15, 2021 (Reuters) - Floods in Liege."},
    ]) + "\n")
    assert [d.date for d in read_path(p)] == ["2024-05-07T10:00:00+00:00", "2024-05-07", "last week", "2021-07-15"]


def test_normalise_date():
    assert normalise_date("2024-05-06T14:30:00-03:00") == "2024-05-06T14:30:00-03:00"
    assert normalise_date("6 May 2024") == "2024-05-06"
    assert normalise_date("20240506") == "2024-05-06"
    for bad in ("April 12", "May 2024", "2024", "soon", "", None):
        assert normalise_date(bad) is None, bad
