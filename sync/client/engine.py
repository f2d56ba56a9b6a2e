"""The sync engine: one run pushes what waits, then pulls the rep's debriefs and the lists,
and fetches where the rep stands in their team's running contest.

For an account whose debriefs do not sync (marketing, admin: sync.domain.roles) a run
only pulls the lists; an account's role comes from the sign-in, or, unknown, from the
server's "who am I".

A run never retries inside itself: the first failure ends it, and the report says what
happened and when to try again (back-off with jitter, Retry-After as a floor). Nothing
is marked synced unless the central store's answer lists it as accepted or duplicate;
a refused debrief stays on the laptop with the server's reasons. No Qt: the app runs
`run_once` on its network worker and shows `report.status`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sync.client import problems
from sync.client.backoff import Backoff
from sync.client.central_store import CentralStore, ItemAnswer
from sync.client.problems import BatchRefused, ProblemKind, SyncProblem
from sync.client.replica import LocalReplica
from sync.client.status import SyncStatus, failed, settled
from sync.domain.clock import Clock
from sync.domain.debrief import Debrief
from sync.domain.roles import syncs_debriefs
from sync.domain.sync_state import Refusal, RefusedField, ReplicaCounts
from sync.domain.team_lists import ListDocuments
from sync.domain.text import N_, Message
from sync.domain.wire import WIRE_FIELDS, from_wire, to_wire
from sync.protocol import FEED_START, MAX_BATCH, MAX_PAGE

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (done, total) debriefs pushed in this run

# Failures that need the rep (sign in again, update the app): no automatic retry.
_NEEDS_THE_REP = frozenset({ProblemKind.SIGN_IN, ProblemKind.UPDATE_APP})
# Answers to the contest routes that mean the server has no standing to give.
_NO_STANDING = frozenset({ProblemKind.REFUSED, ProblemKind.WRONG_ADDRESS})


@dataclass
class SyncReport:
    started_at: datetime
    finished_at: datetime | None = None
    pushed: int = 0  # accepted by the central store
    duplicates: int = 0  # it already held them
    rejected: int = 0  # refused, kept here with the reasons
    pulled: int = 0
    conflicts: int = 0  # conflict copies kept by this run's pull
    role: str | None = None  # the account's role, when this run learned it
    errors: list[SyncProblem] = field(default_factory=list)
    status: SyncStatus | None = None
    retry_in: float | None = None  # seconds until the next try; None: wait for the rep
    retry_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


class SyncEngine:
    """Syncs one local replica with one central store for one rep.

    `rep` is the name pulled debriefs are stored under on this machine; `role` is the
    account's, as the sign-in said (None: not known yet). Tests (and the app) choose
    the batch and page sizes, how often the rep's debriefs are pulled (`pull_interval`:
    what changed since the last pull) and pulled whole (`full_pull_interval`), the
    clock and the back-off's random source.
    """

    def __init__(self, central: CentralStore, replica: LocalReplica, *, rep: str,
                 clock: Clock, role: str | None = None, backoff: Backoff | None = None,
                 batch_size: int = 250, page_size: int = MAX_PAGE,
                 pull_interval: timedelta = timedelta(minutes=15),
                 full_pull_interval: timedelta = timedelta(days=1)):
        if not 1 <= batch_size <= MAX_BATCH or not 1 <= page_size <= MAX_PAGE:
            raise ValueError(f"batch and page sizes go from 1 to {MAX_BATCH}")
        self.central = central
        self.replica = replica
        self.rep = rep
        self.role = role or None
        self.clock = clock
        self.backoff = backoff or Backoff()
        self.batch_size = batch_size
        self.page_size = page_size
        self.pull_interval = pull_interval
        self.full_pull_interval = full_pull_interval
        self.failures = 0  # runs in a row that ended in a failure
        self._lists_pulled_at: datetime | None = None
        self._lists_etag = ""  # names the lists last taken ("" for none yet)

    def status(self) -> SyncStatus:
        """The status before any run of this session (e.g. at start-up)."""
        return settled(self._counts(), self.replica.last_sync(), self.role)

    def run_once(self, progress: Progress | None = None, *,
                 pull_now: bool = False) -> SyncReport:
        """Push, then pull (when due, or `pull_now`), then record the outcome; for an
        account whose debriefs do not sync, only pull the lists (when due).

        After a failed run the pull is always due: a run with nothing to send would
        otherwise end without a word from the server, and call that up to date."""
        report = SyncReport(started_at=self.clock.now())
        try:
            if self.role is None or (not syncs_debriefs(self.role)
                                     and self._lists_due(pull_now)):
                self._learn_role(report)  # unknown, or changed on the server since
            if syncs_debriefs(self.role):
                self._sync_debriefs(report, progress or (lambda done, total: None),
                                    pull_now)
            else:
                self._pull_config()
        except SyncProblem as problem:
            report.errors.append(problem)
            log.info("sync stopped: %s (%s)", problem.kind.value, problem.detail)
        return self._finish(report)

    def run_until_settled(self, sleep: Callable[[float], None], *, max_runs: int = 10,
                          progress: Progress | None = None) -> list[SyncReport]:
        """Run, sleeping `report.retry_in` between runs, until a run ends with nothing
        waiting, or needs the rep, or `max_runs` ran. For tests and command-line use."""
        reports: list[SyncReport] = []
        while True:
            report = self.run_once(progress)
            reports.append(report)
            waiting = report.status.waiting if report.status else 0
            if ((report.ok and not waiting) or report.retry_in is None
                    or len(reports) >= max_runs):
                return reports
            sleep(report.retry_in if not report.ok else 0.0)

    def _sync_debriefs(self, report: SyncReport, progress: Progress, pull_now: bool) -> None:
        """Push, then pull the account's debriefs and the lists when due. A refusal (403)
        can mean the role changed on the server since the sign-in: then the role is
        asked again, and for one that does not sync debriefs only the lists come."""
        try:
            self._push(report, progress)
            pull = pull_now or self.failures or self._pull_due()
            if pull:
                self._pull_debriefs(report)
        except SyncProblem as problem:
            if problem.status != 403:
                raise
            self._learn_role(report)
            if syncs_debriefs(self.role):
                raise
            log.info("the account is %s now: its debriefs do not sync", self.role)
            pull = True
        self._pull_config()
        if syncs_debriefs(self.role) and (pull or report.pushed):
            self._fetch_standing()

    def _learn_role(self, report: SyncReport) -> None:
        """Ask the server who this account is, and keep its role."""
        role = str(self.central.me().get("role") or "") or None
        if role != self.role:
            self.role = report.role = role

    def _lists_due(self, pull_now: bool) -> bool:
        """For an account that pulls only the lists: asked for, after a failure, or
        `pull_interval` after this engine last pulled them."""
        last = self._lists_pulled_at
        return (pull_now or bool(self.failures) or last is None
                or self.clock.now() - last >= self.pull_interval)

    def _counts(self) -> ReplicaCounts:
        """The replica's counts; none waiting or refused for an account whose debriefs
        do not sync: they are not going anywhere, and nothing is wrong."""
        counts = self.replica.counts()
        if syncs_debriefs(self.role):
            return counts
        return ReplicaCounts(conflict_copies=counts.conflict_copies)

    # --- push -------------------------------------------------------------------------

    def _push(self, report: SyncReport, progress: Progress) -> None:
        total = self.replica.counts().waiting
        done, after = 0, None
        while batch := self.replica.unsynced(self.batch_size, after):
            after = batch[-1].id  # each debrief is tried once per run, however it ends
            self._push_batch(batch, report)
            done += len(batch)
            total = max(total, done)
            progress(done, total)

    def _push_batch(self, batch: list[Debrief], report: SyncReport) -> None:
        try:
            answers = self.central.push([to_wire(debrief) for debrief in batch])
        except BatchRefused as refusal:
            named = {i: fields for i, fields in refusal.items.items() if 0 <= i < len(batch)}
            if not named:
                raise
            # The server named the debriefs it cannot read: keep them here with the
            # reasons, and send the others again.
            self._refuse(report, [Refusal(batch[i].id, batch[i].revision, tuple(
                RefusedField(name, text) for name, text in fields))
                for i, fields in named.items()])
            rest = [debrief for i, debrief in enumerate(batch) if i not in named]
            if rest:
                self._push_batch(rest, report)
            return
        except SyncProblem as problem:
            if problem.status == 413 and len(batch) > 1:  # too large a body: halve it
                half = len(batch) // 2
                self._push_batch(batch[:half], report)
                self._push_batch(batch[half:], report)
                return
            raise
        self._settle(batch, answers, report)

    def _settle(self, batch: list[Debrief], answers: list[ItemAnswer],
                report: SyncReport) -> None:
        """Mark synced what the answer confirms; only what was sent, at what was sent."""
        sent = {(debrief.id, debrief.revision) for debrief in batch}
        confirmed: list[tuple[str, int]] = []
        refusals: list[Refusal] = []
        for answer in answers:
            if (answer.id, answer.revision) not in sent:
                log.warning("the server answered for a debrief not in the batch: %s",
                            answer.id)
                continue
            if answer.status == "accepted":
                report.pushed += 1
                confirmed.append((answer.id, answer.revision))
            elif answer.status == "duplicate":
                report.duplicates += 1
                confirmed.append((answer.id, answer.revision))
            elif answer.status == "rejected":
                refusals.append(Refusal(answer.id, answer.revision, tuple(
                    RefusedField(name, text) for name, text in answer.problems)))
        self.replica.mark_synced(confirmed)
        self._refuse(report, refusals)

    def _refuse(self, report: SyncReport, refusals: list[Refusal]) -> None:
        self.replica.mark_refused(refusals)
        report.rejected += len(refusals)

    # --- pull -------------------------------------------------------------------------

    def _pull_due(self) -> bool:
        last = self.replica.last_complete_pull()
        return (last is None or self.replica.full_pull_running()
                or self.clock.now() - last >= self.pull_interval)

    def _pull_debriefs(self, report: SyncReport) -> None:
        """Read the rep's change feed on from where this machine stopped. Once a day
        (`full_pull_interval`) it is read again from the start, a full pull, which
        heals what no feed position can tell (say, a server restored from a backup)."""
        last_full = self.replica.last_full_pull()
        if not self.replica.full_pull_running() and (
                self.replica.feed_position() is None or last_full is None
                or self.clock.now() - last_full >= self.full_pull_interval):
            self.replica.begin_full_pull(self.clock.now())
        since = self.replica.feed_position() or FEED_START
        while True:
            page = self.central.changes(since, self.page_size)
            if page.more and page.next_since == since:
                raise problems.offline(self.central.base_url, f"the feed stalled at {since}")
            if page.restarted and not self.replica.full_pull_running():
                # This position is ahead of the server's feed (say, a server restored
                # from a backup): it answered from the start, so this is a full pull.
                self.replica.begin_full_pull(self.clock.now())
            debriefs = [d for d in map(self._readable, page.items) if d is not None]
            outcome = self.replica.apply_pulled(debriefs, page.next_since,
                                                complete=not page.more,
                                                pulled_at=self.clock.now())
            report.pulled += len(debriefs)
            report.conflicts += outcome.conflicts
            if not page.more:
                return
            since = page.next_since

    def _readable(self, item: dict[str, Any]) -> Debrief | None:
        """A pulled wire dict as a debrief of this rep; fields this app does not know
        (from a newer server) are left out, an unreadable item is skipped."""
        try:
            debrief = from_wire({key: item[key] for key in WIRE_FIELDS if key in item},
                                self.rep)
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            log.warning("skipped a pulled debrief this app cannot read: %s", exc)
            return None
        if debrief.updated_at is None or debrief.revision < 1:
            log.warning("skipped a pulled debrief without a revision or time: %s", debrief.id)
            return None
        return debrief

    def _pull_config(self) -> None:
        """The lists, when they changed since this engine last took them: asked at every
        run (the server answers 304 without a body while they stand), so a new version
        of the reason list reaches the app within one sync cycle."""
        answer = self.central.config(self._lists_etag)
        self._lists_pulled_at = self.clock.now()
        if answer is None:
            return
        etag, body = answer
        try:
            config = ListDocuments(taxonomy_version=str(body["taxonomy_version"]),
                                  taxonomy=body["taxonomy"], segments=body["segments"],
                                  contest_rules=body["contest_rules"],
                                  **({"lead_lists": body["lead_lists"]}
                                     if "lead_lists" in body else {}))
            config.lists  # noqa: B018 (parsing it is the check: a list it cannot read)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SyncProblem(ProblemKind.UPDATE_APP, Message(N_(
                "The server's reason list or contest rules are in a form this Debrief "
                "cannot read: update the app. Your debriefs are kept.")),
                detail=f"{type(exc).__name__}: {exc}"[:500]) from None
        self.replica.apply_config(config)
        self._lists_etag = etag

    # --- the prize panel -------------------------------------------------------------

    def _fetch_standing(self) -> None:
        """Keep the rep's standing in their team's running contest, for the prize panel:
        with the lists, and after a push the server accepted (so the total follows the
        rep's saves). It never ends the run: a server that refuses (403), lacks the route
        (404) or answers what this app cannot read gives no standing; offline or busy
        meanwhile, the last one stays."""
        try:
            standing = self.central.contest_standing()
        except SyncProblem as problem:
            log.info("no contest standing: %s (%s)", problem.kind.value, problem.detail)
            if problem.kind not in _NO_STANDING:
                return
            standing = None
        self.replica.keep_standing(standing)

    # --- the end of a run -------------------------------------------------------------

    def _finish(self, report: SyncReport) -> SyncReport:
        report.finished_at = self.clock.now()
        counts = self._counts()
        if report.ok:
            self.failures = 0
            self.replica.record_sync(report.finished_at)
            report.status = settled(counts, report.finished_at, self.role)
            return report
        problem = report.errors[-1]
        if problem.kind is ProblemKind.SIGN_IN:
            self.central.forget_token()
        if problem.kind not in _NEEDS_THE_REP:
            self.failures += 1
            report.retry_in = self.backoff.delay(self.failures, problem.retry_after)
            report.retry_at = report.finished_at + timedelta(seconds=report.retry_in)
        report.status = failed(problem, counts, self.replica.last_sync(), report.retry_at)
        return report

