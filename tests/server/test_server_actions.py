"""Actions: marketing makes one from an insight, edits it from the revision it read, and
each answer says how far its measure moved since the baseline, worked out by hand on a
store of its own per backend (the counts are the whole store's).

The fixture, all lost debriefs at evaluation by Ann and Bob, min_cell 5:

| month      | industry | debriefs | price.too_high | competitor.incumbent | won |
| 2025-05    | software | 12       | 7              | 5                    |     |
| 2025-05    | retail   | 20       | 14             | 6                    | 5   |
| 2025-06    | software | 10       | 6 (hidden: 4 without it) | 4 (hidden) |     |
| this month | software | 12       | 5              | 7                    |     |
| this month | retail   | 20       | 5              | 15                   | 10  |
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from helpers.insight_world import made_in
from helpers.server_world import People, debrief_maker, new_database, store_of_its_own

from sync.server.tables import actions

PRICE, INCUMBENT, GOOD_VALUE = "price.too_high", "competitor.incumbent", "price.good_value"
BASELINE = {"baseline_from": "2025-05", "baseline_to": "2025-06"}


def this_month() -> str:
    return f"{datetime.now(UTC):%Y-%m}"


def due(days: int) -> str:
    return f"{datetime.now(UTC).date() + timedelta(days=days):%Y-%m-%d}"


def reasons(code: str) -> list[dict]:
    return [{"code": code, "detail": None, "evidence": "customer_said", "primary": True}]


@pytest.fixture(scope="module")
def world(backend: str, request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[People]:
    folder = tmp_path_factory.mktemp("actions")
    with store_of_its_own(folder, "act", new_database(backend, request, folder)) as made:
        people, new_debrief = made[1], debrief_maker()
        ann = people("rep")
        bob = people("rep", team=ann.team)

        def debriefs(month: str, industry: str, codes: dict[str, int], outcome: str = "lost"
                     ) -> list[list[dict]]:
            """The debriefs of one row, dealt to Ann and Bob in turn."""
            made: list[list[dict]] = [[], []]
            n = 0
            for code, count in codes.items():
                for _ in range(count):
                    made[n % 2].append(new_debrief(
                        outcome=outcome, reasons=reasons(code),
                        segment={"industry": industry, "company_size": "200-999",
                                 "region": "dach"}, **made_in(month, day=1 + n % 5, hour=0)))
                    n += 1
            return made

        rows = [debriefs("2025-05", "software", {PRICE: 7, INCUMBENT: 5}),
                debriefs("2025-05", "retail", {PRICE: 14, INCUMBENT: 6}),
                debriefs("2025-05", "retail", {GOOD_VALUE: 5}, "won"),
                debriefs("2025-06", "software", {PRICE: 6, INCUMBENT: 4}),
                debriefs(this_month(), "software", {PRICE: 5, INCUMBENT: 7}),
                debriefs(this_month(), "retail", {PRICE: 5, INCUMBENT: 15}),
                debriefs(this_month(), "retail", {GOOD_VALUE: 10}, "won")]
        for rep, which in ((ann, 0), (bob, 1)):
            batch = [item for row in rows for item in row[which]]
            answer = rep.api.push(*batch)
            assert answer.json()["accepted"] == len(batch), answer.text
        yield people


def share(hits: int | None, debriefs: int, hidden: int = 0, **more: float) -> dict:
    """A share as answered: exact unless told (`low`, `high`, `may_hit`, `may_miss`)."""
    exact = None if hits is None or not debriefs else round(hits / debriefs, 4)
    return {"hits": hits, "debriefs": debriefs, "hidden": hidden, "may_hit": 0,
            "may_miss": 0, "share": exact, "low": exact, "high": exact, **more}


def made(world: People, api, body: dict, month: str = "2025-07") -> dict:
    """POST an action, then read it as if it had been made in `month` (its baseline
    before it, this month after it): the months after an action's own count as after."""
    answer = api.post("/api/v1/actions", json=body)
    assert answer.status_code == 201, answer.text
    with world.engine.begin() as connection:
        connection.execute(actions.update().where(actions.c.id == answer.json()["id"])
                           .values(made_in=date.fromisoformat(f"{month}-01")))
    return api.get(f"/api/v1/actions/{answer.json()['id']}").json()


def action(measure: dict, **more) -> dict:
    return {"title": "Lead with the ROI calculator", "owner": "Dana (product marketing)",
            "due": due(30), "measure": measure, **BASELINE, **more}


def test_an_action_on_a_reason_shows_the_months_since_against_the_baseline(world: People):
    marketing = world("marketing").api
    fresh = marketing.post("/api/v1/actions", json=action(
        {"kind": "reason", "outcome": "lost", "code": PRICE,
         "dimension": "industry", "value": "retail"}))
    assert fresh.status_code == 201, fresh.text
    new = fresh.json()
    assert new["made_in"] == this_month()
    # Made this month: this month is its own, not yet after it.
    assert new["after"] == share(None, 0) and new["verdict"] == "too_few"
    assert [m["month"] for m in new["months"]] == ["2025-05"]
    body = made(world, marketing, action(
        {"kind": "reason", "outcome": "lost", "code": PRICE,
         "dimension": "industry", "value": "retail"}))
    assert body["status"] == "open" and body["revision"] == 1 and not body["overdue"]
    assert body["measure"]["direction"] == "down"  # a reason to lose should go down
    for moment in (body["made_at"], body["changed_at"]):  # in UTC, saying so
        assert datetime.fromisoformat(moment).utcoffset() == timedelta(0), moment
    assert body["before"] == share(14, 20)
    assert body["after"] == share(5, 20)
    # 70% to 25% of 20 each: z = -2.85, beyond chance, and the way it should go.
    assert (body["verdict"], body["points"]) == ("moved", -45.0)
    assert [(m["month"], m["hits"], m["debriefs"], m["after"]) for m in body["months"]] == [
        ("2025-05", 14, 20, False), (this_month(), 5, 20, True)]
    # It is listed, and read alone the same; a page at a time.
    listed = marketing.get("/api/v1/actions").json()
    assert body in listed["actions"] and listed["min_cell"] == 5
    first = marketing.get("/api/v1/actions", params={"limit": 1}).json()
    assert len(first["actions"]) == 1 and first["next_offset"] == 1
    rest = marketing.get("/api/v1/actions", params={"offset": 1, "limit": 500}).json()
    assert first["actions"] + rest["actions"] == listed["actions"]
    assert rest["next_offset"] is None


def test_a_hidden_month_counts_either_way_before_a_verdict(world: People):
    """Software: 7 of 12 in May; June's count is hidden (4 without it would show), so June
    adds anything from 0 to 10 of its 10; 5 of 12 this month. Shown alone the share
    went from 58% to 42%; with June it may have been as low as 32% (7 of 22) before."""
    marketing = world("marketing").api
    body = made(world, marketing, action(
        {"kind": "reason", "outcome": "lost", "code": PRICE,
         "dimension": "industry", "value": "software"}))
    assert body["before"] == share(7, 12, 10, low=0.3182, high=0.7727)
    assert body["after"] == share(5, 12)
    assert (body["verdict"], body["points"]) == ("not_clear", -16.7)
    assert [(m["month"], m["hits"], m["debriefs"], m["hidden"]) for m in body["months"]] == [
        ("2025-05", 7, 12, 0), ("2025-06", None, 0, 10), (this_month(), 5, 12, 0)]


def test_the_win_rate_and_a_reason_counted_under_the_code_it_was_merged_into(
        world: People):
    marketing = world("marketing").api
    rate = made(world, marketing, action(
        {"kind": "win_rate", "outcome": "won", "dimension": "industry", "value": "retail"},
        title="Win more retail"))
    assert rate["measure"]["direction"] == "up"
    # 5 won of 25, then 10 of 30: up 13.3 points, a change chance could explain.
    assert rate["before"] == share(5, 25)
    assert rate["after"] == share(10, 30)
    assert (rate["verdict"], rate["points"]) == ("not_clear", 13.3)

    everyone = made(world, marketing, action(
        {"kind": "reason", "outcome": "lost", "code": INCUMBENT}))
    assert everyone["before"]["hits"] == 11 and everyone["after"]["hits"] == 22
    listed = marketing.get("/api/v1/taxonomy").json()
    merged = marketing.post("/api/v1/taxonomy/changes", json={
        "based_on": listed["version"], "change": {
            "kind": "merge", "sources": [INCUMBENT], "into": "competitor.existing_relationship"}})
    assert merged.status_code == 201, merged.text
    after = marketing.get(f"/api/v1/actions/{everyone['id']}").json()
    assert after["counted_as"] == "competitor.existing_relationship"
    assert after["measure"]["code"] == INCUMBENT
    assert (after["before"]["hits"], after["after"]["hits"]) == (11, 22)


def test_an_action_is_edited_from_the_revision_read_and_its_measure_never(world: People):
    marketer, boss = world("marketing"), world("admin")
    marketing, admin = marketer.api, boss.api
    made = marketing.post("/api/v1/actions", json=action(
        {"kind": "reason", "outcome": "lost", "code": PRICE}, due=due(0))).json()
    assert not made["overdue"]
    with world.engine.begin() as connection:  # as if a day had passed
        connection.execute(actions.update().where(actions.c.id == made["id"]).values(
            due=datetime.now(UTC).date() - timedelta(days=1)))
    made = marketing.get(f"/api/v1/actions/{made['id']}").json()
    assert made["overdue"]
    path = f"/api/v1/actions/{made['id']}"
    # A due date already past is kept as it is, not set anew.
    assert marketing.patch(path, json={"revision": 1, "due": due(-3)}).status_code == 422
    same = marketing.patch(path, json={"revision": 1, "due": made["due"]})
    assert same.status_code == 200 and same.json()["revision"] == 1  # nothing changed
    changed = admin.patch(path, json={"revision": 1, "status": "doing", "owner": "Eve"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["status"], changed.json()["owner"]) == ("doing", "Eve")
    assert changed.json()["revision"] == 2 and changed.json()["title"] == made["title"]
    assert (changed.json()["made_by"], changed.json()["changed_by"]) == (
        marketer.username, boss.username)
    # The other marketer still has revision 1: told to look again; nothing changes.
    stale = marketing.patch(path, json={"revision": 1, "status": "dropped"})
    assert stale.status_code == 409, stale.text
    assert stale.json()["detail"][0]["loc"] == ["body", "revision"]
    done = marketing.patch(path, json={"revision": 2, "status": "done"}).json()
    assert (done["status"], done["overdue"], done["changed_by"]) == (
        "done", False, marketer.username)
    assert done["measure"] == made["measure"] and done["before"] == made["before"]
    for refused, field in (({"revision": 3, "measure": {}}, "measure"),
                           ({"revision": 3, "title": "  "}, "title"),
                           ({"revision": 3, "owner": ""}, "owner"),
                           ({"revision": 3, "title": None}, "title"),
                           ({"revision": 3, "status": "finished"}, "status"),
                           ({"revision": 3, "due": "2027-02-30"}, "due"),
                           ({"revision": 3, "due": 1798761600}, "due"),
                           ({"status": "done"}, "revision")):
        answer = marketing.patch(path, json=refused)
        assert answer.status_code == 422, (refused, answer.text)
        assert answer.json()["detail"][0]["loc"][:2] == ["body", field], answer.text
        assert "item" not in answer.text  # said of text as text: "character"
    assert marketing.get(path).json()["revision"] == 3
    assert marketing.patch("/api/v1/actions/999999", json={"revision": 1}).status_code == 404
    assert marketing.get("/api/v1/actions/0").status_code == 422


@pytest.mark.parametrize(("measure", "more", "where"), [
    ({"kind": "reason", "outcome": "lost", "code": "price.nothing"}, {},
     ["body", "measure", "code"]),
    ({"kind": "reason", "outcome": "lost", "code": GOOD_VALUE}, {},  # a reason to win
     ["body", "measure", "code"]),
    ({"kind": "reason", "outcome": "lost"}, {}, ["body", "measure", "code"]),
    ({"kind": "outcome", "outcome": "won", "code": PRICE}, {}, ["body", "measure", "code"]),
    ({"kind": "win_rate", "outcome": "lost"}, {}, ["body", "measure", "outcome"]),
    ({"kind": "outcome", "outcome": "won", "dimension": "industry"}, {},
     ["body", "measure", "value"]),
    ({"kind": "outcome", "outcome": "won", "dimension": "colour", "value": "red"}, {},
     ["body", "measure", "dimension"]),
    ({"kind": "outcome", "outcome": "won", "dimension": "stage", "value": "closing"}, {},
     ["body", "measure", "value"]),
    ({"kind": "outcome", "outcome": "won", "dimension": "industry", "value": "Retail"}, {},
     ["body", "measure", "value"]),
    ({"kind": "outcome", "outcome": "won", "dimension": "team", "value": "No such team"},
     {}, ["body", "measure", "value"]),
    ({"kind": "outcome", "outcome": "won"}, {"baseline_to": f"{this_month()}"},
     ["body", "baseline_to"]),
    ({"kind": "outcome", "outcome": "won"}, {"baseline_from": "2025-07"},
     ["body", "baseline_to"]),
    ({"kind": "outcome", "outcome": "won"}, {"baseline_from": "2025-13"},
     ["body", "baseline_from"]),
    ({"kind": "outcome", "outcome": "won"}, {"due": "3000-01-01"}, ["body", "due"]),
    ({"kind": "outcome", "outcome": "won"}, {"due": "2020-01-01"}, ["body", "due"]),
    ({"kind": "outcome", "outcome": "won"}, {"baseline_from": "1999-12"},
     ["body", "baseline_from"]),
    ({"kind": "outcome", "outcome": "won", "dimension": "competitor", "value": "Ac\nme"},
     {}, ["body", "measure", "value"]),
    ({"kind": "outcome", "outcome": "won", "dimension": "competitor", "value": "x" * 201},
     {}, ["body", "measure", "value"]),
    ({"kind": "outcome", "outcome": "won"}, {"owner": ""}, ["body", "owner"]),
    ({"kind": "outcome", "outcome": "won"}, {"title": "two\nlines"}, ["body", "title"]),
    ({"kind": "outcome", "outcome": "won"}, {"note": "private"}, ["body", "note"]),
])
def test_what_an_action_cannot_hold_is_refused_naming_the_field(world: People, measure,
                                                                more, where):
    marketing = world("marketing").api
    before = len(marketing.get("/api/v1/actions").json()["actions"])
    answer = marketing.post("/api/v1/actions", json=action(measure, **more))
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"][:len(where)] == where, answer.text
    assert len(marketing.get("/api/v1/actions").json()["actions"]) == before


def test_only_marketing_and_admins_see_and_make_actions(world: People):
    for role in ("rep", "manager"):
        api = world(role, **({"manages": ()} if role == "manager" else {})).api
        assert api.get("/api/v1/actions").status_code == 403
        refused = api.post("/api/v1/actions", json=action(
            {"kind": "outcome", "outcome": "won"}))
        assert refused.status_code == 403
        assert "only marketing and admins make and change actions" in refused.text


def test_an_actions_months_are_what_insights_show_for_its_question(world: People):
    """The privacy of an action's counts rests on this: each month is the answer of
    /insights/reasons by month, narrowed alike."""
    marketing = world("marketing").api
    body = made(world, marketing, action(
        {"kind": "reason", "outcome": "lost", "code": PRICE, "dimension": "industry",
         "value": "software"}))
    insight = marketing.get("/api/v1/insights/reasons", params={
        "by": "month", "outcome": "lost", "industry": "software",
        "from": "2025-05", "to": this_month()}).json()
    shown = {group["values"][0] if "values" in group else group["value"]: group
             for group in insight["groups"]}
    for month in body["months"]:
        group = shown[month["month"]]
        cited = {cell["code"]: cell["debriefs"] for cell in group["reasons"]}
        if month["hits"] is None:
            assert PRICE not in cited and month["hidden"] == group["debriefs"]
        else:
            assert (month["hits"], month["debriefs"]) == (cited[PRICE], group["debriefs"])
    months = [m["month"] for m in body["months"]]
    assert months == sorted(months) and months[-1] == this_month()
