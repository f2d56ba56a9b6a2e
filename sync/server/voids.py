"""Voids: a manager of the team (or an admin) voids a debrief's entries in a running
contest, with a reason, and may undo the void, also with a reason.

Both are kept for good in `contest_voids`: the latest row for a debrief says whether it
is voided now, and every row is the audit log its rep reads beside the debrief ("voided
by your manager: reason"). A voided debrief counts for nothing in the contest
(sync.domain.scoring.earned_entries); its rep is scored again at once. Once the contest
has ended its entries are final, as the ledger of its draw is (sync.server.draws).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from sync.domain.clock import as_utc
from sync.domain.contest_limits import VOID_REASON_MAX
from sync.server import contests, draws, scores
from sync.server.contests import Contest
from sync.server.database import serialize
from sync.server.tables import contest_voids, debriefs, users


class VoidRefused(Exception):
    """A void (or its undoing) that may not be made: `field` and `code` say why, for
    the API's error body; `status` is its HTTP status."""

    def __init__(self, status: int, field: str, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.field, self.code, self.message = status, field, code, message


@dataclass(frozen=True)
class VoidEvent:
    """One void or undoing, as the log keeps it."""

    id: int
    contest_id: int
    debrief_id: str
    rep_id: int
    rep_name: str
    voided: bool  # False: a void undone
    reason: str
    by_name: str
    at: datetime


def change(connection: sa.Connection, contest: Contest, debrief_id: str, reason: str,
           by_id: int, now: datetime, *, void: bool) -> VoidEvent:
    """Void (or, `void` False, restore) the entries of `debrief_id` in `contest`, with
    `reason`, and score its rep again. The caller checked that `by_id` may manage the
    contest's team."""
    reason = reason.strip()
    if not reason or len(reason) > VOID_REASON_MAX:
        raise VoidRefused(422, "reason", "reason_missing",
                          f"say why, in 1 to {VOID_REASON_MAX} characters: the rep reads it")
    contest = contests.locked(connection, contest.id, None)  # as it is now
    if contest.has_ended(now) or draws.is_frozen(connection, contest.id):
        raise VoidRefused(409, "contest_id", "ended", "the contest has ended: its entries "
                          "are final, as the ledger of its draw is")
    rep_id = _rep_of(connection, contest, debrief_id)
    if rep_id is None:
        raise VoidRefused(404, "debrief_id", "not_in_contest",
                          "no debrief of this team's reps with that id in the contest's "
                          "period")
    if rep_id == by_id:
        raise VoidRefused(403, "debrief_id", "own_debrief", "nobody voids, or gives back, "
                          "the entries of their own debriefs")
    serialize(connection, f"push:{rep_id}")  # none mid-push
    if (debrief_id in scores.voided(connection, contest.id)) == void:
        raise VoidRefused(409, "debrief_id", "voided_already" if void else "not_voided",
                          "its entries are voided already" if void else
                          "its entries are not voided: there is nothing to undo")
    event_id = connection.execute(contest_voids.insert().values(
        contest_id=contest.id, debrief_id=debrief_id, rep_id=rep_id, voided=void,
        reason=reason, by_id=by_id, at=now).returning(contest_voids.c.id)).scalar_one()
    scores.rescore_member(connection, contest, rep_id)
    return next(event for event in log(connection, contest.id, rep_id)
                if event.id == event_id)


def _rep_of(connection: sa.Connection, contest: Contest, debrief_id: str) -> int | None:
    """The rep of `debrief_id` if it is one of the contest's field's, made in its period."""
    members = {member.id for member in scores.members(connection, contest.team_id)}
    row = connection.execute(sa.select(debriefs.c.rep_id, debriefs.c.created_at).where(
        debriefs.c.id == debrief_id)).first()
    if row is None or row.rep_id not in members:
        return None
    return row.rep_id if contest.starts_at <= as_utc(row.created_at) < contest.ends_at else None


def log(connection: sa.Connection, contest_id: int,
        rep_id: int | None = None) -> list[VoidEvent]:
    """Every void and undoing in the contest, oldest first; only one rep's if `rep_id`."""
    rep, by = users.alias("rep"), users.alias("by")
    query = (sa.select(contest_voids, rep.c.display_name.label("rep_name"),
                       by.c.display_name.label("by_name"))
             .join(rep, rep.c.id == contest_voids.c.rep_id)
             .join(by, by.c.id == contest_voids.c.by_id)
             .where(contest_voids.c.contest_id == contest_id))
    if rep_id is not None:
        query = query.where(contest_voids.c.rep_id == rep_id)
    return [VoidEvent(row.id, row.contest_id, row.debrief_id, row.rep_id, row.rep_name,
                      bool(row.voided), row.reason, row.by_name, as_utc(row.at))
            for row in connection.execute(query.order_by(contest_voids.c.id))]
