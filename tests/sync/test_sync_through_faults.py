"""Exactly once through any network weather: three laptops (three reps, one machine
each) hold 10,000 debriefs each and sync them at the same time through fault-injecting
proxies in front of a real central store. About a quarter of the requests are dropped
before the server, answered and then dropped, delayed, answered 502 by the proxy, sent
twice, or cut mid-body. At the end the central store holds exactly 30,000 debriefs,
each once (rows, reasons and the insights rollup agree), and every laptop shows all
synced."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from helpers.fault_proxy import FAULTS, Fault, FaultProxy, Script, SeededFaults
from helpers.sync_world import Machine, new_rep, sample_debrief, server_rows

from desktop.store.debriefs import write
from sync.client.backoff import Backoff
from sync.client.engine import SyncReport
from sync.client.problems import ProblemKind, SyncProblem
from sync.client.status import StatusKind
from sync.domain.scoring import score
from sync.domain.wire import to_wire
from sync.server.tables import debrief_reasons, debriefs, reason_rollup, users

CLIENTS = 3
PER_CLIENT = 10_000
ONE_IN = 4  # a fault on a quarter of the requests
BATCH = 500
REASONS_EACH = 2  # sample_debrief's reasons


# What the server answers when the same debrief is pushed again after each fault.
_STORED_BY = {Fault.PASS: True, Fault.DROP_BEFORE: False, Fault.DROP_ANSWER: True,
              Fault.DELAY: True, Fault.BAD_GATEWAY: False, Fault.DUPLICATE: True,
              Fault.CUT_BODY: False}


def test_the_proxy_plays_each_fault_as_it_says(machine, rep, server, server_db):
    with FaultProxy(server.base_url, delay=0.3) as proxy:
        laptop = machine(base_url=proxy.base_url)
        laptop.sign_in(rep)
        for fault, stored in _STORED_BY.items():
            wire = to_wire(laptop.save())
            started = time.perf_counter()
            with proxy.playing(Script([fault])):
                try:
                    answer: object = laptop.central.push([wire])[0].status
                except SyncProblem as problem:
                    answer = (problem.kind, problem.status)
            took = time.perf_counter() - started
            again = laptop.central.push([wire])[0].status  # the fault is gone

            assert again == ("duplicate" if stored else "accepted"), fault
            assert len(server_rows(server_db, [wire["id"]])) == 1
            assert [played for played, _, _ in proxy.played[-2:]] == [fault, Fault.PASS]
            if fault in (Fault.DROP_BEFORE, Fault.DROP_ANSWER, Fault.CUT_BODY):
                assert answer == (ProblemKind.OFFLINE, None), fault  # no answer at all
            elif fault is Fault.BAD_GATEWAY:
                assert answer == (ProblemKind.OFFLINE, 502)
            else:  # the second of two identical pushes is a duplicate
                assert answer == ("duplicate" if fault is Fault.DUPLICATE else "accepted")
            if fault is Fault.DELAY:
                assert took >= proxy.delay


def fill(laptop: Machine, count: int, competitor: str) -> list[str]:
    """`count` debriefs on the laptop: the first saved as the form saves it (validated,
    one transaction), the others written like it by the store's own `write`, in one
    transaction. (10,000 one-by-one saves, each fsynced, take ~25 s on a 2-core CI
    machine; one transaction takes under a second.)"""
    first = laptop.store.save(sample_debrief(laptop.store, laptop.rep, competitor=competitor,
                                             deal_value=Decimal(0), currency="EUR"))
    rules = laptop.store.rules
    entries = score(first, rules.contest).entries
    ids = [first.id]
    with laptop.store.transaction() as conn:
        for number in range(1, count):
            now = laptop.clock.now()
            debrief = first.with_changes(id=laptop.store.ids.new_id(), created_at=now,
                                         updated_at=now, deal_value=Decimal(number))
            write(conn, debrief, entries, rules.taxonomy.version)
            ids.append(debrief.id)
    return ids


def settle(laptop: Machine) -> list[SyncReport]:
    """Sync until nothing waits, without sleeping between runs (the back-off is the
    engine's business; this test wants the weather, not the wait)."""
    return laptop.engine.run_until_settled(lambda seconds: None, max_runs=1_000)


def held_by_the_server(server_db: sa.Engine, rep: str, competitor: str
                       ) -> tuple[list[str], int, int]:
    """The rep's debrief ids (one per row), their reason rows, and how many debriefs the
    insights rollup counts for the rep's competitor."""
    rep_id = sa.select(users.c.id).where(users.c.username == rep).scalar_subquery()
    with server_db.connect() as connection:
        ids = list(connection.execute(
            sa.select(debriefs.c.id).where(debriefs.c.rep_id == rep_id)).scalars())
        reasons = connection.execute(
            sa.select(sa.func.count()).select_from(debrief_reasons).join(debriefs)
            .where(debriefs.c.rep_id == rep_id)).scalar_one()
        counted = connection.execute(
            sa.select(sa.func.coalesce(sa.func.sum(reason_rollup.c.debriefs), 0)).where(
                reason_rollup.c.dimension == "competitor",
                reason_rollup.c.value == competitor, reason_rollup.c.code == "")
        ).scalar_one()
    return ids, reasons, counted


def behind_proxies(machine, server, reps: list[str]) -> tuple[list[Machine], list[FaultProxy]]:
    """A laptop per rep, each signed in through a proxy of its own (its faults follow
    from its seed and its own requests alone, whatever the other laptops do)."""
    proxies = [FaultProxy(server.base_url, delay=0.2).start() for _ in reps]
    laptops = [machine(f"laptop-{n}", rep=rep, base_url=proxy.base_url, batch_size=BATCH)
               for n, (rep, proxy) in enumerate(zip(reps, proxies, strict=True))]
    for laptop in laptops:
        laptop.sign_in(laptop.rep)  # before the weather turns
        # One complete pull after the pushes, as the app's interval gives, not one per
        # run: 10,000 debriefs pulled again after every fault is load, not weather.
        laptop.engine = laptop.make_engine(
            pull_interval=timedelta(hours=1),
            backoff=Backoff(base=0.01, cap=0.01, random=lambda: 0.0))
    return laptops, proxies


def assert_all_synced(laptop: Machine, reports: list[SyncReport]) -> None:
    """The laptop shows everything synced, nothing refused, and says so."""
    last = reports[-1]
    assert last.ok and last.status.kind is StatusKind.UP_TO_DATE, last.errors
    counts = laptop.replica.counts()
    assert (counts.waiting, counts.refused, counts.conflict_copies) == (0, 0, 0)
    synced = laptop.conn.execute(
        "SELECT COUNT(*) FROM debrief WHERE synced_revision = revision").fetchone()[0]
    assert synced == PER_CLIENT
    # Each debrief was confirmed once, by the one answer that listed it.
    assert sum(r.pushed + r.duplicates for r in reports) == PER_CLIENT
    assert sum(r.rejected for r in reports) == 0


def test_three_laptops_push_30000_debriefs_through_faults_exactly_once(
        machine, server, server_db):
    reps = [new_rep(server_db) for _ in range(CLIENTS)]
    competitors = [f"Faultline {rep}" for rep in reps]  # this test's own rollup rows
    laptops, proxies = behind_proxies(machine, server, reps)
    try:
        started = time.perf_counter()
        saved = [fill(laptop, PER_CLIENT, competitor)
                 for laptop, competitor in zip(laptops, competitors, strict=True)]
        filled = time.perf_counter() - started
        for seed, proxy in enumerate(proxies, start=1):
            proxy.schedule = SeededFaults(seed, ONE_IN)
        with ThreadPoolExecutor(CLIENTS) as pool:
            runs = list(pool.map(settle, laptops))
        synced = time.perf_counter() - started - filled
    finally:
        for proxy in proxies:
            proxy.stop()

    for laptop, reports in zip(laptops, runs, strict=True):
        assert_all_synced(laptop, reports)
    # The central store holds each debrief exactly once: 30,000 rows, their reasons once,
    # and the insights rollup counts each once.
    everything: list[str] = []
    for rep, competitor, ids in zip(reps, competitors, saved, strict=True):
        held, reasons, counted = held_by_the_server(server_db, rep, competitor)
        assert len(held) == len(set(held)) == PER_CLIENT
        assert set(held) == set(ids)
        assert (reasons, counted) == (REASONS_EACH * PER_CLIENT, PER_CLIENT)
        everything += held
    assert len(everything) == len(set(everything)) == CLIENTS * PER_CLIENT

    # The weather happened: a quarter of the requests met a fault, each kind on pushes.
    played: Counter[Fault] = Counter()
    for proxy in proxies:
        played.update(proxy.counts)
    assert 0.2 <= sum(played[fault] for fault in FAULTS) / sum(played.values()) <= 0.3
    for fault in FAULTS:
        assert sum(proxy.count(fault, "/sync/push") for proxy in proxies) > 0, fault
    assert [error for proxy in proxies for error in proxy.errors] == []  # only as told
    # A push the server committed but whose answer was lost came back "duplicate".
    assert sum(r.duplicates for reports in runs for r in reports) > 0
    print(f"\nfilled {CLIENTS} x {PER_CLIENT} in {filled:.1f} s; synced in {synced:.1f} s "
          f"in {[len(r) for r in runs]} runs; the proxies played "
          f"{ {fault.value: n for fault, n in played.items()} }")
