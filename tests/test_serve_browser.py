"""The page at ``/`` of geo serve in headless Chromium: paste or drop articles, the map appears with its
snippets, the downloads work, hostile text stays text. Real HTTP on 127.0.0.1; every other request is
aborted (the page must work with no internet)."""
from __future__ import annotations

import importlib.util
import json

import pytest

from geo.serve import ServeConfig, create_app
from geo.serve.testing import serve_in_thread

from browser_util import browser_fixture, requires_browser

pytestmark = [pytest.mark.browser, requires_browser]
browser = browser_fixture()

TOKEN = "page-token-0123456789abcdef"
SYRIA = "Fighting continued near Deir Ezzor, east of the Euphrates in Syria."
HOSTILE = '<img src=x onerror="window.pwned=1;alert(1)"><script>window.pwned=2</script> Protests in Nairobi, Kenya.'


# the fixture `pipeline` (one per module) is conftest's


@pytest.fixture(scope="module")
def base(pipeline):
    with serve_in_thread(create_app(ServeConfig(), pipeline=pipeline)) as url:
        yield url


@pytest.fixture(scope="module")
def token_base(pipeline):
    with serve_in_thread(create_app(ServeConfig(token=TOKEN), pipeline=pipeline)) as url:
        yield url


class Page:
    def __init__(self, browser, base):
        self.context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.blocked: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", dialog)

        def route(r):
            url = r.request.url
            if url.startswith((base, "data:", "about:", "blob:")):
                r.continue_()
            else:
                self.blocked.append(url)
                r.abort("internetdisconnected")

        self.context.route("**/*", route)
        self.page.goto(base + "/", wait_until="load")

    def make_map(self):
        self.page.click("#go")
        self.page.wait_for_function("() => document.getElementById('map').srcdoc.length > 0 || "
                                    "document.getElementById('status').className === 'error'", timeout=60000)

    def frame(self):
        frame = self.page.frame_locator("#map")
        frame.locator(".leaflet-marker-icon").first.wait_for(timeout=30000)
        return frame

    def close(self):
        self.context.close()


@pytest.fixture()
def page(browser, base):
    p = Page(browser, base)
    yield p
    p.close()


def map_place_names(p: Page) -> list[str]:
    handle = next(f for f in p.page.frames if f.parent_frame is not None)
    return handle.evaluate("window.geoMapState.data.places.map(p => p.name)")


def test_paste_text_and_the_map_appears_with_snippets(page):
    page.page.fill("#text", SYRIA)
    page.make_map()
    assert page.page.locator("#status").text_content().startswith("1 article(s)")
    frame = page.frame()
    assert frame.locator(".leaflet-marker-icon").count() > 0
    assert "Deir ez-Zor" in map_place_names(page)
    names = page.page.locator("#places .name").all_text_contents()
    assert names and "Deir ez-Zor" in names
    assert page.page.locator("#empty").is_hidden() and page.page.locator("#downloads").is_visible()
    snippet = page.page.locator("#places li", has_text="Deir ez-Zor").locator("blockquote").first
    assert "Fighting continued" in snippet.text_content()
    assert snippet.locator("mark").first.text_content() == "Deir Ezzor"
    assert page.errors == [] and page.dialogs == []
    assert all("127.0.0.1" not in u for u in page.blocked)  # only outside requests (online tiles) blocked


def test_drop_files_and_download_the_outputs(page, tmp_path):
    a = tmp_path / "a.jsonl"
    a.write_text(json.dumps({"text": "Floods hit Porto Alegre, Brazil.", "title": "Floods"}) + "\n"
                 + json.dumps({"text": SYRIA}) + "\n", encoding="utf-8")
    b = tmp_path / "b.html"
    b.write_text("<html><head><title>Sahel</title></head><body><p>Gunmen attacked a village near Gao in "
                 "northern Mali.</p></body></html>", encoding="utf-8")
    page.page.set_input_files("#fileinput", [str(a), str(b)])
    assert "a.jsonl" in page.page.locator("#files").text_content()
    page.make_map()
    page.frame()
    got = set(map_place_names(page))
    assert {"Porto Alegre", "Deir ez-Zor", "Gao"} <= got
    assert page.page.locator("#status").text_content().startswith("3 article(s)")

    with page.page.expect_download() as dl:
        page.page.click("#dl-geojson")
    fc = json.loads(open(dl.value.path(), encoding="utf-8").read())
    assert {"Porto Alegre", "Gao"} <= {f["properties"]["name"] for f in fc["features"]}
    with page.page.expect_download() as dl:
        page.page.click("#dl-html")
    assert "Porto Alegre" in open(dl.value.path(), encoding="utf-8").read()

    if importlib.util.find_spec("geo.outputs") and importlib.util.find_spec("geo.outputs.figure"):
        with page.page.expect_download() as dl:
            page.page.click("#dl-figure")
        assert open(dl.value.path(), "rb").read(4) == b"\x89PNG"
    else:
        page.page.click("#dl-figure")
        page.page.wait_for_function("() => document.getElementById('status').className === 'error'")
        assert "static figure is not available" in page.page.locator("#status").text_content()


def test_hostile_text_stays_text_in_the_page_and_the_map(page):
    page.page.fill("#title", HOSTILE)
    page.page.fill("#text", HOSTILE + "\n" + SYRIA)
    page.make_map()
    page.frame()
    assert "Nairobi" in map_place_names(page)
    snippets = " ".join(page.page.locator("#places blockquote").all_text_contents())
    assert '<img src=x onerror="window.pwned=1;alert(1)">' in snippets  # shown as text
    assert page.page.evaluate("window.pwned") is None
    assert page.page.locator("#places img, #places script").count() == 0
    frame = next(f for f in page.page.frames if f.parent_frame is not None)
    assert frame.evaluate("window.pwned") is None
    assert frame.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert page.dialogs == [] and page.errors == []


def test_errors_are_shown_as_text(page, tmp_path):
    page.page.click("#go")
    assert "Paste an article" in page.page.locator("#status").text_content()
    bad = tmp_path / "<b onclick=x>bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    page.page.set_input_files("#fileinput", [str(bad)])
    page.make_map()
    status = page.page.locator("#status")
    assert "<b onclick=x>bad.jsonl#1: invalid JSON" in status.text_content()
    assert status.locator("b").count() == 0


def test_page_with_a_token(browser, token_base):
    p = Page(browser, token_base)
    try:
        p.page.fill("#text", SYRIA)
        p.make_map()
        assert "bearer token is required" in p.page.locator("#status").text_content()
        p.page.fill("#token", TOKEN)
        p.page.dispatch_event("#token", "change")
        p.make_map()
        p.page.wait_for_function("() => document.getElementById('map').srcdoc.length > 0")
        p.frame()
        assert "Deir ez-Zor" in map_place_names(p)
    finally:
        p.close()
