"""'My debriefs': filtered, newest-first pages of the rep's debriefs, fetched lazily.

Pages are keyset-paginated on (created_at, id) so page 500 costs what page 1 costs;
the list index covers the order, and outcome, stage and reason filters have their own.
Each row counts its conflict copies through the copies' (debrief_id, ...) unique index.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from sync.domain.clock import to_iso
from sync.domain.debrief import Outcome, Stage


@dataclass(frozen=True)
class DebriefFilter:
    """What the rep narrowed the list to; the default shows everything."""

    text: str = ""
    outcome: Outcome | None = None
    stage: Stage | None = None
    reason_code: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


@dataclass(frozen=True)
class DebriefRow:
    """One line of the list: enough to show, the id to open the rest."""

    id: str
    created_at: str
    outcome: Outcome
    stage: Stage
    primary_code: str | None
    primary_detail: str | None
    reasons_unknown: bool
    competitor: str | None
    account_name: str | None
    entries: int
    kept_copies: int = 0  # versions that lost a conflict, kept for the rep to compare
    primary_words: str | None = None  # the main reason's words ("Other": what it was)

    @property
    def cursor(self) -> tuple[str, str]:
        return (self.created_at, self.id)


_SELECT = """
    SELECT d.id, d.created_at, d.outcome, d.stage, r.code, r.detail, d.reasons_unknown,
           d.competitor, d.account_name, d.entries,
           (SELECT COUNT(*) FROM conflict_copy c WHERE c.debrief_id = d.id), r.words
    FROM debrief d
    LEFT JOIN reason r ON r.debrief_id = d.id AND r.is_primary = 1
"""


def _where(flt: DebriefFilter) -> tuple[list[str], list[object]]:
    clauses, params = ["d.deleted = 0"], []
    if flt.outcome is not None:
        clauses.append("d.outcome = ?")
        params.append(flt.outcome.value)
    if flt.stage is not None:
        clauses.append("d.stage = ?")
        params.append(flt.stage.value)
    if flt.reason_code:
        clauses.append("d.id IN (SELECT debrief_id FROM reason WHERE code = ?)")
        params.append(flt.reason_code)
    if flt.since is not None:
        clauses.append("d.created_at >= ?")
        params.append(to_iso(flt.since))
    if flt.until is not None:
        clauses.append("d.created_at < ?")
        params.append(to_iso(flt.until))
    for word in flt.text.split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(
            "(d.competitor LIKE ? ESCAPE '\\' OR d.account_name LIKE ? ESCAPE '\\' "
            "OR d.crm_ref LIKE ? ESCAPE '\\' OR d.quote LIKE ? ESCAPE '\\' "
            "OR d.private_notes LIKE ? ESCAPE '\\')")
        params.extend([pattern] * 5)
    return clauses, params


def count(conn: sqlite3.Connection, flt: DebriefFilter) -> int:
    clauses, params = _where(flt)
    sql = f"SELECT COUNT(*) FROM debrief d WHERE {' AND '.join(clauses)}"
    return conn.execute(sql, params).fetchone()[0]


def page(conn: sqlite3.Connection, flt: DebriefFilter, after: tuple[str, str] | None = None,
         limit: int = 200) -> list[DebriefRow]:
    """Up to `limit` rows, newest first, starting after the row whose cursor is `after`."""
    clauses, params = _where(flt)
    if after is not None:
        clauses.append("(d.created_at, d.id) < (?, ?)")
        params.extend(after)
    sql = (f"{_SELECT} WHERE {' AND '.join(clauses)} "
           "ORDER BY d.created_at DESC, d.id DESC LIMIT ?")
    rows = conn.execute(sql, [*params, limit]).fetchall()
    return [
        DebriefRow(id=r[0], created_at=r[1], outcome=Outcome(r[2]), stage=Stage(r[3]),
                   primary_code=r[4], primary_detail=r[5], reasons_unknown=bool(r[6]),
                   competitor=r[7], account_name=r[8], entries=r[9], kept_copies=r[10],
                   primary_words=r[11])
        for r in rows
    ]
