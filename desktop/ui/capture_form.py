"""The capture form: a debrief in about 20 seconds, from the keyboard, with a live preview.

Keys: the outcome by its letter (W L N O P), the stage by its number (1-5), each moving
focus on; type a few letters of a reason and Enter; Ctrl+Enter saves; Esc clears (and
the cleared form can be brought back). Errors appear next to their field. What the rep
types is kept as a draft while they type, so closing the window or a crash loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.store.debriefs import DebriefStore
from desktop.store.drafts import Draft, DraftStore, form_slot
from desktop.store.errors import StoreError
from desktop.ui.capture_fields import CaptureFields
from desktop.ui.contest_preview import ContestPreview
from desktop.ui.draft_schedule import DraftSchedule
from desktop.ui.store_worker import StoreWorker
from desktop.ui.text import message_text, moment_text, outcome_label, stage_label, tr
from sync.domain.clock import Clock
from sync.domain.contest_standing import ContestStanding
from sync.domain.debrief import Debrief
from sync.domain.ids import DebriefIdFactory
from sync.domain.scoring import ContestRules, missing_for_entries, score
from sync.domain.segments import SegmentLists
from sync.domain.taxonomy import Taxonomy
from sync.domain.team_lists import TeamLists
from sync.domain.validation import InvalidDebrief, Problem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FormContext:
    """What the form needs to know: the team's lists in force and who is typing."""

    lists: TeamLists
    rep: str
    clock: Clock
    default_currency: str = "EUR"

    @property
    def taxonomy(self) -> Taxonomy:
        return self.lists.taxonomy

    @property
    def segments(self) -> SegmentLists:
        return self.lists.segments

    @property
    def contest(self) -> ContestRules:
        return self.lists.contest


class Banner(QWidget):
    """A one-line notice above the form with up to two actions (restore a draft, undo)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.primary = QPushButton()
        self.secondary = QPushButton()
        layout.addWidget(self.label, 1)
        layout.addWidget(self.primary)
        layout.addWidget(self.secondary)
        self._actions: tuple[Callable[[], None], Callable[[], None] | None] = (self.hide, None)
        self.primary.clicked.connect(self.on_primary_clicked)
        self.secondary.clicked.connect(self.on_secondary_clicked)
        self.hide()

    def offer(self, text: str, primary: tuple[str, Callable[[], None]],
              secondary: tuple[str, Callable[[], None]] | None = None) -> None:
        """Show `text` with a button per (label, action); either button closes the banner."""
        self.label.setText(text)
        self.primary.setText(primary[0])
        self.secondary.setText(secondary[0] if secondary else "")
        self.secondary.setVisible(secondary is not None)
        self._actions = (primary[1], secondary[1] if secondary else None)
        self.show()

    def on_primary_clicked(self) -> None:
        self.hide()
        self._actions[0]()

    def on_secondary_clicked(self) -> None:
        self.hide()
        if self._actions[1] is not None:
            self._actions[1]()


class CaptureForm(QWidget):
    """New and edited debriefs: fields on the left, the contest preview on the right."""

    saved = Signal(object)  # the Debrief as stored
    save_failed = Signal(object)  # the error, after it is shown

    def __init__(self, context: FormContext, worker: StoreWorker,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.worker = worker
        self.ids = DebriefIdFactory(context.clock)
        self._current = Debrief(id=self.ids.new_id(), rep=context.rep)
        self._baseline: dict[str, Any] = {}
        self._show_problems = False
        self._saving = False
        self._cleared: dict[str, Any] | None = None  # what Esc took away, until let go
        self._refused = False  # the footer says the debrief was refused for its problems
        self._prefill: Debrief | None = None  # what a new debrief starts from (the last saved)
        self._offers: list[Draft] = []  # drafts from earlier, newest first, not yet answered
        self._contest_rules: ContestRules | None = None  # the running contest's, if known

        self.banner = Banner()
        self.fields = CaptureFields(context.taxonomy, context.segments, context.lists.leads)
        self.preview = ContestPreview(clock=context.clock)
        self.status = QLabel()
        self.status.setObjectName("formStatus")
        self.save_button = QPushButton(self.tr("Save  (Ctrl+Enter)"))
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.clear_button = QPushButton(self.tr("Clear  (Esc)"))
        self._build_layout()

        self._draft_schedule = DraftSchedule(self)
        self._draft_schedule.due.connect(self.on_draft_schedule_due)
        self.fields.changed.connect(self.on_fields_changed)
        self.save_button.clicked.connect(self.save)
        self.clear_button.clicked.connect(self.clear)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.save)

    def _build_layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.save_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.banner)
        # The fields scroll when the lead facts are open on a small screen; the buttons
        # stay in sight.
        self.scroll = QScrollArea()
        self.scroll.setObjectName("formScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.fields)
        self.fields.lead.unfolded.connect(self._show_lead_facts)
        self.scroll.verticalScrollBar().valueChanged.connect(self.fields.picker.follow)
        left_layout.addWidget(self.scroll, 1)
        left_layout.addLayout(buttons)
        outer = QHBoxLayout(self)
        outer.addWidget(left, 1)
        outer.addWidget(self.preview)

    def _show_lead_facts(self) -> None:
        """Once laid out, scroll to the lead facts just opened."""
        QTimer.singleShot(0, self, lambda: self.scroll.ensureWidgetVisible(
            self.fields.lead.body, 0, 0))

    def use_standing(self, standing: ContestStanding | None) -> None:
        """Score the preview by the rules of the rep's running contest, when known: it
        promises what that contest gives; else by the team's default rules."""
        rules = None
        if standing is not None and standing.rules is not None:
            try:
                rules = ContestRules.from_dict(standing.rules)
            except ValueError:
                rules = None  # rules this app does not know: the team's defaults
        if rules != self._contest_rules:
            self._contest_rules = rules
            self._refresh()

    def use_lists(self, lists: TeamLists) -> None:
        """Check, pick and score by the lists pulled from the team's server."""
        self.context = replace(self.context, lists=lists)
        self.fields.use_lists(lists.taxonomy, lists.segments, lists.leads)
        self._refresh()

    # -- starting, loading, reading the form -------------------------------------------

    def start_new(self, prefill: Debrief | None = None) -> None:
        """A fresh debrief, with outcome, stage, segment and currency from `prefill`."""
        self._prefill = prefill
        self._load(self._fresh())
        self.fields.outcome.setFocus()
        self._offer_next()

    def _fresh(self) -> Debrief:
        fresh = Debrief(id=self.ids.new_id(), rep=self.context.rep,
                        currency=self.context.default_currency)
        prefill = self._prefill
        if prefill is None:
            return fresh
        return fresh.with_changes(outcome=prefill.outcome, stage=prefill.stage,
                                  segment=prefill.segment,
                                  currency=prefill.currency or fresh.currency)

    def new_debrief(self) -> None:
        """Ctrl+N: a new debrief. A saved one open for changes is put aside first (its
        changes are offered back); a new one being typed stays where it is."""
        if self.is_editing:
            self._put_aside()
            self.start_new(self._prefill)
        self.fields.outcome.setFocus()

    def edit(self, debrief: Debrief) -> None:
        """Open a saved debrief for changes; Esc goes back to a new one. What the form
        held is put aside and offered back. Unsaved changes to `debrief`, kept from
        earlier, come back with it."""
        if self.is_editing and debrief.id == self._current.id:
            self.fields.outcome.setFocus()  # already open, maybe with changes: keep them
            return
        self._let_cleared_go()  # changes to it that Esc set aside come back below
        self._put_aside()
        kept = next((d for d in self._offers if d.slot == form_slot(debrief.id)), None)
        if kept is not None:
            self._offers.remove(kept)
            if self._restore(kept.body):
                return
        self._load(debrief)
        self._show_editing(debrief)
        if kept is not None:  # changes kept from earlier, which could not be read back
            self._say_unreadable()

    def _show_editing(self, debrief: Debrief) -> None:
        when = moment_text(debrief.created_at)
        self.banner.offer(self.tr("Editing the debrief from {when}. Ctrl+Enter saves the "
                                  "changes.").format(when=when),
                          (self.tr("Cancel editing"), self.clear))
        self.fields.outcome.setFocus()

    def _load(self, debrief: Debrief, deal_value_text: str | None = None) -> None:
        """Show `debrief`. What the footer and the banner said was about the debrief
        shown before, so it goes with it."""
        self._let_cleared_go()
        self._current = debrief
        self._show_problems = False
        self._say("")
        self.banner.hide()
        self.fields.fill(debrief, deal_value_text)
        self.scroll.verticalScrollBar().setValue(0)  # a debrief starts at its outcome
        # Filling is not typing: the changes it signals must not write a draft, or the
        # one just offered back would be replaced by an empty form moments later.
        self._draft_schedule.stop()
        self._baseline = self._snapshot()
        self._refresh()

    def debrief(self) -> Debrief:
        """The debrief as the form shows it now."""
        return self.fields.read(self._current)

    def problems(self) -> list[Problem]:
        return self.fields.problems(self.debrief())

    @property
    def is_editing(self) -> bool:
        return self._current.revision > 0

    def _snapshot(self) -> dict[str, Any]:
        return {"debrief": self.debrief().to_dict(),
                "deal_value_text": self.fields.deal_value.text()}

    def is_dirty(self) -> bool:
        return self._snapshot() != self._baseline

    # -- reacting to typing -------------------------------------------------------------

    def on_fields_changed(self) -> None:
        self._refresh()
        self._draft_schedule.changed()
        if self._cleared is not None and self.is_dirty():
            self._let_cleared_go()  # the rep has begun the next debrief

    def _refresh(self) -> None:
        debrief = self.debrief()
        problems = self.fields.problems(debrief)
        missing = missing_for_entries(problems)
        if missing:
            self.preview.show_missing(missing)
        else:
            self.preview.show_score(score(debrief, self._contest_rules or self.context.contest))
        self.fields.show_problems(problems if self._show_problems else [])
        if self._refused and not problems:
            self._say("")  # nothing left in red to see

    def _say(self, text: str, refused: bool = False) -> None:
        """`text` in the footer by the Save button; `refused`: it points at the notes
        in red, so it goes once there are none."""
        self.status.setText(text)
        self._refused = refused

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            self.clear()
        else:
            super().keyPressEvent(event)

    # -- saving ---------------------------------------------------------------------------

    def save(self) -> None:
        """Validate; if the debrief is fine, hand it to the store worker."""
        if self._saving:
            return
        debrief = self.debrief()
        problems = self.fields.problems(debrief)
        if problems:
            self._show_problems = True
            self._refresh()
            self.fields.focus_field(problems[0].field)
            self._say(self.tr("Not saved yet: see the notes in red."), refused=True)
            return
        self._saving = True
        self.save_button.setEnabled(False)
        self._draft_schedule.stop()
        slot = form_slot(debrief.id)
        self.worker.submit(lambda store: store.save(debrief, clear_draft=slot),
                           self.on_store_saved, self.on_store_save_failed)

    def on_store_saved(self, saved: Debrief) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.saved.emit(saved)
        self.start_new(prefill=saved)
        entries = score(saved, self.context.contest).entries
        self._say(tr("Saved: {outcome}, {stage} \u2014 earned %Ln (entry|entries).", None,
                     entries).format(outcome=outcome_label(saved.outcome),
                                     stage=stage_label(saved.stage))
                  if saved.outcome and saved.stage else self.tr("Saved."))

    def on_store_save_failed(self, error: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if isinstance(error, InvalidDebrief):
            self._show_problems = True
            self.fields.show_problems(error.problems)
            self._say(self.tr("Not saved yet: see the notes in red."), refused=True)
        elif isinstance(error, StoreError):
            log.warning("save failed: %s", error)
            self._say(self.tr("Not saved: {reason}").format(
                reason=message_text(error.message)))
            self._draft_schedule.changed()  # keep what was typed
        else:
            self._draft_schedule.changed()
            self.worker.failed.emit(error)
        self.save_failed.emit(error)

    # -- clearing and undo ----------------------------------------------------------------

    def clear(self) -> None:
        """Esc: start a new debrief (from the last saved one's outcome, stage and segment).
        Typing, or changes to a saved debrief, can be brought back once."""
        if not self.is_dirty():
            if self.is_editing:
                self.start_new(self._prefill)
            elif self._show_problems or self.status.text():
                self._show_problems = False  # a refused save of this untouched form
                self._say("")
                self._refresh()
            return
        editing = self.is_editing
        cleared = self._snapshot()
        self._store_draft(None)  # the cleared debrief's draft; "Bring it back" writes it again
        self._load(self._fresh())
        self._cleared = cleared
        self.banner.offer(self.tr("Changes to the saved debrief set aside.") if editing
                          else self.tr("Form cleared."),
                          (self.tr("Bring it back"), self.on_undo_clear_clicked))
        self.fields.outcome.setFocus()

    def on_undo_clear_clicked(self) -> None:
        if self._cleared is not None:
            cleared, self._cleared = self._cleared, None
            self._put_aside()  # whatever the form holds now: kept too
            self._restore(cleared)
            self._offer_next()

    def _let_cleared_go(self) -> None:
        """The "Bring it back" offer ends: the rep began the next debrief, or the form
        shows another. Changes to a saved debrief that Esc set aside are kept, and offered
        back once the form is free; a new debrief Esc cleared goes, as Esc asked."""
        if self._cleared is None:
            return
        cleared, self._cleared = self._cleared, None
        self.banner.hide()
        if cleared["debrief"].get("revision", 0) > 0:
            slot = form_slot(cleared["debrief"]["id"])
            self._store_draft(cleared, slot)
            self._offers.append(Draft(slot, cleared, self.context.clock.now()))

    def forget(self, debrief_id: str) -> None:
        """`debrief_id` was deleted: a form editing it moves on to a new debrief, as Esc
        does (its unsaved changes can be brought back), so a save cannot revive it."""
        if self.is_editing and self._current.id == debrief_id:
            self.clear()

    # -- drafts ----------------------------------------------------------------------------

    def on_draft_schedule_due(self) -> None:
        self._store_draft(self._snapshot() if self.is_dirty() else None)

    def flush_draft(self) -> None:
        """Write the draft now (the window is closing). Not while a save is on its way:
        the save clears the draft, and one written after it would outlive it."""
        if self._saving:
            return
        if self._draft_schedule.is_pending() or self.is_dirty():
            self._draft_schedule.stop()
            self._store_draft(self._snapshot() if self.is_dirty() else None)

    def _store_draft(self, body: dict[str, Any] | None, slot: str | None = None) -> None:
        """Keep `body` as the draft in `slot` (the debrief in the form's own, by default),
        or clear that slot when `body` is None."""
        slot = slot or form_slot(self._current.id)

        def write(store: DebriefStore) -> None:
            drafts = DraftStore(store.conn, store.clock)
            if body is None:
                drafts.clear(slot)
            else:
                drafts.put(slot, body)

        self.worker.submit(write, on_failure=self.on_draft_failed)

    def on_draft_failed(self, error: BaseException) -> None:
        log.warning("draft not kept: %s", error)
        if isinstance(error, StoreError):
            self._say(self.tr("Draft not kept: {reason}").format(
                reason=message_text(error.message)))
        else:
            self.worker.failed.emit(error)

    def offer_drafts(self, drafts: list[Draft]) -> None:
        """Offer back, newest first, drafts left by a closed window or a crash."""
        self._offers = list(drafts)
        self._offer_next()

    def _offer_next(self) -> None:
        """Show the next waiting draft, unless the banner is busy with something else."""
        if not self._offers or self.is_editing or not self.banner.isHidden():
            return
        draft = self._offers[0]
        when = moment_text(draft.saved_at)
        text = self.tr("You have an unsaved debrief from {when}.").format(when=when)
        if len(self._offers) > 1:
            text += " " + tr("%Ln more after it.", None, len(self._offers) - 1)
        self.banner.offer(text, (self.tr("Restore"), lambda: self.on_restore_clicked(draft)),
                          (self.tr("Discard"), lambda: self.on_discard_clicked(draft)))

    def on_restore_clicked(self, draft: Draft) -> None:
        """Bring `draft` into the form. What the form held is kept as a draft and offered
        back in turn, so nothing typed is lost either way."""
        self._offers.remove(draft)
        self._put_aside()
        if self._restore(draft.body) and draft.slot != form_slot(self._current.id):
            # A draft from the single slot older versions kept: write it under its own
            # slot first, then let the old one go (the worker runs both in order).
            self.flush_draft()
            self._store_draft(None, draft.slot)
        self._offer_next()

    def _put_aside(self) -> None:
        """Before the form shows something else: keep what it holds, if anything was
        typed, as a draft now, and offer it back when the form is free."""
        if self.is_dirty():
            self.flush_draft()
            self._offers.append(Draft(form_slot(self._current.id), self._snapshot(),
                                      self.context.clock.now()))

    def _say_unreadable(self) -> None:
        self._say(self.tr("That draft could not be read back."))

    def on_discard_clicked(self, draft: Draft) -> None:
        self._offers.remove(draft)
        self._store_draft(None, draft.slot)
        self._offer_next()

    def _restore(self, body: dict[str, Any]) -> bool:
        """Load a kept form (a draft, or one Esc cleared); False if it cannot be read."""
        try:
            # Drafts from the first schema hold the debrief itself, not the form's fields.
            debrief = Debrief.from_dict(body.get("debrief", body))
        except (KeyError, ValueError, TypeError) as exc:
            log.warning("draft could not be read back: %s", exc)
            self._say_unreadable()
            return False
        self._load(debrief, body.get("deal_value_text"))
        if self.is_editing:
            self._show_editing(debrief)
        self._baseline = {}  # a restored draft is unsaved work
        self._draft_schedule.changed()
        self.fields.outcome.setFocus()
        return True
