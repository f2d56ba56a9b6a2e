"""Actions as the central store keeps them, and how far each has moved its measure.

An action is made once with its measure and baseline (sync.domain.actions) and then
edited: its title, owner, due date and status. Every edit names the revision it was
made from; an edit from an older revision is refused (`StaleAction`), so two marketers
never undo each other's change unseen.

The progress is read from insights (sync.server.insights): one question, by month, over
the baseline and the months from the one the action was made in, so every count is one
the suppression rule publishes, the same as the Insights tab shows. A reason is counted
by the code standing for it now: after a merge, the code it went into.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from sync.domain.actions import (
    OWNER_MAX,
    TITLE_MAX,
    ActionError,
    Direction,
    Kind,
    Measure,
    Movement,
    Share,
    Status,
    check_baseline,
    check_due,
    check_line,
    check_measure,
    compared,
    month_share,
)
from sync.domain.clock import as_utc
from sync.domain.debrief import Outcome
from sync.domain.team_lists import TeamLists
from sync.server import insights
from sync.server.code_map import CodeMap
from sync.server.published import PublishedMonths
from sync.server.tables import actions, users

EDITABLE = ("title", "owner", "due", "status")


class NoAction(LookupError):
    pass


class StaleAction(Exception):
    def __init__(self, given: int, newest: int) -> None:
        super().__init__(f"the action changed since revision {given}: it is revision "
                         f"{newest} now; look at it again and make the change there")
        self.newest = newest


@dataclass(frozen=True)
class Action:
    id: int
    title: str
    owner: str
    due: date
    status: Status
    measure: Measure
    baseline: tuple[date, date]  # the first days of its first and last months
    made_in: date  # the first day of the month it was made in
    revision: int
    made_by: str
    made_at: datetime
    changed_by: str
    changed_at: datetime


def make(connection: sa.Connection, lists: TeamLists, *, title: str, owner: str,
         due: date, status: Status, measure: Measure, baseline: tuple[date, date],
         user_id: int, now: datetime) -> Action:
    """A new action, checked; ActionError names what it cannot hold."""
    made_in = now.date().replace(day=1)
    check_baseline(*baseline, made_in)
    check_due(due, now.date())
    measure = check_measure(measure, lists)
    if measure.dimension == "team" and insights.team_value(
            connection, measure.value or "") == insights.NO_SUCH_TEAM:
        raise ActionError("value", f"no team {measure.value!r}")
    assert measure.direction is not None
    action_id = connection.execute(actions.insert().values(
        title=check_line("title", title, TITLE_MAX), owner=check_line("owner", owner, OWNER_MAX),
        due=due, status=status.value, kind=measure.kind.value, outcome=measure.outcome.value,
        code=measure.code, dimension=measure.dimension, value=measure.value,
        direction=measure.direction.value, baseline_from=baseline[0],
        baseline_to=baseline[1], made_in=made_in, revision=1, made_by=user_id, made_at=now,
        changed_by=user_id, changed_at=now).returning(actions.c.id)).scalar_one()
    return one(connection, action_id)


def edit(connection: sa.Connection, action_id: int, revision: int,
         changes: dict[str, Any], user_id: int, now: datetime) -> Action:
    """The action with `changes` (some of EDITABLE) made, as its next revision."""
    current = one(connection, action_id)
    if revision != current.revision:
        raise StaleAction(revision, current.revision)
    values: dict[str, Any] = {}
    was = {"title": current.title, "owner": current.owner, "due": current.due,
           "status": current.status}
    changes = {name: value.strip() if isinstance(value, str) else value
               for name, value in changes.items()}
    changes = {name: value for name, value in changes.items() if value != was[name]}
    if not changes:
        return current  # nothing to change: the same revision
    if "title" in changes:
        values["title"] = check_line("title", changes["title"], TITLE_MAX)
    if "owner" in changes:
        values["owner"] = check_line("owner", changes["owner"], OWNER_MAX)
    if "due" in changes:
        check_due(changes["due"], now.date())
        values["due"] = changes["due"]
    if "status" in changes:
        values["status"] = Status(changes["status"]).value
    done = connection.execute(actions.update().where(
        actions.c.id == action_id, actions.c.revision == revision).values(
        **values, revision=revision + 1, changed_by=user_id, changed_at=now))
    if done.rowcount != 1:  # edited in between by another process
        raise StaleAction(revision, one(connection, action_id).revision)
    return one(connection, action_id)


def one(connection: sa.Connection, action_id: int) -> Action:
    found = _read(connection, actions.c.id == action_id)
    if not found:
        raise NoAction(f"no action {action_id}")
    return found[0]


def page(connection: sa.Connection, offset: int, limit: int) -> tuple[list[Action], bool]:
    """A page of the actions, open ones first, then by due date; and whether more
    follow."""
    ordered = sa.select(actions.c.id).order_by(
        actions.c.status.in_([Status.DONE.value, Status.DROPPED.value]), actions.c.due,
        actions.c.id).offset(offset).limit(limit + 1)
    ids = list(connection.execute(ordered).scalars())
    found = {a.id: a for a in _read(connection, actions.c.id.in_(ids[:limit]))}
    return [found[i] for i in ids[:limit]], len(ids) > limit


def _read(connection: sa.Connection, where: Any) -> list[Action]:
    made_by, changed_by = users.alias("made_by_user"), users.alias("changed_by_user")
    rows = connection.execute(
        sa.select(actions, made_by.c.username.label("made_by_name"),
                  changed_by.c.username.label("changed_by_name"))
        .join(made_by, made_by.c.id == actions.c.made_by)
        .join(changed_by, changed_by.c.id == actions.c.changed_by)
        .where(where)).mappings()
    return [Action(
        id=row["id"], title=row["title"], owner=row["owner"], due=_day(row["due"]),
        status=Status(row["status"]),
        measure=Measure(Kind(row["kind"]), Outcome(row["outcome"]), row["code"],
                        row["dimension"], row["value"], Direction(row["direction"])),
        baseline=(_day(row["baseline_from"]), _day(row["baseline_to"])),
        made_in=_day(row["made_in"]), revision=row["revision"],
        made_by=row["made_by_name"], made_at=as_utc(row["made_at"]),
        changed_by=row["changed_by_name"], changed_at=as_utc(row["changed_at"]))
        for row in rows]


def _day(value: Any) -> date:
    """A Date column as a date (SQLite may hand back a datetime)."""
    return value.date() if isinstance(value, datetime) else value


@dataclass(frozen=True)
class MonthShare:
    month: date
    share: Share
    after: bool  # a month after the one the action was made in; else a baseline month


@dataclass(frozen=True)
class Progress:
    counted_as: str | None  # the code the reason counts under now, if not its own
    before: Share
    after: Share
    movement: Movement
    months: tuple[MonthShare, ...]


def progress(connection: sa.Connection, published: PublishedMonths, codes: CodeMap,
             action: Action, today: date) -> Progress:
    """The measure over the baseline, over the months since, and month by month, from
    what the rule publishes of each month (the counts insights show)."""
    measure = action.measure
    narrow = None
    if measure.dimension is not None and measure.value is not None:
        narrow = insights.narrowing(connection, {measure.dimension:
                                                 frozenset([measure.value])})
    question = insights.Question(
        by="month", first_month=action.baseline[0],
        last_month=max(today.replace(day=1), action.baseline[1]), narrow=narrow)
    code = codes.current(measure.code) if measure.code else None
    value = next(iter(narrow[1])) if narrow is not None else None
    months: list[MonthShare] = []
    for month, shown in sorted(insights.published(connection, question, published).items()):
        after = month > action.made_in  # its own month: part of it came before it
        if not (after or action.baseline[0] <= month <= action.baseline[1]):
            continue
        share = month_share(shown, measure, code, value)
        if share.debriefs or share.unsure:
            months.append(MonthShare(month, share, after))
    before = sum((m.share for m in months if not m.after), Share(None, 0))
    after_share = sum((m.share for m in months if m.after), Share(None, 0))
    return Progress(code if code != measure.code else None, before, after_share,
                    compared(before, after_share, measure.wanted), tuple(months))
