"""geo: turn news articles into maps of the places they report."""
from __future__ import annotations

__version__ = "0.1.0"
