"""The geopy fallback against real HTTP on 127.0.0.1 (tests/nominatim_server.py); no internet."""
from __future__ import annotations

import types

import pytest
from conftest import FakeClock

from geo.geocoders.config import Config, ConfigError, load_config
from geo.geocoders import (CircuitBreaker, DeadlineGeocoder, GeocoderConfigError, RateLimitedGeocoder, clear_cache,
                          make_geocoder, osm_feature, plausible)
from geo.types import Place
from nominatim_server import NominatimServer, SilentServer, closed_port_url  # tests/ is on sys.path

# the fixtures `server` (a NominatimServer), `warnings_` and `make` (a geocoder on a URL) are conftest's


def use_clock(g, clock: FakeClock) -> None:
    """Put ``clock`` into a composed geocoder's rate limiter (its in-process spacing and its shared slots), so
    spacing is checked in fake time: no waiting, no scheduling jitter. (make_geocoder's sleep= reaches the retry
    layer only.)"""
    rl = g.find(RateLimitedGeocoder)
    fresh = RateLimitedGeocoder(rl.inner, rl.min_delay, clock=clock, sleep=clock.sleep)
    rl._call, rl._sleep = fresh._call, fresh._sleep
    if rl.slots is not None:
        rl.slots.clock = clock


@pytest.fixture
def fake_time(monkeypatch) -> FakeClock:
    """A FakeClock, also stamping the test server's request log (its ``time``)."""
    import nominatim_server

    clock = FakeClock()
    monkeypatch.setattr(nominatim_server, "time", types.SimpleNamespace(monotonic=clock))
    return clock


def _place(id: str, lat: float, lon: float, cc: str | None) -> Place:
    return Place(id=id, name=id, lat=lat, lon=lon, feature_class="P", feature_code="PPL", country_code=cc)


# -- answers ----------------------------------------------------------------------------------

def test_success_maps_the_nominatim_answer_to_a_place(server, make):
    g = make(server.url)
    place = g.geocode("Kharkiv")
    assert place is not None
    assert place.id == "osm:relation:3051"
    assert (place.name, place.country_code, place.admin1) == ("Kharkiv", "UA", "Kharkiv Oblast")
    assert (place.feature_class, place.feature_code) == ("P", "PPL")  # boundary with addresstype city
    assert place.lat == pytest.approx(49.9923181) and place.lon == pytest.approx(36.2310146)
    assert place.importance == pytest.approx(0.71)
    (req,) = server.requests
    assert req["path"] == "/search"
    assert req["params"]["q"] == "Kharkiv"
    assert req["params"]["format"] == "json" and req["params"]["addressdetails"] == "1"
    assert req["user_agent"].startswith("geo/0.1.0")


def test_feature_types_from_osm_class(server, make):
    g = make(server.url)
    river = g.geocode("Dnipro river")
    town = g.geocode("Izium")
    assert (river.feature_class, river.feature_code) == ("H", "STM")
    assert (town.feature_class, town.feature_code) == ("P", "PPL")
    assert osm_feature("boundary", "administrative", "state") == ("A", "ADM1")
    assert osm_feature("boundary", "administrative", None, 4) == ("A", "PCLI")
    assert osm_feature("place", "country") == ("A", "PCLI")


def test_country_codes_are_sent_and_respected(server, make):
    g = make(server.url)
    assert g.geocode("Paris", country_codes=["UA"]) is None
    fr = g.geocode("Paris", country_codes=["fr"])
    assert fr is not None and fr.country_code == "FR"
    assert [r["params"].get("countrycodes") for r in server.requests] == ["ua", "fr"]


def test_empty_answer_is_cached_as_negative_across_runs(server, make, tmp_path):
    g = make(server.url)
    assert g.geocode("Nowhereville") is None
    assert g.geocode("  nowhereville ") is None  # same key: case and spacing ignored
    assert len(server.requests) == 1
    g.close()
    g2 = make(server.url)  # a new run, same cache folder
    assert g2.geocode("Nowhereville") is None
    assert len(server.requests) == 1
    assert g2.stats["cache_hits"] == 1
    g2.close()
    assert clear_cache(tmp_path / "cache") == 1
    g3 = make(server.url)
    assert g3.geocode("Nowhereville") is None
    assert len(server.requests) == 2


def test_positive_answers_survive_the_server_going_away(tmp_path, make):
    with NominatimServer() as srv:
        url = srv.url
        first = make(url).geocode("Izium")
    # the server is gone: a new run still gets the answer, from the cache
    again = make(url).geocode("Izium")
    assert first is not None and again == first


def test_user_agent_override(server, make):
    g = make(server.url, user_agent="newsroom-mapper/2.0 (maps@example.org)")
    g.geocode("Kharkiv")
    assert server.requests[0]["user_agent"] == "newsroom-mapper/2.0 (maps@example.org)"


def test_photon_service_through_the_real_geopy_client(server, make):
    g = make(server.url, service="photon")
    place = g.geocode("Izium")
    assert server.requests[0]["path"] == "/api"
    assert place is not None and place.id == "osm:node:337" and place.country_code == "UA"
    assert (place.feature_class, place.feature_code) == ("P", "PPL")


def test_pelias_service_through_the_real_geopy_client(server, make):
    g = make(server.url, service="pelias")
    place = g.geocode("Kharkiv", country_codes=["UA"])
    assert server.requests[0]["path"] == "/v1/search"
    assert server.requests[0]["params"]["boundary.country"] == "ua"
    assert place is not None and place.id == "pelias:openstreetmap:relation:3051"
    assert (place.feature_class, place.feature_code, place.country_code) == ("P", "PPL", "UA")
    assert place.importance == pytest.approx(0.9)


# -- failures ---------------------------------------------------------------------------------

def test_429_then_ok_is_retried_after_retry_after(server, make, fake_time):
    server.script.extend(["429", "ok"])
    g = make(server.url, sleep=fake_time.sleep)  # the retry layer's waits
    use_clock(g, fake_time)
    place = g.geocode("Kharkiv")
    assert place is not None and place.name == "Kharkiv"
    assert [r["mode"] for r in server.requests] == ["429", "ok"]
    gap = server.requests[1]["time"] - server.requests[0]["time"]
    assert gap == pytest.approx(1.0) and fake_time.sleeps == [1]  # Retry-After: 1
    assert g.available


def test_429_that_persists_trips_the_breaker(server, make, warnings_):
    server.mode = "429"
    server.retry_after = 0
    g = make(server.url)
    assert g.geocode("Kharkiv") is None
    assert len(server.requests) == 3  # one try + 2 retries
    assert not g.available
    assert g.geocode("Izium") is None
    assert len(server.requests) == 3  # no more requests this run
    assert sum("no more online lookups" in w for w in warnings_) == 1
    assert "429" in warnings_[-1]


def test_500_then_ok_is_retried(server, make):
    server.script.extend(["500", "503", "ok"])
    g = make(server.url)
    assert g.geocode("Izium") is not None
    assert [r["mode"] for r in server.requests] == ["500", "503", "ok"]


def test_500_failures_are_not_cached_and_trip_after_repeated_failures(server, make, warnings_):
    server.mode = "500"
    g = make(server.url)
    assert g.geocode("Izium") is None
    assert len(server.requests) == 3
    assert any("HTTP 500" in w for w in warnings_)
    server.mode = "ok"
    assert g.geocode("Izium") is not None  # the failure was not cached as "not found"
    server.mode = "500"
    for name in ("Kharkiv", "Paris", "Dnipro river"):
        assert g.geocode(name) is None
    assert not g.available
    n = len(server.requests)
    assert g.geocode("Paris texas") is None and len(server.requests) == n


def test_malformed_json_is_a_failure_not_a_crash(server, make, warnings_):
    server.mode = "malformed"
    g = make(server.url)
    assert g.geocode("Kharkiv") is None
    assert any("malformed" in w for w in warnings_)
    server.mode = "ok"
    assert g.geocode("Kharkiv") is not None  # not cached as negative


def test_wrongly_shaped_json_is_handled(server, make, warnings_):
    server.mode = "junk"
    g = make(server.url)
    assert g.geocode("Kharkiv") is None  # no exception escapes
    assert g.available


def test_403_trips_at_once_but_cached_answers_are_still_used(server, make, warnings_):
    g = make(server.url)
    assert g.geocode("Izium") is not None
    server.mode = "403"
    assert g.geocode("Kharkiv") is None
    assert not g.available
    assert len(server.requests) == 2
    assert "access refused" in warnings_[-1] and "user agent" in warnings_[-1]
    assert g.geocode("izium") is not None  # from the cache, no request
    assert len(server.requests) == 2


def test_timeout_trips_the_breaker_quickly(server, make, warnings_):
    server.mode = "hang"
    g = make(server.url, timeout=0.5)
    results = [g.geocode(name) for name in ("Kharkiv", "Izium", "Paris", "Dnipro river", "x", "y")]
    assert results == [None] * 6
    # tripped after two timeouts in a row: two requests, each cut off by the 0.5 s timeout (or at worst the
    # 1.5 s deadline), never retried; the other four lookups sent nothing
    assert len(server.requests) == 2 and g.stats["requests"] == 2
    assert g.find(DeadlineGeocoder).deadline == 2 * 0.5 + 0.5
    assert not g.available and "no answer within 0.5 s" in g.tripped_reason
    assert sum("no more online lookups" in w for w in warnings_) == 1


def test_a_server_that_trickles_bytes_is_cut_off_by_the_deadline(server, make, warnings_):
    server.mode = "trickle"
    g = make(server.url, timeout=0.5)
    # the server sends a byte every 0.2 s until it stops: only the deadline (2 x 0.5 + 0.5 s) ends a request,
    # and without it these lookups would never return
    assert g.find(DeadlineGeocoder).deadline == 1.5
    assert [g.geocode(n) for n in ("Kharkiv", "Izium", "Paris")] == [None, None, None]
    assert len(server.requests) == 2 and not g.available
    assert "no answer" in g.tripped_reason and "2 times in a row" in g.tripped_reason


def test_connection_refused_trips_at_once_and_never_raises(make, warnings_):
    g = make(closed_port_url())
    assert [g.geocode(n) for n in ("Kharkiv", "Izium", "Paris")] == [None, None, None]
    assert not g.available
    assert g.stats["requests"] == 1
    assert len(warnings_) == 1 and "connection refused" in warnings_[0]


def test_silent_server_short_timeout(make):
    with SilentServer() as silent:
        g = make(silent.url, timeout=0.4)
        assert all(g.geocode(f"village {i}") is None for i in range(20))
        assert not g.available and "no answer within 0.4 s, 2 times in a row" in g.tripped_reason
        assert g.stats["requests"] == 2  # two timeouts, then nothing more is sent


def test_silent_server_with_default_settings_finishes_well_under_a_minute(tmp_path):
    """A service that accepts connections and never answers, with the default settings: the breaker trips after
    two timeouts in a row (test_silent_server_short_timeout shows it against a silent socket with a short timeout),
    a timeout is not retried (tests/test_geocoders.py), and each request is cut off by the deadline; so a run
    waits at most two deadlines, whatever the number of lookups."""
    g = make_geocoder(url="http://127.0.0.1:9", cache_dir=tmp_path, config=Config())  # builds only: no request
    deadline = g.find(DeadlineGeocoder).deadline
    assert (g.timeout, deadline) == (5.0, 10.5)
    assert g.find(CircuitBreaker).trip_after_timeouts == 2
    assert 2 * deadline <= 30  # well under a minute, from the settings rather than a stopwatch
    g.close()


def test_rate_limit_spaces_requests(server, make, fake_time):
    g = make(server.url, min_delay=0.3)
    use_clock(g, fake_time)
    for name in ("Kharkiv", "Izium", "Paris"):
        assert g.geocode(name) is not None
    times = [r["time"] - fake_time.start for r in server.requests]
    assert times == pytest.approx([0.0, 0.3, 0.6])  # when each request reached the server, in fake time


def test_rate_limit_holds_across_geocoders_sharing_the_cache(server, make, fake_time):
    """Two geocoders (as in two processes) on one cache file keep to one request per slot together.
    (Reservations made at the same moment from several threads: tests/test_geocoders.py.)"""
    a, b = make(server.url, min_delay=0.3), make(server.url, min_delay=0.3)
    for g in (a, b):
        use_clock(g, fake_time)
    for name_a, name_b in (("Kharkiv", "Paris texas"), ("Izium", "Dnipro river"), ("Paris", "Nowhere")):
        a.geocode(name_a)  # interleaved: each alone would have waited only between its own requests
        b.geocode(name_b)
    times = [r["time"] - fake_time.start for r in server.requests]
    assert times == pytest.approx([0.0, 0.3, 0.6, 0.9, 1.2, 1.5])
    assert [r["params"]["q"] for r in server.requests][:2] == ["Kharkiv", "Paris texas"]


def test_public_nominatim_is_never_faster_than_one_request_per_second(tmp_path):
    g = make_geocoder(config=Config(), cache_dir=tmp_path, min_delay=0.1)  # builds only: no request
    assert g.endpoint == "https://nominatim.openstreetmap.org"
    assert g.min_delay >= 1.0
    g.close()


def test_unusable_cache_file_warns_and_keeps_working(server, make, tmp_path, warnings_):
    cache = tmp_path / "broken"
    cache.mkdir()
    (cache / "answers.sqlite3").write_bytes(b"this is not a database" * 100)
    g = make(server.url, cache_dir=cache)
    assert g.geocode("Kharkiv") is not None
    assert g.geocode("Kharkiv") is not None
    assert len(server.requests) == 1  # still cached for this run, in memory
    assert any("cache" in w and "unusable" in w for w in warnings_)
    g.close()
    assert clear_cache(cache) == 0 and not (cache / "answers.sqlite3").exists()  # clearing repairs it


# -- configuration ----------------------------------------------------------------------------

def test_offline_disables_the_geocoder(tmp_path):
    assert make_geocoder(offline=True) is None
    assert make_geocoder(config=Config(offline=True), cache_dir=tmp_path) is None
    cfg = load_config(environ={"GEO_OFFLINE": "1", "GEO_CONFIG": str(tmp_path / "absent.toml")})
    assert cfg.offline and cfg.path is None
    assert make_geocoder(config=cfg, cache_dir=tmp_path) is None


def test_env_url_and_config_file(server, tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CONFIG", str(tmp_path / "missing.toml"))
    monkeypatch.setenv("GEO_GEOCODER_URL", server.url)
    for var in ("GEO_GEOCODER", "GEO_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GEO_USER_AGENT", "env-agent/1.0")
    g = make_geocoder(cache_dir=tmp_path / "c1")
    assert g.geocode("Kharkiv") is not None
    g.close()
    assert server.requests[-1]["path"] == "/search"
    assert server.requests[-1]["user_agent"] == "env-agent/1.0"
    monkeypatch.delenv("GEO_USER_AGENT")

    monkeypatch.delenv("GEO_GEOCODER_URL")
    conf = tmp_path / "config.toml"
    conf.write_text(
        f'geocoder = "photon"\ngeocoder_url = "{server.url}"\n'
        'user_agent = "geo-test/1 (test@example.org)"\ntimeout = 2.5\n'
    )
    monkeypatch.setenv("GEO_CONFIG", str(conf))
    cfg = load_config()
    assert (cfg.geocoder, cfg.timeout, cfg.path) == ("photon", 2.5, str(conf))
    g = make_geocoder(cache_dir=tmp_path / "c2")
    assert g.timeout == 2.5
    assert g.geocode("Izium") is not None
    g.close()
    assert server.requests[-1]["path"] == "/api"
    assert server.requests[-1]["user_agent"] == "geo-test/1 (test@example.org)"


@pytest.mark.parametrize(
    "body, problem",
    [
        ("geocoder = [", "not valid TOML"),
        ('geocoder = "google"', "geocoder must be one of"),
        ("timeout = -1", "timeout must be a positive number"),
        ('colour = "blue"', "unknown key(s) colour"),
    ],
)
def test_bad_config_file_names_the_file(tmp_path, body, problem):
    conf = tmp_path / "config.toml"
    conf.write_text(body + "\n")
    with pytest.raises(ConfigError) as err:
        load_config(conf, environ={})
    assert str(err.value).startswith(f"{conf}: ")
    assert problem in str(err.value)


def test_bad_service_settings(tmp_path):
    with pytest.raises(GeocoderConfigError, match="unknown geocoder"):
        make_geocoder(service="google", config=Config(), cache_dir=tmp_path)
    with pytest.raises(GeocoderConfigError, match="needs a URL"):
        make_geocoder(service="pelias", config=Config(), cache_dir=tmp_path)
    with pytest.raises(GeocoderConfigError, match="not an http"):
        make_geocoder(url="ftp://example.org", config=Config(), cache_dir=tmp_path)


# -- context check ----------------------------------------------------------------------------

def test_plausible_rejects_a_hit_on_another_continent():
    kharkiv = _place("kharkiv", 49.99, 36.23, "UA")
    izium = _place("izium", 49.21, 37.26, "UA")
    paris_tx = _place("paris-tx", 33.66, -95.56, "US")
    paris_fr = _place("paris-fr", 48.85, 2.35, "FR")
    assert not plausible(paris_tx, [kharkiv, izium])
    assert plausible(paris_fr, [kharkiv, izium])  # ~2,500 km: same continent
    assert plausible(izium, [kharkiv])
    assert plausible(paris_tx, [])  # no context: nothing to contradict it
    assert plausible(paris_tx, [paris_tx])  # itself is no context
    vladivostok = _place("vladivostok", 43.12, 131.89, "RU")
    moscow = _place("moscow", 55.75, 37.62, "RU")
    assert plausible(vladivostok, [moscow])  # far, but the same country
    assert not plausible(paris_fr, [kharkiv], max_km=1000)
