"""The ASGI application of ``geo serve`` (Starlette), one per worker process.

The pipeline (spaCy + gazetteer) is loaded once per process at startup, on the process's single work
thread; every request's CPU work -- reading the articles, parsing, drawing -- runs on that thread (the
articles of the requests waiting together are parsed in one batch), so the event loop stays free to
answer ``/health``, refuse excess requests with 503 and time out slow ones with 504. Which requests may wait for the thread is decided by a
:class:`~geo.serve.limits.Gate` (``max_concurrent`` per process).

Endpoints (see :mod:`geo.serve.openapi`, served at ``/openapi.json``, and docs/serve.md)::

    GET  /              the web page (paste or drop articles, see the map)
    GET  /health        {"status": "ok", ...} once the pipeline is loaded ("loading" and 503 before)
    POST /parse         articles -> the per-document records of `geo extract` (JSON array, or JSONL)
    POST /map           articles -> the HTML map (?format=html|geojson|figure|bundle)
    GET|POST /parse/text  CLIFF-compatible (q=...)
    GET  /openapi.json  the OpenAPI 3.1 description
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import logging
import os
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from geo._version import __version__

from . import inputs, outputs
from .limits import ApiError, Gate, ServeConfig, read_body, token_ok, too_large

log = logging.getLogger("geo.serve")

#: environment variable carrying the configuration to worker processes (``--workers N``)
CONFIG_ENV = "GEO_SERVE_CONFIG"

SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                    "Cache-Control": "no-store"}
# The map page is geo's own HTML with escaped article text; served as an opaque origin all the same.
MAP_HEADERS = {**SECURITY_HEADERS, "Content-Security-Policy": "sandbox allow-scripts"}


class Cancelled(Exception):
    """The request's time ran out while its work was running; the work stops at the next document."""


@dataclass
class Job:
    """One request's work: ``read()`` -> Documents, then (after parsing) ``render(pipeline, parsed)``."""

    read: Callable[[], list]
    render: Callable[[Any, list], Any]
    cancel: threading.Event = field(default_factory=threading.Event)
    future: concurrent.futures.Future = field(default_factory=concurrent.futures.Future)


class Engine:
    """One pipeline on one work thread; at most ``config.max_concurrent`` requests admitted at once.

    The work thread takes every request waiting when it becomes free and parses their articles in one
    ``nlp.pipe`` (micro-batching): many one-article requests cost about what one ``geo extract`` over
    the same articles costs. Each document is parsed on its own, so a record does not depend on which
    requests happened to share a batch.
    """

    def __init__(self, config: ServeConfig, pipeline: Any = None,
                 pipeline_factory: Callable[[], Any] | None = None,
                 timer: Callable[[float], Any] | None = None):
        self.config = config
        #: ``timer(seconds)``: an awaitable that completes when a request's time is up (tests inject one)
        self.timer = timer or asyncio.sleep
        self.gate = Gate(config.max_concurrent)
        self.pipeline = pipeline
        self._factory = pipeline_factory or (lambda: _load_pipeline(config))
        self._queue: "queue.Queue[Job | None]" = queue.Queue()
        self._thread: threading.Thread | None = None
        self.load_error: str | None = None
        self.served = 0
        self.batches = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="geo-serve-work", daemon=True)
            self._thread.start()

    def _load(self) -> None:
        t0 = time.perf_counter()
        try:
            self.pipeline = self._factory()
        except Exception as exc:  # noqa: BLE001 - reported by /health and every request
            self.load_error = f"{exc.__class__.__name__}: {exc}"
            log.error("geo serve: cannot load the pipeline: %s", self.load_error)
            return
        log.info("geo serve: pipeline loaded in %.1f s (pid %d)", time.perf_counter() - t0, os.getpid())

    @property
    def ready(self) -> bool:
        return self.pipeline is not None

    def close(self) -> None:
        self._queue.put(None)

    def _loop(self) -> None:
        if self.pipeline is None:
            self._load()
        while True:
            job = self._queue.get()
            if job is None:
                return
            jobs = [job]
            while len(jobs) < self.config.max_concurrent:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self._queue.put(None)
                    break
                jobs.append(more)
            self.batches += 1
            try:
                self._run_batch(jobs)
            except BaseException as exc:  # noqa: BLE001 - a bug here must not leave requests waiting forever
                log.exception("geo serve: a batch failed")
                for job in jobs:
                    if not job.future.done():
                        try:
                            job.future.set_exception(exc)
                        except concurrent.futures.InvalidStateError:
                            pass

    def _run_batch(self, jobs: list[Job]) -> None:
        live: list[tuple[Job, list]] = []
        for job in jobs:
            if not job.future.set_running_or_notify_cancel():
                continue  # dropped before it started (its time ran out while waiting)
            if job.cancel.is_set():
                job.future.set_exception(Cancelled())
                continue
            if self.pipeline is None:
                job.future.set_exception(ApiError(503, f"the pipeline could not be loaded ({self.load_error})"))
                continue
            try:
                live.append((job, job.read()))
            except BaseException as exc:  # noqa: BLE001 - the request's own error (400...)
                job.future.set_exception(exc)
        if not live:
            return
        docs = [d for _, ds in live for d in ds]
        parsed: list = []
        try:
            for pd in self.pipeline.parse(docs):
                parsed.append(pd)
                if all(job.cancel.is_set() for job, _ in live):
                    raise Cancelled()
        except BaseException as exc:  # noqa: BLE001 - every request of the batch is told
            for job, _ in live:
                job.future.set_exception(exc)
            return
        pos = 0
        for job, ds in live:
            mine, pos = parsed[pos:pos + len(ds)], pos + len(ds)
            if job.cancel.is_set():
                job.future.set_exception(Cancelled())
                continue
            try:
                job.future.set_result(job.render(self.pipeline, mine))
            except BaseException as exc:  # noqa: BLE001
                job.future.set_exception(exc)

    async def run(self, read: Callable[[], list], render: Callable[[Any, list], Any]) -> Any:
        """Parse ``read()``'s documents on the work thread and answer ``render(pipeline, parsed)``,
        within the gate and the time limit."""
        if self.load_error:
            raise ApiError(503, f"the pipeline could not be loaded ({self.load_error})")
        if not self.gate.try_enter():
            raise ApiError(503, f"busy: {self.gate.capacity} requests are already running or waiting in this "
                                f"worker; retry after {self.config.retry_after} s",
                           headers={"Retry-After": str(self.config.retry_after)})
        job = Job(read, render)
        fut = job.future
        # the slot is given back when the work has really finished (or was dropped before it started)
        fut.add_done_callback(lambda _f: self.gate.leave())
        self._queue.put(job)
        wrapped = asyncio.wrap_future(fut)
        wrapped.add_done_callback(lambda f: f.cancelled() or f.exception())  # retrieved, even after a 504
        timer = asyncio.ensure_future(self.timer(self.config.timeout))
        try:
            done, _ = await asyncio.wait({wrapped, timer}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:  # the client went away: stop the work at the next document
            job.cancel.set()
            fut.cancel()
            raise
        finally:
            if not timer.done():
                timer.cancel()
        if wrapped not in done:
            job.cancel.set()
            fut.cancel()  # if it has not started yet
            raise ApiError(504, f"the request took longer than the limit of {self.config.timeout:g} s and was "
                                f"stopped; send fewer or shorter articles per request (large jobs: "
                                f"geo extract --engine dask)")
        try:
            result = wrapped.result()
        except Cancelled:
            raise ApiError(504, "the request's time ran out") from None
        self.served += 1
        return result


def _load_pipeline(config: ServeConfig):
    from geo.pipeline import Pipeline

    geocoder = None
    if config.geocoder:
        from geo.geocoders import make_geocoder

        geocoder = make_geocoder(offline=False, service=config.geocoder, url=config.geocoder_url)
    return Pipeline(model=config.model, geocoder=geocoder, progress=False)


# ---------------------------------------------------------------------------------------------------
# reading a request's articles


def _meta(request: Request) -> dict:
    q = request.query_params
    return {k: q.get(k) for k in ("title", "id", "url", "date") if q.get(k) is not None}


async def _body(request: Request) -> bytes:
    cfg: ServeConfig = request.app.state.config
    body = await read_body(request.stream(), limit=cfg.max_body_bytes,
                           content_length=request.headers.get("content-length"),
                           content_encoding=request.headers.get("content-encoding"))
    request._body = body  # noqa: SLF001 - so that request.form() reads the (decompressed) body
    return body


class Upload:
    """What a request carried, before reading: the body, or the files of a multipart form."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, bytes, str]] = []  # (name, data, kind)
        self.json_body: bytes | None = None
        self.meta: dict = {}


async def _upload(request: Request, *, text_param: str | None = None) -> Upload:
    cfg: ServeConfig = request.app.state.config
    up = Upload()
    ctype = request.headers.get("content-type", "")
    media = ctype.split(";")[0].strip().lower()
    if text_param is not None and request.method == "GET":
        q = request.query_params.get(text_param)
        if q is None:
            raise ApiError(400, f"give the text as the {text_param}= parameter")
        if len(q.encode("utf-8", "surrogatepass")) > cfg.max_body_bytes:
            raise too_large(f"the {text_param}= parameter", cfg.max_body_bytes)
        up.parts.append(("q", q.encode("utf-8", "surrogatepass"), "text"))
        return up
    body = await _body(request)
    if media == "multipart/form-data" or media == "application/x-www-form-urlencoded":
        try:
            async with request.form(max_files=cfg.max_documents, max_fields=1000,
                                    max_part_size=cfg.max_body_bytes) as form:
                for i, (key, value) in enumerate(form.multi_items(), 1):
                    if isinstance(value, str):
                        if text_param is not None and key == text_param:
                            up.parts.append((key, value.encode("utf-8", "surrogatepass"), "text"))
                        elif key in ("text", "article"):
                            up.parts.append((f"{key}#{i}", value.encode("utf-8", "surrogatepass"), "text"))
                        continue
                    name = inputs.safe_name(value.filename, i)
                    data = await value.read()
                    kind = inputs.kind_of_name(name) or inputs.kind_of_media(value.content_type)
                    if kind is None:
                        raise ApiError(415, f"{name}: unsupported file type; send .txt, .md, .html, .json or .jsonl",
                                       problems=[{"part": name, "problem": "unsupported file type"}])
                    up.parts.append((name, data, kind))
        except HTTPException as exc:  # starlette's multipart limits
            raise ApiError(400 if exc.status_code < 500 else 413, f"multipart form: {exc.detail}") from None
        except ApiError:
            raise
        except Exception as exc:  # noqa: BLE001 - a malformed form
            raise ApiError(400, f"cannot read the multipart form ({exc.__class__.__name__}: {exc})") from None
        if not up.parts:
            what = f"a {text_param}= field" if text_param else "files (txt, html, json, jsonl) or text= fields"
            raise ApiError(400, f"the {media} form holds no article: send {what}, or send the article itself "
                                f"with Content-Type: text/plain (curl -d/--data-binary sends a form unless told "
                                f"-H 'Content-Type: text/plain')")
        return up
    if text_param is not None and media not in ("text/plain", ""):
        raise ApiError(415, f"send the text as q= (GET or form) or as text/plain, not {media}")
    kind = inputs.kind_of_media(media) if media else "text"
    if kind is None:
        raise ApiError(415, f"Content-Type {media!r} is not supported: send text/plain, text/html, "
                            f"application/json, application/x-ndjson or multipart/form-data")
    if kind == "json":
        up.json_body = body  # parsed on the work thread (a large body would hold up the event loop)
        return up
    up.parts.append(("body", body, kind))
    up.meta = {"id": "text-0", **_meta(request)} if kind in ("text", "html") else {}
    return up


def _json_body(body: bytes) -> Any:
    text = body.decode("utf-8", "replace")
    if not text.strip():
        raise ApiError(400, "body: empty (send an article object or a list of them)",
                       problems=[{"part": "body", "problem": "empty"}])
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"body: invalid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})",
                       problems=[{"part": "body", "problem": "invalid JSON"}]) from None
    except RecursionError:
        raise ApiError(400, "body: invalid JSON (nested too deeply)") from None


def read_documents(up: Upload, max_documents: int, *, for_cliff: bool = False) -> list:
    """The Documents of an upload (on the work thread: HTML extraction can be costly); 400 on any problem."""
    problems = inputs.Problems()
    docs: list = []
    if up.json_body is not None:
        docs = inputs.from_objects(_json_body(up.json_body), problems)
    for name, data, kind in up.parts:
        docs.extend(inputs.from_bytes(data, name, kind, problems, path=name if name not in ("body", "q") and "#" not in name else None,
                                      meta=up.meta if name == "body" else None))
        if len(docs) > max_documents:
            break
    if len(docs) > max_documents:
        raise ApiError(413, f"more than {max_documents} articles in one request; send them in several requests "
                            f"(or use geo extract --engine dask for large jobs)")
    problems.raise_if_any()
    if not docs:
        raise ApiError(400, "no article in the request")
    if for_cliff:
        import dataclasses

        # CLIFF has no headline: offsets index q, so no title mentions
        docs = [dataclasses.replace(d, title="") for d in docs]
    return docs


# ---------------------------------------------------------------------------------------------------
# endpoints


def _auth(request: Request) -> None:
    token = request.app.state.config.token
    if not token_ok(request.headers.get("authorization"), token):
        raise ApiError(401, "a bearer token is required: send 'Authorization: Bearer <token>'",
                       headers={"WWW-Authenticate": 'Bearer realm="geo"'})


def _engine(request: Request) -> Engine:
    return request.app.state.engine


async def health(request: Request) -> Response:
    eng = _engine(request)
    status = "ok" if eng.ready else ("error" if eng.load_error else "loading")
    body = {"status": status, "version": __version__, "pid": os.getpid(), "busy": eng.gate.busy,
            "capacity": eng.gate.capacity, "served": eng.served, "batches": eng.batches}
    if eng.load_error:
        body["error"] = eng.load_error
    return JSONResponse(body, status_code=200 if eng.ready else 503, headers=SECURITY_HEADERS)


async def parse(request: Request) -> Response:
    _auth(request)
    cfg: ServeConfig = request.app.state.config
    up = await _upload(request)
    want_jsonl = "application/x-ndjson" in request.headers.get("accept", "") or \
        request.query_params.get("format") == "jsonl"

    def render(pipe, parsed):
        return (outputs.records_jsonl(parsed, pipe.gazetteer) if want_jsonl
                else outputs.records_json(parsed, pipe.gazetteer))

    data = await _engine(request).run(lambda: read_documents(up, cfg.max_documents), render)
    media = "application/x-ndjson" if want_jsonl else "application/json"
    return Response(data, media_type=media, headers=SECURITY_HEADERS)


MAP_FORMATS = ("html", "geojson", "figure", "bundle")


async def map_endpoint(request: Request) -> Response:
    _auth(request)
    cfg: ServeConfig = request.app.state.config
    q = request.query_params
    fmt = q.get("format", "html")
    if fmt not in MAP_FORMATS:
        raise ApiError(400, f"format={fmt!r}: use html, geojson, figure or bundle")
    fig_fmt = q.get("figure_format", "png")
    if fmt == "figure":
        if fig_fmt not in outputs.FIGURE_FORMATS:
            raise ApiError(400, f"figure_format={fig_fmt!r}: use png, svg or pdf")
        outputs.figure_module()  # 501 before any work when it is not installed
    title = q.get("title") or None
    tiles = q.get("tiles", cfg.tiles)
    tiles = None if tiles.lower() == "none" else tiles
    up = await _upload(request)

    def render(pipe, parsed):
        if fmt == "geojson":
            return outputs.geojson_text(parsed).encode("utf-8")
        if fmt == "figure":
            return outputs.figure_bytes(parsed, pipe.gazetteer, fig_fmt, title=title)
        html = outputs.map_html(parsed, pipe.gazetteer, tiles=tiles, title=title)
        if fmt == "html":
            return html.encode("utf-8")
        from geo.outputs.geojson import to_geojson

        return json.dumps({"html": html, "geojson": to_geojson(parsed), "documents": len(parsed),
                           "mentions": sum(len(pd.resolutions) for pd in parsed)},
                          ensure_ascii=False, allow_nan=False).encode("utf-8")

    data = await _engine(request).run(lambda: read_documents(up, cfg.max_documents), render)
    if fmt == "html":
        return Response(data, media_type="text/html; charset=utf-8", headers=MAP_HEADERS)
    if fmt == "geojson":
        return Response(data, media_type="application/geo+json", headers=SECURITY_HEADERS)
    if fmt == "figure":
        headers = {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="geo-figure.{fig_fmt}"'}
        if fig_fmt == "svg":
            headers["Content-Security-Policy"] = "sandbox"
        return Response(data, media_type=outputs.FIGURE_FORMATS[fig_fmt], headers=headers)
    return Response(data, media_type="application/json", headers=SECURITY_HEADERS)


async def cliff_parse_text(request: Request) -> Response:
    _auth(request)
    from .cliff import cliff_response

    cfg: ServeConfig = request.app.state.config
    t0 = time.perf_counter()
    up = await _upload(request, text_param="q")

    def read():
        docs = read_documents(up, cfg.max_documents, for_cliff=True)
        if len(docs) != 1:
            raise ApiError(400, "give one text as q=")
        return docs

    def render(pipe, parsed):
        return cliff_response(parsed[0], pipe.gazetteer, int((time.perf_counter() - t0) * 1000))

    return JSONResponse(await _engine(request).run(read, render), headers=SECURITY_HEADERS)


async def page(request: Request) -> Response:
    from .page import PAGE_CSP, page_html

    return HTMLResponse(page_html(token_required=request.app.state.config.token is not None),
                        headers={**SECURITY_HEADERS, "Content-Security-Policy": PAGE_CSP,
                                 "X-Frame-Options": "DENY"})


async def openapi(request: Request) -> Response:
    from .openapi import openapi_schema

    return JSONResponse(openapi_schema(request.app.state.config), headers=SECURITY_HEADERS)


# ---------------------------------------------------------------------------------------------------
# errors


async def _api_error(request: Request, exc: ApiError) -> Response:
    if exc.status >= 500 and exc.status not in (501, 503, 504):
        log.error("%s %s: %s", request.method, request.url.path, exc.message)
    return JSONResponse(exc.body(), status_code=exc.status, headers={**SECURITY_HEADERS, **exc.headers})


async def _http_error(request: Request, exc: HTTPException) -> Response:
    msg = {404: f"no such endpoint: {request.url.path} (see /openapi.json)",
           405: f"{request.method} is not allowed on {request.url.path}"}.get(exc.status_code, str(exc.detail))
    return JSONResponse({"error": msg, "status": exc.status_code}, status_code=exc.status_code,
                        headers={**SECURITY_HEADERS, **(exc.headers or {})})


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("%s %s failed", request.method, request.url.path)
    return JSONResponse({"error": f"internal error ({exc.__class__.__name__}); the server log has the details",
                         "status": 500}, status_code=500, headers=SECURITY_HEADERS)


def create_app(config: ServeConfig | None = None, *, pipeline: Any = None,
               pipeline_factory: Callable[[], Any] | None = None,
               timer: Callable[[float], Any] | None = None) -> Starlette:
    """The ASGI app. ``pipeline``: an already loaded one (else loaded at startup, once per process);
    ``timer(seconds)``: the request time limit's clock (default ``asyncio.sleep``)."""
    config = config or ServeConfig()
    engine = Engine(config, pipeline=pipeline, pipeline_factory=pipeline_factory, timer=timer)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        engine.start()
        try:
            yield
        finally:
            engine.close()

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/health", health, methods=["GET"]),
        Route("/parse", parse, methods=["POST"]),
        Route("/map", map_endpoint, methods=["POST"]),
        Route("/parse/text", cliff_parse_text, methods=["GET", "POST"]),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]
    middleware = []
    if config.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(config.cors_origins),
                                     allow_methods=["GET", "POST"],
                                     allow_headers=["Authorization", "Content-Type", "Content-Encoding"],
                                     max_age=600))
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={ApiError: _api_error, HTTPException: _http_error, Exception: _unexpected})
    app.state.config = config
    app.state.engine = engine
    return app


def app_from_env() -> Starlette:
    """The factory uvicorn calls in each worker process (``--workers N``): config from $GEO_SERVE_CONFIG."""
    raw = os.environ.get(CONFIG_ENV)
    config = ServeConfig.from_env(json.loads(raw)) if raw else ServeConfig()
    return create_app(config)
