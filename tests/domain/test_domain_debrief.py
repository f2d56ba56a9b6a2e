"""Tests for the debrief record: its dict forms, what may leave the machine, its enums."""

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from helpers.domain_strategies import debriefs
from hypothesis import given

from sync.domain.debrief import (
    LOCAL_ONLY_FIELDS,
    Debrief,
    Evidence,
    Outcome,
    Polarity,
    Reason,
    Segment,
    Stage,
)

CREATED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def full_debrief(**changes) -> Debrief:
    """A debrief with every field set."""
    debrief = Debrief(
        id="0190a000-0000-7000-8000-000000000001",
        rep="ana",
        outcome=Outcome.LOST,
        stage=Stage.EVALUATION,
        segment=Segment(industry="software", company_size="50-199", region="dach"),
        reasons=(
            Reason("price.too_high", "price.too_high.over_budget", Evidence.CUSTOMER_SAID,
                   primary=True),
            Reason("budget.no_budget"),
        ),
        competitor="Rocket Corp",
        deal_value=Decimal("48000.00"),
        currency="EUR",
        crm_ref="OPP-42",
        quote="We could not justify the price.",
        share_quote=True,
        private_notes="Call Jo back in March.",
        account_name="Acme Ltd",
        revision=3,
        created_at=CREATED,
        updated_at=CREATED + timedelta(minutes=5),
    )
    return debrief.with_changes(**changes)


def test_to_dict_writes_plain_json_values():
    data = full_debrief().to_dict()
    assert data["outcome"] == "lost"
    assert data["stage"] == "evaluation"
    assert data["segment"] == {"industry": "software", "company_size": "50-199",
                               "region": "dach"}
    assert data["reasons"][0] == {"code": "price.too_high",
                                  "detail": "price.too_high.over_budget",
                                  "evidence": "customer_said", "primary": True}
    assert data["deal_value"] == "48000.00"
    assert data["created_at"] == "2026-01-05T09:00:00.000000Z"
    assert data["updated_at"] == "2026-01-05T09:05:00.000000Z"
    assert json.loads(json.dumps(data)) == data


def test_a_full_debrief_round_trips_through_a_dict():
    debrief = full_debrief()
    assert Debrief.from_dict(debrief.to_dict()) == debrief


def test_an_empty_debrief_round_trips_through_a_dict():
    debrief = Debrief(id="x", rep="ana")
    assert Debrief.from_dict(debrief.to_dict()) == debrief


def test_a_zero_deal_value_survives_the_round_trip():
    debrief = full_debrief(deal_value=Decimal("0.00"))
    assert Debrief.from_dict(debrief.to_dict()).deal_value == Decimal("0.00")


def test_from_dict_fills_defaults_for_missing_optional_fields():
    debrief = Debrief.from_dict({"id": "x", "rep": "ana",
                                 "reasons": [{"code": "price.too_high"}]})
    assert debrief.reasons == (Reason("price.too_high", None, Evidence.MY_READ, False),)
    assert debrief.segment == Segment()
    assert (debrief.revision, debrief.deleted, debrief.created_at) == (0, False, None)


def test_from_dict_reads_timestamps_in_any_offset_as_utc():
    data = full_debrief().to_dict() | {"created_at": "2026-01-05T11:00:00+02:00"}
    created = Debrief.from_dict(data).created_at
    assert created == CREATED
    assert created.tzinfo is UTC


def test_from_dict_refuses_an_unknown_outcome():
    with pytest.raises(ValueError, match="'maybe' is not a valid Outcome"):
        Debrief.from_dict({"id": "x", "rep": "ana", "outcome": "maybe"})


@given(debriefs())
def test_any_debrief_round_trips_through_json(debrief):
    text = json.dumps(debrief.to_dict())
    assert Debrief.from_dict(json.loads(text)) == debrief


# --- what leaves the machine ----------------------------------------------------------


def test_shared_dict_never_holds_private_notes_or_the_account_name():
    shared = full_debrief().shared_dict()
    assert "private_notes" not in shared
    assert "account_name" not in shared
    assert {"private_notes", "account_name"} == LOCAL_ONLY_FIELDS


def test_shared_dict_keeps_a_shared_quote():
    assert full_debrief().shared_dict()["quote"] == "We could not justify the price."


def test_shared_dict_drops_an_unshared_quote():
    shared = full_debrief(share_quote=False).shared_dict()
    assert shared["quote"] is None
    assert shared["share_quote"] is False


def test_shared_dict_keeps_every_other_field():
    debrief = full_debrief()
    expected = {k: v for k, v in debrief.to_dict().items() if k not in LOCAL_ONLY_FIELDS}
    assert debrief.shared_dict() == expected


@given(debriefs())
def test_shared_dict_never_leaks_local_fields_or_unshared_quotes(debrief):
    shared = debrief.shared_dict()
    assert not LOCAL_ONLY_FIELDS & shared.keys()
    if not debrief.share_quote:
        assert shared["quote"] is None


# --- parts ----------------------------------------------------------------------------


def test_primary_reason():
    assert full_debrief().primary_reason == Reason(
        "price.too_high", "price.too_high.over_budget", Evidence.CUSTOMER_SAID, primary=True)
    assert full_debrief(reasons=(Reason("price.too_high"),)).primary_reason is None


def test_with_changes_leaves_the_original_alone():
    original = full_debrief()
    changed = original.with_changes(competitor="Globex")
    assert (original.competitor, changed.competitor) == ("Rocket Corp", "Globex")


@pytest.mark.parametrize(("segment", "complete"), [
    (Segment("software", "50-199", "dach"), True),
    (Segment("software", "50-199", None), False),
    (Segment("software", "", "dach"), False),
    (Segment(), False),
])
def test_segment_is_complete_only_with_every_part(segment, complete):
    assert segment.is_complete is complete


@pytest.mark.parametrize(("outcome", "polarity"), [
    (Outcome.WON, Polarity.WIN), (Outcome.PROGRESSED, Polarity.WIN),
    (Outcome.LOST, Polarity.LOSS), (Outcome.NO_DECISION, Polarity.LOSS),
    (Outcome.OBJECTION, Polarity.LOSS),
])
def test_outcome_polarity(outcome, polarity):
    assert outcome.polarity is polarity


def test_stages_are_numbered_in_funnel_order():
    assert [(s.value, s.number) for s in Stage] == [
        ("awareness", 1), ("consideration", 2), ("interest", 3), ("evaluation", 4),
        ("selection", 5),
    ]


def test_timestamps_in_other_offsets_are_the_same_moment_after_a_round_trip():
    local = CREATED.astimezone(timezone(timedelta(hours=-5)))
    back = Debrief.from_dict(full_debrief(created_at=local).to_dict())
    assert back.created_at == CREATED
