"""The central store keeps to UTC whatever time zone its PostgreSQL is set to: dates near
year 1 or 9999 would otherwise move out of the years Python can read (year 1 in UTC is
year 0 in Los Angeles; 9999-12-31 late in UTC is year 10000 in Tokyo).

(Every server test runs on a cluster set to America/Los_Angeles; these run on databases
of their own in a zone ahead of UTC and one behind it.)"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from helpers.server_harness import PostgresCluster, ServerProcess
from helpers.server_world import People, debrief_maker, migrated

from sync.protocol import FEED_START
from sync.server.database import make_engine
from sync.server.tables import contests, debriefs

ZONES = ("Asia/Tokyo", "America/Los_Angeles")
YEAR_1, YEAR_9999 = "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"


@dataclass
class ZonedStore:
    url: str
    server: ServerProcess
    engine: sa.Engine
    zone: str


@pytest.fixture(scope="module", params=ZONES)
def zoned(request: pytest.FixtureRequest, postgres_cluster: PostgresCluster,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[ZonedStore]:
    """A migrated database whose sessions start in the zone, and a server on it: its own,
    not the run's shared one, since the zone is a setting of the database."""
    zone = request.param
    url = migrated(postgres_cluster.create_database("zoned", timezone=zone))
    server = ServerProcess(url, tmp_path_factory.mktemp("zoned")).start()
    engine = make_engine(url)
    yield ZonedStore(url, server, engine, zone)
    engine.dispose()
    server.stop()


@pytest.fixture
def people(zoned: ZonedStore, request: pytest.FixtureRequest) -> People:
    return People(zoned.server, zoned.engine, tag=f"{abs(hash(request.node.nodeid)) % 10**6}")


def session_zone(connection: sa.Connection) -> str:
    return connection.exec_driver_sql("SHOW TimeZone").scalar_one()


def test_the_database_starts_its_sessions_in_its_own_zone(zoned: ZonedStore):
    """What the tests below rely on: a plain session is not in UTC."""
    plain = sa.create_engine(zoned.url)
    try:
        with plain.connect() as connection:
            assert session_zone(connection) == zoned.zone
    finally:
        plain.dispose()


def test_every_session_of_the_store_is_in_utc(zoned: ZonedStore):
    engine = make_engine(zoned.url)
    try:
        for _ in range(3):  # a pooled connection again, after its rollback
            with engine.connect() as connection:
                assert session_zone(connection) == "UTC"
                connection.rollback()
        assert engine.pool.checkedin() == 1
    finally:
        engine.dispose()


def test_a_deletion_dated_near_year_1_or_9999_never_breaks_the_feed(zoned: ZonedStore,
                                                                    people: People):
    rep = people("rep")
    make = debrief_maker()
    far = [make(created_at=moment, updated_at=moment, deleted=True)
           for moment in (YEAR_1, YEAR_9999)]
    answer = rep.api.push(*far)
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 2
    feed = rep.api.get("/api/v1/sync/debriefs", params={"since": FEED_START})
    assert feed.status_code == 200, feed.text
    pulled = {item["id"]: item for item in feed.json()["items"]}
    assert sorted(pulled) == sorted(item["id"] for item in far)
    assert all(pulled[item["id"]]["deleted"] for item in far)
    assert rep.api.get("/api/v1/sync/debriefs").status_code == 200
    # What is stored reads back in the database's own zone too (a report, a BI tool).
    plain = sa.create_engine(zoned.url)
    try:
        with plain.connect() as connection:
            assert session_zone(connection) == zoned.zone
            rows = connection.execute(sa.select(debriefs.c.created_at, debriefs.c.updated_at)
                                      .where(debriefs.c.id.in_(list(pulled)))).all()
    finally:
        plain.dispose()
    assert len(rows) == 2


def test_a_tombstone_keeps_its_place_against_the_debrief_it_deletes(zoned: ZonedStore,
                                                                   people: People):
    """Dated year 1 at the same revision it is older than the debrief, and stays so;
    dated 9999 it is newer, and deletes it."""
    rep = people("rep")
    make = debrief_maker()
    kept, gone = make(), make()
    assert rep.api.push(kept, gone).json()["accepted"] == 2
    answer = rep.api.push({**kept, "deleted": True, "updated_at": YEAR_1},
                          {**gone, "deleted": True, "updated_at": YEAR_9999})
    assert [r["status"] for r in answer.json()["results"]] == ["duplicate", "accepted"]
    items = rep.api.get("/api/v1/sync/debriefs").json()["items"]
    assert {item["id"]: item["deleted"] for item in items} == {kept["id"]: False,
                                                               gone["id"]: True}


@pytest.mark.parametrize(("period", "field"), [
    ((YEAR_1, "0001-01-02T00:00:00Z"), "starts_at"),
    (("1999-12-01T00:00:00Z", "2000-01-02T00:00:00Z"), "starts_at"),
    (("9999-12-30T00:00:00Z", YEAR_9999), "ends_at"),
    (("2090-01-01T00:00:00Z", "2090-02-01T00:00:00Z"), "ends_at"),
])
def test_a_contest_outside_the_years_of_debriefs_is_refused_naming_the_field(
        zoned: ZonedStore, people: People, period: tuple[str, str], field: str):
    manager = people("manager")
    [team] = manager.api.get("/api/v1/auth/me").json()["manages"]
    answer = manager.api.post("/api/v1/contests", json={
        "team": team, "name": "Long ago", "prize": "A sundial",
        "starts_at": period[0], "ends_at": period[1]})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", field]
    assert manager.api.get("/api/v1/contests").json()["items"] == []
    with zoned.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(contests).where(
            contests.c.name == "Long ago")).scalar() == 0
