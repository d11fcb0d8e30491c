"""Moved to :mod:`geo.outputs.geoparquet` (a writer, beside the others). This name stays until nothing
imports it (geo/outputs/registry.py, then the `outputs -> batch` import cycle is gone)."""
from geo.outputs.geoparquet import (COLUMNS, DOC_COLUMNS, FLOAT, INT, STRING, mention_rows, schema,
                                    write_geoparquet)
__all__ = ["COLUMNS", "DOC_COLUMNS", "FLOAT", "INT", "STRING", "mention_rows", "schema", "write_geoparquet"]
