"""The debrief record: one rep's account of one call, as the app and the server see it."""

from __future__ import annotations

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
            "private_notes": self.private_notes,
            "account_name": self.account_name,
            "revision": self.revision,
            "created_at": to_iso(self.created_at) if self.created_at else None,
            "updated_at": to_iso(self.updated_at) if self.updated_at else None,
            "deleted": self.deleted,
        }

    def shared_dict(self) -> dict[str, Any]:
        """What may leave the machine: structured fields, and the quote only if shared."""
        data = {k: v for k, v in self.to_dict().items() if k not in LOCAL_ONLY_FIELDS}
        if not self.share_quote:
            data["quote"] = None
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


def columns_of(names: Iterable[str]) -> tuple[str, ...]:
    """The fields `names` as a table's columns: the segment's parts in its place, the
    reasons left out (they have a table of their own, one row per reason)."""
    flat = {"segment": SEGMENT_PARTS, "reasons": ()}
    return tuple(column for name in names for column in flat.get(name, (name,)))
