"""The thread that writes what the rep does to the local database (the shape of Anki's
CollectionOp). The sync thread writes what the server answered, through its own
connection (sync_runner.py); SQLite's lock takes the two one after the other.

Every write the rep makes goes through `StoreWorker.submit`: the work runs on the worker's own
thread with the worker's own connection, and its result or error comes back on the GUI
thread, to the callbacks given, or to the error presenter by default. Jobs run in the
order they were submitted, so a draft saved before a close is on disk before the close.
"""

from __future__ import annotations

import itertools
import logging
import sqlite3
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QThread, Signal, SignalInstance, Slot

from desktop.store.debriefs import DebriefStore
from desktop.store.errors import store_error_from
from desktop.ui.gui_gc import collect_on_gui_thread

log = logging.getLogger(__name__)

T = TypeVar("T")
Work = Callable[[DebriefStore], Any]


class _Runner(QObject):
    """Lives on the worker thread; owns the writing connection."""

    finished = Signal(int, object, object)  # job id, result, error

    def __init__(self, open_store: Callable[[], DebriefStore]):
        super().__init__()
        self._open_store = open_store
        self._store: DebriefStore | None = None

    @Slot(int, object)
    def run(self, job_id: int, work: Work) -> None:
        try:
            if self._store is None:
                self._store = self._open_store()  # made here: one connection per thread
            result = work(self._store)
        except sqlite3.Error as exc:
            path = self._store.path if self._store else None
            known = store_error_from(exc, path) if path else None
            self.finished.emit(job_id, None, known or exc)
        except BaseException as exc:
            self.finished.emit(job_id, None, exc)
        else:
            self.finished.emit(job_id, result, None)

    @Slot(object)
    def close(self, done: threading.Event) -> None:
        if self._store is not None:
            self._store.conn.close()
            self._store = None
        done.set()


class StoreWorker(QObject):
    """Submit work for the local database; get the answer back on the GUI thread."""

    failed = Signal(object)  # an error no caller handled: for the error presenter
    busy_changed = Signal(bool)

    _submit = Signal(int, object)
    _close = Signal(object)

    def __init__(self, open_store: Callable[[], DebriefStore], parent: QObject | None = None):
        super().__init__(parent)
        self._thread = worker_thread("debrief-store")
        self._runner = _Runner(open_store)
        self._runner.moveToThread(self._thread)
        self._submit.connect(self._runner.run)
        self._close.connect(self._runner.close)
        self._runner.finished.connect(self.on_runner_finished)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable | None, Callable | None]] = {}
        self._thread.start()

    def submit(self, work: Callable[[DebriefStore], T],
               on_success: Callable[[T], None] | None = None,
               on_failure: Callable[[BaseException], None] | None = None) -> None:
        job_id = next(self._ids)
        self._callbacks[job_id] = (on_success, on_failure)
        if len(self._callbacks) == 1:
            self.busy_changed.emit(True)
        self._submit.emit(job_id, work)

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    @Slot(int, object, object)
    def on_runner_finished(self, job_id: int, result: object, error: object) -> None:
        on_success, on_failure = self._callbacks.pop(job_id, (None, None))
        if not self._callbacks:
            self.busy_changed.emit(False)
        if error is None:
            if on_success is not None:
                on_success(result)
        elif on_failure is not None:
            on_failure(error)
        else:
            self.failed.emit(error)

    def stop(self, timeout_s: float = 10.0) -> None:
        """Finish every submitted job, close the connection, end the thread."""
        if self._thread.isRunning():
            end_thread(self._thread, self._close, "store worker", timeout_s)


def worker_thread(name: str) -> QThread:
    """A thread, not started yet, for a worker's runner. Python's garbage is collected
    on the GUI thread from now on (desktop.ui.gui_gc): never on this one."""
    collect_on_gui_thread()
    thread = QThread()
    thread.setObjectName(name)
    return thread


def end_thread(thread: QThread, close: SignalInstance, name: str, timeout_s: float) -> None:
    """Ask the runner on `thread` to close through `close` (queued; it sets the Event
    it is handed once done), wait up to `timeout_s` for that, then end the thread."""
    done = threading.Event()
    close.emit(done)
    if not done.wait(timeout_s):
        log.error("%s did not finish within %.0f s", name, timeout_s)
    thread.quit()
    thread.wait()
