"""Pull: a rep's own debriefs for a second machine, and the lists the app uses."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from helpers.server_harness import Api
from helpers.server_world import People

from sync.protocol import FEED_START, MAX_PAGE, PROTOCOL_VERSION


def read_feed(api: Api, since: str, limit: int = MAX_PAGE) -> tuple[list[dict[str, Any]], str]:
    """Every page of the change feed after `since`: the items, and the last position."""
    items: list[dict[str, Any]] = []
    while True:
        answer = api.get("/api/v1/sync/debriefs", params={"since": since, "limit": limit})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["next_cursor"] is None
        items += body["items"]
        since = body["next_since"]
        if not body["more"]:
            return items, since


def edited(debrief: dict[str, Any], revision: int, **changes: Any) -> dict[str, Any]:
    later = datetime.fromisoformat(debrief["updated_at"]) + timedelta(minutes=revision)
    return debrief | {"revision": revision,
                      "updated_at": later.astimezone(UTC).isoformat()} | changes


def test_a_rep_pages_through_their_own_debriefs_only(people: People, new_debrief):
    rep, other = people("rep"), people("rep")
    mine = [new_debrief() for _ in range(7)]
    rep.api.push(*mine)
    other.api.push(new_debrief())
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = rep.api.get("/api/v1/sync/debriefs", params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        seen += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert [d["id"] for d in seen] == sorted(d["id"] for d in mine)
    assert seen[0]["reasons"][0] == {"code": "price.too_high",
                                     "detail": "price.too_high.over_budget",
                                     "evidence": "customer_said", "primary": True}


def test_a_pulled_debrief_reads_back_as_pushed(people: People, new_debrief):
    rep = people("rep")
    pushed = new_debrief(quote="Too pricey for now", share_quote=True, deal_value="12500.50",
                         currency="EUR", crm_ref="OPP-1", lead_source="event",
                         sales_ready="partly", failed_criteria=["budget"],
                         collateral=[{"key": "case_study", "helped": False}],
                         play="Brought the CFO in early.", share_play=True)
    plain = new_debrief()  # no lead facts: sent without them, pulled with them not given
    assert "lead_source" not in plain
    rep.api.push(pushed, plain)
    pulled = rep.api.get("/api/v1/sync/debriefs").json()["items"]
    assert pulled == [pushed, {**plain, "lead_source": None, "sales_ready": None,
                               "failed_criteria": [], "collateral": [], "play": None,
                               "share_play": False}]


def test_a_bad_cursor_or_page_size_is_a_422_naming_it(people: People):
    rep = people("rep")
    for params, name in (({"cursor": "'; DROP TABLE debriefs; --"}, "cursor"),
                         ({"limit": MAX_PAGE + 1}, "limit"), ({"limit": 0}, "limit")):
        answer = rep.api.get("/api/v1/sync/debriefs", params=params)
        assert answer.status_code == 422, params
        assert answer.json()["detail"][0]["loc"] == ["query", name]


def test_the_change_feed_gives_all_from_the_start_then_only_what_changed(
        people: People, new_debrief):
    rep, other = people("rep"), people("rep")
    first = [new_debrief() for _ in range(5)]
    assert rep.api.push(*first).status_code == 200
    other.api.push(new_debrief())

    everything, position = read_feed(rep.api, FEED_START, limit=2)
    nothing_new, same = read_feed(rep.api, position)

    assert sorted(d["id"] for d in everything) == sorted(d["id"] for d in first)
    assert (nothing_new, same) == ([], position)

    fresh = new_debrief()
    rep.api.push(edited(first[0], 2, competitor="Initech"), fresh,
                 edited(first[1], 2, deleted=True))
    rep.api.push(first[2])  # the same version again: a duplicate changes nothing
    other.api.push(new_debrief())
    changed, later = read_feed(rep.api, position)

    assert {(d["id"], d["revision"]) for d in changed} == {
        (first[0]["id"], 2), (fresh["id"], 1), (first[1]["id"], 2)}
    assert next(d for d in changed if d["id"] == first[1]["id"])["deleted"] is True
    assert later != position
    assert read_feed(rep.api, later) == ([], later)


def test_a_feed_read_while_the_rep_pushes_misses_no_change(people: People, new_debrief):
    """Two machines of one rep push edits while a third reads the feed again and again:
    what the reader saw last for each debrief is what the server holds."""
    rep = people("rep")
    originals = [new_debrief() for _ in range(12)]
    rep.api.push(*originals)
    token = rep.api.session.headers["Authorization"].removeprefix("Bearer ")
    seen: dict[str, int] = {}
    position = FEED_START

    def machine(ids: list[dict[str, Any]]) -> None:
        api = Api(rep.api.base_url, token)
        for revision in range(2, 9):
            answer = api.push(*(edited(d, revision) for d in ids))
            assert answer.status_code == 200, answer.text

    def read() -> None:
        nonlocal position
        items, position = read_feed(Api(rep.api.base_url, token), position, limit=5)
        for item in items:
            seen[item["id"]] = max(seen.get(item["id"], 0), item["revision"])

    machines = [threading.Thread(target=machine, args=(originals[i::2],)) for i in (0, 1)]
    for thread in machines:
        thread.start()
    while any(thread.is_alive() for thread in machines):
        read()
    read()

    assert seen == {d["id"]: 8 for d in originals}


def test_a_position_ahead_of_the_feed_is_answered_from_the_start(people: People,
                                                                 new_debrief):
    """As after a server restored from a backup: the app's position names changes this
    server never had, and new pushes would get numbers below it."""
    rep = people("rep")
    pushed = [new_debrief() for _ in range(3)]
    rep.api.push(*pushed)
    _, position = read_feed(rep.api, FEED_START)
    assert read_feed(rep.api, position) == ([], position)  # caught up: no restart

    answer = rep.api.get("/api/v1/sync/debriefs", params={"since": "999"}).json()

    assert answer["restarted"] is True and answer["more"] is False
    assert sorted(d["id"] for d in answer["items"]) == sorted(d["id"] for d in pushed)
    assert answer["next_since"] == position


def test_a_bad_feed_position_or_one_with_a_cursor_is_a_422_naming_since(people: People,
                                                                        new_debrief):
    rep = people("rep")
    some = new_debrief()
    rep.api.push(some)
    for params in ({"since": "-1"}, {"since": "1:not-an-id"}, {"since": "1" * 19},
                   {"since": "0", "cursor": some["id"]}):
        answer = rep.api.get("/api/v1/sync/debriefs", params=params)
        assert answer.status_code == 422, params
        assert answer.json()["detail"][0]["loc"] == ["query", "since"], params


def test_marketing_cannot_pull_raw_debriefs(people: People):
    assert people("marketing").api.get("/api/v1/sync/debriefs").status_code == 403


def test_the_config_holds_the_taxonomy_segments_and_contest_rules(people: People):
    answer = people("rep").api.get("/api/v1/sync/config")
    assert answer.status_code == 200
    body = answer.json()
    assert body["protocol"] == PROTOCOL_VERSION
    assert body["taxonomy_version"] == body["taxonomy"]["version"]
    assert len(body["taxonomy"]["categories"]) >= 10
    assert "rules" in body["contest_rules"]
    assert body["segments"]
