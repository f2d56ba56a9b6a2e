"""Collateral and the sales-qualified-lead criteria for marketing: what reps used and
whether it helped, and which criteria leads failed by source, counted like reasons and
small counts left out (a fixture worked out by hand), on both databases."""

from __future__ import annotations

import csv
import io

import openpyxl
from helpers.insight_world import made_in, own_month, reasons
from helpers.server_world import People


def company(people: People, new_debrief) -> str:
    """Ann, Bob and Cy, one month:

    - 10 lost at two stages, 5 each (evaluation: Ann 2, Bob 2, Cy 1; selection: Ann 2,
      Bob 1, Cy 2), all with the case study: it helped in evaluation, not in selection.
      Leads from events (evaluation) and outbound (selection), not sales-ready, all
      failing "budget"; four outbound ones (Ann 2, Bob 1, Cy 1) failing "authority" too.
    - 6 won at selection (2 each), all with the ROI calculator, 5 saying it helped, Cy's
      last not saying; Ann's two with the demo video too.
    """
    month = own_month()
    ann = people("rep")
    bob, cy = people("rep", team=ann.team), people("rep", team=ann.team)

    def lost(day: int, stage: str, authority: bool = False) -> dict:
        evaluation = stage == "evaluation"
        return new_debrief(
            outcome="lost", stage=stage, lead_source="event" if evaluation else "outbound",
            sales_ready="no", failed_criteria=["budget", *(["authority"] if authority else [])],
            collateral=[{"key": "case_study", "helped": evaluation}],
            reasons=reasons("price.too_high"), **made_in(month, day=day))

    def won(day: int, helped: bool | None = True, video: bool = False) -> dict:
        return new_debrief(
            outcome="won", stage="selection", lead_source="referral", sales_ready="yes",
            collateral=[{"key": "roi_calculator", "helped": helped},
                        *([{"key": "demo_video", "helped": True}] if video else [])],
            reasons=reasons("price.good_value"), **made_in(month, day=day))

    pushes = [(ann, [lost(2, "evaluation"), lost(3, "evaluation"),
                    lost(4, "selection", authority=True), lost(5, "selection", authority=True),
                    won(6, video=True), won(7, video=True)]),
              (bob, [lost(2, "evaluation"), lost(3, "evaluation"),
                    lost(4, "selection", authority=True), won(6), won(7)]),
              (cy, [lost(2, "evaluation"), lost(4, "selection"),
                   lost(5, "selection", authority=True), won(6), won(7, helped=None)])]
    for rep, debriefs in pushes:
        answer = rep.api.push(*debriefs)
        assert answer.json()["accepted"] == len(debriefs), answer.text
    return month


def test_collateral_counts_what_reps_used_per_outcome_and_whether_it_helped(people,
                                                                            new_debrief):
    month = company(people, new_debrief)
    api = people("marketing").api
    answer = api.get("/api/v1/insights/collateral", params={"from": month, "to": month})
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["outcomes"] == {"lost": 10, "won": 6} and found["left_out"] == 0
    items = {item["key"]: item for item in found["items"]}
    assert [item["key"] for item in found["items"]] == ["case_study", "roi_calculator"]
    assert items["case_study"]["outcomes"] == {"lost": 10}
    # Helped in 5, not in 5: each leaves 5 in the cell, so both show.
    assert items["case_study"]["said"] == {"lost": {"helped": 5, "did_not_help": 5}}
    assert items["roi_calculator"]["outcomes"] == {"won": 6}
    # 5 said it helped, 1 did not say: showing the 5 would give the one away.
    assert items["roi_calculator"]["said"] == {}
    assert "demo_video" not in answer.text  # Ann's two alone
    assert items["case_study"]["groups"] == {}  # not grouped

    by_stage = api.get("/api/v1/insights/collateral", params={
        "from": month, "to": month, "by": "stage"}).json()
    assert by_stage["groups"] == {"evaluation": {"lost": 5},
                                  "selection": {"lost": 5, "won": 6}}
    staged = {item["key"]: item["groups"] for item in by_stage["items"]}
    assert staged == {"case_study": {"evaluation": {"lost": 5}, "selection": {"lost": 5}},
                      "roi_calculator": {"selection": {"won": 6}}}

    won_only = api.get("/api/v1/insights/collateral", params={
        "from": month, "to": month, "outcome": "won"}).json()
    assert won_only["outcomes"] == {"won": 6}
    assert [item["key"] for item in won_only["items"]] == ["roi_calculator"]


def test_criteria_fail_most_by_source_small_counts_left_out(people, new_debrief):
    month = company(people, new_debrief)
    api = people("marketing").api
    answer = api.get("/api/v1/insights/criteria", params={
        "from": month, "to": month, "by": "lead_source"})
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert found["groups"] == {"event": {"lost": 5}, "outbound": {"lost": 5},
                               "referral": {"won": 6}}
    items = {item["key"]: item for item in found["items"]}
    assert items["budget"]["outcomes"] == {"lost": 10}
    assert items["budget"]["groups"] == {"event": {"lost": 5}, "outbound": {"lost": 5}}
    assert items["budget"]["said"] is None
    # Four authority failures, all outbound: too few to show, anywhere.
    assert "authority" not in items


def test_lead_counts_are_for_marketing_and_refuse_a_bad_question(people, new_debrief):
    month = company(people, new_debrief)
    rep = people("rep").api
    assert rep.get("/api/v1/insights/collateral").status_code == 403
    assert people("manager").api.get("/api/v1/insights/criteria").status_code == 403
    api = people("marketing").api
    for params, field in (({"by": "month"}, "by"), ({"from": "2026-13"}, "from"),
                          ({"from": "2026-05", "to": "2026-04"}, "to"),
                          ({"outcome": "maybe"}, "outcome")):
        refused = api.get("/api/v1/insights/criteria", params=params)
        assert refused.status_code == 422, (params, refused.text)
        assert refused.json()["detail"][0]["loc"][1] == field, refused.text
    nothing = api.get("/api/v1/insights/collateral", params={"from": "1999-01",
                                                             "to": "1999-01"}).json()
    assert nothing["items"] == [] and nothing["outcomes"] == {}
    assert month  # the store is not empty


def test_the_exports_hold_what_the_routes_show_and_nothing_smaller(people, new_debrief):
    month = company(people, new_debrief)
    api = people("marketing").api
    exported = api.get("/api/v1/exports/collateral.csv", params={"from": month, "to": month})
    assert exported.status_code == 200, exported.text
    assert "debrief-collateral-" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [(r["collateral"], r["collateral_label"], r["level"], r["outcome"], r["debriefs"],
             r["group_debriefs"], r["share"], r["said_helped"], r["said_did_not_help"])
            for r in rows] == [
        ("case_study", "Customer case study", "all", "lost", "10", "10", "1.0", "5", "5"),
        ("roi_calculator", "ROI calculator", "all", "won", "6", "6", "1.0", "", "")]
    assert "demo_video" not in exported.text

    workbook = api.get("/api/v1/exports/criteria.xlsx", params={
        "from": month, "to": month, "by": "lead_source"})
    assert workbook.status_code == 200, workbook.text
    book = openpyxl.load_workbook(io.BytesIO(workbook.content), read_only=True)
    sheet = list(book["Criteria"].iter_rows(values_only=True))
    assert sheet[0] == ("criterion", "criterion_label", "level", "lead_source", "outcome",
                        "debriefs", "group_debriefs", "share")
    # The item in all, as the tab's "All" row, then per lead source.
    assert sheet[1:] == [("budget", "Budget set aside", "all", None, "lost", 10, 10, 1),
                         ("budget", "Budget set aside", "group", "event", "lost", 5, 5, 1),
                         ("budget", "Budget set aside", "group", "outbound", "lost", 5, 5, 1)]
    about = dict(book["About"].iter_rows(values_only=True))
    assert about["schema"] == "debrief.lead-counts/2" and about["by"] == "lead_source"

    plays = api.get("/api/v1/exports/plays.json", params={"from": month, "to": month})
    assert plays.status_code == 200, plays.text
    assert plays.json()["rows"] == []  # no play was shared this month
    assert people("rep").api.get("/api/v1/exports/collateral.csv").status_code == 403
    refused = api.get("/api/v1/exports/criteria.csv", params={"by": "quarter"})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][1] == "by"
