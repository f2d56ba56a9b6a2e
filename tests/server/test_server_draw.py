"""The draw anyone can check, through the API and the command line: the commitment from
the start, the ledger frozen at the end, the winners drawn once from both."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from helpers.server_harness import run_cli_here
from helpers.server_world import People, create, end_now, entries_of

from sync.domain import draw
from sync.server.tables import contests, users


def test_a_draw_is_committed_frozen_drawn_once_and_checks(people: People, new_debrief,
                                                           engine, server):
    manager = people("manager")
    [team] = manager.api.get("/api/v1/auth/me").json()["manages"]
    reps = [people("rep", team=team) for _ in range(4)]
    contest = create(manager.api, team, winners=2).json()
    path = f"/api/v1/contests/{contest['id']}"
    assert len(contest["commitment"]) == 64 and contest["winners"] == 2
    for count, rep in enumerate(reps, start=1):
        assert rep.api.push(*[new_debrief() for _ in range(count)]).json()["accepted"] == count
    shown = reps[0].api.get(f"{path}/draw").json()
    assert (shown["frozen"], shown["seed"], shown["winners"]) == (False, None, None)
    early = manager.api.post(f"{path}/draw")
    assert early.status_code == 409, early.text
    assert early.json()["detail"][0]["type"] == "not_ended"
    assert "runs until" in early.json()["detail"][0]["msg"]
    assert reps[0].api.get(f"{path}/ledger").status_code == 409

    before = entries_of(manager.api, contest["id"])
    end_now(engine, contest["id"])
    # Sent after the end, a debrief of the contest's period earns nothing in it.
    assert reps[0].api.push(new_debrief()).json()["accepted"] == 1
    assert entries_of(manager.api, contest["id"]) == before

    ledger_answer = reps[0].api.get(f"{path}/ledger")
    assert ledger_answer.status_code == 200
    assert ledger_answer.headers["content-type"].startswith("text/plain")
    ledger = draw.Ledger.parse(ledger_answer.content)
    with engine.connect() as connection:
        ids = dict(connection.execute(sa.select(users.c.id, users.c.username).where(
            users.c.username.in_([rep.username for rep in reps]))).all())
    assert {ids[line.rep_id]: line.entries for line in ledger.lines} == {
        name: n for name, n in before.items() if n}
    frozen = reps[1].api.get(f"{path}/draw").json()
    assert frozen["frozen"] and frozen["ledger_sha256"] == hashlib.sha256(
        ledger_answer.content).hexdigest()
    assert frozen["seed"] is None

    assert reps[0].api.post(f"{path}/draw").status_code == 403
    drawn = manager.api.post(f"{path}/draw")
    assert drawn.status_code == 200, drawn.text
    result = drawn.json()
    assert hashlib.sha256(bytes.fromhex(result["seed"])).hexdigest() == contest["commitment"]
    winners = [w["rep_id"] for w in result["winners"]]
    assert len(winners) == 2 and len(set(winners)) == 2
    assert [w["place"] for w in result["winners"]] == [1, 2]
    verdict = draw.verify(bytes.fromhex(result["seed"]), contest["commitment"],
                          ledger_answer.content, result["ledger_sha256"], winners)
    assert verdict.holds
    again = manager.api.post(f"{path}/draw")
    assert again.status_code == 409 and again.json()["detail"][0]["type"] == "drawn_already"
    assert "never run again" in again.json()["detail"][0]["msg"]
    assert reps[3].api.get(f"{path}/draw").json() == result  # everyone sees the same

    checked = run_cli_here("contest", "verify", str(contest["id"]), "--db", server.db_url)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "The draw holds." in checked.stdout
    shown_cli = run_cli_here("contest", "show", str(contest["id"]), "--db", server.db_url)
    assert result["seed"] in shown_cli.stdout
    assert f"1. {result['winners'][0]['username']}" in shown_cli.stdout


def test_the_command_line_draws_once_for_a_manager_and_a_tampered_draw_fails(
        people: People, new_debrief, engine, server):
    manager = people("manager")
    [team] = manager.api.get("/api/v1/auth/me").json()["manages"]
    reps = [people("rep", team=team) for _ in range(3)]
    contest = create(manager.api, team).json()
    for rep in reps:
        rep.api.push(new_debrief(), new_debrief())
    not_yet = run_cli_here("contest", "draw", str(contest["id"]), "--by", manager.username,
                      "--db", server.db_url)
    assert not_yet.returncode == 2 and "runs until" in not_yet.stderr
    end_now(engine, contest["id"])
    stranger = run_cli_here("contest", "draw", str(contest["id"]), "--by", reps[0].username,
                       "--db", server.db_url)
    assert stranger.returncode == 2 and "is not a manager" in stranger.stderr
    done = run_cli_here("contest", "draw", str(contest["id"]), "--by", manager.username,
                   "--db", server.db_url)
    assert done.returncode == 0, done.stderr
    assert "1. " in done.stdout
    twice = run_cli_here("contest", "draw", str(contest["id"]), "--by", manager.username,
                    "--db", server.db_url)
    assert twice.returncode == 2 and "never run again" in twice.stderr
    listed = run_cli_here("contest", "list", "--db", server.db_url)
    assert any(line.split()[0] == str(contest["id"]) and line.endswith("drawn")
               for line in listed.stdout.splitlines()[1:])
    # Someone with the database changes the seed after the draw: the check says so.
    with engine.begin() as connection:
        connection.execute(contests.update().where(contests.c.id == contest["id"])
                           .values(seed="00" * draw.SEED_BYTES))
    checked = run_cli_here("contest", "verify", str(contest["id"]), "--db", server.db_url)
    assert checked.returncode == 1
    assert "NO   the seed matches the commitment published" in checked.stdout


def test_contests_that_could_not_be_drawn_fairly_are_refused(people: People):
    manager = people("manager")
    [team] = manager.api.get("/api/v1/auth/me").json()["manages"]
    past = create(manager.api, team, starts_at="2026-10-01T00:00:00Z",
                  ends_at="2026-11-01T00:00:00Z")
    assert past.status_code == 422
    assert past.json()["detail"][0]["loc"] == ["body", "ends_at"]
    for winners in (0, 101):
        refused = create(manager.api, team, winners=winners)
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "winners"]
