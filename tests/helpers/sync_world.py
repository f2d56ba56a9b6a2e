"""What the sync tests work with: reps made in a real central store's database, and
"machines" (a laptop's local store in a folder, its replica, a client and an engine).

(A module of its own, not conftest.py: test modules in several folders import from it.)
"""

from __future__ import annotations

import itertools
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa

from desktop.store.database import connect, prepare
from desktop.store.debriefs import DebriefStore
from desktop.store.sync_replica import SyncReplica
from sync.client.backoff import Backoff
from sync.client.central_store import CentralStore, SignedIn, Timeouts
from sync.client.engine import SyncEngine, SyncReport
from sync.domain.clock import SteppingClock
from sync.domain.debrief import Debrief, Evidence, Outcome, Reason, Segment, Stage
from sync.domain.team_lists import TeamLists
from sync.server import accounts
from sync.server.tables import debriefs as server_debriefs

# The server tests' harness starts `debrief-server serve` on a free loopback port.
from .server_harness import ServerProcess, free_port
from .server_world import FAST_PASSWORDS, PASSWORD, migrated

__all__ = ["PASSWORD", "ServerProcess", "free_port", "migrated"]

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
QUICK = Timeouts(connect=2.0, read=10.0)
_names = itertools.count(1)


def new_rep(engine: sa.Engine) -> str:
    """A rep with a team of their own, made in the central store's database."""
    number = next(_names)
    username, team = f"rep-sync-{number}", f"team-sync-{number}"
    now = datetime.now(UTC)
    with engine.begin() as connection:
        accounts.add_team(connection, team, now)
        accounts.add_user(connection, username=username, password=PASSWORD, role="rep",
                          now=now, passwords=FAST_PASSWORDS, team=team)
    return username


def new_account(engine: sa.Engine, role: str) -> str:
    """An account with `role` (marketing, admin, ...) made in the central store's database;
    a rep or manager gets a team of their own."""
    if role == "rep":
        return new_rep(engine)
    number = next(_names)
    username, team = f"{role}-sync-{number}", f"team-{role}-{number}"
    now = datetime.now(UTC)
    with engine.begin() as connection:
        if role == "manager":
            accounts.add_team(connection, team, now)
        accounts.add_user(connection, username=username, password=PASSWORD, role=role,
                          now=now, passwords=FAST_PASSWORDS,
                          manages=[team] if role == "manager" else ())
    return username


class RecordingSession(requests.Session):
    """A requests session that notes what it sent: (method, path) of each request, in
    `sent`, which several sessions may share."""

    def __init__(self, sent: list[tuple[str, str]] | None = None):
        super().__init__()
        self.sent = [] if sent is None else sent

    def request(self, method: str | bytes, url: str | bytes, *args: Any,
                **kwargs: Any) -> requests.Response:
        self.sent.append((str(method), urlsplit(str(url)).path))
        return super().request(method, url, *args, **kwargs)


def server_rows(engine: sa.Engine, ids: list[str] | None = None) -> dict[str, Any]:
    """The central store's debriefs (by id), read from its database."""
    query = sa.select(server_debriefs)
    if ids is not None:
        query = query.where(server_debriefs.c.id.in_(ids))
    with engine.connect() as connection:
        return {row.id: row for row in connection.execute(query)}


@dataclass
class Machine:
    """One laptop of a rep: its own data folder, store, replica, client and engine."""

    folder: Path
    base_url: str
    rules: TeamLists
    rep: str = "ann"
    clock: SteppingClock = field(default_factory=lambda: SteppingClock(start=T0))
    session: requests.Session | None = None
    timeouts: Timeouts = QUICK
    batch_size: int = 250
    page_size: int = 500

    def __post_init__(self) -> None:
        path = self.folder / "debrief.sqlite"
        prepare(path, self.clock)
        self.conn = connect(path)
        self.store = DebriefStore(self.conn, path, self.clock, self.rules)
        self.replica = SyncReplica(self.store)
        self.central = CentralStore(self.base_url, timeouts=self.timeouts,
                                    session=self.session, clock=self.clock)
        self.engine = self.make_engine()

    def make_engine(self, **overrides: Any) -> SyncEngine:
        options: dict[str, Any] = {
            "rep": self.rep, "clock": self.clock, "batch_size": self.batch_size,
            "page_size": self.page_size, "pull_interval": timedelta(0),
            "backoff": Backoff(base=1.0, cap=30.0, random=lambda: 0.5)}
        return SyncEngine(self.central, self.replica, **(options | overrides))

    def sign_in(self, username: str, password: str = PASSWORD) -> SignedIn:
        return self.central.sign_in(username, password)

    def save(self, **overrides: Any) -> Debrief:
        return self.store.save(sample_debrief(self.store, self.rep, **overrides))

    def edit(self, debrief_id: str, **changes: Any) -> Debrief:
        current = self.store.get(debrief_id)
        assert current is not None
        return self.store.save(current.with_changes(**changes))

    def sync(self, **kwargs: Any) -> SyncReport:
        return self.engine.run_once(**kwargs)

    def all_debriefs(self) -> dict[str, Debrief]:
        ids = [row[0] for row in self.conn.execute("SELECT id FROM debrief")]
        return {i: self.store.get(i, include_deleted=True) for i in ids}

    def close(self) -> None:
        self.central.close()
        with closing(self.conn):
            pass


def sample_debrief(store: DebriefStore, rep: str, **overrides: Any) -> Debrief:
    fields: dict[str, Any] = {
        "id": store.ids.new_id(), "rep": rep, "outcome": Outcome.LOST,
        "stage": Stage.EVALUATION, "segment": Segment("software", "200-999", "dach"),
        "reasons": (Reason("price.too_high", "price.too_high.over_budget",
                           Evidence.CUSTOMER_SAID, primary=True),
                    Reason("competitor.cheaper")),
        "competitor": "Acme"}
    return Debrief(**(fields | overrides))
