"""The collateral used and the lead criteria failed, as an export: what the tab shows,
as a tidy table. Per item (collateral item or criterion) and outcome, a row of `level`
"all" (the item in all: the debriefs naming it, those of the outcome and the share; for
collateral how many said it helped and how many said it did not), and when grouped a
row of `level` "group" per group value (no "helped" there: it is counted per outcome
only). Filter on `level` before summing. Written by the same writers as the reason
counts (sync.exports.writers), from the answer `/api/v1/insights/collateral` or
`/criteria` gives (the server's export route and the app's Export... alike), so only
shown counts reach a row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

SCHEMA = "debrief.lead-counts/2"
COLLATERAL = "collateral"  # the answers' kinds, as sync.server.lead_counts names them
CRITERIA = "criteria"
SAID = ("said_helped", "said_did_not_help")
# The lead list (sync.domain.lead_lists.KINDS) each answer's items are labelled from.
LISTED_IN = {COLLATERAL: "collateral", CRITERIA: "sql_criteria"}


@dataclass(frozen=True)
class LeadAbout:
    """What a collateral or criteria export holds: the question, and how it was counted."""

    kind: str  # COLLATERAL or CRITERIA
    by: str | None  # the group column, if grouped
    filters: dict[str, object]  # from, to, outcome
    min_cell: int
    made_at: str  # ISO 8601, UTC

    @property
    def says_helped(self) -> bool:
        """Whether rows say if it helped: collateral's (its "all" rows)."""
        return self.kind == COLLATERAL

    @property
    def columns(self) -> tuple[str, ...]:
        item = "collateral" if self.kind == COLLATERAL else "criterion"
        said = SAID if self.says_helped else ()
        return (item, f"{item}_label", "level", *((self.by,) if self.by else ()), "outcome",
                "debriefs", "group_debriefs", "share", *said)

    @property
    def number_columns(self) -> frozenset[str]:
        return frozenset({"debriefs", "group_debriefs", "share", *SAID})

    @property
    def sheet(self) -> str:
        return "Collateral" if self.kind == COLLATERAL else "Criteria"

    def as_dict(self) -> dict[str, object]:
        return {"schema": SCHEMA, "kind": self.kind, "by": self.by, "filters": self.filters,
                "counted": "debriefs naming each item, per outcome; small counts left out, "
                           "as reason counts are",
                "min_cell": self.min_cell, "made_at": self.made_at}


@dataclass(frozen=True)
class LeadRow:
    values: tuple[object, ...]  # in the order of LeadAbout.columns

    def cells(self) -> tuple[object, ...]:
        return self.values


def lead_rows(about: LeadAbout, answer: Mapping[str, Any],
              label: Callable[[str], str]) -> Iterator[LeadRow]:
    """The rows of `answer` (as the route gives it), items labelled by `label`."""
    outcomes: Mapping[str, int] = answer.get("outcomes", {})
    groups: Mapping[str, Mapping[str, int]] = answer.get("groups", {})
    for item in answer.get("items", []):
        key = str(item["key"])
        counted = [("all", None, item["outcomes"], outcomes)]
        if about.by:
            counted += [("group", value, counts, groups.get(value, {}))
                        for value, counts in item.get("groups", {}).items()]
        for level, value, counts, wholes in counted:
            for outcome, debriefs in counts.items():
                whole = wholes.get(outcome, 0)
                cells: tuple[object, ...] = (
                    key, label(key), level, *(((value or None),) if about.by else ()),
                    outcome, debriefs, whole, round(debriefs / whole, 4) if whole else None)
                if about.says_helped:
                    said = (item.get("said") or {}).get(outcome, {}) if level == "all" else {}
                    cells += (said.get("helped"), said.get("did_not_help"))
                yield LeadRow(cells)
