"""What the status area shows about sync: one kind, one message, and the numbers behind it.

Offline (working locally), syncing (done of total), up to date (with the time), n
waiting, needs sign-in, update needed, server refused n debriefs (each with its reasons),
a problem with the server that the rep or the admin has to fix, or, for an account
whose debriefs do not sync (marketing, admin), that only the lists come.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sync.client.problems import ProblemKind, SyncProblem
from sync.domain.roles import syncs_debriefs
from sync.domain.sync_state import Refusal, ReplicaCounts
from sync.domain.text import N_, Message


class StatusKind(StrEnum):
    NOT_CONNECTED = "not_connected"  # no server set up: working locally
    OFFLINE = "offline"  # server unreachable or busy: working locally, retrying later
    SYNCING = "syncing"
    UP_TO_DATE = "up_to_date"
    WAITING = "waiting"  # debriefs not yet sent, nothing wrong
    NEEDS_SIGN_IN = "needs_sign_in"
    UPDATE_NEEDED = "update_needed"  # this app is too old for the server
    REFUSED = "refused"  # the server refused some debriefs; each has its reasons
    SERVER_PROBLEM = "server_problem"  # wrong address, certificate, server too old, ...
    LISTS_ONLY = "lists_only"  # an account that syncs no debriefs: only the lists come


_KIND_OF_PROBLEM = {
    ProblemKind.OFFLINE: StatusKind.OFFLINE,
    ProblemKind.THROTTLED: StatusKind.OFFLINE,
    ProblemKind.SIGN_IN: StatusKind.NEEDS_SIGN_IN,
    ProblemKind.UPDATE_APP: StatusKind.UPDATE_NEEDED,
}


@dataclass(frozen=True)
class SyncStatus:
    kind: StatusKind
    message: Message
    waiting: int = 0
    refused: int = 0
    refusals: tuple[Refusal, ...] = ()
    conflict_copies: int = 0
    last_sync: datetime | None = None
    retry_at: datetime | None = None
    done: int = 0
    total: int = 0
    role: str | None = None  # the account's, once a run has learned it


def not_connected(counts: ReplicaCounts) -> SyncStatus:
    return _with_counts(StatusKind.NOT_CONNECTED, Message(N_(
        "Working locally: no team server is set up.")), counts)


def syncing(done: int, total: int) -> SyncStatus:
    # The counts are in the status area's words (desktop.ui.sync_status), in the plural
    # form each takes: the sentences here name none.
    return SyncStatus(StatusKind.SYNCING, Message(N_("Syncing with your team's server.")),
                      done=done, total=total)


def settled(counts: ReplicaCounts, last_sync: datetime | None,
            role: str | None = None) -> SyncStatus:
    """After a run without a failure (or at start-up): refused, waiting, or up to date;
    for an account with a `role` whose debriefs do not sync, that only the lists come."""
    if not syncs_debriefs(role):
        return SyncStatus(StatusKind.LISTS_ONLY, Message(N_(
            "This account does not sync debriefs: those on this computer stay here. Your "
            "team's reason list, segments and contest rules come from the server.")),
            conflict_copies=counts.conflict_copies, last_sync=last_sync, role=role)
    if counts.refused:
        return _with_counts(StatusKind.REFUSED, Message(N_(
            "Click to see what the server refused and why. Open a debrief, fix it and "
            "save it: it is sent again.")), counts, last_sync, role=role)
    if counts.waiting:
        return _with_counts(StatusKind.WAITING, Message(N_(
            "Debriefs saved on this computer and not sent yet go with the next sync.")),
            counts, last_sync, role=role)
    if last_sync is None:
        return _with_counts(StatusKind.WAITING, Message(N_("Not synced yet")), counts,
                            role=role)
    return _with_counts(StatusKind.UP_TO_DATE, Message(N_(
        "Up to date (last sync {time})"), {"time": last_sync}),
        counts, last_sync, role=role)


def failed(problem: SyncProblem, counts: ReplicaCounts, last_sync: datetime | None,
           retry_at: datetime | None) -> SyncStatus:
    kind = _KIND_OF_PROBLEM.get(problem.kind, StatusKind.SERVER_PROBLEM)
    return _with_counts(kind, problem.message, counts, last_sync, retry_at)


def stopped_by_a_bug(counts: ReplicaCounts, last_sync: datetime | None,
                     retry_at: datetime | None) -> SyncStatus:
    """After a run that ended on a bug: nothing was lost, and when it tries again."""
    return _with_counts(StatusKind.SERVER_PROBLEM, Message(N_(
        "Sync stopped on an unexpected error; it will try again by itself. Your "
        "debriefs are safe on this computer. The log file has the details for your "
        "admin.")), counts, last_sync, retry_at)


def _with_counts(kind: StatusKind, message: Message, counts: ReplicaCounts,
                 last_sync: datetime | None = None, retry_at: datetime | None = None,
                 role: str | None = None) -> SyncStatus:
    return SyncStatus(kind, message, waiting=counts.waiting, refused=counts.refused,
                      refusals=counts.refusals, conflict_copies=counts.conflict_copies,
                      last_sync=last_sync, retry_at=retry_at, role=role)
