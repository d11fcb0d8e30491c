"""The OpenAPI 3.1 description served at ``/openapi.json`` (written by hand: Starlette has no generator)."""
from __future__ import annotations

from geo import __version__

from .limits import ServeConfig

_ERROR = {"description": "An error, as JSON", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}

_ARTICLES_BODY = {
    "required": True,
    "description": "One or many articles. text/plain or text/html: one article (title, id, url, date as query "
                   "parameters); application/json: an Article or a list of them; application/x-ndjson: one "
                   "Article per line; multipart/form-data: files (.txt .md .html .json .jsonl) and/or 'text' "
                   "fields. A gzip or deflate Content-Encoding is accepted (the limit applies after decompression).",
    "content": {
        "text/plain": {"schema": {"type": "string"}},
        "text/html": {"schema": {"type": "string"}},
        "application/json": {"schema": {"oneOf": [{"$ref": "#/components/schemas/Article"},
                                                  {"type": "array", "items": {"$ref": "#/components/schemas/Article"}}]}},
        "application/x-ndjson": {"schema": {"type": "string"}},
        "multipart/form-data": {"schema": {"type": "object", "properties": {
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
            "text": {"type": "string"}}}},
    },
}

_META_PARAMS = [
    {"name": n, "in": "query", "required": False, "schema": {"type": "string"},
     "description": f"the article's {n} (text/plain and text/html bodies)"} for n in ("title", "id", "url", "date")
]


def _common(cfg: ServeConfig) -> dict:
    return {
        "400": _ERROR, "401": _ERROR,
        "413": {**_ERROR, "description": f"Larger than {cfg.max_body_bytes} bytes (after decompression) "
                                         f"or more than {cfg.max_documents} articles"},
        "415": _ERROR,
        "503": {**_ERROR, "description": "Busy (Retry-After says when to retry) or still loading",
                "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
        "504": {**_ERROR, "description": f"Took longer than {cfg.timeout:g} s"},
    }


def openapi_schema(cfg: ServeConfig) -> dict:
    common = _common(cfg)
    security = [{"bearer": []}] if cfg.token else []
    return {
        "openapi": "3.1.0",
        "info": {"title": "geo serve", "version": __version__,
                 "description": "Places in news articles: the records of `geo extract`, the map of `geo map`, "
                                "and a CLIFF-compatible /parse/text. See docs/serve.md."},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Article": {"type": "object", "required": ["text"], "properties": {
                    "text": {"type": "string"}, "title": {"type": "string"}, "id": {"type": "string"},
                    "url": {"type": "string", "description": "kept as metadata; never fetched"},
                    "date": {"type": "string"}}},
                "Mention": {"type": "object", "properties": {
                    k: {} for k in ("text", "start", "end", "label", "name", "lat", "lon", "feature_class",
                                    "feature_code", "country_code", "admin1", "geonameid", "score", "source",
                                    "why", "field")}},
                "Record": {"type": "object", "description": "One document, as a line of `geo extract`",
                           "properties": {"doc": {"type": "string"}, "id": {"type": "string"},
                                          "title": {"type": "string"}, "url": {"type": ["string", "null"]},
                                          "date": {"type": ["string", "null"]},
                                          "mentions": {"type": "array", "items": {"$ref": "#/components/schemas/Mention"}},
                                          "focus": {"type": "array", "items": {"type": "object"}}}},
                "Error": {"type": "object", "required": ["error", "status"], "properties": {
                    "error": {"type": "string"}, "status": {"type": "integer"},
                    "problems": {"type": "array", "items": {"type": "object", "properties": {
                        "part": {"type": "string", "description": "file name, 'body', 'body#3' or 'a.jsonl#7'"},
                        "problem": {"type": "string"}}}}}},
            },
        },
        "security": security,
        "paths": {
            "/health": {"get": {"summary": "Liveness and readiness", "security": [], "responses": {
                "200": {"description": "Ready"}, "503": {"description": "Loading the pipeline"}}}},
            "/parse": {"post": {
                "summary": "Articles -> the per-document records of `geo extract`",
                "parameters": _META_PARAMS + [{"name": "format", "in": "query", "schema": {"enum": ["json", "jsonl"]},
                                               "description": "jsonl (or Accept: application/x-ndjson): the very "
                                                              "lines `geo extract` prints"}],
                "requestBody": _ARTICLES_BODY,
                "responses": {"200": {"description": "One record per article, in order", "content": {
                    "application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Record"}}},
                    "application/x-ndjson": {"schema": {"type": "string"}}}}, **common}}},
            "/map": {"post": {
                "summary": "Articles -> the map",
                "parameters": _META_PARAMS + [
                    {"name": "format", "in": "query", "schema": {"enum": ["html", "geojson", "figure", "bundle"],
                                                                 "default": "html"}},
                    {"name": "figure_format", "in": "query", "schema": {"enum": ["png", "svg", "pdf"], "default": "png"}},
                    {"name": "title", "in": "query", "schema": {"type": "string"}},
                    {"name": "tiles", "in": "query", "schema": {"type": "string", "default": cfg.tiles},
                     "description": "online tiles over the offline basemap, or 'none'"}],
                "requestBody": _ARTICLES_BODY,
                "responses": {"200": {"description": "The map", "content": {
                    "text/html": {}, "application/geo+json": {}, "image/png": {}, "image/svg+xml": {},
                    "application/pdf": {},
                    "application/json": {"schema": {"type": "object", "description": "format=bundle: "
                                                    "{html, geojson, documents, mentions}"}}}},
                    "501": {**_ERROR, "description": "format=figure when geo.outputs.figure is not installed"},
                    **common}}},
            "/parse/text": {
                "get": {"summary": "CLIFF-compatible geoparsing of one text",
                        "parameters": [{"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}],
                        "responses": {"200": {"description": "CLIFF 2.x shaped answer"}, **common}},
                "post": {"summary": "CLIFF-compatible geoparsing of one text (form field q, or text/plain)",
                         "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {
                             "type": "object", "properties": {"q": {"type": "string"}}}},
                             "text/plain": {"schema": {"type": "string"}}}},
                         "responses": {"200": {"description": "CLIFF 2.x shaped answer"}, **common}}},
            "/": {"get": {"summary": "The web page", "security": [], "responses": {"200": {"description": "HTML"}}}},
        },
    }
