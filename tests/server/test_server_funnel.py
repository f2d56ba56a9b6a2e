"""The funnel reality check, worked out by hand: deals (one per CRM reference, its
latest debrief), reached and lost per stage, why, and the sensitivity inputs; small
counts left out as everywhere in insights."""

from __future__ import annotations

from decimal import Decimal

from helpers.insight_world import made_in, own_month
from helpers.server_world import People

from sync.domain.reporting import Reporting
from sync.server import funnel
from sync.server.code_map import CodeMap


def company(people: People, new_debrief) -> str:
    """Per rep and CRM reference. Ann: OPP-a1..3 progressed at interest on the 2nd, then
    lost at evaluation on the 9th; won at selection 3 times, 10,000 EUR each. Bob: the
    same for OPP-b1..3, then lost at selection 3 times. Cy: lost at selection twice, won
    at selection 3 times, 20,000 USD each."""
    month = own_month()
    ann = people("rep")
    bob, cy = people("rep", team=ann.team), people("rep", team=ann.team)
    for rep, tag in ((ann, "a"), (bob, "b")):
        rep.api.push(*[new_debrief(outcome="progressed", stage="interest",
                                   reasons=[{"code": "price.good_value", "detail": None,
                                             "evidence": "my_read", "primary": True}],
                                   crm_ref=f"OPP-{month}-{tag}{n}", **made_in(month, day=2))
                       for n in range(3)])
        rep.api.push(*[new_debrief(stage="evaluation", crm_ref=f"OPP-{month}-{tag}{n}",
                                   **made_in(month, day=9)) for n in range(3)])
    won = {"outcome": "won", "stage": "selection",
           "reasons": [{"code": "price.good_value", "detail": None, "evidence": "my_read",
                        "primary": True}]}
    ann.api.push(*[new_debrief(**won, deal_value="10000", currency="EUR",
                               **made_in(month, day=12)) for _ in range(3)])
    cy.api.push(*[new_debrief(**won, deal_value="20000", currency="USD",
                              **made_in(month, day=12)) for _ in range(3)])
    bob.api.push(*[new_debrief(stage="selection", **made_in(month, day=14)) for _ in range(3)])
    cy.api.push(*[new_debrief(stage="selection", **made_in(month, day=14)) for _ in range(2)])
    return month


def test_the_funnel_counts_deals_once_and_leaves_small_counts_out(people: People,
                                                                 new_debrief):
    month = company(people, new_debrief)
    answer = people("marketing").api.get("/api/v1/insights/funnel",
                                         params={"from": month, "to": month})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "CRM reference" in body["counting"] and body["deals"] == 17
    stages = {stage["stage"]: stage for stage in body["stages"]}
    # The six progressed debriefs at interest were followed by later ones: not deals.
    assert [stages[s]["reached"] for s in ("awareness", "consideration", "interest",
                                           "evaluation", "selection")] == [17, 17, 17, 17, 11]
    evaluation = stages["evaluation"]
    assert (evaluation["lost_or_stalled"], evaluation["loss_rate"]) == (6, round(6 / 17, 4))
    assert {r["code"]: r["deals"] for r in evaluation["reasons"]} == {
        "price.too_high": 6, "competitor.cheaper": 6}
    assert evaluation["win_rate_past"] == round(6 / 11, 4)
    # Only Ann's three won deals have a value in EUR (no rate for USD): too few to show.
    assert evaluation["average_won_value_past"] is None
    assert body["values_without_rate"] is None  # three, under the minimum
    assert stages["selection"]["lost_or_stalled"] == 5
    assert stages["selection"]["win_rate_past"] is None  # nothing comes after it


def test_values_in_the_reporting_currency_make_the_sensitivity(people: People, new_debrief):
    month = company(people, new_debrief)
    with people.engine.connect() as connection:
        found = funnel.funnel(connection, *(2 * [_date(month)]), min_cell=5,
                              reporting=Reporting("EUR", {"USD": Decimal("0.5")}),
                              codes=CodeMap())
    evaluation = next(stage for stage in found.stages if stage.stage == "evaluation")
    assert evaluation.average_won_value_past == Decimal(10000)
    # 6 lost here x 50% x 6/11 won past it x 10,000 EUR
    assert round(evaluation.regained(Decimal("0.5")), 2) == round(
        Decimal(6) * Decimal("0.5") * Decimal(str(6 / 11)) * 10000, 2)
    assert found.values_without_rate == 0


def _date(month: str):
    from datetime import date

    return date(int(month[:4]), int(month[5:]), 1)


def test_reporting_rates_are_checked(tmp_path):
    import pytest

    from sync.domain.reporting import ReportingError

    assert Reporting.load(tmp_path) == Reporting("EUR", {})
    (tmp_path / "reporting.json").write_text('{"currency": "usd", "rates": {"eur": "1.08"}}')
    assert Reporting.load(tmp_path) == Reporting("USD", {"EUR": Decimal("1.08")})
    for bad in ('{"currency": "dollars"}', '{"currency": "EUR", "rates": {"USD": "-1"}}',
                '{"currency": "EUR", "rates": {"USD": "lots"}}', "not json"):
        (tmp_path / "reporting.json").write_text(bad)
        with pytest.raises(ReportingError):
            Reporting.load(tmp_path)
