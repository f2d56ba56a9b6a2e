"""For BI tools: a read-only token an admin makes, the stable paged JSON route with
`changed_since`, and every curl example of docs/bi.md run against a real server."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

from helpers.insight_world import made_in, own_month, reasons
from helpers.server_world import People

from sync.server import cli

BI_DOC = Path(__file__).resolve().parents[2] / "docs" / "bi.md"


def bi_token(people: People, capsys, name: str) -> str:
    assert cli.main(["token", "add", "--db", people.server.db_url, "--bi", name]) == 0
    return capsys.readouterr().out.strip().splitlines()[-1]


def seeded(people: People, new_debrief) -> str:
    month = own_month()
    for rep in (people("rep"), people("rep")):
        rep.api.push(*[new_debrief(competitor="Acme", **made_in(month)) for _ in range(4)],
                     *[new_debrief(outcome="won", competitor="Acme",
                                   reasons=reasons("price.good_value"), **made_in(month))
                       for _ in range(3)])
    return month


def get(people: People, token: str, **params):
    from helpers.server_harness import Api

    return Api(people.server.base_url, token).get("/api/v1/bi/reason-counts", params=params)


def test_a_bi_token_reads_pages_of_the_tidy_table_and_nothing_else(people: People,
                                                                   new_debrief, capsys):
    month = seeded(people, new_debrief)
    token = bi_token(people, capsys, f"bi-{month}")
    seen, offset = [], 0
    while offset is not None:
        answer = get(people, token, by=["outcome", "competitor"], **{"from": month,
                                                                    "to": month},
                     limit=1, offset=offset)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["schema"] == "debrief.reason-counts/1" and len(body["rows"]) <= 1
        seen += body["rows"]
        offset = body["next_offset"]
    assert {(r["outcome"], r["competitor"], r["reason_code"], r["debriefs"]) for r in seen} == {
        ("lost", "Acme", "price.too_high", 8), ("lost", "Acme", "competitor.cheaper", 8),
        ("won", "Acme", "price.good_value", 6)}
    from helpers.server_harness import Api

    api = Api(people.server.base_url, token)
    assert api.post("/api/v1/sync/push", json={"debriefs": []}).status_code == 403
    assert api.get("/api/v1/sync/debriefs", params={"since": "0"}).status_code == 403


def test_changed_since_gives_only_the_periods_that_changed(people: People, new_debrief,
                                                          capsys):
    month = seeded(people, new_debrief)
    token = bi_token(people, capsys, f"bi-since-{month}")
    first = get(people, token, by="outcome").json()
    assert month in {row["period"] for row in first["rows"]}
    later = get(people, token, by="outcome", changed_since=first["as_of"]).json()
    assert month not in {row["period"] for row in later["rows"]}
    again = own_month()
    for rep in (people("rep"), people("rep")):
        rep.api.push(*[new_debrief(**made_in(again)) for _ in range(3)])
    changed = get(people, token, by="outcome", changed_since=first["as_of"]).json()
    assert {row["period"] for row in changed["rows"]} == {again}
    assert get(people, token, by="outcome", changed_since="yesterday").status_code == 422


def test_a_bi_name_cannot_take_over_a_persons_account(people: People, capsys):
    rep = people("rep")
    code = cli.main(["token", "add", "--db", people.server.db_url, "--bi", rep.username])
    assert code == cli.EXIT_REFUSED
    assert "a person's account" in capsys.readouterr().err


def curl_examples() -> list[str]:
    """The ```sh blocks of docs/bi.md, each one command (backslash lines joined)."""
    blocks = re.findall(r"```sh\n(.*?)```", BI_DOC.read_text(encoding="utf-8"), re.S)
    return [block.replace("\\\n", " ").strip() for block in blocks]


def test_every_curl_example_in_the_bi_guide_runs(people: People, new_debrief, capsys):
    seeded(people, new_debrief)
    token = bi_token(people, capsys, "bi-docs")
    examples = curl_examples()
    assert len(examples) >= 4
    environment = {**os.environ, "DEBRIEF_URL": people.server.base_url,
                   "DEBRIEF_TOKEN": token}
    for example in examples:
        assert example.startswith("curl "), example
        done = subprocess.run(["bash", "-c", example], env=environment, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, (example, done.stderr)
        assert json.loads(done.stdout)["schema"] == "debrief.reason-counts/1", example
