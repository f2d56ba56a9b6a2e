"""Contest scores kept on write: each member's entries in each contest of their team.

A rep's entries depend on all their debriefs in the contest's period (near-duplicates
earn nothing, the daily cap spreads over a day), so each push scores the pushing rep
again, from their stored debriefs, in every contest of their team that the pushed
debriefs fall in. Reading the standings is then one indexed read, however many
debriefs a contest holds. Scoring uses sync.domain.scoring, as the app's preview does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from sync.domain.clock import as_utc
from sync.domain.debrief import Debrief
from sync.domain.scoring import (
    ContestRules,
    Earned,
    Rulebook,
    RuleVersion,
    Why,
    earned_entries,
)
from sync.server.accounts import User
from sync.server.bulk import Insert, insert_rows
from sync.server.database import serialize
from sync.server.stored import stored_debriefs
from sync.server.tables import (
    contest_draws,
    contest_rule_versions,
    contest_scores,
    contest_voids,
    contests,
    debriefs,
    users,
)

if TYPE_CHECKING:
    from sync.server.contests import Contest

MEMBER_ROLES = ("rep", "manager")  # who takes part in their team's contests


def _in_field(people: sa.FromClause, team_id: int) -> sa.ColumnElement[bool]:
    """Who takes part in the team's contests, over `users` or an alias of it: its reps and
    managers, but no one disabled (`user disable`), who no longer counts in the field's
    size, ranks or bands."""
    return sa.and_(people.c.team_id == team_id, people.c.role.in_(MEMBER_ROLES),
                   people.c.disabled == sa.false())


def members(connection: sa.Connection, team_id: int) -> list[Any]:
    """The contest's field: the team's reps and managers who are not disabled (id,
    username, display_name)."""
    return list(connection.execute(
        sa.select(users.c.id, users.c.username, users.c.display_name).where(
            _in_field(users, team_id))))


def _in_period(rep_ids: Sequence[int], starts_at: datetime,
               ends_at: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(debriefs.c.rep_id.in_(list(rep_ids)), debriefs.c.created_at >= starts_at,
                   debriefs.c.created_at < ends_at)


def voided(connection: sa.Connection, contest_id: int) -> set[str]:
    """The debriefs whose entries are voided in the contest now: those whose latest void
    or undoing (sync.server.voids) is a void."""
    latest = (sa.select(sa.func.max(contest_voids.c.id))
              .where(contest_voids.c.contest_id == contest_id)
              .group_by(contest_voids.c.debrief_id))
    return set(connection.execute(sa.select(contest_voids.c.debrief_id).where(
        contest_voids.c.id.in_(latest), contest_voids.c.voided == sa.true())).scalars())


def rulebooks(connection: sa.Connection, rows: Sequence[Any]) -> dict[int, Rulebook]:
    """Every version of the rules of each contest in `rows` (of `contests`), by id; a
    contest with none kept has its `rules` as version 1."""
    versions: dict[int, list[RuleVersion]] = {}
    for version in connection.execute(sa.select(contest_rule_versions).where(
            contest_rule_versions.c.contest_id.in_([row.id for row in rows]))):
        versions.setdefault(version.contest_id, []).append(RuleVersion(
            version.number, as_utc(version.applies_from) if version.applies_from else None,
            ContestRules.from_dict(version.rules)))
    return {row.id: Rulebook(versions.get(row.id) or [
        RuleVersion(1, None, ContestRules.from_dict(row.rules))]) for row in rows}


@dataclass
class Tally:
    """A member's entries in a contest, how many debriefs count, and the entries by
    version of the rules."""

    entries: int = 0
    debriefs: int = 0
    by_version: dict[int, int] = field(default_factory=dict)
    last_debrief_at: datetime | None = None  # the latest made in the contest's period


def tally(connection: sa.Connection, rules: ContestRules | Rulebook, starts_at: datetime,
          ends_at: datetime, member_ids: Sequence[int],
          void: set[str] | frozenset[str] = frozenset()) -> dict[int, Tally]:
    """Each member's tally, scored from the stored debriefs, each debrief by the version
    of the rules in force when it was made; the debriefs in `void` count for nothing."""
    scored = stored_debriefs(connection, _in_period(member_ids, starts_at, ends_at))
    earned = earned_entries((debrief for _, debrief in scored), rules, void)
    totals = {member_id: Tally() for member_id in member_ids}
    for rep_id, debrief in scored:
        found = earned.get(debrief.id)
        if found is None:  # deleted
            continue
        kept = totals[rep_id]
        if debrief.created_at is not None and (kept.last_debrief_at is None
                                               or debrief.created_at > kept.last_debrief_at):
            kept.last_debrief_at = debrief.created_at
        if found.why is not Why.VOIDED:
            kept.entries += found.entries
            kept.debriefs += 1
            kept.by_version[found.version] = kept.by_version.get(found.version, 0) \
                + found.entries
    return totals


def rescore_rep(connection: sa.Connection, rep: User, moments: Iterable[datetime],
                now: datetime) -> None:
    """Score `rep` again in their team's contests that any of `moments` (when the
    pushed debriefs, and the versions they replace, were made) falls in and that have
    not ended by `now`: what reaches the store after a contest's end earns nothing in
    it, so its ledger holds still (sync.server.draws). The caller holds the rep's push
    lock, so no other push moves these scores meanwhile."""
    moments = list(moments)
    if rep.team_id is None or rep.role not in MEMBER_ROLES or not moments:
        return
    touched = connection.execute(sa.select(contests).where(
        contests.c.team_id == rep.team_id, contests.c.starts_at <= max(moments),
        contests.c.ends_at > min(moments), contests.c.ends_at > now,
        ~sa.exists().where(contest_draws.c.contest_id == contests.c.id))).all()
    for contest in touched:
        starts_at, ends_at = as_utc(contest.starts_at), as_utc(contest.ends_at)
        if any(starts_at <= as_utc(moment) < ends_at for moment in moments):
            _write(connection, contest.id, _tally_row(connection, contest, [rep.id]))


def rescore_contest(connection: sa.Connection, contest_id: int) -> None:
    """Score every member of the contest's team again: when the contest is made, or
    after a bulk load that went around the push."""
    contest = connection.execute(sa.select(contests).where(
        contests.c.id == contest_id)).one()
    member_ids = [member.id for member in members(connection, contest.team_id)]
    # Pushes under way for these members finish first; later ones wait for this
    # transaction and then see the contest, so none is left out of the scores.
    serialize(connection, *(f"push:{member_id}" for member_id in member_ids))
    connection.execute(contest_scores.delete().where(contest_scores.c.contest_id == contest_id))
    _write(connection, contest_id, _tally_row(connection, contest, member_ids))


def rescore_member(connection: sa.Connection, contest: Contest, rep_id: int) -> None:
    """Score one member again in one contest: after a void or its undoing. Waits for a
    push of theirs under way, as a push would."""
    serialize(connection, f"push:{rep_id}")
    _write(connection, contest.id, tally(connection, contest.rulebook, contest.starts_at,
                                         contest.ends_at, [rep_id],
                                         voided(connection, contest.id)))


def explained(connection: sa.Connection, contest: Contest,
              rep_id: int) -> list[tuple[Debrief, Earned]]:
    """A member's debriefs in the contest, oldest first, each with what it earned and why
    (sync.domain.scoring.earned_entries)."""
    scored = [debrief for _, debrief in stored_debriefs(
        connection, _in_period([rep_id], contest.starts_at, contest.ends_at))]
    # What reached the store after the end earned nothing (`rescore_rep`), nor changed
    # what the others earned: left out of the scoring, and said so.
    late = set(connection.execute(sa.select(debriefs.c.id).where(
        _in_period([rep_id], contest.starts_at, contest.ends_at),
        debriefs.c.received_at >= contest.ends_at)).scalars())
    earned = earned_entries(scored, contest.rulebook, voided(connection, contest.id), late)
    shown = sorted((debrief for debrief in scored if debrief.id in earned),
                   key=lambda debrief: (debrief.created_at, debrief.id))
    return [(debrief, earned[debrief.id]) for debrief in shown]


def _tally_row(connection: sa.Connection, contest: Any,
               member_ids: Sequence[int]) -> dict[int, Tally]:
    return tally(connection, rulebooks(connection, [contest])[contest.id], contest.starts_at,
                 contest.ends_at, member_ids, voided(connection, contest.id))


def _write(connection: sa.Connection, contest_id: int, totals: dict[int, Tally]) -> None:
    rows = [(contest_id, rep_id, kept.entries, kept.debriefs,
             None if set(kept.by_version) <= {1} else
             {str(number): entries for number, entries in sorted(kept.by_version.items())},
             kept.last_debrief_at)
            for rep_id, kept in sorted(totals.items())]
    insert_rows(connection, contest_scores,
                ("contest_id", "rep_id", "entries", "debriefs", "by_version",
                 "last_debrief_at"), rows, on_conflict=_replace_totals)


def _replace_totals(insert: Insert) -> sa.Executable:
    return insert.on_conflict_do_update(
        index_elements=[contest_scores.c.contest_id, contest_scores.c.rep_id],
        set_={"entries": insert.excluded.entries, "debriefs": insert.excluded.debriefs,
              "by_version": insert.excluded.by_version,
              "last_debrief_at": insert.excluded.last_debrief_at})


def read(connection: sa.Connection, contest_id: int,
         team_id: int) -> list[tuple[Any, int, int]]:
    """Each member with their kept (entries, debriefs); 0, 0 for one with none yet. Each
    row also says when the member last made a debrief in the contest's period
    (`last_activity`; None: none yet), and their entries by version of the rules
    (`by_version`; None: all by version 1)."""
    member = users.alias("member")
    rows = connection.execute(
        sa.select(member.c.id, member.c.username, member.c.display_name,
                  sa.func.coalesce(contest_scores.c.entries, 0).label("entries"),
                  sa.func.coalesce(contest_scores.c.debriefs, 0).label("debriefs"),
                  contest_scores.c.by_version,
                  contest_scores.c.last_debrief_at.label("last_activity"))
        .select_from(member.outerjoin(contest_scores, sa.and_(
            contest_scores.c.rep_id == member.c.id,
            contest_scores.c.contest_id == contest_id)))
        .where(_in_field(member, team_id))).all()
    return [(row, row.entries, row.debriefs) for row in rows]
