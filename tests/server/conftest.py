"""Fixtures for central-store tests: every test using `server` runs twice, once on SQLite
and once on a real PostgreSQL, against a real `debrief-server serve` process (the run's
shared central stores, tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from helpers.server_harness import ServerProcess
from helpers.server_world import People, debrief_maker, new_database

from sync.server.database import make_engine

BACKENDS = ("sqlite", "postgresql")
SHARED_SERVER = {"sqlite": "central_sqlite", "postgresql": "central_postgres"}


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def server(backend: str, request: pytest.FixtureRequest) -> ServerProcess:
    """The run's central store on this backend (tests/conftest.py); tests keep apart by
    their own users."""
    return request.getfixturevalue(SHARED_SERVER[backend])


@pytest.fixture(scope="session")
def engine(server: ServerProcess) -> Iterator[sa.Engine]:
    """The test's own connection to the server's database (to set up and to inspect)."""
    made = make_engine(server.db_url)
    yield made
    made.dispose()


@pytest.fixture
def fresh_database(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty database of this test's backend (not migrated)."""
    return new_database(backend, request, tmp_path)


@pytest.fixture
def people(server: ServerProcess, engine: sa.Engine, request: pytest.FixtureRequest) -> People:
    return People(server, engine, tag=f"{abs(hash(request.node.nodeid)) % 10**6}")


@pytest.fixture
def new_debrief() -> Callable[..., dict[str, Any]]:
    return debrief_maker()
