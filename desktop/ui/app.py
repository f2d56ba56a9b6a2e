"""Starting the app: Qt, logging, the database made ready, then the main window.

`run` is what `debrief` does; `smoke_test` is `debrief --smoke-test`, which drives the
real window offscreen against a throwaway data dir (packaging runs it on the bundle).
"""

from __future__ import annotations

import getpass
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QEventLoop, QLocale, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import __version__
from desktop.last_run import RunRecord
from desktop.paths import AppPaths
from desktop.store.database import connect, prepare
from desktop.store.debriefs import DebriefStore
from desktop.store.errors import StoreError
from desktop.store.server_settings import has_pulled_lists
from desktop.ui import health_report, look, translations
from desktop.ui.capture_form import FormContext
from desktop.ui.errors import ErrorPresenter, setup_logging, show_unclean_end
from desktop.ui.main_window import MainWindow, Services
from desktop.ui.qt_binding import binding_problem
from desktop.ui.store_worker import StoreWorker
from desktop.ui.sync_worker import SyncSetup, SyncWorker
from desktop.ui.text import message_text, tr
from sync.domain.clock import Clock, SystemClock
from sync.domain.debrief import Outcome, Stage
from sync.domain.team_lists import ListDocuments, TeamLists

if TYPE_CHECKING:
    from desktop.keychain import TokenVault
    from desktop.ui.server_connection import SignInRequest


def make_application(argv: list[str]) -> QApplication:
    """The QApplication, made (and given the rep's language) on the first call."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv)
        translations.install(app)
        look.apply_palette(app)  # before any widget: each is made in our style at once
    app.setApplicationName("Debrief")
    app.setOrganizationName("Debrief")
    app.setApplicationVersion(__version__)
    return app


def apply_style(app: QApplication) -> None:
    """Debrief's look (light or dark, as the OS asks), applied once the window is built:
    styling as widgets are made costs more than styling them all at once."""
    look.apply(app)
    app.setWindowIcon(look.app_icon())


def local_currency() -> str:
    code = QLocale.system().currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode)
    return code if len(code) == 3 and code.isalpha() else "EUR"


def shipped_rules() -> TeamLists:
    return ListDocuments.shipped().lists


def build_window(paths: AppPaths, clock: Clock, presenter: ErrorPresenter,
                 rep: str | None = None, sync_setup: SyncSetup | None = None) -> MainWindow:
    """The main window over a prepared database (`prepare` has run).

    The lists last pulled from the team's server replace the shipped ones, if any."""
    defaults = shipped_rules()
    path = paths.database
    reader = DebriefStore(connect(path), path, clock, defaults)
    rules = defaults
    if has_pulled_lists(reader.conn):
        from desktop.store.sync_replica import SyncReplica
        from desktop.ui.sync_runner import current_rules

        rules = reader.rules = current_rules(SyncReplica(reader), defaults)

    def open_store() -> DebriefStore:
        return DebriefStore(connect(path), path, clock, rules)

    rep = rep or getpass.getuser()
    context = FormContext(rules, rep, clock, local_currency())
    services = Services(paths, context, reader, StoreWorker(open_store), presenter,
                        SyncWorker(open_store, defaults, rep, clock, sync_setup))
    window = MainWindow(services)
    window.start()
    return window


class _FirstPaint(QObject):
    """Quits the app once the window has painted (for the start-up benchmark)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, _report_painted)
        return False


def _report_painted() -> None:
    print("painted", flush=True)
    QApplication.instance().closeAllWindows()
    QApplication.instance().quit()


def run(paths: AppPaths, argv: list[str], *, quit_after_paint: bool = False,
        sign_in_first: SignInRequest | None = None) -> int:
    """`debrief`. With `sign_in_first` (`--connect`), sign in before the window opens,
    and stop with exit 1 if that fails."""
    app = make_application(argv)
    record = RunRecord(paths.log_file)
    unclean = record.previous()  # read before the log is rotated
    setup_logging(paths.log_file)
    logging.getLogger(__name__).info("Debrief %s; language %s", __version__,
                                     translations.loaded(app))
    if unclean is not None:
        logging.getLogger(__name__).warning("the last run did not close (started %s)",
                                            unclean.started_at)
    unsafe = binding_problem()
    if unsafe is not None:
        logging.getLogger(__name__).error("refused to start: %s", unsafe)
        print(f"debrief: {unsafe}", file=sys.stderr)
        QMessageBox.critical(None, tr("Debrief cannot start"), unsafe)
        return 2
    presenter = ErrorPresenter(paths.log_file)
    presenter.install_excepthook()
    clock = SystemClock()
    try:
        prepared = prepare(paths.database, clock)
    except StoreError as exc:
        QMessageBox.critical(None, tr("Debrief cannot start"), message_text(exc.message))
        return 2
    setup = SyncSetup()
    if sign_in_first is not None:
        setup.vault = sign_in_from_command_line(paths, clock, sign_in_first)
        if setup.vault is None:
            return 1
    record.begin(clock.now())
    try:
        window = build_window(paths, clock, presenter, sync_setup=setup)
        apply_style(app)
        if quit_after_paint:
            probe = _FirstPaint(window)
            window.installEventFilter(probe)
        window.show()
        look.follow_the_os(app)
        health_report.from_environment(window)
        if unclean is not None:
            show_unclean_end(window, unclean, paths.log_file)
        if prepared.moved_aside is not None:
            QMessageBox.warning(window, tr("Debrief"), tr(
                "Your data file could not be read, so Debrief moved it aside to {path} and "
                "started a fresh one. Nothing was deleted: send that file to your admin to "
                "recover what it holds.").format(path=prepared.moved_aside))
        return app.exec()
    finally:
        record.end()


def sign_in_from_command_line(paths: AppPaths, clock: Clock,
                              request: SignInRequest) -> TokenVault | None:
    """Sign in for `debrief --connect`; the vault holding the token, or None (said why).

    The window's sync worker is handed the same vault: where the keychain cannot keep
    the token, it lives in that vault's memory for this run."""
    from desktop.ui.connect_dialog import failure
    from desktop.ui.server_connection import default_vault, sign_in
    from sync.client.problems import SyncProblem

    vault = default_vault()
    store = DebriefStore(connect(paths.database), paths.database, clock, shipped_rules())
    try:
        connected, central = sign_in(request, store, vault)
        central.close()
    except (SyncProblem, StoreError) as error:
        _, text = failure(error, request.url)
        print(tr("debrief: could not sign in to {url} as {user}: {reason}").format(
            url=request.url, user=request.username, reason=text), file=sys.stderr)
        return None
    finally:
        store.conn.close()
    print(tr("Signed in to {url} as {user}.").format(url=connected.connection.url,
                                                     user=connected.connection.username))
    if not connected.remembered and connected.reason is not None:
        print(message_text(connected.reason))
    return vault


def smoke_test(argv: list[str]) -> int:
    """Start the real window offscreen, save one debrief through the form, read it back;
    then check that what syncing needs is there (install_check)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    unsafe = binding_problem()
    if unsafe is not None:
        print(f"smoke test FAILED: {unsafe}", file=sys.stderr)
        return 1
    app = make_application(argv)
    with tempfile.TemporaryDirectory(prefix="debrief-smoke-") as tmp:
        paths = AppPaths(Path(tmp))
        clock = SystemClock()
        try:
            prepare(paths.database, clock)
            window = build_window(paths, clock, ErrorPresenter(None), rep="smoke-test")
            apply_style(app)
            window.show()
            app.processEvents()
            failure = _save_and_read_back(window)
            if failure is None:
                from desktop.install_check import sync_stack_problem

                failure = sync_stack_problem()
        except Exception as exc:
            failure = f"{type(exc).__name__}: {exc}"
        finally:
            if "window" in locals():
                window.close()
    if failure:
        print(f"smoke test FAILED: {failure}", file=sys.stderr)
        return 1
    print(f"smoke test passed: Debrief {__version__} saved a debrief, read it back, and "
          f"has what syncing needs (language {translations.loaded(app)})")
    return 0


def _save_and_read_back(window: MainWindow) -> str | None:
    form = window.form
    code = next(c for c in form.context.taxonomy.codes
                if not c.retired and c.applies_to_outcome(Outcome.LOST))
    form.fields.outcome.set_value(Outcome.LOST)
    form.fields.stage.set_value(Stage.EVALUATION)
    form.fields.reason_list.add(code.key, None)
    result: dict[str, object] = {}
    loop = QEventLoop()
    form.saved.connect(lambda saved: (result.update(saved=saved), loop.quit()))
    form.save_failed.connect(lambda error: (result.update(error=error), loop.quit()))
    QTimer.singleShot(10_000, loop.quit)
    form.save()
    loop.exec()
    if "saved" not in result:
        return f"the save did not complete: {result.get('error', 'timed out')}"
    saved = result["saved"]
    back = window.services.reader.get(saved.id)
    if back is None:
        return "the saved debrief could not be read back"
    if (back.outcome, back.stage, back.reasons) != (saved.outcome, saved.stage, saved.reasons):
        return f"read back {back!r}, expected {saved!r}"
    return None
