"""The central store's answers about contests, read into records for the Contest
workspace: the contests, a leaderboard, a rep's entries and why, and a draw.

Each `read_*` takes the JSON of one route (docs/openapi.json) and raises ValueError,
TypeError or KeyError when it is not in that shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sync.domain.clock import from_iso
from sync.domain.draw import Ledger, LedgerError, Verdict, verify
from sync.domain.scoring import ContestRules, Rulebook, RuleVersion, Why


@dataclass(frozen=True)
class ContestInfo:
    id: int
    team: str
    name: str
    prize: str
    starts_at: datetime
    ends_at: datetime
    rulebook: Rulebook  # every version of its rules; the newest is in force
    winners: int  # how many the draw picks
    commitment: str

    @property
    def rules(self) -> ContestRules:
        return self.rulebook.current.rules

    def has_started(self, now: datetime) -> bool:
        return now >= self.starts_at

    def has_ended(self, now: datetime) -> bool:
        return now >= self.ends_at


@dataclass(frozen=True)
class Standing:
    rank: int
    username: str
    display_name: str
    entries: int
    debriefs: int
    last_activity: datetime | None  # for the team's managers only
    by_version: dict[int, int]  # entries by version of the rules that scored them


@dataclass(frozen=True)
class Board:
    """A leaderboard as the account may see it: every rank for a manager of the team;
    for a rep, the leaders in the top quarter, their own standing and their band."""

    field_size: int
    top: tuple[Standing, ...]
    me: Standing | None
    band_text: str | None  # "top 25%", "keep going"; None: not in the field


@dataclass(frozen=True)
class VoidNote:
    voided: bool  # False: a void undone
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Entry:
    """One of a rep's debriefs in a contest, as the server scored it."""

    debrief_id: str
    created_at: datetime
    outcome: str
    stage: str
    entries: int
    scored: int  # what its own detail earns
    why: Why
    duplicate_of: str | None
    duplicate_of_created_at: datetime | None
    rules_version: int
    voids: tuple[VoidNote, ...]

    @property
    def last_void(self) -> VoidNote | None:
        return self.voids[-1] if self.voids else None


@dataclass(frozen=True)
class Entries:
    rep: str  # display name
    entries: int
    items: tuple[Entry, ...]


@dataclass(frozen=True)
class Winner:
    place: int
    rep_id: int
    display_name: str
    entries: int


@dataclass(frozen=True)
class DrawInfo:
    commitment: str
    frozen: bool  # the contest has ended and its ledger is frozen
    ledger_sha256: str | None
    seed: str | None  # hex, once drawn
    winners: tuple[Winner, ...] | None  # once drawn
    beacon_round: int | None = None  # a public randomness beacon's round mixed in
    beacon_randomness: str | None = None  # hex, once drawn

    @property
    def drawn(self) -> bool:
        return self.winners is not None


def read_contest(item: dict[str, Any]) -> ContestInfo:
    versions = item.get("rule_versions") or [
        {"number": 1, "applies_from": None, "rules": item["rules"]}]
    return ContestInfo(int(item["id"]), str(item["team"]), str(item["name"]),
                       str(item["prize"]), from_iso(item["starts_at"]),
                       from_iso(item["ends_at"]), Rulebook(
                           RuleVersion(int(v["number"]), _time(v["applies_from"]),
                                       ContestRules.from_dict(v["rules"])) for v in versions),
                       int(item["winners"]), str(item["commitment"]))


def _time(value: Any) -> datetime | None:
    return None if value is None else from_iso(str(value))


def _standing(row: dict[str, Any]) -> Standing:
    return Standing(int(row["rank"]), str(row["username"]), str(row["display_name"]),
                    int(row["entries"]), int(row["debriefs"]), _time(row.get("last_activity")),
                    {int(v["version"]): int(v["entries"]) for v in row.get("by_version") or ()})


def read_board(body: dict[str, Any]) -> Board:
    me, band = body["me"], body["my_band"]
    return Board(int(body["field_size"]), tuple(_standing(row) for row in body["top"]),
                 None if me is None else _standing(me),
                 None if band is None else str(band["text"]))


def _void(note: dict[str, Any]) -> VoidNote:
    return VoidNote(bool(note["voided"]), str(note["reason"]), str(note["by"]),
                    from_iso(str(note["at"])))


def read_entries(body: dict[str, Any]) -> Entries:
    return Entries(str(body["rep"]), int(body["entries"]), tuple(
        Entry(str(item["debrief_id"]), from_iso(str(item["created_at"])),
              str(item["outcome"]), str(item["stage"]), int(item["entries"]),
              int(item["scored"]), Why(item["why"]),
              None if item["duplicate_of"] is None else str(item["duplicate_of"]),
              _time(item["duplicate_of_created_at"]), int(item.get("rules_version", 1)),
              tuple(_void(note) for note in item["voids"]))
        for item in body["items"]))


def read_draw(body: dict[str, Any]) -> DrawInfo:
    winners = body["winners"]
    return DrawInfo(str(body["commitment"]), bool(body["frozen"]),
                    None if body["ledger_sha256"] is None else str(body["ledger_sha256"]),
                    None if body["seed"] is None else str(body["seed"]),
                    None if winners is None else tuple(
                        Winner(int(w["place"]), int(w["rep_id"]), str(w["display_name"]),
                               int(w["entries"])) for w in winners),
                    None if body.get("beacon_round") is None else int(body["beacon_round"]),
                    None if body.get("beacon_randomness") is None
                    else str(body["beacon_randomness"]))


# --- what the workspace fetches, on the sync thread ----------------------------------


@dataclass(frozen=True)
class ContestPage:
    """All the Contest workspace shows of one contest, fetched together."""

    contests: tuple[ContestInfo, ...]  # every contest the account may see, newest first
    chosen: ContestInfo | None  # None: there is none
    board: Board | None
    entries: Entries | None  # None: the account is not in the contest's field
    draw: DrawInfo | None
    my_id: int  # the account's id, as the ledger names reps


def first_shown(contests: tuple[ContestInfo, ...], now: datetime) -> ContestInfo | None:
    """The contest to open with: the running one ending first, else the latest ended,
    else the next to start."""
    running = [c for c in contests if c.has_started(now) and not c.has_ended(now)]
    if running:
        return min(running, key=lambda c: c.ends_at)
    ended = [c for c in contests if c.has_ended(now)]
    if ended:
        return max(ended, key=lambda c: c.ends_at)
    return min(contests, key=lambda c: c.starts_at, default=None)


def fetch_page(central: Any, contest_id: int | None, now: datetime) -> ContestPage:
    """The contests, and the board, the account's entries and the draw of contest
    `contest_id` (None, or one no longer listed: `first_shown`)."""
    from sync.client.problems import SyncProblem

    me = central.me()
    contests = tuple(read_contest(item) for item in central.contests())
    chosen = next((c for c in contests if c.id == contest_id), None) or first_shown(
        contests, now)
    if chosen is None:
        return ContestPage(contests, None, None, None, None, int(me["id"]))
    try:
        entries = read_entries(central.entries(chosen.id))
    except SyncProblem as problem:
        if problem.status != 404:  # not in the field: no entries of one's own
            raise
        entries = None
    return ContestPage(contests, chosen, read_board(central.leaderboard(chosen.id)), entries,
                       read_draw(central.draw(chosen.id)), int(me["id"]))


@dataclass(frozen=True)
class DrawCheck:
    """A draw checked on this machine from what the server published."""

    verdict: Verdict
    my_entries: int | None  # the account's line in the ledger; None: not in it
    ledger_lines: int


def check_draw(central: Any, contest_id: int, my_id: int) -> DrawCheck:
    """Fetch the published draw and ledger, and draw again here (docs/draw.md)."""
    shown = read_draw(central.draw(contest_id))
    if shown.seed is None or shown.winners is None or shown.ledger_sha256 is None:
        raise ValueError("the contest has not been drawn")
    text = central.ledger(contest_id)
    beacon = None
    if shown.beacon_round is not None and shown.beacon_randomness is not None:
        beacon = (shown.beacon_round, bytes.fromhex(shown.beacon_randomness))
    verdict = verify(bytes.fromhex(shown.seed), shown.commitment, text, shown.ledger_sha256,
                     [w.rep_id for w in shown.winners], contest_id, beacon)
    try:
        lines = Ledger.parse(text).lines
    except LedgerError:
        lines = ()
    mine = next((line.entries for line in lines if line.rep_id == my_id), None)
    return DrawCheck(verdict, mine, len(lines))
