"""CSV output: one row per mention, safe to open in a spreadsheet.

A cell that a spreadsheet would read as a formula (text starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return: an article title, a path, a surface form) gets a leading ``'``, as
OWASP's CSV-injection advice and spreadsheet-safe writers do; numbers are written as they are. A
carriage return inside a cell is quoted (a row holding one is written fully quoted), so readers do not
split the row.
"""
from __future__ import annotations

import csv
import io
from typing import IO, Iterable, Iterator

from geo.outputs.jsonl import MENTION_FIELDS, mention_record
from geo.types import ParsedDocument

CSV_FIELDS = ["doc", "title"] + MENTION_FIELDS + ["field"]  # field: "title" for a headline's mentions, else empty
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value``, with a leading ``'`` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_rows(parsed: Iterable[ParsedDocument], *, precision: Iterable[str] | None = None) -> Iterator[dict]:
    """One row per mention (with ``precision``, only the mentions at those levels)."""
    levels = None if precision is None else frozenset(precision)
    for pd in parsed:
        d = pd.document
        doc = d.path if d.path is not None else d.id
        for r in pd.resolutions:
            if levels is not None and r.precision not in levels:
                continue
            m = mention_record(r)
            yield {k: safe_cell(v) for k, v in {"doc": doc, "title": d.title, **m}.items()}


def write_csv(parsed: Iterable[ParsedDocument], fh: IO[str], *, precision: Iterable[str] | None = None) -> int:
    """Write the header and one row per mention to ``fh`` (with ``precision``, only the mentions at those
    levels); returns the number of documents."""
    w = csv.DictWriter(fh, fieldnames=CSV_FIELDS, lineterminator="\n")
    # Python's csv module quotes a field holding "\n" (the line terminator) but not a lone "\r", which
    # readers take as a line break: rows with one are written fully quoted
    quoted = csv.DictWriter(fh, fieldnames=CSV_FIELDS, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    w.writeheader()
    n = 0
    for pd in parsed:
        n += 1
        for row in csv_rows((pd,), precision=precision):
            if any(isinstance(v, str) and "\r" in v for v in row.values()):
                quoted.writerow(row)
            else:
                w.writerow(row)
    return n


def csv_text(parsed: Iterable[ParsedDocument]) -> str:
    buf = io.StringIO()
    write_csv(parsed, buf)
    return buf.getvalue()
