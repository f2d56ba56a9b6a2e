"""The sync worker: the one thread that talks to the team's server.

Its runner (desktop.ui.sync_runner) lives on a QThread of its own with its own store
connection, replica, client and engine (one connection per thread, as store_worker.py
does for saves); the GUI thread asks it to sign in, sync or sign out through queued
signals and hears back through signals, so the window never waits for the network.
`SyncWorker` also decides when to sync: soon after start-up, a moment after each save,
on "Sync now", and then on a timer (the report's back-off after a failure, a regular
pull when all is well).

The thread, the runner, `requests` and the sync engine are loaded only once there is a
server to talk to: the app's cold start does not pay for them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal
from shiboken6 import isValid

from desktop.store.debriefs import DebriefStore
from desktop.ui.store_worker import end_thread, worker_thread
from sync.client.status import StatusKind, SyncStatus
from sync.domain.clock import Clock
from sync.domain.team_lists import TeamLists

if TYPE_CHECKING:
    from desktop.insights_cache import InsightCache
    from desktop.keychain import TokenVault
    from desktop.ui.server_connection import CentralFactory, SignInRequest
    from desktop.ui.sync_runner import RunResult, SyncRunner
    from sync.client.insight_view import InsightView

log = logging.getLogger(__name__)

# After a run that went well but left debriefs waiting (saved meanwhile), run again soon
# at most this many times in a row, then wait for the regular interval.
MAX_FOLLOW_UPS = 3


@dataclass
class SyncSetup:
    """How the app syncs. Tests hand in their own keychain, client and timings."""

    vault: TokenVault | None = None  # default: the OS keychain, looked up on the thread
    make_central: CentralFactory | None = None  # default: CentralStore(url, ca_bundle=...)
    backoff: Any = None  # a sync.client.backoff.Backoff; default: the engine's own
    batch_size: int = 250
    start_delay_ms: int = 1_000  # the first sync after start-up waits for the window
    # Saves close together (a quick fix right after saving) go in one push; short
    # enough that a save is on the server well within 1.5 s (make bench, section 7).
    save_delay_ms: int = 500
    interval_s: float = 300.0  # when all is well, pull again after this long


@dataclass(frozen=True, eq=False)
class ServerCall:
    """One question for the team's server, asked on the sync thread after any sync in
    progress: `work` runs there with the signed-in client
    (sync.client.central_store.CentralStore); then `answered` (with what `work`
    returned) or `failed` (with the SyncProblem or StoreError) runs on the GUI thread,
    if `owner` is still there."""

    work: Callable[[Any], Any]
    answered: Callable[[Any], None]
    failed: Callable[[Any], None]
    owner: QObject


class SyncWorker(QObject):
    """Asks the sync thread for work and decides when to sync; answers on the GUI thread."""

    status_changed = Signal(object)  # SyncStatus
    progressed = Signal(int, int)  # pushed so far, of how many
    lists_changed = Signal(object)  # TeamLists: the server's taxonomy, segments, contest rules
    debriefs_pulled = Signal(int)
    standing_changed = Signal(object)  # ContestStanding, or None: no contest for the team
    insights_answered = Signal(object)  # InsightAnswers, fresh
    insights_failed = Signal(object, object)  # the problem, and the kept answers or None
    connected = Signal(object)  # server_connection.Connected
    connect_failed = Signal(object)  # SyncProblem, StoreError, or a bug
    disconnected = Signal()
    failed = Signal(object)  # a bug, for the error presenter

    _run = Signal(bool)
    _report_status = Signal()
    _connect = Signal(object)
    _disconnect = Signal()
    _close = Signal(object)
    _insights = Signal(object)
    _call = Signal(object)

    def __init__(self, open_store: Callable[[], DebriefStore], defaults: TeamLists, rep: str,
                 clock: Clock, setup: SyncSetup | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.setup = setup or SyncSetup()
        self._runner_args = (open_store, defaults, rep, clock)
        self._stopping = threading.Event()
        self._thread: QThread | None = None  # started at first use
        self._runner: SyncRunner | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.on_timer_timeout)
        self.server_set = False  # a server is set up (whether or not signed in)
        self.running = False
        self.last_status: SyncStatus | None = None
        self._again = False
        self._pull_now = False
        self._follow_ups = 0

    # --- what the window calls ------------------------------------------------------------

    def start(self, server_set: bool) -> None:
        """At start-up: show the status from the local store, then sync if connected."""
        self.server_set = server_set
        if server_set:
            self._ensure_thread()
            self._report_status.emit()
            self.sync_soon(self.setup.start_delay_ms)

    def sync_soon(self, delay_ms: int, *, pull_now: bool = False) -> None:
        """Sync in `delay_ms` (or sooner if a sync is already due sooner)."""
        if self._stopping.is_set():
            return
        self._pull_now = self._pull_now or pull_now
        if self.running:
            self._again = True
            return
        if self._timer.isActive() and self._timer.remainingTime() <= delay_ms:
            return
        self._timer.start(max(0, delay_ms))

    def sync_now(self) -> None:
        """The rep asked: push, and pull what changed, right away."""
        self._follow_ups = 0
        self.sync_soon(0, pull_now=True)

    def after_save(self) -> None:
        if self.server_set:
            self.sync_soon(self.setup.save_delay_ms)

    def ask_insights(self, view: InsightView, cache: InsightCache) -> None:
        """Fetch marketing's insights for `view` on the sync thread (after a sync in
        progress); the answers come back through `insights_answered`."""
        if self._stopping.is_set():
            return
        self._ensure_thread()
        self._insights.emit((view, cache))

    def ask(self, call: ServerCall) -> None:
        """Ask the team's server one question on the sync thread (ServerCall)."""
        if self._stopping.is_set():
            return
        self._ensure_thread()
        self._call.emit(call)

    def connect_to(self, request: SignInRequest) -> None:
        self._ensure_thread()
        self._connect.emit(request)

    def disconnect(self) -> None:
        self._timer.stop()
        self._ensure_thread()
        self._disconnect.emit()

    def stop(self, timeout_s: float = 40.0) -> None:
        """Stop between two batches, wait for the request in flight, end the thread.

        The wait is bounded by the client's timeouts (a connect and a read)."""
        self._stopping.set()
        self._timer.stop()
        if self._thread is not None and self._thread.isRunning():
            end_thread(self._thread, self._close, "sync worker", timeout_s)

    # --- answers from the sync thread -----------------------------------------------------

    def on_timer_timeout(self) -> None:
        if self.running:
            self._again = True
            return
        self._ensure_thread()
        self.running = True
        pull_now, self._pull_now = self._pull_now, False
        self._run.emit(pull_now)

    def on_runner_status(self, status: SyncStatus) -> None:
        self.last_status = status
        self.status_changed.emit(status)

    def on_runner_finished(self, result: RunResult | None) -> None:
        self.running = False
        if self._stopping.is_set():
            return  # the window is closing: its store may be closed already
        if result is not None:
            self.on_runner_status(result.status)
            if result.rules is not None:
                self.lists_changed.emit(result.rules)
            if result.pulled:
                self.debriefs_pulled.emit(result.pulled)
        if self._again:
            self._again = False
            self.sync_soon(0)
        elif result is not None:
            self._schedule_after(result)

    def _schedule_after(self, result: RunResult) -> None:
        status = result.status
        if result.retry_in is not None:  # a failure the engine retries with back-off
            self.sync_soon(round(result.retry_in * 1000))
        elif status.kind in (StatusKind.UP_TO_DATE, StatusKind.WAITING, StatusKind.REFUSED,
                             StatusKind.LISTS_ONLY):
            if status.waiting and self._follow_ups < MAX_FOLLOW_UPS:
                self._follow_ups += 1  # saved while the run pushed: send those too
                self.sync_soon(self.setup.save_delay_ms)
            else:
                self._follow_ups = 0
                self.sync_soon(round(self.setup.interval_s * 1000))
        # Not connected, sign in needed, update needed: nothing runs until the rep acts.

    def on_runner_connected(self, connected: Any) -> None:
        self.server_set = True
        self.connected.emit(connected)
        self.sync_now()

    def on_runner_standing(self, standing: Any) -> None:
        self.standing_changed.emit(standing)

    def on_runner_insights(self, found: Any) -> None:
        self.insights_answered.emit(found)

    def on_runner_insights_failed(self, problem: Any, kept: Any) -> None:
        self.insights_failed.emit(problem, kept)

    def on_runner_answered(self, call: ServerCall, answer: Any) -> None:
        if isValid(call.owner):
            call.answered(answer)

    def on_runner_call_failed(self, call: ServerCall, problem: Any) -> None:
        if isValid(call.owner):
            call.failed(problem)

    def on_runner_connect_failed(self, error: BaseException) -> None:
        self.connect_failed.emit(error)

    def on_runner_crashed(self, error: BaseException) -> None:
        self.failed.emit(error)

    def on_runner_disconnected(self) -> None:
        self.server_set = False
        self._timer.stop()
        self.disconnected.emit()

    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        from desktop.ui.sync_runner import SyncRunner

        self._thread = worker_thread("debrief-sync")
        self._runner = SyncRunner(*self._runner_args, self.setup, self._stopping)
        self._runner.moveToThread(self._thread)
        self._run.connect(self._runner.run)
        self._report_status.connect(self._runner.report_status)
        self._connect.connect(self._runner.connect_to)
        self._disconnect.connect(self._runner.disconnect)
        self._close.connect(self._runner.close)
        self._runner.status.connect(self.on_runner_status)
        self._runner.progressed.connect(self.progressed)
        self._runner.finished.connect(self.on_runner_finished)
        self._runner.connected.connect(self.on_runner_connected)
        # Objects from the runner's thread reach a Python slot, never a signal chained to
        # a signal: a test run crashed in MainWindow.on_sync_connect_failed on the chain.
        self._runner.connect_failed.connect(self.on_runner_connect_failed)
        self._runner.disconnected.connect(self.on_runner_disconnected)
        self._runner.crashed.connect(self.on_runner_crashed)
        self._runner.standing.connect(self.on_runner_standing)
        self._insights.connect(self._runner.fetch_insights)
        self._runner.insights.connect(self.on_runner_insights)
        self._runner.insights_failed.connect(self.on_runner_insights_failed)
        self._call.connect(self._runner.call)
        self._runner.answered.connect(self.on_runner_answered)
        self._runner.call_failed.connect(self.on_runner_call_failed)
        self._thread.start()
