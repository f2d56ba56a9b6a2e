"""Which writer makes which format: the one place the app, `debrief-server export` and
the HTTP routes ask, so a format is written the same way by each."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from sync.exports import csv_file, json_file, xlsx_file
from sync.exports.tidy import Heading, Line


def chunks(kind: str, rows: Iterable[Line], about: Heading) -> Iterator[bytes]:
    """A text format's bytes, as they are made (csv, csv-excel, json)."""
    if kind in ("csv", "csv-excel"):
        return csv_file.chunks(rows, about, excel=kind == "csv-excel")
    if kind == "json":
        return json_file.chunks(rows, about)
    raise ValueError(f"{kind} is not written in chunks")


def write(kind: str, out: BinaryIO, rows: Iterable[Line], about: Heading) -> None:
    """The file of format `kind` (one of sync.exports.FORMATS) to `out`."""
    if kind == "xlsx":
        xlsx_file.write(out, rows, about)
    else:
        for chunk in chunks(kind, rows, about):
            out.write(chunk)
