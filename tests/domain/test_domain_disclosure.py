"""The rule behind every insight: what it shows, what it leaves out, and that no sum or
difference of what it shows brings back a hidden count (docs/insights-privacy.md)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sync.domain.disclosure import (
    MonthCounts,
    PublishedMonth,
    Rule,
    ShownMonth,
    Tally,
    publish,
    publish_cell,
    shown_month,
)

RULE = Rule(3)
LOST, WON = "lost", "won"


def reps(*ids: int) -> Tally:
    """One debrief per rep id given."""
    result = Tally()
    for rep in ids:
        result += Tally(1, rep, rep)
    return result


def test_a_count_is_shown_only_with_enough_debriefs_from_two_reps() -> None:
    assert RULE.safe(reps(1, 2, 2))
    assert not RULE.safe(reps(1, 2))  # two debriefs
    assert not RULE.safe(reps(7, 7, 7, 7))  # one rep
    assert not RULE.safe(Tally())
    assert RULE.safe_or_empty(Tally())


def test_tallies_add_up_counts_and_the_range_of_reps() -> None:
    assert reps(4, 9) + reps(2) == Tally(3, 2, 9)
    assert Tally() + reps(5) == reps(5)


def test_what_small_children_leave_out_is_safe_or_the_smallest_shown_go_too() -> None:
    shown, left = RULE.split({"a": reps(1, 2, 3), "b": reps(1, 2, 3, 4)}, reps(5))
    assert shown == {"b": 4} and left == reps(1, 2, 3, 5)
    shown, left = RULE.split({"a": reps(1, 2, 3)}, Tally())
    assert shown == {"a": 3} and left == Tally()
    # Left out by one rep only: not safe, however many.
    shown, left = RULE.split({"a": reps(1, 2, 3), "b": reps(1, 2, 3, 4)}, reps(6, 6, 6))
    assert shown == {"b": 4} and left.debriefs == 6


def month(cells: dict, cell_codes: dict | None = None, pieces: dict | None = None,
          piece_codes: dict | None = None) -> MonthCounts:
    return MonthCounts(cells=cells, cell_codes=cell_codes or {}, pieces=pieces or {},
                       piece_codes=piece_codes or {})


def test_a_small_cell_is_left_out_and_a_small_month_shows_nothing() -> None:
    published = publish(RULE, month({LOST: reps(1, 2, 3, 4), WON: reps(1, 2),
                                     "no_decision": reps(3, 4)}))
    assert published.cells == {LOST: 4}
    assert published.cells_left_out == 4
    assert publish(RULE, month({LOST: reps(1, 1)})) == PublishedMonth()


def test_a_code_is_shown_only_if_those_not_giving_it_are_none_or_enough() -> None:
    cell = reps(1, 2, 3, 4, 5, 6, 7)
    published = publish(RULE, month({LOST: cell}, cell_codes={
        (LOST, ("price", False)): reps(1, 2, 3, 4, 5, 6, 7),  # all: shown
        (LOST, ("fit", False)): reps(1, 2, 3, 4),  # 3 did not: shown
        (LOST, ("timing", False)): reps(1, 2, 3, 4, 5, 6),  # 1 did not: hidden
        (LOST, ("timing", True)): reps(1, 2)}))  # too few
    assert published.cell_codes == {(LOST, ("price", False)): 7,
                                     (LOST, ("fit", False)): 4}


def test_pieces_and_their_codes_add_up_to_what_the_cell_shows() -> None:
    pieces = {(LOST, "acme"): reps(1, 2, 3), (LOST, "globex"): reps(4, 5, 6, 7),
              (LOST, "initech"): reps(8)}
    code = ("price", False)
    published = publish(RULE, month(
        {LOST: reps(*range(1, 9))}, {(LOST, code): reps(1, 2, 3, 4, 5, 6, 7, 8)},
        pieces, {(LOST, "acme", code): reps(1, 2, 3),
                 (LOST, "globex", code): reps(4, 5, 6, 7),
                 (LOST, "initech", code): reps(8)}))
    # initech (1) alone left out would give its count away: acme goes with it.
    assert published.pieces == {(LOST, "globex"): 4}
    assert published.pieces_left_out == {LOST: 4}
    assert published.piece_codes == {(LOST, "globex", code): 4}
    laid_out = ShownMonth.of(published)  # the same counts, per cell, for sums
    assert laid_out.cells[LOST].pieces == {"globex": 4} and laid_out.cells[LOST].left_out == 4
    assert laid_out.shows(LOST, "price") and laid_out.shows(LOST, "price", "globex")
    assert not laid_out.shows(LOST, "price", "acme") and not laid_out.shows(WON, "price")


def test_a_codes_details_add_up_to_it_and_a_small_one_takes_the_smallest_with_it() -> None:
    code = ("price", False)
    cell = reps(*range(1, 14))  # 10 give the code, 3 do not
    published = publish(RULE, month({LOST: cell}, {(LOST, code): reps(*range(1, 11))}))
    assert published.cell_details == {}  # no details counted: none shown
    counts = month({LOST: cell}, {(LOST, code): reps(*range(1, 11))})
    counts.cell_details = {(LOST, code, "too_high"): reps(1, 2, 3, 4),
                           (LOST, code, "no_budget"): reps(5, 6, 7),
                           (LOST, code, ""): reps(8, 9, 10)}
    published = publish(RULE, counts)
    # Each of the three is safe, and none leaves a small difference in the cell.
    assert published.cell_details == {(LOST, code, "too_high"): 4,
                                      (LOST, code, "no_budget"): 3, (LOST, code, ""): 3}
    counts.cell_details = {(LOST, code, "too_high"): reps(1, 2, 3),
                           (LOST, code, "no_budget"): reps(4, 5, 6, 7, 8),
                           (LOST, code, ""): reps(9, 10)}
    # The two without a detail alone would give their count away: "too_high" goes too.
    assert publish(RULE, counts).cell_details == {(LOST, code, "no_budget"): 5}


# --- the attack: every sum and difference of what is shown, against every hidden count --

CODES = ("price", "fit")
DETAILS = ("", "p1", "p2")  # of "price", its first reason's ('': none); "fit" has none
OUTCOMES = ("lost", "won")
STAGES = ("interest", "evaluation")
INDUSTRIES = ("bank", "retail")
COMPETITORS = ("acme", "globex", "")
DIMENSIONS = {"stage": STAGES, "industry": INDUSTRIES, "competitor": COMPETITORS}


@dataclass(frozen=True)
class Atom:
    """Every debrief with the same atom looks the same to any question."""

    month: int
    outcome: str
    stage: str
    industry: str
    competitor: str
    codes: frozenset[str]
    primary: str | None
    detail: str  # of "price", if given: its first reason naming it
    primary_detail: str  # of "price" as the main reason: the main reason's, may differ

    def value(self, dimension: str) -> str:
        return getattr(self, dimension)

    def detail_of(self, code: tuple[str, bool]) -> str:
        if code[0] != "price":
            return ""
        return self.primary_detail if code[1] else self.detail

    def gives(self, code: tuple[str, bool]) -> bool:
        name, primary = code
        return self.primary == name if primary else name in self.codes


def every_atom() -> list[Atom]:
    """All an attacker must allow for: every combination, seen or not."""
    atoms = []
    for month_, outcome, stage, industry, competitor in itertools.product(
            range(2), OUTCOMES, STAGES, INDUSTRIES, COMPETITORS):
        for size in range(len(CODES) + 1):
            for codes in itertools.combinations(CODES, size):
                for primary in (None, *codes):
                    for detail in DETAILS if "price" in codes else ("",):
                        for main in DETAILS if primary == "price" else ("",):
                            atoms.append(Atom(month_, outcome, stage, industry, competitor,
                                              frozenset(codes), primary, detail, main))
    return atoms


ATOMS = every_atom()
INDEX = {atom: i for i, atom in enumerate(ATOMS)}
debriefs = st.lists(st.tuples(st.integers(1, 4), st.sampled_from(ATOMS)), max_size=60)


def counts_of(data: list[tuple[int, Atom]], month_: int, dimension: str) -> MonthCounts:
    """The rule's input for one month, counted from the debriefs (rep, atom)."""
    counts = MonthCounts()

    def add(table: dict, key: object, rep: int) -> None:
        table[key] = table.get(key, Tally()) + Tally(1, rep, rep)

    for rep, atom in data:
        if atom.month != month_:
            continue
        cell = atom.outcome
        value = atom.value(dimension)
        add(counts.cells, cell, rep)
        add(counts.pieces, (cell, value), rep)
        for code in itertools.product(CODES, (False, True)):
            if atom.gives(code):
                add(counts.cell_codes, (cell, code), rep)
                add(counts.cell_details, (cell, code, atom.detail_of(code)), rep)
                add(counts.piece_codes, (cell, value, code), rep)
    return counts


def vector(test: Iterable[bool]) -> np.ndarray:
    return np.fromiter(test, dtype=float, count=len(ATOMS))


def published_vectors(month_: int, dimension: str, shown: PublishedMonth
                      ) -> list[tuple[np.ndarray, int]]:
    """Each count shown (or left out) as the set of atoms it adds up, and its value."""
    def where(**parts: object) -> np.ndarray:
        return vector(atom.month == month_ and all(
            atom.outcome == part if name == "cell" else
            atom.value(dimension) == part if name == "value" else
            atom.gives(part[0]) and atom.detail_of(part[0]) == part[1] if name == "detail"
            else atom.gives(part)
            for name, part in parts.items()) for atom in ATOMS)

    found = [(where(cell=cell), n) for cell, n in shown.cells.items()]
    if not found and not shown.cells_left_out:
        return []  # a month too small to show anything of
    found.append((vector(atom.month == month_ for atom in ATOMS)
                  - sum((v for v, _ in found), np.zeros(len(ATOMS))), shown.cells_left_out))
    found += [(where(cell=cell, code=code), n) for (cell, code), n in shown.cell_codes.items()]
    found += [(where(cell=cell, detail=(code, detail)), n)
              for (cell, code, detail), n in shown.cell_details.items()]
    pieces = [(cell, where(cell=cell, value=value), n)
              for (cell, value), n in shown.pieces.items()]
    found += [(v, n) for _, v, n in pieces]
    for cell, n in shown.pieces_left_out.items():
        found.append((where(cell=cell) - sum((v for c, v, _ in pieces if c == cell),
                                             np.zeros(len(ATOMS))), n))
    found += [(where(cell=cell, value=value, code=code), n)
              for (cell, value, code), n in shown.piece_codes.items()]
    return found


def hidden_counts(data: list[tuple[int, Atom]]) -> list[tuple[str, np.ndarray]]:
    """Every count a question could name whose debriefs are too few or from one rep, and
    every count of those in a cell or piece not giving a code that is under the minimum
    (the rule cannot count their reps)."""
    sets: dict[str, np.ndarray] = {}
    fewer: dict[str, np.ndarray] = {}  # hidden if under the minimum, whatever the reps
    for atom in ATOMS:  # each single combination too: one debrief's whole answer
        sets[f"atom {atom}"] = vector(other == atom for other in ATOMS)
    for month_, cell in itertools.product(range(2), OUTCOMES):
        in_cell = [a.month == month_ and a.outcome == cell for a in ATOMS]
        sets[f"{month_} {cell}"] = vector(in_cell)
        for code in itertools.product(CODES, (False, True)):
            sets[f"{month_} {cell} {code}"] = vector(
                c and a.gives(code) for c, a in zip(in_cell, ATOMS, strict=True))
            fewer[f"{month_} {cell} not {code}"] = vector(
                c and not a.gives(code) for c, a in zip(in_cell, ATOMS, strict=True))
            for detail in DETAILS:
                with_detail = [c and a.gives(code) and a.detail_of(code) == detail
                               for c, a in zip(in_cell, ATOMS, strict=True)]
                sets[f"{month_} {cell} {code} {detail!r}"] = vector(with_detail)
                fewer[f"{month_} {cell} not {code} {detail!r}"] = vector(
                    c and not d for c, d in zip(in_cell, with_detail, strict=True))
        for dimension, values in DIMENSIONS.items():
            for value in values:
                piece = [c and a.value(dimension) == value
                         for c, a in zip(in_cell, ATOMS, strict=True)]
                sets[f"{month_} {cell} {value}"] = vector(piece)
                for code in itertools.product(CODES, (False, True)):
                    sets[f"{month_} {cell} {value} {code}"] = vector(
                        p and a.gives(code) for p, a in zip(piece, ATOMS, strict=True))
                    fewer[f"{month_} {cell} {value} not {code}"] = vector(
                        p and not a.gives(code) for p, a in zip(piece, ATOMS, strict=True))
    hidden = []
    for name, members in [*sets.items(), *fewer.items()]:
        tally = Tally()
        for rep, atom in data:
            if members[INDEX[atom]]:
                tally += Tally(1, rep, rep)
        too_few = 0 < tally.debriefs < RULE.min_debriefs
        if too_few or (name in sets and tally.debriefs and not RULE.safe(tally)):
            hidden.append((name, members))
    return hidden


def _price_given(detail: str) -> Atom:
    return Atom(0, LOST, "interest", "bank", "acme", frozenset({"price"}), None, detail, "")


# Two details shown beside the two debriefs with none would give those two away.
TWO_DETAILS_AND_TWO_WITHOUT = [(rep, _price_given(detail)) for detail, ids in (
    ("p1", (1, 2, 3, 4)), ("p2", (1, 2, 3, 4)), ("", (1, 2))) for rep in ids]


def _lost(stage: str, *codes: str) -> Atom:
    return Atom(0, LOST, stage, "bank", "acme", frozenset(codes), None, "", "")


# "interest" gives "price" in 5 of 6, too few without it to show; "evaluation" in 3 of
# 6. Showing evaluation's 3 beside the cell's 8 would give interest's 5 as the rest,
# and the one debrief of interest without "price" with it.
A_PIECE_HIDDEN_FOR_ITS_COMPLEMENT = [
    *((rep, _lost("interest", "price")) for rep in (1, 2, 3, 4, 1)), (2, _lost("interest")),
    *((rep, _lost("evaluation", "price")) for rep in (1, 2, 3)),
    *((rep, _lost("evaluation")) for rep in (1, 2, 4))]


def test_a_codes_rest_in_the_pieces_leaves_them_a_safe_difference_too() -> None:
    shown = publish(RULE, counts_of(A_PIECE_HIDDEN_FOR_ITS_COMPLEMENT, 0, "stage"))
    assert shown.pieces == {(LOST, "interest"): 6, (LOST, "evaluation"): 6}
    assert shown.cell_codes[LOST, ("price", False)] == 8
    # evaluation's 3 is safe and leaves 3, but beside it the rest would be interest's.
    assert shown.piece_codes == {}


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=debriefs)
@example(data=TWO_DETAILS_AND_TWO_WITHOUT)
@example(data=A_PIECE_HIDDEN_FOR_ITS_COMPLEMENT)
def test_no_hidden_count_is_a_sum_or_difference_of_shown_ones(data) -> None:
    equations: list[tuple[np.ndarray, int]] = []
    truth = np.zeros(len(ATOMS))
    for _, atom in data:
        truth[INDEX[atom]] += 1
    for month_, dimension in itertools.product(range(2), DIMENSIONS):
        shown = publish(RULE, counts_of(data, month_, dimension))
        for members, n in published_vectors(month_, dimension, shown):
            assert members @ truth == n  # each shown count is what it says it is
            equations.append((members, n))
        for (cell, value), n in shown.pieces.items():
            assert RULE.safe(tally_of(data, month_, cell, dimension, value)), (cell, value, n)
    published = np.array([members for members, _ in equations])
    hidden = hidden_counts(data)
    if not hidden or not len(published):
        return
    targets = np.array([members for _, members in hidden]).T
    # A hidden count is worked out from shown ones exactly when its set of atoms is a
    # linear combination of theirs.
    solution, *_ = np.linalg.lstsq(published.T, targets, rcond=None)
    misses = np.abs(published.T @ solution - targets).max(axis=0)
    derived = [name for (name, _), miss in zip(hidden, misses, strict=True) if miss < 1e-6]
    assert not derived, derived


def tally_of(data: list[tuple[int, Atom]], month_: int, cell: str,
             dimension: str, value: str) -> Tally:
    tally = Tally()
    for rep, atom in data:
        if (atom.month == month_ and atom.outcome == cell
                and atom.value(dimension) == value):
            tally += Tally(1, rep, rep)
    return tally


@settings(max_examples=60, deadline=None, derandomize=True)
@given(data=debriefs, min_debriefs=st.integers(1, 4))
@example(data=TWO_DETAILS_AND_TWO_WITHOUT, min_debriefs=3)
def test_a_month_put_together_cell_by_cell_is_the_month_published_whole(
        data, min_debriefs) -> None:
    """What a server keeps per cell (publish_cell) and puts together per question
    (shown_month) shows exactly what the rule shows of the whole month."""
    rule = Rule(min_debriefs)
    for month_, dimension in itertools.product(range(2), DIMENSIONS):
        counts = counts_of(data, month_, dimension)
        whole = ShownMonth.of(publish(rule, counts))
        by_cell = shown_month(rule, counts.cells,
                              {cell: publish_cell(rule, counts, cell) for cell in counts.cells})
        assert by_cell == whole
