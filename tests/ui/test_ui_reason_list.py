"""The Reason list tab, marketing's editor of the reason taxonomy, on a central store of
its own (a change is the whole store's): renaming, adding, merging through the
dialogs, refusals next to their field, and a rep's open form taking the new version
at its next sync without losing a word typed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import sync_window
from helpers.server_harness import ServerProcess
from helpers.server_world import People, store_of_its_own
from PySide6.QtWidgets import QTabWidget

from desktop.paths import AppPaths
from desktop.store.database import prepare
from desktop.ui.app import build_window
from desktop.ui.main_window import MainWindow
from desktop.ui.reason_list_editor import KEY_ROLE, ChangeDialog, ReasonListWorkspace
from sync.domain.clock import SteppingClock
from sync.domain.debrief import Outcome
from sync.domain.taxonomy_changes import next_version

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Iterator[tuple[ServerProcess, People]]:
    with store_of_its_own(tmp_path_factory.mktemp("reason-list-store"), "rl") as made:
        yield made


@pytest.fixture
def window_of(store, tmp_path: Path, presenter, vault, show):
    """`window_of(role)`: a signed-in app of a new account with `role`."""
    server, people = store

    def open_(role: str) -> MainWindow:
        username = people.add(role)
        paths = AppPaths(tmp_path / role)
        clock = SteppingClock(start=NOW)
        prepare(paths.database, clock)
        sync_window.connect_behind_the_window(paths.database, clock, server.base_url,
                                              username, vault)
        return show(build_window(paths, clock, presenter, rep=username,
                                 sync_setup=sync_window.quick_setup(vault=vault)))

    return open_


def open_reason_list(qtbot, window: MainWindow) -> ReasonListWorkspace:
    qtbot.waitUntil(lambda: window.reason_list is not None, timeout=20_000)
    workspace = window.reason_list
    assert workspace is not None
    tabs: QTabWidget = window.tabs
    assert tabs.isTabVisible(tabs.indexOf(workspace))
    tabs.setCurrentWidget(workspace)
    qtbot.waitUntil(lambda: workspace.found is not None, timeout=20_000)
    return workspace


def pick(workspace: ReasonListWorkspace, key: str) -> None:
    item = next(item for item in workspace._items() if item.data(0, KEY_ROLE)[1] == key)
    workspace.tree.setCurrentItem(item)


def dialog_of(workspace: ReasonListWorkspace) -> ChangeDialog:
    found = [dialog for dialog in workspace.findChildren(ChangeDialog) if dialog.isVisible()]
    assert len(found) == 1  # the ones accepted before are closed
    return found[0]


def changed_to(qtbot, workspace: ReasonListWorkspace, version: str) -> None:
    qtbot.waitUntil(lambda: workspace.found is not None and workspace.found.version == version,
                    timeout=20_000)


def test_marketing_renames_adds_and_merges_and_the_server_refusal_shows_by_its_field(
        qtbot, window_of):
    window = window_of("marketing")
    workspace = open_reason_list(qtbot, window)
    start = workspace.found.version
    assert workspace.title.text().endswith(start)
    assert not workspace.rename.isEnabled()  # nothing chosen yet

    pick(workspace, "price.too_high")
    assert workspace.rename.isEnabled() and workspace.merge.isEnabled()
    workspace.rename.click()
    dialog = dialog_of(workspace)
    dialog.label.setText("Priced out")
    dialog.buttons.accepted.emit()
    renamed = next_version(start)
    changed_to(qtbot, workspace, renamed)
    assert workspace.tree.currentItem().text(0) == "Priced out"  # the selection stays
    assert "Renamed to \u201cPriced out\u201d" in workspace.history.item(0).text()
    # This app takes the new list at once.
    qtbot.waitUntil(lambda: window.form.context.taxonomy.version == renamed, timeout=20_000)

    # A key that is taken: the server says so under the key, and the dialog stays open.
    workspace.add_code.click()
    dialog = dialog_of(workspace)
    dialog.category.setCurrentIndex(dialog.category.findData("price"))
    dialog.label.setText("Invoice terms")
    dialog._suggest_key()
    assert dialog.key.text() == "price.invoice_terms"
    dialog.key.setText("price.too_high")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.errors["key"].isHidden(), timeout=20_000)
    assert "taken" in dialog.errors["key"].text()
    assert workspace.found.version == renamed
    dialog.key.setText("price.invoice_terms")
    dialog.buttons.accepted.emit()
    changed_to(qtbot, workspace, next_version(renamed))
    assert workspace.found.taxonomy.code("price.invoice_terms").label == "Invoice terms"

    pick(workspace, "price.roi_unclear")
    workspace.merge.click()
    dialog = dialog_of(workspace)
    dialog.into.setCurrentIndex(dialog.into.findData("price.too_high"))
    dialog.buttons.accepted.emit()
    changed_to(qtbot, workspace, next_version(next_version(renamed)))
    assert workspace.found.taxonomy.code("price.roi_unclear").retired
    assert workspace.found.taxonomy.current_code("price.roi_unclear") == "price.too_high"
    pick(workspace, "price.roi_unclear")
    assert not workspace.merge.isEnabled() and not workspace.retire.isEnabled()


def test_a_change_made_meanwhile_elsewhere_is_said_and_the_list_shown_again(
        qtbot, window_of, store):
    window = window_of("admin")
    workspace = open_reason_list(qtbot, window)
    seen = workspace.found.version
    _, people = store
    other = people("marketing").api
    answer = other.post("/api/v1/taxonomy/changes", json={
        "based_on": seen, "change": {"kind": "rename", "key": "price.good_value",
                                     "label": "Fair price"}})
    assert answer.status_code == 201, answer.text
    pick(workspace, "price.good_value")
    workspace.rename.click()
    dialog = dialog_of(workspace)
    dialog.label.setText("Good value")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.problem.isHidden(), timeout=20_000)
    assert "changed since" in dialog.problem.text()
    changed_to(qtbot, workspace, answer.json()["version"])  # shown again, as it is now


def test_a_reps_open_form_takes_a_new_version_and_keeps_what_was_typed(
        qtbot, window_of, store):
    _, people = store
    marketing = people("marketing").api
    version = marketing.get("/api/v1/taxonomy").json()["version"]
    rep = window_of("rep")
    qtbot.waitUntil(lambda: rep.form.context.taxonomy.version == version, timeout=20_000)
    assert rep.reason_list is None  # a rep has no Reason list tab
    fields = rep.form.fields
    fields.outcome.set_value(Outcome.LOST)
    fields.reason_list.add("timing.not_a_priority", None)
    fields.competitor.setText("Globex")
    fields.quote.setPlainText("They loved the demo but not the price.")
    typed = rep.form.debrief()
    code = typed.reasons[0].code

    answer = marketing.post("/api/v1/taxonomy/changes", json={
        "based_on": version, "change": {"kind": "retire", "key": code}})
    assert answer.status_code == 201, answer.text
    rep.services.sync.sync_now()
    qtbot.waitUntil(lambda: rep.form.context.taxonomy.version == answer.json()["version"],
                    timeout=20_000)
    assert rep.form.context.taxonomy.code(code).retired
    kept = rep.form.debrief()
    assert (kept.outcome, kept.reasons, kept.competitor, kept.quote) == (
        typed.outcome, typed.reasons, typed.competitor, typed.quote)
    assert rep.form.context.taxonomy.label(code) in fields.reason_list.item(0).text()
    # the retired code still reads
    # and is no problem to save
    assert not [p for p in rep.form.problems() if p.field.startswith("reasons")]


def test_words_reps_gave_other_are_suggested_and_added_as_a_code_from_the_dialog(
        qtbot, store, window_of):
    from helpers.insight_world import made_in
    from helpers.server_world import debrief_maker

    _, people = store
    new = debrief_maker()
    month = f"{datetime.now(UTC):%Y-%m}"
    ann = people("rep")
    bob = people("rep", team=ann.team)
    for rep, times in ((ann, 3), (bob, 2)):
        pushed = rep.api.push(*(new(reasons=[{
            "code": "other.in_a_few_words", "detail": None, "evidence": "customer_said",
            "primary": True, "words": "No SSO support!"}], **made_in(month, day=1))
            for _ in range(times)))
        assert pushed.json()["accepted"] == times, pushed.text
    workspace = open_reason_list(qtbot, window_of("marketing"))
    qtbot.waitUntil(lambda: bool(workspace.found.suggested), timeout=20_000)
    item = workspace.suggested.item(0)
    assert item.text() == "\u201cno sso support\u201d: 5 debriefs"
    assert not workspace.add_suggested.isEnabled()  # nothing chosen yet
    workspace.suggested.setCurrentItem(item)
    assert workspace.add_suggested.isEnabled()
    version = workspace.found.version
    workspace.add_suggested.click()
    dialog = dialog_of(workspace)
    assert dialog.label.text() == "No sso support"
    dialog.applies.setCurrentIndex(dialog.applies.findData("loss"))  # theirs to say
    dialog.category.setCurrentIndex(dialog.category.findData("product_fit"))
    assert dialog.key.text() == "product_fit.no_sso_support"
    dialog.label.setText("No single sign-on")  # marketing words it as they like
    dialog.submit()
    changed_to(qtbot, workspace, next_version(version))
    code = workspace.found.taxonomy.code("product_fit.no_sso_support")
    assert code is not None and code.label == "No single sign-on"
    # Taken: no longer suggested, now or when asked again; the history says where the
    # code came from.
    assert workspace.found.suggested == ()
    assert "from reps\u2019 words \u201cno sso support\u201d" in workspace.history.item(0).text()
    workspace.ask()
    qtbot.waitUntil(lambda: workspace.refresh.isEnabled(), timeout=20_000)
    assert workspace.found.suggested == ()
    assert workspace.suggested.item(0).text().startswith("None yet")


def test_a_suggestion_is_added_under_other_in_one_click(qtbot, store, window_of):
    from helpers.insight_world import made_in
    from helpers.server_world import debrief_maker

    _, people = store
    new = debrief_maker()
    month = f"{datetime.now(UTC):%Y-%m}"
    ann = people("rep")
    bob = people("rep", team=ann.team)
    for rep, times in ((ann, 3), (bob, 3)):
        pushed = rep.api.push(*(new(reasons=[{
            "code": "other.in_a_few_words", "detail": None, "evidence": "customer_said",
            "primary": True, "words": "Needed it on premises"}], **made_in(month, day=1))
            for _ in range(times)))
        assert pushed.json()["accepted"] == times, pushed.text
    workspace = open_reason_list(qtbot, window_of("marketing"))
    qtbot.waitUntil(lambda: any(s.words == "needed it on premises"
                                for s in workspace.found.suggested), timeout=20_000)
    row = next(n for n in range(workspace.suggested.count())
               if "needed it on premises" in workspace.suggested.item(n).text())
    assert not workspace.add_now.isEnabled()  # nothing chosen yet
    workspace.suggested.setCurrentRow(row)
    version = workspace.found.version
    workspace.add_now.click()
    changed_to(qtbot, workspace, next_version(version))
    taxonomy = workspace.found.taxonomy
    code = taxonomy.code("other.needed_it_on_premises")
    assert code is not None and code.label == "Needed it on premises"
    assert code.applies_to.value == "both"
    assert code.category_key == taxonomy.words_code().category_key
    assert "needed it on premises" not in [s.words for s in workspace.found.suggested]
    assert "from reps\u2019 words" in workspace.history.item(0).text()
