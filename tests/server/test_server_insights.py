"""Reason counts for marketing: right numbers, small counts left out of every sum, only
aggregates, and the differencing attacks found from outside derive nothing.

The store is shared by the session's tests, so each test counts debriefs made in a
month of its own (answers are built from whole months) and asks about that month."""

from __future__ import annotations

from collections.abc import Iterator

from helpers.insight_world import made_in, own_month, reasons
from helpers.server_world import People


def counts(api, month: str | tuple[str, str], **params) -> dict:
    first, last = (month, month) if isinstance(month, str) else month
    answer = api.get("/api/v1/insights/reasons", params={"from": first, "to": last, **params})
    assert answer.status_code == 200, answer.text
    return answer.json()


def groups(body: dict) -> dict[str | None, int]:
    return {g["value"]: g["debriefs"] for g in body["groups"]}


def test_reason_codes_are_counted_per_group_with_shares(people: People, new_debrief):
    month = own_month()
    ann, bob = people("rep"), people("rep")
    for rep in (ann, bob):
        rep.api.push(*[new_debrief(competitor="Acme", reasons=reasons("price.too_high"),
                                   **made_in(month)) for _ in range(3)])
    # Four more: their second reason, competitor.cheaper, is given by 4 of 10.
    ann.api.push(*[new_debrief(competitor="Acme", **made_in(month)) for _ in range(4)])
    body = counts(people("marketing").api, month, by="industry")
    assert body["min_cell"] == 5 and body["left_out"] == 0
    assert (body["first_month"], body["last_month"]) == (month, month)
    [group] = body["groups"]
    assert (group["value"], group["debriefs"]) == ("software", 10)
    cited = {cell["code"]: (cell["debriefs"], cell["share"]) for cell in group["reasons"]}
    assert cited == {"price.too_high": (10, 1.0)}  # competitor.cheaper: 4, under 5
    primary = counts(people("marketing").api, month, by="industry", primary_only="true")
    assert {c["code"]: c["debriefs"] for c in primary["groups"][0]["reasons"]} == {
        "price.too_high": 10}


def test_one_reps_debriefs_alone_are_never_shown(people: People, new_debrief):
    month = own_month()
    people("rep").api.push(*[new_debrief(**made_in(month)) for _ in range(12)])
    marketing = people("marketing").api
    for by in ("outcome", "stage", "industry", "region", "competitor", "team", "month"):
        body = counts(marketing, month, by=by)
        assert body["groups"] == [], by


def test_a_small_competitor_is_left_out_name_and_all(people: People, new_debrief):
    month = own_month()
    ann, bob = people("rep"), people("rep")
    for rep in (ann, bob):
        rep.api.push(*[new_debrief(competitor="Acme", **made_in(month)) for _ in range(3)])
        rep.api.push(*[new_debrief(competitor="Globex", **made_in(month)) for _ in range(3)])
    for rep in (ann, bob):  # a rival two reps named once each
        rep.api.push(new_debrief(competitor="Typed Once", **made_in(month)))
    marketing = people("marketing").api
    body = counts(marketing, month, by="competitor")
    # Typed Once alone would be 2 left out: not safe, so the smaller of the others
    # (a tie: Acme, first by name) is left out with it.
    assert groups(body) == {"Globex": 6}
    assert body["left_out"] == 8
    assert "Typed Once" not in str(body)
    assert counts(marketing, month, by="outcome", competitor="Typed Once")["groups"] == []


def test_filters_deleted_debriefs_and_pages(people: People, new_debrief):
    month = own_month()
    ann, bob = people("rep"), people("rep")
    lost = [new_debrief(**made_in(month)) for _ in range(6)]
    won = [new_debrief(outcome="won", reasons=reasons("price.good_value"), **made_in(month))
           for _ in range(6)]
    ann.api.push(*lost[:3], *won[:3])
    bob.api.push(*lost[3:], *won[3:])
    ann.api.push({**lost[0], "revision": 2, "deleted": True,
                  "updated_at": f"{month}-20T09:00:00Z"})
    marketing = people("marketing").api
    assert groups(counts(marketing, month, by="outcome")) == {"lost": 5, "won": 6}
    only_won = counts(marketing, month, by="outcome", outcome="won")
    assert groups(only_won) == {"won": 6} and only_won["left_out"] is None
    both = counts(marketing, month, by="outcome", outcome=["won", "lost"])
    assert groups(both) == {"lost": 5, "won": 6}
    seen, offset = [], 0
    while offset is not None:
        page = counts(marketing, month, by="outcome", limit=1, offset=offset)
        assert len(page["groups"]) == 1
        seen += [g["value"] for g in page["groups"]]
        offset = page["next_offset"]
    assert seen == ["lost", "won"]


def test_periods_group_by_month_and_quarter_and_teams_by_name(people: People, new_debrief):
    month = own_month()
    ann = people("rep")
    bob = people("rep", team=ann.team)
    for rep in (ann, bob):
        rep.api.push(*[new_debrief(**made_in(month)) for _ in range(3)])
    marketing = people("marketing").api
    assert groups(counts(marketing, month, by="month")) == {month: 6}
    quarter = f"{month[:4]}-Q{(int(month[5:]) + 2) // 3}"
    assert groups(counts(marketing, month, by="quarter")) == {quarter: 6}
    assert groups(counts(marketing, month, by="team")) == {ann.team: 6}
    assert groups(counts(marketing, month, by="outcome", team=ann.team)) == {"lost": 6}
    assert counts(marketing, month, by="outcome", team="no such team")["groups"] == []


def test_no_raw_debrief_or_rep_reaches_marketing(people: People, new_debrief):
    month = own_month()
    secret = "Only the rep should see this id"
    ann, bob = people("rep"), people("rep")
    pushed = [new_debrief(crm_ref=secret, **made_in(month)) for _ in range(6)]
    ann.api.push(*pushed[:3])
    bob.api.push(*pushed[3:])
    marketing = people("marketing").api
    for by in ("competitor", "team", "outcome"):
        text = marketing.get("/api/v1/insights/reasons", params={
            "by": by, "from": month, "to": month}).text
        assert secret not in text
        assert ann.username not in text and bob.username not in text
        assert not any(d["id"] in text for d in pushed)


# --- the attacks found from outside ---------------------------------------------------


def seeded_month(people: People, new_debrief) -> tuple[str, dict]:
    """A month with one debrief that stands out (its own competitor, industry and
    region, and a reason no one else gives), among enough others to show."""
    month = own_month()
    reps = [people("rep") for _ in range(3)]
    for n, rep in enumerate(reps):
        rep.api.push(*[new_debrief(competitor="Acme", **made_in(month, day=2 + k))
                       for k in range(4)])
        rep.api.push(*[new_debrief(outcome="won", competitor="Globex",
                                   reasons=reasons("price.good_value"),
                                   **made_in(month, day=8 + k)) for k in range(3 + n)])
    odd = new_debrief(outcome="no_decision", stage="selection", competitor="Umbrella",
                      segment={"industry": "retail", "company_size": "1-49",
                               "region": "nordics"},
                      reasons=reasons("timing.no_budget_yet", None, "fit.missing_feature",
                                      "relationship.no_champion", "price.too_high"),
                      **made_in(month, day=15, hour=16))
    reps[0].api.push(odd)
    return month, odd


def test_sliding_the_window_by_a_second_or_a_day_is_refused(people: People, new_debrief):
    month, _ = seeded_month(people, new_debrief)
    marketing = people("marketing").api
    for until in (f"{month}-15T16:00:00Z", f"{month}-15T16:00:01Z", f"{month}-16"):
        answer = marketing.get("/api/v1/insights/reasons", params={"by": "stage",
                                                                   "until": until})
        assert answer.status_code == 422
        [problem] = answer.json()["detail"]
        assert problem["loc"] == ["query", "until"] and "whole months" in problem["msg"]
    for bad in (f"{month}-15", "2026-13", "26-01"):
        answer = marketing.get("/api/v1/insights/reasons", params={"by": "stage", "to": bad})
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["loc"] == ["query", "to"]


def every_question(month: str) -> Iterator[dict]:
    for by in ("outcome", "stage", "industry", "company_size", "region", "competitor",
               "team", "month", "quarter"):
        for primary in ("false", "true"):
            yield {"by": by, "primary_only": primary}
            for outcome in ("lost", "won", "no_decision"):
                yield {"by": by, "primary_only": primary, "outcome": outcome}
            if by in ("outcome", "stage", "month", "quarter"):
                for stage in ("evaluation", "selection"):
                    yield {"by": by, "primary_only": primary, "stage": stage}


def test_sliding_by_a_block_differs_by_exactly_what_that_block_shows(people: People,
                                                                    new_debrief):
    month, _ = seeded_month(people, new_debrief)
    year, number = int(month[:4]), int(month[5:])
    before = f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"
    marketing = people("marketing").api
    for params in every_question(month):
        wide = counts(marketing, (before, month), **params)
        alone = counts(marketing, month, **params)
        earlier = counts(marketing, before, **params)
        # Two windows a block apart differ by the block's own answer, which shows only
        # safe counts: never by the odd debrief.
        assert _cells(wide) == _added(_cells(alone), _cells(earlier)), params


def _cells(body: dict) -> dict:
    found = {}
    for group in body["groups"]:
        found[group["value"]] = group["debriefs"]
        for cell in group["reasons"]:
            found[group["value"], cell["code"]] = cell["debriefs"]
    return found


def _added(one: dict, other: dict) -> dict:
    return {key: one.get(key, 0) + other.get(key, 0) for key in one.keys() | other.keys()}


def test_no_dimension_minus_another_gives_the_hidden_groups(people: People, new_debrief):
    month, odd = seeded_month(people, new_debrief)
    marketing = people("marketing").api
    whole = sum(groups(counts(marketing, month, by="quarter")).values())
    assert sum(groups(counts(marketing, month, by="outcome")).values()) == whole
    for by in ("stage", "industry", "company_size", "region", "competitor", "team"):
        body = counts(marketing, month, by=by)
        # What every breakdown shows, with what it says it left out, is the same total:
        # subtracting one breakdown from another leaves nothing.
        assert sum(groups(body).values()) + body["left_out"] == whole, by
        assert odd["competitor"] not in str(body)
        assert odd["reasons"][0]["code"] not in str(body)
    # The odd debrief's cell (no decision) is too small to show at all.
    assert "no_decision" not in groups(counts(marketing, month, by="outcome"))


def test_narrowing_filters_adds_up_to_the_wider_answer(people: People, new_debrief):
    month, _ = seeded_month(people, new_debrief)
    marketing = people("marketing").api
    for by in ("stage", "competitor", "industry", "region", "team"):
        wide = _cells(counts(marketing, month, by=by))
        for value in [v for v in wide if not isinstance(v, tuple)]:
            narrow = _cells(counts(marketing, month, by=by, **{by: value}))
            assert narrow == {k: n for k, n in wide.items()
                              if k == value or (isinstance(k, tuple) and k[0] == value)}
        # Narrowing by outcome splits the answer into its cells, exactly.
        parts: dict = {}
        for outcome in ("lost", "won", "no_decision"):
            parts = _added(parts, _cells(counts(marketing, month, by=by, outcome=outcome)))
        assert {k: n for k, n in parts.items() if n} == wide, by


def test_two_segment_filters_together_are_refused(people: People):
    marketing = people("marketing").api
    for params, name in (({"industry": "software", "region": "dach"}, "region"),
                         ({"stage": "evaluation", "industry": "software"}, "industry"),
                         ({"by": "competitor", "industry": "software"}, "industry")):
        answer = marketing.get("/api/v1/insights/reasons", params={"by": "stage", **params})
        assert answer.status_code == 422, params
        [problem] = answer.json()["detail"]
        assert problem["loc"] == ["query", name] and "one" in problem["msg"]


def test_an_unknown_dimension_or_filter_value_is_a_422_naming_it(people: People):
    marketing = people("marketing").api
    for params, name in (({"by": "rep"}, "by"), ({"by": "stage", "outcome": "maybe"}, "outcome"),
                         ({"by": "stage", "from": "last week"}, "from"),
                         ({"by": "stage", "from": "2026-06", "to": "2026-01"}, "to"),
                         ({"by": "stage", "industry": "x" * 10_000}, "industry"),
                         ({"by": "stage", "limit": 100_000}, "limit")):
        answer = marketing.get("/api/v1/insights/reasons", params=params)
        assert answer.status_code == 422, params
        assert answer.json()["detail"][0]["loc"][:2] == ["query", name]  # [.., index]


def test_a_period_given_as_a_number_is_a_422_naming_it(people: People):
    """Only YYYY-MM text: never a number read as seconds since 1970."""
    marketing = people("marketing").api
    for name in ("from", "to"):
        for number in ("1790000000", "-0.5", "0", "1e9", "202611"):
            answer = marketing.get("/api/v1/insights/reasons",
                                   params={"by": "stage", name: number})
            assert answer.status_code == 422, (name, number, answer.text)
            [problem] = answer.json()["detail"]
            assert problem["loc"] == ["query", name]
        assert marketing.get("/api/v1/insights/reasons",
                             params={"by": "stage", name: "2026-11"}).status_code == 200


def test_a_reasons_details_show_only_where_what_they_leave_is_safe(people: People,
                                                                  new_debrief):
    month = own_month()
    ann, bob, cy = people("rep"), people("rep"), people("rep")
    budget = "price.too_high.over_budget"
    for rep in (ann, bob, cy):  # 6 over budget, 6 refused a discount, 3 with no detail
        rep.api.push(
            *[new_debrief(reasons=reasons("price.too_high", budget), **made_in(month))
              for _ in range(2)],
            *[new_debrief(reasons=reasons("price.too_high", "price.too_high.discount_refused"),
                          **made_in(month)) for _ in range(2)],
            new_debrief(reasons=reasons("price.too_high"), **made_in(month)))
    marketing = people("marketing").api

    def details(**params) -> dict[str | None, int]:
        [lost] = counts(marketing, month, by="outcome", **params)["groups"]
        [cell] = [c for c in lost["reasons"] if c["code"] == "price.too_high"]
        assert cell["debriefs"] == 15
        return {d["detail"]: d["debriefs"] for d in cell["details"]}

    # The 3 without a detail alone would give their count away: the smaller of the
    # two details (a tie: first by key) is left out with them.
    assert details() == {"price.too_high.over_budget": 6}
    for rep in (ann, bob):  # two more with no detail: 5, safe on their own
        rep.api.push(new_debrief(reasons=reasons("price.too_high"), **made_in(month)))
    # 17 now: the details add up to the code's count, none hidden.
    [lost] = counts(marketing, month, by="outcome")["groups"]
    [cell] = [c for c in lost["reasons"] if c["code"] == "price.too_high"]
    assert {d["detail"]: d["debriefs"] for d in cell["details"]} == {
        budget: 6, "price.too_high.discount_refused": 6, None: 5}
    # Narrowed by a segment there are no details (they would be pieces of pieces).
    [narrowed] = counts(marketing, month, by="outcome", industry="software")["groups"]
    assert all(c["details"] == [] for c in narrowed["reasons"])
