"""The debrief record: one rep's account of one call, as the app and the server see it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sync.domain.clock import from_iso, to_iso


class Polarity(StrEnum):
    """Which way a reason cuts: toward winning, toward losing, or either."""

    WIN = "win"
    LOSS = "loss"
    BOTH = "both"


class Outcome(StrEnum):
    WON = "won"
    LOST = "lost"
    NO_DECISION = "no_decision"
    OBJECTION = "objection"  # an objection was raised; the deal is still open
    PROGRESSED = "progressed"

    @property
    def polarity(self) -> Polarity:
        """Which reason codes make sense: a progressed deal has reasons to win."""
        return Polarity.WIN if self in (Outcome.WON, Outcome.PROGRESSED) else Polarity.LOSS


class Stage(StrEnum):
    """The five-stage funnel, in order."""

    AWARENESS = "awareness"
    CONSIDERATION = "consideration"
    INTEREST = "interest"
    EVALUATION = "evaluation"
    SELECTION = "selection"

    @property
    def number(self) -> int:
        return list(Stage).index(self) + 1


class Evidence(StrEnum):
    """Where a reason comes from."""

    CUSTOMER_SAID = "customer_said"
    MY_READ = "my_read"


class Readiness(StrEnum):
    """Was the lead sales-ready when it reached the rep (by the company's criteria)?"""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"


@dataclass(frozen=True)
class Collateral:
    """A piece of collateral the rep used with the customer, and whether it helped
    (None: not said)."""

    key: str
    helped: bool | None = None


@dataclass(frozen=True)
class Segment:
    industry: str | None = None
    company_size: str | None = None
    region: str | None = None

    @property
    def is_complete(self) -> bool:
        return bool(self.industry and self.company_size and self.region)


# The parts of a segment, in order: Segment's fields, and the lists they are picked from.
SEGMENT_PARTS: tuple[str, ...] = tuple(part.name for part in fields(Segment))


@dataclass(frozen=True)
class Reason:
    code: str
    detail: str | None = None
    evidence: Evidence = Evidence.MY_READ
    primary: bool = False
    # The rep's few words, for a code that asks for them ("Other": what was it?).
    words: str | None = None


@dataclass(frozen=True)
class Debrief:
    """One debrief. `revision` grows by one on every local save; 0 means never saved."""

    id: str
    rep: str
    outcome: Outcome | None = None
    stage: Stage | None = None
    segment: Segment = field(default_factory=Segment)
    reasons: tuple[Reason, ...] = ()
    reasons_unknown: bool = False  # the honest "don't know"
    competitor: str | None = None
    deal_value: Decimal | None = None
    currency: str | None = None
    crm_ref: str | None = None
    quote: str | None = None
    share_quote: bool = False
    # The lead facts, all optional (picked from sync.domain.lead_lists): where the lead
    # came from, whether it was sales-ready and which criteria it failed, the collateral
    # used, and a play that worked, shared with marketing only by choice (as the quote).
    lead_source: str | None = None
    sales_ready: Readiness | None = None
    failed_criteria: tuple[str, ...] = ()
    collateral: tuple[Collateral, ...] = ()
    play: str | None = None
    share_play: bool = False
    private_notes: str | None = None
    account_name: str | None = None
    revision: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    deleted: bool = False

    @property
    def primary_reason(self) -> Reason | None:
        return next((reason for reason in self.reasons if reason.primary), None)

    def with_changes(self, **changes: Any) -> Debrief:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field, local-only ones included (for drafts)."""
        return {
            "id": self.id,
            "rep": self.rep,
            "outcome": self.outcome.value if self.outcome else None,
            "stage": self.stage.value if self.stage else None,
            "segment": {
                "industry": self.segment.industry,
                "company_size": self.segment.company_size,
                "region": self.segment.region,
            },
            "reasons": [
                {
                    "code": r.code,
                    "detail": r.detail,
                    "evidence": r.evidence.value,
                    "primary": r.primary,
                    # Only when given: a reason without them reads as before to a
                    # server that does not know them (protocol 3).
                    **({"words": r.words} if r.words is not None else {}),
                }
                for r in self.reasons
            ],
            "reasons_unknown": self.reasons_unknown,
            "competitor": self.competitor,
            "deal_value": str(self.deal_value) if self.deal_value is not None else None,
            "currency": self.currency,
            "crm_ref": self.crm_ref,
            "quote": self.quote,
            "share_quote": self.share_quote,
            "lead_source": self.lead_source,
            "sales_ready": self.sales_ready.value if self.sales_ready else None,
            "failed_criteria": list(self.failed_criteria),
            "collateral": [{"key": c.key, "helped": c.helped} for c in self.collateral],
            "play": self.play,
            "share_play": self.share_play,
            "private_notes": self.private_notes,
            "account_name": self.account_name,
            "revision": self.revision,
            "created_at": to_iso(self.created_at) if self.created_at else None,
            "updated_at": to_iso(self.updated_at) if self.updated_at else None,
            "deleted": self.deleted,
        }

    def shared_dict(self) -> dict[str, Any]:
        """What may leave the machine: structured fields, and the quote and the play
        only if shared."""
        data = {k: v for k, v in self.to_dict().items() if k not in LOCAL_ONLY_FIELDS}
        if not self.share_quote:
            data["quote"] = None
        if not self.share_play:
            data["play"] = None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Debrief:
        segment = data.get("segment") or {}
        return cls(
            id=data["id"],
            rep=data["rep"],
            outcome=Outcome(data["outcome"]) if data.get("outcome") else None,
            stage=Stage(data["stage"]) if data.get("stage") else None,
            segment=Segment(
                industry=segment.get("industry"),
                company_size=segment.get("company_size"),
                region=segment.get("region"),
            ),
            reasons=tuple(
                Reason(
                    code=r["code"],
                    detail=r.get("detail"),
                    evidence=Evidence(r.get("evidence", Evidence.MY_READ.value)),
                    primary=bool(r.get("primary")),
                    words=r.get("words"),
                )
                for r in data.get("reasons") or ()
            ),
            reasons_unknown=bool(data.get("reasons_unknown")),
            competitor=data.get("competitor"),
            deal_value=Decimal(data["deal_value"]) if data.get("deal_value") else None,
            currency=data.get("currency"),
            crm_ref=data.get("crm_ref"),
            quote=data.get("quote"),
            share_quote=bool(data.get("share_quote")),
            lead_source=data.get("lead_source"),
            sales_ready=Readiness(data["sales_ready"]) if data.get("sales_ready") else None,
            failed_criteria=tuple(str(key) for key in data.get("failed_criteria") or ()),
            collateral=tuple(Collateral(str(c["key"]), _flag(c.get("helped")))
                             for c in data.get("collateral") or ()),
            play=data.get("play"),
            share_play=bool(data.get("share_play")),
            private_notes=data.get("private_notes"),
            account_name=data.get("account_name"),
            revision=int(data.get("revision") or 0),
            created_at=from_iso(data["created_at"]) if data.get("created_at") else None,
            updated_at=from_iso(data["updated_at"]) if data.get("updated_at") else None,
            deleted=bool(data.get("deleted")),
        )


# A debrief's fields, and where each may go. The wire (sync.domain.wire) and the local
# store's columns are derived from these; the dict form above, the local table and the
# central store's schemas, rows and table are checked against them
# (tests/test_debrief_fields.py). A new field travels unless it is named below.
DEBRIEF_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Debrief))
# Never leave the rep's machine: not pushed, not stored centrally.
LOCAL_ONLY_FIELDS: frozenset[str] = frozenset({"private_notes", "account_name"})
# Not sent: the central store takes the rep from who signed in.
NOT_ON_WIRE_FIELDS: frozenset[str] = frozenset({"rep"})


# The lead facts: optional, and sent only when given, so that a server that does not
# know them yet takes the debriefs that leave them out (sync.domain.wire).
LEAD_FIELDS: tuple[str, ...] = ("lead_source", "sales_ready", "failed_criteria",
                                "collateral", "play", "share_play")


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def listed_as_text(debrief: Debrief) -> dict[str, str | None]:
    """The failed criteria and the collateral as both stores keep them, a column each:
    JSON text as the dict form has them, None for none."""
    return {"failed_criteria": json.dumps(list(debrief.failed_criteria))
            if debrief.failed_criteria else None,
            "collateral": json.dumps([{"key": c.key, "helped": c.helped}
                                      for c in debrief.collateral])
            if debrief.collateral else None}


def listed_from_text(failed_criteria: str | None,
                     collateral: str | None) -> dict[str, tuple[Any, ...]]:
    """What `listed_as_text` wrote, as the debrief's fields."""
    return {"failed_criteria": tuple(str(key) for key in json.loads(failed_criteria or "[]")),
            "collateral": tuple(Collateral(str(c["key"]), _flag(c.get("helped")))
                                for c in json.loads(collateral or "[]"))}


def columns_of(names: Iterable[str]) -> tuple[str, ...]:
    """The fields `names` as a table's columns: the segment's parts in its place, the
    reasons left out (they have a table of their own, one row per reason)."""
    flat = {"segment": SEGMENT_PARTS, "reasons": ()}
    return tuple(column for name in names for column in flat.get(name, (name,)))
