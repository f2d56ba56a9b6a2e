"""Why a debrief earned what it did, voids and their undoing, and the ways a test client
tries to game a contest: each earns nothing or is refused, with the status and a message
naming why (through the API and the command line, on both databases)."""

from __future__ import annotations

from helpers.server_harness import run_cli_here
from helpers.server_world import People, create, end_now, entries_of


def made(people: People):
    """A manager, their team, two reps in it and a running contest."""
    manager = people("manager")
    [team] = manager.api.get("/api/v1/auth/me").json()["manages"]
    reps = [people("rep", team=team) for _ in range(2)]
    contest = create(manager.api, team).json()
    return manager, team, reps, contest


def explained(api, contest_id: int, rep: str | None = None) -> dict:
    answer = api.get(f"/api/v1/contests/{contest_id}/entries",
                     params={"rep": rep} if rep else None)
    assert answer.status_code == 200, answer.text
    return answer.json()


def refusal(answer, status: int) -> tuple[str, str, list]:
    assert answer.status_code == status, answer.text
    [problem] = answer.json()["detail"]
    return problem["type"], problem["msg"], problem["loc"]


def test_a_void_and_its_undoing_move_the_entries_and_the_rep_reads_both(people: People,
                                                                        new_debrief):
    manager, _, (rep, other), contest = made(people)
    path = f"/api/v1/contests/{contest['id']}"
    kept, gamed = new_debrief(), new_debrief()
    assert rep.api.push(kept, gamed).json()["accepted"] == 2
    other.api.push(new_debrief())
    before = entries_of(manager.api, contest["id"])[rep.username]

    voided = manager.api.post(f"{path}/voids", json={"debrief_id": gamed["id"],
                                                     "reason": "  Logged twice  "})
    assert voided.status_code == 201, voided.text
    assert (voided.json()["voided"], voided.json()["reason"]) == (True, "Logged twice")
    mine = explained(rep.api, contest["id"])
    by_id = {item["debrief_id"]: item for item in mine["items"]}
    assert (by_id[gamed["id"]]["why"], by_id[gamed["id"]]["entries"]) == ("voided", 0)
    assert by_id[gamed["id"]]["scored"] == by_id[kept["id"]]["entries"] > 0
    [event] = by_id[gamed["id"]]["voids"]
    assert (event["reason"], event["by"]) == ("Logged twice", manager.username)
    after = entries_of(manager.api, contest["id"])[rep.username]
    assert after == before - by_id[kept["id"]]["entries"] == mine["entries"]
    assert rep.api.get(f"{path}/leaderboard").json()["me"]["entries"] == after

    undone = manager.api.post(f"{path}/voids/undo", json={"debrief_id": gamed["id"],
                                                          "reason": "Different deal"})
    assert undone.status_code == 201 and undone.json()["voided"] is False
    assert entries_of(manager.api, contest["id"])[rep.username] == before
    item = next(i for i in explained(rep.api, contest["id"])["items"]
                if i["debrief_id"] == gamed["id"])
    assert item["why"] == "scored"
    assert [(e["voided"], e["reason"]) for e in item["voids"]] == [
        (True, "Logged twice"), (False, "Different deal")]
    # The rep reads their own log; the manager the team's; another rep's is not theirs.
    assert len(rep.api.get(f"{path}/voids").json()["items"]) == 2
    assert other.api.get(f"{path}/voids").json()["items"] == []
    assert len(manager.api.get(f"{path}/voids").json()["items"]) == 2


def test_each_zero_says_why(people: People, new_debrief):
    manager, _, (rep, _), contest = made(people)
    first = new_debrief(crm_ref="OPP-7")
    again = new_debrief(crm_ref="opp-7")
    assert rep.api.push(first, again).json()["accepted"] == 2
    items = {i["debrief_id"]: i for i in explained(rep.api, contest["id"])["items"]}
    duplicate = items[again["id"]]
    assert (duplicate["why"], duplicate["entries"], duplicate["duplicate_of"]) == (
        "near_duplicate", 0, first["id"])
    assert duplicate["duplicate_of_created_at"].startswith(first["created_at"][:19])
    # Overflowing the daily cap: the same day's debriefs beyond it earn nothing.
    per = items[first["id"]]["entries"]
    daily_cap = contest["rules"]["daily_cap"]
    flood = [new_debrief() for _ in range(daily_cap // per + 2)]
    assert rep.api.push(*flood).json()["accepted"] == len(flood)
    mine = explained(rep.api, contest["id"])
    assert mine["entries"] == daily_cap
    assert {i["why"] for i in mine["items"] if i["debrief_id"] in {f["id"] for f in flood}
            } >= {"scored", "daily_cap"}
    assert entries_of(manager.api, contest["id"])[rep.username] == daily_cap
    # A manager reads any rep of the team's; a rep only their own.
    assert explained(manager.api, contest["id"], rep.username)["entries"] == daily_cap


def test_gaming_attempts_are_refused_naming_why(people: People, new_debrief, engine):
    manager, _, (rep, other), contest = made(people)
    path = f"/api/v1/contests/{contest['id']}"
    mine = new_debrief()
    rep.api.push(mine)
    body = {"debrief_id": mine["id"], "reason": "looks gamed"}

    # A rep cannot void, not even their rival's debriefs.
    by_rep = other.api.post(f"{path}/voids", json=body)
    assert by_rep.status_code == 403
    assert by_rep.json()["detail"] == "only managers and admins void contest entries"
    # Nor read another rep's entries.
    kind, message, where = refusal(other.api.get(f"{path}/entries",
                                                 params={"rep": rep.username}), 403)
    assert (kind, where) == ("not_yours", ["query", "rep"])
    # Another team's manager does not see the contest, so can neither void nor draw.
    stranger = people("manager")
    assert stranger.api.post(f"{path}/voids", json=body).status_code == 404
    assert stranger.api.post(f"{path}/draw").status_code == 404
    # A void needs a reason, and a debrief of the contest.
    kind, _, where = refusal(manager.api.post(f"{path}/voids", json={
        "debrief_id": mine["id"], "reason": "   "}), 422)
    assert (kind, where) == ("reason_missing", ["body", "reason"])
    outsider = people("rep")
    elsewhere = new_debrief()
    outsider.api.push(elsewhere)
    kind, message, where = refusal(manager.api.post(f"{path}/voids", json={
        "debrief_id": elsewhere["id"], "reason": "not ours"}), 404)
    assert (kind, where) == ("not_in_contest", ["body", "debrief_id"])
    # Voiding twice, or undoing what is not voided.
    assert refusal(manager.api.post(f"{path}/voids/undo", json=body), 409)[0] == "not_voided"
    assert manager.api.post(f"{path}/voids", json=body).status_code == 201
    assert refusal(manager.api.post(f"{path}/voids", json=body), 409)[0] == "voided_already"
    # After the end the entries are final: no void, no undoing, and edits earn nothing.
    end_now(engine, contest["id"])
    kind, message, _ = refusal(manager.api.post(f"{path}/voids/undo", json=body), 409)
    assert kind == "ended" and "final" in message
    before = entries_of(manager.api, contest["id"])
    edited = {**new_debrief(), "id": mine["id"], "revision": 2, "competitor": "Globex"}
    late = new_debrief()
    assert rep.api.push(edited, late).json()["accepted"] == 2
    assert entries_of(manager.api, contest["id"]) == before
    # The rep is told why the one synced after the end earns nothing.
    items = {i["debrief_id"]: i for i in explained(rep.api, contest["id"])["items"]}
    assert (items[late["id"]]["why"], items[late["id"]]["entries"]) == ("after_end", 0)
    # A draw runs once.
    assert manager.api.post(f"{path}/draw").status_code == 200
    assert refusal(manager.api.post(f"{path}/draw"), 409)[0] == "drawn_already"


def test_the_command_line_voids_and_undoes_for_a_manager(people: People, new_debrief,
                                                         server):
    manager, _, (rep, other), contest = made(people)
    debrief = new_debrief()
    rep.api.push(debrief)
    where = ("--db", server.db_url)
    refused = run_cli_here("contest", "void", str(contest["id"]), debrief["id"], "--by",
                           other.username, "--reason", "gamed", *where)
    assert refused.returncode == 2 and "not a manager" in refused.stderr
    done = run_cli_here("contest", "void", str(contest["id"]), debrief["id"], "--by",
                        manager.username, "--reason", "gamed", *where)
    assert done.returncode == 0, done.stderr
    assert "voided" in done.stdout and "gamed" in done.stdout
    assert explained(rep.api, contest["id"])["entries"] == 0
    undone = run_cli_here("contest", "void", str(contest["id"]), debrief["id"], "--by",
                          manager.username, "--reason", "my mistake", "--undo", *where)
    assert undone.returncode == 0 and "given back" in undone.stdout
    assert explained(rep.api, contest["id"])["entries"] > 0
    twice = run_cli_here("contest", "void", str(contest["id"]), debrief["id"], "--by",
                         manager.username, "--reason", "again", "--undo", *where)
    assert twice.returncode == 2 and "nothing to undo" in twice.stderr


def test_rules_change_as_a_new_version_once_started_and_freeze_at_the_end(
        people: People, new_debrief, engine):
    from datetime import UTC, datetime

    manager, _, (rep, other), contest = made(people)
    path = f"/api/v1/contests/{contest['id']}"
    early = new_debrief()  # made on 2 November, under version 1
    rep.api.push(early)
    before = explained(rep.api, contest["id"])["entries"]

    # Once started: the period and the winners are frozen, naming which.
    kind, message, where = refusal(manager.api.patch(path, json={"winners": 3}), 409)
    assert (kind, where) == ("frozen", ["body", "winners"]) and "started" in message
    assert other.api.patch(path, json={"name": "Mine now"}).status_code == 403
    assert people("manager").api.patch(path, json={"name": "Ours"}).status_code == 404
    bad = manager.api.patch(path, json={"rules": {**contest["rules"], "cap": 0}})
    assert refusal(bad, 422)[2] == ["body", "rules", "cap"]

    changed = manager.api.patch(path, json={"name": "December close-out",
                                            "rules": {"competitor": 5}})  # the rest kept
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["name"] == "December close-out"
    assert body["rules"] == {**contest["rules"], "competitor": 5}
    assert [(v["number"], v["applies_from"] is None) for v in body["rule_versions"]] == [
        (1, True), (2, False)]
    # What was made before the change keeps its version-1 entries...
    assert explained(rep.api, contest["id"])["entries"] == before
    # ...and what is made after it earns by version 2.
    now = datetime.now(UTC).isoformat()
    late = new_debrief(created_at=now, updated_at=now)
    rep.api.push(late)
    items = {i["debrief_id"]: i for i in explained(rep.api, contest["id"])["items"]}
    assert (items[early["id"]]["rules_version"], items[late["id"]]["rules_version"]) == (1, 2)
    assert items[late["id"]]["entries"] > items[early["id"]]["entries"]
    board = manager.api.get(f"{path}/leaderboard").json()
    mine = next(row for row in board["top"] if row["username"] == rep.username)
    assert mine["by_version"] == [
        {"version": 1, "entries": items[early["id"]]["entries"]},
        {"version": 2, "entries": items[late["id"]]["entries"]}]

    end_now(engine, contest["id"])
    assert refusal(manager.api.patch(path, json={"name": "Too late"}), 409)[0] == "frozen"


def test_before_its_start_a_contest_changes_in_place(people: People):
    from datetime import UTC, datetime, timedelta

    manager = people("manager")
    [team] = manager.api.get("/api/v1/auth/me").json()["manages"]
    starts = datetime.now(UTC) + timedelta(days=3)
    contest = create(manager.api, team, starts_at=starts.isoformat(),
                     ends_at=(starts + timedelta(days=30)).isoformat()).json()
    path = f"/api/v1/contests/{contest['id']}"
    changed = manager.api.patch(path, json={
        "winners": 3, "ends_at": (starts + timedelta(days=10)).isoformat(),
        "rules": {**contest["rules"], "base": 2}})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["winners"], body["rules"]["base"]) == (3, 2)
    assert [v["number"] for v in body["rule_versions"]] == [1]  # still the first version
    assert body["rule_versions"][0]["rules"]["base"] == 2
    assert refusal(manager.api.patch(path, json={
        "ends_at": (starts - timedelta(days=1)).isoformat()}), 422)[2] == ["body", "ends_at"]
    # Not started yet, it cannot be moved to have started already: it would score the
    # debriefs made before anyone knew of it.
    _, message, where = refusal(manager.api.patch(path, json={
        "starts_at": (starts - timedelta(days=30)).isoformat()}), 422)
    assert where == ["body", "starts_at"] and "now or later" in message
    assert refusal(manager.api.patch(path, json={"starts_at": "1999-12-31T00:00:00Z"}),
                   422)[2] == ["body", "starts_at"]


def test_nobody_voids_their_own_entries(people: People, new_debrief):
    playing = people("manager")  # a manager who also plays in their team's contest
    [team] = playing.api.get("/api/v1/auth/me").json()["manages"]
    player = people("manager", team=team, manages=(team,))
    contest = create(playing.api, team).json()
    own = new_debrief()
    assert player.api.push(own).json()["accepted"] == 1
    kind, message, where = refusal(player.api.post(
        f"/api/v1/contests/{contest['id']}/voids",
        json={"debrief_id": own["id"], "reason": "mine"}), 403)
    assert (kind, where) == ("own_debrief", ["body", "debrief_id"]) and "own" in message
    assert playing.api.post(f"/api/v1/contests/{contest['id']}/voids", json={
        "debrief_id": own["id"], "reason": "gamed"}).status_code == 201
