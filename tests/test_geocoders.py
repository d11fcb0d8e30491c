"""Each geocoder wrapper alone, around a scripted fake geocoder; the registry; the providers bare.

(The composed fallback against real HTTP is tests/test_fallback.py.)
"""
from __future__ import annotations

import threading
import time

import pytest
from conftest import FakeClock
from geopy import exc as gx
from geopy.adapters import AdapterHTTPError

from geo.geocoders.config import Config, ConfigError, load_config
from geo.geocoders import (AnswerCache, CachedGeocoder, CircuitBreaker, CircuitOpen, DeadlineGeocoder,
                          FallbackGeocoder, Geocoder, GeocoderConfigError, GeopyGeocoder, RateLimitedGeocoder,
                          RetryingGeocoder, SharedSlots, get_geocoder, make_geocoder, registry)
from geo.geocoders.nominatim import NominatimGeocoder
from geo.types import Place
from nominatim_server import NominatimServer  # tests/ is on sys.path (pytest's rootdir conftest)

IZIUM = Place("osm:node:337", "Izium", 49.21, 37.26, "P", "PPL", "UA")


def http_error(cls: type, status: int, message: str = "") -> Exception:
    """A geopy exception as geopy raises it for an HTTP status (the status is on its cause)."""
    e = cls(message or f"Non-successful status code {status}")
    e.__cause__ = AdapterHTTPError(f"HTTP {status}", status_code=status, headers={}, text="")
    return e


class Fake:
    """A Geocoder whose outcomes are scripted: a Place, None, or an exception to raise."""

    service, endpoint, language, timeout = "fake", "http://fake.invalid", "en", 0.5

    def __init__(self, *outcomes, default=None, clock=time.monotonic) -> None:
        self.outcomes = list(outcomes)
        self.default = default
        self.clock = clock  # when each call came (a FakeClock where spacing is tested)
        self.calls: list[tuple[str, list | None, float]] = []
        self.closed = False

    def geocode(self, name, *, country_codes=None):
        self.calls.append((name, country_codes, self.clock()))
        out = self.outcomes.pop(0) if self.outcomes else self.default
        if isinstance(out, BaseException):
            raise out
        if callable(out):
            return out()
        return out

    def close(self) -> None:
        self.closed = True


def test_the_fake_and_every_wrapper_satisfy_the_protocol(tmp_path):
    fake = Fake()
    for g in (fake, CachedGeocoder(fake, AnswerCache(tmp_path)), RateLimitedGeocoder(fake, 0), RetryingGeocoder(fake),
              CircuitBreaker(fake), DeadlineGeocoder(fake), FallbackGeocoder(fake)):
        assert isinstance(g, Geocoder)
        assert g.endpoint == "http://fake.invalid"  # attributes pass through to the inner geocoder


# -- cache ------------------------------------------------------------------------------------

def test_cache_stores_answers_and_negative_answers_not_failures(tmp_path):
    fake = Fake(IZIUM, None, gx.GeocoderServiceError("boom"), None)
    g = CachedGeocoder(fake, AnswerCache(tmp_path))
    assert g.geocode("Izium") == IZIUM
    assert g.geocode(" IZIUM ") == IZIUM  # same key: case and spacing folded
    assert g.geocode("Nowhere") is None
    assert g.geocode("nowhere") is None
    with pytest.raises(gx.GeocoderServiceError):
        g.geocode("Flaky")
    assert g.geocode("Flaky") is None  # asked again: the failure was not stored
    assert [c[0] for c in fake.calls] == ["Izium", "Nowhere", "Flaky", "Flaky"]
    assert g.hits == 2
    g.close()
    assert fake.closed
    again = CachedGeocoder(Fake(default=AssertionError("must not be asked")), AnswerCache(tmp_path))
    assert again.geocode("izium") == IZIUM and again.geocode("NOWHERE") is None  # from the file


def test_cache_key_has_countries_service_endpoint_and_language(tmp_path):
    fake = Fake(IZIUM, None, IZIUM)
    g = CachedGeocoder(fake, AnswerCache(tmp_path))
    g.geocode("Izium", country_codes=["UA", "ua"])
    g.geocode("Izium", country_codes=["fr"])
    g.geocode("Izium")
    assert g.geocode("Izium", country_codes=["ua"]) == IZIUM
    assert len(fake.calls) == 3
    assert fake.calls[0][1] == ["ua"]
    assert g.key("Izium", ["ua"]) == ("fake", "http://fake.invalid", "izium", "ua", "en")
    other = Fake(None)
    other.endpoint = "http://elsewhere.invalid"
    assert CachedGeocoder(other, AnswerCache(tmp_path)).geocode("Izium") is None and other.calls


def test_negative_answers_expire(tmp_path, monkeypatch):
    import types

    from geo.geocoders import cache as cache_module

    clock = FakeClock(start=time.time())  # the cache stores wall-clock times: start from now
    monkeypatch.setattr(cache_module, "time", types.SimpleNamespace(time=clock))
    fake = Fake(None, IZIUM)
    g = CachedGeocoder(fake, AnswerCache(tmp_path, negative_ttl=0.2))
    assert g.geocode("Izium") is None
    clock.sleep(0.15)
    assert g.geocode("Izium") is None and len(fake.calls) == 1  # still fresh
    clock.sleep(0.1)
    assert g.geocode("Izium") == IZIUM and len(fake.calls) == 2  # expired: asked again


# -- rate limit -------------------------------------------------------------------------------

def test_rate_limit_spaces_calls_within_a_process():
    clock = FakeClock()
    fake = Fake(clock=clock)
    g = RateLimitedGeocoder(fake, 0.25, clock=clock, sleep=clock.sleep)
    for name in "abc":
        g.geocode(name)
    times = [c[2] - clock.start for c in fake.calls]
    assert times == pytest.approx([0.0, 0.25, 0.5])  # the first at once, then one per 0.25 s
    assert clock.sleeps == pytest.approx([0.25, 0.25])
    clock.sleep(1.0)
    g.geocode("d")  # after a pause longer than the delay: no wait
    assert fake.calls[-1][2] - clock.start == pytest.approx(1.5) and len(clock.sleeps) == 3


def test_shared_slots_space_calls_of_separate_limiters(tmp_path):
    """Two limiters (as in two processes) sharing a slots file keep to one call per slot together."""
    clock = FakeClock()
    a, b = Fake(clock=clock), Fake(clock=clock)
    ga, gb = (RateLimitedGeocoder(f, 0.2, slots=SharedSlots(tmp_path / "slots.sqlite3", clock=clock), clock=clock,
                                  sleep=clock.sleep) for f in (a, b))
    for n in "xyz":  # interleaved: each limiter alone would not wait at all between these
        ga.geocode(n)
        gb.geocode(n)
    times = [c[2] - clock.start for c in sorted(a.calls + b.calls, key=lambda c: c[2])]
    assert times == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert [c[2] - clock.start for c in b.calls] == pytest.approx([0.2, 0.6, 1.0])
    ga.close()
    gb.close()


def test_shared_slots_give_each_concurrent_reservation_its_own_slot(tmp_path):
    """Reservations from several connections and threads at the same moment get distinct slots, 0.2 s apart."""
    now = FakeClock()  # never advances: every reservation is made "at once"
    slots = [SharedSlots(tmp_path / "slots.sqlite3", clock=now) for _ in range(2)]
    waits: list[float] = []
    lock = threading.Lock()

    def reserve(s: SharedSlots) -> None:
        for _ in range(10):
            w = s.reserve("http://a", 0.2)
            with lock:
                waits.append(w)

    threads = [threading.Thread(target=reserve, args=(s,)) for s in slots for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(waits) == pytest.approx([0.2 * k for k in range(40)])
    for s in slots:
        s.close()


def test_slots_per_endpoint_and_unusable_file(tmp_path):
    clock = FakeClock()
    slots = SharedSlots(tmp_path / "s.sqlite3", clock=clock)
    assert slots.reserve("http://a", 10) == 0.0
    assert slots.reserve("http://a", 10) == 10.0
    clock.sleep(4)
    assert slots.reserve("http://a", 10) == pytest.approx(16.0)  # the slot after the one reserved above
    assert slots.reserve("http://b", 10) == 0.0  # another service has its own slots
    slots.close()
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database" * 100)
    assert SharedSlots(bad).reserve("http://a", 10) == 0.0  # no shared slots, no crash


# -- retry ------------------------------------------------------------------------------------

def test_retry_429_waits_retry_after_within_bounds():
    waits: list[float] = []
    fake = Fake(gx.GeocoderRateLimited("slow down", retry_after=3), gx.GeocoderRateLimited("again"), IZIUM)
    g = RetryingGeocoder(fake, max_retries=2, backoff=0.5, max_backoff=10, min_wait=1.0, sleep=waits.append)
    assert g.geocode("Izium") == IZIUM
    assert waits == [3, 1.0]  # Retry-After; then the backoff 0.5*2, not below min_wait
    fake = Fake(gx.GeocoderRateLimited("x", retry_after=30), IZIUM)
    waits.clear()
    assert RetryingGeocoder(fake, max_backoff=10, sleep=waits.append).geocode("Izium") == IZIUM
    assert waits == [30]  # the server's Retry-After is honoured up to the stated cap (RETRY_AFTER_CAP)...
    fake = Fake(gx.GeocoderRateLimited("x", retry_after=120), IZIUM)
    waits.clear()
    with pytest.raises(gx.GeocoderRateLimited):  # ...and beyond it the name is given up at once, not retried early
        RetryingGeocoder(fake, max_retry_after=60, sleep=waits.append).geocode("Izium")
    assert waits == [] and len(fake.calls) == 1


def test_retry_5xx_with_exponential_backoff_then_gives_up_with_the_attempt_count():
    waits: list[float] = []
    fake = Fake(http_error(gx.GeocoderServiceError, 500), http_error(gx.GeocoderTimedOut, 503),
                http_error(gx.GeocoderServiceError, 502))
    g = RetryingGeocoder(fake, max_retries=2, backoff=0.1, sleep=waits.append)
    with pytest.raises(gx.GeocoderServiceError) as info:
        g.geocode("Izium")
    assert len(fake.calls) == 3 and waits == [0.1, 0.2]
    assert info.value.attempts == 3


@pytest.mark.parametrize("error", [
    gx.GeocoderTimedOut("read timed out"),  # a real timeout: trying again costs the same
    gx.GeocoderUnavailable("Connection refused"),
    http_error(gx.GeocoderInsufficientPrivileges, 403),
    http_error(gx.GeocoderQueryError, 400),
    gx.GeocoderParseError("not JSON"),
])
def test_retry_does_not_retry_what_would_fail_again(error):
    fake = Fake(error, IZIUM)
    with pytest.raises(type(error)):
        RetryingGeocoder(fake, sleep=lambda s: None).geocode("Izium")
    assert len(fake.calls) == 1


# -- circuit breaker --------------------------------------------------------------------------

def test_breaker_trips_on_refused_connection_and_then_sends_nothing():
    warnings: list[str] = []
    fake = Fake(gx.GeocoderUnavailable("HTTPConnectionPool: [Errno 111] Connection refused"), IZIUM)
    b = CircuitBreaker(fake, on_warning=warnings.append)
    with pytest.raises(gx.GeocoderUnavailable):
        b.geocode("Izium")
    assert not b.available and "connection refused" in b.tripped_reason
    with pytest.raises(CircuitOpen):
        b.geocode("Izium")
    assert len(fake.calls) == 1
    assert warnings == ["geocoder http://fake.invalid: service unreachable (connection refused); no more online "
                        "lookups this run (names the gazetteer cannot place stay unmapped)"]


def test_breaker_counts_consecutive_timeouts_and_failures_and_success_resets_them():
    warnings: list[str] = []
    t = gx.GeocoderTimedOut("timed out")
    fake = Fake(t, IZIUM, t, None, gx.GeocoderParseError("bad"), http_error(gx.GeocoderServiceError, 500),
                IZIUM, gx.GeocoderParseError("bad"), http_error(gx.GeocoderServiceError, 500),
                http_error(gx.GeocoderServiceError, 502), IZIUM)
    b = CircuitBreaker(fake, trip_after_timeouts=2, trip_after_failures=3, on_warning=warnings.append)
    outcomes = []
    for _ in range(11):
        try:
            outcomes.append(b.geocode("x"))
        except CircuitOpen:
            outcomes.append("open")
        except gx.GeopyError as e:
            outcomes.append(type(e).__name__)
    assert outcomes == ["GeocoderTimedOut", IZIUM, "GeocoderTimedOut", None, "GeocoderParseError",
                        "GeocoderServiceError", IZIUM, "GeocoderParseError", "GeocoderServiceError",
                        "GeocoderServiceError", "open"]
    assert b.tripped_reason == "HTTP 502, 3 lookups in a row failed"
    assert sum("no more online lookups" in w for w in warnings) == 1
    assert any("no answer within 0.5 s" in w for w in warnings)  # the inner geocoder's timeout


def test_breaker_query_errors_are_not_the_services_fault():
    warnings: list[str] = []
    fake = Fake(*[http_error(gx.GeocoderQueryError, 400)] * 5, IZIUM)
    b = CircuitBreaker(fake, trip_after_failures=2, on_warning=warnings.append)
    for _ in range(5):
        with pytest.raises(gx.GeocoderQueryError):
            b.geocode("x")
    assert b.available and b.geocode("x") == IZIUM
    assert len(warnings) == 1 and "rejected the query 'x'" in warnings[0]


def test_breaker_persistent_429_and_403_trip_at_once():
    e429 = gx.GeocoderRateLimited("Too many")
    e429.attempts = 3
    b = CircuitBreaker(Fake(e429), on_warning=lambda w: None)
    with pytest.raises(gx.GeocoderRateLimited):
        b.geocode("x")
    assert b.tripped_reason == "still rate-limited (HTTP 429) after 3 attempts"
    b = CircuitBreaker(Fake(http_error(gx.GeocoderInsufficientPrivileges, 403, "Forbidden")), on_warning=lambda w: None)
    with pytest.raises(gx.GeocoderInsufficientPrivileges):
        b.geocode("x")
    assert b.tripped_reason.startswith("access refused (403 Forbidden); check the user agent")


# -- deadline ---------------------------------------------------------------------------------

def test_deadline_cuts_off_a_call_that_never_returns():
    release = threading.Event()
    fake = Fake(default=lambda: release.wait() and IZIUM)  # returns only when released
    waited: list[float] = []
    g = DeadlineGeocoder(fake, 0.3, wait=lambda thread, seconds: waited.append(seconds))  # the deadline passes at once
    with pytest.raises(gx.GeocoderTimedOut, match="within 0.3 s"):
        g.geocode("x")
    assert waited == [0.3] and fake.calls  # the call was started, waited for 0.3 s and abandoned
    with pytest.raises(gx.GeocoderTimedOut, match="within 0.01 s"):  # the same with a real wait on the thread
        DeadlineGeocoder(fake, 0.01).geocode("y")
    release.set()
    assert DeadlineGeocoder(Fake(IZIUM)).deadline == 2 * 0.5 + 0.5  # default from the inner timeout
    assert DeadlineGeocoder(Fake(IZIUM), 1).geocode("x") == IZIUM
    with pytest.raises(gx.GeocoderParseError):  # errors come back on the caller's thread
        DeadlineGeocoder(Fake(gx.GeocoderParseError("bad")), 1).geocode("x")


# -- the front and the composition -----------------------------------------------------------

def test_front_never_raises_and_counts():
    warnings: list[str] = []
    fake = Fake(gx.GeocoderServiceError("x"), KeyError("surprise"), KeyError("again"), IZIUM, None)
    g = FallbackGeocoder(fake, on_warning=warnings.append)
    assert [g.geocode(n) for n in ("a", "b", "c", "d", "e")] == [None, None, None, IZIUM, None]
    assert g.geocode("   ") is None  # an empty name is not a lookup
    assert g.stats == {"lookups": 5, "cache_hits": 0, "requests": 0, "answers": 1, "failures": 3}
    assert len(warnings) == 1 and "failed unexpectedly (KeyError" in warnings[0]
    assert g.available and g.tripped_reason is None


def test_a_tripped_breaker_still_lets_the_cache_answer(tmp_path):
    fake = Fake(IZIUM, gx.GeocoderUnavailable("Connection refused"))
    g = FallbackGeocoder(CachedGeocoder(CircuitBreaker(fake, on_warning=lambda w: None), AnswerCache(tmp_path)))
    assert g.geocode("Izium") == IZIUM
    assert g.geocode("Kharkiv") is None and not g.available
    assert g.geocode("izium") == IZIUM and g.geocode("Kharkiv") is None
    assert len(fake.calls) == 2 and g.stats["cache_hits"] == 1


def test_make_geocoder_composes_the_layers_in_order(tmp_path):
    g = make_geocoder(url="http://127.0.0.1:9", config=Config(), cache_dir=tmp_path, min_delay=0.2, timeout=2)
    kinds = [type(layer).__name__ for layer in g.layers()]
    assert kinds == ["FallbackGeocoder", "CachedGeocoder", "CircuitBreaker", "RetryingGeocoder",
                     "RateLimitedGeocoder", "DeadlineGeocoder", "NominatimGeocoder"]
    assert (g.min_delay, g.timeout, g.endpoint, g.find(DeadlineGeocoder).deadline) == (0.2, 2.0, "http://127.0.0.1:9", 4.5)
    g.close()
    bare = make_geocoder(url="http://127.0.0.1:9", config=Config(), use_cache=False)
    assert "CachedGeocoder" not in [type(layer).__name__ for layer in bare.layers()]
    assert bare.find(RateLimitedGeocoder).slots is None
    bare.close()


# -- registry and bare providers (real HTTP) --------------------------------------------------

def test_get_geocoder_gives_a_bare_provider_one_request_per_call():
    with NominatimServer() as srv:
        g = get_geocoder("nominatim", url=srv.url)
        assert isinstance(g, NominatimGeocoder)
        assert g.geocode("Izium").id == "osm:node:337"
        assert g.geocode("izium").id == "osm:node:337"  # no cache: asked again
        srv.mode = "500"
        with pytest.raises(gx.GeocoderServiceError):  # no retry, no breaker: geopy's exception
            g.geocode("Izium")
        assert len(srv.requests) == 3 and g.requests == 3
        g.close()
    with pytest.raises(GeocoderConfigError, match="choose nominatim, photon or pelias"):
        get_geocoder("google")


def test_registering_a_provider_is_one_class_and_one_line(tmp_path, monkeypatch):
    """A provider for another Nominatim-speaking service, registered by name, used by make_geocoder
    and accepted by the config file."""

    class Mirror(NominatimGeocoder):
        service = "mirror"
        public_host = None

    monkeypatch.setitem(registry.PROVIDERS, "mirror", Mirror)  # what register("mirror", Mirror) does
    conf = tmp_path / "config.toml"
    with NominatimServer() as srv:
        conf.write_text(f'geocoder = "mirror"\ngeocoder_url = "{srv.url}"\n')
        g = make_geocoder(config=load_config(conf, environ={}), cache_dir=tmp_path)
        assert isinstance(g.layers()[-1], Mirror)
        assert g.geocode("Kharkiv").name == "Kharkiv"
        assert g.find(CachedGeocoder).key("x", [])[0] == "mirror"
        g.close()
    with pytest.raises(GeocoderConfigError, match="needs a URL"):
        make_geocoder(service="mirror", config=Config(), cache_dir=tmp_path)
    monkeypatch.undo()
    with pytest.raises(ConfigError, match="geocoder must be one of nominatim, photon, pelias"):
        load_config(conf, environ={})


def test_provider_base_needs_its_three_methods():
    class Half(GeopyGeocoder):
        service = "half"

    with pytest.raises(NotImplementedError):
        Half(url="http://127.0.0.1:9")
