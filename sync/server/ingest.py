"""Push and pull of debriefs: the exactly-once upsert keyed by (id, revision).

Each pushed debrief is answered on its own: accepted (stored), duplicate (this or a
newer version is already stored) or rejected (with the problems, nothing stored).
A newer revision replaces an older one; at the same revision the later edit wins.
The caller commits before it answers, so "accepted" and "duplicate" mean stored.

Every row a push writes carries that push's number in the rep's change feed
(`change_seq`). A rep's pushes run one at a time and each takes the next number, so
the numbers commit in order: a machine that has read the feed up to a position has
seen every change before it, and `changes` hands it the rest.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from operator import itemgetter
from typing import Any

import sqlalchemy as sa

from sync.domain.debrief import (
    LEAD_FIELDS,
    SEGMENT_PARTS,
    Debrief,
    Readiness,
    listed_as_text,
    listed_from_text,
)
from sync.domain.team_lists import TeamLists
from sync.domain.text import N_, Message
from sync.domain.validation import (
    CLOCK_SLACK,
    EARLIEST_DATE,
    Problem,
    dating_problems,
    validate,
)
from sync.domain.wire import from_wire
from sync.protocol import LEAD_FACTS_PROTOCOL, PROTOCOL_VERSION, WORDS_PROTOCOL
from sync.server import rollups, scores, stored
from sync.server.accounts import User
from sync.server.bulk import Insert, insert_rows
from sync.server.code_map import CodeMap
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


# The columns a push writes, in the order of its rows (the benchmarks write the same):
# the wire's fields as columns, the rep's id, and when and in which change it came.
# tests/test_debrief_fields.py checks them against the wire and the table.
REASON_COLUMNS = ("debrief_id", "position", "code", "detail", "evidence", "is_primary",
                  "words")
_UPDATED_COLUMNS = ("revision", "outcome", "stage", *SEGMENT_PARTS, "reasons_unknown",
                    "competitor", "deal_value", "currency", "crm_ref", "quote", "share_quote",
                    "lead_source", "sales_ready", "failed_criteria", "collateral", "play",
                    "share_play",
                    "created_at", "updated_at", "deleted", "received_at", "change_seq",
                    "team_id")
DEBRIEF_COLUMNS = ("id", "rep_id", *_UPDATED_COLUMNS)


def push(connection: sa.Connection, rep: User, items: Sequence[dict[str, Any]],
         rules: TeamLists, now: datetime, *,
         client_protocol: int = PROTOCOL_VERSION) -> list[ItemResult]:
    """Store what is new in `items` (wire dicts) from an app speaking `client_protocol`;
    one result per item, in order. The reason rollup and the rep's contest scores move
    in the same transaction. What an older app cannot send (lead facts before protocol
    3, a reason's words before 4) is kept as stored: its edit of a debrief made on a
    newer app leaves them as they were.

    The batch is written with a few set-wide statements, not one per debrief: one
    upsert of the newest version of each id, one delete and one insert of reasons."""
    # One push per rep at a time: what the rollup and the scores are moved from must be
    # what the upserts replace, even when two machines of one rep push at once.
    serialize(connection, f"push:{rep.id}")
    codes = CodeMap.of(rules.taxonomy)  # the rollup counts by the codes standing now
    results: list[ItemResult | None] = [None] * len(items)
    newest: dict[str, tuple[int, Debrief]] = {}  # per id: the newest valid version sent
    superseded: list[tuple[int, Debrief]] = []  # older versions of an id in the same batch
    for index, item in enumerate(items):
        debrief = from_wire(item, rep.username)
        problems = _problems(debrief, rules, now, client_protocol >= WORDS_PROTOCOL)
        if problems:
            results[index] = ItemResult(debrief.id, debrief.revision, Status.REJECTED,
                                        problems)
            continue
        debrief = _tidy(debrief, now)
        seen = newest.get(debrief.id)
        if seen is not None and not _newer(debrief, seen[1]):
            superseded.append((index, debrief))
            continue
        if seen is not None:
            superseded.append(seen)
        newest[debrief.id] = (index, debrief)
    if client_protocol < WORDS_PROTOCOL and newest:
        kept_as_stored = _as_stored(connection, rep, list(newest), client_protocol)
        newest = {debrief_id: (index, kept_as_stored(debrief))
                  for debrief_id, (index, debrief) in newest.items()}
    before = {counted.debrief_id: counted
              for counted in rollups.currently_counted(connection, list(newest), codes)}
    written = _write(connection, rep, [debrief for _, debrief in newest.values()], now)
    foreign = _owned_by_others(connection, rep, [i for i in newest if i not in written])
    for debrief_id, (index, debrief) in newest.items():
        results[index] = _answer(debrief, debrief_id in written, debrief_id in foreign)
    for index, debrief in superseded:
        # An older copy of a debrief sent again in the same batch: stored if its newer
        # copy is (or already was), refused if the id is someone else's.
        results[index] = _answer(debrief, False, debrief.id in foreign)
    if written:
        kept = [newest[debrief_id][1] for debrief_id in written]
        replaced = [before[i] for i in written if i in before]
        rollups.apply(connection, rep.id, replaced,
                      [counted for debrief in kept
                       if (counted := rollups.counted(debrief, rep.id, rep.team_id, codes))
                       is not None], codes)
        scores.rescore_rep(connection, rep, [debrief.created_at for debrief in kept
                                             if debrief.created_at is not None]
                           + [counted.created_at for counted in replaced], now)
    assert all(result is not None for result in results)
    return results  # type: ignore[return-value]


def _as_stored(connection: sa.Connection, rep: User, ids: list[str],
               client_protocol: int) -> Callable[[Debrief], Debrief]:
    """How a debrief sent by an app of `client_protocol` (older than WORDS_PROTOCOL)
    gets what it could not send from the rep's stored version: each reason's words
    (by code), and before LEAD_FACTS_PROTOCOL the lead facts."""
    words: dict[str, dict[str, str]] = {}
    for debrief_id, reasons in stored.reasons_of(connection, ids).items():
        for reason in reasons:
            if reason.get("words"):
                words.setdefault(debrief_id, {}).setdefault(reason["code"], reason["words"])
    facts: dict[str, dict[str, Any]] = {}
    if client_protocol < LEAD_FACTS_PROTOCOL:
        for row in connection.execute(
                sa.select(debriefs.c.id, *(debriefs.c[name] for name in LEAD_FIELDS))
                .where(debriefs.c.rep_id == rep.id, debriefs.c.id.in_(ids))):
            facts[row.id] = {**{name: getattr(row, name) for name in LEAD_FIELDS},
                             **listed_from_text(row.failed_criteria, row.collateral)}
            sales_ready = facts[row.id]["sales_ready"]
            facts[row.id]["sales_ready"] = Readiness(sales_ready) if sales_ready else None
    owned = set(connection.execute(sa.select(debriefs.c.id).where(
        debriefs.c.rep_id == rep.id, debriefs.c.id.in_(ids))).scalars())

    def kept(debrief: Debrief) -> Debrief:
        if debrief.id not in owned:
            return debrief  # new, or another rep's (refused as such)
        said = words.get(debrief.id, {})
        reasons = tuple(replace(reason, words=said.get(reason.code))
                        if reason.words is None and reason.code in said else reason
                        for reason in debrief.reasons)
        return replace(debrief, reasons=reasons, **facts.get(debrief.id, {}))

    return kept


def _tidy(debrief: Debrief, now: datetime) -> Debrief:
    """Blank is not given, and "Acme " is "Acme": one group each in insights, whichever
    way they are counted (the rollup counts blank and missing alike). A tombstone's dates
    are brought into the years a debrief can have (see `_dated`)."""
    segment = debrief.segment
    tidied = replace(debrief, competitor=(debrief.competitor or "").strip() or None,
                     lead_source=(debrief.lead_source or "").strip() or None,
                     play=(debrief.play or "").strip() or None,
                     reasons=tuple(replace(reason, words=(reason.words or "").strip() or None)
                                   for reason in debrief.reasons),
                     segment=replace(segment, **{part: getattr(segment, part) or None
                                                 for part in SEGMENT_PARTS}))
    return _dated(tidied, now) if tidied.deleted else tidied


def _dated(tombstone: Debrief, now: datetime) -> Debrief:
    """A tombstone is taken whatever its dates (one refused could never be sent again),
    but a date before 2000 or more than a day ahead is kept as the nearest date a debrief
    can have: what is stored reads back in any time zone (year 1 in UTC is year 0 in
    America), and a tombstone older or newer than every debrief stays so."""
    latest = now + CLOCK_SLACK
    assert tombstone.created_at is not None and tombstone.updated_at is not None
    return replace(tombstone,
                   created_at=min(max(tombstone.created_at, EARLIEST_DATE), latest),
                   updated_at=min(max(tombstone.updated_at, EARLIEST_DATE), latest))


def _newer(debrief: Debrief, than: Debrief) -> bool:
    """The same rule as the upsert's: a higher revision, or the same one edited later."""
    assert debrief.updated_at is not None and than.updated_at is not None
    return (debrief.revision, debrief.updated_at) > (than.revision, than.updated_at)


def last_change(connection: sa.Connection, rep: User) -> int:
    """The number of `rep`'s latest change in the feed (0 before the first)."""
    return connection.execute(sa.select(sa.func.max(debriefs.c.change_seq)).where(
        debriefs.c.rep_id == rep.id)).scalar() or 0


def _write(connection: sa.Connection, rep: User, batch: list[Debrief],
           now: datetime) -> set[str]:
    """Upsert `batch` (one version per id), received at `now`, as the next change of
    the rep's feed; the ids actually written, whose reasons are then replaced."""
    if not batch:
        return set()
    # Taken while the push holds the rep's lock (`serialize`): numbers commit in order.
    stamp = (now, last_change(connection, rep) + 1)
    # In id order: the upsert locks a row it finds even when it leaves it as it is, and
    # two pushes that name the same ids must take them in the same order.
    rows = sorted((_row(debrief, rep, stamp) for debrief in batch), key=itemgetter(0))
    insert_rows(connection, debriefs, DEBRIEF_COLUMNS, rows, on_conflict=_replace_if_newer)
    # The rows the upsert wrote carry this push's change number, which no row had before:
    # the rep's lock makes it new.
    written = set(connection.execute(sa.select(debriefs.c.id).where(
        debriefs.c.rep_id == rep.id, debriefs.c.change_seq == stamp[1])).scalars())
    ids = [debrief.id for debrief in batch if debrief.id in written]
    for chunk in stored.in_chunks(ids):
        connection.execute(debrief_reasons.delete().where(
            debrief_reasons.c.debrief_id.in_(chunk)))
    reasons = [(debrief.id, position, reason.code, reason.detail, reason.evidence.value,
                reason.primary, reason.words)
               for debrief in batch if debrief.id in written
               for position, reason in enumerate(debrief.reasons)]
    insert_rows(connection, debrief_reasons, REASON_COLUMNS, reasons)
    return written


def _owned_by_others(connection: sa.Connection, rep: User, ids: list[str]) -> set[str]:
    foreign: set[str] = set()
    for chunk in stored.in_chunks(ids):
        foreign.update(connection.execute(sa.select(debriefs.c.id).where(
            debriefs.c.id.in_(chunk),
            debriefs.c.rep_id != rep.id)).scalars())
    return foreign


def _answer(debrief: Debrief, written: bool, foreign: bool) -> ItemResult:
    if written:
        return ItemResult(debrief.id, debrief.revision, Status.ACCEPTED)
    if foreign:
        return ItemResult(debrief.id, debrief.revision, Status.REJECTED, (Problem(
            "id", Message(N_("this id belongs to another debrief; the app makes a new one"))),
        ))
    return ItemResult(debrief.id, debrief.revision, Status.DUPLICATE)


def _problems(debrief: Debrief, rules: TeamLists, now: datetime,
              words_asked: bool) -> tuple[Problem, ...]:
    if debrief.quote is not None and not debrief.share_quote:
        return (Problem("quote", Message(N_("a quote that is not shared never leaves the app"))),)
    if debrief.revision < 1:
        return (Problem("revision", Message(N_("a pushed debrief has revision 1 or more"))),)
    if debrief.deleted:
        # A tombstone only needs to be newer: its content, dates included, no longer
        # counts, and one refused for a wrong clock could never be sent again.
        return ()
    return (*dating_problems(debrief, now), *validate(debrief, rules.taxonomy, rules.segments,
                                                             rules.leads,
                                                             words_asked=words_asked))


def _row(debrief: Debrief, rep: User, stamp: tuple[datetime, int]) -> tuple[Any, ...]:
    """`debrief` as a row of DEBRIEF_COLUMNS, stamped with (received at, change number)
    and the rep's team now."""
    assert debrief.created_at is not None and debrief.updated_at is not None
    segment = debrief.segment
    return (debrief.id, rep.id, debrief.revision,
            debrief.outcome.value if debrief.outcome else None,
            debrief.stage.value if debrief.stage else None,
            segment.industry, segment.company_size, segment.region, debrief.reasons_unknown,
            debrief.competitor,
            str(debrief.deal_value) if debrief.deal_value is not None else None,
            debrief.currency, debrief.crm_ref,
            debrief.quote if debrief.share_quote else None, debrief.share_quote,
            debrief.lead_source, debrief.sales_ready.value if debrief.sales_ready else None,
            *listed_as_text(debrief).values(),
            debrief.play if debrief.share_play else None, debrief.share_play,
            debrief.created_at, debrief.updated_at, debrief.deleted, *stamp, rep.team_id)


def _replace_if_newer(insert: Insert) -> sa.Executable:
    """Insert, or update only if the pushed version is newer (by the same rep)."""
    new = insert.excluded
    newer = sa.or_(new.revision > debriefs.c.revision,
                   sa.and_(new.revision == debriefs.c.revision,
                           new.updated_at > debriefs.c.updated_at))
    return insert.on_conflict_do_update(
        index_elements=[debriefs.c.id],
        set_={name: new[name] for name in _UPDATED_COLUMNS},
        where=sa.and_(debriefs.c.rep_id == new.rep_id, newer))


# --- pull -------------------------------------------------------------------------------


def own_debriefs(connection: sa.Connection, rep: User, after: str | None,
                 limit: int) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the rep's own debriefs (tombstones too) in id order, and the id to
    continue after (None at the end)."""
    query = sa.select(debriefs).where(debriefs.c.rep_id == rep.id)
    if after is not None:
        query = query.where(debriefs.c.id > after)
    page, items, more = _page(connection, query.order_by(debriefs.c.id), limit)
    return items, (page[-1].id if more else None)


def _page(connection: sa.Connection, query: sa.Select[Any],
          limit: int) -> tuple[list[sa.Row[Any]], list[dict[str, Any]], bool]:
    """Up to `limit` debrief rows of `query`, the same as wire dicts with their reasons,
    and whether more rows follow."""
    rows = connection.execute(query.limit(limit + 1)).all()
    page = rows[:limit]
    reasons = stored.reasons_of(connection, [row.id for row in page])
    return page, [stored.wire(row, reasons.get(row.id, [])) for row in page], len(rows) > limit


@dataclass(frozen=True)
class FeedPosition:
    """A place in a rep's change feed: after the row (change number, id). The text form
    is "N:id", or FEED_START ("0") before the first change."""

    change: int
    after_id: str = ""

    @classmethod
    def parse(cls, text: str) -> FeedPosition:
        """The position `text` names (checked by the API's pattern first)."""
        change, _, after_id = text.partition(":")
        return cls(int(change), after_id)

    def __str__(self) -> str:
        return f"{self.change}:{self.after_id}" if self.after_id else str(self.change)


@dataclass(frozen=True)
class FeedPage:
    items: list[dict[str, Any]]  # wire dicts
    after: FeedPosition
    more: bool
    restarted: bool = False  # `since` was ahead of the feed, so this page is from its start


def changes(connection: sa.Connection, rep: User, since: FeedPosition,
            limit: int) -> FeedPage:
    """The rep's debriefs (tombstones too) written after `since`, in feed order. A
    position beyond the rep's last change (a server restored from a backup, or a new
    database at the same address) is answered from the start, marked `restarted`."""
    page = _changes_after(connection, rep, since, limit)
    if page.items or since.change <= last_change(connection, rep):
        return page
    return replace(_changes_after(connection, rep, FeedPosition(0), limit), restarted=True)


def _changes_after(connection: sa.Connection, rep: User, since: FeedPosition,
                   limit: int) -> FeedPage:
    query = sa.select(debriefs).where(
        debriefs.c.rep_id == rep.id,
        sa.tuple_(debriefs.c.change_seq, debriefs.c.id) > sa.tuple_(
            sa.literal(since.change, sa.BigInteger), sa.literal(since.after_id)))
    page, items, more = _page(connection, query.order_by(debriefs.c.change_seq,
                                                         debriefs.c.id), limit)
    after = FeedPosition(page[-1].change_seq, page[-1].id) if page else since
    return FeedPage(items, after, more)
