"""What marketing may be shown of one month's debriefs: the one rule behind every
insight, export and chart (docs/insights-privacy.md has the rule and why it holds).

Counts are published per calendar month, a block whose contents do not depend on the
question asked. Within a month they form trees:

- the month's debriefs split into cells, one per outcome;
- a cell splits into pieces, one per value of one dimension (stage, industry, company
  size, region, competitor or team; one dimension at a time);
- a cell or a piece names reason codes: for each code, the debriefs that give it (or
  give it as their main reason);
- a cell's count of a code splits into details: each debrief giving the code has one
  detail, that of its first reason naming the code ('' where that reason has none).

A count is shown only when it is *safe*: at least `min_debriefs` debriefs from at least
two reps. Its parent must be shown too. Where some children of a shown parent are
hidden, what they hold together (the remainder, "left out") must itself be safe or
empty: otherwise the smallest shown children are hidden as well, until it is
(secondary suppression). A code's count is shown only if the debriefs of its group
that do not give the code are none or at least `min_debriefs`. Every number an answer
gives is a sum of shown counts; a hidden count adds nothing to any answer, so no sum
or difference of answers can bring it back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

MIN_REPS = 2  # a count from one rep is never shown, whatever its size

Cell = str  # the outcome, '' where not given
CodeKey = tuple[str, bool]  # (reason code, counted as the main reason only)
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Tally:
    """Debriefs counted, with the lowest and highest rep among them (reps are ids).

    Two reps or more is exactly "lowest differs from highest", and both add up: the
    tally of a union is the sum of the counts and the widest range of reps."""

    debriefs: int = 0
    rep_lo: int | None = None
    rep_hi: int | None = None

    def __add__(self, other: Tally) -> Tally:
        los = [r for r in (self.rep_lo, other.rep_lo) if r is not None]
        his = [r for r in (self.rep_hi, other.rep_hi) if r is not None]
        return Tally(self.debriefs + other.debriefs, min(los, default=None),
                     max(his, default=None))

    @property
    def several_reps(self) -> bool:
        return self.rep_lo is not None and self.rep_hi is not None and self.rep_lo != self.rep_hi


def total(tallies: Iterable[Tally]) -> Tally:
    result = Tally()
    for tally in tallies:
        result += tally
    return result


@dataclass(frozen=True)
class Rule:
    """The suppression rule: a shown count has at least `min_debriefs` debriefs from at
    least two reps (MIN_REPS)."""

    min_debriefs: int

    def safe(self, tally: Tally) -> bool:
        # several_reps and max(min_debriefs, 1) written out: it runs once per count.
        return (tally.debriefs >= self.min_debriefs and tally.debriefs >= 1
                and tally.rep_lo is not None and tally.rep_hi is not None
                and tally.rep_lo != tally.rep_hi)

    def safe_or_empty(self, tally: Tally) -> bool:
        return tally.debriefs == 0 or self.safe(tally)

    def complement_safe(self, whole: int, part: int) -> bool:
        """Whether showing `part` of a shown `whole` leaves a difference that may be
        known: none, or at least `min_debriefs` (its reps cannot be counted from
        totals; the whole it is taken from has two or more)."""
        rest = whole - part
        return rest == 0 or rest >= max(self.min_debriefs, 1)

    def split(self, candidates: Mapping[K, Tally], rest: Tally, *,
              groups: Mapping[K, int] | None = None, rest_group: int = 0
              ) -> tuple[dict[K, int], Tally]:
        """Secondary suppression of one shown parent: `candidates` are the children
        that may be shown (each safe on its own), `rest` what its other children hold
        together. Hide the smallest candidates until the rest is safe or empty; return
        the children shown (their counts) and the rest left out.

        With `groups`, the children are code counts each within a group of that many
        debriefs (a code's counts in the pieces of a cell), and the rest lies within
        `rest_group` debriefs, the pieces whose count of the code is not shown. The
        rest can be worked out (the parent less the shown children), and so can what it
        leaves of its groups: that too must be none or at least `min_debriefs`, or a
        piece's count of the code hidden for leaving too few would come back as the
        rest, and its complement with it."""
        shown = dict(candidates)

        def settled() -> bool:
            return self.safe_or_empty(rest) and (
                groups is None or self.complement_safe(rest_group, rest.debriefs))

        while shown and not settled():
            smallest = min(shown, key=lambda key: (shown[key].debriefs, repr(key)))
            rest += shown.pop(smallest)
            if groups is not None:
                rest_group += groups[smallest]
        assert settled(), "a shown parent is safe, and leaves a safe difference"
        return {key: tally.debriefs for key, tally in shown.items()}, rest


@dataclass
class MonthCounts:
    """One month's counts, as the store keeps them, for one dimension or none.

    `cells` and `cell_codes` hold every count of the month's cells. `cell_details`
    holds every detail count of them, or none at all (then no detail is published).
    Pieces may be given for some cells only
    (those a question asks about), but for those in full, except that rows not safe on
    their own may be left out if what they hold together is added to `small_pieces` /
    `small_piece_codes`: the rule never shows such a row, and needs only their sum."""

    cells: dict[Cell, Tally] = field(default_factory=dict)
    cell_codes: dict[tuple[Cell, CodeKey], Tally] = field(default_factory=dict)
    # (cell, code, detail): the debriefs whose detail of that code it is ('': none)
    cell_details: dict[tuple[Cell, CodeKey, str], Tally] = field(default_factory=dict)
    pieces: dict[tuple[Cell, str], Tally] = field(default_factory=dict)
    small_pieces: dict[Cell, Tally] = field(default_factory=dict)
    piece_codes: dict[tuple[Cell, str, CodeKey], Tally] = field(default_factory=dict)
    small_piece_codes: dict[tuple[Cell, CodeKey], Tally] = field(default_factory=dict)


@dataclass
class ShownCell:
    """What a month shows of one cell, laid out for sums: each count once, reached by
    the cell, then main reason only or not, then value or code."""

    debriefs: int
    pieces: dict[str, int] = field(default_factory=dict)  # value: debriefs
    left_out: int = 0  # debriefs of its pieces not shown
    codes: dict[bool, dict[str, int]] = field(default_factory=lambda: {False: {}, True: {}})
    # primary: value: code: debriefs
    piece_codes: dict[bool, dict[str, dict[str, int]]] = field(
        default_factory=lambda: {False: {}, True: {}})
    # primary: code: detail: debriefs
    details: dict[bool, dict[str, dict[str, int]]] = field(
        default_factory=lambda: {False: {}, True: {}})


@dataclass
class PublishedMonth:
    """What may be shown of one month: counts of debriefs, all of them safe sums."""

    cells: dict[Cell, int] = field(default_factory=dict)
    cells_left_out: int = 0  # debriefs of the month in cells not shown
    cell_codes: dict[tuple[Cell, CodeKey], int] = field(default_factory=dict)
    cell_details: dict[tuple[Cell, CodeKey, str], int] = field(default_factory=dict)
    pieces: dict[tuple[Cell, str], int] = field(default_factory=dict)
    pieces_left_out: dict[Cell, int] = field(default_factory=dict)  # per shown cell
    piece_codes: dict[tuple[Cell, str, CodeKey], int] = field(default_factory=dict)


@dataclass(frozen=True)
class ShownMonth:
    """A published month laid out for sums and lookups, each count kept once: by cell,
    then main reason only or not, then value or code (what a server keeps in memory)."""

    cells: dict[Cell, ShownCell]
    cells_left_out: int  # debriefs of the month in cells not shown

    @classmethod
    def of(cls, published: PublishedMonth) -> ShownMonth:
        cells = {cell: ShownCell(n, left_out=published.pieces_left_out.get(cell, 0))
                 for cell, n in published.cells.items()}
        for (cell, (code, primary)), n in published.cell_codes.items():
            cells[cell].codes[primary][code] = n
        for (cell, (code, primary), detail), n in published.cell_details.items():
            cells[cell].details[primary].setdefault(code, {})[detail] = n
        for (cell, value), n in published.pieces.items():
            cells[cell].pieces[value] = n
        for (cell, value, (code, primary)), n in published.piece_codes.items():
            cells[cell].piece_codes[primary].setdefault(value, {})[code] = n
        return cls(cells, published.cells_left_out)

    def shows(self, cell: Cell, code: str, value: str | None = None) -> bool:
        """Whether the count of debriefs giving `code` in `cell` (in its piece `value`,
        if given) is shown."""
        shown = self.cells.get(cell)
        if shown is None:
            return False
        if value is None:
            return code in shown.codes[False]
        return code in shown.piece_codes[False].get(value, {})


def publish(rule: Rule, month: MonthCounts) -> PublishedMonth:
    """Apply the rule to one month's counts."""
    published = PublishedMonth()
    published.cells, published.cells_left_out = shown_cells(rule, month.cells)
    _publish_within(rule, month, published)
    return published


def shown_cells(rule: Rule, cells: Mapping[Cell, Tally]) -> tuple[dict[Cell, int], int]:
    """The month's cells shown (their debriefs) and the debriefs of those left out:
    the only part of a month's publication that depends on more than one cell."""
    if not rule.safe(total(cells.values())):
        return {}, 0  # nothing of a month too small to show
    shown, left = rule.split({cell: tally for cell, tally in cells.items() if rule.safe(tally)},
                             total(tally for tally in cells.values() if not rule.safe(tally)))
    return shown, left.debriefs


def publish_cell(rule: Rule, month: MonthCounts, cell: Cell) -> ShownCell | None:
    """What `cell` shows should its month show it (None: it is never shown, not being
    safe on its own). Its codes, details and pieces depend only on its own counts (all
    `month` needs to hold), so a month is `shown_month` of its cells' tallies and of
    these."""
    tally = month.cells.get(cell)
    if tally is None or not rule.safe(tally):
        return None
    published = PublishedMonth(cells={cell: tally.debriefs})
    _publish_within(rule, month, published)
    return ShownMonth.of(published).cells[cell]


def shown_month(rule: Rule, cells: Mapping[Cell, Tally],
                shown_if: Mapping[Cell, ShownCell | None]) -> ShownMonth:
    """The month whose cells hold `cells`, from what each shows if shown
    (`publish_cell`): the same as ShownMonth.of(publish(rule, month))."""
    shown, left_out = shown_cells(rule, cells)
    blocks = {cell: shown_if[cell] for cell in shown}
    assert all(block is not None for block in blocks.values()), "a shown cell is safe"
    return ShownMonth({cell: block for cell, block in blocks.items() if block is not None},
                      left_out)


def _publish_within(rule: Rule, month: MonthCounts, published: PublishedMonth) -> None:
    """Fill in the codes, details and pieces of the shown cells `published.cells`."""
    published.cell_codes = _codes(rule, published.cells, {
        (cell, code): tally for (cell, code), tally in month.cell_codes.items()})
    published.cell_details = _details(rule, published, month.cell_details)

    # Pieces, in each shown cell: the pieces of a cell add up to it.
    pieces_by_cell: dict[Cell, dict[str, Tally]] = defaultdict(dict)
    for (cell, value), tally in month.pieces.items():
        pieces_by_cell[cell][value] = tally
    for cell in published.cells.keys() & (pieces_by_cell.keys() | month.small_pieces.keys()):
        given = pieces_by_cell.get(cell, {})
        shown, left = rule.split(
            {value: tally for value, tally in given.items() if rule.safe(tally)},
            total([month.small_pieces.get(cell, Tally()),
                   *(tally for tally in given.values() if not rule.safe(tally))]))
        published.pieces.update({(cell, value): n for value, n in shown.items()})
        published.pieces_left_out[cell] = left.debriefs

    # A code's count in a piece: within its piece, and within the cell's count of the
    # code, whose shown pieces' counts and the rest add up to it.
    columns: dict[tuple[Cell, CodeKey], dict[str, Tally]] = defaultdict(dict)
    for (cell, value, code), tally in month.piece_codes.items():
        columns[cell, code][value] = tally
    shown_pieces: dict[Cell, dict[str, int]] = defaultdict(dict)
    for (cell, value), n in published.pieces.items():
        shown_pieces[cell][value] = n
    safe, complement_safe = rule.safe, rule.complement_safe
    for (cell, code), n in published.cell_codes.items():
        if cell not in published.pieces_left_out:
            continue  # no pieces given for this cell
        pieces = shown_pieces.get(cell, {})
        candidates: dict[str, Tally] = {}
        rest = month.small_piece_codes.get((cell, code), Tally())
        for value, tally in columns.get((cell, code), {}).items():
            piece = pieces.get(value)
            if piece is not None and safe(tally) and complement_safe(piece, tally.debriefs):
                candidates[value] = tally
            else:
                rest += tally
        assert rest.debriefs + sum(t.debriefs for t in candidates.values()) == n, \
            "a code's pieces add up to the cell's count of it"
        rest_group = published.cells[cell] - sum(pieces[value] for value in candidates)
        shown, _ = rule.split(candidates, rest, groups=pieces, rest_group=rest_group)
        published.piece_codes.update({(cell, value, code): n for value, n in shown.items()})


def _details(rule: Rule, published: PublishedMonth,
             counts: Mapping[tuple[Cell, CodeKey, str], Tally]
             ) -> dict[tuple[Cell, CodeKey, str], int]:
    """The details of each shown code count of a cell: its children, one detail per
    debrief, so what the hidden ones hold together must be safe or empty; and each
    shown detail leaves a safe difference in its cell."""
    by_code: dict[tuple[Cell, CodeKey], dict[str, Tally]] = defaultdict(dict)
    for (cell, code, detail), tally in counts.items():
        by_code[cell, code][detail] = tally
    shown_details: dict[tuple[Cell, CodeKey, str], int] = {}
    for (cell, code), n in published.cell_codes.items():
        given = by_code.get((cell, code))
        if not given:
            continue
        whole = published.cells[cell]
        candidates = {detail: tally for detail, tally in given.items()
                      if rule.safe(tally) and rule.complement_safe(whole, tally.debriefs)}
        rest = total(tally for detail, tally in given.items() if detail not in candidates)
        assert rest.debriefs + sum(t.debriefs for t in candidates.values()) == n, \
            "a code's details add up to its count"
        shown, _ = rule.split(candidates, rest)
        shown_details.update({(cell, code, detail): k for detail, k in shown.items()})
    return shown_details


def _codes(rule: Rule, shown: Mapping[Cell, int],
           counts: Mapping[tuple[Cell, CodeKey], Tally]) -> dict[tuple[Cell, CodeKey], int]:
    """A shown cell's count of each code: safe, and leaving a safe difference."""
    return {(cell, code): tally.debriefs for (cell, code), tally in counts.items()
            if cell in shown and rule.safe(tally)
            and rule.complement_safe(shown[cell], tally.debriefs)}
