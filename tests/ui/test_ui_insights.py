"""Insights, marketing's workspace, on a central store of its own: a marketing account
opens on it (the role learned at the first sync), its charts and tables hold what the
server published, filters ask again, Export writes what is on screen, and offline it
shows the last answers with the time they were fetched."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from helpers import sync_window
from helpers.insight_world import BY_OUTCOME, hand_fixture, made_in, reasons
from helpers.server_harness import ServerProcess, running_server
from helpers.server_world import People, debrief_maker, migrated, store_of_its_own
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QTabWidget

from desktop.paths import AppPaths
from desktop.store.database import prepare
from desktop.ui.app import build_window
from desktop.ui.insight_export import export_lead_counts, export_quotes, export_reasons
from desktop.ui.main_window import MainWindow
from sync.client.insight_view import QUOTES, InsightAnswers, pareto
from sync.domain.clock import SteppingClock

MONTHS = ("2024-03", "2024-04", "2024-05")
TODAY = datetime(2024, 5, 20, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def company(tmp_path_factory) -> Iterator[tuple[ServerProcess, People]]:
    """A central store of its own: three reps of one team, 60 debriefs over three months."""
    with store_of_its_own(tmp_path_factory.mktemp("insights-store"), "ins") as made:
        server, people = made
        new = debrief_maker()
        ann = people("rep")
        team = ann.team
        reps = [ann, people("rep", team=team), people("rep", team=team)]
        for month in MONTHS:
            for n, rep in enumerate(reps):
                pushed = rep.api.push(
                    *[new(competitor="Acme", sales_ready="no", failed_criteria=["budget"],
                          reasons=reasons("price.too_high", "price.too_high.over_budget"),
                          quote=f"Too dear for them in {month}" if k == 0 else None,
                          share_quote=k == 0,
                          **made_in(month, day=2 + k)) for k in range(3)],
                    *[new(outcome="won", competitor="Globex", stage="selection",
                          deal_value="10000", currency="EUR", lead_source="referral",
                          collateral=[{"key": "case_study", "helped": True}],
                          play=f"Brought the CFO in early ({month})" if k == 0 else None,
                          share_play=k == 0,
                          reasons=reasons("price.good_value", None, "trust.strong_references"),
                          **made_in(month, day=10 + k)) for k in range(2 + n % 2)])
                assert pushed.status_code == 200, pushed.text
                assert {r["status"] for r in pushed.json()["results"]} == {"accepted"}
        yield server, people


@pytest.fixture
def marketing_window(company, tmp_path: Path, presenter, vault, show, qtbot):
    server, people = company
    marketing = people.add("marketing")
    paths = AppPaths(tmp_path / "data")
    clock = SteppingClock(start=TODAY)

    def open_(**setup) -> MainWindow:
        prepare(paths.database, clock)
        return show(build_window(paths, clock, presenter, rep="m",
                                 sync_setup=sync_window.quick_setup(**({"vault": vault} | setup))))

    prepare(paths.database, clock)
    sync_window.connect_behind_the_window(paths.database, clock, server.base_url, marketing,
                                          vault)
    return open_, paths


def wait_for_answers(qtbot, window: MainWindow, fresh: bool = True) -> None:
    qtbot.waitUntil(lambda: window.insights is not None and window.insights.found is not None
                    and (not fresh or window.insights.state.text().startswith("As of")),
                    timeout=20_000)


def test_marketing_opens_on_insights_with_what_the_server_published(qtbot, marketing_window):
    open_window, _ = marketing_window
    window = open_window()
    wait_for_answers(qtbot, window)
    workspace = window.insights
    assert window.tabs.currentWidget() is workspace
    tabs: QTabWidget = window.tabs
    assert not tabs.isTabVisible(tabs.indexOf(window.form))  # no rep's form for marketing
    # 3 months x 3 reps x 3 lost = 27 lost, all "price too high"; 21 won.
    assert [(bar.value, bar.share) for bar in workspace.reasons.win_chart.bars] == [(21, 1.0)] * 2
    loss = pareto(workspace.found, "loss")
    assert (loss.debriefs, [(bar.key, bar.debriefs) for bar in loss.bars]) == (
        27, [("price.too_high", 27)])
    assert [(bar.value, bar.share) for bar in workspace.reasons.loss_chart.bars] == [(27, 1.0)]
    assert workspace.reasons.model.rowCount() == len(workspace.reasons.win_chart.bars) + 1
    assert workspace.trend_chart.months == MONTHS
    assert "fewer than 5 debriefs" in workspace.rule.text()


def test_reasons_drill_from_category_to_reason_to_detail_and_back(qtbot, marketing_window):
    open_window, _ = marketing_window
    window = open_window()
    wait_for_answers(qtbot, window)
    workspace = window.insights
    workspace.reasons.level.setCurrentIndex(workspace.reasons.level.findData("category"))
    model = workspace.reasons.model
    assert model.headers[2] == "Mentions"
    # Won: "good value" (price) and "strong references" (trust), 21 each; lost: 27.
    assert [(bar.label, bar.value) for bar in workspace.reasons.win_chart.bars] == [
        ("Price & value", 21), ("Trust & references", 21)]
    assert [(bar.label, bar.value) for bar in workspace.reasons.loss_chart.bars] == [
        ("Price & value", 27)]
    assert not workspace.reasons.drill_up.isVisible()
    workspace.reasons.drill_into("price")
    assert [(bar.label, bar.value) for bar in workspace.reasons.win_chart.bars] == [
        ("Good value for money", 21)]
    assert model.headers[2] == "Reason" and model.rowCount() == 2
    assert workspace.reasons.drill_path.text() == "Price & value"
    index = model.index(model.rows.index(
        next(row for row in model.rows if row[2] == "Price too high")), 0)
    workspace.reasons.table.activated.emit(index)  # what a double-click does
    assert workspace.reasons.drill_path.text() == "Price & value \u203a Price too high"
    assert [(bar.label, bar.value) for bar in workspace.reasons.loss_chart.bars] == [
        ("Over the budget they had", 27)]
    assert not workspace.reasons.win_chart.bars  # no won debrief gives "price too high"
    assert model.headers[1] == "Detail"
    assert model.rowCount() == 1  # every "price too high" has a detail shown: none left out
    workspace.reasons.drill_up.click()
    assert workspace.reasons.drill_path.text() == "Price & value" and model.headers[2] == "Reason"
    workspace.reasons.drill_up.click()
    assert model.headers[2] == "Mentions" and not workspace.reasons.drill_path.text()
    # Narrowed by a segment, the answers hold no details: the chart says why.
    workspace.reasons.level.setCurrentIndex(workspace.reasons.level.findData("code"))
    workspace.reasons.drill_into("price.good_value")
    assert [(bar.label, bar.value) for bar in workspace.reasons.win_chart.bars] == [
        ("(no detail given)", 21)]
    workspace.narrow_by.setCurrentIndex(workspace.narrow_by.findData("competitor"))
    workspace.narrow_value.setCurrentIndex(workspace.narrow_value.findData("Globex"))
    qtbot.waitUntil(lambda: workspace.found.view.narrow == ("competitor", "Globex")
                    and workspace.state.text().startswith("As of"), timeout=20_000)
    chart = workspace.reasons.win_chart
    assert not chart.bars and "Narrow to" in chart.empty_text


def test_filters_ask_again_and_competitors_show_win_rates(qtbot, marketing_window):
    open_window, _ = marketing_window
    window = open_window()
    wait_for_answers(qtbot, window)
    workspace = window.insights
    workspace.tabs.setCurrentIndex(3)
    names = [workspace.competitors_model.rows[r][0]
             for r in range(workspace.competitors_model.rowCount())]
    assert names == ["Acme", "Globex"]
    acme = workspace.competitors_model.rows[0]
    assert acme[1:3] == ["< 5", 27] and acme[4] == ""  # nothing won against Acme shows
    workspace.outcome.setCurrentIndex(workspace.outcome.findData("won"))
    qtbot.waitUntil(lambda: workspace.found.view.outcomes == ("won",)
                    and workspace.state.text().startswith("As of"), timeout=20_000)
    assert pareto(workspace.found, "loss").debriefs == 0
    assert not workspace.reasons.loss_chart.bars and workspace.reasons.win_chart.bars
    workspace.narrow_by.setCurrentIndex(workspace.narrow_by.findData("competitor"))
    assert workspace.narrow_value.findData("Globex") >= 0  # names marketing was shown
    workspace.narrow_value.setCurrentIndex(workspace.narrow_value.findData("Globex"))
    qtbot.waitUntil(lambda: workspace.found.view.narrow == ("competitor", "Globex")
                    and workspace.state.text().startswith("As of"), timeout=20_000)
    assert pareto(workspace.found, "win").debriefs == 21


def test_quotes_are_listed_under_their_reason_and_searched(qtbot, marketing_window):
    open_window, _ = marketing_window
    window = open_window()
    wait_for_answers(qtbot, window)
    workspace = window.insights
    workspace.tabs.setCurrentIndex(4)
    model = workspace.quotes_model
    assert model.rowCount() == 9  # one shared quote per rep and month
    assert {model.rows[r][0] for r in range(model.rowCount())} == {"Price too high"}
    workspace.quote_search.setText("2024-04")
    assert [model.rows[r][1] for r in range(model.rowCount())] == [
        "Too dear for them in 2024-04"] * 3
    assert {model.rows[r][3] for r in range(model.rowCount())} == {"2024-04"}


def test_the_funnel_and_its_sensitivity_slider(qtbot, marketing_window):
    open_window, _ = marketing_window
    window = open_window()
    wait_for_answers(qtbot, window)
    workspace = window.insights
    workspace.tabs.setCurrentWidget(workspace.funnel)
    panel = workspace.funnel
    # 27 lost at evaluation; all 21 deals past it won, at 10,000 EUR each.
    assert panel.regained["evaluation"].text() == "54,000 EUR"  # 27 x 20% x 100% x 10,000
    assert panel.ranks["evaluation"].text() == "1"
    assert panel.regained["selection"].text() == "not enough to tell"
    panel.sliders["evaluation"].setValue(50)
    assert panel.regained["evaluation"].text() == "135,000 EUR"
    assert panel.falls["evaluation"].text() == "50%"
    assert "CRM reference" in panel.counting.text()


def test_export_writes_the_reasons_on_screen(qtbot, marketing_window, tmp_path: Path):
    open_window, _ = marketing_window
    window = open_window()
    wait_for_answers(qtbot, window)
    workspace = window.insights
    path = tmp_path / "reasons.xlsx"
    assert export_reasons(workspace, workspace.found, workspace.lists.taxonomy, path,
                          "", TODAY)
    sheet = openpyxl.load_workbook(path)["Reasons"]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert {(row["outcome"], row["reason_code"], row["debriefs"]) for row in rows} == {
        ("lost", "price.too_high", 27), ("won", "price.good_value", 21),
        ("won", "trust.strong_references", 21)}
    assert {row["period"] for row in rows} == {f"{workspace.found.view.first}/2024-05"}


def test_export_on_the_quotes_tab_writes_the_quotes_listed(qtbot, marketing_window,
                                                          tmp_path):
    open_window, _ = marketing_window
    window = open_window()
    wait_for_answers(qtbot, window)
    workspace = window.insights
    listed = workspace.found.quotes("2024-04")
    assert len(listed) == 3
    path = tmp_path / "quotes.csv"
    assert export_quotes(workspace, workspace.found, "2024-04", workspace.lists.taxonomy,
                         path, "", TODAY)
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert [(row["quote"], row["reason_label"], row["month"]) for row in rows] == [
        (quote["text"], "Price too high", quote["month"]) for quote in listed]
    assert "rep" not in rows[0] and "account" not in rows[0]
    # Where the server lists more than were fetched, the export says so.
    more = InsightAnswers(workspace.found.view, {**workspace.found.answers, QUOTES: {
        **workspace.found.answers[QUOTES], "next_offset": 2000}}, workspace.found.fetched_at)
    said: list[str] = []

    def read_message() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        said.append(box.text())
        box.accept()

    QTimer.singleShot(0, read_message)
    assert export_quotes(workspace, more, "", workspace.lists.taxonomy,
                         tmp_path / "more.csv", "", TODAY)
    assert said and "the server holds more" in said[0]


def test_offline_it_shows_the_last_answers_and_when(qtbot, marketing_window, company):
    open_window, _ = marketing_window
    window = open_window()
    wait_for_answers(qtbot, window)
    fetched = window.insights.found
    window.close()
    server, _ = company
    server.stop()
    try:
        again = open_window()
        wait_for_answers(qtbot, again, fresh=False)
        qtbot.waitUntil(lambda: again.insights.state.text().startswith("Offline"),
                        timeout=20_000)
        assert again.insights.found.answers == fetched.answers
        assert again.insights.reasons.loss_chart.bars
    finally:
        server.start()


@pytest.fixture(scope="module")
def hand_company(tmp_path_factory) -> Iterator[ServerProcess]:
    """A central store of its own holding only the hand-worked fixture of the export
    tests (helpers.insight_world.hand_fixture), in April 2024."""
    from sync.server.database import make_engine

    folder = tmp_path_factory.mktemp("insights-hand")
    url = migrated(f"sqlite:///{folder / 'central.sqlite'}")
    engine = make_engine(url)
    with running_server(url, folder) as server:
        hand_fixture(People(server, engine, tag="hand"), debrief_maker(), "2024-04")
        yield server
    engine.dispose()


def test_the_app_shows_the_hand_worked_answer_the_route_and_exports_give(
        qtbot, hand_company, tmp_path: Path, presenter, vault, show):
    from sync.server.database import make_engine

    engine = make_engine(hand_company.db_url)
    try:
        marketing = People(hand_company, engine, tag="hand").add("marketing")
    finally:
        engine.dispose()
    paths, clock = AppPaths(tmp_path / "data"), SteppingClock(start=TODAY)
    prepare(paths.database, clock)
    sync_window.connect_behind_the_window(paths.database, clock, hand_company.base_url,
                                          marketing, vault)
    window = show(build_window(paths, clock, presenter, rep="m",
                               sync_setup=sync_window.quick_setup(vault=vault)))
    wait_for_answers(qtbot, window)
    found = window.insights.found
    shown = {group["value"]: (group["debriefs"], {cell["code"]: (cell["debriefs"],
                                                                 cell["share"])
                                                  for cell in group["reasons"]})
             for group in found.groups("outcome")}
    assert shown == BY_OUTCOME  # worked out by hand in helpers.insight_world
    loss, win = pareto(found, "loss"), pareto(found, "win")
    assert (loss.debriefs, [(b.key, b.debriefs) for b in loss.bars]) == (
        12, [("competitor.cheaper", 5)])
    assert (win.debriefs, [(b.key, b.debriefs) for b in win.bars]) == (
        7, [("price.good_value", 7)])
    path = tmp_path / "hand.csv"
    assert export_reasons(window.insights, found, window.insights.lists.taxonomy, path,
                          "", TODAY)
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert {(r["outcome"], r["reason_code"], int(r["debriefs"]), float(r["share"]))
            for r in rows} == {("lost", "competitor.cheaper", 5, 0.4167),
                               ("won", "price.good_value", 7, 1.0)}


def test_the_plays_tab_lists_the_shared_plays_with_the_groups_that_show(qtbot,
                                                                       marketing_window):
    open_window, _ = marketing_window
    window = open_window()
    wait_for_answers(qtbot, window)
    workspace = window.insights
    workspace.tabs.setCurrentWidget(workspace.plays_tab)
    model = workspace.plays_model
    texts = [model.index(row, 0).data() for row in range(model.rowCount())]
    # Each rep shared one play on a won deal each month: 3 reps x 3 months.
    assert sorted(texts) == sorted(f"Brought the CFO in early ({month})"
                                   for month in MONTHS for _ in range(3))
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in
               range(model.columnCount())]
    assert "Lead source" not in headers  # no more than a quote shows of its debrief
    stage = headers.index("Stage")
    assert {model.index(row, stage).data() for row in range(model.rowCount())} == {
        "Selection"}
    workspace.play_search.setText(MONTHS[0])
    assert model.rowCount() == 3


def test_segments_by_lead_source_ask_the_server_and_name_the_sources(qtbot, marketing_window):
    open_window, _ = marketing_window
    window = open_window()
    wait_for_answers(qtbot, window)
    workspace = window.insights
    box = workspace.segment_dimension
    box.setCurrentIndex(box.findData("lead_source"))
    qtbot.waitUntil(lambda: workspace.found is not None
                    and workspace.found.view.segment_dimension == "lead_source"
                    and bool(workspace.found.groups("lead_source")), timeout=20_000)
    model = workspace.segments_model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=20_000)
    values = {model.index(row, 0).data() for row in range(model.rowCount())}
    # The won debriefs came from referrals; the lost ones said nothing of their source.
    assert values == {"Referral from a customer", "Not given"}


def table_of(model) -> list[list]:
    return [[model.index(row, column).data() for column in range(model.columnCount())]
            for row in range(model.rowCount())]


def headers_of(model) -> list[str]:
    return [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]


def test_the_collateral_and_criteria_tabs_show_what_the_server_counted(qtbot, tmp_path,
                                                                      marketing_window):
    open_window, _ = marketing_window
    window = open_window()
    wait_for_answers(qtbot, window)
    workspace = window.insights
    workspace.tabs.setCurrentWidget(workspace.collateral)
    model = workspace.collateral.model
    # 7 won a month (3 reps) used the case study and said it helped; 27 lost did not
    # name it (48 debriefs in all). Grouped by stage: all won ones were at selection.
    # No one said it did not help: no share, as none and a few cannot be told apart.
    assert headers_of(model) == ["Collateral", "Stage", "Debriefs", "Share of debriefs",
                                 "Won", "Lost", "Said it helped"]
    assert table_of(model) == [
        ["Customer case study", "All", 21, "44%", 21, "< 5", "\u2013"],
        ["", "Selection", 21, "100%", 21, "< 5", ""]]
    criteria = workspace.criteria
    workspace.tabs.setCurrentWidget(criteria)
    assert table_of(criteria.model) == [
        ["Budget set aside", "All", 27, "56%", "< 5", 27],
        ["", "Not given", 27, "100%", "< 5", 27]]
    criteria.by.setCurrentIndex(criteria.by.findData(""))
    qtbot.waitUntil(lambda: workspace.found is not None
                    and workspace.found.view.criteria_by == "", timeout=20_000)
    assert headers_of(criteria.model) == ["Criterion failed", "Debriefs",
                                          "Share of debriefs", "Won", "Lost"]
    assert table_of(criteria.model) == [["Budget set aside", 27, "56%", "< 5", 27]]
    # Export... on the tab writes what it lists.
    target = tmp_path / "collateral.xlsx"
    assert export_lead_counts(workspace, workspace.found, "collateral", workspace.lists.leads,
                              target, "", TODAY)
    sheet = list(openpyxl.load_workbook(target, read_only=True)["Collateral"].iter_rows(
        values_only=True))
    assert sheet == [("collateral", "collateral_label", "level", "stage", "outcome", "debriefs",
                      "group_debriefs", "share", "said_helped", "said_did_not_help"),
                     ("case_study", "Customer case study", "all", None, "won", 21, 21, 1, 21,
                      None),
                     ("case_study", "Customer case study", "group", "selection", "won", 21,
                      21, 1, None, None)]
