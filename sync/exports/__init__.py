"""Exports of reason counts: one tidy table (`tidy`), one writer per format (`csv_file`,
`xlsx_file`, `json_file`, chosen in `writers`), shared by the app, `debrief-server
export` and the HTTP routes, so a file is the same whichever made it."""

from __future__ import annotations

FORMATS = ("csv", "csv-excel", "xlsx", "json")
PERIODS = ("month", "quarter", "all")  # what an export row's period is
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "csv-excel": "text/csv; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "json": "application/json"}
SUFFIXES = {"csv": ".csv", "csv-excel": ".csv", "xlsx": ".xlsx", "json": ".json"}
