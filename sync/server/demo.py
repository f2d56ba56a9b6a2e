"""The demo company: three teams, their reps, managers, contests and a year of debriefs,
so that Debrief can be tried and shown without anyone's real data.

`fill` writes it into a migrated store through the same functions the admin CLI and
the push route use (accounts, contests, ingest.push), so demo data obeys every rule
real data does. Everything random comes from one seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from sync.domain.actions import Kind, Measure, Status
from sync.domain.clock import from_iso
from sync.domain.debrief import Outcome
from sync.domain.team_lists import ListDocuments, TeamLists
from sync.server import accounts, actions, contests, ingest, taxonomy_versions
from sync.server.accounts import User
from sync.server.contests import Contest
from sync.server.demo_debriefs import YEAR, DemoRep, demo_debriefs
from sync.server.passwords import Passwords
from sync.server.tables import users

DEMO_PASSWORD = "debrief-demo-2026"  # documented: every demo account signs in with it
DEBRIEF_COUNT = 5_000
PUSH_BATCH = 250  # debriefs per ingest.push call, as a busy app would send them

REPS_BY_TEAM = {
    "Enterprise": ("Anna Berg", "Ben Okafor", "Carla Rossi", "David Chen", "Elena Petrova",
                   "Felix Wagner", "Greta Nilsson", "Hugo Martin", "Ines Costa", "Jonas Weber"),
    "Mid-Market": ("Karin Holm", "Lars Eriksen", "Mia Kowalski", "Noah Brooks", "Olga Ivanova",
                   "Paul Dubois", "Quinn Murphy", "Rosa Alvarez", "Sven Larsen", "Tara Singh"),
    "SMB": ("Uma Patel", "Victor Hugo", "Wendy Clarke", "Xavier Laurent", "Yara Haddad",
            "Zoe Fischer", "Adam Novak", "Bea Jansen", "Colin Walsh", "Dora Szabo"),
}
MANAGERS = {"Enterprise": "Erik Lindqvist", "Mid-Market": "Nadia Haddad",
            "SMB": "Tom Becker"}
HOME_REGIONS = {"Enterprise": ("north_america", "uk_ireland", "dach", "nordics"),
                "Mid-Market": ("north_america", "dach", "rest_of_europe", "apac"),
                "SMB": ("north_america", "uk_ireland", "rest_of_europe", "latin_america")}
PRIZES = {"Enterprise": "A weekend for two in Lisbon",
          "Mid-Market": "Noise-cancelling headphones",
          "SMB": "Dinner for four at a restaurant of your choice"}
CONTEST_HALF_LENGTH = timedelta(days=28)


class DemoExists(Exception):
    """The store already holds (some of) the demo accounts."""


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    team: str | None  # a rep's team, or the team a manager manages


@dataclass(frozen=True)
class DemoCompany:
    """What `fill` made, for the CLI to report."""

    teams: tuple[str, ...]
    accounts: tuple[DemoAccount, ...]
    debriefs: int
    first_at: datetime
    last_at: datetime
    contests: tuple[Contest, ...]


@dataclass(frozen=True)
class _OneHash(Passwords):
    """Passwords whose `hash` hands back one hash made beforehand: every demo account
    has the same password, and argon2 at the server's cost takes a while per hash."""

    shared_hash: str = ""

    def hash(self, password: str) -> str:
        return self.shared_hash


def demo_accounts() -> tuple[DemoAccount, ...]:
    """Every demo account: the admin, marketing, a manager per team, then the reps."""
    made = [DemoAccount("admin", "Sam Admin", "admin", None),
            DemoAccount("marketing.maria", "Maria Santos", "marketing", None)]
    for team, manager in MANAGERS.items():
        made.append(DemoAccount(manager_username(team), manager, "manager", team))
    for team, names in REPS_BY_TEAM.items():
        made += [DemoAccount(f"rep.{name.split()[0].lower()}", name, "rep", team)
                 for name in names]
    return tuple(made)


def fill(connection: sa.Connection, now: datetime, *, seed: int, passwords: Passwords,
         count: int = DEBRIEF_COUNT, config: ListDocuments | None = None) -> DemoCompany:
    """Add the demo company to a migrated store, in the caller's transaction.

    Raises DemoExists if any demo account is already there (nothing is written).
    """
    if count < 1:
        raise ValueError("the demo company needs at least one debrief")
    _refuse_if_present(connection)
    # The store's newest reason list: what its pushes are checked and counted by.
    config = config or taxonomy_versions.newest(connection).documents
    rng = random.Random(seed)
    since = now - YEAR - timedelta(days=1)  # the company existed before its first debrief
    people = _add_people(connection, since, _OneHash(
        passwords.hasher, passwords.nobody_hash, passwords.hash(DEMO_PASSWORD)))
    reps = [DemoRep(account.username, account.team or "",
                    rng.choice(HOME_REGIONS[account.team or ""]), rng.uniform(0.4, 1.8))
            for account in demo_accounts() if account.role == "rep"]
    made = demo_debriefs(rng, reps, count, now, config.lists.taxonomy, config.lists.segments)
    _push(connection, people, made, config.lists, now)
    running = _add_contests(connection, people, config, now)
    _add_actions(connection, people["marketing.maria"], config.lists, now)
    first, last = (from_iso(made[i][1]["created_at"]) for i in (0, -1))
    return DemoCompany(tuple(REPS_BY_TEAM), demo_accounts(), len(made), first, last, running)


def _refuse_if_present(connection: sa.Connection) -> None:
    names = [account.username for account in demo_accounts()]
    present = connection.execute(sa.select(users.c.username).where(
        users.c.username.in_(names)).order_by(users.c.username)).scalars().all()
    if present:
        shown = ", ".join(present[:5]) + (", ..." if len(present) > 5 else "")
        raise DemoExists(f"this store already has demo accounts ({shown}); demo-data "
                         "fills a store without them: use a new --data-dir or --db")


def _add_people(connection: sa.Connection, since: datetime,
                passwords: Passwords) -> dict[str, User]:
    """The teams and every demo account, by username."""
    for team in REPS_BY_TEAM:
        accounts.add_team(connection, team, since)
    people = {}
    for account in demo_accounts():
        rep, manager = account.role == "rep", account.role == "manager"
        people[account.username] = accounts.add_user(
            connection, username=account.username, password=DEMO_PASSWORD,
            role=account.role, now=since, passwords=passwords,
            display_name=account.display_name, team=account.team if rep else None,
            manages=(account.team,) if manager and account.team else ())
    return people


def _push(connection: sa.Connection, people: dict[str, User],
          made: Sequence[tuple[str, dict[str, Any]]], rules: TeamLists,
          now: datetime) -> None:
    """Store the debriefs through ingest.push, each rep's in batches, as their apps would;
    anything but "accepted" is a bug in the generator."""
    by_rep: dict[str, list[dict[str, Any]]] = {}
    for username, item in made:
        by_rep.setdefault(username, []).append(item)
    for username, items in by_rep.items():
        for start in range(0, len(items), PUSH_BATCH):
            results = ingest.push(connection, people[username],
                                  items[start:start + PUSH_BATCH], rules, now)
            refused = [r for r in results if r.status is not ingest.Status.ACCEPTED]
            if refused:
                raise RuntimeError(f"demo debrief not accepted: {refused[0]}")


def _add_contests(connection: sa.Connection, people: dict[str, User], config: ListDocuments,
                  now: datetime) -> tuple[Contest, ...]:
    """One running contest per team, run by its manager, four weeks either side of today."""
    today = datetime.combine(now.astimezone(UTC).date(), time(0), UTC)
    made = []
    for team in REPS_BY_TEAM:
        team_id = accounts.find_team_id(connection, team)
        assert team_id is not None
        made.append(contests.add_contest(
            connection, by=people[manager_username(team)], team_id=team_id,
            name=f"{team} debrief sprint", prize=PRIZES[team],
            starts_at=today - CONTEST_HALF_LENGTH, ends_at=today + CONTEST_HALF_LENGTH,
            rules=config.lists.contest.to_dict(), now=today - CONTEST_HALF_LENGTH))
    return tuple(made)


def _add_actions(connection: sa.Connection, marketer: User, lists: TeamLists,
                 now: datetime) -> None:
    """Two actions marketing made two months ago, against the three months before."""
    made_at = now - timedelta(days=61)
    month = made_at.date().replace(day=1)
    last = (month - timedelta(days=1)).replace(day=1)
    first = (last - timedelta(days=62)).replace(day=1)
    loss = lists.taxonomy.code("price.too_high")
    if loss is None or loss.retired:  # a store with a list of its own
        loss = next(code for code in lists.taxonomy.codes
                    if not code.retired and code.applies_to_outcome(Outcome.LOST))
    referral = any(choice.key == "referral" for choice in lists.leads.lead_sources)
    for title, status, days, measure in (
            ("ROI calculator in every proposal", Status.DOING, 30,
             Measure(Kind.REASON, Outcome.LOST, loss.key)),
            ("More deals from referrals", Status.OPEN, 90,
             Measure(Kind.WIN_RATE, Outcome.WON, None, *(("lead_source", "referral")
                                                        if referral else (None, None))))):
        actions.make(connection, lists, title=title, owner=marketer.display_name,
                     due=now.date() + timedelta(days=days), status=status, measure=measure,
                     baseline=(first, last), user_id=marketer.id, now=made_at)


def manager_username(team: str) -> str:
    return f"manager.{team.lower()}"
