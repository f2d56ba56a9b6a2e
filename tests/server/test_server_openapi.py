"""The OpenAPI document kept in docs/ is the one the server serves, and it states what
the server checks: a client made from it never sends what the server refuses."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from helpers.server_world import PASSWORD, People, running_period
from jsonschema import Draft202012Validator

from sync.protocol import PROTOCOL_HEADER
from sync.server.api.openapi import render

KEPT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
PERIOD = running_period()


def kept() -> dict[str, Any]:
    return json.loads(KEPT.read_text(encoding="utf-8"))


def test_the_kept_document_is_current() -> None:
    assert KEPT.read_text(encoding="utf-8") == render(), (
        "docs/openapi.json is stale: run `python -m sync.server.api.openapi "
        "docs/openapi.json`")


def test_the_server_serves_the_same_document(server) -> None:
    served = requests.get(f"{server.base_url}/api/v1/openapi.json", timeout=10).json()
    assert served == json.loads(KEPT.read_text(encoding="utf-8"))


def test_every_input_schema_forbids_unknown_fields() -> None:
    schemas = json.loads(KEPT.read_text(encoding="utf-8"))["components"]["schemas"]
    inputs = [name for name in schemas if name.endswith("In")]
    assert inputs
    for name in inputs:
        assert schemas[name].get("additionalProperties") is False, name


def test_a_method_not_served_is_a_405_listing_every_method_of_the_path(server) -> None:
    """Allow names all the methods served at the path (RFC 9110), as the document lists
    them, not only those of the first route that matched."""
    paths = json.loads(KEPT.read_text(encoding="utf-8"))["paths"]
    for path, operations in paths.items():
        served = {method.upper() for method in operations}
        url = f"{server.base_url}{path.replace('{contest_id}', '1')}"
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - served:
            answer = requests.request(method, url, timeout=10)
            assert answer.status_code == 405, (method, path)
            assert set(answer.headers["Allow"].split(", ")) == served, (method, path)
    assert requests.put(f"{server.base_url}/api/v1/contests",
                        timeout=10).headers["Allow"] == "GET, POST"
    # A route outside the document (FastAPI's own) answers HEAD as well.
    answer = requests.post(f"{server.base_url}/api/v1/openapi.json", timeout=10)
    assert (answer.status_code, answer.headers["Allow"]) == (405, "GET, HEAD")


# --- what the document says against what the server refuses ----------------------------


def takes(schema: dict[str, Any], value: Any) -> bool:
    """Whether `value` is valid under `schema`, a part of the kept document (its $refs
    resolved in the document)."""
    document = kept()
    return Draft202012Validator({**schema, "components": document["components"]}).is_valid(
        value)


def parameter(path: str, method: str, name: str) -> dict[str, Any]:
    [found] = [p for p in kept()["paths"][path][method]["parameters"] if p["name"] == name]
    return found


def body_schema(path: str, method: str) -> dict[str, Any]:
    return kept()["paths"][path][method]["requestBody"]["content"]["application/json"][
        "schema"]


@dataclass(frozen=True)
class Refused:
    """A value the server refuses, in a header, the query or the JSON body."""

    method: str
    path: str
    where: str  # "header", "query" or "body"
    change: dict[str, Any]  # the parameter and its value, or changes to a valid body
    status: int = 422


@dataclass
class World:
    """Who may use each route, signed in, and a valid body for each route that takes one."""

    rep: Any
    users: dict[str, Any]  # by path
    bodies: dict[str, Callable[[dict[str, Any]], dict[str, Any]]]


REFUSED = [
    # The protocol header is a whole number: int() would also take "+2" and "1_0".
    Refused("get", "/api/v1/auth/me", "header", {PROTOCOL_HEADER: "two"}, 400),
    Refused("get", "/api/v1/auth/me", "header", {PROTOCOL_HEADER: "+2"}, 400),
    Refused("get", "/api/v1/auth/me", "header", {PROTOCOL_HEADER: "1_0"}, 400),
    Refused("get", "/api/v1/auth/me", "header", {PROTOCOL_HEADER: "2.0"}, 400),
    # NUL is refused in all free text (PostgreSQL cannot store it).
    Refused("post", "/api/v1/auth/sign-in", "body", {"password": "correct\x00horse"}),
    Refused("post", "/api/v1/auth/sign-in", "body", {"username": "anna\x00"}),
    Refused("post", "/api/v1/sync/push", "body", {"competitor": "Acme\x00"}),
    Refused("post", "/api/v1/sync/push", "body", {"quote": "we\x00said", "share_quote": True}),
    Refused("post", "/api/v1/sync/push", "body", {"segment": {"region": "\x00"}}),
    Refused("post", "/api/v1/sync/push", "body", {"reasons": [{"code": "price\x00"}]}),
    Refused("post", "/api/v1/contests", "body", {"name": "Nov\x00ember"}),
    Refused("post", "/api/v1/taxonomy/changes", "body", {"label": "Too\x00dear"}),
    # JSON's own types: no quoted numbers, no fractions.
    Refused("post", "/api/v1/sync/push", "body", {"revision": 1958.5}),
    Refused("post", "/api/v1/sync/push", "body", {"revision": "7"}),
    # Contest rules: the rules there are, as whole numbers from 0 to 10,000.
    Refused("post", "/api/v1/contests", "body", {"rules": {"jackpot": 5}}),
    Refused("post", "/api/v1/contests", "body", {"rules": {"cap": 10_001}}),
    Refused("post", "/api/v1/contests", "body", {"rules": {"base": -1}}),
    # Periods as months, YYYY-MM text, never numbers.
    Refused("get", "/api/v1/insights/reasons", "query", {"from": "1790000000"}),
]


@pytest.fixture
def world(people: People, new_debrief) -> World:
    rep, manager, marketing = people("rep"), people("manager"), people("marketing")
    [team] = manager.api.get("/api/v1/auth/me").json()["manages"]
    users = {"/api/v1/contests": manager, "/api/v1/insights/reasons": marketing,
             "/api/v1/taxonomy/changes": marketing}
    return World(rep, users, {
        "/api/v1/auth/sign-in": lambda c: {"username": rep.username, "password": PASSWORD,
                                           **c},
        "/api/v1/sync/push": lambda c: {"debriefs": [new_debrief(**c)]},
        "/api/v1/contests": lambda c: {"team": team, "name": "November push",
                                       "prize": "A weekend in Lisbon", **PERIOD, **c},
        "/api/v1/taxonomy/changes": lambda c: {"based_on": "2026.1", "change": {
            "kind": "rename", "key": "price.too_high", "label": "Too dear", **c}},
    })


@pytest.mark.parametrize("refused", REFUSED, ids=lambda r: f"{r.path} {r.change}")
def test_the_document_refuses_what_the_server_refuses(world: World, refused: Refused):
    api = world.users.get(refused.path, world.rep).api
    if refused.where == "body":
        make = world.bodies[refused.path]
        schema = body_schema(refused.path, refused.method)
        assert takes(schema, make({})), "the valid body is refused by the document"
        assert not takes(schema, make(refused.change)), "the document takes it"
        answer = api.request(refused.method, refused.path, json=make(refused.change))
    else:
        [(name, value)] = refused.change.items()
        assert not takes(parameter(refused.path, refused.method, name)["schema"], value), (
            "the document takes it")
        options = {"headers": refused.change} if refused.where == "header" else {
            "params": {"by": "stage", **refused.change}}
        answer = api.request(refused.method, refused.path, **options)
    assert answer.status_code == refused.status, answer.text
    loc = answer.json()["detail"][0]["loc"]
    assert loc[0] == refused.where, loc


def test_a_whole_number_with_a_point_is_a_whole_number_to_both(world: World, new_debrief):
    """JSON has one kind of number: the document's "integer" takes 1958.0, so the server
    does too, as 1958."""
    debrief = new_debrief(revision=1958.0)
    assert takes(body_schema("/api/v1/sync/push", "post"), {"debriefs": [debrief]})
    answer = world.rep.api.push(debrief)
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"][0] == {"id": debrief["id"], "revision": 1958,
                                           "status": "accepted", "problems": []}
    [pulled] = world.rep.api.get("/api/v1/sync/debriefs").json()["items"]
    assert pulled["revision"] == 1958


def test_cursor_and_since_are_documented_as_one_or_the_other(world: World, new_debrief):
    """No schema can tie two query parameters together: each one's description says it
    goes without the other, and the server refuses the two together."""
    path = "/api/v1/sync/debriefs"
    assert "Never with `since`" in parameter(path, "get", "cursor")["description"]
    assert "Never with `cursor`" in parameter(path, "get", "since")["description"]
    debrief = new_debrief()
    world.rep.api.push(debrief)
    both = world.rep.api.get(path, params={"cursor": debrief["id"], "since": "0"})
    assert both.status_code == 422
    assert both.json()["detail"][0]["loc"] in (["query", "since"], ["query", "cursor"])
    for alone in ({"cursor": debrief["id"]}, {"since": "0"}):
        assert world.rep.api.get(path, params=alone).status_code == 200
