"""Fixtures every test folder shares: one central store per database for the whole run.

`central_sqlite` and `central_postgres` are each one `debrief-server serve` on a free
port of 127.0.0.1, over a migrated database, started the first time a test asks for it
and stopped at the end of the run. The server, sync and window tests all use them (under
the names their folders give them) and keep apart by their own reps and teams, never by
a database of their own. A test that must own its server (it stops or restarts it, gives
it other settings, or needs a fresh or unmigrated database) starts one itself and says
why.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers.server_harness import PostgresCluster, ServerProcess, running_server
from helpers.server_world import migrated


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """Started once per run; if PostgreSQL cannot start, the tests fail (never skip)."""
    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def central_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The run's central store on SQLite."""
    folder = tmp_path_factory.mktemp("central-sqlite")
    with running_server(migrated(f"sqlite:///{folder / 'central.sqlite'}"), folder) as server:
        yield server


@pytest.fixture(scope="session")
def central_postgres(postgres_cluster: PostgresCluster,
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The run's central store on PostgreSQL (a database of the run's cluster)."""
    folder = tmp_path_factory.mktemp("central-postgres")
    with running_server(migrated(postgres_cluster.create_database("central")),
                        folder) as server:
        yield server
