"""Stored debriefs read back: as wire dicts (for pull) and as domain records (for
scoring on the server)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from sync.domain.clock import as_utc, to_iso
from sync.domain.debrief import SEGMENT_PARTS, Debrief
from sync.domain.wire import from_wire
from sync.server.tables import debrief_reasons, debriefs

IN_CHUNK = 1000  # ids per IN (...) list: well under every database's parameter limit


def in_chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    """`ids` in slices of at most IN_CHUNK, one IN (...) list each."""
    for start in range(0, len(ids), IN_CHUNK):
        yield ids[start:start + IN_CHUNK]


def reasons_of(connection: sa.Connection,
               ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    ids = list(ids)
    found: dict[str, list[dict[str, Any]]] = {}
    for chunk in in_chunks(ids):
        rows = connection.execute(sa.select(debrief_reasons).where(
            debrief_reasons.c.debrief_id.in_(chunk)).order_by(
            debrief_reasons.c.debrief_id, debrief_reasons.c.position))
        for row in rows:
            found.setdefault(row.debrief_id, []).append({
                "code": row.code, "detail": row.detail, "evidence": row.evidence,
                "primary": bool(row.is_primary),
                **({"words": row.words} if row.words is not None else {})})
    return found


def wire(row: Any, reasons: list[dict[str, Any]]) -> dict[str, Any]:
    """A row of debriefs, with its reasons, as the wire carries it (sync.domain.wire)."""
    return {
        "id": row.id, "revision": row.revision, "outcome": row.outcome, "stage": row.stage,
        "segment": {part: getattr(row, part) for part in SEGMENT_PARTS},
        "reasons": reasons, "reasons_unknown": bool(row.reasons_unknown),
        "competitor": row.competitor, "deal_value": row.deal_value, "currency": row.currency,
        "crm_ref": row.crm_ref, "quote": row.quote, "share_quote": bool(row.share_quote),
        "lead_source": row.lead_source, "sales_ready": row.sales_ready,
        # Kept as the dict form has them (sync.domain.debrief.listed_as_text).
        "failed_criteria": json.loads(row.failed_criteria or "[]"),
        "collateral": json.loads(row.collateral or "[]"),
        "play": row.play, "share_play": bool(row.share_play),
        "created_at": to_iso(as_utc(row.created_at)),
        "updated_at": to_iso(as_utc(row.updated_at)), "deleted": bool(row.deleted),
    }


def stored_debriefs(connection: sa.Connection,
                    where: sa.ColumnElement[bool]) -> list[tuple[int, Debrief]]:
    """Stored debriefs matching `where` (over debriefs' columns), as domain records with
    their rep's id, for scoring on the server."""
    rows = connection.execute(sa.select(debriefs).where(where)).all()
    reasons = reasons_of(connection, [row.id for row in rows])
    return [(row.rep_id, from_wire(wire(row, reasons.get(row.id, [])), str(row.rep_id)))
            for row in rows]
