"""The sync thread's side of the sync worker: the runner that owns the thread's store
connection, replica, client and engine, and does what the GUI thread asks.

Loaded when the sync thread starts (desktop.ui.sync_worker), not at the app's start;
`requests` and the sync engine are imported here at first use, on the thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from desktop.store.debriefs import DebriefStore
from desktop.store.errors import StoreError
from desktop.store.server_settings import (
    ServerConnection,
    forget_connection,
    load_connection,
    save_role,
)
from desktop.store.sync_replica import SyncReplica, pulled_rules
from desktop.ui.server_connection import (
    SignInRequest,
    default_central,
    default_vault,
    missing_certificate_file,
    sign_in,
)
from sync.client.backoff import Backoff
from sync.client.status import (
    StatusKind,
    SyncStatus,
    not_connected,
    settled,
    stopped_by_a_bug,
)
from sync.domain.clock import Clock, to_iso
from sync.domain.roles import syncs_debriefs
from sync.domain.sync_state import ReplicaCounts
from sync.domain.team_lists import TeamLists

if TYPE_CHECKING:
    from desktop.insights_cache import InsightCache
    from desktop.keychain import TokenVault
    from desktop.ui.sync_worker import ServerCall, SyncSetup
    from sync.client.engine import SyncEngine
    from sync.client.insight_view import InsightView

log = logging.getLogger(__name__)

BUG_RETRY_CAP_S = 6 * 3600.0  # the longest wait after bugs in a row


@dataclass(frozen=True)
class RunResult:
    """What one sync run ended with, for the GUI thread."""

    status: SyncStatus
    retry_in: float | None = None  # seconds until the engine wants to try again
    pulled: int = 0  # debriefs pulled in (the list may have changed)
    rules: TeamLists | None = None  # the lists the server handed out, when this run changed them


class _Stopped(Exception):
    """The window is closing: the run stops between two batches."""


class SyncRunner(QObject):
    """Lives on the sync thread; owns its store connection, the client and the engine."""

    status = Signal(object)  # SyncStatus, e.g. "syncing" as a run starts
    progressed = Signal(int, int)  # debriefs pushed so far, of how many
    finished = Signal(object)  # RunResult, or None after a bug
    connected = Signal(object)  # server_connection.Connected
    connect_failed = Signal(object)  # the error
    disconnected = Signal()
    crashed = Signal(object)  # a bug, for the error presenter
    standing = Signal(object)  # ContestStanding, or None: no contest runs for the rep's team
    insights = Signal(object)  # InsightAnswers, fresh from the server
    insights_failed = Signal(object, object)  # the problem, and the kept answers or None
    answered = Signal(object, object)  # a ServerCall, and what its work returned
    call_failed = Signal(object, object)  # a ServerCall, and the SyncProblem or StoreError

    def __init__(self, open_store: Callable[[], DebriefStore], defaults: TeamLists, rep: str,
                 clock: Clock, setup: SyncSetup, stopping: threading.Event):
        super().__init__()
        self._open_store = open_store
        self._defaults = defaults
        self._rep = rep
        self._clock = clock
        self._setup = setup
        self._stopping = stopping
        self._replica: SyncReplica | None = None
        self._config_seen: Any = None
        self._standing_seen: Any = None  # (known, standing) as last handed to the window
        self._vault_made: TokenVault | None = setup.vault
        self._engine: SyncEngine | None = None
        self._engine_for: ServerConnection | None = None
        self._bugs_in_a_row = 0

    # --- what the GUI thread asks for ---------------------------------------------------

    @Slot()
    def report_status(self) -> None:
        """The status from the local store alone (no network), e.g. at start-up."""
        try:
            replica = self._open()
            counts = replica.counts()
            connection = load_connection(replica.conn)
            if connection is None:
                self.status.emit(not_connected(counts))
            else:
                self.status.emit(settled(counts, replica.last_sync(), connection.role))
                self._report_standing(replica)
        except StoreError as error:
            self.status.emit(SyncStatus(StatusKind.SERVER_PROBLEM, error.message))
        except Exception as error:
            self.crashed.emit(error)

    @Slot(bool)
    def run(self, pull_now: bool) -> None:
        if self._stopping.is_set():
            return
        try:
            result: RunResult | None = self._run(pull_now)
            self._bugs_in_a_row = 0
        except _Stopped:
            return
        except StoreError as error:
            log.warning("sync stopped by the local store: %s", error)
            result = RunResult(SyncStatus(StatusKind.SERVER_PROBLEM, error.message), 60.0)
        except Exception as error:
            self._bugs_in_a_row += 1
            if self._bugs_in_a_row == 1:
                self.crashed.emit(error)  # once: the same bug again only goes to the log
            else:
                log.error("sync stopped by a bug again (%d in a row)", self._bugs_in_a_row,
                          exc_info=error)
            result = self._after_a_bug()
        self.finished.emit(result)

    @Slot(object)
    def connect_to(self, request: SignInRequest) -> None:
        from sync.client.problems import SyncProblem

        try:
            replica = self._open()
            connected, central = sign_in(request, replica.store, self._vault(),
                                         self._setup.make_central)
        except (SyncProblem, StoreError) as error:
            self.connect_failed.emit(error)
            return
        except Exception as error:
            self.crashed.emit(error)
            self.connect_failed.emit(error)
            return
        self._drop_engine()
        self._engine = self._make_engine(central, replica, connected.connection.role)
        self._engine_for = connected.connection
        self._standing_seen = None  # the window forgets it on connecting: hand it again
        self.connected.emit(connected)

    @Slot()
    def disconnect(self) -> None:
        """Sign out: revoke the token on the server if it answers, forget it here."""
        from sync.client.problems import SyncProblem

        try:
            replica = self._open()
            connection = load_connection(replica.conn)
            if connection is not None:
                vault = self._vault()
                token = vault.load(connection.url, connection.username)
                if token is not None:
                    try:
                        central = self._engine_of(connection).central
                        central.use_token(token)
                        central.sign_out()
                    except SyncProblem as problem:  # offline: the token expires by itself
                        log.info("sign-out not sent to the server: %s", problem.kind.value)
                vault.forget(connection.url, connection.username)
                forget_connection(replica.store)
            self._drop_engine()
            self.disconnected.emit()
            self.status.emit(not_connected(replica.counts()))
        except StoreError as error:
            self.status.emit(SyncStatus(StatusKind.SERVER_PROBLEM, error.message))
        except Exception as error:
            self.crashed.emit(error)

    @Slot(object)
    def close(self, done: threading.Event) -> None:
        self._drop_engine()
        if self._replica is not None:
            self._replica.conn.close()
            self._replica = None
        done.set()

    @Slot(object)
    def fetch_insights(self, request: tuple[InsightView, InsightCache]) -> None:
        """Ask the server the view's questions; keep and hand back the answers. Offline
        (or refused), hand back the problem and what was kept for the view."""
        from sync.client.insight_view import (
            FUNNEL,
            LEAD_KINDS,
            PLAYS,
            QUOTES,
            InsightAnswers,
        )
        from sync.client.problems import SyncProblem

        view, cache = request
        try:
            central = self._signed_in()
            answers = {name: central.reason_counts(params)
                       for name, params in view.questions().items()}
            answers[QUOTES] = central.shared_quotes(view.quote_question())
            answers[PLAYS] = central.shared_plays(view.quote_question())
            answers[FUNNEL] = central.funnel(view.funnel_question())
            for kind in LEAD_KINDS:
                answers[kind] = central.lead_counts(kind, view.lead_question(kind))
            found = InsightAnswers(view, answers, to_iso(self._clock.now()))
            try:
                cache.save(found)
            except OSError as error:
                log.warning("insights not kept for offline use: %s", error)
            self.insights.emit(found)
        except SyncProblem as problem:
            self.insights_failed.emit(problem, cache.load(view))
        except StoreError as error:
            self.insights_failed.emit(error, cache.load(view))
        except Exception as error:
            self.crashed.emit(error)

    @Slot(object)
    def call(self, request: ServerCall) -> None:
        """Do one call's work with the signed-in client; hand back its answer, or the
        problem that stopped it."""
        from sync.client.problems import SyncProblem

        try:
            answer = request.work(self._signed_in())
        except (SyncProblem, StoreError) as problem:
            self.call_failed.emit(request, problem)
        except (KeyError, TypeError, ValueError) as error:
            # An answer not in the shape this app reads (a newer server's, say): the
            # asker says it could not be read, and stays usable.
            log.warning("a server answer could not be read: %r", error)
            self.call_failed.emit(request, error)
        except Exception as error:
            self.crashed.emit(error)
        else:
            self.answered.emit(request, answer)

    def _signed_in(self) -> Any:
        """The connection's client, signed in with the kept token (a SyncProblem if there
        is no connection or no token)."""
        from sync.client.problems import sign_in_needed

        replica = self._open()
        connection = load_connection(replica.conn)
        if connection is None:
            raise sign_in_needed("not connected")
        engine = self._engine_of(connection)
        if not engine.central.signed_in:
            token = self._vault().load(connection.url, connection.username)
            if token is None:
                raise sign_in_needed("no token kept")
            engine.central.use_token(token)
        return engine.central

    # --- one run ------------------------------------------------------------------------

    def _run(self, pull_now: bool) -> RunResult:
        from sync.client.problems import ProblemKind, SyncProblem, sign_in_needed
        from sync.client.status import failed, syncing

        replica = self._open()
        connection = load_connection(replica.conn)
        if connection is None:
            self._drop_engine()
            return RunResult(not_connected(replica.counts()))
        try:
            engine = self._engine_of(connection)
        except SyncProblem as problem:
            return RunResult(failed(problem, replica.counts(), replica.last_sync(), None))
        if not engine.central.signed_in:
            token = self._vault().load(connection.url, connection.username)
            if token is None:
                return RunResult(failed(sign_in_needed("no token kept"), replica.counts(),
                                        replica.last_sync(), None))
            engine.central.use_token(token)
        self.status.emit(syncing(0, replica.counts().waiting
                                 if syncs_debriefs(engine.role) else 0))
        report = engine.run_once(self._on_progress, pull_now=pull_now)
        if any(problem.kind is ProblemKind.SIGN_IN for problem in report.errors):
            self._vault().forget(connection.url, connection.username)
        if report.role is not None:  # learned from the server: kept with the connection
            save_role(replica.store, report.role)
        assert report.status is not None
        self._report_standing(replica)
        return RunResult(report.status, report.retry_in, report.pulled,
                         self._changed_rules(replica))

    def _after_a_bug(self) -> RunResult:
        """The status after a run that ended on a bug (the crash dialog has it): try
        again after the usual interval, twice as long after each bug in a row (up to
        BUG_RETRY_CAP_S), so a bug that stays neither loops nor nags."""
        interval = self._setup.interval_s
        retry_in = Backoff(base=interval, cap=max(interval, BUG_RETRY_CAP_S)).ceiling(
            self._bugs_in_a_row)
        retry_at = self._clock.now() + timedelta(seconds=retry_in)
        try:
            replica = self._open()
            counts, last_sync = replica.counts(), replica.last_sync()
        except Exception:
            log.exception("could not read the local store after a sync bug")
            counts, last_sync = ReplicaCounts(), None
        return RunResult(stopped_by_a_bug(counts, last_sync, retry_at), retry_in)

    def _on_progress(self, done: int, total: int) -> None:
        if self._stopping.is_set():
            raise _Stopped
        self.progressed.emit(done, total)

    def _changed_rules(self, replica: SyncReplica) -> TeamLists | None:
        """The pulled lists as rules, if they changed since this thread last looked."""
        config = replica.pulled_config()
        if config == self._config_seen:
            return None
        self._config_seen = config
        rules = current_rules(replica, self._defaults)
        replica.store.rules = rules  # pulled debriefs are scored by the new contest rules
        return rules

    def _report_standing(self, replica: SyncReplica) -> None:
        """Hand the prize panel the kept contest standing, if the server ever said and it
        changed since (a new fetch changes at least the time it was fetched)."""
        seen = (replica.knows_standing(), replica.kept_standing())
        if seen != self._standing_seen:
            self._standing_seen = seen
            if seen[0]:
                self.standing.emit(seen[1])

    # --- what the runner keeps -----------------------------------------------------------

    def _open(self) -> SyncReplica:
        if self._replica is None:
            replica = SyncReplica(self._open_store())  # made here: one connection per thread
            self._config_seen = replica.pulled_config()
            replica.store.rules = current_rules(replica, self._defaults)
            self._replica = replica
        return self._replica

    def _vault(self) -> TokenVault:
        if self._vault_made is None:
            self._vault_made = default_vault()
        return self._vault_made

    def _engine_of(self, connection: ServerConnection) -> SyncEngine:
        if self._engine is not None and self._engine_for == connection:
            return self._engine
        self._drop_engine()
        ca_bundle = Path(connection.ca_bundle) if connection.ca_bundle else None
        if ca_bundle is not None and not ca_bundle.is_file():
            raise missing_certificate_file(str(ca_bundle))
        central = (self._setup.make_central or default_central)(connection.url, ca_bundle)
        self._engine = self._make_engine(central, self._open(), connection.role)
        self._engine_for = connection
        return self._engine

    def _make_engine(self, central: Any, replica: SyncReplica, role: str | None) -> SyncEngine:
        from sync.client.engine import SyncEngine

        return SyncEngine(central, replica, rep=self._rep, clock=self._clock, role=role,
                          backoff=self._setup.backoff, batch_size=self._setup.batch_size)

    def _drop_engine(self) -> None:
        if self._engine is not None:
            self._engine.central.close()
        self._engine = None
        self._engine_for = None


def current_rules(replica: SyncReplica, defaults: TeamLists) -> TeamLists:
    """The lists last pulled from the server, else the shipped defaults."""
    try:
        return pulled_rules(replica, defaults)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # TaxonomyError too
        log.warning("the pulled lists cannot be read, the shipped ones are used: %s", exc)
        return defaults
