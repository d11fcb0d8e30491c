"""A hostile geocoder server (issue 20.5, 20.6, 20.10), over real HTTP on 127.0.0.1 (and 127.0.0.2):
redirects to other hosts, answers of gigabytes, records with lat 999 / NaN, ``Retry-After: 3600``.
No test sleeps: waits between retries go to an injected ``sleep``."""
from __future__ import annotations

import functools
import tracemalloc
import warnings

import pytest

from geo.geocoders import FallbackGeocoder

from nominatim_server import NominatimServer  # tests/ is on sys.path (pytest's rootdir conftest)

# the fixtures `server`, `warnings_` and `make` are conftest's


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make(make, sleeps):
    """conftest's ``make``, with waits between retries recorded in ``sleeps`` instead of slept."""
    return functools.partial(make, sleep=sleeps.append)


# -- (6) redirects never leave the server asked ---------------------------------------------------

def test_redirect_to_another_host_is_not_followed(server, make, warnings_):
    try:
        other_server = NominatimServer(host="127.0.0.2")
    except OSError:  # only Linux answers on all of 127.0.0.0/8 (another port: the next test)
        pytest.skip("127.0.0.2 is not a local address here")
    with other_server as other:
        server.mode = "redirect"
        server.redirect_to = other.url
        g = make(server.url)
        assert g.geocode("Kharkiv") is None
        assert other.requests == []  # never asked, never plotted
        assert len(server.requests) == 1
        assert any("redirected to another host (127.0.0.2:" in w and "not followed" in w for w in warnings_), warnings_


def test_redirect_to_another_port_is_not_followed(server, make, warnings_):
    with NominatimServer() as other:
        server.mode = "redirect"
        server.redirect_to = other.url
        g = make(server.url)
        assert g.geocode("Paris") is None
        assert other.requests == []
        assert any(f"another host ({other.domain})" in w for w in warnings_), warnings_


def test_redirect_on_the_same_server_is_followed(server, make):
    server.script.extend(["redirect"])
    server.redirect_to = server.url + "/moved"  # same host and port, another path
    g = make(server.url)
    place = g.geocode("Kharkiv")
    assert place is not None and place.name == "Kharkiv"
    assert [r["path"] for r in server.requests] == ["/search", "/moved/search"]


def test_same_server_rule():
    from geo.geocoders.http import same_server

    assert same_server("http://a.example/search", "http://a.example/other")
    assert same_server("http://a.example/search", "https://a.example/search")  # upgrade on the same host
    assert not same_server("https://a.example/search", "http://a.example/search")  # no downgrade
    assert not same_server("http://a.example:8080/x", "http://a.example:8081/x")
    assert not same_server("http://a.example/x", "http://b.example/x")
    assert not same_server("http://a.example/x", "http://a.example.evil.test/x")
    assert not same_server("http://a.example/x", "file:///etc/passwd")


# -- (5) answers are read up to a cap ------------------------------------------------------------

def test_a_huge_answer_is_not_read_whole(server, make, warnings_, monkeypatch):
    import geo.geocoders.http as http

    monkeypatch.setattr(http, "MAX_ANSWER_BYTES", 64 * 1024)
    server.mode = "huge"
    server.huge_bytes = 60 * 1024 * 1024
    g = make(server.url, timeout=5)
    tracemalloc.start()
    try:
        assert g.geocode("Kharkiv") is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, peak  # the 60 MB answer was never held (7b746da read it whole)
    assert any("answer larger than the 65,536 bytes geo reads" in w for w in warnings_), warnings_
    assert all(w.strip() for w in warnings_)


def test_a_huge_declared_answer_is_refused_on_its_header(server, make, warnings_):
    server.mode = "hugelen"
    server.huge_bytes = 3 * 1024 ** 3
    g = make(server.url, timeout=2)
    assert g.geocode("Kharkiv") is None
    assert any("answer of 3072.0 MB is larger than the 2.0 MB geo reads" in w for w in warnings_), warnings_


def test_memory_error_gives_a_message_that_is_not_empty():
    class Boom:
        endpoint = "http://boom.invalid"

        def geocode(self, name, *, country_codes=None):
            raise MemoryError()

        def close(self):
            pass

    said: list[str] = []
    g = FallbackGeocoder(Boom(), on_warning=said.append)
    assert g.geocode("Kharkiv") is None
    assert said and said[0].endswith("(MemoryError: out of memory)")


# -- (10) every record checked on its own; bad answers count toward the cut-off --------------------

def test_records_with_lat_999_or_nan_do_not_hide_the_good_one(server, make, warnings_):
    server.mode = "badcoords"
    g = make(server.url)
    with warnings.catch_warnings(record=True) as raw:
        warnings.simplefilter("always")
        place = g.geocode("Kharkiv")
    assert place is not None and place.name == "Kharkiv" and abs(place.lat - 49.99) < 0.01
    assert [str(w.message) for w in raw if "geopy" in (w.filename or "") or "atitude" in str(w.message)] == []
    assert g.available and g.stats["failures"] == 0


def test_answers_with_only_bad_records_count_toward_the_cut_off(server, make, warnings_):
    server.mode = "allbad"
    g = make(server.url, trip_after_failures=3)
    with warnings.catch_warnings(record=True) as raw:
        warnings.simplefilter("always")
        results = [g.geocode(name) for name in ("Kharkiv", "Izium", "Paris", "Dnipro river", "Odesa")]
    assert results == [None] * 5
    assert len(server.requests) == 3  # tripped after three bad answers in a row
    assert not g.available
    assert any("without usable coordinates (lat 999" in w for w in warnings_), warnings_
    assert any("no more online lookups" in w for w in warnings_), warnings_
    assert [str(w.message) for w in raw if issubclass(w.category, UserWarning)] == []
    assert g.stats["failures"] == 5


# -- (10) Retry-After honoured up to a stated cap ------------------------------------------------

def test_retry_after_within_the_cap_is_honoured_exactly(server, make, sleeps):
    server.retry_after = 30
    server.script.extend(["429"])
    g = make(server.url)
    place = g.geocode("Izium")
    assert place is not None and place.name == "Izium"
    assert sleeps == [30.0]  # what the server asked (7b746da waited 10 s)
    assert len(server.requests) == 2


def test_retry_after_beyond_the_cap_gives_up_on_the_name_and_says_so(server, make, sleeps, warnings_):
    server.retry_after = 3600
    server.script.extend(["429"])
    g = make(server.url)
    assert g.geocode("Kharkiv") is None
    assert sleeps == []  # no wait at all, and no second request
    assert len(server.requests) == 1
    assert any("asked to wait 3600 s" in w and "at most 60 s" in w and "'Kharkiv' was given up" in w
               for w in warnings_), warnings_


# -- (10) credentials in the geocoder URL are never printed ---------------------------------------

def test_credentials_in_the_url_are_used_but_never_printed(server, make, warnings_):
    from geo.geocoders.base import redact_url

    url = f"http://alice:s3cret@{server.domain}"
    g = make(url)
    assert "s3cret" not in g.endpoint and "s3cret" not in repr(g.inner)
    assert g.geocode("Kharkiv") is not None  # the request still carries them
    server.mode = "500"
    g.geocode("Izium")
    assert warnings_ and all("s3cret" not in w and "alice" not in w for w in warnings_), warnings_
    assert redact_url("https://u:p@h.example/x?api_key=K&q=1") == "https://***@h.example/x?api_key=***&q=1"
    assert redact_url("http://h.example/search") == "http://h.example/search"
