"""`debrief-server contest list|show|draw|verify|void`: the server's operator looks at
every contest, runs a draw or voids a debrief's entries in a manager's or admin's name,
and checks a draw from what it published (docs/draw.md), the same way the API does
(sync.server.draws, sync.server.voids)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the server's libraries load only when a command runs
    import sqlalchemy as sa

    from sync.server.accounts import User
    from sync.server.contests import Contest
    from sync.server.draws import Published
    from sync.server.voids import VoidEvent

# How a command runs its work: in one transaction, given (connection, now).
InTransaction = Callable[[argparse.Namespace, Callable[["sa.Connection", datetime], Any]], Any]
EXIT_OK, EXIT_FAILED = 0, 1


class ContestRefused(Exception):
    """Something the operator can fix, or a draw that may not run; the message says."""


def add_arguments(commands: Any, where: argparse.ArgumentParser,
                  in_transaction: InTransaction) -> None:
    contest = commands.add_parser(
        "contest", help="list contests, show one, run or check its draw").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    contest.add_parser("list", parents=[where], help="every contest, newest first"
                       ).set_defaults(run=lambda args: _list(args, in_transaction))
    show = contest.add_parser("show", parents=[where],
                              help="a contest, its standings and its draw so far")
    show.add_argument("id", type=int)
    show.set_defaults(run=lambda args: _show(args, in_transaction))
    run = contest.add_parser("draw", parents=[where], help="draw the winners of an ended "
                             "contest (once; never again)")
    run.add_argument("id", type=int)
    run.add_argument("--by", required=True, metavar="USERNAME",
                     help="the team's manager or an admin the draw is run for")
    run.set_defaults(run=lambda args: _draw(args, in_transaction))
    verify = contest.add_parser("verify", parents=[where],
                                help="check a drawn contest from what was published")
    verify.add_argument("id", type=int)
    verify.set_defaults(run=lambda args: _verify(args, in_transaction))
    void = contest.add_parser("void", parents=[where], help="void a debrief's entries in a "
                              "running contest, with a reason its rep reads (or --undo it)")
    void.add_argument("id", type=int)
    void.add_argument("debrief_id", metavar="DEBRIEF_ID")
    void.add_argument("--by", required=True, metavar="USERNAME",
                      help="the team's manager or an admin the void is made for")
    void.add_argument("--reason", required=True, help="why, in words the rep reads")
    void.add_argument("--undo", action="store_true", help="give the entries back")
    void.set_defaults(run=lambda args: _void(args, in_transaction))


def _contest(connection: sa.Connection, contest_id: int) -> Contest:
    from sync.server import contests

    found = contests.find(connection, contest_id, None)
    if found is None:
        raise ContestRefused(f"there is no contest {contest_id}")
    return found


def _manager(connection: sa.Connection, username: str, contest: Contest) -> User:
    """The user `--by` names, if they may run the contest (its team's manager, an admin)."""
    from sync.server import accounts

    user = accounts.find_user(connection, username)
    if user is None or not user.may_manage(contest.team_id):
        raise ContestRefused(f"--by: {username} is not a manager of {contest.team} nor "
                             "an admin")
    return user


def _state(contest: Contest, shown: Published, now: datetime) -> str:
    if shown.winners is not None:
        return "drawn"
    return "running" if contest.is_running(now) else (
        "ended" if contest.has_ended(now) else "not started")


def _list(args: argparse.Namespace, in_transaction: InTransaction) -> int:
    from sync.server import contests, draws

    def listing(connection: sa.Connection, now: datetime) -> list[tuple[Contest, str]]:
        found, after = [], None
        while True:
            page, after = contests.listed(connection, None, after, 500)
            found += [(c, _state(c, draws.published(connection, c, now), now)) for c in page]
            if after is None:
                return found

    print(f"{'ID':>6} {'TEAM':20} {'NAME':30} {'ENDS (UTC)':17} STATE")
    for contest, state in in_transaction(args, listing):
        print(f"{contest.id:>6} {contest.team:20} {contest.name:30} "
              f"{contest.ends_at:%Y-%m-%d %H:%M} {state}")
    return EXIT_OK


def _show(args: argparse.Namespace, in_transaction: InTransaction) -> int:
    from sync.server import contests, draws

    def looking(connection: sa.Connection, now: datetime) -> tuple[Any, ...]:
        contest = _contest(connection, args.id)
        return (contest, contests.standings(connection, contest),
                draws.published(connection, contest, now), now)

    contest, standings, shown, now = in_transaction(args, looking)
    print(f"contest {contest.id}: {contest.name} ({contest.team}), prize: {contest.prize}")
    print(f"  {contest.starts_at:%Y-%m-%d %H:%M} to {contest.ends_at:%Y-%m-%d %H:%M} UTC, "
          f"{_state(contest, shown, now)}; {contest.winners} to win")
    print(f"  commitment (SHA-256 of the seed): {shown.commitment}")
    if shown.ledger_sha256:
        frozen = f"{shown.frozen_at:%Y-%m-%d %H:%M}"
        print(f"  ledger SHA-256: {shown.ledger_sha256} (frozen {frozen} UTC)")
    if shown.beacon_round is not None:
        print(f"  beacon: {shown.beacon_url}, round {shown.beacon_round}"
              + (f", randomness {shown.beacon_randomness}" if shown.beacon_randomness else ""))
    if shown.seed and shown.winners is not None:
        print(f"  seed: {shown.seed}")
        for winner in shown.winners:
            print(f"  {winner.place}. {winner.username} (id {winner.rep_id}, "
                  f"{winner.entries} entries)")
    for standing in standings:
        print(f"  #{standing.rank:<4} {standing.username:24} {standing.entries:>6} entries "
              f"{standing.debriefs:>6} debriefs")
    return EXIT_OK


def _draw(args: argparse.Namespace, in_transaction: InTransaction) -> int:
    from sync.server import draws

    looked_up = in_transaction(args, lambda connection, now: _contest(connection, args.id))

    def drawing(connection: sa.Connection, now: datetime) -> Published:
        contest = _contest(connection, args.id)
        user = _manager(connection, args.by, contest)
        return draws.run(connection, contest, user.id, now, randomness)

    try:
        randomness = draws.beacon_randomness(looked_up)  # asked before the transaction
        shown = in_transaction(args, drawing)
    except draws.DrawRefused as refused:
        raise ContestRefused(refused.message) from None
    assert shown.winners is not None
    print(f"drawn; seed {shown.seed}")
    for winner in shown.winners:
        print(f"{winner.place}. {winner.username} (id {winner.rep_id}, {winner.entries} "
              "entries)")
    return EXIT_OK


def _verify(args: argparse.Namespace, in_transaction: InTransaction) -> int:
    from sync.server import draws

    def looking(connection: sa.Connection, now: datetime) -> Published:
        return draws.published(connection, _contest(connection, args.id), now)

    shown = in_transaction(args, looking)
    try:
        verdict = shown.verdict()
    except draws.DrawRefused as refused:
        raise ContestRefused(refused.message) from None
    for holds, check in verdict.checks():
        print(("yes  " if holds else "NO   ") + check.text)
    print("The draw holds." if verdict.holds else "The draw does NOT hold.")
    return EXIT_OK if verdict.holds else EXIT_FAILED


def _void(args: argparse.Namespace, in_transaction: InTransaction) -> int:
    from sync.server import voids

    def voiding(connection: sa.Connection, now: datetime) -> VoidEvent:
        contest = _contest(connection, args.id)
        user = _manager(connection, args.by, contest)
        try:
            return voids.change(connection, contest, args.debrief_id, args.reason, user.id,
                                now, void=not args.undo)
        except voids.VoidRefused as refused:
            raise ContestRefused(f"{refused.field}: {refused.message}") from None

    event = in_transaction(args, voiding)
    done = "voided" if event.voided else "entries given back"
    print(f"{event.debrief_id} ({event.rep_name}): {done} by {event.by_name}: {event.reason}")
    return EXIT_OK
