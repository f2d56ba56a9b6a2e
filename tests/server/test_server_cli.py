"""`debrief-server` for the admin: migrate, refuse to serve a database it cannot use,
manage teams, users and tokens; every refusal exits 2 with a message naming the field
and writes nothing. On SQLite and PostgreSQL.

Most commands run as a real process (`python -m sync.server`), as an admin runs them.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers.server_harness import free_port, run_cli, server_command
from helpers.server_world import FAST_PASSWORDS, migrated

from sync.server import accounts, cli, tokens
from sync.server.database import make_engine
from sync.server.tables import managed_teams, teams, users
from sync.server.tables import tokens as tokens_table

LONG_PASSWORD = "a long enough password"
EXIT_REFUSED = 2


def run(url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`debrief-server ARGS --db URL`."""
    return run_cli(*args, "--db", url, stdin=stdin)


def ok(url: str, *args: str, stdin: str | None = None) -> str:
    result = run(url, *args, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr
    return result.stdout


def refused(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode == EXIT_REFUSED, (result.returncode, result.stdout,
                                               result.stderr)
    assert result.stderr.startswith("debrief-server: "), result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    return result.stderr


def serve(url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """`serve`, which should refuse at once; the timeout catches one that starts."""
    return subprocess.run(server_command("serve", "--db", url, "--data-dir", str(data_dir),
                                         "--port", str(free_port())),
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def engine_for() -> Iterator[Callable[[str], sa.Engine]]:
    """Engines on the test's own database, disposed at the end."""
    made: list[sa.Engine] = []

    def make(url: str) -> sa.Engine:
        made.append(make_engine(url))
        return made[-1]

    yield make
    for engine in made:
        engine.dispose()


def table_names(engine: sa.Engine) -> list[str]:
    return sorted(sa.inspect(engine).get_table_names())


def schema_version(engine: sa.Engine) -> str:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()


def user_rows(listing: str) -> dict[str, list[str]]:
    """`user list` as {username: [role, team, manages, status]}."""
    lines = listing.splitlines()
    assert lines[0].split() == ["USERNAME", "ROLE", "TEAM", "MANAGES", "STATUS"]
    rows = {}
    for line in lines[1:]:
        username, *rest = re.split(r"\s{2,}", line.strip())
        rows[username] = rest
    return rows


# --- the schema -------------------------------------------------------------------------


def test_serve_refuses_an_unmigrated_database(fresh_database: str, tmp_path, engine_for):
    result = serve(fresh_database, tmp_path)
    refused(result, "debrief-server migrate")
    assert "central store on" not in result.stdout
    assert table_names(engine_for(fresh_database)) == []


def test_migrate_twice_is_fine(fresh_database: str, engine_for):
    first = ok(fresh_database, "migrate")
    assert "current" in first
    engine = engine_for(fresh_database)
    tables = table_names(engine)
    assert {"alembic_version", "teams", "users", "tokens", "debriefs"} <= set(tables)
    version = schema_version(engine)
    second = ok(fresh_database, "migrate")
    assert "current" in second
    assert table_names(engine) == tables
    assert schema_version(engine) == version


def test_a_schema_from_a_newer_server_is_refused_and_left_alone(fresh_database: str,
                                                               tmp_path, engine_for):
    url = migrated(fresh_database)
    ok(url, "team", "add", "north")
    engine = engine_for(url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = 'f00d'"))
    tables = table_names(engine)
    refused(run(url, "migrate"), "newer debrief-server")
    refused(serve(url, tmp_path), "newer debrief-server")
    refused(run(url, "team", "list"), "newer debrief-server")
    assert schema_version(engine) == "f00d"
    assert table_names(engine) == tables
    with engine.connect() as connection:
        assert connection.execute(sa.select(teams.c.name)).scalars().all() == ["north"]


# --- teams ------------------------------------------------------------------------------


def test_teams_are_added_listed_and_never_twice(fresh_database: str):
    url = migrated(fresh_database)
    assert ok(url, "team", "list") == ""
    assert "added team south" in ok(url, "team", "add", "south")
    assert "added team north" in ok(url, "team", "add", "north")
    assert ok(url, "team", "list").splitlines() == ["north", "south"]
    for name in ("north", " north ", "North"):
        refused(run(url, "team", "add", name), "name:", "'north' already exists")
    refused(run(url, "team", "add", "   "), "name:")
    assert ok(url, "team", "list").splitlines() == ["north", "south"]


# --- users ------------------------------------------------------------------------------


def test_user_add_refuses_what_it_cannot_store_and_writes_nothing(fresh_database: str,
                                                                 engine_for):
    url = migrated(fresh_database)
    ok(url, "team", "add", "north")
    cases = [
        (["carol", "--role", "rep"], LONG_PASSWORD, "team"),
        (["Carol Smith", "--role", "rep", "--team", "north"], LONG_PASSWORD, "username"),
        (["c", "--role", "rep", "--team", "north"], LONG_PASSWORD, "username"),
        (["carol", "--role", "rep", "--team", "north"], "too short", "password"),
        (["carol", "--role", "rep", "--team", "north"], "", "password"),
        (["mona", "--role", "manager"], LONG_PASSWORD, "manages"),
        (["carol", "--role", "rep", "--team", "nowhere"], LONG_PASSWORD, "team"),
        (["mona", "--role", "manager", "--manages", "north", "--manages", "nowhere"],
         LONG_PASSWORD, "manages"),
        (["carol", "--role", "rep", "--team", "north", "--manages", "north"], LONG_PASSWORD,
         "manages"),
        (["carol", "--role", "rep", "--team", "north", "--display-name", "x" * 121],
         LONG_PASSWORD, "display_name"),
    ]
    for args, password, field in cases:
        result = run(url, "user", "add", *args, "--password-stdin", stdin=f"{password}\n")
        message = refused(result, f"debrief-server: {field}: ")
        assert result.stdout == "", args
        if password:
            assert password not in message, args
    assert user_rows(ok(url, "user", "list")) == {}
    with engine_for(url).connect() as connection:
        for table in (users, managed_teams):
            assert connection.execute(sa.select(sa.func.count()).select_from(
                table)).scalar_one() == 0, table.name


def test_user_add_refuses_a_username_that_is_taken(fresh_database: str):
    url = migrated(fresh_database)
    ok(url, "team", "add", "north")
    ok(url, "user", "add", "carol", "--role", "marketing", "--password-stdin",
       stdin=f"{LONG_PASSWORD}\n")
    refused(run(url, "user", "add", "CAROL", "--role", "rep", "--team", "north",
                "--password-stdin", stdin=f"{LONG_PASSWORD}\n"), "username:", "taken")
    assert user_rows(ok(url, "user", "list")) == {
        "carol": ["marketing", "-", "-", "active"]}


def test_a_blank_display_name_falls_back_to_the_username(fresh_database: str, engine_for):
    url = migrated(fresh_database)
    ok(url, "user", "add", "carol", "--role", "marketing", "--display-name", "   ",
       "--password-stdin", stdin=f"{LONG_PASSWORD}\n")
    with engine_for(url).connect() as connection:
        assert accounts.find_user(connection, "carol").display_name == "carol"


def test_the_same_user_added_at_once_three_times_is_added_once(fresh_database: str):
    url = migrated(fresh_database)
    with ThreadPoolExecutor(3) as pool:  # three processes, started together
        results = list(pool.map(lambda _: run(url, "user", "add", "racer", "--role", "admin",
                                              "--password-stdin", stdin=f"{LONG_PASSWORD}\n"),
                                range(3)))
    assert [r.returncode for r in results].count(0) == 1, [r.stderr for r in results]
    for result in results:
        if result.returncode != 0:
            refused(result, "username:", "'racer' is taken")
    assert list(user_rows(ok(url, "user", "list"))) == ["racer"]


def test_user_list_shows_roles_teams_and_status_and_disable_changes_it(
        fresh_database: str, engine_for):
    url = migrated(fresh_database)
    for name in ("north", "south"):
        ok(url, "team", "add", name)
    added = ok(url, "user", "add", "rita", "--role", "rep", "--team", "north",
               "--password-stdin", stdin=f"{LONG_PASSWORD}\r\n")
    assert added.strip() == "added rep rita"
    assert LONG_PASSWORD not in added
    ok(url, "user", "add", "max", "--role", "manager", "--manages", "south", "--manages",
       "north", "--password-stdin", stdin=f"{LONG_PASSWORD}\n")
    assert user_rows(ok(url, "user", "list")) == {
        "max": ["manager", "-", "north, south", "active"],
        "rita": ["rep", "north", "-", "active"]}
    engine = engine_for(url)
    with engine.connect() as connection:
        stored = connection.execute(sa.select(users.c.password_hash).where(
            users.c.username == "rita")).scalar_one()
    assert FAST_PASSWORDS.verify(stored, LONG_PASSWORD)  # "\r\n" was not part of it
    with engine.begin() as connection:
        token = tokens.issue(connection, accounts.find_user(connection, "rita").id,
                             datetime.now(UTC), timedelta(days=1))
    assert "disabled rita" in ok(url, "user", "disable", "rita")
    assert user_rows(ok(url, "user", "list")) == {
        "max": ["manager", "-", "north, south", "active"],
        "rita": ["rep", "north", "-", "disabled"]}
    with engine.connect() as connection:
        assert tokens.user_for(connection, token, datetime.now(UTC)) is None
    refused(run(url, "user", "disable", "nobody"), "username:")


# --- tokens -----------------------------------------------------------------------------


def test_token_revoke_signs_a_user_out_everywhere(fresh_database: str, engine_for):
    url = migrated(fresh_database)
    engine = engine_for(url)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        accounts.add_team(connection, "north", now)
        ids = {name: accounts.add_user(connection, username=name, password=LONG_PASSWORD,
                                       role="rep", now=now, passwords=FAST_PASSWORDS,
                                       team="north").id for name in ("rita", "olga")}
        rita_tokens = [tokens.issue(connection, ids["rita"], now, timedelta(days=30))
                       for _ in range(2)]
        olga_token = tokens.issue(connection, ids["olga"], now, timedelta(days=30))

    def revoked_at(user: str) -> list[datetime | None]:
        with engine.connect() as connection:
            return connection.execute(sa.select(tokens_table.c.revoked_at).where(
                tokens_table.c.user_id == ids[user])).scalars().all()

    assert "revoked 2 token(s) of rita" in ok(url, "token", "revoke", "rita")
    assert len(revoked_at("rita")) == 2
    assert all(moment is not None for moment in revoked_at("rita"))
    assert revoked_at("olga") == [None]
    with engine.connect() as connection:
        for token in rita_tokens:
            assert tokens.user_for(connection, token, datetime.now(UTC)) is None
        assert tokens.user_for(connection, olga_token, datetime.now(UTC)) is not None
    first_revocations = revoked_at("rita")
    assert "revoked 0 token(s) of rita" in ok(url, "token", "revoke", "rita")
    assert revoked_at("rita") == first_revocations
    refused(run(url, "token", "revoke", "nobody"), "username:", "no user")


# --- the database URL -------------------------------------------------------------------


@pytest.mark.parametrize("command", [["migrate"], ["serve"], ["team", "list"],
                                     ["user", "list"], ["token", "revoke", "rita"]])
def test_a_nonsense_database_url_is_refused_without_a_traceback(command: list[str]):
    refused(run("not a database url", *command), "database URL")
    refused(run("http://example.com/debrief", *command), "unsupported database")


def test_a_nonsense_database_url_is_refused_in_process(capsys):
    assert cli.main(["team", "add", "north", "--db", "::nonsense::"]) == EXIT_REFUSED
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("debrief-server: cannot use the database URL")


def test_an_empty_db_url_is_refused_not_read_as_the_default(tmp_path) -> None:
    """An unset variable in a script (`--db "$DB_URL"`) must not create a store elsewhere."""
    result = run_cli("migrate", "--db", "", "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "db: the database URL is empty" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_password_with_a_bare_at_sign_is_refused_without_showing_it(tmp_path) -> None:
    """Read as written, part of the password would be the host, named in every error."""
    result = run_cli("migrate", "--db", "postgresql+psycopg://debrief:Sec@ret@127.0.0.1/db",
                     "--data-dir", str(tmp_path))
    assert result.returncode == 2
    assert "as %40" in result.stderr
    assert "Sec" not in result.stderr and "ret@" not in result.stderr
    assert list(tmp_path.iterdir()) == []
