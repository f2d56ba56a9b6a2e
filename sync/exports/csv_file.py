"""CSV: plain UTF-8, or for Excel UTF-8 with a byte order mark (so Excel reads the
accents right); ISO dates; a text cell that a spreadsheet would run as a formula is
made inert with a leading apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from sync.exports.tidy import Heading, Line

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def inert(value: object) -> object:
    """`value`, with text that starts like a formula made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def chunks(rows: Iterable[Line], about: Heading, *, excel: bool,
           rows_per_chunk: int = 500) -> Iterator[bytes]:
    """The file, a few hundred rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if excel:
        buffer.write(BOM)
    writer.writerow(about.columns)
    pending = 1
    for row in rows:
        writer.writerow([inert(cell) for cell in row.cells()])
        pending += 1
        if pending >= rows_per_chunk:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")
