"""The shared quotes and plays as exports: one row per quote and reason it is listed
under (a play: per play), with the month, outcome, the reason's labels and the
attributes whose groups are shown ("withheld" otherwise), written by the same writers
as the reason counts (sync.exports.writers). Never the rep, never the account: the
quotes and plays routes (`/api/v1/insights/quotes`, `/plays`) give nothing more to
write.

A quote or a play is a rep's own words, so it is the text most likely to hold a
formula: each writer makes text inert (CSV with a leading apostrophe, XLSX as a string
cell).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sync.domain.taxonomy import Taxonomy

SCHEMA = "debrief.shared-quotes/1"
PLAYS_SCHEMA = "debrief.shared-plays/1"
ATTRIBUTES = ("stage", "industry", "company_size", "region")
COLUMNS = ("month", "outcome", "reason_category_label", "reason_code", "reason_label",
           *ATTRIBUTES, "quote")


@dataclass(frozen=True)
class QuotesAbout:
    """What a quotes export holds: the search, and how quotes were chosen."""

    filters: dict[str, object]  # from, to, outcome, code, words
    min_cell: int
    taxonomy_version: str
    made_at: str  # ISO 8601, UTC

    columns = COLUMNS
    number_columns = frozenset[str]()
    sheet = "Quotes"

    def as_dict(self) -> dict[str, object]:
        return {"schema": SCHEMA, "filters": self.filters,
                "listed": "quotes reps chose to share, under each reason whose count is "
                          "shown; an attribute only where its group is shown",
                "min_cell": self.min_cell, "taxonomy_version": self.taxonomy_version,
                "made_at": self.made_at}


@dataclass(frozen=True)
class QuoteRow:
    month: str
    outcome: str
    category_label: str
    code: str
    label: str
    attributes: tuple[str | None, ...]  # one per ATTRIBUTES
    text: str

    def cells(self) -> tuple[object, ...]:
        return (self.month, self.outcome, self.category_label, self.code, self.label,
                *self.attributes, self.text)


def quote_rows(quotes: Iterable[dict[str, object]], taxonomy: Taxonomy) -> Iterator[QuoteRow]:
    """Rows of quotes as the quotes route gives them (text, code, outcome, month and each
    attribute), labelled from `taxonomy`."""
    for quote in quotes:
        code = str(quote["code"])
        known = taxonomy.code(code)
        yield QuoteRow(str(quote["month"]), str(quote["outcome"]),
                       known.category_label if known else "", code,
                       known.label if known else code,
                       tuple(_text(quote.get(name)) for name in ATTRIBUTES),
                       str(quote["text"]))


PLAY_COLUMNS = ("month", "outcome", *ATTRIBUTES, "play")


@dataclass(frozen=True)
class PlaysAbout:
    """What a plays export holds: the search, and how plays were chosen."""

    filters: dict[str, object]  # from, to, outcome, words
    min_cell: int
    made_at: str  # ISO 8601, UTC

    columns = PLAY_COLUMNS
    number_columns = frozenset[str]()
    sheet = "Plays"

    def as_dict(self) -> dict[str, object]:
        return {"schema": PLAYS_SCHEMA, "filters": self.filters,
                "listed": "plays reps chose to share, whose month and outcome count is "
                          "shown; an attribute only where its group is shown",
                "min_cell": self.min_cell, "made_at": self.made_at}


@dataclass(frozen=True)
class PlayRow:
    month: str
    outcome: str
    attributes: tuple[str | None, ...]  # one per ATTRIBUTES
    text: str

    def cells(self) -> tuple[object, ...]:
        return (self.month, self.outcome, *self.attributes, self.text)


def play_rows(plays: Iterable[dict[str, object]]) -> Iterator[PlayRow]:
    """Rows of plays as the plays route gives them (text, outcome, month, attributes)."""
    for play in plays:
        yield PlayRow(str(play["month"]), str(play["outcome"]),
                      tuple(_text(play.get(name)) for name in ATTRIBUTES), str(play["text"]))


def _text(value: object) -> str | None:
    return None if value is None else str(value)
