"""Fixtures for the sync tests: the run's real central store on SQLite (tests/conftest.py),
reps made in its database, and machines with their own local store under tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from helpers.server_harness import ServerProcess
from helpers.sync_world import Machine, new_rep

from sync.domain.team_lists import TeamLists
from sync.resources import default_contest_rules, default_segments, default_taxonomy
from sync.server.database import make_engine


@pytest.fixture(scope="session")
def server(central_sqlite: ServerProcess) -> ServerProcess:
    """The run's central store on SQLite; tests keep apart by their reps."""
    return central_sqlite


@pytest.fixture(scope="session")
def server_db(server: ServerProcess) -> Iterator[sa.Engine]:
    """The test's own connection to the central store's database."""
    engine = make_engine(server.db_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def rules() -> TeamLists:
    return TeamLists(default_taxonomy(), default_segments(), default_contest_rules())


@pytest.fixture
def rep(server_db: sa.Engine) -> str:
    return new_rep(server_db)


@pytest.fixture
def machine(tmp_path: Path, server: ServerProcess,
            rules: TeamLists) -> Iterator[Callable[..., Machine]]:
    """`machine(name, **options)`: a laptop with its own store, not yet signed in."""
    made: list[Machine] = []

    def make(name: str = "laptop", **options: Any) -> Machine:
        options.setdefault("base_url", server.base_url)
        options.setdefault("rules", rules)
        folder = tmp_path / name
        folder.mkdir()
        one = Machine(folder, **options)
        made.append(one)
        return one

    yield make
    for one in made:
        one.close()
