"""Outcomes and reasons by lead source and by sales-readiness: the insights route, the
export and the BI route count them like any other dimension, small groups left out
(a fixture worked out by hand)."""

from __future__ import annotations

import csv
import io

from helpers.insight_world import made_in, own_month, reasons
from helpers.server_world import People


def company(people: People, new_debrief) -> str:
    """Ann, Bob and Cy: 9 lost from events (not ready: budget), 6 won from referrals
    (ready); and lost too, one from a partner by Ann and four outbound by Bob: groups
    too small to show, which together are safe to leave out (so "event" shows)."""
    month = own_month()
    ann = people("rep")
    bob, cy = people("rep", team=ann.team), people("rep", team=ann.team)

    def lost(day: int, source: str = "event", outcome: str = "lost") -> dict:
        return new_debrief(outcome=outcome, lead_source=source, sales_ready="no",
                           failed_criteria=["budget"], reasons=reasons("price.too_high"),
                           **made_in(month, day=day))

    def won(day: int) -> dict:
        return new_debrief(outcome="won", lead_source="referral", sales_ready="yes",
                           collateral=[{"key": "case_study", "helped": True}],
                           play=f"Referral play {month}" if day == 10 else None,
                           share_play=day == 10,
                           reasons=reasons("price.good_value"), **made_in(month, day=day))

    for rep, days in ((ann, (2, 3, 4)), (bob, (5, 6, 7)), (cy, (8, 9))):
        answer = rep.api.push(*(lost(day) for day in days))
        assert answer.json()["accepted"] == len(days), answer.text
    for rep in (ann, bob, cy):
        answer = rep.api.push(won(10), won(11))
        assert answer.json()["accepted"] == 2, answer.text
    ann.api.push({**lost(12, "partner"), "play": f"Partner play {month}", "share_play": True})
    bob.api.push({**lost(16), "play": f"Unshared play {month}", "share_play": False})
    bob.api.push(*(lost(day, "outbound") for day in (12, 13, 14, 15)))
    return month


def test_reasons_by_lead_source_and_by_readiness_leave_small_groups_out(people, new_debrief):
    month = company(people, new_debrief)
    api = people("marketing").api
    by_source = api.get("/api/v1/insights/reasons",
                        params={"by": "lead_source", "from": month, "to": month}).json()
    groups = {g["value"]: (g["debriefs"], {r["code"]: r["debriefs"] for r in g["reasons"]})
              for g in by_source["groups"]}
    assert groups["event"] == (9, {"price.too_high": 9})
    assert groups["referral"] == (6, {"price.good_value": 6})
    assert "partner" not in groups and "outbound" not in groups  # 1 and 4 debriefs
    by_ready = api.get("/api/v1/insights/reasons",
                       params={"by": "sales_ready", "from": month, "to": month}).json()
    assert {g["value"]: g["debriefs"] for g in by_ready["groups"]} == {"no": 14, "yes": 6}
    narrowed = api.get("/api/v1/insights/reasons", params={
        "by": "outcome", "lead_source": "event", "from": month, "to": month}).json()
    assert {g["value"]: g["debriefs"] for g in narrowed["groups"]} == {"lost": 9}
    alone = api.get("/api/v1/insights/reasons", params={
        "by": "outcome", "lead_source": "partner", "from": month, "to": month}).json()
    assert alone["groups"] == []  # narrowing to a small group shows nothing of it
    refused = api.get("/api/v1/insights/reasons", params={
        "by": "outcome", "lead_source": "event", "sales_ready": "no", "from": month,
        "to": month})
    assert refused.status_code == 422  # one dimension at a time
    assert refused.json()["detail"][0]["loc"] == ["query", "sales_ready"]
    bad = api.get("/api/v1/insights/reasons", params={
        "by": "outcome", "sales_ready": "maybe", "from": month, "to": month})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query",
                                                                        "sales_ready"]


def test_the_export_and_the_bi_route_count_lead_sources_alike(people, new_debrief):
    month = company(people, new_debrief)
    api = people("marketing").api
    params = {"by": ["outcome", "lead_source"], "from": month, "to": month}
    exported = api.get("/api/v1/exports/reasons.csv", params=params)
    assert exported.status_code == 200, exported.text
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert {(r["outcome"], r["lead_source"], r["reason_code"], r["debriefs"]) for r in rows} == {
        ("lost", "event", "price.too_high", "9"), ("won", "referral", "price.good_value", "6")}
    bi = api.get("/api/v1/bi/reason-counts", params=params)
    assert bi.status_code == 200, bi.text
    assert {(r["outcome"], r["lead_source"], r["reason_code"], r["debriefs"])
            for r in bi.json()["rows"]} == {("lost", "event", "price.too_high", 9),
                                            ("won", "referral", "price.good_value", 6)}
    for small in ("partner", "outbound"):
        assert small not in exported.text and small not in bi.text


def test_shared_plays_are_listed_with_the_groups_that_show_and_nothing_else(people,
                                                                          new_debrief):
    month = company(people, new_debrief)
    marketing = people("marketing").api
    answer = marketing.get("/api/v1/insights/plays", params={"from": month, "to": month})
    assert answer.status_code == 200, answer.text
    plays = answer.json()["plays"]
    # By hand: Ann, Bob and Cy each shared a referral play (won, a cell of 6 from three
    # reps); Ann shared one on her lost partner lead (the lost cell shows, its partner
    # group does not); Bob kept his play to himself.
    assert sorted(p["text"] for p in plays) == sorted(
        [f"Partner play {month}"] + [f"Referral play {month}"] * 3)
    referral = next(p for p in plays if p["text"].startswith("Referral"))
    partner = next(p for p in plays if p["text"].startswith("Partner"))
    assert (referral["outcome"], referral["month"], referral["stage"]) == (
        "won", month, "evaluation")
    assert partner["outcome"] == "lost"
    # No more than a quote shows: the lead source would narrow the debrief further.
    assert "lead_source" not in referral
    assert "Unshared" not in answer.text
    for name in ("rep-", "account", "private"):
        assert name not in answer.text
    won_only = marketing.get("/api/v1/insights/plays", params={
        "from": month, "to": month, "outcome": "won", "q": "REFERRAL"}).json()
    assert [p["text"] for p in won_only["plays"]] == [f"Referral play {month}"] * 3


def test_the_plays_export_lists_what_the_route_lists(people, new_debrief):
    month = company(people, new_debrief)
    marketing = people("marketing").api
    exported = marketing.get("/api/v1/exports/plays.csv", params={"from": month, "to": month})
    assert exported.status_code == 200, exported.text
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert list(rows[0]) == ["month", "outcome", "stage", "industry", "company_size",
                             "region", "play"]
    assert sorted((r["outcome"], r["play"]) for r in rows) == sorted(
        [("lost", f"Partner play {month}")] + [("won", f"Referral play {month}")] * 3)
    assert "Unshared" not in exported.text and "lead_source" not in exported.text
