"""``geo serve``: an HTTP API and a web page over geo's pipeline (see docs/serve.md).

    >>> from geo.serve import create_app, run, ServeConfig
    >>> run(host="127.0.0.1", port=8000, workers=2)          # blocks; uvicorn
    >>> app = create_app(ServeConfig())                      # any ASGI server

Modules: :mod:`.app` (endpoints, the work thread), :mod:`.limits` (settings, gate, body limits, token),
:mod:`.inputs` (request bytes -> Documents), :mod:`.outputs` (geo's writers), :mod:`.cliff`
(CLIFF-compatible answers), :mod:`.page` (the web page), :mod:`.openapi`, :mod:`.cli` (the click command).
"""
from __future__ import annotations

from .limits import ApiError, ServeConfig, ServeError, check_bind, is_loopback

__all__ = ["create_app", "run", "ServeConfig", "ServeError", "ApiError", "check_bind", "is_loopback"]


def create_app(config: ServeConfig | None = None, **kwargs):
    from .app import create_app as _create

    return _create(config, **kwargs)


def run(host: str = "127.0.0.1", port: int = 8000, workers: int = 1, token: str | None = None, *,
        cors_origins: tuple[str, ...] | list[str] = (), log_level: str = "info", **limits) -> None:
    """Serve until interrupted. ``token`` (else $GEO_SERVE_TOKEN) is required beyond loopback.

    ``limits``: any other :class:`ServeConfig` field (max_body_bytes, max_documents, timeout,
    max_concurrent, retry_after, model, geocoder, geocoder_url, tiles). Raises :class:`ServeError` for a
    configuration it refuses (e.g. a public host without a token).
    """
    import json
    import os

    import uvicorn

    from .app import CONFIG_ENV
    from .limits import resolve_token

    config = ServeConfig(host=host, port=port, workers=workers, token=resolve_token(token),
                         cors_origins=tuple(cors_origins), **limits)
    check_bind(config)
    common = dict(host=host, port=port, log_level=log_level, server_header=False,
                  timeout_graceful_shutdown=5)
    if workers == 1:
        uvicorn.run(create_app(config), **common)
    else:
        os.environ[CONFIG_ENV] = json.dumps(config.to_env())
        uvicorn.run("geo.serve.app:app_from_env", factory=True, workers=workers, **common)
