"""`debrief-server demo-data`: a realistic demo company in a new store, made through the
same rules as real data, the same for the same seed, and never twice. On SQLite and
PostgreSQL; the company is made once per backend and only read afterwards.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from helpers.server_harness import Api, run_cli, running_server
from helpers.server_world import FAST_PASSWORDS, migrated, new_database

from sync.domain.debrief import Debrief
from sync.domain.ids import id_timestamp_ms, is_uuid7
from sync.domain.validation import validate
from sync.resources import default_segments, default_taxonomy
from sync.server import demo
from sync.server.database import make_engine, migrate
from sync.server.demo_debriefs import RIVALS_BY_TIER, DemoRep, demo_debriefs
from sync.server.stored import stored_debriefs
from sync.server.tables import contests, debrief_reasons, debriefs, teams, users

EXIT_REFUSED = 2
SEED = "7"
SMB_SIZES = ("1-49", "50-199")
ENTERPRISE_SIZES = ("1000-4999", "5000-19999", "20000+")
EARLY_STAGES = ("awareness", "consideration", "interest")
EPOCH, ONE_MS = datetime(1970, 1, 1, tzinfo=UTC), timedelta(milliseconds=1)


@dataclass
class DemoStore:
    url: str
    folder: Path
    stdout: str
    before: datetime  # just before demo-data ran
    after: datetime  # just after
    seconds: float


@pytest.fixture(scope="module")
def demo_store(backend: str, request: pytest.FixtureRequest,
               tmp_path_factory: pytest.TempPathFactory) -> DemoStore:
    """A database of its own filled by `demo-data` (the tests count everything in it),
    not the run's shared central store; the tests that need a server start one on it."""
    folder = tmp_path_factory.mktemp(f"demo-{backend}")
    url = migrated(new_database(backend, request, folder))
    before, started = datetime.now(UTC), time.perf_counter()
    result = run_cli("demo-data", "--db", url, "--seed", SEED)
    seconds, after = time.perf_counter() - started, datetime.now(UTC)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return DemoStore(url, folder, result.stdout, before, after, seconds)


@pytest.fixture(scope="module")
def demo_engine(demo_store: DemoStore) -> Iterator[sa.Engine]:
    engine = make_engine(demo_store.url)
    yield engine
    engine.dispose()


def count(connection: sa.Connection, table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
    return connection.execute(sa.select(sa.func.count()).select_from(table).where(
        *where)).scalar_one()


def test_demo_data_makes_three_teams_of_ten_reps_and_5000_debriefs(
        demo_store: DemoStore, demo_engine: sa.Engine, backend: str):
    with demo_engine.connect() as connection:
        team_names = connection.execute(sa.select(teams.c.name).order_by(
            teams.c.name)).scalars().all()
        roles = Counter(connection.execute(sa.select(users.c.role)).scalars())
        reps_per_team = Counter(connection.execute(sa.select(teams.c.name).join(
            users, users.c.team_id == teams.c.id).where(users.c.role == "rep")).scalars())
        hashes = connection.execute(sa.select(users.c.password_hash).distinct()).all()
        assert count(connection, debriefs) == 5_000
        assert count(connection, debrief_reasons) > 5_000
    assert team_names == ["Enterprise", "Mid-Market", "SMB"]
    assert roles == {"rep": 30, "manager": 3, "marketing": 1, "admin": 1}
    assert reps_per_team == {"Enterprise": 10, "Mid-Market": 10, "SMB": 10}
    assert len(hashes) == 1  # hashed once, shared by every demo account
    assert "5,000 debriefs" in demo_store.stdout
    assert demo.DEMO_PASSWORD in demo_store.stdout
    for username in ("rep.anna", "manager.enterprise", "marketing.maria", "admin"):
        assert username in demo_store.stdout
    if backend == "sqlite":  # the promise for a laptop; PostgreSQL takes about as long
        assert demo_store.seconds < 30


def test_every_demo_debrief_is_valid_recent_and_dated_by_its_id(demo_store: DemoStore,
                                                                demo_engine: sa.Engine):
    taxonomy, segments = default_taxonomy(), default_segments()
    with demo_engine.connect() as connection:
        stored = [debrief for _, debrief in stored_debriefs(connection, sa.true())]
    assert len(stored) == 5_000
    rivals = {name for names in RIVALS_BY_TIER.values() for name in names}
    for debrief in stored:
        assert validate(debrief, taxonomy, segments) == [], debrief
        assert debrief.created_at is not None and debrief.updated_at is not None
        assert demo_store.before - timedelta(days=365) < debrief.created_at < demo_store.after
        assert debrief.created_at <= debrief.updated_at < demo_store.after
        assert is_uuid7(debrief.id)
        assert id_timestamp_ms(debrief.id) == (debrief.created_at - EPOCH) // ONE_MS
        assert debrief.competitor is None or debrief.competitor in rivals
        assert debrief.quote is None or debrief.share_quote
    assert 0.08 < share(stored, lambda d: bool(d.quote)) < 0.25
    assert 0.02 < share(stored, lambda d: d.reasons_unknown) < 0.12
    assert 0.2 < share(stored, lambda d: any(r.detail for r in d.reasons)) < 0.6
    assert 0.6 < share(stored, lambda d: d.deal_value is not None) < 0.8
    assert 0.3 < share(stored, lambda d: len(d.reasons) > 1) < 0.6
    months = {d.created_at.strftime("%Y-%m") for d in stored if d.created_at}
    assert len(months) >= 12


def share(stored: list[Debrief], has: Callable[[Debrief], bool]) -> float:
    return sum(1 for debrief in stored if has(debrief)) / len(stored)


def primary_reasons(connection: sa.Connection,
                    *where: sa.ColumnElement[bool]) -> list[tuple[str, str, str | None]]:
    """(outcome, stage, primary code) of the debriefs matching `where`."""
    return [tuple(row) for row in connection.execute(  # type: ignore[misc]
        sa.select(debriefs.c.outcome, debriefs.c.stage, debrief_reasons.c.code)
        .join(debrief_reasons, debrief_reasons.c.debrief_id == debriefs.c.id)
        .where(debrief_reasons.c.is_primary.is_(True), *where))]


def share_of(rows: list[tuple[str, str, str | None]], codes: tuple[str, ...]) -> float:
    """Share of `rows` whose primary code starts with one of `codes`."""
    assert len(rows) > 100, "too few debriefs to compare"
    return sum(1 for *_, code in rows if code and code.startswith(codes)) / len(rows)


def test_reasons_differ_by_segment_stage_and_outcome_the_way_sales_teams_report(
        demo_engine: sa.Engine):
    lost = debriefs.c.outcome == "lost"
    with demo_engine.connect() as connection:
        smb = primary_reasons(connection, lost, debriefs.c.company_size.in_(SMB_SIZES))
        big = primary_reasons(connection, lost, debriefs.c.company_size.in_(ENTERPRISE_SIZES))
        early = primary_reasons(connection, lost, debriefs.c.stage.in_(EARLY_STAGES))
        late = primary_reasons(connection, lost, debriefs.c.stage.not_in(EARLY_STAGES))
        won = primary_reasons(connection, debriefs.c.outcome == "won")
    price = ("price.", "budget.", "competitor.cheaper")
    security = ("trust.security_review_failed", "process.legal_stalled",
                "process.procurement_blocked", "contract.unacceptable_terms",
                "implementation.", "competitor.incumbent")
    assert share_of(smb, price) > 2 * share_of(big, price)
    assert share_of(big, security) > 3 * share_of(smb, security)
    timing = ("timing.", "status_quo.do_nothing")
    assert share_of(early, timing) > 2 * share_of(late, timing)
    rivals = ("competitor.", "price.too_high")
    assert share_of(late, rivals) > 1.5 * share_of(early, rivals)
    assert share_of(won, ("product_fit.", "price.", "relationship.")) > 0.5


def test_each_team_has_a_running_contest_set_up_by_its_manager(demo_store: DemoStore,
                                                              demo_engine: sa.Engine):
    with demo_engine.connect() as connection:
        rows = connection.execute(
            sa.select(teams.c.name, users.c.username, contests.c.starts_at, contests.c.ends_at)
            .join(teams, teams.c.id == contests.c.team_id)
            .join(users, users.c.id == contests.c.created_by).order_by(teams.c.name)).all()
    assert [(row.name, row.username) for row in rows] == [
        ("Enterprise", "manager.enterprise"), ("Mid-Market", "manager.mid-market"),
        ("SMB", "manager.smb")]
    for row in rows:
        starts = row.starts_at.replace(tzinfo=row.starts_at.tzinfo or UTC)
        ends = row.ends_at.replace(tzinfo=row.ends_at.tzinfo or UTC)
        assert starts <= demo_store.before and demo_store.after < ends


def test_a_demo_rep_signs_in_and_sees_their_contest_leaderboard(demo_store: DemoStore):
    with running_server(demo_store.url, demo_store.folder / "serve") as server:
        answer = Api(server.base_url).post("/api/v1/auth/sign-in", json={
            "username": "rep.anna", "password": demo.DEMO_PASSWORD})
        assert answer.status_code == 200, answer.text
        rep = Api(server.base_url, answer.json()["token"])
        listed = rep.get("/api/v1/contests")
        assert listed.status_code == 200, listed.text
        [contest] = listed.json()["items"]
        assert contest["running"] and contest["team"] == "Enterprise"
        board = rep.get(f"/api/v1/contests/{contest['id']}/leaderboard")
    assert board.status_code == 200, board.text
    body = board.json()
    assert body["field_size"] == 10
    assert body["me"]["username"] == "rep.anna"
    assert sum(standing["entries"] for standing in body["top"]) > 0


def test_running_demo_data_twice_is_refused_and_changes_nothing(demo_store: DemoStore,
                                                               demo_engine: sa.Engine):
    result = run_cli("demo-data", "--db", demo_store.url)
    assert result.returncode == EXIT_REFUSED, (result.stdout, result.stderr)
    assert result.stderr.startswith("debrief-server: ")
    assert "demo accounts" in result.stderr and "Traceback" not in result.stderr
    with demo_engine.connect() as connection:
        assert count(connection, debriefs) == 5_000
        assert count(connection, users) == 35


def test_demo_data_on_a_store_not_yet_migrated_says_to_migrate(fresh_database: str):
    result = run_cli("demo-data", "--db", fresh_database)
    assert result.returncode == EXIT_REFUSED
    assert "debrief-server migrate" in result.stderr


def company_digest(url: str) -> str:
    """A digest of every stored debrief's id, outcome, stage, segment and reasons."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            made = stored_debriefs(connection, sa.true())
    finally:
        engine.dispose()
    lines = sorted(json.dumps([d.id, d.outcome, d.stage, asdict(d.segment),
                               [asdict(r) for r in d.reasons], d.quote, str(d.deal_value)],
                              default=str) for _, d in made)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def test_the_same_seed_makes_the_same_company(tmp_path: Path):
    now = datetime(2026, 5, 4, 15, 30, tzinfo=UTC)
    digests = []
    for name in ("first", "second"):
        url = f"sqlite:///{tmp_path / name}.sqlite"
        engine = make_engine(url)
        try:
            migrate(engine)
            with engine.begin() as connection:
                demo.fill(connection, now, seed=11, passwords=FAST_PASSWORDS, count=400)
        finally:
            engine.dispose()
        digests.append(company_digest(url))
    assert digests[0] == digests[1]


def test_another_seed_makes_another_company():
    reps = [DemoRep("rep.a", "SMB", "dach", 1.0), DemoRep("rep.b", "Enterprise", "apac", 1.0)]
    now = datetime(2026, 5, 4, 15, 30, tzinfo=UTC)

    def made(seed: int) -> list[tuple[str, dict[str, Any]]]:
        return demo_debriefs(random.Random(seed), reps, 200, now, default_taxonomy(),
                             default_segments())

    assert made(1) == made(1)
    assert made(1) != made(2)


def test_marketing_has_two_actions_with_their_progress(demo_store: DemoStore):
    with running_server(demo_store.url, demo_store.folder / "serve-actions") as server:
        answer = Api(server.base_url).post("/api/v1/auth/sign-in", json={
            "username": "marketing.maria", "password": demo.DEMO_PASSWORD})
        assert answer.status_code == 200, answer.text
        listed = Api(server.base_url, answer.json()["token"]).get("/api/v1/actions")
    assert listed.status_code == 200, listed.text
    made = listed.json()["actions"]
    assert [(a["title"], a["made_by"]) for a in made] == [
        ("ROI calculator in every proposal", "marketing.maria"),
        ("More deals from referrals", "marketing.maria")]
    for action in made:
        # Made two months ago against the three before: counts on both sides (shown, or
        # for a narrow group in the months since, hidden by the rule).
        after = action["after"]
        assert action["before"]["hits"], action
        assert after["debriefs"] or after["hidden"] or after["may_hit"], action
        assert [m["after"] for m in action["months"]].count(False) == 3
    assert made[1]["measure"] == {"kind": "win_rate", "outcome": "won", "code": None,
                                  "dimension": "lead_source", "value": "referral",
                                  "direction": "up"}
