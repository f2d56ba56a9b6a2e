"""Fixtures for the Qt tests: a real main window over its own database under tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import sync_window
from helpers.keychain_backends import MemoryKeychain
from helpers.server_harness import ServerProcess
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from desktop.paths import AppPaths
from desktop.store.database import prepare
from desktop.ui.app import build_window
from desktop.ui.errors import ErrorPresenter
from desktop.ui.main_window import MainWindow
from sync.domain.clock import SteppingClock


class Keyboard:
    """Presses real keys into whatever widget has focus, and counts them."""

    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.presses = 0

    def _target(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "no widget has keyboard focus"
        return widget

    def type(self, text: str) -> None:
        for char in text:
            self.qtbot.keyClick(self._target(), char)
            self.presses += 1

    def press(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(self._target(), key, modifier)
        self.presses += 1

    def fill_valid(self, form) -> None:
        """A lost deal at Consideration with one price reason: the least that saves."""
        form.fields.outcome.setFocus()
        self.type("l")
        self.type("2")
        form.fields.picker.setFocus()
        self.type("pri")
        self.press(Qt.Key.Key_Return)


@pytest.fixture
def keyboard(qtbot) -> Keyboard:
    return Keyboard(qtbot)


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


class RecordingPresenter(ErrorPresenter):
    """Keeps the errors instead of opening a modal dialog that would stall the test."""

    def __init__(self) -> None:
        super().__init__(None)
        self.errors: list[BaseException] = []

    def present(self, error: BaseException) -> None:
        self.errors.append(error)


@pytest.fixture
def presenter() -> Iterator[RecordingPresenter]:
    presenter = RecordingPresenter()
    yield presenter
    assert not presenter.errors, f"unexpected errors reached the presenter: {presenter.errors}"


@pytest.fixture
def show(qtbot) -> Iterator[Callable[[MainWindow], MainWindow]]:
    """Shows a built main window and closes it (finishing its writes) when the test ends."""
    windows: list[MainWindow] = []

    def show_(window: MainWindow) -> MainWindow:
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield show_
    for window in windows:
        if window.isVisible():
            window.close()


@pytest.fixture
def open_window(qtbot, tmp_path: Path, clock, presenter, show) -> Callable[[], MainWindow]:
    """Opens (and at the end closes) main windows over one data dir under tmp_path."""

    def open_() -> MainWindow:
        paths = AppPaths(tmp_path / "data")
        prepare(paths.database, clock)
        window = show(build_window(paths, clock, presenter, rep="rep-1"))
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
        return window

    return open_


@pytest.fixture
def window(open_window) -> MainWindow:
    return open_window()


@pytest.fixture
def settle(qtbot) -> Callable[[MainWindow], None]:
    """Waits until every submitted store job has come back to the GUI thread."""

    def wait(window: MainWindow) -> None:
        qtbot.waitUntil(lambda: window.services.worker.pending == 0, timeout=5000)

    return wait


# --- sync: a real central store on loopback, a keychain in memory -------------------------


@pytest.fixture(scope="session")
def central(central_sqlite: ServerProcess) -> ServerProcess:
    """The run's central store on SQLite (tests/conftest.py); tests keep apart by their
    reps."""
    return central_sqlite


@pytest.fixture(scope="session")
def central_db(central):
    from sync.server.database import make_engine

    engine = make_engine(central.db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def rep(central_db) -> str:
    return sync_window.new_rep(central_db)


@pytest.fixture
def keychain():
    return MemoryKeychain()


@pytest.fixture
def vault(keychain):
    from desktop.keychain import TokenVault

    return TokenVault(keychain)


@pytest.fixture
def data_paths(tmp_path: Path) -> AppPaths:
    return AppPaths(tmp_path / "data")


@pytest.fixture
def open_synced_window(data_paths: AppPaths, clock, presenter, vault, show):
    """`open_synced_window(**setup)`: a main window whose sync worker uses the test's
    keychain and quick timings (see sync_window.quick_setup)."""

    def open_(**setup) -> MainWindow:
        prepare(data_paths.database, clock)
        return show(build_window(data_paths, clock, presenter, rep="rep-1",
                                 sync_setup=sync_window.quick_setup(**({"vault": vault} | setup))))

    return open_
