"""Pull: a rep's own debriefs for a second machine, and the lists the app uses."""

from __future__ import annotations

from server_world import People

from sync.protocol import MAX_PAGE


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
                         currency="EUR", crm_ref="OPP-1")
    rep.api.push(pushed)
    pulled = rep.api.get("/api/v1/sync/debriefs").json()["items"]
    assert pulled == [pushed]


def test_a_bad_cursor_or_page_size_is_a_422_naming_it(people: People):
    rep = people("rep")
    for params, name in (({"cursor": "'; DROP TABLE debriefs; --"}, "cursor"),
                         ({"limit": MAX_PAGE + 1}, "limit"), ({"limit": 0}, "limit")):
        answer = rep.api.get("/api/v1/sync/debriefs", params=params)
        assert answer.status_code == 422, params
        assert answer.json()["detail"][0]["loc"] == ["query", name]


def test_marketing_cannot_pull_raw_debriefs(people: People):
    assert people("marketing").api.get("/api/v1/sync/debriefs").status_code == 403


def test_the_config_holds_the_taxonomy_segments_and_contest_rules(people: People):
    answer = people("rep").api.get("/api/v1/sync/config")
    assert answer.status_code == 200
    body = answer.json()
    assert body["protocol"] == 1
    assert body["taxonomy_version"] == body["taxonomy"]["version"]
    assert len(body["taxonomy"]["categories"]) >= 10
    assert "rules" in body["contest_rules"]
    assert body["segments"]
