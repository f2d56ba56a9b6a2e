"""Leaderboard: `contests.standings` for a contest of 1,000 reps and 1,000,000 debriefs.

One team of 1,000 reps made with `accounts.add_user`, one contest over the whole period
made with `contests.add_contest` (default rules), then 1,000,000 debriefs by those reps
bulk filled (bench/central_data.py), all inside the contest's period; kept between runs
in .bench-cache/. Baseline: a bare `SELECT rep_id, count(*) FROM debriefs GROUP BY
rep_id` over the same rows, in the same run. Each call gets a connection of its own, as
a request does; median of several calls after a warm-up.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bench.central_data import SPAN, refresh_rollups
from bench.figures import Figure, Section, Target, warm_runs
from bench.filled_stores import Filled, Recipe, cache_lock, filled, postgres_cluster, scaled
from bench.server_process import FAST_PASSWORDS, PASSWORD
from sync.resources import load_json
from sync.server import accounts, contests, scores
from sync.server.database import make_engine, reading
from sync.server.tables import contests as contests_table

TARGET_MS = 100.0
REPS = 1_000
TEAM, ADMIN, CONTEST = "Contest team", "bench.admin", "Bench contest"


def _people(engine: sa.Engine) -> None:
    """The team, its REPS reps (ids 1..REPS, as the fill expects), an admin, the contest."""
    now = datetime.now(UTC)
    with engine.begin() as c:
        team = accounts.add_team(c, TEAM, now)
        for number in range(1, REPS + 1):
            rep = accounts.add_user(c, username=f"rep{number}", password=PASSWORD,
                                    role="rep", now=now, passwords=FAST_PASSWORDS, team=TEAM,
                                    display_name=f"Rep {number}")
            assert rep.id == number, "the fill needs rep ids 1..REPS in a new store"
        admin = accounts.add_user(c, username=ADMIN, password=PASSWORD, role="admin",
                                  now=now, passwords=FAST_PASSWORDS)
        contests.add_contest(c, by=admin, team_id=team.id, name=CONTEST, prize="A bench",
                             starts_at=now - SPAN - timedelta(days=1),
                             ends_at=now + timedelta(days=365),
                             rules=load_json("contest_rules.json")["rules"], now=now)


def _contest(c: sa.Connection) -> contests.Contest:
    admin = accounts.find_user(c, ADMIN)
    assert admin is not None
    contest_id = c.execute(sa.select(contests_table.c.id).where(
        contests_table.c.name == CONTEST)).scalar_one()
    contest = contests.find(c, contest_id, admin)
    assert contest is not None
    return contest


def rescore(engine: sa.Engine) -> bool:
    """Score the contest again from the stored debriefs, after a bulk fill."""
    with engine.begin() as c:
        scores.rescore_contest(c, _contest(c).id)
    return True


def _after(engine: sa.Engine) -> list[tuple[str, float]]:
    steps = []
    for name, step in (("rollups.rebuild", refresh_rollups), ("rescore", rescore)):
        started = time.perf_counter()
        if step(engine):
            steps.append((name, time.perf_counter() - started))
    return steps


def recipe(debriefs: int) -> Recipe:
    return Recipe("leaderboard", debriefs, REPS, 1, after=_after, people=_people)


def measure(store: Filled, debriefs: int) -> tuple[Figure, str]:
    engine = make_engine(store.url)
    standings: list[contests.Standing] = []
    try:
        with reading(engine) as c:
            contest = _contest(c)

        def ours() -> None:
            with reading(engine) as c:
                standings[:] = contests.standings(c, contest)

        def bare() -> None:
            with reading(engine) as c:
                c.execute(sa.text("SELECT rep_id, count(*) FROM debriefs GROUP BY rep_id")).all()
        timed, base = warm_runs(ours), warm_runs(bare)
    finally:
        engine.dispose()
    counted = sum(s.debriefs for s in standings)
    assert len(standings) == REPS and counted > 0, "the contest scored nothing"
    size = f"{debriefs / 10**6:g}M" if debriefs >= 10**6 else f"{debriefs // 1000}k"
    return (Figure(f"{store.backend}, {size} debriefs: standings", timed.median, base.median,
                   "ms", Target(TARGET_MS)),
            f"{store.describe()}; standings: {timed.describe()}, baseline: {base.describe()}; "
            f"{counted:,} debriefs earned entries, the top rep {standings[0].entries:,}")


def run() -> Section:
    figures, notes = [], []
    size = scaled(1_000_000)
    with cache_lock():
        with postgres_cluster() as cluster:
            figure, note = measure(filled(recipe(size), cluster), size)
            figures.append(figure)
            notes.append(note)
        figure, note = measure(filled(recipe(size)), size)
        figures.append(figure)
        notes.append(note)
    notes.append(f"one team of {REPS:,} reps (each debrief's rep skewed toward low ids), "
                 "one contest with the default rules over all 24 months; SQLite at the "
                 "same size as PostgreSQL")
    return Section("6. leaderboard: contest standings", figures, notes)
