"""Failures: the environment's faults get a plain message and lose nothing; bugs, one dialog."""

from __future__ import annotations

import gc
import logging
import sqlite3
import threading
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from desktop.store.database import connect
from desktop.store.debriefs import DebriefStore
from desktop.ui.errors import LOG_MAX_BYTES, CrashDialog, ErrorPresenter, setup_logging
from desktop.ui.gui_gc import CHECK_INTERVAL_MS
from desktop.ui.store_worker import StoreWorker

CTRL = Qt.KeyboardModifier.ControlModifier


def test_work_runs_off_the_gui_thread_and_answers_on_it(window, qtbot):
    seen: dict[str, object] = {}

    def work(store: DebriefStore) -> int:
        seen["work_thread"] = threading.get_ident()
        return 42

    with qtbot.waitSignal(window.services.worker.busy_changed, timeout=3000,
                          check_params_cb=lambda busy: not busy):
        window.services.worker.submit(work, lambda result: seen.update(
            result=result, answer_thread=threading.get_ident()))
    assert seen["result"] == 42
    assert seen["work_thread"] != threading.get_ident()
    assert seen["answer_thread"] == threading.get_ident()


def test_garbage_is_collected_on_the_gui_thread_never_on_a_worker_s(window, qtbot):
    # Freed on a worker thread, an object owning Qt objects of the GUI thread crashes
    # the process: the collector must only ever run here (desktop.ui.gui_gc).
    freed_on: list[int] = []

    class Cycle:
        def __init__(self) -> None:
            self.me = self

        def __del__(self) -> None:
            freed_on.append(threading.get_ident())

    assert not gc.isenabled()
    gc.collect()
    Cycle()  # garbage that only a collection frees

    def allocate(store: DebriefStore) -> int:
        # Enough to trip automatic collection, held while the GUI thread's timer looks.
        held = [[] for _ in range(200_000)]
        time.sleep(2 * CHECK_INTERVAL_MS / 1000)
        return len(held)

    window.services.worker.submit(allocate)
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5000)
    assert freed_on == [threading.get_ident()]


def test_a_locked_database_keeps_the_form_and_says_so(window, qtbot, keyboard):
    path = window.services.paths.database
    rules = window.services.reader.rules
    # The rep's second copy of Debrief holds the write lock...
    other = connect(path)
    other.execute("BEGIN IMMEDIATE")

    def impatient_store() -> DebriefStore:
        conn = connect(path)
        conn.execute("PRAGMA busy_timeout = 50")
        return DebriefStore(conn, path, window.services.reader.clock, rules)

    window.form.worker = StoreWorker(impatient_store)
    form = window.form
    keyboard.fill_valid(form)
    with qtbot.waitSignal(form.save_failed, timeout=5000):
        keyboard.press(Qt.Key.Key_Return, CTRL)
    assert "in use by another program" in form.status.text()
    assert form.fields.outcome.value() is not None  # nothing typed is lost
    assert len(form.fields.reason_list.reasons()) == 1

    other.execute("ROLLBACK")  # ...until it lets go: the same keys now save
    with qtbot.waitSignal(form.saved, timeout=5000):
        keyboard.press(Qt.Key.Key_Return, CTRL)
    form.worker.stop()
    other.close()


def test_a_bug_goes_to_the_crash_dialog_and_the_log(qtbot, tmp_path):
    log_file = tmp_path / "logs" / "debrief.log"
    setup_logging(log_file)
    presenter = ErrorPresenter(log_file)
    shown: list[str] = []

    def read_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CrashDialog)
        shown.append(dialog.details.toPlainText())
        dialog.on_copy_clicked()
        dialog.reject()

    QTimer.singleShot(0, read_and_close)
    try:
        raise ZeroDivisionError("an example bug")
    except ZeroDivisionError as exc:
        presenter.present(exc)
    assert "ZeroDivisionError: an example bug" in shown[0]
    assert "Traceback" in shown[0]
    assert QApplication.clipboard().text() == shown[0]
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "ZeroDivisionError: an example bug" in log_file.read_text(encoding="utf-8")
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "baseFilename", None) == str(log_file):
            root.removeHandler(handler)
            handler.close()


def test_sqlite_errors_that_are_not_the_environment_are_bugs(window, qtbot, presenter):
    def broken(store: DebriefStore) -> None:
        store.conn.execute("SELECT * FROM no_such_table")

    with qtbot.waitSignal(window.services.worker.failed, timeout=3000):
        window.services.worker.submit(broken)
    assert isinstance(presenter.errors.pop(), sqlite3.OperationalError)


def test_the_log_is_rotated_at_start_once_it_is_large(tmp_path):
    log_file = tmp_path / "logs" / "debrief.log"
    log_file.parent.mkdir()
    log_file.write_text("x" * (LOG_MAX_BYTES + 1))
    (tmp_path / "logs" / "debrief.log.1").write_text("older")
    root = logging.getLogger()
    before = list(root.handlers)
    setup_logging(log_file)
    try:
        assert (tmp_path / "logs" / "debrief.log.1").stat().st_size == LOG_MAX_BYTES + 1
        assert (tmp_path / "logs" / "debrief.log.2").read_text() == "older"
        assert not log_file.exists() or log_file.stat().st_size < LOG_MAX_BYTES
        setup_logging(log_file)  # a small log is not rotated again
        assert not (tmp_path / "logs" / "debrief.log.3").exists()
    finally:
        for handler in set(root.handlers) - set(before):
            root.removeHandler(handler)
            handler.close()


def test_the_start_after_a_crash_says_so_with_the_report_to_copy(qtbot, window, tmp_path):
    from datetime import UTC, datetime

    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QPushButton

    from desktop.last_run import UncleanEnd
    from desktop.ui.errors import show_unclean_end

    fatal = ("Fatal Python error: Segmentation fault\n\nCurrent thread 0x1 (most recent "
             "call first):\n  File \"capture_form.py\", line 10 in save\n")
    unclean = UncleanEnd(datetime(2026, 12, 7, 14, 32, tzinfo=UTC), fatal, "INFO started")
    dialog = show_unclean_end(window, unclean, tmp_path / "debrief.log")
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "Debrief closed unexpectedly"
    intro = dialog.findChild(QLabel, "crashIntro").text()
    assert "closed unexpectedly" in intro and "offered back" in intro
    assert "send the report below" in intro
    assert dialog.details.toPlainText().startswith("Fatal Python error: Segmentation fault")
    copy = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Copy")
    copy.click()
    assert "Segmentation fault" in QGuiApplication.clipboard().text()
    dialog.close()


def test_a_run_stopped_from_outside_is_named_as_such(qtbot, window, tmp_path):
    from desktop.last_run import UncleanEnd
    from desktop.ui.errors import show_unclean_end

    dialog = show_unclean_end(window, UncleanEnd(None, "", ""), tmp_path / "debrief.log")
    qtbot.waitExposed(dialog)
    intro = dialog.findChild(QLabel, "crashIntro").text()
    assert "recorded no error" in intro and "offered back" in intro
    dialog.close()
