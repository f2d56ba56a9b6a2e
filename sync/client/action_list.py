"""Marketing's actions as the central store lists them (GET /actions), each with how
far its measure moved since its baseline; and what the app sends to make or change one.

`read` takes the JSON of the route (docs/openapi.json) and raises ValueError, TypeError
or KeyError when it is not in that shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sync.domain.actions import Direction, Kind, Measure, Share, Status, Verdict
from sync.domain.clock import from_iso
from sync.domain.debrief import Outcome


@dataclass(frozen=True)
class MonthShare:
    month: str  # YYYY-MM
    share: Share
    after: bool  # from the month the action was made in on; else a baseline month


@dataclass(frozen=True)
class ActionItem:
    id: int
    revision: int
    title: str
    owner: str
    due: date
    overdue: bool
    status: Status
    measure: Measure
    baseline: tuple[str, str]  # YYYY-MM, first and last
    made_in: str
    made_by: str
    made_at: datetime
    changed_by: str
    changed_at: datetime
    counted_as: str | None
    before: Share
    after: Share
    verdict: Verdict
    points: float | None
    months: tuple[MonthShare, ...]


@dataclass(frozen=True)
class ActionList:
    min_cell: int
    actions: tuple[ActionItem, ...]
    missing: bool = False  # the server has no actions yet: it needs an update


def read(body: dict[str, Any]) -> ActionList:
    if body.get("missing"):
        return ActionList(5, (), missing=True)
    return ActionList(int(body["min_cell"]), tuple(read_one(item) for item in body["actions"]))


def read_one(item: dict[str, Any]) -> ActionItem:
    measure = item["measure"]
    return ActionItem(
        id=int(item["id"]), revision=int(item["revision"]), title=str(item["title"]),
        owner=str(item["owner"]), due=date.fromisoformat(item["due"]),
        overdue=bool(item["overdue"]), status=Status(item["status"]),
        measure=Measure(Kind(measure["kind"]), Outcome(measure["outcome"]),
                        measure.get("code"), measure.get("dimension"), measure.get("value"),
                        Direction(measure["direction"])),
        baseline=(str(item["baseline_from"]), str(item["baseline_to"])),
        made_in=str(item["made_in"]), made_by=str(item["made_by"]),
        made_at=from_iso(item["made_at"]), changed_by=str(item["changed_by"]),
        changed_at=from_iso(item["changed_at"]), counted_as=item.get("counted_as"),
        before=_share(item["before"]), after=_share(item["after"]),
        verdict=Verdict(item["verdict"]), points=item.get("points"),
        months=tuple(MonthShare(str(m["month"]), _share(m), bool(m["after"]))
                     for m in item["months"]))


def _share(body: dict[str, Any]) -> Share:
    hits = body.get("hits")
    return Share(None if hits is None else int(hits), int(body["debriefs"]),
                 int(body.get("hidden", 0)))


def new_action(*, title: str, owner: str, due: date, measure: Measure,
               baseline: tuple[str, str]) -> dict[str, Any]:
    """The body of POST /actions."""
    wanted = {"kind": measure.kind.value, "outcome": measure.outcome.value}
    if measure.code is not None:
        wanted["code"] = measure.code
    if measure.dimension is not None and measure.value is not None:
        wanted |= {"dimension": measure.dimension, "value": measure.value}
    if measure.direction is not None:
        wanted["direction"] = measure.direction.value
    return {"title": title, "owner": owner, "due": due.isoformat(), "measure": wanted,
            "baseline_from": baseline[0], "baseline_to": baseline[1]}
