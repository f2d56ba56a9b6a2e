"""The tidy long table every export writes: one row per period, group value(s) and
reason code, with the counts, the share and the taxonomy's labels.

Only what the suppression rule shows reaches a row (sync.domain.disclosure): a row is
a shown code count of a shown group, as on screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sync.domain.taxonomy import Taxonomy

SCHEMA = "debrief.reason-counts/1"
REASON_COLUMNS = ("reason_category", "reason_category_label", "reason_code",
                  "reason_label", "debriefs", "group_debriefs", "share")
NUMBER_COLUMNS = frozenset({"debriefs", "group_debriefs", "share"})


class Heading(Protocol):
    """What every writer needs of a table besides its rows (sync.exports.writers)."""

    @property
    def columns(self) -> tuple[str, ...]: ...

    @property
    def number_columns(self) -> frozenset[str]: ...  # written as numbers

    @property
    def sheet(self) -> str: ...  # the XLSX sheet of the rows

    def as_dict(self) -> dict[str, object]: ...  # JSON's head, XLSX's About sheet


class Line(Protocol):
    def cells(self) -> tuple[object, ...]: ...  # in the order of the heading's columns


@dataclass(frozen=True)
class About:
    """What an export holds: the question asked, and how it was counted."""

    sheet = "Reasons"
    number_columns = NUMBER_COLUMNS

    dimensions: tuple[str, ...]  # the group columns, in order
    period: str  # "month", "quarter" or "all": what the period column holds
    filters: dict[str, object]  # as asked: from, to, outcome, stage, a segment value
    primary_only: bool
    min_cell: int
    taxonomy_version: str
    made_at: str  # ISO 8601, UTC

    @property
    def columns(self) -> tuple[str, ...]:
        return ("period", *self.dimensions, *REASON_COLUMNS)

    def as_dict(self) -> dict[str, object]:
        return {"schema": SCHEMA, "dimensions": list(self.dimensions), "period": self.period,
                "filters": self.filters, "counted": self.counted, "min_cell": self.min_cell,
                "taxonomy_version": self.taxonomy_version, "made_at": self.made_at}

    @property
    def counted(self) -> str:
        return "main reason only" if self.primary_only else "every reason given"


@dataclass(frozen=True)
class Counts:
    """One group's shown counts in one period (a shape both the server's answers and
    the app's stored ones give)."""

    period: str
    values: tuple[str | None, ...]
    debriefs: int
    reasons: Sequence[tuple[str, int, float]] = field(default=())  # code, debriefs, share


@dataclass(frozen=True)
class Row:
    period: str
    values: tuple[str | None, ...]
    category: str
    category_label: str
    code: str
    label: str
    debriefs: int
    group_debriefs: int
    share: float

    def cells(self) -> tuple[object, ...]:
        """In the order of About.columns."""
        return (self.period, *self.values, self.category, self.category_label, self.code,
                self.label, self.debriefs, self.group_debriefs, self.share)


def rows(counts: Iterable[Counts], taxonomy: Taxonomy) -> Iterator[Row]:
    """The rows of `counts`, labelled from `taxonomy` (a code it no longer has keeps its
    key as its label)."""
    for group in counts:
        for code, debriefs, share in group.reasons:
            known = taxonomy.code(code)
            yield Row(group.period, group.values,
                      known.category_key if known else "",
                      known.category_label if known else "",
                      code, known.label if known else code, debriefs, group.debriefs, share)
