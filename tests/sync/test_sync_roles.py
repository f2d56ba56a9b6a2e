"""Only reps and managers sync debriefs; every role pulls the team's lists. Against the
real central store: a marketing or admin account never pushes, never asks for its own
debriefs and ends each run calmly; a role the app does not know yet (a connection kept
before it learned roles) is asked of the server; a role changed on the server since the
sign-in is learned from its refusal, without an error."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from helpers.sync_world import RecordingSession, new_account, server_rows

from sync.client.status import StatusKind
from sync.domain.roles import DEBRIEF_ROLES, syncs_debriefs
from sync.server.tables import users

PUSH = ("POST", "/api/v1/sync/push")
OWN_DEBRIEFS = ("GET", "/api/v1/sync/debriefs")
CONFIG = ("GET", "/api/v1/sync/config")
ME = ("GET", "/api/v1/auth/me")


def laptop_of(machine, server_db, role: str, *, waiting: int = 2,
              taken_for: str | None = ""):
    """A laptop signed in as a new account with `role`, with `waiting` debriefs saved,
    whose requests are noted in `laptop.central.session.sent`. Its engine takes the
    account for a `taken_for` (by default, what the sign-in said; None: not known)."""
    laptop = machine(f"laptop-{role}", session=RecordingSession())
    username = new_account(server_db, role)
    signed = laptop.sign_in(username)
    assert signed.role == role
    laptop.engine = laptop.make_engine(role=role if taken_for == "" else taken_for)
    saved = [laptop.save() for _ in range(waiting)]
    return laptop, username, saved


def sent(laptop) -> list[tuple[str, str]]:
    return laptop.central.session.sent


@pytest.mark.parametrize("role", ["marketing", "admin"])
def test_an_account_that_does_not_sync_debriefs_pulls_only_the_lists(machine, server_db,
                                                                     role):
    laptop, _, saved = laptop_of(machine, server_db, role)

    first = laptop.sync()
    pressed = laptop.sync(pull_now=True)  # "Sync now"

    for report in (first, pressed):
        assert report.ok, report.errors
        assert report.status.kind is StatusKind.LISTS_ONLY
        assert report.status.role == role
        assert (report.status.waiting, report.status.refused) == (0, 0)
        assert report.pushed == report.pulled == 0
    assert PUSH not in sent(laptop) and OWN_DEBRIEFS not in sent(laptop)
    assert sent(laptop).count(CONFIG) == 2
    assert laptop.replica.pulled_config() is not None  # the team's lists came
    assert server_rows(server_db, [d.id for d in saved]) == {}
    assert laptop.replica.counts().waiting == 2  # kept here, as they were


def test_the_lists_are_asked_at_every_run_and_the_role_only_when_due(machine, server_db):
    laptop, _, _ = laptop_of(machine, server_db, "marketing")
    laptop.engine.pull_interval = timedelta(hours=1)

    laptop.sync()
    laptop.sync()  # a save's run: the role is not due
    laptop.clock.advance(laptop.engine.pull_interval)
    laptop.sync()

    # Asked every run with the lists' ETag (answered 304 while they stand: a new reason
    # list reaches the app within one sync cycle); the role when the interval is up.
    assert sent(laptop).count(CONFIG) == 3
    assert sent(laptop).count(ME) == 2


@pytest.mark.parametrize("role", ["rep", "manager"])
def test_reps_and_managers_push_as_before_without_asking_who_they_are(machine, server_db,
                                                                      role):
    laptop, _, saved = laptop_of(machine, server_db, role)

    report = laptop.sync()

    assert report.ok and report.pushed == 2
    assert report.status.kind is StatusKind.UP_TO_DATE
    assert set(server_rows(server_db, [d.id for d in saved])) == {d.id for d in saved}
    assert PUSH in sent(laptop) and OWN_DEBRIEFS in sent(laptop)
    assert ME not in sent(laptop)


@pytest.mark.parametrize(("role", "pushes"), [("marketing", False), ("rep", True)])
def test_a_role_not_known_yet_is_asked_of_the_server(machine, server_db, role, pushes):
    laptop, _, saved = laptop_of(machine, server_db, role, taken_for=None)

    report = laptop.sync()

    assert report.ok, report.errors
    assert report.role == laptop.engine.role == role
    assert sent(laptop)[1] == ME  # after the sign-in, before anything else
    assert (PUSH in sent(laptop)) is pushes
    assert len(server_rows(server_db, [d.id for d in saved])) == (2 if pushes else 0)
    laptop.sync()
    assert sent(laptop).count(ME) == 1 + (not pushes)  # a rep is not asked again


def test_a_rep_made_marketing_on_the_server_is_learned_from_the_refusal(machine,
                                                                       server_db):
    laptop, username, saved = laptop_of(machine, server_db, "rep")
    with server_db.begin() as connection:
        connection.execute(sa.update(users).where(users.c.username == username)
                           .values(role="marketing"))

    report = laptop.sync()
    again = laptop.sync(pull_now=True)

    assert report.ok, report.errors
    assert report.role == "marketing"
    assert report.status.kind is again.status.kind is StatusKind.LISTS_ONLY
    assert sent(laptop).count(PUSH) == 1  # refused once, then never sent again
    assert server_rows(server_db, [d.id for d in saved]) == {}


def test_the_roles_that_sync_debriefs_are_those_the_server_takes_a_push_from(machine,
                                                                           server_db):
    for role in ("rep", "manager", "marketing", "admin"):
        # Each laptop takes its account for a rep's, so it tries to push.
        laptop, _, _ = laptop_of(machine, server_db, role, waiting=1, taken_for="rep")

        report = laptop.sync()

        assert report.ok, (role, report.errors)
        assert (report.pushed == 1) is (role in DEBRIEF_ROLES) is syncs_debriefs(role), role
    assert syncs_debriefs(None)  # unknown: a rep's, until the server says
