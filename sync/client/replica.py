"""What the sync engine needs from the laptop's store: the local replica of the debriefs.

The desktop store implements it (desktop.store.sync_replica); the engine is tested
against that real store. Every method is one transaction of its own, so a crash
between two calls leaves the store consistent: at worst a debrief is pushed again and
answered "duplicate".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sync.domain.contest_standing import ContestStanding
from sync.domain.debrief import Debrief
from sync.domain.sync_state import PullOutcome, Refusal, ReplicaCounts
from sync.domain.team_lists import ListDocuments


class LocalReplica(Protocol):
    def unsynced(self, limit: int, after: str | None = None) -> list[Debrief]:
        """Up to `limit` debriefs (tombstones too) whose latest revision the central
        store has not confirmed and has not refused, in id order, with ids after
        `after`. Each as stored, with its revision; private fields may be present (the
        engine sends only `sync.domain.wire.to_wire` of them)."""
        ...

    def mark_synced(self, confirmed: Sequence[tuple[str, int]]) -> None:
        """The central store holds these (id, revision)s: accepted or duplicate. A
        debrief edited since stays waiting (its revision is higher)."""
        ...

    def mark_refused(self, refusals: Sequence[Refusal]) -> None:
        """The central store refused these revisions; keep them with the reasons until
        the rep edits them (a higher revision is pushed again)."""
        ...

    def apply_pulled(self, debriefs: Sequence[Debrief], position: str, *, complete: bool,
                     pulled_at: datetime) -> PullOutcome:
        """Merge a page of the rep's change feed from the central store, and remember
        the feed `position` after it; `complete`: the feed has nothing after it (a full
        pull that began at the feed's start is then recorded as done, at `pulled_at`).

        The higher revision wins, ties by the later `updated_at`; a version that loses
        to another machine's is kept as a conflict copy, never dropped. A local edit
        not yet pushed is replaced only by a version that wins by that rule."""
        ...

    def feed_position(self) -> str | None:
        """How far this machine has read the rep's change feed; None if it never did."""
        ...

    def begin_full_pull(self, started_at: datetime) -> None:
        """Read the feed again from its start (the position goes back to the start)."""
        ...

    def full_pull_running(self) -> bool:
        """A full pull began and has not reached the end yet (it goes on from where it
        stopped)."""
        ...

    def last_complete_pull(self) -> datetime | None:
        """When a pull last read the feed to its end, or None if it never did."""
        ...

    def last_full_pull(self) -> datetime | None:
        """When a pull from the feed's start last reached its end, or None."""
        ...

    def apply_config(self, config: ListDocuments) -> None:
        """Keep the taxonomy, segment lists and contest rules the central store uses."""
        ...

    def keep_standing(self, standing: ContestStanding | None) -> None:
        """Keep the rep's standing in their team's running contest, as just fetched (for
        the prize panel, at the next start and offline too); None: no contest of theirs
        is running."""
        ...

    def record_sync(self, finished_at: datetime) -> None:
        """A run pushed and pulled everything without a failure at `finished_at`."""
        ...

    def last_sync(self) -> datetime | None:
        ...

    def counts(self) -> ReplicaCounts:
        """Waiting, refused (with the first refusals), and conflict copies."""
        ...
