"""`debrief-server`: start the central store, migrate it, manage users, teams and tokens,
fill it with a demo company."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TextIO, TypeVar

from sync import __version__
from sync.server import contest_command
from sync.server.settings import (
    ENV_DATA_DIR,
    ENV_DB,
    ENV_HOST,
    ENV_PORT,
    ENV_WORKERS,
    ServerSettings,
    whole_number,
)

if TYPE_CHECKING:  # the server's libraries load only for the command that needs them
    from datetime import datetime

    from sqlalchemy import Connection, Engine

    from sync.server.accounts import User
    from sync.server.demo import DemoCompany

EXIT_OK, EXIT_REFUSED = 0, 2
KEEP_ALIVE_S = 75
T = TypeVar("T")


class Refused(Exception):
    """Something the admin can fix; the message says what."""


def build_parser() -> argparse.ArgumentParser:
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--data-dir", metavar="DIR",
                       help=f"the server's folder (also ${ENV_DATA_DIR}; default: the user "
                            "data folder of debrief-server)")
    where.add_argument("--db", metavar="URL",
                       help=f"database URL (also ${ENV_DB}; default: sqlite in the data dir; "
                            "e.g. postgresql+psycopg://debrief@localhost/debrief)")

    parser = argparse.ArgumentParser(
        prog="debrief-server",
        description="Debrief's central store: where debriefs from every rep meet.")
    parser.add_argument("--version", action="version", version=f"debrief-server {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", parents=[where], help="start the HTTP API")
    serve.add_argument("--host", help=f"address to listen on (also ${ENV_HOST}; "
                                      "default 127.0.0.1)")
    serve.add_argument("--port", type=int, help=f"port (also ${ENV_PORT}; default 8765)")
    serve.add_argument("--workers", type=int, metavar="N",
                       help=f"server processes on this host, through uvicorn's own worker "
                            f"support (also ${ENV_WORKERS}; default 1; about one per core)")
    serve.set_defaults(run=_serve)

    migrate = commands.add_parser("migrate", parents=[where],
                                  help="create or upgrade the database schema")
    migrate.set_defaults(run=_migrate)

    user = commands.add_parser("user", help="add, list or disable users").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    add = user.add_parser("add", parents=[where], help="add a user (asks for the password)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=("rep", "manager", "marketing", "admin"))
    add.add_argument("--team", help="the team a rep belongs to")
    add.add_argument("--manages", action="append", default=[], metavar="TEAM",
                     help="a team a manager manages (repeat for several)")
    add.add_argument("--display-name", help="the name others see (default: the username)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    add.set_defaults(run=_user_add)
    user.add_parser("list", parents=[where], help="list users").set_defaults(run=_user_list)
    disable = user.add_parser("disable", parents=[where],
                              help="disable a user and revoke their tokens")
    disable.add_argument("username")
    disable.set_defaults(run=_user_disable)

    team = commands.add_parser("team", help="add or list teams").add_subparsers(
        dest="action", metavar="ACTION", required=True)
    team_add = team.add_parser("add", parents=[where], help="add a team")
    team_add.add_argument("name")
    team_add.set_defaults(run=_team_add)
    team.add_parser("list", parents=[where], help="list teams").set_defaults(run=_team_list)

    token = commands.add_parser("token", help="make tokens for BI tools, revoke tokens"
                                ).add_subparsers(dest="action", metavar="ACTION",
                                                 required=True)
    token_add = token.add_parser(
        "add", parents=[where], help="make a read-only token for a BI tool (shown once)",
        description="A token for Excel or Power BI to read insights and exports "
                    "(docs/bi.md). It belongs to an account of its own that reads "
                    "aggregates only; revoke it with `token revoke NAME`.")
    token_add.add_argument("--bi", required=True, metavar="NAME",
                           help="the BI tool's name, e.g. powerbi-marketing")
    token_add.set_defaults(run=_token_add)
    revoke = token.add_parser("revoke", parents=[where],
                              help="sign a user out everywhere (revoke all their tokens)")
    revoke.add_argument("username")
    revoke.set_defaults(run=_token_revoke)

    export = commands.add_parser(
        "export", parents=[where],
        help="write reason counts to a file (CSV, CSV for Excel, XLSX or JSON)",
        description="Reason counts, one row per period, group value(s) and reason code, "
                    "small counts left out exactly as in the app (docs/exports.md).")
    _export_arguments(export)
    export.set_defaults(run=_export)

    contest_command.add_arguments(commands, where, _in_transaction)

    demo = commands.add_parser("demo-data", parents=[where],
                               help="fill a new store with a demo company: 3 teams, 30 reps, "
                                    "a year of debriefs, running contests")
    demo.add_argument("--seed", type=int, default=1, metavar="N",
                      help="the same seed makes the same company (default 1)")
    demo.set_defaults(run=_demo_data)
    return parser


def _export_arguments(export: argparse.ArgumentParser) -> None:
    from sync.server import export_command  # the export's own flags, said once

    export_command.add_arguments(export)


def main(argv: list[str] | None = None, stdin: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.stdin = stdin or sys.stdin
    try:
        return args.run(args)
    except (Refused, contest_command.ContestRefused) as error:
        print(f"debrief-server: {error}", file=sys.stderr)
        return EXIT_REFUSED


def _settings(args: argparse.Namespace) -> ServerSettings:
    try:
        return ServerSettings.resolve(data_dir=args.data_dir, db_url=args.db,
                                      host=getattr(args, "host", None),
                                      port=getattr(args, "port", None))
    except ValueError as error:
        raise Refused(str(error)) from None


def _engine(settings: ServerSettings) -> Engine:
    from sync.server.database import DatabaseError, make_engine

    try:
        return make_engine(settings.db_url)
    except (DatabaseError, ImportError) as error:
        raise Refused(str(error)) from None
    except Exception as error:  # a malformed URL
        raise Refused(f"cannot use the database URL: {error}") from None


@contextlib.contextmanager
def _reaching(settings: ServerSettings) -> Iterator[None]:
    """Say which database could not be reached, and why, instead of a traceback."""
    from sqlalchemy.exc import OperationalError

    from sync.server.database import describe

    try:
        yield
    except OperationalError as error:
        raise Refused(f"cannot reach the database {describe(settings.db_url)}: "
                      f"{error.orig}") from None


def _ready_engine(settings: ServerSettings) -> Engine:
    """The engine, once the schema is known to be current; otherwise say what to do."""
    from sync.server.database import SchemaState, check_schema

    engine = _engine(settings)
    with _reaching(settings):
        check = check_schema(engine)
    if check.state is not SchemaState.CURRENT:
        raise Refused(check.message)
    return engine


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from sync.domain.reporting import ReportingError
    from sync.server.api.app import create_app
    from sync.server.database import describe

    settings = _settings(args)
    engine = _ready_engine(settings)
    try:
        app = create_app(settings, engine=engine)
    except ReportingError as error:
        raise Refused(f"the reporting currency and rates: {error}") from None
    workers = _workers(args)
    print(f"Debrief central store on http://{settings.host}:{settings.port} "
          f"(database: {describe(settings.db_url)}"
          f"{f'; {workers} worker processes' if workers > 1 else ''})", flush=True)
    # Idle connections stay open longer than a load balancer's usual idle timeout (60 s):
    # closing first races the client's next request into a reset connection.
    options = {"host": settings.host, "port": settings.port, "log_level": "info",
               "proxy_headers": True, "timeout_keep_alive": KEEP_ALIVE_S}
    if workers == 1:
        uvicorn.run(app, **options)
        return EXIT_OK
    # Each worker makes its own app from the settings, handed on in the environment:
    # server processes share nothing but the database.
    engine.dispose()
    os.environ.update({ENV_DATA_DIR: str(settings.data_dir), ENV_DB: settings.db_url})
    uvicorn.run("sync.server.api.app:app_from_environment", factory=True, workers=workers,
                **options)
    return EXIT_OK


def _workers(args: argparse.Namespace) -> int:
    chosen = args.workers if args.workers is not None else os.environ.get(ENV_WORKERS, "1")
    try:
        return whole_number("workers", chosen, 1, 64)
    except ValueError as error:
        raise Refused(str(error)) from None


def _migrate(args: argparse.Namespace) -> int:
    from sync.server.database import DatabaseError, describe, migrate

    settings = _settings(args)
    try:
        with _reaching(settings):
            check = migrate(_engine(settings))
    except DatabaseError as error:
        raise Refused(str(error)) from None
    print(f"{describe(settings.db_url)}: {check.message}")
    return EXIT_OK


def _in_transaction(args: argparse.Namespace, work: Callable[[Connection, datetime], T]) -> T:
    """Run `work(connection, now)` in one transaction on a current database."""
    from sync.domain.clock import SystemClock
    from sync.server.accounts import AccountError

    engine = _ready_engine(_settings(args))
    try:
        with engine.begin() as connection:
            return work(connection, SystemClock().now())
    except AccountError as error:
        raise Refused(f"{error.field}: {error.message}") from None
    finally:
        engine.dispose()


def _user_add(args: argparse.Namespace) -> int:
    from sync.server import accounts
    from sync.server.passwords import Passwords

    password = _read_password(args)
    user = _in_transaction(args, lambda connection, now: accounts.add_user(
        connection, username=args.username, password=password, role=args.role, now=now,
        passwords=Passwords.default(), display_name=args.display_name, team=args.team,
        manages=args.manages))
    print(f"added {user.role} {user.username}")
    return EXIT_OK


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return args.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise Refused("no terminal to ask for the password: pass --password-stdin")
    first = getpass.getpass(f"Password for {args.username}: ")
    if getpass.getpass("Same password again: ") != first:
        raise Refused("the two passwords differ")
    return first


def _user_list(args: argparse.Namespace) -> int:
    from sync.server import accounts

    def listing(connection: Connection, _now: datetime) -> list[tuple[User, str | None, list[str]]]:
        return [(user, team, accounts.team_names(connection, user.managed_team_ids))
                for user, team in accounts.list_users(connection)]

    rows = _in_transaction(args, listing)
    print(f"{'USERNAME':24} {'ROLE':10} {'TEAM':20} {'MANAGES':24} STATUS")
    for user, team, manages in rows:
        print(f"{user.username:24} {user.role:10} {team or '-':20} "
              f"{', '.join(manages) or '-':24} {'disabled' if user.disabled else 'active'}")
    return EXIT_OK


def _user_disable(args: argparse.Namespace) -> int:
    from sync.server import accounts

    _in_transaction(args, lambda connection, now: accounts.disable_user(
        connection, args.username, now))
    print(f"disabled {args.username} and revoked their tokens")
    return EXIT_OK


def _team_add(args: argparse.Namespace) -> int:
    from sync.server import accounts

    team = _in_transaction(args, lambda connection, now: accounts.add_team(
        connection, args.name, now))
    print(f"added team {team.name}")
    return EXIT_OK


def _team_list(args: argparse.Namespace) -> int:
    from sync.server import accounts

    for team in _in_transaction(args, lambda connection, _now: accounts.list_teams(connection)):
        print(team.name)
    return EXIT_OK


def _token_add(args: argparse.Namespace) -> int:
    from sync.server import bi_tokens
    from sync.server.passwords import Passwords

    token = _in_transaction(args, lambda connection, now: bi_tokens.add(
        connection, args.bi, now, Passwords.default()))
    print(f"a read-only token for {args.bi}, valid for "
          f"{bi_tokens.BI_TOKEN_LIFETIME.days} days (shown once; keep it in the BI tool's "
          f"credentials):\n{token}")
    return EXIT_OK


def _token_revoke(args: argparse.Namespace) -> int:
    from sync.server import accounts

    count = _in_transaction(args, lambda connection, now: accounts.revoke_user_tokens(
        connection, args.username, now))
    print(f"revoked {count} token(s) of {args.username}")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from sync.server import export_command

    settings = _settings(args)
    engine = _ready_engine(settings)
    try:
        with _reaching(settings):
            rows, output = export_command.run(args, engine,
                                              min_cell=settings.limits.min_cell)
    except export_command.ExportRefused as error:
        raise Refused(str(error)) from None
    finally:
        engine.dispose()
    print(f"wrote {rows:,} rows to {output} ({args.format})")
    return EXIT_OK


def _demo_data(args: argparse.Namespace) -> int:
    from sync.server import demo
    from sync.server.passwords import Passwords

    try:
        company = _in_transaction(args, lambda connection, now: demo.fill(
            connection, now, seed=args.seed, passwords=Passwords.default()))
    except demo.DemoExists as error:
        raise Refused(str(error)) from None
    _print_demo(company, demo.DEMO_PASSWORD)
    return EXIT_OK


def _print_demo(company: DemoCompany, password: str) -> None:
    roles = [account.role for account in company.accounts]
    print(f"added the demo company: {len(company.teams)} teams ({', '.join(company.teams)}), "
          f"{roles.count('rep')} reps, {roles.count('manager')} managers, "
          f"{roles.count('marketing')} marketing, {roles.count('admin')} admin")
    print(f"{company.debriefs:,} debriefs from {company.first_at:%Y-%m-%d} to "
          f"{company.last_at:%Y-%m-%d}")
    for contest in company.contests:
        print(f"running contest: {contest.name} ({contest.team}), "
              f"{contest.starts_at:%Y-%m-%d} to {contest.ends_at:%Y-%m-%d}")
    print(f"\nDemo accounts, all with the password {password!r}:")
    for account in company.accounts:
        where = {"rep": f"rep in {account.team}", "manager": f"manager of {account.team}"}
        print(f"  {account.username:20} {where.get(account.role, account.role):28} "
              f"{account.display_name}")


if __name__ == "__main__":
    sys.exit(main())
