"""Insights: marketing's workspace. Filters on top; reasons (Pareto of win and loss
reasons, with a table), the trend by month, segments, competitors, quotes, plays, the
funnel, and the collateral and lead criteria counts below; every
number one the server published after suppression (docs/insights-privacy.md).

Answers are fetched on the sync thread (every call to the server goes there) and kept
on disk (desktop.insights_cache), so the workspace opens offline with the last answers,
saying when they were fetched.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.action_dialog import ActionDraft
from desktop.ui.charts import TrendChart
from desktop.ui.dimension_labels import dimension_labels, listed_values, value_label
from desktop.ui.funnel_panel import FunnelPanel
from desktop.ui.lead_counts_panel import LeadCountsPanel
from desktop.ui.reasons_panel import ReasonsPanel
from desktop.ui.rows_table import RowsModel, by_line, rows_view
from desktop.ui.text import outcome_label, stage_label, time_text, tr
from sync.client import insight_view
from sync.client.insight_view import InsightAnswers, InsightView
from sync.domain.actions import Kind, Measure
from sync.domain.clock import Clock, from_iso
from sync.domain.debrief import Outcome, Stage
from sync.domain.team_lists import TeamLists
from sync.exports.lead_table import LISTED_IN

if TYPE_CHECKING:
    from desktop.insights_cache import InsightCache
    from desktop.ui.sync_worker import SyncWorker

log = logging.getLogger(__name__)


def _nothing_to_show() -> str:
    return tr("Nothing to show yet: too few debriefs in this period, or none fetched.")


QUOTE_ATTRIBUTES = ("stage", "industry", "company_size", "region")
PLAY_ATTRIBUTES = QUOTE_ATTRIBUTES  # no more than a quote: together they narrow



def shared_texts_tab(search: QLineEdit, placeholder: str, model: RowsModel,
                     note: str | None = None) -> QWidget:
    """A tab of texts reps shared (quotes, plays): a note, a search line, the table."""
    tab = QWidget()
    column = QVBoxLayout(tab)
    if note:
        said = QLabel(note)
        said.setWordWrap(True)
        column.addWidget(said)
    search.setPlaceholderText(placeholder)
    search.setClearButtonEnabled(True)
    column.addWidget(search)
    table = rows_view(model)
    table.setWordWrap(True)
    column.addWidget(table)
    return tab

class InsightsWorkspace(QWidget):
    # Make an action...: an ActionDraft of the view, for the Actions tab to open.
    action_asked = Signal(object)

    def __init__(self, sync: SyncWorker, cache: InsightCache, lists: TeamLists, clock: Clock,
                 saved_views: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.sync, self.cache, self.lists, self.clock = sync, cache, lists, clock
        self.saved_views_path = saved_views
        self.found: InsightAnswers | None = None
        self.offline_problem: str | None = None
        self._asked: InsightView | None = None

        self.period = QComboBox()
        for key, label in (("last_3_months", tr("Last 3 months")),
                           ("last_6_months", tr("Last 6 months")),
                           ("last_12_months", tr("Last 12 months")),
                           ("this_year", tr("This year")), ("custom", tr("Custom"))):
            self.period.addItem(label, key)
        self.period.setCurrentIndex(1)
        self.first, self.last = QComboBox(), QComboBox()
        for month in self._recent_months(36):
            self.first.addItem(month, month)
            self.last.addItem(month, month)
        self.outcome = QComboBox()
        self.outcome.addItem(tr("All outcomes"), "")
        for outcome in Outcome:
            self.outcome.addItem(outcome_label(outcome), outcome.value)
        self.narrow_by = QComboBox()
        self.narrow_by.addItem(tr("Everyone"), "")
        for key, label in self._dimension_labels().items():
            self.narrow_by.addItem(label, key)
        self.narrow_value = QComboBox()
        self.narrow_value.setMinimumContentsLength(14)
        self.primary_only = QCheckBox(tr("Main reason only"))
        self.refresh = QPushButton(tr("&Refresh"))
        self.export = QPushButton(tr("&Export..."))
        self.make_action = QPushButton(tr("Make an ac&tion..."))
        self.make_action.setToolTip(tr(
            "Turn what you see into an action: the reason selected in Reasons (or the win "
            "rate), for this outcome and group, against this period"))
        self.make_action.clicked.connect(self.on_make_action_clicked)
        self.saved = QComboBox()
        self.save_view = QPushButton(tr("Save view..."))
        self.state = QLabel()
        self.state.setObjectName("insightsState")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # working, no end known
        self.busy.setMaximumWidth(120)
        self.busy.hide()

        filters = QHBoxLayout()
        for label, widget in ((tr("Period"), self.period), (tr("from"), self.first),
                              (tr("to"), self.last), (tr("Outcome"), self.outcome),
                              (tr("Narrow to"), self.narrow_by)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget)
        filters.addWidget(self.narrow_value)
        filters.addWidget(self.primary_only)
        filters.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(QLabel(tr("Saved views")))
        actions.addWidget(self.saved)
        actions.addWidget(self.save_view)
        actions.addStretch(1)
        actions.addWidget(self.busy)
        actions.addWidget(self.state)
        actions.addWidget(self.refresh)
        actions.addWidget(self.export)
        actions.addWidget(self.make_action)

        self.reasons = ReasonsPanel(lists)
        self.trend_chart = TrendChart()
        self.segment_dimension = QComboBox()
        for key in insight_view.SEGMENT_DIMENSIONS:
            self.segment_dimension.addItem(self._dimension_labels()[key], key)
        self.segments_model = RowsModel(self)
        segments = QWidget()
        segments_layout = QVBoxLayout(segments)
        segments_layout.addLayout(by_line(self.segment_dimension))
        self.segments_view = rows_view(self.segments_model)
        segments_layout.addWidget(self.segments_view)
        self.competitors_model = RowsModel(self)
        self.quote_search, self.quotes_model = QLineEdit(), RowsModel(self)
        self.quotes_tab = shared_texts_tab(self.quote_search, tr("Search the quotes"),
                                           self.quotes_model)
        self.play_search, self.plays_model = QLineEdit(), RowsModel(self)
        self.plays_tab = shared_texts_tab(
            self.play_search, tr("Search the plays"), self.plays_model,
            tr("What worked, in the reps' words, shared by choice: plays to turn into "
               "programs."))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.reasons, tr("Reasons"))
        self.tabs.addTab(self.trend_chart, tr("Trend"))
        self.tabs.addTab(segments, tr("Segments"))
        self.competitors_view = rows_view(self.competitors_model)
        self.tabs.addTab(self.competitors_view, tr("Competitors"))
        self.tabs.addTab(self.quotes_tab, tr("Quotes"))
        self.tabs.addTab(self.plays_tab, tr("Plays"))
        self.funnel = FunnelPanel(self.code_label)
        self.tabs.addTab(self.funnel, tr("Funnel"))
        lead_dimensions = self._dimension_labels()
        self.collateral = LeadCountsPanel(
            insight_view.COLLATERAL, tr(
                "The collateral reps used in debriefs of each outcome, and how often they "
                "said it helped (per outcome only: per group it would be too few)."),
            lead_dimensions, self._lead_item_label, self._value_label)
        self.criteria = LeadCountsPanel(
            insight_view.CRITERIA, tr(
                "The sales-qualified-lead criteria leads failed when they reached the "
                "rep, by where they came from or any other group."),
            lead_dimensions, self._lead_item_label, self._value_label)
        self.collateral.group_by("stage")
        self.criteria.group_by("lead_source")
        self.tabs.addTab(self.collateral, tr("Collateral"))
        self.tabs.addTab(self.criteria, tr("Lead criteria"))
        self.rule = QLabel()
        self.rule.setWordWrap(True)
        self.rule.setObjectName("insightsRule")

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.rule)

        self._use_preset()
        self._fill_narrow_values()
        self._load_saved_names()
        self.period.currentIndexChanged.connect(self.on_period_current_index_changed)
        for combo in (self.first, self.last, self.outcome, self.narrow_value,
                      self.segment_dimension, self.collateral.by, self.criteria.by):
            combo.currentIndexChanged.connect(self.on_filter_changed)
        self.narrow_by.currentIndexChanged.connect(self.on_narrow_by_current_index_changed)
        self.primary_only.toggled.connect(self.on_filter_changed)
        self.quote_search.textChanged.connect(self.on_quote_search_text_changed)
        self.play_search.textChanged.connect(lambda *_: self._draw_plays(self.found))
        self.refresh.clicked.connect(self.ask)
        self.export.clicked.connect(self.on_export_clicked)
        self.save_view.clicked.connect(self.on_save_view_clicked)
        self.saved.activated.connect(self.on_saved_activated)
        sync.insights_answered.connect(self.on_sync_insights_answered)
        sync.insights_failed.connect(self.on_sync_insights_failed)

    # --- what the shell calls -----------------------------------------------------------

    def start(self) -> None:
        """Show what was kept for this view (offline too), then ask the server."""
        kept = self.cache.load(self.view())
        if kept is not None:
            self.show_answers(kept, fresh=False)
        self.ask()

    def use_lists(self, lists: TeamLists) -> None:
        self.lists = lists
        self.reasons.lists = lists
        self._fill_narrow_values()
        if self.found is not None:
            self.show_answers(self.found, fresh=self.offline_problem is None)

    # --- the view -----------------------------------------------------------------------

    def view(self) -> InsightView:
        outcome = self.outcome.currentData()
        dimension, value = self.narrow_by.currentData(), self.narrow_value.currentData()
        first, last = self.first.currentData(), self.last.currentData()
        if first and last and first > last:
            first, last = last, first
        return InsightView(first, last, (outcome,) if outcome else (),
                           (dimension, value) if dimension and value is not None else None,
                           self.primary_only.isChecked(), self.segment_dimension.currentData(),
                           self.collateral.grouping(), self.criteria.grouping())

    def ask(self) -> None:
        self._asked = self.view()
        self.busy.show()
        self.state.setText(tr("Loading..."))
        self.sync.ask_insights(self._asked, self.cache)

    def on_filter_changed(self, *_: object) -> None:
        if self.view() != self._asked:
            kept = self.cache.load(self.view())
            if kept is not None:
                self.show_answers(kept, fresh=False)
            self.ask()

    def on_period_current_index_changed(self, _: int) -> None:
        self._use_preset()
        self.on_filter_changed()

    def on_narrow_by_current_index_changed(self, _: int) -> None:
        self._fill_narrow_values()
        self.on_filter_changed()

    def _use_preset(self) -> None:
        preset = self.period.currentData()
        custom = preset == "custom"
        self.first.setEnabled(custom)
        self.last.setEnabled(custom)
        if custom:
            return
        first, last = insight_view.period_of(preset, self._today())
        for combo, month in ((self.first, first), (self.last, last)):
            combo.blockSignals(True)
            index = combo.findData(month)
            combo.setCurrentIndex(index if index >= 0 else 0)
            combo.blockSignals(False)

    def _fill_narrow_values(self) -> None:
        dimension = self.narrow_by.currentData()
        self.narrow_value.blockSignals(True)
        self.narrow_value.clear()
        for value, label in self.values_of(dimension):
            self.narrow_value.addItem(label, value)
        self.narrow_value.setEnabled(bool(dimension))
        self.narrow_value.blockSignals(False)

    def values_of(self, dimension: str | None) -> list[tuple[str, str]]:
        if not dimension:
            return []
        listed = listed_values(self.lists, dimension)
        if listed is not None:
            return listed
        # Competitors and teams: the names marketing has been shown.
        shown = self.found.groups(dimension) if self.found else []
        return [(group["value"], group["value"]) for group in shown if group["value"]]

    # --- answers ------------------------------------------------------------------------

    def on_sync_insights_answered(self, found: InsightAnswers) -> None:
        if found.view != self.view():
            return  # an answer to filters since changed
        self.offline_problem = None
        self.show_answers(found, fresh=True)

    def on_sync_insights_failed(self, problem: Any, kept: InsightAnswers | None) -> None:
        if self._asked is not None and self._asked != self.view():
            return
        self.busy.hide()
        self.offline_problem = getattr(problem, "message", None) or str(problem)
        if kept is not None:
            self.show_answers(kept, fresh=False)
        elif self.found is None or self.found.view != self.view():
            self.found = None
            self._draw(None)
            self.state.setText(tr("Not fetched yet, and the server cannot be reached."))
        log.info("insights not fetched: %s", self.offline_problem)

    def show_answers(self, found: InsightAnswers, *, fresh: bool) -> None:
        self.found = found
        if fresh:
            self.busy.hide()
        when = time_text(from_iso(found.fetched_at))
        fetched_day = from_iso(found.fetched_at).astimezone().date()
        if fetched_day != self._today():
            when = f"{fetched_day.isoformat()} {when}"
        if fresh:
            self.state.setText(tr("As of {time}").format(time=when))
        elif self.offline_problem:
            self.state.setText(tr("Offline: as of {time}").format(time=when))
        else:
            self.state.setText(tr("As of {time}, refreshing...").format(time=when))
        if self.narrow_by.currentData() in ("competitor", "team") \
                and not self.narrow_value.count():
            self._fill_narrow_values()
        self._draw(found)

    def _draw(self, found: InsightAnswers | None) -> None:
        min_cell = found.min_cell if found else 5
        self.rule.setText(tr(
            "Counts of fewer than {n} debriefs, or from a single rep, are left out, month by "
            "month, and so is the smallest group beside them where needed: no one's "
            "debrief can be worked out from what is shown.").format(n=min_cell))
        empty = _nothing_to_show()
        self.reasons.show_answers(found, empty)
        trend = insight_view.trend(found) if found else None
        self.trend_chart.set_lines(
            tr("Share of debriefs giving each of the top reasons, by month"),
            trend.months if trend else (),
            {self.code_label(code): shares for code, shares in trend.lines.items()}
            if trend else {}, empty)
        self._draw_segments(found)
        self._draw_competitors(found)
        self._draw_quotes(found)
        self._draw_plays(found)
        self.funnel.show_answers(found)
        self.collateral.show_answers(found)
        self.criteria.show_answers(found)

    def _draw_segments(self, found: InsightAnswers | None) -> None:
        dimension = self.segment_dimension.currentData()
        rows = insight_view.table(found, dimension) if found else []
        codes = insight_view.top_codes(rows)
        shown: list[list[Any]] = []
        tips = {}
        left_out = tr("fewer than {n} debriefs or one rep: left out").format(
            n=found.min_cell if found else 5)
        for r, row in enumerate(rows):
            cells: list[Any] = [self._value_label(dimension, row.value), row.debriefs]
            for c, code in enumerate(codes):
                share = row.shares.get(code)
                if share is None:
                    cells.append(tr("< {n}").format(n=found.min_cell if found else 5))
                    tips[(r, c + 2)] = left_out
                else:
                    cells.append(f"{share:.0%}")
            shown.append(cells)
        self.segments_model.set_rows(
            [self._dimension_labels()[dimension], tr("Debriefs"),
             *(self.code_label(code) for code in codes)], shown, tips)

    def _draw_competitors(self, found: InsightAnswers | None) -> None:
        rows = insight_view.competitors(found) if found else []
        hidden = tr("< {n}").format(n=found.min_cell if found else 5)

        def count(value: int | None) -> Any:
            return hidden if value is None else value

        self.competitors_model.set_rows(
            [tr("Competitor"), tr("Won"), tr("Lost"), tr("No decision"), tr("Win rate"),
             tr("Top reasons when won"), tr("Top reasons when lost")],
            [[row.name, count(row.won), count(row.lost), count(row.no_decision),
              "" if row.win_rate is None else f"{row.win_rate:.0%}",
              ", ".join(self.code_label(c) for c in row.win_reasons),
              ", ".join(self.code_label(c) for c in row.loss_reasons)] for row in rows])

    def on_quote_search_text_changed(self, _: str) -> None:
        self._draw_quotes(self.found)

    def _draw_quotes(self, found: InsightAnswers | None) -> None:
        rows = [[self.code_label(quote["code"]), quote["text"],
                 *self._attributes(quote, QUOTE_ATTRIBUTES)]
                for quote in (found.quotes(self.quote_search.text()) if found else [])]
        self.quotes_model.set_rows(
            [tr("Reason"), tr("Quote"), tr("Outcome"), tr("Month"), tr("Stage"),
             tr("Industry"), tr("Company size"), tr("Region")], rows)

    def _draw_plays(self, found: InsightAnswers | None) -> None:
        rows = [[play["text"], *self._attributes(play, PLAY_ATTRIBUTES)]
                for play in (found.plays(self.play_search.text()) if found else [])]
        self.plays_model.set_rows(
            [tr("Play"), tr("Outcome"), tr("Month"), tr("Stage"), tr("Industry"),
             tr("Company size"), tr("Region")], rows)

    def _attributes(self, item: dict[str, Any], names: tuple[str, ...]) -> list[str]:
        """A quote's or a play's outcome, month and attributes in words; a group too
        small to show reads "(small group)"."""
        outcomes = {outcome.value: outcome_label(outcome) for outcome in Outcome}
        stages = {stage.value: stage_label(stage) for stage in Stage}

        def shown(dimension: str, value: str | None) -> str:
            if value == "withheld":
                return tr("(small group)")
            if dimension == "stage":
                return stages.get(value or "", tr("Not given"))
            return self._value_label(dimension, value)

        return [outcomes.get(item["outcome"], item["outcome"]), item["month"],
                *(shown(name, item.get(name)) for name in names)]

    # --- export and saved views ------------------------------------------------------------

    def on_export_clicked(self) -> None:
        """Export the reasons on screen, or on the Quotes, Plays, Collateral or Lead
        criteria tab what it lists."""
        from desktop.ui.insight_export import (
            export_lead_counts,
            export_plays,
            export_quotes,
            export_reasons,
        )

        if self.found is None:
            QMessageBox.information(self, tr("Export"), tr("Nothing fetched to export yet."))
            return
        tab, now = self.tabs.currentWidget(), self.clock.now()
        titles = {self.quotes_tab: (tr("Export quotes"), "quotes"),
                  self.plays_tab: (tr("Export plays"), "plays"),
                  self.collateral: (tr("Export collateral"), "collateral"),
                  self.criteria: (tr("Export lead criteria"), "criteria")}
        title, file = titles.get(tab, (tr("Export reasons"), "reasons"))
        name, chosen = QFileDialog.getSaveFileName(
            self, title, str(Path.home() / f"debrief-{file}.xlsx"),
            tr("Excel workbook (*.xlsx);;CSV for Excel (*.csv);;JSON (*.json)"))
        if not name:
            return
        if tab is self.quotes_tab:
            export_quotes(self, self.found, self.quote_search.text(), self.lists.taxonomy,
                          Path(name), chosen, now)
        elif tab is self.plays_tab:
            export_plays(self, self.found, self.play_search.text(), Path(name), chosen, now)
        elif isinstance(tab, LeadCountsPanel):
            export_lead_counts(self, self.found, tab.kind, self.lists.leads, Path(name),
                               chosen, now)
        else:
            export_reasons(self, self.found, self.lists.taxonomy, Path(name), chosen, now)

    def on_make_action_clicked(self) -> None:
        self.action_asked.emit(self.action_draft())

    def action_draft(self) -> ActionDraft:
        """The view as the measure of a new action, against the view's months. On
        Reasons, the reason selected there, of the outcome asked (or, for all, its
        side's: won or lost); on Competitors or Segments, the win rate of the row
        selected; otherwise the win rate (or, for an outcome asked, its share).
        Narrowed as the view is, or to the row."""
        view = self.view()
        tab = self.tabs.currentWidget()
        chosen = self.reasons.selected_code() if tab is self.reasons else None
        asked = Outcome(view.outcomes[0]) if len(view.outcomes) == 1 else None
        row = self._selected_group(tab)
        if row is not None:
            return ActionDraft(Measure(Kind.WIN_RATE, Outcome.WON, None, *row),
                               (view.first, view.last))
        if chosen is not None:
            side, code = chosen
            outcome = asked or (Outcome.WON if side == "win" else Outcome.LOST)
            measure = Measure(Kind.REASON, outcome, code)
        elif asked in (None, Outcome.WON):
            measure = Measure(Kind.WIN_RATE, Outcome.WON)
        else:
            measure = Measure(Kind.OUTCOME, asked)
        if view.narrow is not None:
            measure = replace(measure, dimension=view.narrow[0], value=view.narrow[1])
        return ActionDraft(measure, (view.first, view.last))

    def _selected_group(self, tab: QWidget) -> tuple[str, str] | None:
        """(dimension, value) of the row selected on Competitors or Segments."""
        if tab is self.competitors_view:
            view, dimension = self.competitors_view, "competitor"
        elif tab is self.segments_view.parentWidget():
            view, dimension = self.segments_view, self.segment_dimension.currentData()
        else:
            return None
        rows = view.selectionModel().selectedRows()
        if not rows:
            return None
        label = view.model().index(rows[0].row(), 0).data()
        for value, shown in self.values_of(dimension):
            if shown == label:
                return dimension, value
        return (dimension, label) if dimension == "competitor" else None

    def on_save_view_clicked(self) -> None:
        name, ok = QInputDialog.getText(self, tr("Save view"), tr("Name of this view:"))
        if ok and name.strip():
            views = self._saved()
            views[name.strip()] = {"period": self.period.currentData(),
                                   "view": json.loads(self.view().key())}
            self._write_saved(views)
            self._load_saved_names(select=name.strip())

    def on_saved_activated(self, index: int) -> None:
        saved = self._saved().get(self.saved.itemData(index) or "")
        if not saved:
            return
        view = saved["view"]
        for combo, value in ((self.period, saved.get("period", "custom")),
                             (self.first, view["first"]), (self.last, view["last"]),
                             (self.outcome, (view["outcomes"] or [""])[0]),
                             (self.narrow_by, (view["narrow"] or [""])[0]),
                             (self.segment_dimension, view["segment_dimension"]),
                             (self.collateral.by, view.get("collateral_by", "stage")),
                             (self.criteria.by, view.get("criteria_by", "lead_source"))):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)
        self._use_preset()
        self._fill_narrow_values()
        if view["narrow"]:
            self.narrow_value.setCurrentIndex(max(0, self.narrow_value.findData(
                view["narrow"][1])))
        self.primary_only.blockSignals(True)
        self.primary_only.setChecked(bool(view["primary_only"]))
        self.primary_only.blockSignals(False)
        self.on_filter_changed()

    def _saved(self) -> dict[str, Any]:
        try:
            return dict(json.loads(self.saved_views_path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return {}

    def _write_saved(self, views: dict[str, Any]) -> None:
        from sync.exports.whole_file import written_whole

        try:
            with written_whole(self.saved_views_path) as out:
                out.write(json.dumps(views, indent=1).encode("utf-8"))
        except OSError as error:
            QMessageBox.warning(self, tr("Save view"),
                                tr("The view could not be saved: {error}").format(error=error))

    def _load_saved_names(self, select: str | None = None) -> None:
        self.saved.blockSignals(True)
        self.saved.clear()
        self.saved.addItem(tr("(choose)"), "")
        for name in sorted(self._saved()):
            self.saved.addItem(name, name)
        if select:
            self.saved.setCurrentIndex(self.saved.findData(select))
        self.saved.blockSignals(False)

    # --- labels -------------------------------------------------------------------------

    def code_label(self, code: str) -> str:
        return self.reasons.code_label(code)

    def _lead_item_label(self, kind: str, key: str) -> str:
        return self.lists.leads.label(LISTED_IN[kind], key)

    def _value_label(self, dimension: str, value: str | None) -> str:
        return value_label(self.lists, dimension, value)

    @staticmethod
    def _dimension_labels() -> dict[str, str]:
        return dimension_labels()

    def _today(self) -> date:
        return self.clock.now().astimezone().date()

    def _recent_months(self, count: int) -> list[str]:
        today = self._today()
        return [insight_view.months_back(today, n) for n in range(count, 0, -1)]

