""""Other" asks the rep for a few words; the server groups the words said alike and shows
marketing those said in enough debriefs, from two reps or more, as suggested codes
(a fixture worked out by hand), on both databases.

Each backend gets a store of its own: the words are counted over the current months,
and the test adds a code to the store's reason list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from helpers.insight_world import made_in, own_month
from helpers.server_world import People, new_database, store_of_its_own


@pytest.fixture(scope="module")
def people(backend: str, request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[People]:
    folder = tmp_path_factory.mktemp("other-words")
    with store_of_its_own(folder, "oth", new_database(backend, request, folder)) as made:
        yield made[1]

OTHER = "other.in_a_few_words"


def other(words: str | None) -> list[dict]:
    return [{"code": OTHER, "detail": None, "evidence": "my_read", "primary": True,
             **({"words": words} if words is not None else {})}]


def this_month() -> str:
    return f"{datetime.now(UTC):%Y-%m}"


def test_words_said_alike_often_enough_are_suggested_and_no_smaller_group(people: People,
                                                                        new_debrief):
    """This month: "no SSO support" 6 times (Ann 3, Bob 3), "wanted on-prem" 5 times
    (Ann 2 lost, Cy 3 won), "needed a Polish UI" once (Cy). The one alone would be the
    month's "Other" count (shown in insights) less the groups shown, so the smallest
    shown group goes with it. Before the window, "No SSO support" once more (not
    counted)."""
    month = this_month()
    ann = people("rep")
    bob, cy = people("rep", team=ann.team), people("rep", team=ann.team)
    marketing = people("marketing").api

    def said(words: str, outcome: str = "lost", day: int = 1, when: str = month) -> dict:
        return new_debrief(outcome=outcome, reasons=other(words), **made_in(when, day=day))

    for rep, debriefs in (
            (ann, [said("No SSO support"), said("no SSO support!"), said("No  sso support"),
                   said("Wanted on-prem"), said("wanted ON-PREM."),
                   said("No SSO support", when=own_month())]),
            (bob, [said("no sso support"), said("No SSO support."), said("NO SSO SUPPORT")]),
            (cy, [said("Wanted on-prem", "won"), said("wanted on prem", "won"),
                  said("Wanted on-prem", "won"), said("Needed a Polish UI")])):
        answer = rep.api.push(*debriefs)
        assert answer.json()["accepted"] == len(debriefs), answer.text
    found = marketing.get("/api/v1/insights/other-words")
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["last_month"] == month
    # Case, hyphens, dots and spaces aside, each group's words are alike.
    assert body["suggested"] == [{"words": "no sso support", "debriefs": 6}]
    for words in ("polish", "prem", "rep-", "account", "Needed", "lost", "won"):
        assert words not in found.text

    # Four more words, each said once: together with the first they are five debriefs
    # from three reps, safe to leave out, so "wanted on prem" shows.
    for rep, words in ((bob, "Needed a German UI"), (ann, "wanted monthly billing"),
                       (cy, "too many clicks"), (bob, "no API")):
        assert rep.api.push(said(words)).json()["accepted"] == 1
    again = marketing.get("/api/v1/insights/other-words").json()
    assert again["suggested"] == [{"words": "no sso support", "debriefs": 6},
                                  {"words": "wanted on prem", "debriefs": 5}]

    # Marketing adds one as a code, from its words: it is no longer suggested.
    listed = marketing.get("/api/v1/taxonomy").json()
    added = marketing.post("/api/v1/taxonomy/changes", json={
        "based_on": listed["version"], "change": {
            "kind": "add", "category": "product_fit", "key": "product_fit.no_sso",
            "label": "No single sign-on", "applies_to": "loss",
            "from_words": "no sso support"}})
    assert added.status_code == 201, added.text
    after = marketing.get("/api/v1/insights/other-words").json()
    assert [s["words"] for s in after["suggested"]] == ["wanted on prem"]
    assert people("rep").api.get("/api/v1/insights/other-words").status_code == 403


def test_other_needs_words_from_this_app_and_only_other_takes_them(people: People,
                                                                   new_debrief):
    rep = people("rep")
    month = own_month()
    bare = new_debrief(reasons=other(None), **made_in(month))
    blank = new_debrief(reasons=other("   "), **made_in(month))
    long = new_debrief(reasons=other("x" * 81), **made_in(month))
    elsewhere = new_debrief(reasons=[{"code": "price.too_high", "detail": None,
                                      "evidence": "my_read", "primary": True,
                                      "words": "too dear"}], **made_in(month))
    answer = rep.api.push(bare, blank, long, elsewhere)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 4
    assert [r["problems"][0]["field"] for r in results] == ["reasons[0].words"] * 4
    assert "a few words" in results[0]["problems"][0]["message"]

    # An app older than protocol 4 does not know to ask: its "Other" is taken as it is.
    old = rep.api.request("POST", "/api/v1/sync/push", json={"debriefs": [bare]},
                          headers={"Debrief-Protocol": "3"})
    assert old.json()["accepted"] == 1, old.text

    kept = new_debrief(reasons=other("  Wanted a Polish UI "), **made_in(month))
    assert rep.api.push(kept).json()["accepted"] == 1
    pulled = {item["id"]: item for item in
              rep.api.get("/api/v1/sync/debriefs", params={"since": "0"}).json()["items"]}
    assert pulled[kept["id"]]["reasons"][0]["words"] == "Wanted a Polish UI"
    assert "words" not in pulled[bare["id"]]["reasons"][0]


def test_an_older_apps_edit_keeps_the_words_and_lead_facts_it_cannot_send(people: People,
                                                                          new_debrief):
    rep = people("rep")
    month = own_month()
    made = new_debrief(reasons=other("No SSO support"), lead_source="event",
                       collateral=[{"key": "case_study", "helped": True}],
                       **made_in(month))
    assert rep.api.push(made).json()["accepted"] == 1
    # The same debrief edited on a laptop still on protocol 2: no words, no lead facts.
    edited = {key: value for key, value in made.items()
              if key not in ("lead_source", "collateral")}
    edited.update(revision=2, stage="selection",
                  reasons=[{key: value for key, value in reason.items() if key != "words"}
                           for reason in made["reasons"]])
    old = rep.api.request("POST", "/api/v1/sync/push", json={"debriefs": [edited]},
                          headers={"Debrief-Protocol": "2"})
    assert old.json()["accepted"] == 1, old.text
    pulled = next(item for item in rep.api.get(
        "/api/v1/sync/debriefs", params={"since": "0"}).json()["items"]
        if item["id"] == made["id"])
    assert (pulled["revision"], pulled["stage"]) == (2, "selection")  # the edit is kept
    assert pulled["reasons"][0]["words"] == "No SSO support"  # and so is what it lacked
    assert (pulled["lead_source"], pulled["collateral"]) == (
        "event", [{"key": "case_study", "helped": True}])
