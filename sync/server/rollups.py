"""Reason rollups: the counts behind marketing's insights, kept on every push.

`reason_rollup` holds one row per (dimension, UTC month, outcome, value, code,
is_primary): how many undeleted debriefs have that value, in all (code '') and naming
each code (once per debrief, however many of its reasons use the code; with is_primary,
as their main reason), with the lowest and highest rep id among them. Dimension ''
(value '') counts every debrief of its (month, outcome): the cells that
sync.domain.disclosure publishes from; the others split each cell by one dimension
(stage, or a segment dimension). Dimension 'detail' splits a cell's count of each code
by detail (value): each debrief giving the code counts under the detail of its first
reason naming it ('' for none), so a code's details add up to its count. Counts add up
across months, and so do min and max; "at least two reps" (disclosure.MIN_REPS) holds
exactly when the lowest and highest differ. So a question over six months reads a few
thousand rows instead of scanning millions of reasons. docs/scale.md has the figures
that chose this design.

A push hands `apply` what its debriefs counted for before and after, in the push's own
transaction. Counts move by the difference. A rep's lowest/highest id cannot be taken
back by subtraction, so a row that lost a rep is counted again from the debriefs.
Each cell (month and outcome) a push changes gets a new version in `rollup_cells` in
the same transaction, which tells sync.server.published when what it keeps of a cell
is old.
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from sync.domain.clock import as_utc
from sync.domain.debrief import Debrief
from sync.server.bulk import Insert, insert_rows
from sync.server.code_map import CodeMap
from sync.server.stored import in_chunks
from sync.server.tables import debrief_reasons, debriefs, reason_rollup, rollup_cells

# The dimensions a cell is split by, one at a time; "team" is the rep's team when the
# debrief was stored (its id, as text); "lead_source" and "sales_ready" are lead facts.
DIMENSIONS = ("stage", "industry", "company_size", "region", "competitor", "team",
              "lead_source", "sales_ready")
CELLS = ""  # the dimension (and value) of the rows counting whole cells
DETAILS = "detail"  # the dimension of the rows splitting a cell's code counts by detail
NOT_GIVEN = ""  # the value of a debrief that leaves a dimension empty
ALL = ""  # the code of a row counting every debrief of its value

LAST_MONTH = date(9999, 12, 1)
# dimension, month, outcome, value, code, is_primary
Key = tuple[str, date, str, str, str, bool]
_KEY_COLUMNS = ("dimension", "month", "outcome", "value", "code", "is_primary")
_ROW_COLUMNS = (*_KEY_COLUMNS, "debriefs", "rep_lo", "rep_hi")


@dataclass(frozen=True)
class Counted:
    """What one stored, undeleted debrief adds to the rollup."""

    debrief_id: str
    rep_id: int
    created_at: datetime
    outcome: str  # NOT_GIVEN where empty, as are the values
    values: tuple[str, ...]  # one per DIMENSIONS
    named: Named

    def keys_counted(self) -> list[Key]:
        month = month_of(self.created_at)
        codes = [(ALL, False), *((code, False) for code in self.named.codes),
                 *((code, True) for code in self.named.primary_codes)]
        return [*((dimension, month, self.outcome, value, code, is_primary)
                  for dimension, value in ((CELLS, NOT_GIVEN),
                                           *zip(DIMENSIONS, self.values, strict=True))
                  for code, is_primary in codes),
                *((DETAILS, month, self.outcome, detail, code, is_primary)
                  for (code, is_primary), detail in self.named.details.items())]


@dataclass(frozen=True)
class Named:
    """The reasons one debrief gives, as the rollup counts them."""

    codes: frozenset[str] = frozenset()
    primary_codes: frozenset[str] = frozenset()  # the codes of its main reasons
    # (code, as main reason): the detail of its first such reason naming the code
    details: dict[tuple[str, bool], str] = field(default_factory=dict)

    @classmethod
    def of(cls, reasons: Iterable[tuple[str, str | None, bool]]) -> Named:
        """From (code, detail, is_primary) in the debrief's order."""
        codes: set[str] = set()
        primary_codes: set[str] = set()
        details: dict[tuple[str, bool], str] = {}
        for code, detail, is_primary in reasons:
            codes.add(code)
            details.setdefault((code, False), detail or NOT_GIVEN)
            if is_primary:
                primary_codes.add(code)
                details.setdefault((code, True), detail or NOT_GIVEN)
        return cls(frozenset(codes), frozenset(primary_codes), details)


def month_of(moment: datetime) -> date:
    utc = as_utc(moment)
    return date(utc.year, utc.month, 1)


def month_start(month: date) -> datetime:
    return datetime(month.year, month.month, 1, tzinfo=UTC)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def counted(debrief: Debrief, rep_id: int, team_id: int | None,
            codes: CodeMap) -> Counted | None:
    """What `debrief`, as stored for `rep_id` of team `team_id`, counts for (None for a
    tombstone), its reasons by the codes standing now (`codes`)."""
    if debrief.deleted or debrief.created_at is None:
        return None
    segment = debrief.segment
    values = (debrief.stage.value if debrief.stage else None, segment.industry,
              segment.company_size, segment.region, debrief.competitor, team_value(team_id),
              debrief.lead_source, debrief.sales_ready.value if debrief.sales_ready else None)
    return Counted(debrief.id, rep_id, debrief.created_at,
                   debrief.outcome.value if debrief.outcome else NOT_GIVEN,
                   tuple(value or NOT_GIVEN for value in values),
                   Named.of((codes.current(reason.code), reason.detail, reason.primary)
                            for reason in debrief.reasons))


def made_in(first: date | None, last: date | None) -> list[sa.ColumnElement[bool]]:
    """SQL: a debrief made in the UTC months from `first` to `last` (first days; None:
    open). December 9999 has no next month to end before."""
    where = []
    if first is not None:
        where.append(debriefs.c.created_at >= month_start(first))
    if last is not None and last < LAST_MONTH:
        where.append(debriefs.c.created_at < month_start(next_month(last)))
    return where


def team_value(team_id: int | None) -> str:
    return NOT_GIVEN if team_id is None else str(team_id)


def value_column(dimension: str) -> sa.ColumnElement[Any]:
    """The stored value of `dimension` (NOT_GIVEN where empty), as SQL."""
    if dimension == "team":
        return sa.func.coalesce(sa.cast(debriefs.c.team_id, sa.String), NOT_GIVEN)
    return sa.func.coalesce(debriefs.c[dimension], NOT_GIVEN)


def reasons_named(connection: sa.Connection, ids: Sequence[str],
                  codes: CodeMap) -> dict[str, Named]:
    """The reasons each of the stored debriefs `ids` gives, by the codes standing now
    (`codes`); none: not in the answer."""
    given: dict[str, list[tuple[str, str | None, bool]]] = defaultdict(list)
    reasons = debrief_reasons.c
    for some_ids in in_chunks(ids):
        for debrief_id, code, detail, is_primary in connection.execute(
                sa.select(reasons.debrief_id, reasons.code, reasons.detail, reasons.is_primary)
                .where(reasons.debrief_id.in_(some_ids))
                .order_by(reasons.debrief_id, reasons.position)):
            given[debrief_id].append((codes.current(code), detail, bool(is_primary)))
    return {debrief_id: Named.of(named) for debrief_id, named in given.items()}


def currently_counted(connection: sa.Connection, ids: Sequence[str],
                      codes: CodeMap) -> list[Counted]:
    """What the stored, undeleted debriefs among `ids` count for now."""
    rows: list[Any] = []
    for some_ids in in_chunks(ids):
        rows.extend(connection.execute(
            sa.select(debriefs.c.id, debriefs.c.rep_id, debriefs.c.created_at,
                      debriefs.c.outcome,
                      *(value_column(name).label(name) for name in DIMENSIONS))
            .where(debriefs.c.id.in_(some_ids),
                   debriefs.c.deleted.is_(False))).all())
    named = reasons_named(connection, [row.id for row in rows], codes)
    return [Counted(row.id, row.rep_id, as_utc(row.created_at), row.outcome or NOT_GIVEN,
                    tuple(getattr(row, name) for name in DIMENSIONS),
                    named.get(row.id, Named()))
            for row in rows]


def apply(connection: sa.Connection, rep_id: int, before: Iterable[Counted],
          after: Iterable[Counted], codes: CodeMap) -> None:
    """Move the rollup from what `before` counted for to what `after` counts for: the
    versions of the same debriefs of one rep (`rep_id`) before and after a push, both
    counted by `codes`.

    Call it in the transaction that changed the debriefs, after the change, with no
    other transaction changing the same debriefs meanwhile (ingest holds the rep's lock).
    Rows are written in key order, so two pushes never wait on each other in a circle.
    """
    added: Counter[Key] = Counter()  # debriefs counted per key, after
    removed: Counter[Key] = Counter()  # and before
    for versions, tally in ((after, added), (before, removed)):
        for version in versions:
            assert version.rep_id == rep_id, (version.rep_id, rep_id)
            tally.update(version.keys_counted())
    rows, left = [], []
    for key in sorted(added.keys() | removed.keys()):
        moved, still_counted = added[key] - removed[key], key in added
        if moved == 0 and (still_counted or key not in removed):
            continue  # an edit that still counts here
        rep = rep_id if still_counted else None
        rows.append((*key, moved, rep, rep))
        if not still_counted:
            left.append(key)
    insert_rows(connection, reason_rollup, _ROW_COLUMNS, rows, on_conflict=_add_to_existing)
    for key in left:
        _settle(connection, key, {rep_id}, codes)
    # After the rollup's rows, in key order as they are: a push takes a cell's version
    # last, so no two pushes wait on each other in a circle.
    bump_cells(connection, sorted({(row[1], row[2]) for row in rows}
                                  | {(key[1], key[2]) for key in left}))


def bump_cells(connection: sa.Connection, cells: Sequence[tuple[date, str]]) -> None:
    """Give each of `cells` (month, outcome) a new version. Versions are random, never
    a counter: a store restored from a backup, or migrated down and up, must not give a
    cell a version it had before with other counts."""
    insert_rows(connection, rollup_cells, ("month", "outcome", "version"),
                [(month, outcome, secrets.randbits(62)) for month, outcome in cells],
                on_conflict=_new_version)


def _new_version(insert: Insert) -> sa.Executable:
    return insert.on_conflict_do_update(
        index_elements=[rollup_cells.c.month, rollup_cells.c.outcome],
        set_={"version": insert.excluded.version})


def _add_to_existing(insert: Insert) -> sa.Executable:
    """A row already there takes the new counts added and the wider range of reps."""
    new, old = insert.excluded, reason_rollup.c
    return insert.on_conflict_do_update(
        index_elements=[reason_rollup.c[name] for name in _KEY_COLUMNS],
        set_={"debriefs": old.debriefs + new.debriefs,
              "rep_lo": sa.case((sa.or_(new.rep_lo.is_(None), new.rep_lo > old.rep_lo),
                                 old.rep_lo), else_=new.rep_lo),
              "rep_hi": sa.case((sa.or_(new.rep_hi.is_(None), new.rep_hi < old.rep_hi),
                                 old.rep_hi), else_=new.rep_hi)})


def _match(key: Key) -> sa.ColumnElement[bool]:
    return sa.and_(*(reason_rollup.c[name] == part
                     for name, part in zip(_KEY_COLUMNS, key, strict=True)))


def _settle(connection: sa.Connection, key: Key, gone: set[int], codes: CodeMap) -> None:
    """A row some rep left: drop it if empty, count it again if that rep was its lowest
    or highest. The upsert locked the row, so the recount sees every committed change
    and any later one waits for this transaction."""
    row = connection.execute(sa.select(reason_rollup.c.debriefs, reason_rollup.c.rep_lo,
                                       reason_rollup.c.rep_hi).where(_match(key))).first()
    if row is None:
        return
    if row.debriefs > 0 and row.rep_lo not in gone and row.rep_hi not in gone:
        return
    count, low, high = connection.execute(_recount(key, codes)).one()
    if count == 0:
        connection.execute(reason_rollup.delete().where(_match(key)))
    else:
        connection.execute(reason_rollup.update().where(_match(key)).values(
            debriefs=count, rep_lo=low, rep_hi=high))


def _recount(key: Key, codes: CodeMap) -> sa.Select[Any]:
    dimension, month, outcome, value, code, is_primary = key
    stored = codes.stored(code)  # the codes saved on debriefs that count as `code`
    source: sa.FromClause = debriefs
    counted: sa.ColumnElement[Any] = sa.func.count()
    where = [debriefs.c.deleted.is_(False), *made_in(month, month),
             sa.func.coalesce(debriefs.c.outcome, NOT_GIVEN) == outcome]
    if dimension not in (CELLS, DETAILS):
        where.append(value_column(dimension) == value)
    if dimension == DETAILS:
        # The debrief's first reason naming the code (its first main one, if primary):
        # no earlier one names it, which the reasons' key (debrief, position) answers.
        named, earlier = debrief_reasons.alias("named"), debrief_reasons.alias("earlier")
        same = [earlier.c.debrief_id == named.c.debrief_id, earlier.c.code.in_(stored),
                earlier.c.position < named.c.position]
        source = debriefs.join(named, named.c.debrief_id == debriefs.c.id)
        where += [named.c.code.in_(stored), sa.func.coalesce(named.c.detail, NOT_GIVEN) == value,
                  ~sa.exists().where(*same, *([earlier.c.is_primary.is_(True)]
                                              if is_primary else []))]
        if is_primary:
            where.append(named.c.is_primary.is_(True))
    elif code != ALL:
        # A join, not EXISTS: SQLite would answer EXISTS from the code index, once
        # for every debrief of the month.
        source = debriefs.join(debrief_reasons, debrief_reasons.c.debrief_id == debriefs.c.id)
        counted = sa.func.count(sa.distinct(debriefs.c.id))
        where.append(debrief_reasons.c.code.in_(stored))
        if is_primary:
            where.append(debrief_reasons.c.is_primary.is_(True))
    return sa.select(counted, sa.func.min(debriefs.c.rep_id),
                     sa.func.max(debriefs.c.rep_id)).select_from(source).where(*where)


def _first_reasons(is_primary: bool, codes: CodeMap,
                   stored: list[str] | None = None) -> sa.Subquery:
    """(debrief_id, code, detail) of each debrief's first reason naming each current
    code (its first main reason naming it, with `is_primary`): the detail the rollup
    counts it under ('' for none). With `stored`, only reasons giving those codes."""
    reasons = debrief_reasons.c
    where = [reasons.is_primary.is_(True)] if is_primary else []
    if stored is not None:
        where.append(reasons.code.in_(stored))
    current = codes.column(reasons.code)
    first = (sa.select(reasons.debrief_id, current.label("code"),
                       sa.func.min(reasons.position).label("position"))
             .where(*where).group_by(reasons.debrief_id, current).subquery())
    named = debrief_reasons.alias("named")
    return (sa.select(first.c.debrief_id, first.c.code,
                      sa.func.coalesce(named.c.detail, NOT_GIVEN).label("detail"))
            .select_from(first.join(named, sa.and_(named.c.debrief_id == first.c.debrief_id,
                                                   named.c.position == first.c.position)))
            .subquery())


def month_column(dialect_name: str, moment: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """SQL for the first day of `moment`'s UTC month, as the rollup stores it."""
    if dialect_name == "sqlite":
        return sa.func.date(moment, "start of month")
    return sa.cast(sa.func.date_trunc("month", sa.func.timezone("UTC", moment)), sa.Date)


def rebuild(connection: sa.Connection, codes: CodeMap) -> None:
    """Count the whole rollup again from the debriefs, by the codes standing now
    (`codes`), after a bulk load that went around the push, and bump every cell's
    version. Same answers as keeping it on every push."""
    count_again(connection, codes)
    _bump_every_cell(connection)


def move_codes(connection: sa.Connection, codes: CodeMap, moved: set[str], *,
               dimensions: tuple[str, ...] = DIMENSIONS) -> None:
    """Count the rows of the current codes `moved` again from the debriefs, by `codes`:
    after a change of the taxonomy's mappings moved stored codes to other current ones
    (`CodeMap.changed_from`). Every cell gets a new version, so what insights keep of
    a month is counted again too. The other codes' rows, and the counts of whole
    cells, do not change."""
    if moved:
        count_again(connection, codes, only=moved, dimensions=dimensions)
        _bump_every_cell(connection)


def _bump_every_cell(connection: sa.Connection) -> None:
    cells = {(as_date(month), outcome) for month, outcome in connection.execute(
        sa.select(rollup_cells.c.month, rollup_cells.c.outcome))}
    cells |= {(as_date(month), outcome) for month, outcome in connection.execute(
        sa.select(reason_rollup.c.month, reason_rollup.c.outcome).distinct()
        .where(reason_rollup.c.dimension == CELLS))}
    bump_cells(connection, sorted(cells))


def as_date(value: Any) -> Any:
    """A month as read back: SQLite may hand back the stored text of a date (in a
    UNION, say), PostgreSQL a date; None stays None."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def count_again(connection: sa.Connection, codes: CodeMap, *, only: set[str] | None = None,
                dimensions: tuple[str, ...] = DIMENSIONS, cells: bool = True) -> None:
    """Count the rollup again from the debriefs, by the codes standing now (`codes`):
    the rows splitting cells by `dimensions` and, with `cells`, those of whole cells and
    their details; with `only`, just the rows of those current codes (the cells'
    versions: see rebuild). A migration names the dimensions the store had then."""
    assert set(dimensions) <= set(DIMENSIONS), dimensions
    rows = reason_rollup.c
    counted = [*dimensions, *((CELLS, DETAILS) if cells else ())]
    gone = [rows.dimension.in_(counted)]
    if only is not None:
        gone.append(rows.code.in_(sorted(only)))
    connection.execute(reason_rollup.delete().where(*gone))
    month = month_column(connection.dialect.name, debriefs.c.created_at)
    outcome = sa.func.coalesce(debriefs.c.outcome, NOT_GIVEN)
    live = debriefs.c.deleted.is_(False)
    reasons = debrief_reasons.c
    current = codes.column(reasons.code)
    # The reasons that count under `only`, by the stored codes (the index on them
    # answers, where the mapped code would need every reason read).
    stored = None if only is None else sorted({s for code in only for s in codes.stored(code)})
    kept = [] if stored is None else [reasons.code.in_(stored)]
    named_codes = {
        False: sa.select(reasons.debrief_id, current.label("code")).where(*kept)
        .distinct().subquery(),
        True: sa.select(reasons.debrief_id, current.label("code"))
        .where(reasons.is_primary.is_(True), *kept).distinct().subquery()}
    tally = (sa.func.count(), sa.func.min(debriefs.c.rep_id), sa.func.max(debriefs.c.rep_id))
    for dimension in ((CELLS,) if cells else ()) + dimensions:
        value = sa.literal(NOT_GIVEN) if dimension == CELLS else value_column(dimension)
        keys = (sa.literal(dimension), month, outcome, value)
        grouped = (month, outcome) if dimension == CELLS else (month, outcome, value)
        if only is None:
            connection.execute(reason_rollup.insert().from_select(_ROW_COLUMNS, sa.select(
                *keys, sa.literal(ALL), sa.literal(False), *tally)
                .where(live).group_by(*grouped)))
        for is_primary, named in named_codes.items():
            connection.execute(reason_rollup.insert().from_select(_ROW_COLUMNS, sa.select(
                *keys, named.c.code, sa.literal(is_primary), *tally)
                .select_from(debriefs.join(named, named.c.debrief_id == debriefs.c.id))
                .where(live).group_by(*grouped, named.c.code)))
    if not cells:
        return  # the details split whole cells
    for is_primary in (False, True):
        first = _first_reasons(is_primary, codes, stored)
        where = [live] if only is None else [live, first.c.code.in_(sorted(only))]
        connection.execute(reason_rollup.insert().from_select(_ROW_COLUMNS, sa.select(
            sa.literal(DETAILS), month, outcome, first.c.detail, first.c.code,
            sa.literal(is_primary), *tally)
            .select_from(debriefs.join(first, first.c.debrief_id == debriefs.c.id))
            .where(*where).group_by(month, outcome, first.c.detail, first.c.code)))
