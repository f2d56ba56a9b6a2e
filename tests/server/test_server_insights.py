"""Reason counts for marketing: right numbers, small groups left out, only aggregates.

The store is shared by the session's tests, so each test names its own competitor and
filters on it."""

from __future__ import annotations

import itertools

from helpers.server_world import People

_rivals = itertools.count(1)


def rival() -> str:
    return f"Rival {next(_rivals)}"


def reasons(code: str, detail: str | None = None) -> list[dict]:
    return [{"code": code, "detail": detail, "evidence": "customer_said", "primary": True}]


def counts(api, **params) -> dict:
    answer = api.get("/api/v1/insights/reasons", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_reason_codes_are_counted_per_group_with_shares(people: People, new_debrief):
    competitor = rival()
    ann, bob = people("rep"), people("rep")
    for rep in (ann, bob):
        rep.api.push(*[new_debrief(competitor=competitor, reasons=reasons("price.too_high"))
                       for _ in range(3)])
    ann.api.push(*[new_debrief(competitor=competitor) for _ in range(4)])  # +competitor.cheaper
    body = counts(people("marketing").api, by="industry", competitor=competitor)
    assert body["min_cell"] == 5
    [group] = body["groups"]
    assert (group["value"], group["debriefs"]) == ("software", 10)
    cited = {cell["code"]: (cell["debriefs"], cell["share"]) for cell in group["reasons"]}
    assert cited["price.too_high"] == (10, 1.0)
    assert "competitor.cheaper" not in cited  # 4 debriefs: under the minimum
    assert group["reasons"][0]["code"] == "price.too_high"  # most cited first


def test_a_group_under_the_minimum_is_left_out_value_and_all(people: People, new_debrief):
    competitor = rival()
    ann, bob = people("rep"), people("rep")
    ann.api.push(*[new_debrief(competitor=competitor) for _ in range(3)])
    bob.api.push(new_debrief(competitor=competitor))
    marketing = people("marketing").api
    assert counts(marketing, by="stage", competitor=competitor)["groups"] == []
    # Nor does the group's value show up by itself: a competitor is typed by a rep.
    named = [g["value"] for g in counts(marketing, by="competitor", limit=500)["groups"]]
    assert competitor not in named


def test_one_reps_debriefs_alone_are_never_shown(people: People, new_debrief):
    competitor = rival()
    people("rep").api.push(*[new_debrief(competitor=competitor) for _ in range(12)])
    marketing = people("marketing").api
    for by in ("outcome", "stage", "industry", "region", "month"):
        assert counts(marketing, by=by, competitor=competitor)["groups"] == [], by


def test_pages_count_only_groups_big_enough_to_show(people: People, new_debrief):
    ann, bob = people("rep"), people("rep")
    big, small = rival(), rival()
    for rep in (ann, bob):
        rep.api.push(*[new_debrief(competitor=big) for _ in range(3)])
    ann.api.push(new_debrief(competitor=small))
    marketing = people("marketing").api
    seen, offset = [], 0
    while offset is not None:
        page = counts(marketing, by="competitor", outcome="lost", limit=1, offset=offset)
        assert len(page["groups"]) == 1 or page["next_offset"] is None
        seen += [g["value"] for g in page["groups"]]
        offset = page["next_offset"]
    assert big in seen and small not in seen


def test_filters_and_deleted_debriefs(people: People, new_debrief):
    competitor = rival()
    ann, bob = people("rep"), people("rep")
    lost = [new_debrief(competitor=competitor) for _ in range(6)]
    ann.api.push(*lost[:3])
    bob.api.push(*lost[3:])
    won = [new_debrief(competitor=competitor, outcome="won",
                       reasons=reasons("price.good_value")) for _ in range(6)]
    ann.api.push(*won[:3])
    bob.api.push(*won[3:])
    ann.api.push({**lost[0], "revision": 2, "deleted": True,
                  "updated_at": "2026-11-20T09:00:00Z"})
    marketing = people("marketing").api
    by_outcome = {g["value"]: g["debriefs"] for g in
                  counts(marketing, by="outcome", competitor=competitor)["groups"]}
    assert by_outcome == {"lost": 5, "won": 6}
    only_won = counts(marketing, by="outcome", competitor=competitor, outcome="won")
    assert [g["value"] for g in only_won["groups"]] == ["won"]
    none_yet = counts(marketing, by="month", competitor=competitor,
                      until="2026-01-01T00:00:00Z")
    assert none_yet["groups"] == []


def test_periods_group_by_month_and_quarter(people: People, new_debrief):
    competitor = rival()
    ann, bob = people("rep"), people("rep")
    for rep in (ann, bob):
        rep.api.push(*[new_debrief(competitor=competitor) for _ in range(3)])
    marketing = people("marketing").api
    [month] = counts(marketing, by="month", competitor=competitor)["groups"]
    assert (month["value"], month["debriefs"]) == ("2026-11", 6)
    [quarter] = counts(marketing, by="quarter", competitor=competitor)["groups"]
    assert (quarter["value"], quarter["debriefs"]) == ("2026-Q4", 6)


def test_primary_only_counts_main_reasons(people: People, new_debrief):
    competitor = rival()
    for rep in (people("rep"), people("rep")):
        rep.api.push(*[new_debrief(competitor=competitor) for _ in range(3)])
    [group] = counts(people("marketing").api, by="region", competitor=competitor,
                     primary_only="true")["groups"]
    assert [cell["code"] for cell in group["reasons"]] == ["price.too_high"]


def test_no_raw_debrief_or_rep_reaches_marketing(people: People, new_debrief):
    competitor = rival()
    secret = "Only the rep should see this id"
    ann, bob = people("rep"), people("rep")
    pushed = [new_debrief(competitor=competitor, crm_ref=secret) for _ in range(6)]
    ann.api.push(*pushed[:3])
    bob.api.push(*pushed[3:])
    text = people("marketing").api.get("/api/v1/insights/reasons", params={
        "by": "competitor", "competitor": competitor}).text
    assert secret not in text
    assert ann.username not in text and bob.username not in text
    assert not any(d["id"] in text for d in pushed)


def test_an_unknown_dimension_or_filter_value_is_a_422_naming_it(people: People):
    marketing = people("marketing").api
    for params, name in (({"by": "rep"}, "by"), ({"by": "stage", "outcome": "maybe"}, "outcome"),
                         ({"by": "stage", "since": "last week"}, "since"),
                         ({"by": "stage", "limit": 100_000}, "limit")):
        answer = marketing.get("/api/v1/insights/reasons", params=params)
        assert answer.status_code == 422, params
        assert answer.json()["detail"][0]["loc"] == ["query", name]


def test_a_period_given_as_a_number_is_a_422_naming_it(people: People):
    """Only ISO 8601 text, as the document says (format date-time) and push takes:
    never a number read as seconds since 1970."""
    marketing = people("marketing").api
    for name in ("since", "until"):
        for number in ("1790000000", "-0.5", "0", "1e9", "17900000000000"):
            answer = marketing.get("/api/v1/insights/reasons",
                                   params={"by": "stage", name: number})
            assert answer.status_code == 422, (name, number, answer.text)
            [problem] = answer.json()["detail"]
            assert problem["loc"] == ["query", name]
            assert "ISO 8601" in problem["msg"]
        for text in ("2026-11-01T00:00:00Z", "2026-11-01T09:30:00+05:30", "2026-11-01"):
            assert marketing.get("/api/v1/insights/reasons",
                                 params={"by": "stage", name: text}).status_code == 200
