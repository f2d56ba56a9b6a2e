"""A contest's draw on the central store: the ledger frozen once the contest has ended,
the winners drawn from it once, and what is published of both (docs/draw.md; the rules
themselves are sync.domain.draw).

The commitment is published from the contest's creation (sync.server.contests). Once
the contest has ended its entries hold still (a push after the end scores nothing in
it: sync.server.scores), and the first look at the draw, or the draw itself, freezes
them into the ledger. The seed is shown only once the winners are drawn; a draw runs
once and is never run again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from sync.domain import draw
from sync.domain.clock import as_utc
from sync.server import scores
from sync.server.beacon import Beacon, BeaconError
from sync.server.bulk import insert_rows
from sync.server.contests import Contest
from sync.server.database import serialize
from sync.server.tables import contest_draws, contests, users


class DrawRefused(Exception):
    """A draw that may not run: `code` says why, for the API's error body."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Winner:
    place: int
    rep_id: int
    username: str
    display_name: str
    entries: int


@dataclass(frozen=True)
class Published:
    """What anyone who may see the contest may see of its draw, so far."""

    contest_id: int
    commitment: str
    winners_drawn: int  # how many the draw picks
    ledger: str | None = None  # once frozen
    ledger_sha256: str | None = None
    frozen_at: datetime | None = None
    seed: str | None = None  # hex, once drawn
    winners: tuple[Winner, ...] | None = None  # once drawn, first place first
    drawn_at: datetime | None = None
    beacon_url: str | None = None  # the beacon named at creation, if any
    beacon_round: int | None = None
    beacon_randomness: str | None = None  # hex, once drawn

    def verdict(self) -> draw.Verdict:
        """The draw checked again from what is published (docs/draw.md)."""
        if self.seed is None or self.ledger is None or self.winners is None:
            raise DrawRefused("not_drawn", "the draw has not run yet: nothing to check")
        assert self.ledger_sha256 is not None
        beacon = None
        if self.beacon_round is not None and self.beacon_randomness is not None:
            beacon = (self.beacon_round, bytes.fromhex(self.beacon_randomness))
        return draw.verify(bytes.fromhex(self.seed), self.commitment,
                           self.ledger.encode("ascii"), self.ledger_sha256,
                           [winner.rep_id for winner in self.winners], self.contest_id,
                           beacon)


def published(connection: sa.Connection, contest: Contest, now: datetime, *,
              may_freeze: bool = True) -> Published:
    """What is published of `contest`'s draw at `now`, freezing its ledger if it has
    ended and is not frozen yet (unless not `may_freeze`: a reading connection; see
    `needs_freezing`)."""
    if may_freeze and contest.has_ended(now):
        freeze(connection, contest, now)
    row = _row(connection, contest.id)
    beacon = (contest.beacon_url, contest.beacon_round)
    if row is None:
        return Published(contest.id, contest.commitment, contest.winners, beacon_url=beacon[0],
                         beacon_round=beacon[1])
    drawn = row.winners is not None
    return Published(
        contest.id, contest.commitment, contest.winners, row.ledger, row.ledger_sha256,
        as_utc(row.frozen_at), _seed(connection, contest.id) if drawn else None,
        _winners(connection, row.winners, draw.Ledger.parse(row.ledger)) if drawn else None,
        as_utc(row.drawn_at) if drawn else None, *beacon,
        row.beacon_randomness if drawn else None)


def is_frozen(connection: sa.Connection, contest_id: int) -> bool:
    return _row(connection, contest_id) is not None


def needs_freezing(connection: sa.Connection, contest: Contest, now: datetime) -> bool:
    """Whether a look at the draw must freeze the ledger (and so write)."""
    return contest.has_ended(now) and not is_frozen(connection, contest.id)


def freeze(connection: sa.Connection, contest: Contest, now: datetime) -> None:
    """Freeze the ledger of an ended contest from the entries of its field, as its
    standings show them (once: a second call, or a second process racing this one,
    keeps the first)."""
    assert contest.has_ended(now)
    if _row(connection, contest.id) is not None:
        return
    # A push that began before the end may still be writing these scores: wait for it
    # (pushes hold their rep's lock until they commit), and for a void or a change of
    # the contest under way (the contest's lock). A push that comes after finds the
    # ledger frozen and scores nothing in the contest (scores.rescore_rep); a void,
    # the contest ended (sync.server.voids).
    serialize(connection, f"contest:{contest.id}",
              *(f"push:{member.id}" for member in scores.members(connection, contest.team_id)))
    field = scores.read(connection, contest.id, contest.team_id)
    ledger = draw.Ledger.of(contest.id, [(member.id, n) for member, n, _ in field])
    insert_rows(connection, contest_draws, ("contest_id", "ledger", "ledger_sha256",
                                            "frozen_at"),
                [(contest.id, ledger.text(), ledger.digest(), now)],
                on_conflict=lambda insert: insert.on_conflict_do_nothing())


def ledger(connection: sa.Connection, contest: Contest, now: datetime) -> str:
    """The frozen ledger text of an ended contest, byte for byte as hashed."""
    _ended(contest, now, "its ledger is frozen when it ends")
    shown = published(connection, contest, now)
    assert shown.ledger is not None
    return shown.ledger


def run(connection: sa.Connection, contest: Contest, by: int, now: datetime,
        randomness: bytes | None = None) -> Published:
    """Draw the winners of an ended contest, once. The caller checked that `by` may,
    and for a contest that names a beacon round, asked the beacon for its `randomness`
    before this transaction (`beacon_randomness`)."""
    _ended(contest, now, "draw once it has ended")
    if contest.committed_at is None or contest.committed_at >= contest.ends_at:
        raise DrawRefused("committed_late", "its commitment was published only after it "
                          "ended, when its entries were known: this contest cannot be "
                          "drawn fairly")
    freeze(connection, contest, now)
    row = _row(connection, contest.id)
    assert row is not None
    if row.winners is None:
        ledger = draw.Ledger.parse(row.ledger)
        seed = bytes.fromhex(_seed(connection, contest.id))
        key = seed
        if contest.beacon_round is not None:
            if randomness is None:
                raise DrawRefused("beacon_not_out", f"the beacon has not given out round "
                                  f"{contest.beacon_round} yet: try again in a minute")
            key = draw.with_beacon(seed, contest.beacon_round, randomness)
        winners = draw.draw(key, ledger, contest.winners)
        # Only the first draw writes: a second, even one racing this, finds it done.
        done = connection.execute(contest_draws.update().where(
            contest_draws.c.contest_id == contest.id, contest_draws.c.winners.is_(None))
            .values(winners=winners, drawn_at=now, drawn_by=by,
                    beacon_randomness=None if randomness is None else randomness.hex()))
        if done.rowcount == 1:
            return published(connection, contest, now)
        row = _row(connection, contest.id)
        assert row is not None
    raise DrawRefused("drawn_already", f"drawn on {_minute(as_utc(row.drawn_at))} UTC: a "
                      "draw runs once and is never run again")


def beacon_randomness(contest: Contest) -> bytes | None:
    """The randomness of the beacon round the contest named, asked of the beacon: None
    if it names none, or the beacon has not given the round out yet. Ask before a
    transaction, never while it holds locks (the beacon may take seconds)."""
    if contest.beacon_url is None or contest.beacon_round is None:
        return None
    try:
        return Beacon(contest.beacon_url).randomness(contest.beacon_round)
    except BeaconError as error:
        raise DrawRefused("beacon_unavailable", f"{error}: the draw needs its round "
                          f"{contest.beacon_round}; try again later") from None


def _ended(contest: Contest, now: datetime, until_then: str) -> None:
    if not contest.has_ended(now):
        raise DrawRefused("not_ended", f"the contest runs until {_minute(contest.ends_at)} "
                          f"UTC: {until_then}")


def _minute(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def _row(connection: sa.Connection, contest_id: int) -> Any:
    return connection.execute(sa.select(contest_draws).where(
        contest_draws.c.contest_id == contest_id)).first()


def _seed(connection: sa.Connection, contest_id: int) -> str:
    return connection.execute(sa.select(contests.c.seed).where(
        contests.c.id == contest_id)).scalar_one()


def _winners(connection: sa.Connection, rep_ids: list[int], ledger: draw.Ledger
             ) -> tuple[Winner, ...]:
    entries = {line.rep_id: line.entries for line in ledger.lines}
    names = {row.id: row for row in connection.execute(
        sa.select(users.c.id, users.c.username, users.c.display_name)
        .where(users.c.id.in_(rep_ids)))}
    return tuple(Winner(place, rep, names[rep].username, names[rep].display_name,
                        entries[rep]) for place, rep in enumerate(rep_ids, start=1))
