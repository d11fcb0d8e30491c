"""geo serve over real HTTP on 127.0.0.1: every endpoint, the limits, the token, bad input, hostile text.

One real pipeline (spaCy + gazetteer) is loaded for the module and shared by several small servers,
each started by uvicorn in a thread on a free loopback port with the settings a test needs.
Concurrency and time limits are tested with a pipeline wrapper that blocks on an Event the test
controls: no assertion depends on the wall clock.
"""
from __future__ import annotations

import asyncio
import gzip
import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from geo.serve import ServeConfig, ServeError, check_bind, create_app, is_loopback
from geo.serve.cli import serve_cmd
from geo.serve.testing import serve_in_thread

TOKEN = "test-token-0123456789abcdef"
ARTICLE = ("Floods hit Porto Alegre on Monday.\n\nRescuers reached Canoas, north of the city, "
           "as the Guaiba river rose across Rio Grande do Sul, Brazil.")
SYRIA = "Fighting continued near Deir Ezzor, east of the Euphrates in Syria."
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"> Protests in Nairobi, Kenya </textarea>'


# the fixture `pipeline` (one per module) is conftest's


@pytest.fixture(scope="module")
def base(pipeline):
    cfg = ServeConfig(max_body_bytes=200_000, max_documents=5, tiles="none")
    with serve_in_thread(create_app(cfg, pipeline=pipeline)) as url:
        yield url


@pytest.fixture(scope="module")
def client(base):
    with httpx.Client(base_url=base, timeout=120) as c:
        yield c


def records(resp) -> list[dict]:
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    out = resp.json()
    assert isinstance(out, list) and out, out
    return out


def names(rec: dict) -> set[str]:
    return {m["name"] for m in rec["mentions"] if m["name"]}


# ---- /health, /openapi.json, errors of the router ------------------------------------------------------


def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["capacity"] == 4 and body["busy"] == 0
    assert r.headers["x-content-type-options"] == "nosniff"


def test_openapi_lists_every_endpoint(client):
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {"/parse", "/map", "/parse/text", "/health", "/"} <= set(spec["paths"])
    assert "413" in spec["paths"]["/parse"]["post"]["responses"]


def test_unknown_endpoint_and_method_are_json_errors(client):
    r = client.get("/nope")
    assert r.status_code == 404 and "/nope" in r.json()["error"]
    r = client.get("/parse")
    assert r.status_code == 405 and r.json()["status"] == 405


# ---- POST /parse -----------------------------------------------------------------------------------------


def test_parse_plain_text(client):
    recs = records(client.post("/parse", content=ARTICLE, headers={"Content-Type": "text/plain"},
                               params={"title": "Floods", "url": "https://example.org/floods"}))
    assert len(recs) == 1
    rec = recs[0]
    assert rec["title"] == "Floods" and rec["url"] == "https://example.org/floods" and rec["id"] == "text-0"
    assert {"Porto Alegre", "Canoas", "Brazil"} <= names(rec)
    for m in rec["mentions"]:
        assert ARTICLE[m["start"]:m["end"]] == m["text"] or m.get("field") == "title"
    assert {f["country_code"] for f in rec["focus"]} >= {"BR"}


def test_parse_json_object_and_list_keep_ids_and_order(client):
    one = records(client.post("/parse", json={"text": SYRIA, "id": "a1", "date": "2017-06-12"}))
    assert one[0]["id"] == "a1" and one[0]["date"] == "2017-06-12" and "Deir ez-Zor" in names(one[0])
    many = records(client.post("/parse", json=[{"text": SYRIA, "id": "s"}, {"text": ARTICLE, "title": "T"}]))
    assert [r["id"] for r in many] == ["s", "text-1"]
    assert many[1]["title"] == "T" and "Porto Alegre" in names(many[1])


def test_parse_multipart_files_of_every_format(client):
    html = (b"<html><head><title>Sahel</title></head><body><nav>Home</nav><article><p>Gunmen attacked a "
            b"village near Gao in northern Mali, officials said on Tuesday.</p></article></body></html>")
    jsonl = (json.dumps({"text": SYRIA, "id": "x"}) + "\n\n" + json.dumps({"text": ARTICLE}) + "\n").encode()
    files = [("files", ("a.txt", ARTICLE.encode(), "text/plain")),
             ("files", ("page.html", html, "text/html")),
             ("files", ("one.json", json.dumps({"text": SYRIA, "title": "Syria"}).encode(), "application/json")),
             ("files", ("many.jsonl", jsonl, "application/octet-stream"))]
    recs = records(client.post("/parse", files=files))
    assert [r["doc"] for r in recs] == ["a.txt", "page.html", "one.json", "many.jsonl", "many.jsonl"]
    assert [r["id"] for r in recs][3:] == ["many.jsonl#1", "many.jsonl#3"]
    assert recs[1]["title"] == "Sahel" and "Gao" in names(recs[1]) and "Home" not in json.dumps(recs[1]["mentions"])
    assert recs[2]["title"] == "Syria"


def test_parse_records_are_the_bytes_of_geo_extract(client, tmp_path, monkeypatch):
    """The same file through the CLI (in this process: the bytes are compared, not the process) and through
    HTTP: byte-identical JSONL."""
    from conftest import cli_ok

    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(SYRIA, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the files named as a user would
    cli = cli_ok("extract", "--offline", "-q", "a.txt", "b.txt").stdout_bytes
    assert cli.count(b"\n") == 2
    files = [("files", ("a.txt", ARTICLE.encode(), "text/plain")), ("files", ("b.txt", SYRIA.encode(), "text/plain"))]
    r = client.post("/parse", files=files, params={"format": "jsonl"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    assert r.content == cli
    # the JSON array holds the same objects
    assert records(client.post("/parse", files=files)) == [json.loads(x) for x in cli.splitlines()]


def test_parse_html_body(client):
    page = (b"<!DOCTYPE html><html><head><title>Gao attack</title><meta charset='windows-1252'></head><body>"
            b"<p>Gunmen attacked a village near Gao in northern Mali, officials said \x96 again.</p></body></html>")
    rec = records(client.post("/parse", content=page, headers={"Content-Type": "text/html"}))[0]
    assert rec["title"] == "Gao attack" and "Gao" in names(rec) and rec["doc"] == "text-0"


def test_parse_gzip_body(client):
    r = client.post("/parse", content=gzip.compress(SYRIA.encode()),
                    headers={"Content-Type": "text/plain", "Content-Encoding": "gzip"})
    assert "Deir ez-Zor" in names(records(r)[0])


def test_url_field_is_never_fetched(client):
    """A url in an article is metadata: nothing connects to it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.setblocking(False)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/article"
    try:
        rec = records(client.post("/parse", json={"text": SYRIA, "url": url}))[0]
        assert rec["url"] == url
        r = client.post("/map", json={"text": SYRIA, "url": url})
        assert r.status_code == 200
        with pytest.raises(BlockingIOError):
            listener.accept()  # no connection was ever made
    finally:
        listener.close()


def test_file_names_are_labels_not_paths(client, tmp_path):
    """A file name that names a real file on the server is never opened: its upload's bytes are read."""
    secret = tmp_path / "secret.txt"
    secret.write_text("Riots in Lagos, Nigeria.", encoding="utf-8")
    recs = records(client.post("/parse", files=[("files", (str(secret), SYRIA.encode(), "text/plain"))]))
    assert recs[0]["doc"] == "secret.txt"  # the last component only
    assert "Deir ez-Zor" in names(recs[0]) and "Lagos" not in names(recs[0])


# ---- bad input: 400/413/415 naming the part ------------------------------------------------------------


@pytest.mark.parametrize("kwargs, status, part", [
    (dict(content=b'{"text": "Paris', headers={"Content-Type": "application/json"}), 400, "body"),
    (dict(json=[{"text": SYRIA}, {"txt": "no text"}]), 400, "body#2"),
    (dict(json=[]), 400, "body"),
    (dict(content=b"[" * 200_000, headers={"Content-Type": "application/json"}), 400, "nested too deeply"),
    (dict(json={"text": 42}), 400, "body"),
    (dict(content=b"   \n", headers={"Content-Type": "text/plain"}), 400, "body"),
    (dict(files=[("files", ("ok.txt", SYRIA.encode(), "text/plain")),
                 ("files", ("bad.jsonl", b'{"text": "Rome"}\n{oops\n', "application/x-ndjson"))]), 400, "bad.jsonl#2"),
    (dict(files=[("files", ("img.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "text/plain"))]), 400, "img.txt"),
    (dict(files=[("files", ("empty.html", b"<html><body><script>x()</script></body></html>", "text/html"))]), 400, "empty.html"),
    (dict(files=[("files", ("report.pdf", b"%PDF-1.4", "application/pdf"))]), 415, "report.pdf"),
    (dict(content=b"x", headers={"Content-Type": "image/png"}), 415, "image/png"),
    (dict(content=b"Paris", headers={"Content-Type": "application/x-www-form-urlencoded"}), 400, "text/plain"),
])
def test_bad_input_is_a_json_error_naming_the_part(client, kwargs, status, part):
    r = client.post("/parse", **kwargs)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status"] == status and part in body["error"], body
    if "problems" in body:
        assert body["problems"] and all(set(p) == {"part", "problem"} for p in body["problems"])


def test_every_bad_part_is_reported_and_nothing_is_parsed(client):
    files = [("files", ("a.json", b"[1, 2]", "application/json")),
             ("files", ("b.jsonl", b'{"text": ""}\n', "application/x-ndjson")),
             ("files", ("c.txt", SYRIA.encode(), "text/plain"))]
    r = client.post("/parse", files=files)
    assert r.status_code == 400
    parts = [p["part"] for p in r.json()["problems"]]
    assert parts[0] == "a.json" and "b.jsonl#1" in parts and "c.txt" not in parts


def test_request_too_large_is_413(client):
    r = client.post("/parse", content=b"Paris. " * 40_000, headers={"Content-Type": "text/plain"})
    assert r.status_code == 413 and "200000" not in r.json()["error"] and "limit" in r.json()["error"]


def test_decompressed_size_is_limited_like_the_raw_size(client):
    bomb = gzip.compress(b" " * 5_000_000)
    assert len(bomb) < 200_000
    r = client.post("/parse", content=bomb, headers={"Content-Type": "text/plain", "Content-Encoding": "gzip"})
    assert r.status_code == 413 and "decompressed" in r.json()["error"]
    r = client.post("/parse", content=b"not gzip", headers={"Content-Type": "text/plain", "Content-Encoding": "gzip"})
    assert r.status_code == 400 and "gzip" in r.json()["error"]
    r = client.post("/parse", content=b"x", headers={"Content-Type": "text/plain", "Content-Encoding": "br"})
    assert r.status_code == 415


def test_too_many_articles_is_413(client):
    r = client.post("/parse", json=[{"text": SYRIA}] * 6)
    assert r.status_code == 413 and "5 articles" in r.json()["error"]


# ---- POST /map --------------------------------------------------------------------------------------------


def test_map_html(client):
    r = client.post("/map", content=SYRIA, headers={"Content-Type": "text/plain"}, params={"title": "Syria"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == "sandbox allow-scripts"
    html = r.text
    assert "Deir ez-Zor" in html and "<title>Syria</title>" in html
    import re  # Leaflet is inline: the map opens offline

    assert not re.search(r"<script[^>]+src=|<link[^>]+href=[\"']?https?:", html)


def test_map_geojson(client):
    r = client.post("/map", json=[{"text": SYRIA}, {"text": ARTICLE}], params={"format": "geojson"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    fc = r.json()
    assert fc["type"] == "FeatureCollection" and fc["features"]
    got = {f["properties"]["name"] for f in fc["features"]}
    assert {"Deir ez-Zor", "Porto Alegre"} <= got
    for f in fc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_map_bundle_for_the_page(client):
    r = client.post("/map", files=[("files", ("a.txt", SYRIA.encode(), "text/plain"))], params={"format": "bundle"})
    body = r.json()
    assert body["documents"] == 1 and "Deir ez-Zor" in body["html"]
    assert any(f["properties"]["snippets"] for f in body["geojson"]["features"])


def test_map_figure_or_a_clear_501(client):
    r = client.post("/map", content=SYRIA, headers={"Content-Type": "text/plain"}, params={"format": "figure"})
    if importlib.util.find_spec("geo.outputs") is None or importlib.util.find_spec("geo.outputs.figure") is None:
        assert r.status_code == 501
        assert "geo.outputs.figure" in r.json()["error"] and "format=html" in r.json()["error"]
    else:
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "image/png" and r.content.startswith(b"\x89PNG")
        svg = client.post("/map", content=HOSTILE + " " + SYRIA, headers={"Content-Type": "text/plain"},
                          params={"format": "figure", "figure_format": "svg", "title": HOSTILE})
        assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
        assert svg.headers["content-security-policy"] == "sandbox" and b"<svg" in svg.content
        assert b"<script>alert(1)" not in svg.content and b"<img src=x" not in svg.content
        pdf = client.post("/map", content=SYRIA, headers={"Content-Type": "text/plain"},
                          params={"format": "figure", "figure_format": "pdf"})
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    r = client.post("/map", content=SYRIA, headers={"Content-Type": "text/plain"},
                    params={"format": "figure", "figure_format": "gif"})
    assert r.status_code == 400 and "figure_format" in r.json()["error"]


def test_map_bad_format_and_tiles(client):
    r = client.post("/map", content=SYRIA, headers={"Content-Type": "text/plain"}, params={"format": "svg"})
    assert r.status_code == 400 and "format" in r.json()["error"]
    r = client.post("/map", content=SYRIA, headers={"Content-Type": "text/plain"}, params={"tiles": "NoSuchTiles"})
    assert r.status_code == 400 and "tiles" in r.json()["error"]


# ---- CLIFF-compatible /parse/text ---------------------------------------------------------------------------


def _check_cliff(body: dict, q: str) -> dict:
    assert body["status"] == "ok" and "CLIFF" in body["version"] and isinstance(body["milliseconds"], int)
    res = body["results"]
    assert res["organizations"] == [] and res["people"] == []
    mentions = res["places"]["mentions"]
    assert mentions
    for m in mentions:
        src = m["source"]
        assert q[src["charIndex"]:src["charIndex"] + len(src["string"])] == src["string"]
        assert {"id", "name", "lat", "lon", "featureClass", "featureCode", "countryCode", "stateCode",
                "countryGeoNameId", "stateGeoNameId", "population", "confidence"} <= set(m)
    return res["places"]


def test_cliff_get_and_post(client):
    places = _check_cliff(client.get("/parse/text", params={"q": SYRIA}).json(), SYRIA)
    deir = next(m for m in places["mentions"] if m["name"] == "Deir ez-Zor")
    assert deir["id"] == 170794 and deir["countryCode"] == "SY" and deir["countryGeoNameId"] == "163843"
    assert [c["countryCode"] for c in places["focus"]["countries"]][:1] == ["SY"]
    assert places["focus"]["countries"][0]["score"] >= 2
    posted = client.post("/parse/text", data={"q": SYRIA}).json()
    assert _check_cliff(posted, SYRIA)["mentions"] == places["mentions"]
    text = client.post("/parse/text", content=SYRIA, headers={"Content-Type": "text/plain"}).json()
    assert _check_cliff(text, SYRIA)["mentions"] == places["mentions"]


def test_cliff_needs_q(client):
    r = client.get("/parse/text")
    assert r.status_code == 400 and "q=" in r.json()["error"]


# ---- hostile text is inert everywhere ------------------------------------------------------------------------


def test_hostile_text_is_inert_in_every_response(client):
    art = {"text": HOSTILE + "\n" + SYRIA, "title": HOSTILE, "id": "<b>id</b>", "url": "javascript:alert(3)"}
    html = client.post("/map", json=art).text
    assert "Nairobi" in html and "Deir ez-Zor" in html
    for raw in ("<script>alert(1)", "<img src=x onerror", "</textarea>", "<b>id</b>", 'href="javascript:'):
        assert raw not in html
    bundle = client.post("/map", json=art, params={"format": "bundle"})
    assert bundle.headers["content-type"] == "application/json"
    assert "<script>alert(1)" not in bundle.json()["html"]
    rec = records(client.post("/parse", json=art))[0]
    assert rec["title"] == HOSTILE and rec["id"] == "<b>id</b>"  # kept as data, in JSON
    cliff = client.get("/parse/text", params={"q": HOSTILE})
    assert cliff.headers["content-type"] == "application/json" and cliff.json()["status"] == "ok"
    bad = client.post("/parse", files=[("files", ("<svg onload=alert(1)>.pdf", b"x", "application/pdf"))])
    assert bad.status_code == 415 and bad.headers["content-type"] == "application/json"


def test_page_inserts_nothing_as_markup(client):
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "connect-src 'self'" in csp and "frame-ancestors 'none'" in csp
    page = r.text
    assert "innerHTML" not in page and "outerHTML" not in page and "insertAdjacentHTML" not in page
    assert "document.write" not in page and "http://" not in page and "https://" not in page
    assert 'sandbox="allow-scripts"' in page and "textContent" in page


# ---- token, CORS, binding ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def token_base(pipeline):
    with serve_in_thread(create_app(ServeConfig(token=TOKEN, cors_origins=("https://cms.example.org",)),
                                    pipeline=pipeline)) as url:
        yield url


def test_token_required_on_every_data_endpoint(token_base):
    with httpx.Client(base_url=token_base, timeout=120) as c:
        for method, path in (("POST", "/parse"), ("POST", "/map"), ("GET", "/parse/text?q=Paris"),
                             ("POST", "/parse/text")):
            for headers in ({}, {"Authorization": "Bearer wrong-token-0123456789"}, {"Authorization": TOKEN},
                            {"Authorization": f"Basic {TOKEN}"}):
                r = c.request(method, path, content=SYRIA, headers={"Content-Type": "text/plain", **headers})
                assert r.status_code == 401, (method, path, headers)
                assert r.headers["www-authenticate"].startswith("Bearer") and "token" in r.json()["error"]
        ok = c.post("/parse", content=SYRIA, headers={"Content-Type": "text/plain",
                                                      "Authorization": f"Bearer {TOKEN}"})
        assert "Deir ez-Zor" in names(records(ok)[0])
        assert c.get("/health").status_code == 200  # health checks need no token
        page = c.get("/").text
        assert 'id="token"' in page and TOKEN not in page


def test_cors_only_for_configured_origins(token_base, base):
    pre = {"Origin": "https://cms.example.org", "Access-Control-Request-Method": "POST",
           "Access-Control-Request-Headers": "authorization,content-type"}
    r = httpx.options(token_base + "/parse", headers=pre)
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "https://cms.example.org"
    r = httpx.options(token_base + "/parse", headers={**pre, "Origin": "https://evil.example"})
    assert r.headers.get("access-control-allow-origin") is None
    # without --cors-origin: no CORS at all
    r = httpx.post(base + "/parse", content=SYRIA, headers={"Content-Type": "text/plain", "Origin": "https://cms.example.org"},
                   timeout=120)
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers


@pytest.mark.parametrize("host, loop", [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True),
                                        ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("example.org", False)])
def test_is_loopback(host, loop):
    assert is_loopback(host) is loop


def test_refuses_to_listen_beyond_loopback_without_a_token(monkeypatch):
    monkeypatch.delenv("GEO_SERVE_TOKEN", raising=False)
    with pytest.raises(ServeError, match="token"):
        check_bind(ServeConfig(host="0.0.0.0"))
    check_bind(ServeConfig(host="0.0.0.0", token=TOKEN))
    check_bind(ServeConfig(host="127.0.0.1"))
    with pytest.raises(ServeError, match="too short"):
        check_bind(ServeConfig(host="0.0.0.0", token="short"))
    result = CliRunner().invoke(serve_cmd, ["--host", "0.0.0.0", "--port", "1"])
    assert result.exit_code == 2 and "token" in result.output and "GEO_SERVE_TOKEN" in result.output
    result = CliRunner().invoke(serve_cmd, ["--cors-origin", "cms.example.org", "--port", "1"])
    assert result.exit_code == 2 and "origin" in result.output


# ---- bounded concurrency (503 + Retry-After) and the time limit (504) -------------------------------------------


class BlockingPipeline:
    """The real pipeline, except that a text containing BLOCK waits for ``release`` before it is parsed."""

    def __init__(self, pipe):
        self.pipe = pipe
        self.gazetteer = pipe.gazetteer
        self.release = threading.Event()
        self.entered = threading.Semaphore(0)

    def parse(self, docs):
        docs = list(docs)
        if any("BLOCK" in d.text for d in docs):
            self.entered.release()
            assert self.release.wait(120), "the test never released the pipeline"
        yield from self.pipe.parse(docs)


def _wait_for(predicate, what: str, limit: float = 60.0) -> None:
    """Wait for a condition the test caused (bounded; the bound is a safety net, never what is tested)."""
    deadline = time.monotonic() + limit
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_saturation_gives_503_with_retry_after_then_recovers(pipeline):
    blocking = BlockingPipeline(pipeline)
    cfg = ServeConfig(max_concurrent=2, retry_after=7, timeout=600)
    with serve_in_thread(create_app(cfg, pipeline=blocking)) as url, httpx.Client(base_url=url, timeout=120) as c:
        results: list[httpx.Response] = []

        def send():
            results.append(c.post("/parse", content="BLOCK. " + SYRIA, headers={"Content-Type": "text/plain"}))

        threads = [threading.Thread(target=send) for _ in range(2)]
        for t in threads:
            t.start()
        _wait_for(lambda: c.get("/health").json()["busy"] == 2, "both requests to hold a slot")
        assert blocking.entered.acquire(timeout=60)  # the first one is inside the pipeline
        for _ in range(3):
            r = c.post("/parse", content=SYRIA, headers={"Content-Type": "text/plain"})
            assert r.status_code == 503 and r.headers["retry-after"] == "7"
            assert "busy" in r.json()["error"]
        h = c.get("/health")
        assert h.status_code == 200 and h.json()["busy"] == 2  # health still answers while saturated
        blocking.release.set()
        for t in threads:
            t.join(120)
        assert [r.status_code for r in results] == [200, 200]
        _wait_for(lambda: c.get("/health").json()["busy"] == 0, "the slots to be given back")
        assert records(c.post("/parse", content=SYRIA, headers={"Content-Type": "text/plain"}))


def test_waiting_requests_are_parsed_in_one_batch_with_the_same_records(pipeline, client):
    blocking = BlockingPipeline(pipeline)
    texts = [SYRIA, ARTICLE, "Protests in Nairobi, Kenya, spread to Mombasa."]
    alone = [records(client.post("/parse", content=t, headers={"Content-Type": "text/plain"}))[0] for t in texts]
    with serve_in_thread(create_app(ServeConfig(max_concurrent=4), pipeline=blocking)) as url, \
            httpx.Client(base_url=url, timeout=120) as c:
        got: dict[int, httpx.Response] = {}

        def send(i, text):
            got[i] = c.post("/parse", content=text, headers={"Content-Type": "text/plain"})

        first = threading.Thread(target=send, args=(-1, "BLOCK. " + SYRIA))
        first.start()
        assert blocking.entered.acquire(timeout=60)
        batches = c.get("/health").json()["batches"]
        threads = [threading.Thread(target=send, args=(i, t)) for i, t in enumerate(texts)]
        for t in threads:
            t.start()
        _wait_for(lambda: c.get("/health").json()["busy"] == 4, "three requests waiting")
        blocking.release.set()
        for t in [first, *threads]:
            t.join(120)
        assert c.get("/health").json()["batches"] == batches + 1  # the three waiting ones: one batch
        assert [records(got[i])[0] for i in range(3)] == alone


def test_time_limit_gives_504_and_the_slot_is_held_until_the_work_stops(pipeline):
    """The request clock is injected: the test says when the time is up, after the work has started."""
    blocking = BlockingPipeline(pipeline)
    time_up = threading.Event()

    async def timer(seconds):
        assert seconds == 30
        while not time_up.is_set():  # cancellable: the request may finish first
            await asyncio.sleep(0.01)

    cfg = ServeConfig(max_concurrent=1, timeout=30)
    try:
        with serve_in_thread(create_app(cfg, pipeline=blocking, timer=timer)) as url, \
                httpx.Client(base_url=url, timeout=120) as c:
            results: list[httpx.Response] = []
            t = threading.Thread(target=lambda: results.append(
                c.post("/parse", content="BLOCK. " + SYRIA, headers={"Content-Type": "text/plain"})))
            t.start()
            assert blocking.entered.acquire(timeout=60)  # the work is running
            time_up.set()
            t.join(120)
            assert results[0].status_code == 504 and "30 s" in results[0].json()["error"]
            # the work is still blocked: its slot is not free, so a new request is refused, not queued
            r = c.post("/parse", content=SYRIA, headers={"Content-Type": "text/plain"})
            assert r.status_code == 503 and r.headers["retry-after"]
            blocking.release.set()
            _wait_for(lambda: c.get("/health").json()["busy"] == 0, "the stopped work to give its slot back")
            time_up.clear()
            ok = c.post("/parse", content=SYRIA, headers={"Content-Type": "text/plain"})
            assert "Deir ez-Zor" in names(records(ok)[0])
    finally:
        time_up.set()
        blocking.release.set()


def test_pipeline_that_fails_to_load_is_reported(pipeline):
    def broken():
        raise OSError("no such spaCy model 'xx_missing'")

    app = create_app(ServeConfig(), pipeline_factory=broken)
    with pytest.raises(RuntimeError, match="xx_missing"):
        with serve_in_thread(app, ready_timeout=60):
            pass


def test_form_text_fields(client):
    recs = records(client.post("/parse", data={"text": SYRIA}))
    assert recs[0]["id"] == "text#1" and "Deir ez-Zor" in names(recs[0])


def test_token_from_the_environment(monkeypatch):
    from geo.serve.limits import resolve_token

    monkeypatch.setenv("GEO_SERVE_TOKEN", TOKEN)
    assert resolve_token(None) == TOKEN and resolve_token("other-token-0123456789") == "other-token-0123456789"
    monkeypatch.setenv("GEO_SERVE_TOKEN", "")
    assert resolve_token(None) is None


@pytest.mark.slow
def test_geo_serve_with_two_worker_processes(tmp_path):
    """`python -m geo.serve.cli --workers 2`: each worker process loads its pipeline and answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]), "GEO_SERVE_TOKEN": TOKEN}
    proc = subprocess.Popen([sys.executable, "-m", "geo.serve.cli", "--port", str(port), "--workers", "2",
                             "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        pids: set[int] = set()

        def two_ready() -> bool:
            assert proc.poll() is None, proc.stderr.read().decode()
            try:
                h = httpx.get(base + "/health", timeout=5)
            except httpx.TransportError:
                return False
            if h.status_code == 200:
                pids.add(h.json()["pid"])
            return len(pids) == 2

        _wait_for(two_ready, "two workers with their pipelines loaded", limit=300)
        r = httpx.post(base + "/parse", content=SYRIA, headers={"Content-Type": "text/plain",
                                                               "Authorization": f"Bearer {TOKEN}"}, timeout=120)
        assert "Deir ez-Zor" in names(records(r)[0])
        assert httpx.post(base + "/parse", content=SYRIA, timeout=120).status_code == 401  # token from the env
    finally:
        proc.terminate()
        proc.wait(60)
