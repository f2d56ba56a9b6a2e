"""Push and pull of debriefs: the exactly-once upsert keyed by (id, revision).

Each pushed debrief is answered on its own: accepted (stored), duplicate (this or a
newer version is already stored) or rejected (with the problems, nothing stored).
A newer revision replaces an older one; at the same revision the later edit wins.
The caller commits before it answers, so "accepted" and "duplicate" mean stored.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from sync.domain.debrief import Debrief
from sync.domain.segments import SegmentLists
from sync.domain.taxonomy import Taxonomy
from sync.domain.text import N_, Message
from sync.domain.validation import Problem, validate
from sync.domain.wire import from_wire
from sync.server import rollups, scores, stored
from sync.server.accounts import User
from sync.server.database import serialize
from sync.server.tables import debrief_reasons, debriefs


class Status(enum.StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True)
class ItemResult:
    id: str
    revision: int
    status: Status
    problems: tuple[Problem, ...] = field(default=())


@dataclass(frozen=True)
class Rules:
    """What a pushed debrief is checked against: the store's current lists."""

    taxonomy: Taxonomy
    segments: SegmentLists


_UPDATED_COLUMNS = ("revision", "outcome", "stage", "industry", "company_size", "region",
                    "reasons_unknown", "competitor", "deal_value", "currency", "crm_ref",
                    "quote", "share_quote", "created_at", "updated_at", "deleted", "received_at")


def push(connection: sa.Connection, rep: User, items: Sequence[dict[str, Any]],
         rules: Rules, now: datetime) -> list[ItemResult]:
    """Store what is new in `items` (wire dicts); one result per item, in order. The
    reason rollup and the rep's contest scores move in the same transaction."""
    # One push per rep at a time: what the rollup and the scores are moved from must be
    # what the upserts replace, even when two machines of one rep push at once.
    serialize(connection, f"push:{rep.id}")
    before = {counted.debrief_id: counted for counted in rollups.currently_counted(
        connection, [item["id"] for item in items if isinstance(item.get("id"), str)])}
    upsert = _upsert(connection.dialect.name)  # built once: SQLAlchemy caches its SQL
    results, kept = [], {}
    for item in items:
        result, debrief = _push_one(connection, upsert, rep, item, rules, now)
        results.append(result)
        if debrief is not None:
            kept[debrief.id] = debrief  # the last accepted version of an id is the one kept
    if kept:
        replaced = [before[i] for i in kept if i in before]
        rollups.apply(connection, replaced,
                      [counted for debrief in kept.values()
                       if (counted := rollups.counted(debrief, rep.id)) is not None])
        scores.rescore_rep(connection, rep, [debrief.created_at for debrief in kept.values()
                                             if debrief.created_at is not None]
                           + [counted.created_at for counted in replaced])
    return results


def _push_one(connection: sa.Connection, upsert: sa.Executable, rep: User,
              item: dict[str, Any], rules: Rules, now: datetime,
              ) -> tuple[ItemResult, Debrief | None]:
    debrief = from_wire(item, rep.username)
    problems = _problems(debrief, rules)
    if problems:
        return ItemResult(debrief.id, debrief.revision, Status.REJECTED, problems), None
    # A blank competitor is no competitor, and "Acme " is "Acme": one group in insights.
    debrief = replace(debrief, competitor=(debrief.competitor or "").strip() or None)
    written = connection.execute(upsert, _row(debrief, rep.id, now)).first()
    if written is not None:
        _replace_reasons(connection, debrief)
        return ItemResult(debrief.id, debrief.revision, Status.ACCEPTED), debrief
    owner = connection.execute(sa.select(debriefs.c.rep_id).where(
        debriefs.c.id == debrief.id)).scalar_one()
    if owner != rep.id:
        return ItemResult(debrief.id, debrief.revision, Status.REJECTED, (Problem(
            "id", Message(N_("this id belongs to another debrief; the app makes a new one"))),
        )), None
    return ItemResult(debrief.id, debrief.revision, Status.DUPLICATE), None


def _problems(debrief: Debrief, rules: Rules) -> tuple[Problem, ...]:
    if debrief.quote is not None and not debrief.share_quote:
        return (Problem("quote", Message(N_("a quote that is not shared never leaves the app"))),)
    if debrief.revision < 1:
        return (Problem("revision", Message(N_("a pushed debrief has revision 1 or more"))),)
    if debrief.deleted:
        return ()  # a tombstone only needs to be newer; its content no longer counts
    return tuple(validate(debrief, rules.taxonomy, rules.segments))


def _row(debrief: Debrief, rep_id: int, now: datetime) -> dict[str, Any]:
    assert debrief.created_at is not None and debrief.updated_at is not None
    return {
        "id": debrief.id, "rep_id": rep_id, "revision": debrief.revision,
        "outcome": debrief.outcome.value if debrief.outcome else None,
        "stage": debrief.stage.value if debrief.stage else None,
        "industry": debrief.segment.industry, "company_size": debrief.segment.company_size,
        "region": debrief.segment.region, "reasons_unknown": debrief.reasons_unknown,
        "competitor": debrief.competitor,
        "deal_value": str(debrief.deal_value) if debrief.deal_value is not None else None,
        "currency": debrief.currency, "crm_ref": debrief.crm_ref,
        "quote": debrief.quote if debrief.share_quote else None,
        "share_quote": debrief.share_quote,
        "created_at": debrief.created_at, "updated_at": debrief.updated_at,
        "deleted": debrief.deleted, "received_at": now,
    }


def _upsert(dialect_name: str) -> sa.Executable:
    """Insert, or update only if the pushed version is newer; RETURNING says which."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(debriefs)
    new = statement.excluded
    newer = sa.or_(new.revision > debriefs.c.revision,
                   sa.and_(new.revision == debriefs.c.revision,
                           new.updated_at > debriefs.c.updated_at))
    return statement.on_conflict_do_update(
        index_elements=[debriefs.c.id],
        set_={name: new[name] for name in _UPDATED_COLUMNS},
        where=sa.and_(debriefs.c.rep_id == new.rep_id, newer),
    ).returning(debriefs.c.id)


def _replace_reasons(connection: sa.Connection, debrief: Debrief) -> None:
    connection.execute(debrief_reasons.delete().where(
        debrief_reasons.c.debrief_id == debrief.id))
    if debrief.reasons:
        connection.execute(debrief_reasons.insert(), [
            {"debrief_id": debrief.id, "position": position, "code": reason.code,
             "detail": reason.detail, "evidence": reason.evidence.value,
             "is_primary": reason.primary}
            for position, reason in enumerate(debrief.reasons)])


# --- pull -------------------------------------------------------------------------------


def own_debriefs(connection: sa.Connection, rep: User, after: str | None,
                 limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the rep's own debriefs (tombstones too) in id order, and the id to
    continue after (None at the end)."""
    query = sa.select(debriefs).where(debriefs.c.rep_id == rep.id)
    if after is not None:
        query = query.where(debriefs.c.id > after)
    rows = connection.execute(query.order_by(debriefs.c.id).limit(limit + 1)).all()
    page, more = rows[:limit], len(rows) > limit
    reasons = stored.reasons_of(connection, [row.id for row in page])
    items = [stored.wire(row, reasons.get(row.id, [])) for row in page]
    return items, (page[-1].id if more else None)
