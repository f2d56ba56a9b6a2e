"""What the API takes and gives. Inputs forbid unknown fields (no mass assignment, and
a private note or account name sent by mistake is refused, not stored)."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)

from sync.domain.actions import DIMENSIONS as ACTION_DIMENSIONS
from sync.domain.actions import OWNER_MAX, TITLE_MAX, VALUE_MAX, Direction, Verdict
from sync.domain.actions import Kind as ActionKind
from sync.domain.actions import Status as ActionStatus
from sync.domain.clock import as_utc
from sync.domain.contest_limits import MAX_WINNERS, NAME_MAX, PRIZE_MAX, VOID_REASON_MAX
from sync.domain.debrief import Evidence, Outcome, Readiness, Stage
from sync.domain.leaderboard import Band
from sync.domain.scoring import MAX_CONTEST_DAYS, MAX_RULE, ContestRules, Why
from sync.protocol import MAX_BATCH
from sync.server.contests import CONTEST_HORIZON_YEARS

MAX_ID = 2**31 - 1  # integer ids fit a 32-bit column on every database
MAX_OFFSET = 1_000_000
DEFAULT_PAGE = 100

DEBRIEF_ID = r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
# A place in a rep's change feed: "0" (the start), or "N:id" from an earlier answer.
FEED_POSITION = rf"^(0|[1-9][0-9]{{0,17}})(:{DEBRIEF_ID[1:-1]})?$"
ISO_DATE_START = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"  # how an ISO 8601 time starts
_ISO_DATE = re.compile(ISO_DATE_START)


NO_NUL = r"^[^\x00]*$"  # what the OpenAPI document says of text that `_no_nul` checks


def _no_nul(value: str) -> str:
    """NUL cannot be stored as text (PostgreSQL refuses it) and is never typed."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# Free text from a client. Text with a pattern needs no check of its own: the patterns
# admit no NUL. (A validator on every field of every model cost a third of decoding a push.)
# The length comes before the NUL check, inside the Annotated: there it is pydantic's own
# string check, which also refuses unpaired surrogates; a Field on `Text | None` is not.
# The check is a function, for its message; the document states it as a pattern.
_NO_NUL = (AfterValidator(_no_nul), Field(json_schema_extra={"pattern": NO_NUL}))
Text = Annotated[str, *_NO_NUL]
ShortText = Annotated[str, Field(max_length=64), *_NO_NUL]
NameText = Annotated[str, Field(max_length=200), *_NO_NUL]
QuoteText = Annotated[str, Field(max_length=10_000), *_NO_NUL]


def _iso_text(value: Any) -> Any:
    """A time comes as ISO 8601 text: a number, bare or quoted (which pydantic would read
    as seconds since 1970), is refused."""
    is_text = isinstance(value, str) and _ISO_DATE.match(value) is not None
    if not (is_text or isinstance(value, datetime)):
        raise ValueError("give the time as ISO 8601 text, like 2026-11-02T09:00:00Z")
    return value


# A time as ISO 8601 text, never a number (in a body or a query). The document says so
# with the pattern too: a client that does not check "format" still sees it.
_ISO_TEXT = (BeforeValidator(_iso_text), Field(json_schema_extra={"pattern": ISO_DATE_START}))
IsoDatetime = Annotated[datetime, *_ISO_TEXT]
# A timestamp with its zone, handed on in UTC; one whose UTC time falls outside years
# 1 to 9999 is refused here, naming the field, instead of failing later.
UtcDatetime = Annotated[AwareDatetime, *_ISO_TEXT, AfterValidator(as_utc)]


def _whole_number(value: Any) -> Any:
    """1958.0 is the whole number 1958 (JSON has one kind of number, and the document's
    "integer" takes it); 1958.5 is left to be refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# JSON's true, false and whole numbers only: "yes" is not a tombstone, nor "7" a revision.
Flag = Annotated[bool, Field(strict=True)]
Whole = Annotated[int, BeforeValidator(_whole_number), Field(strict=True)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SignInIn(Input):
    username: Text = Field(min_length=1, max_length=64)
    password: Text = Field(min_length=1, max_length=256)


class UserOut(BaseModel):
    id: int = Field(description="as the ledger of a contest's draw names the user")
    username: str
    display_name: str
    role: str
    team: str | None
    manages: list[str]


class SignInOut(BaseModel):
    token: str
    expires_at: datetime
    user: UserOut


class SegmentIn(Input):
    industry: ShortText | None = None
    company_size: ShortText | None = None
    region: ShortText | None = None


class ReasonIn(Input):
    code: Text = Field(min_length=1, max_length=64)
    detail: ShortText | None = None
    evidence: Evidence = Evidence.MY_READ
    primary: Flag = False
    words: Annotated[str, Field(max_length=200), *_NO_NUL] | None = Field(None, description=(
        "protocol 4: the rep's few words, for a code that asks for them (\"Other\"); "
        "required there, refused elsewhere"))


# DebriefIn and DebriefOut have the wire's fields (sync.domain.wire.WIRE_FIELDS), no
# more: tests/test_debrief_fields.py fails when they and the wire disagree.
class CollateralIn(Input):
    key: Text = Field(min_length=1, max_length=64)
    helped: Flag | None = Field(default=None, description="null: not said")


class DebriefIn(Input):
    """One debrief as the app pushes it (sync.domain.wire)."""

    id: str = Field(pattern=DEBRIEF_ID, description="a UUIDv7 made by the app")
    revision: Whole = Field(ge=1, le=2**31 - 1)
    outcome: Outcome | None = None
    stage: Stage | None = None
    segment: SegmentIn = Field(default_factory=SegmentIn)
    reasons: list[ReasonIn] = Field(default_factory=list, max_length=20)
    reasons_unknown: Flag = False
    competitor: NameText | None = None
    deal_value: str | None = Field(default=None, pattern=r"^[0-9]{1,13}(\.[0-9]{1,4})?$")
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    crm_ref: NameText | None = None
    quote: QuoteText | None = None
    share_quote: Flag = False
    # The lead facts (protocol 3): sent only when given.
    lead_source: ShortText | None = None
    sales_ready: Readiness | None = None
    failed_criteria: list[Annotated[Text, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=20)
    collateral: list[CollateralIn] = Field(default_factory=list, max_length=20)
    play: QuoteText | None = None
    share_play: Flag = False
    created_at: UtcDatetime
    updated_at: UtcDatetime
    deleted: Flag = False


class DebriefOut(BaseModel):
    id: str
    revision: int
    outcome: Outcome | None
    stage: Stage | None
    segment: dict[str, str | None]
    reasons: list[dict[str, Any]]
    reasons_unknown: bool
    competitor: str | None
    deal_value: str | None
    currency: str | None
    crm_ref: str | None
    quote: str | None
    share_quote: bool
    lead_source: str | None
    sales_ready: str | None
    failed_criteria: list[str]
    collateral: list[dict[str, Any]]
    play: str | None
    share_play: bool
    created_at: str
    updated_at: str
    deleted: bool


class PushIn(Input):
    debriefs: list[DebriefIn] = Field(min_length=1, max_length=MAX_BATCH)


class ProblemOut(BaseModel):
    field: str
    message: str


class ItemResultOut(BaseModel):
    id: str
    revision: int
    status: str = Field(description="accepted, duplicate or rejected")
    problems: list[ProblemOut]


class PushOut(BaseModel):
    results: list[ItemResultOut]
    accepted: int
    duplicate: int
    rejected: int


class DebriefPage(BaseModel):
    items: list[DebriefOut]
    next_cursor: str | None = Field(
        description="paging by id (`cursor`): pass it back as `cursor`; null at the end")
    next_since: str | None = Field(
        default=None, description="paging by the change feed (`since`): pass it back as "
        "`since`, now for the next page or later for what changed since; null when "
        "paging by id")
    more: bool = Field(description="whether another page follows")
    restarted: bool = Field(
        default=False, description="the `since` sent was ahead of the rep's feed (a "
        "server restored from a backup): this answer reads the feed from its start")


class ConfigOut(BaseModel):
    """What the app replaces its shipped defaults with."""

    protocol: int
    taxonomy_version: str
    taxonomy: dict[str, Any]
    segments: dict[str, Any]
    contest_rules: dict[str, Any]
    lead_lists: dict[str, Any] = Field(description=(
        "lead sources, sales-qualified-lead criteria and collateral (protocol 3)"))


# --- the reason taxonomy (marketing's changes) ------------------------------------------
# Shapes only; what a key may be named, label lengths and what the taxonomy can take are
# checked by sync.domain.taxonomy_changes (a 422 naming the field).
TaxonomyKey = Annotated[str, Field(min_length=1, max_length=120, pattern=r"^[a-z0-9_.]+$")]
TaxonomyLabel = Annotated[str, Field(max_length=200), *_NO_NUL]


class _TaxonomyChange(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AddCode(_TaxonomyChange):
    kind: Literal["add"]
    category: TaxonomyKey
    key: TaxonomyKey
    label: TaxonomyLabel
    applies_to: Literal["win", "loss", "both"]
    keywords: list[Annotated[str, Field(max_length=40)]] = Field(default=[], max_length=12)
    from_words: TaxonomyLabel | None = Field(None, description=(
        "the suggestion it was made from (`/insights/other-words`): those words are "
        "no longer suggested"))


class RenameCode(_TaxonomyChange):
    kind: Literal["rename"]
    key: TaxonomyKey
    label: TaxonomyLabel


class RetireCode(_TaxonomyChange):
    kind: Literal["retire"]
    key: TaxonomyKey


class AddDetail(_TaxonomyChange):
    kind: Literal["add_detail"]
    code: TaxonomyKey
    key: TaxonomyKey
    label: TaxonomyLabel


class RenameDetail(_TaxonomyChange):
    kind: Literal["rename_detail"]
    key: TaxonomyKey
    label: TaxonomyLabel


class RetireDetail(_TaxonomyChange):
    kind: Literal["retire_detail"]
    key: TaxonomyKey


class MergeCodes(_TaxonomyChange):
    kind: Literal["merge"]
    sources: list[TaxonomyKey] = Field(min_length=1, max_length=20)
    into: TaxonomyKey


class SplitPart(_TaxonomyChange):
    key: TaxonomyKey
    label: TaxonomyLabel


class SplitCode(_TaxonomyChange):
    kind: Literal["split"]
    source: TaxonomyKey
    parts: list[SplitPart] = Field(min_length=2, max_length=10)


TaxonomyChange = Annotated[AddCode | RenameCode | RetireCode | AddDetail | RenameDetail
                           | RetireDetail | MergeCodes | SplitCode,
                           Field(discriminator="kind")]


class TaxonomyChangeIn(BaseModel):
    """One change, made to the version the marketer looked at (`based_on`)."""

    model_config = ConfigDict(extra="forbid")
    based_on: Annotated[str, Field(min_length=1, max_length=40)]
    change: TaxonomyChange


class TaxonomyVersionOut(BaseModel):
    version: str
    change: dict[str, Any]  # {"kind": ..., and its fields}; {"kind": "shipped"} first
    made_by: str | None
    made_at: datetime


class TaxonomyOut(BaseModel):
    """The newest version, in full, and every version's change, newest first."""

    version: str
    taxonomy: dict[str, Any]
    versions: list[TaxonomyVersionOut]


# Contest rules are checked by ContestRules (names, 0 to MAX_RULE, a cap at least the
# base); the document states what a schema can: the names, and whole numbers in range.
RulesIn = Annotated[dict[str, Whole], WithJsonSchema({
    "type": "object", "additionalProperties": False,
    "properties": {rule.name: {"type": "integer", "minimum": 0, "maximum": MAX_RULE}
                   for rule in fields(ContestRules)}})]


class ContestIn(Input):
    team: Text = Field(min_length=1, max_length=80)
    name: Text = Field(min_length=1, max_length=NAME_MAX)
    prize: Text = Field(min_length=1, max_length=PRIZE_MAX)
    starts_at: UtcDatetime = Field(description="in 2000 or later")
    ends_at: UtcDatetime = Field(description=(
        f"after starts_at, at most {MAX_CONTEST_DAYS:,} days after it, and within "
        f"{CONTEST_HORIZON_YEARS} years from now"))
    rules: RulesIn | None = Field(default=None, description="scoring rules; default rules "
                                  "if left out; cap at least base")
    winners: int = Field(default=1, ge=1, le=MAX_WINNERS,
                         description="how many reps the draw picks")


class ContestEdit(Input):
    """What to change; what is left out stays. Before the start anything may change. Once
    started: the name and prize, and the rules as a new version from now on. Once
    ended: nothing."""

    name: Text | None = Field(default=None, min_length=1, max_length=NAME_MAX)
    prize: Text | None = Field(default=None, min_length=1, max_length=PRIZE_MAX)
    starts_at: UtcDatetime | None = Field(default=None, description="before the start only")
    ends_at: UtcDatetime | None = Field(default=None, description="before the start only")
    rules: RulesIn | None = Field(default=None, description=(
        "the whole set; once started, a new version from now on"))
    winners: int | None = Field(default=None, ge=1, le=MAX_WINNERS,
                                description="before the start only")


class RuleVersionOut(BaseModel):
    number: int
    applies_from: datetime | None = Field(description="null: from the contest's start")
    rules: dict[str, int]


class ContestOut(BaseModel):
    id: int
    team: str
    name: str
    prize: str
    starts_at: datetime
    ends_at: datetime
    running: bool
    rules: dict[str, int] = Field(description="the rules in force now (the newest version)")
    rule_versions: list[RuleVersionOut] = Field(description=(
        "every version, oldest first: a debrief is scored by the one in force when it was "
        "made"))
    winners: int = Field(description="how many reps the draw picks")
    commitment: str = Field(description="SHA-256 of the draw's secret seed, hex, published "
                            "from the start (docs/draw.md)")
    beacon_url: str | None = Field(default=None, description=(
        "the public randomness beacon (drand) whose round is mixed into the draw"))
    beacon_round: int | None = Field(default=None, description=(
        "that beacon's round, its first at or after the contest's end; null: none"))


class WinnerOut(BaseModel):
    place: int
    rep_id: int
    username: str
    display_name: str
    entries: int


class DrawOut(BaseModel):
    """What is published of a contest's draw so far (docs/draw.md): the commitment from
    the start; the ledger's digest once the contest has ended (the ledger itself at
    /contests/{id}/ledger); the seed and the winners once drawn."""

    contest_id: int
    commitment: str
    committed_at: datetime | None = Field(description="when the commitment was published; "
                                          "a contest committed only after its end is "
                                          "never drawn")
    winners_drawn: int = Field(description="how many reps the draw picks")
    frozen: bool = Field(description="the contest has ended and its ledger is frozen")
    ledger_sha256: str | None
    frozen_at: datetime | None
    seed: str | None = Field(description="hex; null until the draw")
    winners: list[WinnerOut] | None = Field(description="first place first; null until "
                                            "the draw")
    drawn_at: datetime | None
    beacon_url: str | None = None
    beacon_round: int | None = None
    beacon_randomness: str | None = Field(default=None, description=(
        "the round's randomness, hex, once drawn; check it at the beacon itself"))


class ContestPage(BaseModel):
    items: list[ContestOut]
    next_cursor: int | None


class VoidIn(Input):
    debrief_id: Text = Field(min_length=1, max_length=36)
    reason: Text = Field(min_length=1, max_length=VOID_REASON_MAX,
                        description="the rep reads it")


class VoidOut(BaseModel):
    """A void of a debrief's entries in a contest, or its undoing (`voided` false)."""

    id: int
    debrief_id: str
    rep: str = Field(description="the rep's display name")
    voided: bool
    reason: str
    by: str = Field(description="who voided or restored it: a display name")
    at: datetime


class VoidLog(BaseModel):
    items: list[VoidOut] = Field(description="oldest first")


class EntryOut(BaseModel):
    """One of a rep's debriefs in a contest: what it earned, and why."""

    debrief_id: str
    created_at: datetime
    outcome: str
    stage: str
    entries: int
    scored: int = Field(description="what its own detail earns, before near-duplicates, "
                        "the daily cap and voids")
    why: Why
    duplicate_of: str | None = Field(description="for a near-duplicate: the earlier debrief")
    duplicate_of_created_at: datetime | None
    rules_version: int = Field(description="the version of the rules that scored it")
    voids: list[VoidOut] = Field(description="its voids and undoings, oldest first")


class EntriesOut(BaseModel):
    """A rep's own debriefs in a contest (a manager of the team may read any rep's)."""

    contest_id: int
    rep: str
    entries: int
    items: list[EntryOut] = Field(description="oldest first")


class VersionEntriesOut(BaseModel):
    version: int
    entries: int


class StandingOut(BaseModel):
    rank: int
    username: str
    display_name: str
    entries: int
    debriefs: int
    last_activity: datetime | None = Field(default=None, description=(
        "when the rep last logged a debrief; for managers of the team and admins only"))
    by_version: list[VersionEntriesOut] = Field(description=(
        "the entries by version of the rules that scored them"))


class BandOut(BaseModel):
    """Where a rep stands: `code` for programs, `text` for people. The lower half of the
    field reads "keep going", never a rank from the bottom."""

    code: Band
    text: str


class LeaderboardOut(BaseModel):
    """Managers of the team and admins see every rank, a page at a time. A rep sees by
    name only the leaders in the top quarter of the field (at most ten; a tie is shown
    whole or not at all), and their own standing and band."""

    contest_id: int
    field_size: int
    top: list[StandingOut]
    me: StandingOut | None
    my_band: BandOut | None = Field(description="null: not in the field")
    next_offset: int | None


class DetailOut(BaseModel):
    detail: str | None = Field(description="null: the reason naming the code has no detail")
    debriefs: int
    share: float = Field(description="of the group's debriefs")


class CellOut(BaseModel):
    code: str
    debriefs: int
    share: float = Field(description="of the group's debriefs that give this reason")
    details: list[DetailOut] = Field(default_factory=list, description=(
        "the code's count split by detail (each debrief under its first reason naming "
        "the code), details too small to show left out; only in answers grouped by "
        "outcome, month or quarter and not narrowed by another dimension"))


class GroupOut(BaseModel):
    value: str | None = Field(description="null: not given")
    debriefs: int
    reasons: list[CellOut] = Field(description="most cited first; codes given by fewer "
                                   "than min_cell debriefs or by one rep are left out")


class ReasonCountsOut(BaseModel):
    by: str
    min_cell: int = Field(description=(
        "counts of fewer debriefs, or from one rep, are left out, value and all; each "
        "month is counted apart, per outcome and stage (docs/insights-privacy.md)"))
    first_month: str | None = Field(description="YYYY-MM; null: from the first")
    last_month: str | None = Field(description="YYYY-MM, included; null: to the last")
    left_out: int | None = Field(description=(
        "debriefs of the question's cells left out as small groups; null where they "
        "cannot be counted apart from other cells' (narrowed by a segment value, or by "
        "outcome or stage alone)"))
    groups: list[GroupOut]
    next_offset: int | None


class StageReasonOut(BaseModel):
    code: str
    deals: int


class FunnelStageOut(BaseModel):
    stage: str
    reached: int = Field(description="deals whose latest stage is this one or later")
    lost_or_stalled: int = Field(description="deals lost, or with no decision, here")
    loss_rate: float | None
    reasons: list[StageReasonOut] = Field(description="why they were lost here, most given "
                                                      "first")
    win_rate_past: float | None = Field(description=(
        "of the deals that got past this stage, the share won (of won, lost, no decision)"))
    average_won_value_past: str | None = Field(description=(
        "their average value when won, in the reporting currency (decimal text); null: "
        "too few valued deals to show"))


class FunnelOut(BaseModel):
    counting: str = Field(description="what a deal is")
    currency: str = Field(description="the reporting currency")
    values_without_rate: int | None = Field(description=(
        "deal values left out of the sums: no rate for their currency (null: fewer than "
        "min_cell)"))
    min_cell: int
    deals: int = Field(description="deals shown")
    stages: list[FunnelStageOut]


class _SharedText(BaseModel):
    """A text a rep chose to share, with the groups of its debrief that are shown."""

    text: str
    outcome: str
    month: str = Field(description="YYYY-MM")
    stage: str | None = Field(description="null: not given; 'withheld': a small group")
    industry: str | None
    company_size: str | None
    region: str | None


class QuoteOut(_SharedText):
    code: str = Field(description="the reason it is listed under")


class QuotesOut(BaseModel):
    min_cell: int
    quotes: list[QuoteOut]
    next_offset: int | None


class PlayOut(_SharedText):
    """A play a rep shared: no more of its debrief than a quote shows."""


class PlaysOut(BaseModel):
    min_cell: int
    plays: list[PlayOut]
    next_offset: int | None


class LeadItemOut(BaseModel):
    key: str = Field(description="the collateral item's or criterion's key in the lead lists")
    debriefs: int = Field(description="shown debriefs naming it, every outcome asked")
    outcomes: dict[str, int] = Field(description="outcome: shown debriefs naming it")
    groups: dict[str, dict[str, int]] = Field(description=(
        "with `by`: the dimension's value: outcome: shown debriefs naming it"))
    said: dict[str, dict[str, int]] | None = Field(None, description=(
        "collateral only: outcome: whether reps said it helped ('helped', "
        "'did_not_help', '' for not said): debriefs, counted per outcome as a reason's "
        "details are, small counts left out"))


class LeadCountsOut(BaseModel):
    by: str | None
    min_cell: int
    outcomes: dict[str, int] = Field(description="outcome: shown debriefs (the whole)")
    groups: dict[str, dict[str, int]] = Field(description=(
        "with `by`: value: outcome: shown debriefs (each group's whole)"))
    left_out: int = Field(description="debriefs of the period in outcomes not shown")
    items: list[LeadItemOut] = Field(description="most named first")


class SuggestedCodeOut(BaseModel):
    words: str = Field(description="the words, as grouped: lower case, single-spaced")
    debriefs: int = Field(description=(
        "debriefs giving them, summed over the months of the window that show them"))


class OtherWordsOut(BaseModel):
    first_month: str = Field(description="the window's first month, YYYY-MM (UTC)")
    last_month: str = Field(description="its last, the current month")
    min_cell: int
    suggested: list[SuggestedCodeOut] = Field(description="most said first")


MONTH = r"^[12][0-9]{3}-(0[1-9]|1[0-2])$"  # a whole month, YYYY-MM
TitleText = Annotated[str, Field(min_length=1, max_length=TITLE_MAX), *_NO_NUL]
OwnerText = Annotated[str, Field(min_length=1, max_length=OWNER_MAX), *_NO_NUL]
GroupText = Annotated[str, Field(max_length=VALUE_MAX), *_NO_NUL]
DAY = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _day_text(value: Any) -> Any:
    """A day comes as YYYY-MM-DD text: a number (read as seconds since 1970) or a time
    of day is refused."""
    if not (isinstance(value, str) and re.fullmatch(DAY, value)) and not isinstance(
            value, date):
        raise ValueError("give the day as YYYY-MM-DD, like 2027-03-31")
    return value


Day = Annotated[date, BeforeValidator(_day_text), Field(json_schema_extra={"pattern": DAY})]
MonthText = Annotated[str, Field(pattern=MONTH, examples=["2026-06"])]


class MeasureIn(Input):
    """What the action should move: a reason's share of one outcome's debriefs, or the
    share of all debriefs ending in an outcome (the win rate: `outcome` won)."""

    kind: ActionKind
    outcome: Outcome
    code: ShortText | None = Field(None, description="the reason, for kind reason only")
    dimension: Literal[ACTION_DIMENSIONS] | None = Field(  # type: ignore[valid-type]
        None, description="narrowed to one group of this dimension; none: everyone")
    value: GroupText | None = Field(None, description=(
        "the group: a stage's key, a segment's value, a team's name..."))
    direction: Direction | None = Field(None, description=(
        "which way it should go; left out: down, except the share of a reason to win and "
        "the win rate, up"))


class ActionIn(Input):
    title: TitleText = Field(description="what will be done")
    owner: OwnerText = Field(description="who sees to it")
    due: Day
    status: ActionStatus = ActionStatus.OPEN
    measure: MeasureIn
    baseline_from: MonthText = Field(description="the baseline's first month, YYYY-MM")
    baseline_to: MonthText = Field(description=(
        "its last, before the action's month; the months after the action's own are "
        "compared with it"))


class ActionEdit(Input):
    """What to change; what is left out stays. The measure and the baseline never change."""

    revision: Whole = Field(ge=1, le=MAX_ID, description=(
        "the revision the change was made from; an older one is refused (409)"))
    title: TitleText | None = None
    owner: OwnerText | None = None
    due: Day | None = None
    status: ActionStatus | None = None


class MeasureOut(BaseModel):
    kind: ActionKind
    outcome: Outcome
    code: str | None
    dimension: str | None
    value: str | None
    direction: Direction


class ShareOut(BaseModel):
    """What is measured, as far as the published counts tell."""

    hits: int | None = Field(description=(
        "debriefs giving what is measured, where its count is shown; null: none shown"))
    debriefs: int = Field(description="the debriefs those counts are of")
    hidden: int = Field(description=(
        "debriefs measured whose count of it is not shown: any number may give it"))
    may_hit: int = Field(description=(
        "debriefs of groups not shown that may be measured and give it"))
    may_miss: int = Field(description=(
        "debriefs of groups not shown that may be measured and not give it"))
    share: float | None = Field(description="hits of debriefs: of what is shown")
    low: float | None = Field(description="the lowest share the hidden counts allow")
    high: float | None = Field(description="the highest")


class MonthShareOut(ShareOut):
    month: str = Field(description="YYYY-MM")
    after: bool = Field(description="after the month the action was made in; "
                                    "otherwise a baseline month")


class ActionOut(BaseModel):
    id: int
    revision: int
    title: str
    owner: str
    due: date
    overdue: bool = Field(description="past its due date and neither done nor dropped")
    status: ActionStatus
    measure: MeasureOut
    baseline_from: str
    baseline_to: str
    made_in: str = Field(description="the month it was made in, YYYY-MM: the months "
                                     "after it are counted as after")
    made_by: str
    made_at: datetime
    changed_by: str
    changed_at: datetime
    counted_as: str | None = Field(description=(
        "the code the reason counts under now, when a merge or split moved it"))
    before: ShareOut
    after: ShareOut
    verdict: Verdict = Field(description=(
        "moved: the way it should, beyond chance (95%, whatever hidden months hold); "
        "moved_against: the other way; not_clear; too_few: nothing shown to compare"))
    points: float | None = Field(description="after less before, in percentage points")
    months: list[MonthShareOut]


class ActionsOut(BaseModel):
    min_cell: int
    actions: list[ActionOut] = Field(description="open ones first, then by due date")
    next_offset: int | None = Field(description="where the next page starts; null: none")


def errors(**described: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for error statuses, e.g. errors(**{"404": "no such contest"})."""
    return {int(status): {"model": ErrorOut, "description": text}
            for status, text in described.items()}


SIGNED_IN = {"401": "not signed in, or the token expired or was revoked",
             "403": "this role may not do this"}


class FieldErrorOut(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(BaseModel):
    """Every error: a sentence, or the fields at fault (the shape of FastAPI's 422)."""

    detail: str | list[FieldErrorOut]
