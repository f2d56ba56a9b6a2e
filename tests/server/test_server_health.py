"""Liveness, readiness and the protocol header, on SQLite and PostgreSQL."""

from __future__ import annotations

import requests
import sqlalchemy as sa
from helpers.server_harness import Api, ServerProcess, running_server
from helpers.server_world import migrated

from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION


def test_healthz_and_readyz_answer_ok(server: ServerProcess) -> None:
    assert requests.get(f"{server.base_url}/healthz", timeout=10).json() == {"status": "ok"}
    ready = requests.get(f"{server.base_url}/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_every_answer_carries_the_servers_protocol(server: ServerProcess) -> None:
    for path in ("/healthz", "/api/v1/auth/me", "/no/such/route"):
        answer = requests.get(f"{server.base_url}{path}", timeout=10)
        assert answer.headers[PROTOCOL_HEADER] == str(PROTOCOL_VERSION), path


def test_a_client_too_old_gets_426_naming_the_header(server: ServerProcess) -> None:
    answer = Api(server.base_url).get("/api/v1/auth/me", headers={PROTOCOL_HEADER: "0"})
    assert answer.status_code == 426
    error = answer.json()["detail"][0]
    assert error["loc"] == ["header", PROTOCOL_HEADER]
    assert "update the app" in error["msg"]


def test_a_protocol_that_is_not_a_number_is_a_400(server: ServerProcess) -> None:
    answer = Api(server.base_url).get("/api/v1/auth/me", headers={PROTOCOL_HEADER: "one"})
    assert answer.status_code == 400
    assert answer.json()["detail"][0]["loc"] == ["header", PROTOCOL_HEADER]


def test_readyz_says_not_ready_when_the_schema_falls_behind(fresh_database: str,
                                                           tmp_path) -> None:
    url = migrated(fresh_database)
    with running_server(url, tmp_path) as server:
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = 'f00d'"))
        engine.dispose()
        answer = requests.get(f"{server.base_url}/readyz", timeout=10)
        assert answer.status_code == 503
        assert "newer debrief-server" in answer.json()["reason"]
        assert requests.get(f"{server.base_url}/healthz", timeout=10).status_code == 200
