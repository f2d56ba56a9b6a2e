"""`debrief-server export`: reason counts written to a file, in any export format, the
same rows as the HTTP route and the app write (sync.server.reason_export), by the same
writers (sync.exports.writers)."""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from sync.domain.debrief import Outcome, Stage
from sync.exports import FORMATS, PERIODS

if TYPE_CHECKING:  # the server's libraries load only when an export runs
    import sqlalchemy as sa

    from sync.exports.tidy import Row
    from sync.server import insights

SEGMENT_FLAGS = ("industry", "company_size", "region", "competitor", "team", "lead_source",
                 "sales_ready")


class ExportRefused(Exception):
    """Something the admin can fix; the message names the flag."""


def add_arguments(export: argparse.ArgumentParser) -> None:
    export.add_argument("--format", required=True, choices=FORMATS)
    export.add_argument("--by", action="append", metavar="DIM", choices=(
        "outcome", "stage", *SEGMENT_FLAGS),
        help="a group column: outcome, stage, industry, company_size, region, competitor, "
             "team, lead_source or sales_ready; repeat for more, at most one besides "
             "outcome (default: outcome)")
    export.add_argument("--period", choices=PERIODS, default="month",
                        help="what each row's period is (default: month)")
    export.add_argument("--from", dest="first", metavar="YYYY-MM", help="first month")
    export.add_argument("--to", dest="last", metavar="YYYY-MM", help="last month, included")
    export.add_argument("--outcome", action="append", metavar="OUTCOME",
                        help="only this outcome; repeat for more")
    export.add_argument("--stage", action="append", metavar="STAGE",
                        help="only this stage; repeat for more")
    for name in SEGMENT_FLAGS:
        flag = name.replace("_", "-")
        export.add_argument(f"--{flag}", dest=name, metavar="VALUE",
                            help=f"only this {flag.replace('-', ' ')} (narrow by one of "
                                 "stage, industry, company size, region, competitor and "
                                 "team at a time)")
    export.add_argument("--primary-only", action="store_true",
                        help="count each debrief's main reason only")
    export.add_argument("--output", required=True, metavar="FILE",
                        help="the file to write; written whole or not at all")


def run(args: argparse.Namespace, engine: sa.Engine, *, min_cell: int) -> tuple[int, Path]:
    """Write the export `args` ask for; the rows written and the file."""
    from sync.domain.clock import SystemClock
    from sync.exports import writers
    from sync.exports.whole_file import written_whole
    from sync.exports.xlsx_file import TooManyRows
    from sync.server import reason_export, taxonomy_versions
    from sync.server.published import PublishedMonths

    output = Path(args.output)
    if not output.parent.is_dir():
        raise ExportRefused(f"--output: no folder {output.parent}")
    with engine.connect() as connection:
        taxonomy = taxonomy_versions.newest(connection).taxonomy
        question = _question(args, connection)
        about = reason_export.about(question, args.period, min_cell=min_cell,
                                    taxonomy=taxonomy, now=SystemClock().now())
        counter = _Counter()
        table = reason_export.table(connection, question, args.period,
                                    published=PublishedMonths(min_cell),
                                    taxonomy=taxonomy)
        try:
            with written_whole(output) as out:
                writers.write(args.format, out, counter.through(table), about)
        except TooManyRows as error:
            raise ExportRefused(str(error)) from None
    return counter.rows, output


class _Counter:
    rows = 0

    def through(self, rows: Iterable[Row]) -> Iterator[Row]:
        for row in rows:
            self.rows += 1
            yield row


def _question(args: argparse.Namespace, connection: sa.Connection) -> insights.Question:
    from sync.server import insights

    try:
        narrow = insights.narrowing(connection, {
            "stage": _chosen(args.stage, Stage, "--stage"),
            **{name: frozenset([getattr(args, name)]) for name in SEGMENT_FLAGS
               if getattr(args, name) is not None}})
        return insights.Question(
            by=tuple(args.by or ("outcome",)), first_month=_month(args.first, "--from"),
            last_month=_month(args.last, "--to"),
            outcomes=_chosen(args.outcome, Outcome, "--outcome"), narrow=narrow,
            primary_only=args.primary_only)
    except insights.QuestionError as error:
        raise ExportRefused(f"--{error.field.replace('_', '-')}: {error}") from None


def _month(text: str | None, flag: str) -> date | None:
    from sync.server import insights

    if text is None:
        return None
    try:
        return insights.month_of_text(text)
    except ValueError:
        raise ExportRefused(f"{flag}: give a month as YYYY-MM, e.g. 2026-06") from None


def _chosen(values: list[str] | None, kind: type[StrEnum], flag: str) -> frozenset[str]:
    known = {member.value for member in kind}
    for value in values or ():
        if value not in known:
            raise ExportRefused(f"{flag}: {value!r} is not one of {', '.join(sorted(known))}")
    return frozenset(values or ())
