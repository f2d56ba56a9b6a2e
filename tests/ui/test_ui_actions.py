"""The Actions tab, on a central store of its own: marketing makes an action from the
tab and from a reason selected in Insights, sees whether its measure moved, changes
its status, and a refusal shows by its field.

Retail, lost debriefs of Ann and Bob: two months ago 14 of 20 gave "Price too high";
this month 5 of 20 did (70% to 25%: moved, beyond chance)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from helpers import sync_window
from helpers.insight_world import made_in
from helpers.server_harness import ServerProcess
from helpers.server_world import People, debrief_maker, store_of_its_own
from PySide6.QtWidgets import QTabWidget
from shiboken6 import isValid

from desktop.paths import AppPaths
from desktop.store.database import prepare
from desktop.ui.action_dialog import ActionDialog
from desktop.ui.action_workspace import ActionsWorkspace
from desktop.ui.app import build_window
from desktop.ui.main_window import MainWindow
from sync.client.insight_view import months_back
from sync.domain.actions import Kind
from sync.domain.clock import SteppingClock
from sync.server.tables import actions

NOW = datetime.now(UTC).replace(microsecond=0)
THIS_MONTH = months_back(NOW.date(), 1)
BASELINE = months_back(NOW.date(), 3)  # two months ago
PRICE = "price.too_high"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator[tuple[ServerProcess, People]]:
    with store_of_its_own(tmp_path_factory.mktemp("actions-store"), "uia") as made:
        _, people = made
        ann = people("rep")
        bob = people("rep", team=ann.team)
        new = debrief_maker()
        pushed: list[list[dict]] = [[], []]
        n = 0
        for month, price, other in ((BASELINE, 14, 6), (THIS_MONTH, 5, 15)):
            for code in [PRICE] * price + ["competitor.incumbent"] * other:
                pushed[n % 2].append(new(
                    reasons=[{"code": code, "detail": None, "evidence": "customer_said",
                              "primary": True}],
                    segment={"industry": "retail", "company_size": "200-999",
                             "region": "dach"}, **made_in(month, day=1, hour=0)))
                n += 1
        for rep, batch in ((ann, pushed[0]), (bob, pushed[1])):
            assert rep.api.push(*batch).json()["accepted"] == len(batch)
        yield made


@pytest.fixture
def marketing_window(store, tmp_path: Path, presenter, vault, show) -> MainWindow:
    server, people = store
    username = people.add("marketing")
    paths = AppPaths(tmp_path / "marketing")
    clock = SteppingClock(start=NOW)
    prepare(paths.database, clock)
    sync_window.connect_behind_the_window(paths.database, clock, server.base_url, username,
                                          vault)
    return show(build_window(paths, clock, presenter, rep=username,
                             sync_setup=sync_window.quick_setup(vault=vault)))


def open_actions(qtbot, window: MainWindow) -> ActionsWorkspace:
    qtbot.waitUntil(lambda: window.actions is not None, timeout=20_000)
    workspace = window.actions
    assert workspace is not None
    tabs: QTabWidget = window.tabs
    assert tabs.isTabVisible(tabs.indexOf(workspace))
    assert tabs.tabText(tabs.indexOf(workspace)) == "&Actions"
    tabs.setCurrentWidget(workspace)
    qtbot.waitUntil(lambda: workspace.found is not None, timeout=20_000)
    return workspace


def dialog_of(qtbot, workspace: ActionsWorkspace) -> ActionDialog:
    qtbot.waitUntil(lambda: any(d.isVisible() for d in workspace.findChildren(ActionDialog)),
                    timeout=20_000)
    return next(d for d in workspace.findChildren(ActionDialog) if d.isVisible())


def closed(dialog: ActionDialog) -> bool:
    return not isValid(dialog) or not dialog.isVisible()  # deleted once closed


def cell(workspace: ActionsWorkspace, row: int, column: int) -> str:
    return str(workspace.model.rows[row][column])


def made_last_month(qtbot, store, workspace: ActionsWorkspace) -> None:
    """As if the actions had been made last month (this month after them), read again."""
    _, people = store
    with people.engine.begin() as connection:
        connection.execute(actions.update().values(
            made_in=date.fromisoformat(f"{months_back(NOW.date(), 2)}-01")))
    workspace.found = None
    workspace.ask()
    qtbot.waitUntil(lambda: workspace.found is not None, timeout=20_000)


def test_an_action_made_in_the_tab_shows_whether_its_measure_moved(qtbot, marketing_window,
                                                                  store):
    workspace = open_actions(qtbot, marketing_window)
    assert workspace.model.rowCount() == 0
    assert "No actions yet" in workspace.detail.text()
    workspace.new.click()
    dialog = dialog_of(qtbot, workspace)
    assert dialog.kind.currentData() == Kind.REASON.value
    assert dialog.outcome.currentData() == "lost"
    assert dialog.direction.currentData() == "down"  # a reason to lose
    # Nothing typed: said by the field, nothing sent.
    dialog.buttons.accepted.emit()
    assert not dialog.errors["title"].isHidden()
    dialog.title.setText("ROI calculator for retail")
    dialog.owner.setText("Dana")
    dialog.reason.setCurrentIndex(dialog.reason.findData(PRICE))
    dialog.dimension.setCurrentIndex(dialog.dimension.findData("industry"))
    dialog.value.setCurrentIndex(dialog.value.findData("retail"))
    dialog.first.setCurrentIndex(dialog.first.findData(BASELINE))
    dialog.last.setCurrentIndex(dialog.last.findData(BASELINE))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: closed(dialog), timeout=20_000)
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 1, timeout=20_000)
    # Made this month: nothing after it yet.
    assert cell(workspace, 0, 5) == "no debriefs"
    assert cell(workspace, 0, 6) == "Nothing to compare yet"
    made_last_month(qtbot, store, workspace)
    assert cell(workspace, 0, 0) == "ROI calculator for retail"
    assert cell(workspace, 0, 3) == "Open"
    assert cell(workspace, 0, 4) == "70% (14 of 20)"
    assert cell(workspace, 0, 5) == "25% (5 of 20)"
    assert cell(workspace, 0, 6) == "Moved as it should: -45.0 points"
    assert "\u201cPrice too high\u201d" in cell(workspace, 0, 7)
    assert "Retail" in cell(workspace, 0, 7)
    workspace.table.selectRow(0)
    detail = workspace.detail.text()
    assert f"{BASELINE}  baseline: 70% (14 of 20)" in detail
    assert f"{THIS_MONTH}  after: 25% (5 of 20)" in detail
    assert "Owner: Dana; due" in detail

    # Done: the list shows open ones unless asked.
    workspace.edit.click()
    dialog = dialog_of(qtbot, workspace)
    assert "code" not in dialog.errors and "status" in dialog.errors  # no measure to edit
    assert "Price too high" in dialog.note.text()
    dialog.status.setCurrentIndex(dialog.status.findData("done"))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: closed(dialog), timeout=20_000)
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 0, timeout=20_000)
    assert "is done: listed with Show done and dropped" in workspace.state.text()
    assert "1 done or dropped" in workspace.detail.text()
    workspace.show_closed.setChecked(True)
    assert cell(workspace, 0, 3) == "Done"


def test_make_an_action_in_insights_takes_the_selected_reason_and_the_view(
        qtbot, marketing_window):
    window = marketing_window
    qtbot.waitUntil(lambda: window.insights is not None, timeout=20_000)
    insights = window.insights
    assert insights is not None
    qtbot.waitUntil(lambda: insights.found is not None and
                    insights.reasons.model.rowCount() > 0, timeout=20_000)
    row = next(n for n, values in enumerate(insights.reasons.model.rows)
               if values[2] == "Price too high")
    insights.reasons.table.selectRow(row)
    insights.make_action.click()
    workspace = window.actions
    assert workspace is not None and window.tabs.currentWidget() is workspace
    dialog = dialog_of(qtbot, workspace)
    assert (dialog.kind.currentData(), dialog.outcome.currentData(),
            dialog.reason.currentData()) == ("reason", "lost", PRICE)
    view = insights.view()
    assert dialog.first.currentData() == view.first
    assert dialog.last.currentData() == months_back(NOW.date(), 2)  # ends by last month

    # A competitor is any name, but not none: the server's refusal shows by the field.
    dialog.title.setText("Beat Acme on price")
    dialog.owner.setText("Dana")
    dialog.dimension.setCurrentIndex(dialog.dimension.findData("competitor"))
    assert dialog.value.isEditable()
    dialog.value.setEditText("   ")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.errors["dimension"].isHidden(), timeout=20_000)
    assert dialog.isVisible()
    dialog.value.setEditText("Acme")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: closed(dialog), timeout=20_000)
    qtbot.waitUntil(lambda: any(values[0] == "Beat Acme on price"
                                for values in workspace.model.rows), timeout=20_000)


def test_without_a_reason_selected_the_action_is_on_the_win_rate(qtbot, marketing_window):
    insights = marketing_window._insights_workspace()
    draft = insights.action_draft()
    assert (draft.measure.kind, draft.measure.outcome.value) == (Kind.WIN_RATE, "won")


def test_a_change_made_meanwhile_is_taken_and_ok_then_applies_this_one(
        qtbot, marketing_window, store):
    _, people = store
    other = people("marketing").api
    answer = other.post("/api/v1/actions", json={
        "title": "Case studies for insurance", "owner": "Lee",
        "due": f"{NOW.date() + timedelta(days=30)}", "baseline_from": BASELINE,
        "baseline_to": BASELINE, "measure": {"kind": "outcome", "outcome": "won"}})
    assert answer.status_code == 201, answer.text
    made = answer.json()
    workspace = open_actions(qtbot, marketing_window)
    row = next(n for n, a in enumerate(workspace.shown) if a.id == made["id"])
    workspace.table.selectRow(row)
    dialog = workspace.on_edit()
    assert dialog is not None
    # Meanwhile the other marketer changes its owner.
    assert other.patch(f"/api/v1/actions/{made['id']}",
                       json={"revision": 1, "owner": "Kim"}).status_code == 200
    dialog.status.setCurrentIndex(dialog.status.findData("doing"))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "changed this action meanwhile" in dialog.problem.text(),
                    timeout=20_000)
    assert "now: Kim" in dialog.problem.text() and dialog.isVisible()
    dialog.buttons.accepted.emit()  # this change over theirs
    qtbot.waitUntil(lambda: closed(dialog), timeout=20_000)
    now = other.get(f"/api/v1/actions/{made['id']}").json()
    assert (now["status"], now["owner"], now["revision"]) == ("doing", "Kim", 3)


def test_make_an_action_on_competitors_takes_the_competitor_selected(
        qtbot, marketing_window):
    insights = marketing_window._insights_workspace()
    qtbot.waitUntil(lambda: insights.competitors_model.rowCount() > 0, timeout=20_000)
    insights.tabs.setCurrentWidget(insights.competitors_view)
    insights.competitors_view.selectRow(0)
    name = insights.competitors_model.rows[0][0]
    draft = insights.action_draft()
    assert (draft.measure.kind, draft.measure.outcome.value, draft.measure.dimension,
            draft.measure.value) == (Kind.WIN_RATE, "won", "competitor", name)
