"""Push and pull of debriefs: the exactly-once upsert keyed by (id, revision).

Each pushed debrief is answered on its own: accepted (stored), duplicate (this or a
newer version is already stored) or rejected (with the problems, nothing stored).
A newer revision replaces an older one; at the same revision the later edit wins.
The caller commits before it answers, so "accepted" and "duplicate" mean stored.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from sync.domain.clock import as_utc, to_iso
from sync.domain.debrief import Debrief
from sync.domain.segments import SegmentLists
from sync.domain.taxonomy import Taxonomy
from sync.domain.text import N_, Message
from sync.domain.validation import Problem, validate
from sync.domain.wire import from_wire
from sync.server.accounts import User
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
    """Store what is new in `items` (wire dicts); one result per item, in order."""
    upsert = _upsert(connection.dialect.name)  # built once: SQLAlchemy caches its SQL
    return [_push_one(connection, upsert, rep, item, rules, now) for item in items]


def _push_one(connection: sa.Connection, upsert: sa.Executable, rep: User,
              item: dict[str, Any], rules: Rules, now: datetime) -> ItemResult:
    debrief = from_wire(item, rep.username)
    problems = _problems(debrief, rules)
    if problems:
        return ItemResult(debrief.id, debrief.revision, Status.REJECTED, problems)
    stored = connection.execute(upsert, _row(debrief, rep.id, now)).first()
    if stored is not None:
        _replace_reasons(connection, debrief)
        return ItemResult(debrief.id, debrief.revision, Status.ACCEPTED)
    owner = connection.execute(sa.select(debriefs.c.rep_id).where(
        debriefs.c.id == debrief.id)).scalar_one()
    if owner != rep.id:
        return ItemResult(debrief.id, debrief.revision, Status.REJECTED, (Problem(
            "id", Message(N_("this id belongs to another debrief; the app makes a new one"))),))
    return ItemResult(debrief.id, debrief.revision, Status.DUPLICATE)


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


_IN_CHUNK = 1000  # ids per IN (...) list: well under every database's parameter limit


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
    reasons = _reasons_of(connection, [row.id for row in page])
    items = [_wire(row, reasons.get(row.id, [])) for row in page]
    return items, (page[-1].id if more else None)


def _reasons_of(connection: sa.Connection,
                ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    ids = list(ids)
    found: dict[str, list[dict[str, Any]]] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        rows = connection.execute(sa.select(debrief_reasons).where(
            debrief_reasons.c.debrief_id.in_(ids[start:start + _IN_CHUNK])).order_by(
            debrief_reasons.c.debrief_id, debrief_reasons.c.position))
        for row in rows:
            found.setdefault(row.debrief_id, []).append({
                "code": row.code, "detail": row.detail, "evidence": row.evidence,
                "primary": bool(row.is_primary)})
    return found


def _wire(row: Any, reasons: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": row.id, "revision": row.revision, "outcome": row.outcome, "stage": row.stage,
        "segment": {"industry": row.industry, "company_size": row.company_size,
                    "region": row.region},
        "reasons": reasons, "reasons_unknown": bool(row.reasons_unknown),
        "competitor": row.competitor, "deal_value": row.deal_value, "currency": row.currency,
        "crm_ref": row.crm_ref, "quote": row.quote, "share_quote": bool(row.share_quote),
        "created_at": to_iso(as_utc(row.created_at)),
        "updated_at": to_iso(as_utc(row.updated_at)), "deleted": bool(row.deleted),
    }


def stored_debriefs(connection: sa.Connection,
                    where: sa.ColumnElement[bool]) -> list[tuple[int, Debrief]]:
    """Stored debriefs matching `where` (over debriefs' columns), as domain records with
    their rep's id, for scoring on the server."""
    rows = connection.execute(sa.select(debriefs).where(where)).all()
    reasons = _reasons_of(connection, [row.id for row in rows])
    return [(row.rep_id, from_wire(_wire(row, reasons.get(row.id, [])), str(row.rep_id)))
            for row in rows]
