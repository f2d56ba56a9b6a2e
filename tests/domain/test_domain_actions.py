"""What an action may hold, and how its measure's two shares compare (worked by hand)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.domain.actions import (
    Z_95,
    ActionError,
    Direction,
    Kind,
    Measure,
    Share,
    Verdict,
    _z,
    check_baseline,
    check_line,
    check_measure,
    compared,
    month_share,
)
from sync.domain.debrief import Outcome
from sync.domain.disclosure import ShownCell, ShownMonth
from sync.domain.team_lists import ListDocuments

LISTS = ListDocuments.shipped().lists


def test_a_measure_goes_the_usual_way_unless_told():
    assert Measure(Kind.REASON, Outcome.LOST, "price.too_high").wanted is Direction.DOWN
    assert Measure(Kind.REASON, Outcome.WON, "price.good_value").wanted is Direction.UP
    assert Measure(Kind.OUTCOME, Outcome.WON).wanted is Direction.UP
    assert Measure(Kind.OUTCOME, Outcome.NO_DECISION).wanted is Direction.DOWN
    told = Measure(Kind.OUTCOME, Outcome.PROGRESSED, direction=Direction.DOWN)
    assert told.wanted is Direction.DOWN
    assert check_measure(Measure(Kind.OUTCOME, Outcome.LOST), LISTS).direction is Direction.DOWN


@pytest.mark.parametrize(("measure", "field"), [
    (Measure(Kind.REASON, Outcome.LOST), "code"),
    (Measure(Kind.REASON, Outcome.LOST, "price.other"), "code"),  # retired
    (Measure(Kind.REASON, Outcome.WON, "price.too_high"), "code"),  # a reason to lose
    (Measure(Kind.OUTCOME, Outcome.WON, "price.too_high"), "code"),
    (Measure(Kind.OUTCOME, Outcome.WON, dimension="stage"), "value"),
    (Measure(Kind.OUTCOME, Outcome.WON, value="retail"), "dimension"),
    (Measure(Kind.OUTCOME, Outcome.WON, dimension="mood", value="sunny"), "dimension"),
    (Measure(Kind.OUTCOME, Outcome.WON, dimension="region", value="mars"), "value"),
    (Measure(Kind.OUTCOME, Outcome.WON, dimension="sales_ready", value="maybe"), "value"),
    (Measure(Kind.OUTCOME, Outcome.WON, dimension="competitor", value="  "), "value"),
])
def test_a_measure_that_cannot_be_counted_is_refused_naming_its_field(measure, field):
    with pytest.raises(ActionError) as refused:
        check_measure(measure, LISTS)
    assert refused.value.field == field


def test_a_group_on_the_lists_and_any_competitor_are_taken():
    for dimension, value in (("stage", "evaluation"), ("lead_source", "referral"),
                             ("industry", "retail"), ("competitor", "Acme")):
        check_measure(Measure(Kind.OUTCOME, Outcome.WON, dimension=dimension, value=value),
                      LISTS)


def test_titles_owners_and_baselines():
    assert check_line("owner", "  Dana ", 80) == "Dana"
    for bad in ("", "   ", "x" * 81, "two\nlines", "bidi\u202eevil"):
        with pytest.raises(ActionError):
            check_line("owner", bad, 80)
    check_baseline(date(2026, 1, 1), date(2026, 11, 1), date(2026, 12, 1))
    for first, last in ((date(2026, 5, 1), date(2026, 4, 1)),
                        (date(2026, 1, 1), date(2026, 12, 1))):
        with pytest.raises(ActionError) as refused:
            check_baseline(first, last, date(2026, 12, 1))
        assert refused.value.field == "baseline_to"


def test_two_shares_compare_by_a_two_proportion_test():
    # 70% of 20 to 25% of 20: pooled 47.5%, standard error 15.8 points, z = -2.85.
    down = compared(Share(14, 20), Share(5, 20), Direction.DOWN)
    assert (down.verdict, down.points) == (Verdict.MOVED, -45.0)
    assert compared(Share(14, 20), Share(5, 20), Direction.UP).verdict is Verdict.MOVED_AGAINST
    # 20% of 25 to 33% of 30: z = 1.11, a change chance could explain.
    unclear = compared(Share(5, 25), Share(10, 30), Direction.UP)
    assert (unclear.verdict, unclear.points) == (Verdict.NOT_CLEAR, 13.3)
    assert compared(Share(None, 20), Share(5, 20), Direction.DOWN).verdict is Verdict.TOO_FEW
    assert compared(Share(0, 20), Share(0, 20), Direction.DOWN).verdict is Verdict.NOT_CLEAR


def test_a_hidden_month_may_hold_anything_from_none_to_all_of_its_debriefs():
    # Shown alone, 70 of 100 to 40 of 100 moved (z = -4.3). With 50 debriefs before
    # whose count is hidden, before may have been 70 of 150 (47%): still beyond chance
    # against 40%? z = -1.0: no.
    shown = compared(Share(70, 100), Share(40, 100), Direction.DOWN)
    assert shown.verdict is Verdict.MOVED
    hidden = compared(Share(70, 100, hidden=50), Share(40, 100), Direction.DOWN)
    assert (hidden.verdict, hidden.points) == (Verdict.NOT_CLEAR, -30.0)
    # Ten hidden debriefs cannot undo it: at worst 70 of 110 (64%) against 40%.
    few = compared(Share(70, 100, hidden=10), Share(40, 100), Direction.DOWN)
    assert few.verdict is Verdict.MOVED
    # After: hidden debriefs could all give it: 40 + 10 of 110 (45%) against 70%.
    assert compared(Share(70, 100), Share(40, 100, hidden=10),
                    Direction.DOWN).verdict is Verdict.MOVED


def cell(debriefs: int, pieces: dict[str, int] | None = None, left_out: int = 0,
         codes: dict[str, int] | None = None,
         piece_codes: dict[str, dict[str, int]] | None = None) -> ShownCell:
    shown = ShownCell(debriefs, dict(pieces or {}), left_out)
    shown.codes[False].update(codes or {})
    shown.piece_codes[False].update(piece_codes or {})
    return shown


WON_SHARE = Measure(Kind.OUTCOME, Outcome.WON)
WIN_RATE = Measure(Kind.WIN_RATE, Outcome.WON)
PRICE_LOSSES = Measure(Kind.REASON, Outcome.LOST, "price.too_high")


def test_the_share_won_counts_the_cells_left_out_in_its_whole():
    # 30 won shown, 70 in cells left out (not won: won is shown): 30 of 100, exactly.
    month = ShownMonth({"won": cell(30)}, cells_left_out=70)
    assert month_share(month, WON_SHARE) == Share(30, 100)
    # Won left out with others: 5 lost shown, 60 left out, any of which may be won.
    hidden = month_share(ShownMonth({"lost": cell(5)}, cells_left_out=60), WON_SHARE)
    assert hidden == Share(None, 5, hidden=60)
    assert hidden.ends() == ((0, 65), (60, 65))
    # No won debriefs that month, nothing left out: none, known.
    assert month_share(ShownMonth({"lost": cell(20)}, 0), WON_SHARE) == Share(0, 20)


def test_the_win_rate_is_won_of_won_and_lost():
    month = ShownMonth({"won": cell(30), "lost": cell(50), "objection": cell(20)}, 9)
    assert month_share(month, WIN_RATE) == Share(30, 80)  # the 9 left out are neither
    # Lost left out: any of the 9 may be lost (or another outcome): 30 of 30 to 39.
    lost_hidden = ShownMonth({"won": cell(30), "objection": cell(20)}, 9)
    assert month_share(lost_hidden, WIN_RATE) == Share(30, 30, may_miss=9)
    assert month_share(lost_hidden, WIN_RATE).ends() == ((30, 39), (30, 30))
    won_hidden = ShownMonth({"lost": cell(50)}, 4)
    assert month_share(won_hidden, WIN_RATE) == Share(None, 50, may_hit=4)
    assert check_measure(WIN_RATE, LISTS).direction is Direction.UP
    with pytest.raises(ActionError) as refused:
        check_measure(Measure(Kind.WIN_RATE, Outcome.LOST), LISTS)
    assert refused.value.field == "outcome"


def test_a_group_not_shown_may_or_may_not_be_measured():
    retail = Measure(Kind.OUTCOME, Outcome.WON, dimension="industry", value="retail")
    month = ShownMonth({"won": cell(30, {"retail": 12}, left_out=3),
                        "lost": cell(40, {"software": 40})}, cells_left_out=8)
    # Won in retail: 12 shown; lost in retail: none (no piece of lost left out); the
    # cells left out may hold retail debriefs of any outcome.
    assert month_share(month, retail, value="retail") == Share(12, 12, may_miss=8)
    hidden = ShownMonth({"won": cell(30, {"software": 25}, left_out=5),
                         "lost": cell(40, {"retail": 10}, left_out=30)}, 0)
    assert month_share(hidden, retail, value="retail") == Share(None, 10, may_hit=5)


def test_a_reasons_month_hidden_or_its_group_hidden():
    shown = ShownMonth({"lost": cell(40, codes={"price.too_high": 12})}, 0)
    assert month_share(shown, PRICE_LOSSES, "price.too_high") == Share(12, 40)
    code_hidden = ShownMonth({"lost": cell(40, codes={"other.code": 30})}, 0)
    assert month_share(code_hidden, PRICE_LOSSES, "price.too_high") == Share(None, 0, 40)
    cell_hidden = ShownMonth({"won": cell(40)}, cells_left_out=7)
    assert month_share(cell_hidden, PRICE_LOSSES, "price.too_high") == Share(
        None, 0, may_hit=7, may_miss=7)
    retail = Measure(Kind.REASON, Outcome.LOST, "price.too_high", "industry", "retail")
    piece = ShownMonth({"lost": cell(40, {"retail": 20}, piece_codes={
        "retail": {"price.too_high": 9}})}, 0)
    assert month_share(piece, retail, "price.too_high", "retail") == Share(9, 20)


def fills(share: Share) -> st.SearchStrategy[tuple[int, int]]:
    """What the share may truly be: (hits, of), the hidden counts filled any way."""
    return st.tuples(st.integers(0, share.hidden), st.integers(0, share.may_hit),
                     st.integers(0, share.may_miss)).map(lambda f: (
                         (share.hits or 0) + f[0] + f[1],
                         share.debriefs + share.hidden + f[1] + f[2]))


shares = st.builds(lambda debriefs, hits, hidden, may_hit, may_miss: Share(
    min(hits, debriefs), debriefs, hidden, may_hit, may_miss),
    st.integers(1, 400), st.integers(0, 400), st.integers(0, 60), st.integers(0, 30),
    st.integers(0, 30))


@given(shares, shares, st.data())
@settings(max_examples=300, deadline=None)
def test_a_verdict_holds_whatever_the_hidden_counts_hold(before, after, data):
    """"Moved" up (or down) is what a plain two-proportion test says of every way the
    hidden counts could be filled in."""
    movement = compared(before, after, Direction.UP)
    if movement.verdict not in (Verdict.MOVED, Verdict.MOVED_AGAINST):
        return
    went_up = movement.verdict is Verdict.MOVED
    truth_before, truth_after = data.draw(fills(before)), data.draw(fills(after))
    z = _z(truth_before, truth_after)
    assert (z >= Z_95) if went_up else (z <= -Z_95), (truth_before, truth_after, z)
