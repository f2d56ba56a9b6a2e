"""Contests: run by a team's manager, scored on the server with the shared rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from helpers.server_world import People, running_period

from sync.domain.debrief import Debrief
from sync.domain.scoring import ContestRules, contest_entries
from sync.resources import default_contest_rules

PERIOD = running_period()


def create(api, team: str, **changes):
    body = {"team": team, "name": "November push", "prize": "A weekend in Lisbon",
            **PERIOD, **changes}
    return api.post("/api/v1/contests", json=body)


def test_a_manager_runs_a_contest_for_their_team(people: People):
    manager = people("manager")
    [team] = manager.api.get("/api/v1/auth/me").json()["manages"]
    answer = create(manager.api, team)
    assert answer.status_code == 201, answer.text
    contest = answer.json()
    assert (contest["team"], contest["name"]) == (team, "November push")
    assert contest["rules"] == default_contest_rules().to_dict()  # what new ones start from
    listed = manager.api.get("/api/v1/contests").json()["items"]
    assert contest["id"] in [c["id"] for c in listed]


def test_the_leaderboard_scores_with_the_shared_rules(people: People, new_debrief):
    manager = people("manager")
    [team] = manager.api.get("/api/v1/auth/me").json()["manages"]
    reps = [people("rep", team=team) for _ in range(3)]
    contest = create(manager.api, team, rules={"cap": 3, "daily_cap": 40}).json()
    pushed: dict[str, list[dict]] = {}
    for count, rep in zip((1, 4, 2), reps, strict=True):
        pushed[rep.username] = [new_debrief() for _ in range(count)]
        assert rep.api.push(*pushed[rep.username]).json()["accepted"] == count
    board = manager.api.get(f"/api/v1/contests/{contest['id']}/leaderboard").json()
    rules = ContestRules.from_dict(contest["rules"])
    expected = {name: sum(contest_entries(
        [Debrief.from_dict({**d, "rep": name}) for d in items], rules).values())
        for name, items in pushed.items()}
    assert {row["username"]: row["entries"] for row in board["top"]} == expected
    assert [row["username"] for row in board["top"]] == [r.username for r in
                                                         (reps[1], reps[2], reps[0])]
    assert board["field_size"] == 3
    assert board["top"][0]["rank"] == 1


def test_a_rep_sees_only_the_top_quarter_by_name_and_their_own_band(people: People,
                                                                   new_debrief):
    manager = people("manager")
    [team] = manager.api.get("/api/v1/auth/me").json()["manages"]
    reps = [people("rep", team=team) for _ in range(12)]
    for index, rep in enumerate(reps):
        rep.api.push(*[new_debrief() for _ in range(index + 1)])
    contest = create(manager.api, team, rules={"daily_cap": 100}).json()  # no ties
    path = f"/api/v1/contests/{contest['id']}/leaderboard"
    last, leaders = reps[0], [rep.username for rep in reversed(reps[-3:])]
    board = last.api.get(path).json()
    assert board["field_size"] == 12
    assert [row["username"] for row in board["top"]] == leaders  # 12 // 4 names
    assert [row["rank"] for row in board["top"]] == [1, 2, 3]
    assert board["next_offset"] is None
    assert (board["me"]["username"], board["me"]["rank"]) == (last.username, 12)
    assert board["my_band"] == {"code": "keep_going", "text": "keep going"}
    middle = reps[6].api.get(path).json()  # rank 6 of 12: still the top half
    assert middle["my_band"] == {"code": "top_half", "text": "top half"}
    assert [row["username"] for row in middle["top"]] == leaders
    best = reps[-1].api.get(path).json()
    assert best["my_band"] == {"code": "top_10", "text": "top 10%"}
    # The team's manager still pages through the whole table.
    page = manager.api.get(path, params={"limit": 5}).json()
    assert [row["rank"] for row in page["top"]] == [1, 2, 3, 4, 5]
    assert (page["next_offset"], page["me"], page["my_band"]) == (5, None, None)
    rest = manager.api.get(path, params={"offset": 5, "limit": 10}).json()
    assert [row["rank"] for row in rest["top"]] == list(range(6, 13))
    # Under the default daily cap the five busiest tie at rank 1: a tie reaching past
    # the top quarter is named by nobody, and its band is judged by the place it reaches.
    capped = create(manager.api, team).json()
    path = f"/api/v1/contests/{capped['id']}/leaderboard"
    ranks = [row["rank"] for row in manager.api.get(path).json()["top"]]
    assert ranks[:6] == [1, 1, 1, 1, 1, 6]
    board = reps[-1].api.get(path).json()
    assert (board["top"], board["me"]["rank"]) == ([], 1)
    assert board["my_band"] == {"code": "top_half", "text": "top half"}


def test_a_rep_in_a_small_field_sees_no_other_names(people: People, new_debrief):
    manager = people("manager")
    [team] = manager.api.get("/api/v1/auth/me").json()["manages"]
    reps = [people("rep", team=team) for _ in range(3)]
    for index, rep in enumerate(reps):
        rep.api.push(*[new_debrief() for _ in range(index + 1)])
    contest = create(manager.api, team).json()
    for rep in reps:
        board = rep.api.get(f"/api/v1/contests/{contest['id']}/leaderboard").json()
        assert board["top"] == []
        assert board["me"]["username"] == rep.username
        assert board["my_band"]["code"] in ("top_half", "keep_going")


def test_debriefs_outside_the_period_or_deleted_earn_nothing(people: People, new_debrief):
    manager = people("manager")
    [team] = manager.api.get("/api/v1/auth/me").json()["manages"]
    rep = people("rep", team=team)
    before = new_debrief(created_at="2026-10-31T23:59:59Z", updated_at="2026-10-31T23:59:59Z")
    gone = new_debrief()
    rep.api.push(before, gone)
    rep.api.push({**gone, "revision": 2, "deleted": True, "updated_at": "2026-11-20T09:00:00Z"})
    contest = create(manager.api, team).json()
    board = manager.api.get(f"/api/v1/contests/{contest['id']}/leaderboard").json()
    assert board["top"][0]["entries"] == 0


def test_a_contest_period_given_with_offsets_is_kept_in_utc(people: People):
    manager = people("manager")
    [team] = manager.api.get("/api/v1/auth/me").json()["manages"]
    first = date.today() + timedelta(days=10)  # a contest still to come, whenever run
    last = first + timedelta(days=30)
    answer = create(manager.api, team, starts_at=f"{first}T00:00:00+05:00",
                    ends_at=f"{last}T00:00:00-08:00")
    assert answer.status_code == 201, answer.text
    again = manager.api.get(f"/api/v1/contests/{answer.json()['id']}").json()
    for contest in (answer.json(), again):
        assert datetime.fromisoformat(contest["starts_at"]) == datetime.combine(
            first, time(0), UTC) - timedelta(hours=5)
        assert datetime.fromisoformat(contest["ends_at"]) == datetime.combine(
            last, time(8), UTC)


def test_another_teams_contest_is_not_found(people: People):
    manager, stranger = people("manager"), people("rep")
    [team] = manager.api.get("/api/v1/auth/me").json()["manages"]
    contest = create(manager.api, team).json()
    for path in (f"/api/v1/contests/{contest['id']}",
                 f"/api/v1/contests/{contest['id']}/leaderboard"):
        assert stranger.api.get(path).status_code == 404
    assert contest["id"] not in [c["id"] for c in
                                 stranger.api.get("/api/v1/contests").json()["items"]]


def test_bad_contests_are_refused_naming_the_field(people: People):
    manager, other = people("manager"), people("manager")
    [team] = manager.api.get("/api/v1/auth/me").json()["manages"]
    [other_team] = other.api.get("/api/v1/auth/me").json()["manages"]
    cases = [
        ({"ends_at": "2026-10-01T00:00:00Z"}, 422, "ends_at"),
        ({"rules": {"cap": -1}}, 422, "rules.cap"),
        ({"rules": {"base": 10**30}}, 422, "rules.base"),
        ({"rules": {"base": 5, "cap": 4}}, 422, "rules.cap"),  # a cap below the base
        ({"rules": {"base": True}}, 422, "rules.base"),  # JSON true is not a number
        ({"rules": {"base": "2"}}, 422, "rules.base"),
        ({"rules": {"jackpot": 5}}, 422, "rules"),
        ({"team": "no such team"}, 422, "team"),
        ({"team": other_team}, 403, "team"),
        ({"name": "   "}, 422, "name"),
        ({"starts_at": "2026-11-01T00:00:00"}, 422, "starts_at"),  # no time zone
        ({"starts_at": "0001-01-01T00:30:00+01:00"}, 422, "starts_at"),  # no UTC time
        ({"rules": {"daily_cap": 2**31 - 1}}, 422, "rules.daily_cap"),
        ({"ends_at": "2036-11-01T00:00:00Z"}, 422, "ends_at"),  # ten years
    ]
    for change, status, field in cases:
        answer = create(manager.api, **{"team": team, **change})
        assert answer.status_code == status, (change, answer.text)
        assert answer.json()["detail"][0]["loc"] == ["body", *field.split(".")], change
        assert answer.json()["detail"][0]["msg"], change
    assert manager.api.get("/api/v1/contests").json()["items"] == []
