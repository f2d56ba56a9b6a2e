"""Filled central stores for the benchmarks, kept between runs in .bench-cache/.

Filling 10 million reason rows takes minutes, so a filled database is kept and used
again while its key holds: the schema revision, the fill's recipe and its size. A store
kept at an older revision is taken over and brought to the new one by the migrations,
as a production store would be. What the store keeps on write (rollups, contest
scores) is made again on a kept database whenever the code that makes it changed.

- SQLite: one file per key in .bench-cache/sqlite/.
- PostgreSQL: one cluster in .bench-cache/postgres/ (run as `postgres` when root),
  started on a free port by each benchmark and stopped after; one database per key.
- A marker per key in .bench-cache/markers/ says the fill finished; without it the
  database is made again. Per recipe, the two most recently used keys are kept.

BENCH_QUICK=1 makes every size 10x smaller (kept apart from the full-size ones);
BENCH_REFILL=1 fills again even when a kept database would do. Delete .bench-cache/ to
start over. A lock file makes a second `make bench` wait for the first.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from bench.central_data import fill
from bench.child import repo_root
from bench.postgres import Cluster, drop_database, execute, recreate_database, rename_database
from sync.server.database import head_revision, make_engine, migrate

CACHE_DIR = repo_root() / ".bench-cache"
FILL_VERSION = 1  # bump when bench/central_data.py or scale_sql.py fills differently
# Whatever a bulk fill must be followed by; a change to these makes it run again.
DERIVED_MODULES = ("sync.server.rollups", "sync.server.scores", "sync.server.contests")


def quick() -> bool:
    return os.environ.get("BENCH_QUICK", "") not in ("", "0")


def scaled(size: int) -> int:
    """`size`, or a tenth of it with BENCH_QUICK=1."""
    return size // 10 if quick() else size


@contextlib.contextmanager
def cache_lock() -> Iterator[None]:
    """Hold .bench-cache/ for this run: another run waits here until it is released."""
    CACHE_DIR.mkdir(exist_ok=True)
    with (CACHE_DIR / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


@contextlib.contextmanager
def postgres_cluster() -> Iterator[Cluster]:
    """The kept cluster, running while the block runs. Hold cache_lock() around it."""
    cluster = Cluster(CACHE_DIR / "postgres")
    cluster.start()
    try:
        if cluster.made:  # a new cluster holds none of the databases the markers name
            for marker in (CACHE_DIR / "markers").glob("postgres-*.json"):
                marker.unlink()
        yield cluster
    finally:
        cluster.stop()


@dataclass(frozen=True)
class Recipe:
    """What a filled store holds: `debriefs` by `reps` reps (ids 1..reps) in `teams`
    teams. `people`, if given, makes the reps (and anything else needed before the
    fill) through the store's own code instead of the fill's SQL; `after` runs after
    the fill, and again whenever the store's derived-data code changes."""

    name: str
    debriefs: int
    reps: int
    teams: int
    after: Callable[[sa.Engine], list[tuple[str, float]]]
    people: Callable[[sa.Engine], None] | None = None

    def key(self, revision: str | None = None) -> str:
        return (f"{self.name}_s{revision or head_revision()}_f{FILL_VERSION}_"
                f"{self.debriefs}_{self.reps}_{self.teams}")


@dataclass
class Filled:
    """A filled store: its URL, what this run did to it (nothing if kept as it was),
    and every step that made it, this run's or an earlier one's."""

    url: str
    backend: str
    steps: list[tuple[str, float]] = field(default_factory=list)
    made_by: list[tuple[str, float]] = field(default_factory=list)

    def describe(self) -> str:
        how = ", ".join(f"{name} {took:.1f} s" for name, took in self.made_by)
        if not self.steps:
            return (f"{self.backend}: kept in .bench-cache/ from an earlier run"
                    + (f" ({how})" if how else ""))
        if self.steps == self.made_by:
            return f"{self.backend}, made in this run: {how}"
        done = ", ".join(f"{name} {took:.1f} s" for name, took in self.steps)
        return f"{self.backend}: kept in .bench-cache/, brought up to date now: {done}"


def derived_digest() -> str:
    """A digest of the store code that bulk-filled data must be run through again."""
    digest = hashlib.sha256()
    for name in DERIVED_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:16]


def filled(recipe: Recipe, cluster: Cluster | None = None) -> Filled:
    """The store `recipe` describes, on `cluster` or else SQLite: kept or made now."""
    key, backend = recipe.key(), "PostgreSQL" if cluster else "SQLite"
    marker = CACHE_DIR / "markers" / f"{'postgres' if cluster else 'sqlite'}-{key}.json"
    path = CACHE_DIR / "sqlite" / f"{key}.sqlite"
    url = cluster.url(key) if cluster else f"sqlite:///{path}"
    refill = bool(os.environ.get("BENCH_REFILL"))
    state = None if refill else _read(marker)
    result = Filled(url, backend)
    if state is None and not refill:
        state = _taken_over(recipe, marker, url, cluster)
        result.steps += state["fill"][-1:] if state else []
    if state is None:
        marker.unlink(missing_ok=True)
        _wipe(url, cluster)
        result.steps += _fill(recipe, url)
        state = {"derived": None, "fill": result.steps, "after": []}
    engine = make_engine(url)
    try:
        if state["derived"] != (digest := derived_digest()):
            state["after"] = _after(recipe, engine)
            result.steps += state["after"]
            state["derived"] = digest
    finally:
        engine.dispose()
    result.made_by = [(name, took) for name, took in state["fill"] + state["after"]]
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.with_suffix(".tmp").write_text(json.dumps(state))
    marker.with_suffix(".tmp").replace(marker)  # also marks it the most recently used
    _prune(recipe.name, marker, cluster)
    return result


def _taken_over(recipe: Recipe, marker: Path, url: str, cluster: Cluster | None
                ) -> dict | None:
    """The most recently used store of the same recipe at another schema revision,
    renamed to `url` and migrated; its state (the migration added to its steps), or
    None if there is none."""
    kind = marker.name.split("-", 1)[0]
    head = head_revision()
    older = sorted((m for m in marker.parent.glob(f"{kind}-{recipe.key('*')}.json")
                    if _revision(m) < head), key=lambda m: m.stat().st_mtime, reverse=True)
    state = _read(older[0]) if older else None
    if state is None:
        return None
    old_key = older[0].stem.split("-", 1)[1]
    new_key = marker.stem.split("-", 1)[1]
    _rename_store(cluster, url, old_key, new_key)
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        migrate(engine)
        state["fill"] = [*state["fill"], (f"migrate from {old_key.split('_')[1]}",
                                          time.perf_counter() - started)]
    except BaseException:
        # A migration that fails leaves the store as it was (each runs in a
        # transaction): give it its old name back, so the next run takes it over again.
        engine.dispose()
        _rename_store(cluster, cluster.url(old_key) if cluster else
                      f"sqlite:///{CACHE_DIR / 'sqlite' / f'{old_key}.sqlite'}",
                      new_key, old_key)
        raise
    finally:
        engine.dispose()
    older[0].unlink()  # its store is this one now
    return state


def _rename_store(cluster: Cluster | None, url: str, old_key: str, new_key: str) -> None:
    """The store kept as `old_key` renamed `new_key` (at `url`), any store there dropped."""
    if cluster:
        drop_database(cluster.url("postgres"), new_key)
        rename_database(cluster.url("postgres"), old_key, new_key)
        return
    _wipe(url, None)
    for suffix in ("", "-wal", "-shm"):
        old = CACHE_DIR / "sqlite" / f"{old_key}.sqlite{suffix}"
        if old.exists():
            old.rename(CACHE_DIR / "sqlite" / f"{new_key}.sqlite{suffix}")


def _revision(marker: Path) -> str:
    """The schema revision in a marker's key (revisions are zero-padded numbers)."""
    return marker.stem.split("_s", 1)[1].split("_", 1)[0]


def _read(marker: Path) -> dict | None:
    try:
        state = json.loads(marker.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or "derived" not in state:
        return None
    return {"fill": [], "after": [], **state}


def _wipe(url: str, cluster: Cluster | None) -> None:
    if cluster:
        recreate_database(cluster.url("postgres"), sa.make_url(url).database or "")
        return
    path = Path(sa.make_url(url).database or "")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _fill(recipe: Recipe, url: str) -> list[tuple[str, float]]:
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        migrate(engine)
        if recipe.people:
            recipe.people(engine)
        steps = [("migrate and people", time.perf_counter() - started)]
        return steps + fill(engine, recipe.debriefs, recipe.reps, recipe.teams,
                            datetime.now(UTC), people=recipe.people is None)
    finally:
        engine.dispose()


def _after(recipe: Recipe, engine: sa.Engine) -> list[tuple[str, float]]:
    steps = recipe.after(engine)
    if engine.dialect.name == "postgresql":  # what autovacuum would do, now
        steps.append(("vacuum analyze", execute(engine, ["VACUUM (ANALYZE)"], autocommit=True)))
    return steps


def _prune(name: str, keep: Path, cluster: Cluster | None) -> None:
    """Of this recipe's kept stores on this backend, drop all but the two last used."""
    markers = sorted(keep.parent.glob(f"{keep.name.split('-', 1)[0]}-{name}_*.json"),
                     key=lambda m: m.stat().st_mtime, reverse=True)
    for marker in [m for m in markers if m != keep][1:]:
        key = marker.stem.split("-", 1)[1]
        marker.unlink()
        if cluster:
            drop_database(cluster.url("postgres"), key)
        else:
            _wipe(f"sqlite:///{CACHE_DIR / 'sqlite' / f'{key}.sqlite'}", None)
