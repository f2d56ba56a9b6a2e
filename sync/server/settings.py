"""The central store's settings: command-line flags, then environment, then defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sync.server.sign_in import SignInLimits

APP_NAME = "debrief-server"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765

# Environment variables, each the same as its flag.
ENV_DATA_DIR = "DEBRIEF_SERVER_DATA_DIR"
ENV_DB = "DEBRIEF_SERVER_DB"
ENV_HOST = "DEBRIEF_SERVER_HOST"
ENV_PORT = "DEBRIEF_SERVER_PORT"
ENV_WORKERS = "DEBRIEF_SERVER_WORKERS"
ENV_DRAND_URL = "DEBRIEF_DRAND_URL"  # see sync.server.beacon


@dataclass(frozen=True)
class Limits:
    """Caps on what one request may ask of the server."""

    max_body_bytes: int = 8 * 1024 * 1024
    min_cell: int = 5  # aggregates: smaller groups are suppressed


@dataclass(frozen=True)
class ServerSettings:
    data_dir: Path
    db_url: str
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    limits: Limits = field(default_factory=Limits)
    sign_in: SignInLimits = field(default_factory=SignInLimits)
    # A public randomness beacon's chain for the draws ($DEBRIEF_DRAND_URL;
    # sync.server.beacon); None: draws from their seeds alone.
    drand_url: str | None = None

    @classmethod
    def resolve(cls, *, data_dir: str | None = None, db_url: str | None = None,
                host: str | None = None, port: int | str | None = None,
                environ: Mapping[str, str] | None = None) -> ServerSettings:
        environ = os.environ if environ is None else environ
        chosen_dir = data_dir or environ.get(ENV_DATA_DIR)
        if chosen_dir:
            resolved_dir = Path(chosen_dir).expanduser().resolve()
        else:
            from platformdirs import user_data_dir

            resolved_dir = Path(user_data_dir(APP_NAME, appauthor=False))
        if db_url is not None and not db_url.strip():
            raise ValueError("db: the database URL is empty (leave --db out for SQLite in "
                             "the data dir)")
        url = db_url or environ.get(ENV_DB) or f"sqlite:///{resolved_dir / 'central.sqlite'}"
        _check_credentials(url)
        port_number = whole_number("port", port if port is not None
                                   else environ.get(ENV_PORT, DEFAULT_PORT), 0, 65535)
        drand = (environ.get(ENV_DRAND_URL) or "").strip() or None
        if drand is not None and (not drand.startswith(("https://", "http://"))
                                  or len(drand) > 300):
            raise ValueError(f"{ENV_DRAND_URL}: {drand[:60]!r} is not an http(s) URL of at "
                             "most 300 characters")
        return cls(data_dir=resolved_dir, db_url=url,
                   host=host or environ.get(ENV_HOST) or DEFAULT_HOST, port=port_number,
                   drand_url=drand)


def whole_number(name: str, chosen: object, lowest: int, highest: int) -> int:
    """A setting given as a flag or in the environment, as a whole number from `lowest`
    to `highest`; ValueError naming `name` otherwise."""
    try:
        number = int(str(chosen))
    except ValueError:
        raise ValueError(f"{name}: {chosen!r} is not a number") from None
    if not lowest <= number <= highest:
        raise ValueError(f"{name}: {number} is not between {lowest} and {highest}")
    return number


def _check_credentials(url: str) -> None:
    """Refuse a bare '@' in the user name or password: the URL would be read with part of
    the password as the host, and that part would then show in every message naming the
    database."""
    authority = url.partition("://")[2].partition("/")[0]
    if authority.count("@") > 1:
        raise ValueError("db: the database URL has more than one '@' before the host: "
                         "write an '@' in the user name or password as %40 (and ':' as "
                         "%3A, '/' as %2F, '%' as %25)")
