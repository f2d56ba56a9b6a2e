"""What an action may hold, and how its measure's two shares compare (worked by hand)."""

from __future__ import annotations

from datetime import date

import pytest

from sync.domain.actions import (
    ActionError,
    Direction,
    Kind,
    Measure,
    Share,
    Verdict,
    check_baseline,
    check_line,
    check_measure,
    compared,
)
from sync.domain.debrief import Outcome
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
