"""Who is in a contest's field: the team's reps and managers, but no one disabled."""

from __future__ import annotations

from helpers.server_harness import run_cli
from helpers.server_world import People, running_period

PERIOD = running_period()


def create(api, team: str, name: str) -> int:
    answer = api.post("/api/v1/contests", json={"team": team, "name": name,
                                                "prize": "A weekend in Lisbon", **PERIOD})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def test_a_disabled_user_leaves_the_field_ranks_and_bands(people: People, new_debrief):
    manager = people("manager")
    [team] = manager.api.get("/api/v1/auth/me").json()["manages"]
    star, *rest = reps = [people("rep", team=team) for _ in range(5)]
    for count, rep in zip((6, 4, 3, 2, 1), reps, strict=True):
        assert rep.api.push(*[new_debrief() for _ in range(count)]).json()["accepted"] == count
    before = create(manager.api, team, "Made before")
    path = f"/api/v1/contests/{before}/leaderboard"
    board = manager.api.get(path).json()
    assert board["field_size"] == 5  # the reps (the manager is of no team)
    assert [row["username"] for row in board["top"]][:2] == [star.username, rest[0].username]
    second = rest[0].api.get(path).json()
    assert (second["me"]["rank"], second["my_band"]["code"]) == (2, "top_half")

    result = run_cli("user", "disable", star.username, "--db", people.server.db_url)
    assert result.returncode == 0, result.stderr

    after = create(manager.api, team, "Made after")
    for contest in (before, after):
        path = f"/api/v1/contests/{contest}/leaderboard"
        board = manager.api.get(path).json()
        assert board["field_size"] == 4, contest
        assert star.username not in [row["username"] for row in board["top"]]
        assert [row["rank"] for row in board["top"]] == [1, 2, 3, 4]
        assert board["top"][0]["username"] == rest[0].username
        leader = rest[0].api.get(path).json()
        assert (leader["me"]["rank"], leader["my_band"]["code"]) == (1, "top_25")
        assert [row["username"] for row in leader["top"]] == [rest[0].username]
        last = rest[-1].api.get(path).json()
        assert (last["me"]["rank"], last["field_size"]) == (4, 4)
        assert last["my_band"]["code"] == "keep_going"
