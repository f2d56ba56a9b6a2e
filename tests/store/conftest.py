"""Shared fixtures for the local store tests: a fresh database per test, and valid debriefs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import store_samples
from helpers.store_samples import T0

from desktop.store.database import connect, prepare
from desktop.store.debriefs import DebriefStore
from sync.domain.clock import Clock, SteppingClock
from sync.domain.debrief import Debrief
from sync.domain.team_lists import TeamLists
from sync.resources import default_contest_rules, default_segments, default_taxonomy


@pytest.fixture(scope="session")
def rules() -> TeamLists:
    """The shipped taxonomy, segment lists and contest rules (immutable, so shared)."""
    return TeamLists(default_taxonomy(), default_segments(), default_contest_rules())


@pytest.fixture
def clock() -> SteppingClock:
    """Starts at T0 and moves one second per reading."""
    return SteppingClock(start=T0)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "debrief.sqlite"


@pytest.fixture
def open_store(rules: TeamLists) -> Iterator[Callable[[Path, Clock], DebriefStore]]:
    """Prepare a database at a path and open a store on it; closed after the test."""
    opened: list[DebriefStore] = []

    def open_(path: Path, clock: Clock) -> DebriefStore:
        prepare(path, clock)
        store = DebriefStore(connect(path), path, clock, rules)
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.conn.close()


@pytest.fixture
def store(open_store, db_path: Path, clock: SteppingClock) -> DebriefStore:
    return open_store(db_path, clock)


@pytest.fixture
def make_debrief() -> Callable[..., Debrief]:
    """`make_debrief(store, **overrides)`: a valid, unsaved debrief with a fresh id."""
    return store_samples.make_debrief


@pytest.fixture
def counts(db_path: Path) -> Callable[[], dict[str, int]]:
    """Committed rows per table of the test's database."""
    return lambda: store_samples.table_counts(db_path)
