"""Every list of a debrief's fields agrees with the one declaration beside the record
(sync/domain/debrief.py): the record's dict form, the wire, the local store's columns and
table, the push and pull schemas, the central store's rows and table. A field added to
one of them and not to the others fails here, naming where.

The round trips that check the values (not only the names) are in
tests/domain/test_domain_wire.py, tests/store/test_store_round_trip.py and
tests/server/test_server_round_trip.py."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import MISSING, Field, fields
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa

from desktop.store import debriefs as local_store
from desktop.store.database import prepare
from sync.domain.clock import SteppingClock
from sync.domain.debrief import (
    DEBRIEF_FIELDS,
    LOCAL_ONLY_FIELDS,
    NOT_ON_WIRE_FIELDS,
    SEGMENT_PARTS,
    Collateral,
    Debrief,
    Evidence,
    Outcome,
    Readiness,
    Reason,
    Segment,
    Stage,
    columns_of,
)
from sync.domain.wire import WIRE_FIELDS, to_wire
from sync.server import ingest, stored
from sync.server.accounts import User
from sync.server.api.schemas import DebriefIn, DebriefOut, ReasonIn, SegmentIn
from sync.server.tables import debrief_reasons, debriefs

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

# What the local debrief table holds besides the record: what a save adds (the entries it
# earned, the taxonomy it was checked against), then what sync keeps per debrief
# (desktop/store/sync_replica.py).
LOCAL_EXTRAS = ("entries", "taxonomy_version")
LOCAL_SYNC_STATE = {"synced_revision", "pulled_revision", "refused_revision", "refusal"}
# What the central store adds to a pushed debrief: whose it is (not `rep`: the server
# knows who signed in), when it came, in which change of the rep's feed.
CENTRAL_EXTRAS = {"rep_id", "received_at", "change_seq", "team_id"}
# A reason table: which debrief, where in its list, then the reason's fields; `primary`
# is an SQL keyword, so its column is `is_primary`.
REASON_KEY = {"debrief_id", "position"}
REASON_COLUMN_OF = {"primary": "is_primary"}


def reason_columns() -> set[str]:
    return REASON_KEY | {REASON_COLUMN_OF.get(f.name, f.name) for f in fields(Reason)}


def full_debrief() -> Debrief:
    """A debrief with every field away from its default (a new field must be given a
    value here: then every mapper below has to carry it)."""
    return Debrief(
        id="0190a000-0000-7000-8000-000000000001", rep="ana", outcome=Outcome.LOST,
        stage=Stage.EVALUATION, segment=Segment("software", "50-199", "dach"),
        reasons=(Reason("price.too_high", "price.too_high.over_budget",
                        Evidence.CUSTOMER_SAID, primary=True, words="no budget left"),),
        reasons_unknown=True, competitor="Rocket Corp", deal_value=Decimal("48000.00"),
        currency="EUR", crm_ref="OPP-42", quote="Too dear.", share_quote=True,
        lead_source="event", sales_ready=Readiness.PARTLY, failed_criteria=("budget",),
        collateral=(Collateral("case_study", True),), play="Brought their CFO in early.",
        share_play=True,
        private_notes="Call Jo back.", account_name="Acme Ltd", revision=3,
        created_at=T0, updated_at=T0, deleted=True)


def default_of(f: Field) -> Any:
    return f.default_factory() if f.default_factory is not MISSING else f.default


# --- the declaration and the record ------------------------------------------------------


def test_the_declaration_names_fields_the_record_has():
    assert set(DEBRIEF_FIELDS) >= LOCAL_ONLY_FIELDS | NOT_ON_WIRE_FIELDS
    assert tuple(f.name for f in fields(Segment)) == SEGMENT_PARTS


def test_the_sample_sets_every_field():
    debrief = full_debrief()
    at_default = [f.name for f in fields(Debrief)
                  if f.default is not MISSING or f.default_factory is not MISSING
                  if getattr(debrief, f.name) == default_of(f)]
    assert at_default == []


def test_the_dict_form_carries_every_field_there_and_back():
    data = full_debrief().to_dict()
    assert tuple(data) == DEBRIEF_FIELDS
    assert tuple(data["segment"]) == SEGMENT_PARTS
    assert tuple(data["reasons"][0]) == tuple(f.name for f in fields(Reason))
    assert Debrief.from_dict(data) == full_debrief()


# --- the wire ------------------------------------------------------------------------------


def test_the_wire_carries_every_field_but_those_that_never_travel():
    assert set(WIRE_FIELDS) == set(DEBRIEF_FIELDS) - LOCAL_ONLY_FIELDS - NOT_ON_WIRE_FIELDS
    assert tuple(to_wire(full_debrief())) == WIRE_FIELDS


# --- the local store -----------------------------------------------------------------------


def local_table(tmp_path: Path, table: str) -> set[str]:
    """The columns of `table` in a database the store's migrations made."""
    path = tmp_path / "debrief.sqlite"
    prepare(path, SteppingClock(start=T0))
    with closing(sqlite3.connect(path)) as conn:
        return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def test_the_local_store_writes_every_field_as_a_column():
    assert (*columns_of(DEBRIEF_FIELDS), *LOCAL_EXTRAS) == local_store._COLUMNS
    assert len(set(local_store._COLUMNS)) == len(local_store._COLUMNS)
    row = local_store._row(full_debrief(), 3, "2026-01")
    assert set(row) == set(local_store._COLUMNS)


def test_the_local_table_has_the_stores_columns(tmp_path):
    assert local_table(tmp_path, "debrief") == set(local_store._COLUMNS) | LOCAL_SYNC_STATE


def test_the_local_reason_table_has_a_reasons_fields(tmp_path):
    assert local_table(tmp_path, "reason") == reason_columns()


# --- the central store ---------------------------------------------------------------------


def central_columns() -> set[str]:
    return set(columns_of(WIRE_FIELDS)) | CENTRAL_EXTRAS


def pulled(reasons: list[dict[str, Any]]) -> dict[str, Any]:
    """`stored.wire` of a row with just the central table's columns (it fails on any other)."""
    row = SimpleNamespace(**{
        column.name: T0 if isinstance(column.type, sa.DateTime) else None
        for column in debriefs.c})
    return stored.wire(row, reasons)


def test_the_push_and_pull_schemas_have_the_wire_fields():
    assert set(DebriefIn.model_fields) == set(WIRE_FIELDS)
    assert set(DebriefOut.model_fields) == set(WIRE_FIELDS)
    assert tuple(SegmentIn.model_fields) == SEGMENT_PARTS
    assert tuple(ReasonIn.model_fields) == tuple(f.name for f in fields(Reason))


def test_a_pulled_debrief_has_the_wire_fields():
    assert set(pulled([])) == set(WIRE_FIELDS)
    assert tuple(pulled([])["segment"]) == SEGMENT_PARTS


def test_the_central_table_holds_the_wire_fields():
    assert {column.name for column in debriefs.c} == central_columns()
    assert {column.name for column in debrief_reasons.c} == reason_columns()


def test_a_push_writes_every_column_of_the_central_table():
    assert set(ingest.DEBRIEF_COLUMNS) == central_columns()
    assert len(ingest.DEBRIEF_COLUMNS) == len(central_columns())
    rep = User(1, "ana", "Ana", "rep", team_id=3, disabled=False)
    assert len(ingest._row(full_debrief(), rep, (T0, 1))) == len(ingest.DEBRIEF_COLUMNS)
    assert set(ingest.REASON_COLUMNS) == reason_columns()


CENTRAL_LISTS = {
    "wire": lambda: WIRE_FIELDS,
    "push schema": lambda: DebriefIn.model_fields,
    "pull schema": lambda: DebriefOut.model_fields,
    "pulled debrief": lambda: pulled([]),
    "central table": lambda: [column.name for column in debriefs.c],
    "push's columns": lambda: ingest.DEBRIEF_COLUMNS,
}


@pytest.mark.parametrize("where", CENTRAL_LISTS)
def test_fields_that_never_travel_are_in_no_central_list(where):
    assert not (LOCAL_ONLY_FIELDS | NOT_ON_WIRE_FIELDS) & set(CENTRAL_LISTS[where]())
