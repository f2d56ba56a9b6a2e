"""Two laptops of one rep against a real central store, as a hypothesis state machine:
they create, edit, delete, restore and sync in any order, some syncs through a fault
(dropped, answered then dropped, delayed, 502, sent twice, cut mid-body), and their
clocks drift. The model of the truth is every version either laptop ever wrote:

- while it runs, the central store only ever holds one of those versions, and never
  goes back to an older one;
- a version written on a laptop that a sync replaces is kept there as a conflict copy,
  unless what replaced it says the same (revision and time aside);
- at the end, after both sync without faults, the central store and both laptops hold,
  for every debrief, its winner: the version with the highest revision, ties by the
  later edit. Conflict copies are only ever losing versions.
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from helpers.fault_proxy import FAULTS, Fault, FaultProxy, Script
from helpers.sync_world import T0, Machine, new_rep
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from sync.client.status import StatusKind
from sync.domain.clock import SteppingClock
from sync.domain.debrief import Debrief, Stage
from sync.domain.team_lists import TeamLists
from sync.domain.wire import from_wire, to_wire
from sync.server import stored, tokens
from sync.server.tables import debriefs, users

LAPTOPS = ("A", "B")
# Few values, so that two versions sometimes say the same thing.
COMPETITORS = st.sampled_from([None, "Acme", "Globex", "Initech"])
DEAL_VALUES = st.sampled_from([None, Decimal("1000.00"), Decimal("48000.00")])
SETTLE_ROUNDS = 4

SETTINGS = settings(max_examples=50, stateful_step_count=30, derandomize=True,
                    deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow])

Version = tuple[int, Any]  # (revision, updated_at): what decides between two versions


def version(debrief: Debrief) -> Version:
    return (debrief.revision, debrief.updated_at)


def said(debrief: Debrief) -> dict[str, Any]:
    """What a version says, revision and times aside (what a conflict copy is kept for)."""
    wire = to_wire(debrief)
    return {key: value for key, value in wire.items()
            if key not in ("revision", "updated_at", "created_at")}


def token_for(server_db: sa.Engine, rep: str) -> str:
    """A sign-in token made in the central store's database, as a sign-in makes it (the
    sign-in itself is tested elsewhere; over HTTP it costs a password hash per laptop)."""
    now = datetime.now(UTC)
    with server_db.begin() as connection:
        user_id = connection.execute(
            sa.select(users.c.id).where(users.c.username == rep)).scalar_one()
        return tokens.issue(connection, user_id, now, timedelta(hours=1))


@dataclass
class World:
    """What every example shares: the server, its database, the proxy in front of it."""

    server_db: sa.Engine
    rules: TeamLists
    proxy: FaultProxy
    folder: Path
    examples: itertools.count


class TwoLaptops(RuleBasedStateMachine):
    def __init__(self, world: World):
        super().__init__()
        self.world = world
        self.rep = new_rep(world.server_db)  # a rep of its own: examples never meet
        folder = world.folder / f"example-{next(world.examples)}"
        # The clocks never read the same instant (B is half a second off A), so two
        # versions never tie on revision and time; a tie on revision is decided by time.
        starts = {"A": T0, "B": T0 + timedelta(milliseconds=500)}
        self.laptops = {name: Machine(folder / name, world.proxy.base_url, world.rules,
                                      rep=self.rep, clock=SteppingClock(start=starts[name]))
                        for name in LAPTOPS}
        for laptop in self.laptops.values():
            laptop.central.use_token(token_for(world.server_db, self.rep))
        self.versions: dict[str, list[Debrief]] = {}  # every version either laptop wrote
        # Per laptop, the last version written there of each debrief, until a sync
        # replaces it (then it must be in the conflict copies, or say the same).
        self.written: dict[str, dict[str, Debrief]] = {name: {} for name in LAPTOPS}
        self.seen_on_server: dict[str, Version] = {}

    @initialize(count=st.integers(0, 3))
    def both_laptops_start_with(self, count: int) -> None:
        """Debriefs saved on A and synced to B, so that both have some to edit."""
        for _ in range(count):
            self.create("A", None, None)
        self.sync("A")
        self.sync("B")

    # --- what the rep does -------------------------------------------------------------

    def wrote(self, on: str, debrief: Debrief | None) -> None:
        assert debrief is not None
        self.versions.setdefault(debrief.id, []).append(debrief)
        self.written[on][debrief.id] = debrief

    def pick(self, on: str, index: int, *, deleted: bool) -> str | None:
        ids = [row[0] for row in self.laptops[on].conn.execute(
            "SELECT id FROM debrief WHERE deleted = ? ORDER BY id", (int(deleted),))]
        return ids[index % len(ids)] if ids else None

    @rule(on=st.sampled_from(LAPTOPS), competitor=COMPETITORS, deal_value=DEAL_VALUES)
    def create(self, on: str, competitor: str | None, deal_value: Decimal | None) -> None:
        self.wrote(on, self.laptops[on].save(
            competitor=competitor, deal_value=deal_value,
            currency="EUR" if deal_value is not None else None))

    @precondition(lambda self: self.versions)
    @rule(on=st.sampled_from(LAPTOPS), index=st.integers(0, 50), competitor=COMPETITORS,
          stage=st.sampled_from(Stage))
    def edit(self, on: str, index: int, competitor: str | None, stage: Stage) -> None:
        debrief_id = self.pick(on, index, deleted=False)
        if debrief_id is not None:
            self.wrote(on, self.laptops[on].edit(debrief_id, competitor=competitor,
                                                 stage=stage))

    @precondition(lambda self: self.versions)
    @rule(on=st.sampled_from(LAPTOPS), index=st.integers(0, 50))
    def delete(self, on: str, index: int) -> None:
        debrief_id = self.pick(on, index, deleted=False)
        if debrief_id is not None:
            self.wrote(on, self.laptops[on].store.delete(debrief_id))

    @precondition(lambda self: self.versions)
    @rule(on=st.sampled_from(LAPTOPS), index=st.integers(0, 50))
    def restore(self, on: str, index: int) -> None:
        debrief_id = self.pick(on, index, deleted=True)
        if debrief_id is not None:
            self.wrote(on, self.laptops[on].store.restore(debrief_id))

    @rule(on=st.sampled_from(LAPTOPS), minutes=st.integers(1, 120))
    def time_passes(self, on: str, minutes: int) -> None:
        self.laptops[on].clock.advance(timedelta(minutes=minutes))

    # --- sync --------------------------------------------------------------------------

    @rule(on=st.sampled_from(LAPTOPS))
    def sync(self, on: str) -> None:
        self.laptops[on].sync()
        self.check_nothing_lost(on)

    @rule(on=st.sampled_from(LAPTOPS), fault=st.sampled_from(FAULTS),
          passed=st.integers(0, 3))
    def sync_through_a_fault(self, on: str, fault: Fault, passed: int) -> None:
        """The sync's first `passed` requests go through, the next meets `fault`."""
        with self.world.proxy.playing(Script([Fault.PASS] * passed + [fault])):
            self.laptops[on].sync()
        self.check_nothing_lost(on)

    def check_nothing_lost(self, on: str) -> None:
        """Every version written on this laptop that the sync replaced lost to a newer
        one, and is kept as a conflict copy unless the newer one says the same."""
        laptop = self.laptops[on]
        for debrief_id, mine in list(self.written[on].items()):
            now = laptop.store.get(debrief_id, include_deleted=True)
            assert now is not None
            if version(now) == version(mine):
                assert to_wire(now) == to_wire(mine)
                continue
            assert version(now) > version(mine), (mine, now)
            if said(now) != said(mine):
                kept = [to_wire(copy.debrief) for copy in
                        laptop.replica.conflict_copies(debrief_id)]
                assert to_wire(mine) in kept, f"a version written on {on} was dropped"
            del self.written[on][debrief_id]

    # --- the central store while it runs -----------------------------------------------

    def on_the_server(self) -> dict[str, Debrief]:
        rep_id = sa.select(users.c.id).where(users.c.username == self.rep).scalar_subquery()
        with self.world.server_db.connect() as connection:
            rows = connection.execute(sa.select(debriefs).where(
                debriefs.c.rep_id == rep_id)).all()
            reasons = stored.reasons_of(connection, [row.id for row in rows])
        return {row.id: from_wire(stored.wire(row, reasons.get(row.id, [])), self.rep)
                for row in rows}

    @invariant()
    def the_server_holds_written_versions_and_never_goes_back(self) -> None:
        for debrief_id, held in self.on_the_server().items():
            assert to_wire(held) in [to_wire(v) for v in self.versions.get(debrief_id, [])]
            assert version(held) >= self.seen_on_server.get(debrief_id, (0, T0))
            self.seen_on_server[debrief_id] = version(held)

    # --- the end -----------------------------------------------------------------------

    def teardown(self) -> None:
        try:
            # After a failed step, that failure is the report: skip the end checks.
            if sys.exc_info()[1] is None:
                self.settle()
                self.check_the_end()
        finally:
            for laptop in self.laptops.values():
                laptop.close()

    def settle(self) -> None:
        """Both laptops sync, without faults, until a round in which neither had
        anything new for the central store: then both pulled its final state."""
        for _round in range(SETTLE_ROUNDS):
            reports = []
            for name, laptop in self.laptops.items():
                reports.append(laptop.sync())
                self.check_nothing_lost(name)
            if all(r.ok and r.status.kind is StatusKind.UP_TO_DATE and r.pushed == 0
                   for r in reports):
                return
        raise AssertionError(f"not settled after {SETTLE_ROUNDS} rounds: {reports}")

    def check_the_end(self) -> None:
        truth = {debrief_id: to_wire(max(written, key=version))
                 for debrief_id, written in self.versions.items()}
        server = {debrief_id: to_wire(held) for debrief_id, held in self.on_the_server().items()}
        assert server == truth
        for name, laptop in self.laptops.items():
            here = {debrief_id: to_wire(debrief)
                    for debrief_id, debrief in laptop.all_debriefs().items()}
            assert here == truth, f"laptop {name} disagrees with the truth"
            counts = laptop.replica.counts()
            assert (counts.waiting, counts.refused) == (0, 0)
            for copy in laptop.replica.conflict_copies():
                losers = [to_wire(v) for v in self.versions[copy.debrief.id]
                          if version(v) < version(max(self.versions[copy.debrief.id],
                                                      key=version))]
                assert to_wire(copy.debrief) in losers, "a conflict copy of no losing version"


def test_two_laptops_of_one_rep_agree_with_the_model(server, server_db, rules, tmp_path):
    with FaultProxy(server.base_url, delay=0.05) as proxy:
        world = World(server_db, rules, proxy, tmp_path, itertools.count(1))
        run_state_machine_as_test(lambda: TwoLaptops(world), settings=SETTINGS)
        assert all(proxy.counts[fault] > 0 for fault in FAULTS), proxy.counts
