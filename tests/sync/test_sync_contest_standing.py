"""Where the rep stands in their team's running contest, against the real central store:
the client reads it from the contest list and the leaderboard, the engine keeps it in
the local store with the lists and after an accepted push, only for accounts that sync
debriefs, and a server that cannot say never fails the run."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import sqlalchemy as sa
from helpers.fault_proxy import Fault, FaultProxy
from helpers.server_world import FAST_PASSWORDS, PASSWORD
from helpers.sync_world import T0, RecordingSession, new_account

from sync.client.status import StatusKind
from sync.domain.contest_standing import ContestStanding
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from sync.server import accounts, contests
from sync.server.tables import users

CONTESTS = ("GET", "/api/v1/contests")
_mates = itertools.count(1)


def running_contest(server_db: sa.Engine, rep: str, *, teammates: int = 3,
                    name: str = "December close-out", prize: str = "A weekend in Lisbon",
                    ends_in: timedelta = timedelta(days=11)) -> contests.Contest:
    """A contest for `rep`'s team from before the machines' first debrief, ending
    `ends_in` from now, with `teammates` more reps in the team, who push nothing."""
    now = datetime.now(UTC)
    with server_db.begin() as connection:
        user = accounts.find_user(connection, rep)
        assert user is not None and user.team_id is not None
        [team] = accounts.team_names(connection, [user.team_id])
        for _ in range(teammates):
            accounts.add_user(connection, username=f"mate-{next(_mates)}-{rep}",
                              password=PASSWORD, role="rep", now=now,
                              passwords=FAST_PASSWORDS, team=team)
        # Made before it ends (a contest is never made after its end).
        made = min(now, now + ends_in - timedelta(days=1))
        return contests.add_contest(connection, by=user, team_id=user.team_id, name=name,
                                    prize=prize, starts_at=T0 - timedelta(days=1),
                                    ends_at=now + ends_in, rules=None, now=made)


def leaderboard(base_url: str, token: str, contest_id: int) -> dict[str, Any]:
    """The leaderboard route's answer, as the rep reads it."""
    answer = requests.get(f"{base_url}/api/v1/contests/{contest_id}/leaderboard",
                          headers={"Authorization": f"Bearer {token}",
                                   PROTOCOL_HEADER: str(PROTOCOL_VERSION)}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def signed_in_rep(machine, rep: str, name: str = "laptop", **options: Any):
    laptop = machine(name, **options)
    signed = laptop.sign_in(rep)
    return laptop, signed.token


# --- the client ---------------------------------------------------------------------------


def test_the_standing_is_the_contest_and_the_reps_row_of_its_leaderboard(machine, server_db,
                                                                          rep):
    contest = running_contest(server_db, rep)
    laptop, token = signed_in_rep(machine, rep)
    for _ in range(3):
        laptop.save()
    assert laptop.sync().pushed == 3

    standing = laptop.central.contest_standing()

    board = leaderboard(laptop.base_url, token, contest.id)
    assert standing is not None
    assert (standing.name, standing.prize) == ("December close-out", "A weekend in Lisbon")
    assert standing.ends_at == contest.ends_at
    assert standing.my_entries == board["me"]["entries"] > 0
    assert standing.band_text == board["my_band"]["text"] == "top 25%"  # 1st of 4
    assert standing.field_size == board["field_size"] == 4


def test_a_rep_whose_team_runs_no_contest_has_no_standing(machine, server_db, rep):
    laptop, _ = signed_in_rep(machine, rep)
    assert laptop.central.contest_standing() is None


def test_a_contest_that_ended_or_another_teams_is_not_the_reps(machine, server_db, rep):
    other = new_account(server_db, "rep")
    running_contest(server_db, other)  # another team's
    running_contest(server_db, rep, teammates=0, ends_in=-timedelta(hours=1))  # ended
    laptop, _ = signed_in_rep(machine, rep)

    assert laptop.central.contest_standing() is None


def test_of_two_running_contests_the_one_ending_first_is_shown(machine, server_db, rep):
    running_contest(server_db, rep, name="The quarter", ends_in=timedelta(days=80))
    running_contest(server_db, rep, name="December close-out", teammates=0)
    laptop, _ = signed_in_rep(machine, rep)

    standing = laptop.central.contest_standing()

    assert standing is not None and standing.name == "December close-out"
    assert standing.my_entries == 0 and standing.band_text == "keep going"


# --- the engine ---------------------------------------------------------------------------


def test_a_run_keeps_the_standing_and_a_later_push_updates_it(machine, server_db, rep):
    contest = running_contest(server_db, rep)
    laptop, token = signed_in_rep(machine, rep)
    laptop.engine = laptop.make_engine(role="rep", pull_interval=timedelta(hours=1))
    laptop.save()

    first = laptop.sync()
    kept = laptop.replica.kept_standing()
    laptop.save()
    laptop.save()
    second = laptop.sync()  # the pull is not due: the accepted push fetches it

    assert first.ok and second.ok and second.pushed == 2
    assert kept is not None and kept.name == "December close-out"
    after = laptop.replica.kept_standing()
    assert after is not None and after.fetched_at > kept.fetched_at
    assert after.my_entries == leaderboard(laptop.base_url, token, contest.id)["me"]["entries"]
    assert after.my_entries > kept.my_entries > 0
    assert laptop.replica.knows_standing()


def test_a_run_that_pushes_nothing_and_pulls_nothing_does_not_ask(machine, server_db, rep):
    running_contest(server_db, rep)
    laptop, _ = signed_in_rep(machine, rep, session=RecordingSession())
    laptop.engine = laptop.make_engine(role="rep", pull_interval=timedelta(hours=1))
    laptop.sync()
    asked = laptop.central.session.sent.count(CONTESTS)

    report = laptop.sync()

    assert report.ok and asked == 1
    assert laptop.central.session.sent.count(CONTESTS) == 1


def test_no_contest_running_is_kept_as_such(machine, server_db, rep):
    laptop, _ = signed_in_rep(machine, rep)
    assert not laptop.replica.knows_standing()  # never asked yet

    assert laptop.sync().ok

    assert laptop.replica.knows_standing() and laptop.replica.kept_standing() is None


def test_marketing_and_admin_accounts_never_ask_for_a_standing(machine, server_db):
    for role in ("marketing", "admin"):
        laptop = machine(f"laptop-{role}", session=RecordingSession())
        laptop.sign_in(new_account(server_db, role))
        laptop.engine = laptop.make_engine(role=role)

        report = laptop.sync(pull_now=True)

        assert report.ok and report.status.kind is StatusKind.LISTS_ONLY
        assert ("GET", "/api/v1/sync/config") in laptop.central.session.sent
        assert CONTESTS not in laptop.central.session.sent, role
        assert not laptop.replica.knows_standing()


def test_a_rep_made_marketing_on_the_server_stops_asking(machine, server_db, rep):
    running_contest(server_db, rep)
    laptop, _ = signed_in_rep(machine, rep, session=RecordingSession())
    laptop.engine = laptop.make_engine(role="rep")
    laptop.save()
    with server_db.begin() as connection:
        connection.execute(sa.update(users).where(users.c.username == rep)
                           .values(role="marketing"))

    report = laptop.sync()  # the push is refused: the role is learned, the lists come

    assert report.ok and report.role == "marketing"
    assert CONTESTS not in laptop.central.session.sent


class WithoutContestRoutes(requests.Session):
    """A session to a central store from before contests: the real server, asked for
    routes it does not have (its own 404) in place of the contest routes."""

    def request(self, method: str | bytes, url: str | bytes, *args: Any,
                **kwargs: Any) -> requests.Response:
        parts = urlsplit(str(url))
        if parts.path.startswith("/api/v1/contests"):
            url = urlunsplit(parts._replace(path=parts.path.replace("/contests",
                                                                    "/no-contests")))
        return super().request(method, url, *args, **kwargs)


def test_a_server_without_the_contest_routes_leaves_the_run_ok(machine, server_db, rep,
                                                                caplog):
    laptop, _ = signed_in_rep(machine, rep, session=WithoutContestRoutes())
    laptop.replica.keep_standing(ContestStanding(
        "An old one", "A mug", T0, 3, "top half", 2, T0))  # kept from before
    laptop.save()

    with caplog.at_level("INFO", logger="sync.client.engine"):
        report = laptop.sync()

    assert report.ok, report.errors
    assert report.pushed == 1 and report.status.kind is StatusKind.UP_TO_DATE
    assert laptop.replica.last_sync() == report.finished_at
    assert laptop.replica.knows_standing() and laptop.replica.kept_standing() is None
    assert [r.levelname for r in caplog.records if "standing" in r.getMessage()] == ["INFO"]


def test_a_standing_that_cannot_be_fetched_now_leaves_the_run_ok_and_the_last_kept(
        machine, server_db, server, rep):
    running_contest(server_db, rep)
    schedule = lambda seen: Fault.BAD_GATEWAY if "/contests" in seen.path else Fault.PASS  # noqa: E731
    with FaultProxy(server.base_url, schedule) as proxy:
        laptop, _ = signed_in_rep(machine, rep, base_url=proxy.base_url)
        laptop.replica.keep_standing(kept := ContestStanding(
            "December close-out", "A weekend in Lisbon", T0, 3, "top half", 4, T0))
        laptop.save()

        report = laptop.sync()

    assert report.ok, report.errors
    assert report.pushed == 1 and proxy.count(Fault.BAD_GATEWAY) == 1
    assert laptop.replica.kept_standing() == kept  # offline meanwhile: the last one stays
