"""What every request works with, made once by the app factory (no import-time state)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from sync.domain.clock import Clock
from sync.domain.reporting import Reporting
from sync.server.passwords import Passwords
from sync.server.published import PublishedMonths
from sync.server.settings import ServerSettings
from sync.server.taxonomy_versions import ListsKeeper


@dataclass(frozen=True)
class ServerState:
    settings: ServerSettings
    engine: Engine
    passwords: Passwords
    lists: ListsKeeper  # the newest taxonomy version, with the shipped segments and rules
    clock: Clock
    schema_head: str
    reporting: Reporting  # the reporting currency and rates (reporting.json)
    published: PublishedMonths  # what insights publish of each month, kept per process
