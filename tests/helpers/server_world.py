"""The people and debriefs central-store tests work with: users of each role made in the
server's database and signed in over HTTP, and valid debriefs as the app pushes them.

(A module of its own, not conftest.py: test modules in several folders import from it.)"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from sync.domain.clock import SteppingClock
from sync.domain.debrief import Debrief, Evidence, Outcome, Reason, Segment, Stage
from sync.domain.ids import DebriefIdFactory
from sync.domain.wire import to_wire
from sync.server import accounts
from sync.server.database import make_engine
from sync.server.passwords import Passwords
from sync.server.tables import contests

from .server_harness import Api, ServerProcess, run_cli, running_server

PASSWORD = "correct horse battery"


def new_database(backend: str, request: pytest.FixtureRequest, folder: Path) -> str:
    """An empty database of `backend`, as a URL."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'central.sqlite'}"
    return request.getfixturevalue("postgres_cluster").create_database("central")


@contextlib.contextmanager
def store_of_its_own(folder: Path, tag: str, database: str | None = None
                     ) -> Iterator[tuple[ServerProcess, People]]:
    """A migrated central store with a server on it, for tests whose changes are the
    whole store's (its reason list, say): the empty `database` (a URL, `new_database`),
    or SQLite in `folder`."""
    url = migrated(database or f"sqlite:///{folder / 'central.sqlite'}")
    engine = make_engine(url)
    try:
        with running_server(url, folder) as server:
            yield server, People(server, engine, tag=tag)
    finally:
        engine.dispose()


def migrated(url: str) -> str:
    result = run_cli("migrate", "--db", url)
    assert result.returncode == 0, result.stderr
    return url


_names = itertools.count(1)
FAST_PASSWORDS = Passwords.with_hasher(PasswordHasher(time_cost=1, memory_cost=8,
                                                      parallelism=1))


@dataclass
class Person:
    username: str
    role: str
    team: str | None
    api: Api


@dataclass
class People:
    """Makes teams and users in the server's database, signed in over HTTP."""

    server: ServerProcess
    engine: sa.Engine
    tag: str

    def team(self) -> str:
        name = f"team-{self.tag}-{next(_names)}"
        with self.engine.begin() as connection:
            accounts.add_team(connection, name, datetime.now(UTC))
        return name

    def add(self, role: str, *, team: str | None = None, manages: tuple[str, ...] = (),
            password: str = PASSWORD) -> str:
        username = f"{role}-{self.tag}-{next(_names)}"
        if role == "rep" and team is None:
            team = self.team()
        if role == "manager" and not manages:
            manages = (self.team(),)
        with self.engine.begin() as connection:
            accounts.add_user(connection, username=username, password=password, role=role,
                              now=datetime.now(UTC), passwords=FAST_PASSWORDS, team=team,
                              manages=manages)
        return username

    def sign_in(self, username: str, password: str = PASSWORD) -> Api:
        answer = Api(self.server.base_url).post(
            "/api/v1/auth/sign-in", json={"username": username, "password": password})
        assert answer.status_code == 200, answer.text
        return Api(self.server.base_url, answer.json()["token"])

    def __call__(self, role: str, **kwargs: Any) -> Person:
        username = self.add(role, **kwargs)
        with self.engine.connect() as connection:
            user = accounts.find_user(connection, username)
            assert user is not None
            team = accounts.team_names(connection, [user.team_id] if user.team_id else [])
        return Person(username, role, team[0] if team else None, self.sign_in(username))


def running_period() -> dict[str, str]:
    """A contest period holding the debriefs `debrief_maker` makes (from 2 November
    2026) and still running on the server's clock: what reaches the store after a
    contest's end earns nothing in it."""
    ends = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    return {"starts_at": "2026-11-01T00:00:00Z", "ends_at": ends.isoformat()}


def debrief_maker() -> Callable[..., dict[str, Any]]:
    """Makes wire dicts of valid debriefs (lost at evaluation, a primary loss reason)."""
    clock = SteppingClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    ids = DebriefIdFactory(clock)

    def make(**overrides: Any) -> dict[str, Any]:
        now = clock.now()
        debrief = Debrief(
            id=ids.new_id(), rep="ignored", outcome=Outcome.LOST, stage=Stage.EVALUATION,
            segment=Segment("software", "200-999", "dach"),
            reasons=(Reason("price.too_high", "price.too_high.over_budget",
                            Evidence.CUSTOMER_SAID, primary=True),
                     Reason("competitor.cheaper")),
            competitor="Acme", revision=1, created_at=now, updated_at=now)
        wire = to_wire(debrief)
        wire.update(overrides)
        return wire

    return make


def create(api: Api, team: str, **changes: Any) -> Any:
    """POST a running contest for `team` (a December draw), as its manager would."""
    body = {"team": team, "name": "December draw", "prize": "Headphones",
            **running_period(), **changes}
    return api.post("/api/v1/contests", json=body)


def end_now(engine: sa.Engine, contest_id: int) -> None:
    """The contest's end moved to a moment ago, as time passing would."""
    with engine.begin() as connection:
        connection.execute(contests.update().where(contests.c.id == contest_id).values(
            ends_at=datetime.now(UTC) - timedelta(milliseconds=1)))


def entries_of(api: Api, contest_id: int) -> dict[str, int]:
    board = api.get(f"/api/v1/contests/{contest_id}/leaderboard").json()
    return {row["username"]: row["entries"] for row in board["top"]}
