"""Whole-system fixtures: a real X display, a real central store behind a proxy that can
play "offline", and the app in a child process as a rep starts it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers.fault_proxy import Fault, FaultProxy
from helpers.rep_day import PASSWORD
from helpers.server_harness import ServerProcess, run_cli
from helpers.x_session import XSession


@pytest.fixture
def x_session(tmp_path: Path) -> Iterator[XSession]:
    session = XSession(tmp_path / "x").start()
    yield session
    session.stop()


class Network:
    """The rep's network: on, or gone (every request dropped before the server)."""

    def __init__(self, proxy: FaultProxy):
        self.proxy = proxy
        self.up = True
        proxy.schedule = self._schedule

    def _schedule(self, seen) -> Fault:
        return Fault.PASS if self.up else Fault.DROP_BEFORE

    def __call__(self, up: bool) -> None:
        self.up = up


@pytest.fixture
def central(tmp_path: Path) -> Iterator[tuple[ServerProcess, str]]:
    """A central store on SQLite with one rep, and that rep's username.

    Its own, not the run's shared `central_sqlite`: the rep is made as an admin makes
    one (`debrief-server team add`, `user add`), under a fixed name with the day's
    password (helpers.rep_day.PASSWORD), a name a shared store would have taken the
    second time a test asked for it."""
    folder = tmp_path / "central"
    url = f"sqlite:///{folder / 'central.sqlite'}"
    folder.mkdir()
    for args, stdin in ((("migrate",), None), (("team", "add", "Field"), None),
                        (("user", "add", "rep.day", "--role", "rep", "--team", "Field",
                          "--password-stdin"), PASSWORD + "\n")):
        result = run_cli(*args, "--db", url, stdin=stdin)
        assert result.returncode == 0, result.stderr
    server = ServerProcess(url, folder).start()
    yield server, "rep.day"
    server.stop()


@pytest.fixture
def network(central) -> Iterator[tuple[Network, str]]:
    """The proxy in front of the central store, and the address the app is given."""
    server, _ = central
    with FaultProxy(server.base_url) as proxy:
        yield Network(proxy), proxy.base_url


def now() -> datetime:
    return datetime.now(UTC)
