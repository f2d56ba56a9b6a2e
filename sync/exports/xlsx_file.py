"""XLSX through xlsxwriter in constant-memory mode (each row leaves memory once
written): typed numbers, text always written as text (never a formula), the header
frozen with a filter on it, and an "About" sheet with the question and the taxonomy
version."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import BinaryIO

import xlsxwriter

from sync.exports.tidy import Heading, Line

MAX_ROWS = 1_048_575  # a sheet's rows, less the header


class TooManyRows(ValueError):
    pass


def write(out: BinaryIO, rows: Iterable[Line], about: Heading) -> None:
    """Write the workbook to `out` (a file open for writing in binary)."""
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False,
                                     "strings_to_numbers": False, "strings_to_urls": False})
    try:
        _fill(book, rows, about)
    finally:
        book.close()


def _fill(book: xlsxwriter.Workbook, rows: Iterable[Line], about: Heading) -> None:
    sheet = book.add_worksheet(about.sheet)
    bold = book.add_format({"bold": True})
    share = book.add_format({"num_format": "0.0%"})
    columns = about.columns
    for column, name in enumerate(columns):
        sheet.write_string(0, column, name, bold)
    numbers = {i for i, name in enumerate(columns) if name in about.number_columns}
    last = 0
    for last, row in enumerate(rows, start=1):
        if last > MAX_ROWS:
            raise TooManyRows(f"more than {MAX_ROWS:,} rows: export as CSV instead")
        for column, cell in enumerate(row.cells()):
            if cell is None:
                continue  # an empty cell: not given, or too few to show
            if column in numbers:
                sheet.write_number(last, column, cell,  # type: ignore[arg-type]
                                   share if columns[column] == "share" else None)
            else:
                sheet.write_string(last, column, str(cell))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, last, len(columns) - 1)
    sheet.set_column(0, len(columns) - 1, 16)
    info = book.add_worksheet("About")
    for line, (key, value) in enumerate(about.as_dict().items()):
        info.write_string(line, 0, key, bold)
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        info.write_string(line, 1, text)
    info.set_column(0, 0, 18)
    info.set_column(1, 1, 60)
