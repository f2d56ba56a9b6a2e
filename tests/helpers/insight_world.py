"""Debriefs for insight and export tests on the session's shared central store: each
test makes its debriefs in a month of its own (answers are built from whole months),
so no test's counts touch another's."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from helpers.server_world import People

_months = itertools.count()


def own_month() -> str:
    """A month no other test of the session makes debriefs in: 'YYYY-MM'."""
    n = next(_months)
    return f"{2010 + n // 12}-{n % 12 + 1:02d}"


def made_in(month: str, day: int = 3, hour: int = 9) -> dict[str, str]:
    """Wire fields dating a debrief in `month`."""
    moment = f"{month}-{day:02d}T{hour:02d}:00:00Z"
    return {"created_at": moment, "updated_at": moment}


def reasons(code: str, detail: str | None = None, *more: str) -> list[dict]:
    """Wire reasons: `code` as the main one, then `more`."""
    return [{"code": code, "detail": detail, "evidence": "customer_said", "primary": True},
            *({"code": other, "detail": None, "evidence": "my_read", "primary": False}
              for other in more)]


def hand_fixture(people: People, new_debrief, month: str | None = None) -> str:
    """Nineteen debriefs by three reps in one month (`month`, else one of the test's
    own); what shows is worked out by hand in `BY_COMPETITOR` and `BY_OUTCOME`."""
    month = month or own_month()
    ann = people("rep")
    bob, cy = people("rep", team=ann.team), people("rep", team=ann.team)

    def lost(competitor: str, *codes: str, day: int) -> dict:
        return new_debrief(competitor=competitor, reasons=reasons(*codes[:1], None, *codes[1:]),
                           **made_in(month, day=day))

    def won(day: int) -> dict:
        return new_debrief(outcome="won", competitor="Acme",
                           reasons=reasons("price.good_value"), **made_in(month, day=day))

    ann.api.push(*[lost("Acme", "price.too_high", day=2) for _ in range(3)],
                 *[lost("Globex", "price.too_high", "competitor.cheaper", day=4)
                   for _ in range(2)], *[won(6) for _ in range(4)])
    bob.api.push(*[lost("Acme", "price.too_high", day=3) for _ in range(3)],
                 *[lost("Globex", "price.too_high", "competitor.cheaper", day=5)
                   for _ in range(2)])
    cy.api.push(lost("Globex", "price.too_high", "competitor.cheaper", day=7),
                lost("Initech", "timing.not_a_priority", day=8), *[won(9) for _ in range(3)])
    return month


# Lost: 12 debriefs from three reps (Acme 6, Globex 5, Initech 1). Initech alone would
# leave 1 out, so Globex (the smallest shown) is left out with it: 6. price.too_high is
# given by 11 of the 12: the one who did not would show, so it is hidden;
# competitor.cheaper (5 of 12) shows for the cell, but only Globex gives it.
# Won: 7 debriefs, all Acme, all price.good_value.
BY_COMPETITOR = {"Acme": (13, {"price.good_value": (7, 0.5385)})}
BY_COMPETITOR_LEFT_OUT = 6
BY_OUTCOME = {"lost": (12, {"competitor.cheaper": (5, 0.4167)}),
              "won": (7, {"price.good_value": (7, 1.0)})}
