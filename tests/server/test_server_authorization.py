"""Who may do what: every role (and no sign-in) against every route, on their own
objects and on another team's. Each cell of the matrix is asserted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from helpers.server_harness import Api
from helpers.server_world import People, debrief_maker, running_period

from sync.server.api.deps import ROLE_WORDS, require_role, roles_in_words
from sync.server.tables import ROLES as TABLE_ROLES

ROLES = ("anonymous", "rep", "manager", "marketing", "admin")
PERIOD = running_period()


@dataclass
class World:
    apis: dict[str, Api]
    own_team: str  # the rep's team, managed by the manager
    other_team: str  # managed by someone else
    own_contest: int
    other_contest: int
    debrief: dict[str, Any]


@pytest.fixture(scope="module")
def world(server, engine) -> World:
    people = People(server, engine, tag="authz")
    own_team, other_team = people.team(), people.team()
    outsider = people("manager", manages=(other_team,))
    apis = {"anonymous": Api(server.base_url),
            "rep": people("rep", team=own_team).api,
            "manager": people("manager", manages=(own_team,)).api,
            "marketing": people("marketing").api, "admin": people("admin").api}
    body = {"name": "Matrix", "prize": "Mug", **PERIOD}
    own = apis["manager"].post("/api/v1/contests", json={"team": own_team, **body}).json()
    other = outsider.api.post("/api/v1/contests", json={"team": other_team, **body}).json()
    return World(apis, own_team, other_team, own["id"], other["id"], debrief_maker()())


def contest(world: World, which: str) -> int:
    return world.own_contest if which == "own" else world.other_contest


# (method, path template, body maker, {role: expected status})
MATRIX: list[tuple[str, str, str, dict[str, int]]] = [
    ("GET", "/api/v1/auth/me", "",
     {"anonymous": 401, "rep": 200, "manager": 200, "marketing": 200, "admin": 200}),
    ("POST", "/api/v1/sync/push", "debrief",
     {"anonymous": 401, "rep": 200, "manager": 200, "marketing": 403, "admin": 403}),
    ("GET", "/api/v1/sync/debriefs", "",
     {"anonymous": 401, "rep": 200, "manager": 200, "marketing": 403, "admin": 403}),
    ("GET", "/api/v1/sync/config", "",
     {"anonymous": 401, "rep": 200, "manager": 200, "marketing": 200, "admin": 200}),
    ("GET", "/api/v1/contests", "",
     {"anonymous": 401, "rep": 200, "manager": 200, "marketing": 403, "admin": 200}),
    ("POST", "/api/v1/contests", "own contest",
     {"anonymous": 401, "rep": 403, "manager": 201, "marketing": 403, "admin": 201}),
    ("POST", "/api/v1/contests", "other contest",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 403, "admin": 201}),
    ("GET", "/api/v1/contests/{own}", "",
     {"anonymous": 401, "rep": 200, "manager": 200, "marketing": 403, "admin": 200}),
    ("GET", "/api/v1/contests/{other}", "",
     {"anonymous": 401, "rep": 404, "manager": 404, "marketing": 403, "admin": 200}),
    # The contests have started: a new name is taken; the other team's is not found.
    ("PATCH", "/api/v1/contests/{own}", "edit",
     {"anonymous": 401, "rep": 403, "manager": 200, "marketing": 403, "admin": 200}),
    ("PATCH", "/api/v1/contests/{other}", "edit",
     {"anonymous": 401, "rep": 403, "manager": 404, "marketing": 403, "admin": 200}),
    ("GET", "/api/v1/contests/{own}/leaderboard", "",
     {"anonymous": 401, "rep": 200, "manager": 200, "marketing": 403, "admin": 200}),
    ("GET", "/api/v1/contests/{other}/leaderboard", "",
     {"anonymous": 401, "rep": 404, "manager": 404, "marketing": 403, "admin": 200}),
    # The contests run until next month: no ledger yet, and no draw.
    ("GET", "/api/v1/contests/{own}/draw", "",
     {"anonymous": 401, "rep": 200, "manager": 200, "marketing": 403, "admin": 200}),
    ("GET", "/api/v1/contests/{other}/draw", "",
     {"anonymous": 401, "rep": 404, "manager": 404, "marketing": 403, "admin": 200}),
    ("GET", "/api/v1/contests/{own}/ledger", "",
     {"anonymous": 401, "rep": 409, "manager": 409, "marketing": 403, "admin": 409}),
    ("GET", "/api/v1/contests/{other}/ledger", "",
     {"anonymous": 401, "rep": 404, "manager": 404, "marketing": 403, "admin": 409}),
    ("POST", "/api/v1/contests/{own}/draw", "",
     {"anonymous": 401, "rep": 403, "manager": 409, "marketing": 403, "admin": 409}),
    ("POST", "/api/v1/contests/{other}/draw", "",
     {"anonymous": 401, "rep": 403, "manager": 404, "marketing": 403, "admin": 409}),
    # A manager or an admin is not in the field: their own entries are not found.
    ("GET", "/api/v1/contests/{own}/entries", "",
     {"anonymous": 401, "rep": 200, "manager": 404, "marketing": 403, "admin": 404}),
    ("GET", "/api/v1/contests/{other}/entries", "",
     {"anonymous": 401, "rep": 404, "manager": 404, "marketing": 403, "admin": 404}),
    ("GET", "/api/v1/contests/{own}/voids", "",
     {"anonymous": 401, "rep": 200, "manager": 200, "marketing": 403, "admin": 200}),
    ("GET", "/api/v1/contests/{other}/voids", "",
     {"anonymous": 401, "rep": 404, "manager": 404, "marketing": 403, "admin": 200}),
    # No such debrief in the contest: those who may void get as far as looking for it.
    ("POST", "/api/v1/contests/{own}/voids", "void",
     {"anonymous": 401, "rep": 403, "manager": 404, "marketing": 403, "admin": 404}),
    ("POST", "/api/v1/contests/{other}/voids", "void",
     {"anonymous": 401, "rep": 403, "manager": 404, "marketing": 403, "admin": 404}),
    ("POST", "/api/v1/contests/{own}/voids/undo", "void",
     {"anonymous": 401, "rep": 403, "manager": 404, "marketing": 403, "admin": 404}),
    ("POST", "/api/v1/contests/{other}/voids/undo", "void",
     {"anonymous": 401, "rep": 403, "manager": 404, "marketing": 403, "admin": 404}),
    ("GET", "/api/v1/taxonomy", "",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 200, "admin": 200}),
    # Made from a version the store never had: those who may change the list are told
    # which is the newest, and nothing changes for the other cells.
    ("POST", "/api/v1/taxonomy/changes", "stale change",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 422, "admin": 422}),
    ("GET", "/api/v1/insights/reasons?by=stage", "",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 200, "admin": 200}),
    ("GET", "/api/v1/insights/funnel", "",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 200, "admin": 200}),
    ("GET", "/api/v1/insights/quotes", "",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 200, "admin": 200}),
    ("GET", "/api/v1/insights/plays", "",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 200, "admin": 200}),
    ("GET", "/api/v1/insights/other-words", "",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 200, "admin": 200}),
    ("GET", "/api/v1/insights/collateral?by=stage", "",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 200, "admin": 200}),
    ("GET", "/api/v1/insights/criteria?by=lead_source", "",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 200, "admin": 200}),
    ("GET", "/api/v1/exports/reasons.{kind}?by=stage", "",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 200, "admin": 200}),
    ("GET", "/api/v1/exports/quotes.{kind}", "",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 200, "admin": 200}),
    ("GET", "/api/v1/exports/plays.{kind}", "",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 200, "admin": 200}),
    ("GET", "/api/v1/exports/collateral.{kind}?by=stage", "",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 200, "admin": 200}),
    ("GET", "/api/v1/exports/criteria.{kind}", "",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 200, "admin": 200}),
    ("GET", "/api/v1/actions", "",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 200, "admin": 200}),
    # An action on a reason not on the list: refused naming it, nothing made.
    ("POST", "/api/v1/actions", "bad action",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 422, "admin": 422}),
    ("GET", "/api/v1/actions/{missing}", "",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 404, "admin": 404}),
    ("PATCH", "/api/v1/actions/{missing}", "action edit",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 404, "admin": 404}),
    ("GET", "/api/v1/bi/reason-counts?by=stage", "",
     {"anonymous": 401, "rep": 403, "manager": 403, "marketing": 200, "admin": 200}),
]

# How each route family's 403 begins: who may, in words, then what they do.
REFUSALS = {
    ("POST", "sync"): "only reps and managers ",
    ("GET", "sync"): "only reps and managers ",
    ("GET", "contests"): "only reps, managers and admins see contests",
    ("POST", "contests"): "only managers and admins create contests",
    ("PATCH", "contests"): "only managers and admins change contests",
    ("POST", "draw"): "only managers and admins run contest draws",
    ("POST", "voids"): "only managers and admins void contest entries",
    ("GET", "insights"): "only marketing and admins ",
    ("GET", "exports"): "only marketing and admins ",
    ("GET", "bi"): "only marketing and admins ",
    ("GET", "taxonomy"): "only marketing and admins see the reason list's versions",
    ("POST", "taxonomy"): "only marketing and admins change the reason list",
    ("GET", "actions"): "only marketing and admins see actions",
    ("POST", "actions"): "only marketing and admins make and change actions",
    ("PATCH", "actions"): "only marketing and admins make and change actions",
}
# A manager who may create contests, for a team they do not manage.
NOT_YOUR_TEAM = "only this team's managers and admins create its contests"

CELLS = [(method, path, body, role, statuses[role])
         for method, path, body, statuses in MATRIX for role in ROLES]


def test_the_matrix_names_every_route_the_api_serves(server) -> None:
    import requests

    served = requests.get(f"{server.base_url}/api/v1/openapi.json", timeout=10).json()
    documented = {(method.upper(), path) for path, item in served["paths"].items()
                  for method in item}
    in_matrix = {(method, path.split("?")[0].replace("{own}", "{contest_id}")
                  .replace("{other}", "{contest_id}").replace("{missing}", "{action_id}"))
                 for method, path, *_ in MATRIX}
    # Open to all: health checks and sign-in. Sign-out would revoke the matrix's tokens;
    # test_server_sign_in covers it.
    public = {("GET", "/healthz"), ("GET", "/readyz"), ("POST", "/api/v1/auth/sign-in"),
              ("POST", "/api/v1/auth/sign-out")}
    assert documented - public - in_matrix == set()


@pytest.mark.parametrize(("method", "path", "body", "role", "expected"), CELLS,
                         ids=[f"{m} {p} {b} as {r}".strip() for m, p, b, r, _ in CELLS])
def test_each_role_gets_exactly_its_answer(world: World, method, path, body, role, expected):
    url = path.replace("{own}", str(world.own_contest)).replace(
        "{other}", str(world.other_contest)).replace("{kind}", "csv").replace(
        "{missing}", "999999")
    payload: dict[str, Any] | None = None
    if body == "debrief":
        payload = {"debriefs": [{**world.debrief}]}
    elif body == "edit":
        payload = {"name": "Renamed"}
    elif body == "void":
        payload = {"debrief_id": "no-such-debrief", "reason": "gamed"}
    elif body == "stale change":
        payload = {"based_on": "1999.1", "change": {"kind": "retire", "key": "price.too_high"}}
    elif body == "bad action":
        payload = {"title": "Cell", "owner": "Cell", "due": "2030-01-31",
                   "baseline_from": "2025-01", "baseline_to": "2025-03",
                   "measure": {"kind": "reason", "outcome": "lost", "code": "no.such_code"}}
    elif body == "action edit":
        payload = {"revision": 1, "status": "done"}
    elif body.endswith("contest"):
        team = world.own_team if body.startswith("own") else world.other_team
        payload = {"team": team, "name": "Cell", "prize": "Pen", **PERIOD}
    answer = world.apis[role].request(method, url, json=payload)
    assert answer.status_code == expected, answer.text
    if expected >= 400:
        assert "detail" in answer.json()  # a JSON body saying why, never a bare status
    if expected == 403:
        detail = answer.json()["detail"]
        said = detail if isinstance(detail, str) else detail[0]["msg"]
        last = path.split("/")[5] if path.count("/") > 4 else ""
        family = (method, last if method == "POST" and last in ("draw", "voids")
                  else path.split("/")[3])
        wanted = NOT_YOUR_TEAM if role == "manager" and body == "other contest" else (
            REFUSALS[family])
        assert said.startswith(wanted), said
        # never the old "a marketing cannot do this (needs: rep, manager)"
        assert "needs" not in said and ":" not in said and "cannot" not in said, said


def test_roles_are_named_in_words():
    assert set(ROLE_WORDS) == set(TABLE_ROLES)
    assert roles_in_words(("marketing",)) == "marketing"
    assert roles_in_words(("rep", "manager")) == "reps and managers"
    assert roles_in_words(("rep", "manager", "admin")) == "reps, managers and admins"
    with pytest.raises(KeyError):
        require_role("auditor")  # a role nobody has is a mistake in the route


def test_nobody_reads_another_reps_debriefs(world: World, people: People, new_debrief):
    stranger = people("rep", team=world.own_team)  # same team, still not theirs
    mine = new_debrief()
    assert world.apis["rep"].push(mine).status_code == 200
    for api in (stranger.api, world.apis["manager"]):
        pulled = api.get("/api/v1/sync/debriefs", params={"limit": 500}).json()["items"]
        assert mine["id"] not in [d["id"] for d in pulled]
