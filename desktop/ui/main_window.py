"""The main window, a shell: 'New debrief' and 'My debriefs', the menus, and the status
bar where the sync controller (sync_controller.py) shows where sync stands."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, QTimer, QUrl
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
from desktop.ui.capture_form import CaptureForm, FormContext
from desktop.ui.errors import ErrorPresenter
from desktop.ui.store_worker import StoreWorker
from desktop.ui.sync_controller import SyncController
from desktop.ui.text import debrief_line
from sync.domain.debrief import Debrief
from sync.domain.roles import reads_insights, sees_contests
from sync.domain.team_lists import TeamLists

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.store.contest_preview import LocalPreview
    from desktop.store.listing import DebriefFilter
    from desktop.ui.action_dialog import ActionDraft
    from desktop.ui.action_workspace import ActionsWorkspace
    from desktop.ui.conflict_copies import OtherVersions
    from desktop.ui.contest_workspace import ContestWorkspace
    from desktop.ui.debrief_list import DebriefList
    from desktop.ui.insights_workspace import InsightsWorkspace
    from desktop.ui.reason_list_editor import ReasonListWorkspace
    from desktop.ui.sync_worker import SyncWorker
    from sync.client.contest_answers import ContestInfo

log = logging.getLogger(__name__)

UNDO_SECONDS = 15
DEFAULT_SIZE = (1100, 760)  # where the screen is large enough
FRAME_ALLOWANCE = (16, 48)  # borders and title bar around the window's inside


@dataclass
class Services:
    """Everything the window works with, made once at start and handed in."""

    paths: AppPaths
    context: FormContext
    reader: DebriefStore  # the GUI thread's own read connection
    worker: StoreWorker  # every write goes here
    presenter: ErrorPresenter
    sync: SyncWorker  # every call to the team's server goes here


class MainWindow(QMainWindow):
    def __init__(self, services: Services):
        super().__init__()
        self.services = services
        self.setWindowTitle(self.tr("Debrief"))
        self.form = CaptureForm(services.context, services.worker)
        self.insights: InsightsWorkspace | None = None  # marketing and admin accounts
        self.contest: ContestWorkspace | None = None  # reps, managers and admins, connected
        self.reason_list: ReasonListWorkspace | None = None  # marketing and admins
        self.actions: ActionsWorkspace | None = None  # marketing and admins
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
        self.sync = SyncController(services.sync, services.reader, services.presenter,
                                   self.form.preview, self.describe_debrief, self)
        self.statusBar().addPermanentWidget(self.sync.area)
        self.other_versions: OtherVersions | None = None
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(self.undo_button.hide)
        self._deleted_id: str | None = None
        self._build_menu()
        self.form.saved.connect(self.on_form_saved)
        self.undo_button.clicked.connect(self.on_undo_button_clicked)
        services.worker.failed.connect(services.presenter.present)
        self.sync.lists_changed.connect(self.on_sync_lists_changed)
        self.sync.debriefs_pulled.connect(self._refresh_list)
        self.sync.open_requested.connect(self.on_list_open_requested)
        self.sync.message.connect(self.statusBar().showMessage)
        self.sync.role_changed.connect(self.use_role)
        services.sync.standing_changed.connect(self.on_sync_standing_changed)
        services.sync.standing_changed.connect(self.form.use_standing)
        services.presenter.window = self
        self._fit_to_screen()

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
        self._rep_actions = [new, mine]
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        settings = self.menuBar().addMenu(self.tr("&Settings"))
        settings.addActions(self.sync.actions)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        folder = QAction(self.tr("Open the &data folder"), self)
        folder.triggered.connect(self.on_open_data_folder_triggered)
        about = QAction(self.tr("&About Debrief"), self)
        about.triggered.connect(self.on_about_triggered)
        help_menu.addActions([folder, about])

    def _fit_to_screen(self) -> None:
        """Open at DEFAULT_SIZE, or smaller on a smaller screen, centred in the screen's
        free area. The window's frame is not known before it is shown: FRAME_ALLOWANCE
        leaves room for a title bar. Qt keeps it at least as large as its widgets need
        when it is shown (asking for that size here would lay out the window twice)."""
        area = self.screen().availableGeometry()
        size = QSize(*DEFAULT_SIZE).boundedTo(area.size() - QSize(*FRAME_ALLOWANCE))
        self.resize(size)
        self.move(area.x() + max((area.width() - size.width()) // 2, 0),
                  area.y() + max((area.height() - size.height() - FRAME_ALLOWANCE[1]) // 2, 0))

    def start(self) -> None:
        """Fill the window: last debrief's segment, competitors, the list, any draft."""
        reader = self.services.reader
        self.form.fields.set_competitor_names(reader.competitors())
        self.form.start_new(prefill=reader.last_saved())
        self.form.offer_drafts(DraftStore(reader.conn, reader.clock).form_drafts())
        self.sync.start()  # says the account's role: use_role

    # --- the workspace for the account's role -------------------------------------------

    def use_role(self, role: str | None) -> None:
        """Marketing and admin accounts work in Insights; everyone else in the rep's
        capture form and My debriefs."""
        analyst = reads_insights(role)
        for page in (self.form, self._list_page):
            self.tabs.setTabVisible(self.tabs.indexOf(page), not analyst)
        for action in self._rep_actions:
            action.setEnabled(not analyst)
        if sees_contests(role):
            contest = self._contest_workspace(role)
            self.tabs.setTabVisible(self.tabs.indexOf(contest), True)
        elif self.contest is not None:
            self.tabs.setTabVisible(self.tabs.indexOf(self.contest), False)
        if analyst:
            workspace = self._insights_workspace()
            self.tabs.setTabVisible(self.tabs.indexOf(workspace), True)
            self.tabs.setTabVisible(self.tabs.indexOf(self._actions_workspace()), True)
            self.tabs.setTabVisible(self.tabs.indexOf(self._reason_list_workspace()), True)
            self.tabs.setCurrentWidget(workspace)
        else:
            for page in (self.insights, self.actions, self.reason_list):
                if page is not None:
                    self.tabs.setTabVisible(self.tabs.indexOf(page), False)
            if self.insights is not None:
                self.tabs.setCurrentWidget(self.form)

    def _contest_workspace(self, role: str | None) -> ContestWorkspace:
        """The Contest tab, made the first time the account's role has one; it asks the
        server when it is first shown."""
        if self.contest is None:
            from desktop.ui.contest_workspace import ContestWorkspace

            self.contest = ContestWorkspace(self.services.sync, self.services.context.clock,
                                            role, self.local_preview)
            self.tabs.addTab(self.contest, self.tr("C&ontest"))
        else:
            self.contest.use_role(role)
        return self.contest

    def local_preview(self, contest: ContestInfo) -> LocalPreview:
        """What the rep's debriefs not synced yet will earn in `contest` (GUI thread's
        read connection: one indexed query and the period's debriefs)."""
        from desktop.store.contest_preview import local_preview

        return local_preview(self.services.reader.conn, contest.rulebook, contest.starts_at,
                             contest.ends_at)

    def on_sync_standing_changed(self, *_: object) -> None:
        """A sync finished and fetched the standing again: so does the Contest tab, if
        it is on screen."""
        if self.contest is not None and self.tabs.currentWidget() is self.contest:
            self.contest.ask()

    def _reason_list_workspace(self) -> ReasonListWorkspace:
        """The Reason list tab, for marketing and admins; it asks the server when first
        shown."""
        if self.reason_list is None:
            from desktop.ui.reason_list_editor import ReasonListWorkspace

            self.reason_list = ReasonListWorkspace(self.services.sync)
            self.tabs.addTab(self.reason_list, self.tr("Reason &list"))
        return self.reason_list

    def _actions_workspace(self) -> ActionsWorkspace:
        """The Actions tab, for marketing and admins; it asks the server when first
        shown."""
        if self.actions is None:
            from desktop.ui.action_workspace import ActionsWorkspace

            self.actions = ActionsWorkspace(self.services.sync, self.form.context.lists,
                                            self.services.context.clock)
            self.actions.known_values = self._names_shown
            self.tabs.addTab(self.actions, self.tr("&Actions"))
        return self.actions

    def _names_shown(self, dimension: str) -> list[str]:
        """Competitors or teams Insights has shown, for a new action's group."""
        if self.insights is None:
            return []
        return [value for value, _ in self.insights.values_of(dimension)]

    def on_action_asked(self, draft: ActionDraft) -> None:
        """Make an action... in Insights: the Actions tab, with a new one from the view."""
        actions = self._actions_workspace()
        self.tabs.setCurrentWidget(actions)
        actions.new_action(draft)

    def _insights_workspace(self) -> InsightsWorkspace:
        if self.insights is None:
            from desktop.insights_cache import InsightCache
            from desktop.ui.insights_workspace import InsightsWorkspace

            services = self.services
            self.insights = InsightsWorkspace(
                services.sync, InsightCache(services.paths.insights_cache),
                self.form.context.lists, services.context.clock,
                services.paths.saved_insight_views)
            self.tabs.addTab(self.insights, self.tr("&Insights"))
            self.insights.action_asked.connect(self.on_action_asked)
            self.insights.start()
        return self.insights


    @property
    def list(self) -> DebriefList:
        """My debriefs, made on first use: the first paint does not wait for it."""
        if self._list is None:
            from desktop.ui.debrief_list import DebriefList

            services = self.services
            self._list = DebriefList(services.reader.conn, self.form.context.taxonomy,
                                     services.context.clock, self.count_on_worker)
            self._list.open_requested.connect(self.on_list_open_requested)
            self._list.delete_requested.connect(self.on_list_delete_requested)
            self._list.copies_requested.connect(self.show_other_versions)
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
        elif self.contest is not None and self.tabs.widget(index) is self.contest:
            self.contest.ask()

    def _refresh_list(self, *_: object) -> None:
        if self._list is not None:
            self._list.refresh()
        if self.other_versions is not None and self.other_versions.isVisible():
            self.other_versions.reload()

    def show_other_versions(self, debrief_id: str = "") -> OtherVersions:
        """The other versions kept by sync, that of `debrief_id` first if it has one."""
        from desktop.ui.conflict_copies import OtherVersions

        dialog = self.other_versions
        if dialog is not None and dialog.isVisible():
            dialog.select_debrief(debrief_id)
            dialog.activateWindow()
            return dialog
        if dialog is not None:
            dialog.deleteLater()
        context = self.form.context
        dialog = OtherVersions(self.services.reader, self.services.worker, context.taxonomy,
                               context.segments, self, first=debrief_id or None)
        dialog.changed.connect(self.on_other_versions_changed)
        dialog.used.connect(self.on_other_versions_used)
        self.other_versions = dialog
        dialog.open()
        return dialog

    def on_other_versions_changed(self) -> None:
        if self._list is not None:
            self._list.refresh()

    def on_other_versions_used(self, saved: Debrief) -> None:
        self.services.sync.after_save()  # the chosen version is pushed like any edit

    def show_new_debrief(self) -> None:
        self.tabs.setCurrentWidget(self.form)
        self.form.new_debrief()

    def on_form_saved(self, saved: Debrief) -> None:
        """The form says "Saved" by its Save button, where the rep looks; not here too."""
        self._refresh_list()
        self.form.fields.remember_competitor(saved.competitor)
        self.services.sync.after_save()

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
        self.services.sync.after_save()  # a delete is pushed as a tombstone
        self.form.forget(debrief_id)
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
                                        lambda _: self.on_store_restored())

    def on_store_restored(self) -> None:
        self._refresh_list()
        self.services.sync.after_save()

    def on_open_data_folder_triggered(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.services.paths.data_dir)))

    def on_about_triggered(self) -> None:
        QMessageBox.about(self, self.tr("About Debrief"), self.tr(
            "Debrief {version}\nWhy customers buy, and why they walk away.\n\n"
            "Your data: {path}").format(version=__version__,
                                        path=self.services.paths.data_dir))

    def describe_debrief(self, debrief_id: str) -> str:
        """One line naming a debrief: account, outcome, stage, when, main reason."""
        debrief = self.services.reader.get(debrief_id, include_deleted=True)
        if debrief is None:
            return self.tr("A debrief that is no longer on this computer")
        return debrief_line(debrief, self.form.context.taxonomy)

    def on_sync_lists_changed(self, rules: TeamLists) -> None:
        """The server's reason list, segments and contest rules replace the shipped ones."""
        self.services.reader.rules = rules
        self.services.worker.submit(partial(_use_rules, rules))
        self.form.use_lists(rules)
        self.services.context = self.form.context
        if self.insights is not None:
            self.insights.use_lists(rules)
        if self.actions is not None:
            self.actions.use_lists(rules)
        if self._list is not None:
            self._list.use_taxonomy(rules.taxonomy)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Keep the half-typed debrief, finish every write, then close."""
        self.form.flush_draft()
        if self.contest is not None:
            self.contest.close_tv()
        self.hide()  # a push in flight may take a moment to stop
        self.services.sync.stop()
        self.services.worker.stop()
        self.services.reader.conn.close()
        event.accept()


def _use_rules(rules: TeamLists, store: DebriefStore) -> None:
    """On the store worker: saves are checked and scored by the pulled lists."""
    store.rules = rules
