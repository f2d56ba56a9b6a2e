"""Contests: who may see and run them, and the standings, scored on the server with the
same rules the app previews with (sync.domain.scoring)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from sync.domain import draw, leaderboard
from sync.domain.clock import as_utc
from sync.domain.contest_limits import MAX_WINNERS, NAME_MAX, PRIZE_MAX
from sync.domain.scoring import MAX_CONTEST_DAYS, ContestRules, Rulebook, RulesError
from sync.domain.validation import EARLIEST_DATE
from sync.resources import default_contest_rules
from sync.server import scores
from sync.server.accounts import AccountError, User
from sync.server.beacon import BeaconError, Chain
from sync.server.database import serialize
from sync.server.tables import contest_rule_versions, contests, teams

# How far ahead a contest may end: planned, not dated in year 9999 by a slip.
CONTEST_HORIZON_YEARS = 10


@dataclass(frozen=True)
class Contest:
    id: int
    team_id: int
    team: str
    name: str
    prize: str
    starts_at: datetime
    ends_at: datetime
    rulebook: Rulebook  # every version of its rules; a debrief is scored by its own
    winners: int  # how many the draw picks
    commitment: str  # the SHA-256 of the draw's secret seed, in hex (docs/draw.md)
    committed_at: datetime | None  # when the commitment was published
    beacon_url: str | None = None  # a public randomness beacon's chain (sync.server.beacon)
    beacon_round: int | None = None  # its round mixed into the draw

    @property
    def rules(self) -> ContestRules:
        """The rules in force now: the newest version."""
        return self.rulebook.current.rules

    def has_started(self, now: datetime) -> bool:
        return now >= self.starts_at

    def is_running(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at

    def has_ended(self, now: datetime) -> bool:
        return now >= self.ends_at


@dataclass(frozen=True)
class Standing:
    rank: int
    user_id: int
    username: str
    display_name: str
    entries: int
    debriefs: int
    last_activity: datetime | None  # when the rep last logged a debrief
    by_version: dict[int, int]  # entries by version of the rules


def visible_to(user: User) -> sa.ColumnElement[bool]:
    """Which contests `user` may see: their team's, the teams they manage, or all."""
    if user.role == "admin":
        return sa.true()
    if user.role == "manager":
        return contests.c.team_id.in_(sorted(user.managed_team_ids | {user.team_id or -1}))
    if user.role == "rep" and user.team_id is not None:
        return contests.c.team_id == user.team_id
    return sa.false()


def add_contest(connection: sa.Connection, *, by: User, team_id: int, name: str, prize: str,
                starts_at: datetime, ends_at: datetime, rules: dict[str, Any] | None,
                now: datetime, winners: int = 1, beacon: Chain | None = None) -> Contest:
    """Make a contest, publish its commitment, and score its field. With a `beacon`
    chain (asked before this transaction), the contest names its first round at or after
    the contest's end, mixed into its draw (sync.server.beacon)."""
    name, prize = name.strip(), prize.strip()
    if not name or len(name) > NAME_MAX:
        raise AccountError("name", f"give the contest a name of 1 to {NAME_MAX} characters")
    if not prize or len(prize) > PRIZE_MAX:
        raise AccountError("prize", f"say what the prize is, in 1 to {PRIZE_MAX} characters")
    starts_at, ends_at = as_utc(starts_at), as_utc(ends_at)  # SQLite keeps no offset
    _check_period(starts_at, ends_at, now)
    _check_winners(winners)
    # A new contest starts from the shipped rules; what `rules` names replaces them.
    parsed = _rules({**default_contest_rules().to_dict(), **(rules or {})})
    seed = secrets.token_bytes(draw.SEED_BYTES)
    contest_id = connection.execute(contests.insert().values(
        team_id=team_id, name=name, prize=prize, starts_at=starts_at, ends_at=ends_at,
        rules=parsed.to_dict(), created_by=by.id, created_at=now, winners=winners,
        seed=seed.hex(), commitment=draw.commitment(seed), committed_at=now,
        beacon_url=beacon.url if beacon else None,
        beacon_round=beacon.round_after(ends_at) if beacon else None
    ).returning(contests.c.id)
    ).scalar_one()
    connection.execute(contest_rule_versions.insert().values(
        contest_id=contest_id, number=1, rules=parsed.to_dict(), applies_from=None,
        made_by=by.id, made_at=now))
    scores.rescore_contest(connection, contest_id)
    contest = find(connection, contest_id, by)
    assert contest is not None
    return contest


def _check_period(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    # Where debriefs can be: none is dated before 2000 (and a period near year 1 or 9999
    # would not read back in every time zone).
    if starts_at < EARLIEST_DATE:
        raise AccountError("starts_at", "a contest starts in 2000 or later")
    if ends_at <= starts_at:
        raise AccountError("ends_at", "a contest ends after it starts")
    if ends_at - starts_at > timedelta(days=MAX_CONTEST_DAYS):
        raise AccountError("ends_at", f"a contest lasts at most {MAX_CONTEST_DAYS:,} days")
    if ends_at <= now:
        # The draw's commitment must come before its entries are all known.
        raise AccountError("ends_at", "a contest ends in the future")
    if ends_at > now + timedelta(days=366 * CONTEST_HORIZON_YEARS):
        raise AccountError("ends_at", f"a contest ends within {CONTEST_HORIZON_YEARS} years "
                                      "from now")


def _check_winners(winners: int) -> None:
    if not 1 <= winners <= MAX_WINNERS:
        raise AccountError("winners", f"a draw picks 1 to {MAX_WINNERS} winners")


def _rules(rules: dict[str, Any]) -> ContestRules:
    try:
        return ContestRules.from_dict(rules)
    except (RulesError, TypeError) as error:
        rule = getattr(error, "rule", None)
        raise AccountError(f"rules.{rule}" if rule else "rules", str(error)) from None


class ContestFrozen(Exception):
    """A change a contest no longer takes (it has started, or ended): `field` names
    what was asked, `message` says why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def edit_contest(connection: sa.Connection, contest_id: int, *, by: User, now: datetime,
                 name: str | None = None, prize: str | None = None, winners: int | None = None,
                 starts_at: datetime | None = None, ends_at: datetime | None = None,
                 rules: dict[str, Any] | None = None, beacon: Chain | None = None) -> Contest:
    """Change what may still change. Before the start: anything, and the rules are still
    version 1. Once started: the name and prize, and the rules (those given over the
    ones in force), as a new version from now on (the period and the number of winners
    are frozen: reps are playing by them). Once ended: nothing (ContestFrozen). A
    contest that names a beacon round names the one after its new end: `beacon` is its
    chain, asked before this transaction (BeaconError without it)."""
    contest = locked(connection, contest_id, by)
    if contest.has_ended(now):
        raise ContestFrozen("contest_id", "the contest has ended: it changes no more")
    started = contest.has_started(now)
    if started:
        for field, value, what in (("winners", winners, "number of winners"),
                                   ("starts_at", starts_at, "start"),
                                   ("ends_at", ends_at, "end")):
            if value is not None:
                raise ContestFrozen(field, f"the contest has started: its {what} is "
                                           "frozen, as the reps are playing by it")
    if starts_at is not None and as_utc(starts_at) < now:
        # Not started yet: moved to have started in the past, it would score debriefs
        # made before anyone knew of it.
        raise AccountError("starts_at", "a contest that has not started starts now or "
                                        "later")
    changes: dict[str, Any] = {}
    for field, value, most in (("name", name, NAME_MAX), ("prize", prize, PRIZE_MAX)):
        if value is not None:
            value = value.strip()
            if not value or len(value) > most:
                raise AccountError(field, f"1 to {most} characters")
            changes[field] = value
    if winners is not None:
        _check_winners(winners)
        changes["winners"] = winners
    if starts_at is not None or ends_at is not None:
        new_start = as_utc(starts_at) if starts_at is not None else contest.starts_at
        new_end = as_utc(ends_at) if ends_at is not None else contest.ends_at
        _check_period(new_start, new_end, now)
        changes.update(starts_at=new_start, ends_at=new_end)
        if contest.beacon_url is not None:
            if beacon is None or beacon.url != contest.beacon_url:
                raise BeaconError("the beacon the contest names must be asked for the round "
                                  "after its new end")
            changes["beacon_round"] = beacon.round_after(new_end)
    parsed = _rules({**contest.rules.to_dict(), **rules}) if rules is not None else None
    if parsed is not None and parsed != contest.rules:
        changes["rules"] = parsed.to_dict()
        if started:
            connection.execute(contest_rule_versions.insert().values(
                contest_id=contest.id, number=contest.rulebook.current.number + 1,
                rules=parsed.to_dict(), applies_from=now, made_by=by.id, made_at=now))
        else:
            connection.execute(contest_rule_versions.update().where(
                contest_rule_versions.c.contest_id == contest.id,
                contest_rule_versions.c.number == 1).values(
                rules=parsed.to_dict(), made_by=by.id, made_at=now))
    if changes:
        connection.execute(contests.update().where(contests.c.id == contest.id).values(
            **changes))
    if {"rules", "starts_at", "ends_at"} & set(changes):
        scores.rescore_contest(connection, contest.id)
    edited = find(connection, contest.id, by)
    assert edited is not None
    return edited


def locked(connection: sa.Connection, contest_id: int, user: User | None) -> Contest:
    """The contest, read again once this transaction holds its lock: a change, a void
    and the freeze of its ledger each take it, so none works from what another has
    just changed (on SQLite every writer is serialized anyway)."""
    serialize(connection, f"contest:{contest_id}")
    contest = find(connection, contest_id, user)
    if contest is None:
        raise LookupError(f"contest {contest_id} is gone")
    return contest


def _query() -> sa.Select[Any]:
    return sa.select(contests, teams.c.name.label("team")).join(
        teams, teams.c.id == contests.c.team_id)


def _contests(connection: sa.Connection, rows: list[Any]) -> list[Contest]:
    """Contests from rows of `_query`, each with every version of its rules."""
    books = scores.rulebooks(connection, rows)
    return [Contest(row.id, row.team_id, row.team, row.name, row.prize,
                    as_utc(row.starts_at), as_utc(row.ends_at), books[row.id],
                    row.winners, row.commitment,
                    as_utc(row.committed_at) if row.committed_at else None,
                    row.beacon_url, row.beacon_round) for row in rows]


def find(connection: sa.Connection, contest_id: int, user: User | None) -> Contest | None:
    """The contest, if it exists and `user` may see it (None either way otherwise; no
    user: the server's operator, at its command line, who sees every contest)."""
    row = connection.execute(_query().where(
        contests.c.id == contest_id, visible_to(user) if user else sa.true())).first()
    return _contests(connection, [row])[0] if row else None


def listed(connection: sa.Connection, user: User | None, after: int | None,
           limit: int) -> tuple[list[Contest], int | None]:
    query = _query().where(visible_to(user) if user else sa.true())
    if after is not None:
        query = query.where(contests.c.id < after)
    rows = connection.execute(query.order_by(contests.c.id.desc()).limit(limit + 1)).all()
    page = _contests(connection, rows[:limit])
    return page, (page[-1].id if len(rows) > limit else None)


def standings(connection: sa.Connection, contest: Contest) -> list[Standing]:
    """Every rep of the contest's team with their entries, best first (ties share a
    rank and are listed by name)."""
    ordered = sorted(scores.read(connection, contest.id, contest.team_id),
                     key=lambda scored: (-scored[1], scored[0].username))
    shared = leaderboard.ranks([entries for _, entries, _ in ordered])
    return [Standing(rank, member.id, member.username, member.display_name, entries, count,
                     as_utc(member.last_activity) if member.last_activity else None,
                     {int(k): v for k, v in (member.by_version or {"1": entries}).items()})
            for rank, (member, entries, count) in zip(shared, ordered, strict=True)]
