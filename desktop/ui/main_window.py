"""The main window: 'New debrief' and 'My debriefs', a menu, and the status bar."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import __version__
from desktop.paths import AppPaths
from desktop.store.debriefs import DebriefStore
from desktop.store.drafts import DraftStore
from desktop.ui.capture_form import DRAFT_SLOT, CaptureForm, FormContext
from desktop.ui.errors import ErrorPresenter
from desktop.ui.store_worker import StoreWorker
from sync.domain.debrief import Debrief

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.store.listing import DebriefFilter
    from desktop.ui.debrief_list import DebriefList

log = logging.getLogger(__name__)

UNDO_SECONDS = 15


@dataclass
class Services:
    """Everything the window works with, made once at start and handed in."""

    paths: AppPaths
    context: FormContext
    reader: DebriefStore  # the GUI thread's own read connection
    worker: StoreWorker  # every write goes here
    presenter: ErrorPresenter


class MainWindow(QMainWindow):
    def __init__(self, services: Services):
        super().__init__()
        self.services = services
        self.setWindowTitle(self.tr("Debrief"))
        self.form = CaptureForm(services.context, services.worker)
        self._list: DebriefList | None = None
        self._list_page = QWidget()  # My debriefs is built the first time it is shown
        QVBoxLayout(self._list_page).setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.form, self.tr("&New debrief"))
        self.tabs.addTab(self._list_page, self.tr("&My debriefs"))
        self.tabs.currentChanged.connect(self.on_tabs_current_changed)
        self.setCentralWidget(self.tabs)
        self.undo_button = QPushButton(self.tr("Undo delete"))
        self.undo_button.hide()
        self.statusBar().addPermanentWidget(self.undo_button)
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(self.undo_button.hide)
        self._deleted_id: str | None = None
        self._build_menu()
        self.form.saved.connect(self.on_form_saved)
        self.undo_button.clicked.connect(self.on_undo_button_clicked)
        services.worker.failed.connect(services.presenter.present)
        services.presenter.window = self
        self.resize(1100, 760)

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        new = QAction(self.tr("&New debrief"), self)
        new.setShortcut(QKeySequence.StandardKey.New)
        new.triggered.connect(self.show_new_debrief)
        mine = QAction(self.tr("&My debriefs"), self)
        mine.setShortcut(QKeySequence("Ctrl+L"))
        mine.triggered.connect(self.show_my_debriefs)
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addActions([new, mine])
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        folder = QAction(self.tr("Open the &data folder"), self)
        folder.triggered.connect(self.on_open_data_folder_triggered)
        about = QAction(self.tr("&About Debrief"), self)
        about.triggered.connect(self.on_about_triggered)
        help_menu.addActions([folder, about])

    def start(self) -> None:
        """Fill the window: last debrief's segment, competitors, the list, any draft."""
        reader = self.services.reader
        self.form.fields.set_competitor_names(reader.competitors())
        self.form.start_new(prefill=reader.last_saved())
        draft = DraftStore(reader.conn, reader.clock).get(DRAFT_SLOT)
        if draft is not None:
            self.form.offer_draft(*draft)

    @property
    def list(self) -> DebriefList:
        """My debriefs, made on first use: the first paint does not wait for it."""
        if self._list is None:
            from desktop.ui.debrief_list import DebriefList

            services = self.services
            self._list = DebriefList(services.reader.conn, services.context.taxonomy,
                                     services.context.clock, self.count_on_worker)
            self._list.open_requested.connect(self.on_list_open_requested)
            self._list.delete_requested.connect(self.on_list_delete_requested)
            self._list_page.layout().addWidget(self._list)
            self._list.apply_filter()
        return self._list

    def count_on_worker(self, flt: DebriefFilter, done: Callable[[int], None]) -> None:
        """Count My debriefs on the store worker: a text search scans every row."""
        from desktop.store import listing

        self.services.worker.submit(lambda store: listing.count(store.conn, flt), done)

    def show_my_debriefs(self) -> None:
        self.tabs.setCurrentWidget(self._list_page)

    def on_tabs_current_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self._list_page:
            self.list.table.setFocus()

    def _refresh_list(self) -> None:
        if self._list is not None:
            self._list.refresh()

    def show_new_debrief(self) -> None:
        self.tabs.setCurrentWidget(self.form)
        self.form.fields.outcome.setFocus()

    def on_form_saved(self, saved: Debrief) -> None:
        self._refresh_list()
        self.form.fields.remember_competitor(saved.competitor)
        self.statusBar().showMessage(self.form.status.text(), 5000)

    def on_list_open_requested(self, debrief_id: str) -> None:
        debrief = self.services.reader.get(debrief_id)
        if debrief is None:
            self._refresh_list()
            return
        self.form.edit(debrief)
        self.tabs.setCurrentWidget(self.form)

    def on_list_delete_requested(self, debrief_id: str) -> None:
        answer = QMessageBox.question(
            self, self.tr("Delete debrief"),
            self.tr("Delete this debrief? Its contest entries go with it."))
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.services.worker.submit(lambda store: store.delete(debrief_id),
                                    lambda _: self.on_store_deleted(debrief_id))

    def on_store_deleted(self, debrief_id: str) -> None:
        self._deleted_id = debrief_id
        self._refresh_list()
        self.statusBar().showMessage(self.tr("Debrief deleted."), UNDO_SECONDS * 1000)
        self.undo_button.show()
        self._undo_timer.start(UNDO_SECONDS * 1000)

    def on_undo_button_clicked(self) -> None:
        debrief_id, self._deleted_id = self._deleted_id, None
        self.undo_button.hide()
        if debrief_id:
            self.services.worker.submit(lambda store: store.restore(debrief_id),
                                        lambda _: self._refresh_list())

    def on_open_data_folder_triggered(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.services.paths.data_dir)))

    def on_about_triggered(self) -> None:
        QMessageBox.about(self, self.tr("About Debrief"), self.tr(
            "Debrief {version}\nWhy customers buy, and why they walk away.\n\n"
            "Your data: {path}").format(version=__version__,
                                        path=self.services.paths.data_dir))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Keep the half-typed debrief, finish every write, then close."""
        self.form.flush_draft()
        self.services.worker.stop()
        self.services.reader.conn.close()
        event.accept()

