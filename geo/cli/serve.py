"""``geo serve``: the HTTP API and web page (the command lives with the server in :mod:`geo.serve.cli`)."""
from __future__ import annotations

from geo.serve.cli import serve_cmd

__all__ = ["serve_cmd"]
