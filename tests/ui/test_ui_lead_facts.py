"""The lead facts in the new-debrief form: folded away and out of the Tab order until
opened, picked from the team's lists, saved and shown again, scored with the contest's
rules, and named next to their field when off the lists."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.ui.lead_facts import LeadFacts
from sync.domain.debrief import Collateral, Outcome, Readiness, Stage
from sync.domain.lead_lists import LeadLists


def typical(window) -> None:
    fields = window.form.fields
    fields.outcome.set_value(Outcome.LOST)
    fields.stage.set_value(Stage.EVALUATION)
    for box in fields.segment_boxes.values():
        box.setCurrentIndex(2)
    fields.reason_list.add("price.too_high", None)


def choose(box, key) -> None:
    box.setCurrentIndex(box.findData(key))


def item(box, key):
    return next(box.item(i) for i in range(box.count())
                if box.item(i).data(Qt.ItemDataRole.UserRole) == key)


def test_folded_the_lead_facts_are_out_of_the_tab_order(qtbot, window):
    lead: LeadFacts = window.form.fields.lead
    assert not lead.toggle.isChecked() and not lead.body.isVisible()
    window.form.fields.private_notes.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is lead.toggle  # the one stop the section costs
    qtbot.keyClick(lead.toggle, Qt.Key.Key_Space)  # opened from the keyboard...
    assert lead.body.isVisible()
    assert QApplication.focusWidget() is lead.source  # ...the focus goes into it


def test_the_lead_facts_are_saved_scored_and_shown_again(qtbot, window):
    typical(window)
    before = window.form.debrief()
    fields = window.form.fields
    lead = fields.lead
    lead.toggle.click()
    choose(lead.source, "event")
    assert not lead.criteria.isEnabled()  # criteria only for a lead not fully ready
    choose(lead.ready, "partly")
    assert lead.criteria.isEnabled()
    item(lead.criteria, "budget").setCheckState(Qt.CheckState.Checked)
    case_study, video = item(lead.collateral, "case_study"), item(lead.collateral, "demo_video")
    lead.collateral.itemClicked.emit(case_study)  # used, whether it helped not said
    lead.collateral.itemClicked.emit(case_study)  # it helped
    lead.collateral.itemClicked.emit(video)
    lead.collateral.itemClicked.emit(video)
    lead.collateral.itemClicked.emit(video)  # it did not help
    assert video.text().endswith("(did not help)")
    lead.play.setPlainText("Brought their CFO in on the second call.")
    lead.share_play.setChecked(True)

    debrief = window.form.debrief()
    assert (debrief.lead_source, debrief.sales_ready, debrief.failed_criteria) == (
        "event", Readiness.PARTLY, ("budget",))
    assert debrief.collateral == (Collateral("case_study", True),
                                  Collateral("demo_video", False))
    assert (debrief.play, debrief.share_play) == (
        "Brought their CFO in on the second call.", True)
    rules = window.form.context.lists.contest
    gained = rules.lead_source + rules.sales_readiness + rules.collateral + rules.shared_play
    assert gained > 0
    from sync.domain.scoring import score
    assert score(debrief, rules).uncapped == score(before, rules).uncapped + gained

    with qtbot.waitSignal(window.form.saved, timeout=5000) as saved:
        window.form.save()
    kept = window.services.reader.get(saved.args[0].id)
    assert (kept.lead_source, kept.sales_ready, kept.failed_criteria, kept.collateral,
            kept.play, kept.share_play) == (
        debrief.lead_source, debrief.sales_ready, debrief.failed_criteria,
        debrief.collateral, debrief.play, debrief.share_play)
    # A new debrief starts folded, empty and at its top; the saved one opens with its
    # facts shown.
    assert not lead.toggle.isChecked() and window.form.debrief().lead_source is None
    assert window.form.scroll.verticalScrollBar().value() == 0
    window.resize(900, 560)  # small enough for the open facts to scroll
    window.on_list_open_requested(kept.id)
    assert lead.toggle.isChecked() and lead.source.currentData() == "event"
    qtbot.wait(50)
    assert window.form.scroll.verticalScrollBar().value() == 0  # it opens at its top
    assert item(lead.collateral, "demo_video").text().endswith("(did not help)")


def test_a_lead_fact_off_the_teams_lists_is_named_next_to_its_field(qtbot, window):
    typical(window)
    lead = window.form.fields.lead
    choose(lead.source, "event")
    # The team's server hands out lists without "event".
    lists = window.form.context.lists
    fewer = LeadLists(tuple(c for c in lists.leads.lead_sources if c.key != "event"),
                      lists.leads.sql_criteria, lists.leads.collateral)
    window.on_sync_lists_changed(replace(lists, leads=fewer))
    assert window.form.debrief().lead_source == "event"  # what was chosen stays chosen
    window.form.save()
    error = window.form.fields.errors["lead_source"]
    qtbot.waitUntil(lambda: not error.isHidden(), timeout=5000)
    assert error.text() == "Pick a value from the list."


def test_open_suggestions_follow_the_search_box_when_the_form_scrolls(qtbot, window):
    window.resize(900, 560)
    fields = window.form.fields
    fields.lead.unfold(True)
    fields.outcome.set_value(Outcome.LOST)
    fields.picker.search.setFocus()
    qtbot.keyClicks(fields.picker.search, "pri")
    suggestions = fields.picker.suggestions
    assert suggestions.isVisible()

    def gap() -> int:
        below = fields.picker.search.mapTo(window, fields.picker.search.rect().bottomLeft())
        return suggestions.geometry().top() - below.y()

    first = gap()
    bar = window.form.scroll.verticalScrollBar()
    assert bar.maximum() > 0  # the open lead facts make the form scroll here
    bar.setValue(bar.maximum() // 2)
    assert gap() == first


def test_collateral_cycles_with_the_keyboard_too(qtbot, window):
    lead = window.form.fields.lead
    lead.unfold(True)
    lead.collateral.setFocus()
    lead.collateral.setCurrentRow(0)
    key = lead.collateral.item(0).data(Qt.ItemDataRole.UserRole)
    said = []
    for _ in range(4):
        qtbot.keyClick(lead.collateral, Qt.Key.Key_Space)
        said.append(tuple(lead.facts()[3]))
    assert said == [(Collateral(key, None),), (Collateral(key, True),),
                    (Collateral(key, False),), ()]


def test_new_lists_keep_what_is_typed_and_chosen(qtbot, window):
    lead = window.form.fields.lead
    lead.unfold(True)
    case_study = item(lead.collateral, "case_study")
    lead.collateral.itemClicked.emit(case_study)
    lead.collateral.itemClicked.emit(case_study)  # used, and it helped
    lead.play.setFocus()
    qtbot.keyClicks(lead.play, "Sent the ROI")
    lists = window.form.context.lists
    fewer = LeadLists(lists.leads.lead_sources, lists.leads.sql_criteria,
                      tuple(c for c in lists.leads.collateral if c.key != "case_study"))
    window.on_sync_lists_changed(replace(lists, leads=fewer))
    qtbot.keyClicks(lead.play, " calculator")
    assert lead.play.toPlainText() == "Sent the ROI calculator"  # the cursor stayed
    assert lead.facts()[3] == (Collateral("case_study", True),)  # kept, though unlisted


def test_the_preview_promises_what_the_running_contest_gives(qtbot, window):
    from datetime import UTC, datetime

    from sync.domain.contest_standing import ContestStanding
    from sync.domain.scoring import ContestRules

    typical(window)
    lead = window.form.fields.lead
    choose(lead.source, "event")
    preview = window.form.preview
    hints = preview.hints.text()
    assert "Say whether the lead was sales-ready" in hints  # the team's default rules
    kept = ContestRules(competitor=1).to_dict()  # a contest that gives lead facts nothing
    window.form.use_standing(ContestStanding(
        "November push", "A mug", datetime(2026, 11, 30, tzinfo=UTC), 12, "top 25%", 9,
        datetime(2026, 11, 20, tzinfo=UTC), rules=kept))
    assert "sales-ready" not in preview.hints.text()
    window.form.use_standing(None)
    assert "Say whether the lead was sales-ready" in preview.hints.text()
