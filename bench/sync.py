"""Sync: a laptop's debriefs reaching the central store through the app's sync engine.

Two `debrief-server serve` processes on 127.0.0.1, each on a fresh SQLite central store
made by `migrate`: one the laptops sync with ("ours"), one the baseline pushes to.

Push of PUSHED debriefs, each round a new rep and a new laptop on each side:

- ours: a laptop's local store (prepare, DebriefStore, SyncReplica) holding PUSHED
  unsynced debriefs, signed in, its first sync (the full pull, the lists) already done;
  the timed call is one `SyncEngine.run_once()` with batches of BATCH: read what waits,
  wire, HTTP, mark synced, record the sync. The pull is not due (the app pulls every
  15 minutes), so the run is the push.
- baseline: the server's own ingest ceiling, the push route driven directly by
  `bench.ingest.push_route`: the same PUSHED debriefs as prepared wire batches of BATCH,
  bodies encoded before the clock starts, posted one after the other.

Both push the same debriefs (the same wire items; the laptop holds them as
`from_wire` made them, written by the store's own `write` in one transaction).

The periodic pull of a rep with PULL_HELD debriefs on the server, CHANGED of them edited
since the last pull, through the app's client (`CentralStore.changes`), page by page:

- ours: the change feed from the position the last pull reached (what the app does
  every 15 minutes);
- baseline: the same feed from the start, every debrief (what a pull without the feed
  must read, and what the app's daily full pull reads).

Save -> visible on the server, on the "ours" server, in blocks alternating between:

- ours: `DebriefStore.save` returns; the clock starts; `SyncEngine.run_once()`; then a
  GET /api/v1/sync/debriefs (as the rep, from another session) that lists it;
- baseline: the clock starts; a bare POST of the one debrief (body encoded beforehand)
  to the push route; the same GET.
"""

from __future__ import annotations

import random
import tempfile
import time
from contextlib import ExitStack, closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
import sqlalchemy as sa

from bench.central_data import BATCH, wire_batch
from bench.figures import Figure, Section, Target, median, percentile
from bench.ingest import push_route
from bench.server_process import FAST_PASSWORDS, PASSWORD, add_rep, serving, signed_in
from desktop.store.database import connect, prepare
from desktop.store.debriefs import DebriefStore, write
from desktop.store.sync_replica import SyncReplica
from desktop.ui.sync_worker import SyncSetup
from sync.client.central_store import CentralStore
from sync.client.engine import SyncEngine
from sync.domain.clock import SystemClock, to_iso
from sync.domain.ids import DebriefIdFactory
from sync.domain.scoring import score
from sync.domain.team_lists import TeamLists
from sync.domain.wire import from_wire
from sync.protocol import FEED_START, MAX_PAGE
from sync.resources import default_contest_rules, default_segments, default_taxonomy
from sync.server.database import make_engine, migrate

PUSHED = 10_000
ROUNDS = 3  # timed rounds of PUSHED each way, after a warm-up round of WARM_UP_PUSHED
WARM_UP_PUSHED = 2 * BATCH
PUSH_TARGET_OF_BASELINE = 0.7
PULL_HELD = 5_000  # the rep's debriefs on the server, for the pull
CHANGED = 10  # of them edited between two pulls
PULL_ROUNDS = 15
SAVES = 100  # save -> visible, each way
BLOCK = 10
WARM_UP_SAVES = 5
VISIBLE_TARGET_MS = 1_500.0
SEEN_TIMEOUT_S = 10.0
TAXONOMY_ROUNDS = 10


class Laptop:
    """A rep's laptop: its local store in `folder`, replica, client and engine (as the
    app's sync runner builds them, with batches of BATCH), signed in to `base_url`."""

    def __init__(self, folder: Path, base_url: str, rep: str):
        folder.mkdir(parents=True)
        self.clock = SystemClock()
        path = folder / "debrief.sqlite"
        prepare(path, self.clock)
        self.rep = rep
        self.store = DebriefStore(connect(path), path, self.clock, TeamLists(
            default_taxonomy(), default_segments(), default_contest_rules()))
        self.replica = SyncReplica(self.store)
        self.central = CentralStore(base_url, clock=self.clock)
        self.central.sign_in(rep, PASSWORD)
        self.engine = SyncEngine(self.central, self.replica, rep=rep, clock=self.clock,
                                 batch_size=BATCH)
        first = self.engine.run_once()  # the first sync after sign-in: full pull, lists
        assert first.ok and first.pulled == 0, first.errors

    def hold(self, items: list[dict[str, Any]]) -> None:
        """Write the wire items as unsynced debriefs of this rep, in one transaction."""
        rules = self.store.rules
        with self.store.transaction() as conn:
            for item in items:
                debrief = from_wire(item, self.rep)
                write(conn, debrief, score(debrief, rules.contest).entries,
                      rules.taxonomy.version)
        assert self.replica.counts().waiting == len(items)

    def close(self) -> None:
        self.central.close()
        self.store.conn.close()


class Servers:
    """The two central stores and their servers, and new reps made in them."""

    def __init__(self, root: Path, stack: ExitStack):
        self.root = root
        self.reps = 0
        self.engines: dict[str, sa.Engine] = {}
        self.urls: dict[str, str] = {}
        for side in ("ours", "baseline"):
            url = f"sqlite:///{root / f'{side}.sqlite'}"
            engine = make_engine(url)
            stack.callback(engine.dispose)
            migrate(engine)
            self.engines[side] = engine
            self.urls[side] = stack.enter_context(serving(url, root / f"{side}-server"))

    def new_rep(self, side: str) -> str:
        self.reps += 1
        username = f"bench.sync.{self.reps}"
        with self.engines[side].begin() as c:
            add_rep(c, username, f"Bench sync team {self.reps}")
        return username

    def stored(self, side: str) -> int:
        with self.engines[side].connect() as c:
            return c.execute(sa.text("SELECT count(*) FROM debriefs")).scalar_one()


# --- 1. push of PUSHED debriefs -------------------------------------------------------------


def _wire_items(count: int, ids: DebriefIdFactory, rng: random.Random) -> list[dict]:
    return [item for _ in range(count // BATCH) for item in
            wire_batch(ids, rng, datetime.now(UTC))]


def _push_ours(servers: Servers, items: list[dict], folder: Path) -> float:
    laptop = Laptop(folder, servers.urls["ours"], servers.new_rep("ours"))
    try:
        laptop.hold(items)
        started = time.perf_counter()
        report = laptop.engine.run_once()
        took = time.perf_counter() - started
        assert report.ok and report.pushed == len(items), (report.pushed, report.errors)
        assert report.pulled == 0 and laptop.replica.counts().waiting == 0
    finally:
        laptop.close()
    return took


def _push_baseline(servers: Servers, items: list[dict]) -> float:
    url = servers.urls["baseline"]
    with closing(signed_in(url, servers.new_rep("baseline"))) as session:
        prepared = push_route(session, url)
        runs = [prepared(items[at:at + BATCH]) for at in range(0, len(items), BATCH)]
        started = time.perf_counter()
        for run in runs:
            run()
        return time.perf_counter() - started


def measure_push(servers: Servers) -> dict[str, list[float]]:
    """Seconds to push PUSHED debriefs, each way, ROUNDS times after a warm-up round;
    the same debriefs both ways, the order turning every round."""
    rng, ids = random.Random(11), DebriefIdFactory(SystemClock())
    samples: dict[str, list[float]] = {"ours": [], "baseline": []}
    for turn in range(ROUNDS + 1):
        items = _wire_items(PUSHED if turn else WARM_UP_PUSHED, ids, rng)
        for way in ("ours", "baseline") if turn % 2 else ("baseline", "ours"):
            took = (_push_ours(servers, items, servers.root / f"laptop-{turn}")
                    if way == "ours" else _push_baseline(servers, items))
            if turn:
                samples[way].append(took)
    expected = WARM_UP_PUSHED + ROUNDS * PUSHED
    assert servers.stored("ours") == servers.stored("baseline") == expected
    return samples


# --- 2. the periodic pull ----------------------------------------------------------------


def _read_feed(central: CentralStore, since: str) -> tuple[str, int]:
    """Page through the rep's feed from `since` as the engine does; (position, items)."""
    items = 0
    while True:
        page = central.changes(since, MAX_PAGE)
        items += len(page.items)
        since = page.next_since
        if not page.more:
            return since, items


def measure_pull(servers: Servers) -> dict[str, list[float]]:
    """Milliseconds per pull of a rep holding PULL_HELD debriefs on the "ours" server,
    CHANGED of them edited before each round: from the last position and from the
    start, PULL_ROUNDS rounds after a warm-up round, the order turning every round."""
    url, rep = servers.urls["ours"], servers.new_rep("ours")
    rng, ids = random.Random(13), DebriefIdFactory(SystemClock())
    held = _wire_items(PULL_HELD, ids, rng)
    samples: dict[str, list[float]] = {"ours": [], "baseline": []}
    with closing(signed_in(url, rep)) as session, \
            closing(CentralStore(url, clock=SystemClock())) as central:
        push = push_route(session, url)
        for at in range(0, len(held), BATCH):
            push(held[at:at + BATCH])()
        central.sign_in(rep, PASSWORD)
        position, _ = _read_feed(central, FEED_START)
        for turn in range(PULL_ROUNDS + 1):
            edited = [held[rng.randrange(len(held))] for _ in range(CHANGED)]
            for item in edited:
                item.update(revision=item["revision"] + 1, updated_at=to_iso(datetime.now(UTC)))
            push(list({item["id"]: item for item in edited}.values()))()
            for way in ("ours", "baseline") if turn % 2 else ("baseline", "ours"):
                started = time.perf_counter()
                reached, items = _read_feed(central, position if way == "ours" else FEED_START)
                took = (time.perf_counter() - started) * 1000
                assert items == (len({i["id"] for i in edited}) if way == "ours"
                                 else PULL_HELD), (way, items)
                if turn:
                    samples[way].append(took)
            position = reached
    return samples


# --- 3. save -> visible on the server -------------------------------------------------------


def _seen(observer: requests.Session, url: str, after: str | None, debrief_id: str) -> None:
    """Ask the rep's pull route for the first debrief after `after` until it is this one."""
    params: dict[str, Any] = {"limit": 1} | ({"cursor": after} if after else {})
    deadline = time.monotonic() + SEEN_TIMEOUT_S
    while True:
        answer = observer.get(f"{url}/api/v1/sync/debriefs", params=params, timeout=30)
        answer.raise_for_status()
        if [item["id"] for item in answer.json()["items"]] == [debrief_id]:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{debrief_id} not visible on the server")


class AppSide:
    """Ours: save on the laptop, run the engine, see it on the server."""

    def __init__(self, servers: Servers, items: list[dict]):
        self.url = servers.urls["ours"]
        self.laptop = Laptop(servers.root / "laptop-online", self.url,
                             servers.new_rep("ours"))
        self.observer = signed_in(self.url, self.laptop.rep)
        self.items = iter(items)
        self.last: str | None = None

    def once(self) -> float:
        store = self.laptop.store
        debrief = from_wire(next(self.items), self.laptop.rep).with_changes(
            id=store.ids.new_id(), revision=0, created_at=None, updated_at=None)
        saved = store.save(debrief)
        started = time.perf_counter()
        report = self.laptop.engine.run_once()
        _seen(self.observer, self.url, self.last, saved.id)
        took = (time.perf_counter() - started) * 1000
        assert report.ok and report.pushed == 1 and report.pulled == 0, report.errors
        self.last = saved.id
        return took

    def close(self) -> None:
        self.observer.close()
        self.laptop.close()


class BareSide:
    """The baseline: POST one prepared debrief to the push route, see it on the server."""

    def __init__(self, servers: Servers, items: list[dict]):
        self.url = servers.urls["ours"]
        rep = servers.new_rep("ours")
        self.session, self.observer = signed_in(self.url, rep), signed_in(self.url, rep)
        prepared = push_route(self.session, self.url)
        self.runs = iter([(item["id"], prepared([item])) for item in items])
        self.last: str | None = None

    def once(self) -> float:
        debrief_id, run = next(self.runs)
        started = time.perf_counter()
        run()
        _seen(self.observer, self.url, self.last, debrief_id)
        took = (time.perf_counter() - started) * 1000
        self.last = debrief_id
        return took

    def close(self) -> None:
        self.session.close()
        self.observer.close()


def measure_visible(servers: Servers) -> tuple[list[float], list[float]]:
    """Milliseconds from save (or, bare, from the POST) to seen, SAVES each way, after
    WARM_UP_SAVES each, in alternating blocks of BLOCK."""
    ids, rng = DebriefIdFactory(SystemClock()), random.Random(12)
    needed = WARM_UP_SAVES + SAVES
    assert needed <= BATCH
    sides = [AppSide(servers, wire_batch(ids, rng, datetime.now(UTC))[:needed]),
             BareSide(servers, wire_batch(ids, rng, datetime.now(UTC))[:needed])]
    samples: list[list[float]] = [[], []]
    try:
        for block in range(-1, SAVES // BLOCK):
            order = [0, 1] if block % 2 == 0 else [1, 0]
            for side in order:
                times = [sides[side].once()
                         for _ in range(WARM_UP_SAVES if block < 0 else BLOCK)]
                if block >= 0:
                    samples[side] += times
    finally:
        for side in sides:
            side.close()
    return samples[0], samples[1]


# --- 4. a new taxonomy version reaching an online app ---------------------------------------


def measure_taxonomy(servers: Servers) -> tuple[list[int], list[float], list[float]]:
    """Marketing renames a code (POST /taxonomy/changes) on the "ours" store; a signed-in
    laptop then runs its engine once, as its sync worker does every cycle. Per round:
    how many runs it took until the laptop kept the new version, and the milliseconds of
    that run; and of a run with nothing new (lists unchanged: a 304)."""
    from sync.server import accounts

    with servers.engines["ours"].begin() as c:
        accounts.add_user(c, username="bench.marketing", password=PASSWORD, role="marketing",
                          now=datetime.now(UTC), passwords=FAST_PASSWORDS)
    marketing = signed_in(servers.urls["ours"], "bench.marketing")
    rep = servers.new_rep("ours")
    laptop = Laptop(servers.root / "taxonomy-laptop", servers.urls["ours"], rep)
    runs_needed: list[int] = []
    taking: list[float] = []
    unchanged: list[float] = []
    try:
        for round_ in range(-1, TAXONOMY_ROUNDS):
            version = marketing.get(f"{servers.urls['ours']}/api/v1/taxonomy",
                                    timeout=30).json()["version"]
            made = marketing.post(f"{servers.urls['ours']}/api/v1/taxonomy/changes", json={
                "based_on": version, "change": {"kind": "rename", "key": "price.good_value",
                                                "label": f"Good value for money ({round_})"}},
                                  timeout=30)
            made.raise_for_status()
            wanted, runs = made.json()["version"], 0
            while True:
                started = time.perf_counter()
                report = laptop.engine.run_once()
                elapsed = (time.perf_counter() - started) * 1000
                runs += 1
                assert report.ok, report.errors
                kept = laptop.replica.pulled_config()
                if kept is not None and kept.taxonomy_version == wanted:
                    break
                assert runs < 5, "the new version did not reach the app"
            started = time.perf_counter()
            assert laptop.engine.run_once().ok
            quiet = (time.perf_counter() - started) * 1000
            if round_ >= 0:
                runs_needed.append(runs)
                taking.append(elapsed)
                unchanged.append(quiet)
    finally:
        laptop.close()
        marketing.close()
    return runs_needed, taking, unchanged


def run() -> Section:
    with tempfile.TemporaryDirectory(prefix="debrief-bench-sync-") as tmp, \
            ExitStack() as stack:
        servers = Servers(Path(tmp), stack)
        pushed = measure_push(servers)
        pulled = measure_pull(servers)
        ours, bare = measure_visible(servers)
        runs_needed, taking, unchanged = measure_taxonomy(servers)
    rate = {way: PUSHED / median(times) for way, times in pushed.items()}
    p99, bare_p99 = percentile(ours, 0.99), percentile(bare, 0.99)
    debounce_ms = float(SyncSetup().save_delay_ms)
    figures = [
        Figure(f"push {PUSHED:,} via SyncEngine, debriefs/s", rate["ours"],
               rate["baseline"], "/s", Target(PUSH_TARGET_OF_BASELINE, of_baseline=True,
                                             at_least=True)),
        Figure(f"pull, {CHANGED} of {PULL_HELD:,} changed: feed since last pull",
               median(pulled["ours"]), median(pulled["baseline"]), "ms"),
        Figure(f"save -> on server, engine, p99 of {len(ours)}", p99, bare_p99, "ms",
               Target(VISIBLE_TARGET_MS)),
        Figure("save -> on server, engine, p50", median(ours), median(bare), "ms"),
        Figure(f"save -> on server, + {debounce_ms / 1000:g} s debounce, p99",
               p99 + debounce_ms,
               bare_p99, "ms", Target(VISIBLE_TARGET_MS)),
        Figure("taxonomy change -> online app's lists, sync runs needed (most)",
               float(max(runs_needed)), 1.0, "runs", Target(1.0)),
        Figure("a sync run that takes a new reason list, median", median(taking),
               median(unchanged), "ms"),
    ]
    seconds = ", ".join(f"{way} " + "/".join(f"{s:.2f}" for s in times)
                        for way, times in pushed.items())
    notes = [
        f"push: {PUSHED:,} debriefs (1 to 4 reasons, about 2.5) into a fresh SQLite central "
        f"store via `debrief-server serve` on 127.0.0.1; {ROUNDS} rounds after a warm-up "
        f"round of {WARM_UP_PUSHED:,}, a new rep each round, the two ways taking turns; "
        f"debriefs/s = {PUSHED:,} / median seconds ({seconds} s)",
        f"push, ours: one SyncEngine.run_once() with batch_size={BATCH} (the app's "
        "SyncSetup uses 250) from a laptop store holding the debriefs unsynced, signed in, "
        "first sync done (the pull is not due); baseline: the same debriefs as wire "
        f"batches of {BATCH} POSTed to /api/v1/sync/push, bodies encoded beforehand "
        "(bench.ingest.push_route), into a second fresh store",
        f"pull: a rep with {PULL_HELD:,} debriefs on the server, {CHANGED} edited (one push) "
        f"before each of {PULL_ROUNDS} rounds after a warm-up, the two ways taking turns, "
        f"through the app's CentralStore.changes in pages of {MAX_PAGE}; ours from the "
        "position the last pull reached, baseline the same feed from the start (every "
        "debrief: what a pull without the feed reads, and the app's daily full pull)",
        f"save -> on server: {SAVES} saves each way after {WARM_UP_SAVES} warm-ups, blocks "
        f"of {BLOCK} alternating; from DebriefStore.save returning, through one "
        "SyncEngine.run_once() (push, mark synced, record the sync), to a GET "
        "/api/v1/sync/debriefs from another session of the rep that lists it; baseline: a "
        "bare POST of the one prepared debrief plus the same GET; same server; slowest "
        f"{max(ours):.1f} ms ours, {max(bare):.1f} ms baseline",
        f"the engine figure leaves out the app's debounce: the sync worker runs the engine "
        f"{debounce_ms / 1000:g} s after a save (SyncSetup.save_delay_ms, so that saves "
        "close together share a push), so in the app a save reaches the server that much "
        "later than the engine row: the '+ debounce' row (its baseline is the bare "
        "push's, without a debounce)",
        f"taxonomy: {TAXONOMY_ROUNDS} rounds after a warm-up; marketing renames a code "
        "(POST /api/v1/taxonomy/changes), then a signed-in laptop runs SyncEngine.run_once() "
        "until it keeps the new version: every round it took the first run "
        f"({sorted(set(runs_needed))}). The engine asks for the lists at every run "
        "(If-None-Match; the server answers 304 while they stand), so in the app a change "
        f"reaches an online laptop at its next sync: within {SyncSetup().interval_s:g} s "
        "(SyncSetup.interval_s) plus that run. Baseline of the run row: a run right after, "
        "the lists unchanged (304), nothing to push",
    ]
    return Section("7. sync: push 10,000 debriefs; pull what changed; save -> visible "
                   "on the server; a reason list change -> the online app",
                   figures, notes)
