"""The draw with a public randomness beacon, against a fake drand on 127.0.0.1: a contest
made while the beacon answers names its first round at or after the contest's end; the
draw waits for that round, mixes its randomness in, and publishes it; the command line,
the verdict and the standalone verifier all check it; a beacon that cannot be reached
leaves a new contest without one, and stops a draw that needs one with a 503-style
refusal naming why."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers.server_world import FAST_PASSWORDS, PASSWORD, migrated

from sync.domain import draw
from sync.server import accounts, contests, draws
from sync.server.beacon import Beacon, BeaconError, Chain
from sync.server.database import make_engine
from sync.server.settings import ServerSettings
from sync.server.tables import contest_scores
from sync.server.tables import contests as contests_table

GENESIS, PERIOD = 1_600_000_000, 30
VERIFIER = Path(__file__).resolve().parents[2] / "docs" / "verify_draw.py"


class FakeDrand:
    """/info and /public/{round} as drand answers them; a round not given out: 404."""

    def __init__(self) -> None:
        self.rounds: dict[int, bytes] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the name http.server calls
                if self.path == "/info":
                    self._json({"genesis_time": GENESIS, "period": PERIOD,
                                "public_key": "00", "hash": "fake"})
                elif self.path.startswith("/public/"):
                    number = int(self.path.removeprefix("/public/"))
                    if number in fake.rounds:
                        self._json({"round": number,
                                    "randomness": fake.rounds[number].hex(),
                                    "signature": "00"})
                    else:
                        self._json({"error": "not out yet"}, 404)
                else:
                    self._json({"error": "no such path"}, 404)

            def _json(self, body: object, status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def drand() -> Iterator[FakeDrand]:
    fake = FakeDrand()
    yield fake
    fake.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = make_engine(migrated(f"sqlite:///{tmp_path / 'central.sqlite'}"))
    yield engine
    engine.dispose()


def contest_with_field(engine: sa.Engine, beacon: Chain | None,
                       reps: int = 40) -> tuple[contests.Contest, accounts.User]:
    """A contest of a team of `reps` reps, each with (id % 7 + 1) entries, as its
    standings would keep them."""
    now = datetime.now(UTC)
    with engine.begin() as connection:
        accounts.add_team(connection, "Floor", now)
        manager = accounts.add_user(connection, username="manager", password=PASSWORD,
                                    role="manager", now=now, passwords=FAST_PASSWORDS,
                                    manages=("Floor",))
        team_id = accounts.find_team_id(connection, "Floor")
        ids = [accounts.add_user(connection, username=f"rep{n}", password=PASSWORD,
                                 role="rep", now=now, passwords=FAST_PASSWORDS,
                                 team="Floor").id for n in range(reps)]
        contest = contests.add_contest(
            connection, by=manager, team_id=team_id, name="Beacon draw", prize="A bike",
            starts_at=now - timedelta(days=10), ends_at=now + timedelta(days=1),
            rules=None, now=now, winners=3, beacon=beacon)
        connection.execute(contest_scores.delete().where(
            contest_scores.c.contest_id == contest.id))
        connection.execute(contest_scores.insert(), [
            {"contest_id": contest.id, "rep_id": rep_id, "entries": rep_id % 7 + 1,
             "debriefs": 1} for rep_id in ids])
    return contest, manager


def ended(engine: sa.Engine, contest: contests.Contest) -> contests.Contest:
    """The contest as it is once its day has passed (committed well before its end)."""
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(contests_table.update().where(
            contests_table.c.id == contest.id).values(
            ends_at=now - timedelta(seconds=1), committed_at=now - timedelta(days=1)))
        found = contests.find(connection, contest.id, None)
    assert found is not None
    return found


def test_a_draw_mixes_in_the_beacon_round_named_at_creation(store, drand, tmp_path):
    contest, manager = contest_with_field(store, Beacon(drand.url).chain())
    assert contest.beacon_url == drand.url
    assert contest.beacon_round == draw.round_after(contest.ends_at.timestamp(), GENESIS,
                                                    PERIOD)
    contest = ended(store, contest)
    assert draws.beacon_randomness(contest) is None  # the round is not out yet
    with store.begin() as connection, pytest.raises(draws.DrawRefused) as refused:
        draws.run(connection, contest, manager.id, datetime.now(UTC), None)
    assert refused.value.code == "beacon_not_out"
    assert str(contest.beacon_round) in refused.value.message

    randomness = bytes(range(32, 64))
    drand.rounds[contest.beacon_round] = randomness
    asked = draws.beacon_randomness(contest)
    assert asked == randomness
    with store.begin() as connection:
        shown = draws.run(connection, contest, manager.id, datetime.now(UTC), asked)
        seed = bytes.fromhex(shown.seed)
    assert shown.beacon_randomness == randomness.hex()
    ledger = draw.Ledger.parse(shown.ledger)
    mixed = draw.with_beacon(seed, contest.beacon_round, randomness)
    assert [w.rep_id for w in shown.winners] == draw.draw(mixed, ledger, 3)
    assert shown.verdict().holds
    # The same draw without the beacon, or with another round's randomness, fails.
    winners = [w.rep_id for w in shown.winners]
    assert not draw.verify(seed, shown.commitment, shown.ledger, shown.ledger_sha256, winners,
                           contest.id, (contest.beacon_round, bytes(32))).holds
    assert draw.draw(seed, ledger, 3) != winners or draw.draw(
        draw.with_beacon(seed, contest.beacon_round + 1, randomness), ledger, 3) != winners

    ledger_file = tmp_path / "ledger.txt"
    ledger_file.write_bytes(shown.ledger.encode("ascii"))
    base = [sys.executable, str(VERIFIER), "--contest", str(contest.id), "--seed",
            shown.seed, "--commitment", shown.commitment, "--ledger", str(ledger_file),
            "--ledger-sha256", shown.ledger_sha256, "--winners",
            ",".join(map(str, winners))]
    beacon_args = ["--beacon-round", str(contest.beacon_round), "--beacon-randomness",
                   randomness.hex()]
    holds = subprocess.run([*base, *beacon_args], capture_output=True, text=True, timeout=60)
    assert holds.returncode == 0 and "The draw holds." in holds.stdout, holds.stdout
    without = subprocess.run(base, capture_output=True, text=True, timeout=60)
    assert (without.returncode == 1) == (draw.draw(seed, ledger, 3) != winners)


def test_a_beacon_out_of_reach_names_no_round_and_stops_a_draw_that_needs_one(store,
                                                                            drand):
    url = drand.url
    named, _ = contest_with_field(store, Beacon(url).chain(), reps=4)
    drand.stop()
    with pytest.raises(BeaconError):  # the server then makes contests without a beacon
        Beacon(url).chain()
    named = ended(store, named)
    with pytest.raises(draws.DrawRefused) as refused:
        draws.beacon_randomness(named)
    assert refused.value.code == "beacon_unavailable"
    assert f"round {named.beacon_round}" in refused.value.message


def test_a_new_end_names_the_round_after_it(store, drand):
    contest, manager = contest_with_field(store, Beacon(drand.url).chain(), reps=2)
    later = contest.ends_at + timedelta(days=3)
    with store.begin() as connection:
        connection.execute(contests_table.update().where(
            contests_table.c.id == contest.id).values(
            starts_at=datetime.now(UTC) + timedelta(hours=1)))  # not started yet
    with store.begin() as connection, pytest.raises(BeaconError):
        contests.edit_contest(connection, contest.id, by=manager, now=datetime.now(UTC),
                              ends_at=later)  # the beacon not asked: refused
    with store.begin() as connection:
        moved = contests.edit_contest(connection, contest.id, by=manager,
                                      now=datetime.now(UTC), ends_at=later,
                                      beacon=Beacon(drand.url).chain())
    assert moved.beacon_round == draw.round_after(later.timestamp(), GENESIS, PERIOD)
    assert moved.beacon_round > contest.beacon_round


def test_the_beacon_is_named_by_an_http_url_or_not_at_all(tmp_path):
    settings = ServerSettings.resolve(data_dir=str(tmp_path), environ={})
    assert settings.drand_url is None
    chosen = ServerSettings.resolve(data_dir=str(tmp_path), environ={
        "DEBRIEF_DRAND_URL": "https://api.drand.sh/52db9ba7"})
    assert chosen.drand_url == "https://api.drand.sh/52db9ba7"
    with pytest.raises(ValueError, match="DEBRIEF_DRAND_URL"):
        ServerSettings.resolve(data_dir=str(tmp_path),
                               environ={"DEBRIEF_DRAND_URL": "api.drand.sh"})
