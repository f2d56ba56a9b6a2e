"""Export... in Insights: the reasons on screen (by outcome, for the chosen filters), or
on the Quotes, Plays, Collateral and Lead criteria tabs what the tab lists, as XLSX,
CSV for Excel or JSON, with the same writers as the server's exports, written whole or
not at all, with progress shown."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from desktop.ui.text import tr
from sync.client.insight_view import InsightAnswers
from sync.domain.clock import to_iso
from sync.domain.lead_lists import LeadLists
from sync.domain.taxonomy import Taxonomy
from sync.exports import writers
from sync.exports.lead_table import LISTED_IN, LeadAbout, lead_rows
from sync.exports.quote_table import PlaysAbout, QuotesAbout, play_rows, quote_rows
from sync.exports.tidy import About, Counts, Heading, Line, Row, rows
from sync.exports.whole_file import written_whole


def kind_of(path: Path, chosen_filter: str) -> str:
    """The format: by the file's suffix, else by the filter chosen in the dialog."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".json"):
        return suffix[1:]
    if suffix == ".csv":
        return "csv-excel"
    return "json" if "json" in chosen_filter else "csv-excel" if "csv" in chosen_filter.lower() \
        else "xlsx"


def table(found: InsightAnswers, taxonomy: Taxonomy) -> list[Row]:
    view = found.view
    period = f"{view.first}/{view.last}"
    return list(rows((Counts(period, (group["value"],), group["debriefs"],
                             [(cell["code"], cell["debriefs"], cell["share"])
                              for cell in group["reasons"]])
                      for group in found.groups("outcome")), taxonomy))


def about(found: InsightAnswers, taxonomy: Taxonomy, now: datetime) -> About:
    view = found.view
    filters: dict[str, object] = {"from": view.first, "to": view.last,
                                  "outcome": list(view.outcomes)}
    if view.narrow is not None:
        filters[view.narrow[0]] = [view.narrow[1]]
    return About(("outcome",), "all", filters, view.primary_only, found.min_cell,
                 taxonomy.version, to_iso(now))


def quotes_about(found: InsightAnswers, words: str, taxonomy: Taxonomy, now: datetime
                 ) -> QuotesAbout:
    view = found.view
    return QuotesAbout({"from": view.first, "to": view.last, "outcome": list(view.outcomes),
                        "code": None, "words": words or None},
                       found.min_cell, taxonomy.version, to_iso(now))


def export_reasons(parent: QWidget, found: InsightAnswers, taxonomy: Taxonomy, path: Path,
                   chosen_filter: str, now: datetime) -> bool:
    return export_table(parent, about(found, taxonomy, now), table(found, taxonomy), path,
                        chosen_filter)


def export_quotes(parent: QWidget, found: InsightAnswers, words: str, taxonomy: Taxonomy,
                  path: Path, chosen_filter: str, now: datetime) -> bool:
    """The quotes listed for the search `words`, as on the Quotes tab; says so when the
    server holds more than were fetched."""
    rows: list[Line] = list(quote_rows(found.quotes(words), taxonomy))
    written = export_table(parent, quotes_about(found, words, taxonomy, now), rows, path,
                           chosen_filter)
    if written and found.more_quotes:
        QMessageBox.information(parent, tr("Export"), tr(
            "Exported the %Ln quote(s) fetched; the server holds more. Narrow the period "
            "or search for words to export the rest, or ask your admin for the whole "
            "list (GET /api/v1/exports/quotes.csv).", None, len(rows)))
    return written


def export_plays(parent: QWidget, found: InsightAnswers, words: str, path: Path,
                 chosen_filter: str, now: datetime) -> bool:
    """The plays listed for the search `words`, as on the Plays tab."""
    view = found.view
    about = PlaysAbout({"from": view.first, "to": view.last, "outcome": list(view.outcomes),
                        "words": words or None}, found.min_cell, to_iso(now))
    return export_table(parent, about, list(play_rows(found.plays(words))), path,
                        chosen_filter)


def export_lead_counts(parent: QWidget, found: InsightAnswers, kind: str, leads: LeadLists,
                       path: Path, chosen_filter: str, now: datetime) -> bool:
    """The collateral or criteria counts (`kind`, an answer's name) as on their tab."""
    view, answer = found.view, found.answers.get(kind, {})
    about = LeadAbout(kind, answer.get("by"), {"from": view.first, "to": view.last,
                                               "outcome": list(view.outcomes)},
                      found.min_cell, to_iso(now))
    rows: list[Line] = list(lead_rows(about, answer,
                                      lambda key: leads.label(LISTED_IN[kind], key)))
    return export_table(parent, about, rows, path, chosen_filter)


def export_table(parent: QWidget, heading: Heading, table_rows: list[Line], path: Path,
                 chosen_filter: str) -> bool:
    kind = kind_of(path, chosen_filter)
    progress = QProgressDialog(tr("Exporting..."), tr("Cancel"), 0, len(table_rows), parent)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)

    class Cancelled(Exception):
        pass

    def counted() -> Iterator[Line]:
        for done, row in enumerate(table_rows, start=1):
            if progress.wasCanceled():
                raise Cancelled
            progress.setValue(done)
            yield row

    try:
        with written_whole(path) as out:
            writers.write(kind, out, counted(), heading)
    except Cancelled:
        return False
    except OSError as error:
        QMessageBox.warning(parent, tr("Export"),
                            tr("The file could not be written: {error}").format(error=error))
        return False
    finally:
        progress.close()
    return True
