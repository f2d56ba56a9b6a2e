"""The reason taxonomy as the central store keeps it: every version, oldest first.

Marketing changes the list (sync.domain.taxonomy_changes); each change is a new row of
`taxonomy_versions`, made from the newest one. The newest is what every app is handed
with the other lists at its next sync (`/sync/config`), what pushes are checked
against, and what the rollup and insights count by: when a change moves stored codes
to other current ones (a merge, a split), the rollup rows of those codes are counted
again in the change's own transaction (`rollups.move_codes`).

A change names the version it was made from (`based_on`): two marketers changing the
same version both see theirs checked, and the later one is told to look again (409).

Pushes count a debrief by the taxonomy they read inside their transaction, holding the
taxonomy shared (`hold`), and a change holds it alone: no push counts by a version
older than the rollup it writes to.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from typing import Any

import sqlalchemy as sa

from sync.domain import taxonomy_changes
from sync.domain.clock import as_utc
from sync.domain.taxonomy import Taxonomy
from sync.domain.team_lists import ListDocuments
from sync.server import rollups
from sync.server.code_map import CodeMap
from sync.server.database import reading, serialize
from sync.server.tables import taxonomy_versions, users

_LOCK = "taxonomy"


class StaleVersion(Exception):
    """A change made from a version that is no longer the newest."""

    def __init__(self, based_on: str, newest: str) -> None:
        super().__init__(f"the reason list changed since version {based_on}: it is "
                         f"version {newest} now; look at it again and make the change there")
        self.based_on, self.newest = based_on, newest


@dataclass(frozen=True)
class Version:
    """One version of the taxonomy as kept, without its document."""

    id: int
    version: str
    change: dict[str, Any]  # {"kind": ..., and its fields}; {"kind": "shipped"} first
    made_by: str | None  # the account's username; None for the shipped version
    made_at: datetime


@dataclass(frozen=True)
class Current:
    """The newest version's lists, and how they count stored codes."""

    id: int  # 0: none kept yet, the shipped lists
    documents: ListDocuments

    @cached_property
    def codes(self) -> CodeMap:
        return CodeMap.of(self.documents.lists.taxonomy)

    @cached_property
    def etag(self) -> str:
        """Names these lists for HTTP caching: their version, and a digest of them all."""
        documents = self.documents
        digest = hashlib.sha256(json.dumps(
            [documents.taxonomy, documents.segments, documents.contest_rules,
             documents.lead_lists],
            sort_keys=True).encode()).hexdigest()[:16]
        return f'"{documents.taxonomy_version}-{digest}"'

    @property
    def taxonomy(self) -> Taxonomy:
        return self.documents.lists.taxonomy


class ListsKeeper:
    """The lists a server process works with: the newest taxonomy version read from the
    store (one indexed read per call; the document parsed once per version), with the
    shipped segments and contest rules."""

    def __init__(self, shipped: ListDocuments) -> None:
        self.shipped = shipped
        self._kept = Current(0, shipped)

    def read(self, engine: sa.Engine) -> Current:
        """`current`, on a connection of its own."""
        with reading(engine) as connection:
            return self.current(connection)

    def current(self, connection: sa.Connection) -> Current:
        newest = connection.execute(
            sa.select(taxonomy_versions.c.id).order_by(taxonomy_versions.c.id.desc())
            .limit(1)).scalar()
        kept = self._kept
        if newest is None:
            return Current(0, self.shipped)
        if newest == kept.id:
            return kept
        document = json.loads(connection.execute(
            sa.select(taxonomy_versions.c.document)
            .where(taxonomy_versions.c.id == newest)).scalar_one())
        fresh = Current(newest, _with_taxonomy(self.shipped, document))
        self._kept = fresh  # one assignment: threads see the old or the new, whole
        return fresh


def newest(connection: sa.Connection) -> Current:
    """The store's newest lists, read once (for a command or a migration, which keep no
    ListsKeeper)."""
    return ListsKeeper(ListDocuments.shipped()).current(connection)


def _with_taxonomy(lists: ListDocuments, document: dict[str, Any]) -> ListDocuments:
    return replace(lists, taxonomy_version=str(document["version"]), taxonomy=document)


def hold(connection: sa.Connection) -> None:
    """Keep the taxonomy from changing until this transaction ends (for a push)."""
    serialize(connection, _LOCK, shared=True)


def change(connection: sa.Connection, keeper: ListsKeeper, based_on: str,
           wanted: dict[str, Any], by_id: int, now: datetime) -> Current:
    """Make the change `wanted` (taxonomy_changes.apply's form) to version `based_on`,
    which must be the newest, as the next version; move the rollup's counts where the
    change moved stored codes. Raises StaleVersion, or ChangeError naming the field."""
    serialize(connection, _LOCK)
    before = keeper.current(connection)
    if before.documents.taxonomy_version != based_on:
        known = connection.execute(sa.select(taxonomy_versions.c.id).where(
            taxonomy_versions.c.version == based_on)).first()
        if known is None:
            raise taxonomy_changes.ChangeError(
                "based_on", f"there is no version {based_on}: send the version you looked "
                            f"at (the newest is {before.documents.taxonomy_version})")
        raise StaleVersion(based_on, before.documents.taxonomy_version)
    document = taxonomy_changes.apply(before.documents.taxonomy, wanted)
    made = connection.execute(taxonomy_versions.insert().values(
        version=str(document["version"]), document=json.dumps(document),
        change=json.dumps(wanted), made_by=by_id, made_at=now)).inserted_primary_key[0]
    # Not kept by the keeper: this transaction may yet roll back.
    after = Current(made, _with_taxonomy(keeper.shipped, document))
    rollups.move_codes(connection, after.codes, after.codes.changed_from(before.codes))
    return after


def history(connection: sa.Connection) -> list[Version]:
    """Every version, newest first."""
    made_by = users.alias("made_by")
    rows = connection.execute(
        sa.select(taxonomy_versions.c.id, taxonomy_versions.c.version,
                  taxonomy_versions.c.change, made_by.c.username, taxonomy_versions.c.made_at)
        .select_from(taxonomy_versions.outerjoin(
            made_by, made_by.c.id == taxonomy_versions.c.made_by))
        .order_by(taxonomy_versions.c.id.desc()))
    return [Version(row.id, row.version, json.loads(row.change), row.username,
                    as_utc(row.made_at)) for row in rows]
