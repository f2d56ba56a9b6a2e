"""A debrief pushed to the central store comes back from it as it left the app: through
the push schema, the exactly-once upsert, the change feed and the pull schema, on SQLite
and on PostgreSQL."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from helpers.domain_strategies import aware_datetimes, left_the_machine, saveable_debriefs
from helpers.server_world import FAST_PASSWORDS, migrated
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.domain.clock import SteppingClock
from sync.domain.debrief import Debrief
from sync.domain.ids import DebriefIdFactory
from sync.domain.team_lists import ListDocuments
from sync.domain.wire import from_wire, to_wire
from sync.server import accounts, ingest
from sync.server.accounts import User
from sync.server.api.schemas import DebriefIn, DebriefOut
from sync.server.database import make_engine

CONFIG = ListDocuments.shipped()
NOW = datetime(2101, 1, 2, tzinfo=UTC)  # after every date drawn, so none is in the future
TEAM = "round-trip"

# A debrief as the app pushes it: saved (revision 1 or more) and dated.
pushed_debriefs = st.builds(
    Debrief.with_changes, saveable_debriefs(), revision=st.integers(1, 2**31 - 1),
    created_at=aware_datetimes(), updated_at=aware_datetimes())


@pytest.fixture
def store(fresh_database: str) -> Iterator[sa.Engine]:
    engine = make_engine(migrated(fresh_database))
    with engine.begin() as connection:
        accounts.add_team(connection, TEAM, NOW)
    yield engine
    engine.dispose()


_reps = itertools.count(1)


def new_rep(store: sa.Engine) -> User:
    with store.begin() as connection:
        return accounts.add_user(connection, username=f"rep{next(_reps)}", password="x" * 12,
                                 role="rep", team=TEAM, now=NOW, passwords=FAST_PASSWORDS)


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=pushed_debriefs)
def test_a_pushed_debrief_comes_back_as_it_left_the_machine(store, drawn: Debrief):
    # Each example is a rep of their own with a new debrief, so the feed holds just it.
    rep, ids = new_rep(store), DebriefIdFactory(SteppingClock(NOW))
    debrief = drawn.with_changes(id=ids.new_id())
    pushed = DebriefIn.model_validate_json(json.dumps(to_wire(debrief)))
    with store.begin() as connection:
        (result,) = ingest.push(connection, rep, [pushed.model_dump(mode="json")],
                                CONFIG.lists, NOW)
    assert result.status is ingest.Status.ACCEPTED, result.problems
    with store.connect() as connection:
        page = ingest.changes(connection, rep, ingest.FeedPosition(0), limit=10)
    (pulled,) = page.items
    back = from_wire(DebriefOut.model_validate(pulled).model_dump(mode="json"), debrief.rep)
    assert back == left_the_machine(debrief)
