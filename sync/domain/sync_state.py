"""What the app and its local store know about syncing: refusals, conflicts, pulled lists.

Plain records shared by the sync engine (sync.client) and the local store that keeps
them (desktop.store), so that neither has to import the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sync.domain.debrief import Debrief


@dataclass(frozen=True)
class RefusedField:
    """One reason the central store gave for refusing a debrief, in its own words."""

    field: str
    message: str


@dataclass(frozen=True)
class Refusal:
    """The central store refused this revision of a debrief; it stays on the laptop."""

    debrief_id: str
    revision: int
    problems: tuple[RefusedField, ...]


@dataclass(frozen=True)
class ConflictCopy:
    """The losing side of a conflict between two machines, kept for the rep to read."""

    debrief: Debrief
    winner_revision: int
    kept_at: datetime
    copy_id: int = 0  # the local store's key, to dismiss or use this copy
    lost_here: bool | None = None  # written on this machine (True), another (False), unknown


@dataclass(frozen=True)
class PullOutcome:
    """What applying one page of pulled debriefs did to the local store."""

    added: int = 0
    updated: int = 0
    conflicts: int = 0  # conflict copies kept


@dataclass(frozen=True)
class ReplicaCounts:
    """What the status area needs: debriefs waiting to be pushed, refused, conflicts."""

    waiting: int = 0
    refused: int = 0
    conflict_copies: int = 0
    refusals: tuple[Refusal, ...] = field(default=())
