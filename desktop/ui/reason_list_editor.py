"""The Reason list tab, for marketing (and admins): the team's reason taxonomy as the
central store has it, to add, rename and retire codes and details, merge a code into
another and split one into several. Each change is a new version on the server
(sync.server.taxonomy_versions); every app takes it at its next sync, this one at
once. The versions' changes are listed beside the list, newest first.

Every call goes to the server on the sync thread (`ServerCall`); what it refuses is
said next to the field it names, in the dialog of the change."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.contest_texts import problem_text
from desktop.ui.fields_dialog import FieldsDialog
from desktop.ui.sync_worker import ServerCall
from desktop.ui.text import day_text, time_text, tr
from sync.client.problems import SyncProblem
from sync.client.reason_list import (
    ReasonList,
    SuggestedCode,
    VersionMade,
    read,
    with_suggested,
    without_suggestions,
)
from sync.domain.debrief import Polarity
from sync.domain.taxonomy import Detail, ReasonCode
from sync.domain.taxonomy_changes import LABEL_MAX, suggested_key
from sync.domain.text import words_grouped

if TYPE_CHECKING:
    from desktop.ui.sync_worker import SyncWorker

log = logging.getLogger(__name__)
KEY_ROLE = Qt.ItemDataRole.UserRole  # ("category" | "code" | "detail", key)
MAX_PARTS = 10


def applies_text(value: str) -> str:
    return {"win": tr("Wins"), "loss": tr("Losses"), "both": tr("Wins and losses")}.get(
        value, value)


def change_text(made: VersionMade, labels: dict[str, str]) -> str:
    """One version's change in words, for the history."""
    change = made.change

    def name(key: Any) -> str:
        return said(labels.get(str(key), str(key)))

    def said(text: Any) -> str:
        return "\u201c" + str(text) + "\u201d"

    kind = change.get("kind")
    if kind == "shipped":
        return tr("The list Debrief ships with")
    if kind == "shipped_other":
        return tr("Added \u201cOther\u201d, which asks the rep for a few words")
    if kind == "add" and change.get("from_words"):
        return tr("Added {code}, from reps\u2019 words {words}").format(
            code=said(change.get("label")), words=said(change.get("from_words")))
    if kind == "add":
        return tr("Added {code}").format(code=said(change.get("label")))
    if kind == "add_detail":
        return tr("Added the detail {detail}").format(detail=said(change.get("label")))
    if kind in ("rename", "rename_detail"):
        return tr("Renamed to {label}").format(label=said(change.get("label")))
    if kind in ("retire", "retire_detail"):
        return tr("Retired {code}").format(code=name(change.get("key")))
    if kind == "merge":
        sources = ", ".join(name(key) for key in change.get("sources", ()))
        return tr("Merged {sources} into {code}").format(sources=sources,
                                                          code=name(change.get("into")))
    if kind == "split":
        parts = ", ".join(said(part.get("label")) for part in change.get("parts", ()))
        return tr("Split {code} into {parts}").format(code=name(change.get("source")),
                                                      parts=parts)
    return str(kind)


class ReasonListWorkspace(QWidget):
    def __init__(self, sync: SyncWorker, parent: QWidget | None = None):
        super().__init__(parent)
        self.sync = sync
        self.found: ReasonList | None = None
        self._asked = False

        self.title = QLabel()
        self.title.setObjectName("reasonListTitle")
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.state = QLabel(tr("Loading..."))
        self.state.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([tr("Reason"), tr("For"), tr("Key"), tr("Status")])
        self.tree.setAlternatingRowColors(True)
        self.tree.itemSelectionChanged.connect(self._enable)
        self.tree.itemDoubleClicked.connect(lambda *_: self.on_rename())
        self.history = QListWidget()
        self.history.setWordWrap(True)
        self.history.setSpacing(3)
        self.suggested = QListWidget()
        self.suggested.setObjectName("suggestedCodes")
        self.suggested.setWordWrap(True)
        self.suggested.itemSelectionChanged.connect(self._enable)
        self.suggested.itemDoubleClicked.connect(lambda *_: self.on_add_suggested())
        self.add_suggested = QPushButton(tr("&Add as a code..."))
        self.add_suggested.clicked.connect(self.on_add_suggested)
        self.add_now = QPushButton(tr("Add &under Other"))
        self.add_now.setToolTip(tr(
            "One click: the words become a code of the \u201cOther\u201d category, for any "
            "outcome, with a key from them. Merge it into another code later, or use Add "
            "as a code... to choose its category and outcomes."))
        self.add_now.clicked.connect(self.on_add_now)

        self.add_code = QPushButton(tr("Add &code..."))
        self.add_detail = QPushButton(tr("Add &detail..."))
        self.rename = QPushButton(tr("Re&name..."))
        self.retire = QPushButton(tr("Re&tire..."))
        self.merge = QPushButton(tr("&Merge into..."))
        self.split = QPushButton(tr("S&plit..."))
        self.refresh = QPushButton(tr("&Refresh"))
        for button, slot in ((self.add_code, self.on_add_code),
                             (self.add_detail, self.on_add_detail),
                             (self.rename, self.on_rename), (self.retire, self.on_retire),
                             (self.merge, self.on_merge), (self.split, self.on_split),
                             (self.refresh, self.ask)):
            button.clicked.connect(slot)

        buttons = QHBoxLayout()
        for button in (self.add_code, self.add_detail, self.rename, self.retire,
                       self.merge, self.split):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.tree)
        column.addLayout(buttons)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(QLabel(tr("Versions, newest first")))
        side.addWidget(self.history, 2)
        suggested_title = QLabel(tr(
            "Suggested by reps: what they said in a few words for \u201cOther\u201d, alike "
            "in enough debriefs over the last 12 months"))
        suggested_title.setWordWrap(True)
        suggested_title.setBuddy(self.suggested)
        side.addWidget(suggested_title)
        side.addWidget(self.suggested, 1)
        adding = QHBoxLayout()
        adding.addWidget(self.add_suggested)
        adding.addWidget(self.add_now)
        side.addLayout(adding)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([700, 300])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.state)
        layout.addWidget(splitter, 1)
        self._enable()

    # --- asking the server ------------------------------------------------------------

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._asked:
            self.ask()

    def ask(self) -> None:
        self._asked = True
        self.refresh.setEnabled(False)
        self.sync.ask(ServerCall(
            lambda central: _with_suggestions(central, read(central.reason_list())),
            self.show_list, self.on_failed, self))

    def show_list(self, found: ReasonList) -> None:
        """Show `found`, keeping the selection where it can."""
        kept = self.selected()
        self.found = found
        self.refresh.setEnabled(True)
        self.title.setText(tr("Reason list, version {version}").format(version=found.version))
        self.state.setText(tr(
            "Reps pick from this list. A change is a new version: every app takes it at "
            "its next sync, and insights count old debriefs by the codes standing now."))
        self.tree.clear()
        for category in found.taxonomy.categories:
            top = QTreeWidgetItem([category.label, "", category.key, ""])
            top.setData(0, KEY_ROLE, ("category", category.key))
            self.tree.addTopLevelItem(top)
            for code in category.codes:
                item = self._item(top, "code", code.key, code.label,
                                  applies_text(code.applies_to.value),
                                  self._status(found, code.key, code.retired))
                for detail in code.details:
                    self._item(item, "detail", detail.key, detail.label, "",
                               tr("Retired") if detail.retired or code.retired else "")
            top.setExpanded(True)
        for column in range(3):
            self.tree.resizeColumnToContents(column)
        self.history.clear()
        labels = {key: label for code in found.taxonomy.codes
                  for key, label in ((code.key, code.label),
                                     *((d.key, d.label) for d in code.details))}
        for made in found.versions:
            when = f"{day_text(made.made_at)} {time_text(made.made_at)}"
            who = made.made_by or tr("Debrief")
            self.history.addItem(tr("{version}: {change}\n{who}, {when}").format(
                version=made.version, change=change_text(made, labels), who=who, when=when))
        self.suggested.clear()
        for suggested in found.suggested:
            item = QListWidgetItem(tr("\u201c{words}\u201d: %n debrief(s)", None,
                                      suggested.debriefs).format(words=suggested.words))
            item.setData(Qt.ItemDataRole.UserRole, suggested)
            self.suggested.addItem(item)
        if not found.suggested:
            item = QListWidgetItem({
                "missing": tr("The server does not suggest codes yet: it needs an update."),
                "failed": tr("The suggestions could not be fetched: Refresh to try again."),
            }.get(found.suggestions_unknown or "",
                  tr("None yet: no words said alike often enough.")))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.suggested.addItem(item)
        if kept is not None:
            self._select(kept)
        self._enable()

    def on_failed(self, problem: Any) -> None:
        self.refresh.setEnabled(True)
        self.state.setText(problem_text(problem))

    def on_changed(self, found: ReasonList) -> None:
        """A change the server made: shown at once (a suggestion it took goes), and this
        app takes the new list now."""
        if self.found is not None:
            taken = {words_grouped(code.label) for code in found.taxonomy.codes}
            taken |= {words_grouped(str(made.change["from_words"])) for made in found.versions
                      if made.change.get("from_words")}
            found = replace(found, suggestions_unknown=self.found.suggestions_unknown,
                            suggested=tuple(s for s in self.found.suggested
                                            if s.words not in taken))
        self.show_list(found)
        self.sync.sync_now()

    # --- the selection ----------------------------------------------------------------

    @staticmethod
    def _status(found: ReasonList, key: str, retired: bool) -> str:
        """Blank for a code reps pick; else retired, and where its debriefs count."""
        if not retired:
            return ""
        now = found.taxonomy.current_code(key)
        if now == key:
            return tr("Retired")
        return tr("Retired: counts under “{label}”").format(
            label=found.taxonomy.label(now))

    def _item(self, parent: QTreeWidgetItem, kind: str, key: str, label: str, applies: str,
              status: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [label, applies, key, status])
        item.setData(0, KEY_ROLE, (kind, key))
        item.setToolTip(3, status)
        if status:
            for column in range(4):
                item.setForeground(column, self.palette().placeholderText())
        return item

    def selected(self) -> tuple[str, str] | None:
        items = self.tree.selectedItems()
        return items[0].data(0, KEY_ROLE) if items else None

    def _select(self, wanted: tuple[str, str]) -> None:
        for item in self._items():
            if item.data(0, KEY_ROLE) == tuple(wanted):
                self.tree.setCurrentItem(item)
                return

    def _items(self) -> list[QTreeWidgetItem]:
        found = []
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            found.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        return found

    def _code(self) -> ReasonCode | None:
        chosen = self.selected()
        if self.found is None or chosen is None or chosen[0] != "code":
            return None
        return self.found.taxonomy.code(chosen[1])

    def _detail(self) -> tuple[ReasonCode, Detail] | None:
        chosen = self.selected()
        if self.found is None or chosen is None or chosen[0] != "detail":
            return None
        code = next(c for c in self.found.taxonomy.codes if chosen[1].startswith(c.key + "."))
        detail = code.detail(chosen[1])
        return (code, detail) if detail is not None else None

    def _category(self) -> str | None:
        chosen = self.selected()
        if chosen is None:
            return None
        if chosen[0] == "category":
            return chosen[1]
        code = self._code() or (self._detail() or (None, None))[0]
        return code.category_key if code is not None else None

    def _enable(self) -> None:
        loaded = self.found is not None
        code, detail = self._code(), self._detail()
        live_code = code is not None and not code.retired
        live_detail = detail is not None and not detail[1].retired and not detail[0].retired
        self.add_code.setEnabled(loaded)
        self.add_detail.setEnabled(live_code)
        self.rename.setEnabled(live_code or live_detail)
        self.retire.setEnabled(live_code or live_detail)
        self.merge.setEnabled(live_code)
        self.split.setEnabled(live_code)
        item = self.suggested.currentItem()
        chosen = loaded and item is not None and isinstance(
            item.data(Qt.ItemDataRole.UserRole), SuggestedCode)
        self.add_suggested.setEnabled(chosen)
        self.add_now.setEnabled(chosen)

    # --- the changes ------------------------------------------------------------------

    def on_add_code(self) -> None:
        if self.found is not None:
            self._open(ChangeDialog(self, "add", category=self._category()))

    def on_add_suggested(self) -> None:
        """The Add dialog, filled in from the suggestion chosen: its words as the label,
        its outcomes; marketing picks the category."""
        item = self.suggested.currentItem()
        suggested = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if self.found is not None and isinstance(suggested, SuggestedCode):
            self._open(ChangeDialog(self, "add", category=self._category(),
                                    suggested=suggested))

    def on_add_now(self) -> None:
        """The suggestion chosen added at once, under the category of "Other", for any
        outcome: its words as the label, a key from them. Where that cannot be (no
        "Other" on the list, words longer than a label), the Add dialog instead."""
        item = self.suggested.currentItem()
        suggested = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if self.found is None or not isinstance(suggested, SuggestedCode):
            return
        taxonomy = self.found.taxonomy
        other = taxonomy.words_code()
        label = suggested.words[:1].upper() + suggested.words[1:]
        if other is None or len(label) > LABEL_MAX:
            self.on_add_suggested()
            return
        taken = {key for code in taxonomy.codes
                 for key in (code.key, *(detail.key for detail in code.details))}
        self.send({"kind": "add", "category": other.category_key,
                   "key": suggested_key(other.category_key, label, taken), "label": label,
                   "applies_to": Polarity.BOTH.value, "keywords": [],
                   "from_words": suggested.words}, self.on_changed, self.on_failed)

    def on_add_detail(self) -> None:
        if (code := self._code()) is not None:
            self._open(ChangeDialog(self, "add_detail", code=code))

    def on_rename(self) -> None:
        if (code := self._code()) is not None and not code.retired:
            self._open(ChangeDialog(self, "rename", code=code))
        elif (found := self._detail()) is not None and not found[1].retired:
            self._open(ChangeDialog(self, "rename_detail", code=found[0], detail=found[1]))

    def on_merge(self) -> None:
        if (code := self._code()) is not None:
            self._open(ChangeDialog(self, "merge", code=code))

    def on_split(self) -> None:
        if (code := self._code()) is not None:
            self._open(ChangeDialog(self, "split", code=code))

    def on_retire(self) -> None:
        code, found = self._code(), self._detail()
        if code is not None:
            wanted = {"kind": "retire", "key": code.key}
            text = tr("Retire \u201c{label}\u201d? Reps no longer see it for new debriefs; "
                      "old debriefs keep it and still count under it.").format(label=code.label)
        elif found is not None:
            wanted = {"kind": "retire_detail", "key": found[1].key}
            text = tr("Retire the detail \u201c{label}\u201d? Reps no longer see it for new "
                      "debriefs; old debriefs keep it.").format(label=found[1].label)
        else:
            return
        asked = QMessageBox.question(self, tr("Retire"), text)
        if asked == QMessageBox.StandardButton.Yes:
            self.send(wanted, self.on_changed, self.on_failed)

    def send(self, wanted: dict[str, Any], answered: Any, failed: Any,
             owner: Any = None) -> None:
        """Ask the server for the change `wanted`, made to the version on screen."""
        assert self.found is not None
        based_on = self.found.version
        self.sync.ask(ServerCall(
            lambda central: read(central.change_reason_list(based_on, wanted)),
            answered, failed, owner or self))

    def _open(self, dialog: ChangeDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()


class ChangeDialog(FieldsDialog):
    """One change's fields, sent to the server when accepted; its refusals are shown
    next to the fields they name, and the dialog stays open."""

    def __init__(self, workspace: ReasonListWorkspace, kind: str, *,
                 category: str | None = None, code: ReasonCode | None = None,
                 detail: Detail | None = None, suggested: SuggestedCode | None = None):
        super().__init__(workspace)
        assert workspace.found is not None
        self.workspace, self.kind, self.code, self.detail = workspace, kind, code, detail
        self.suggested = suggested
        self.taxonomy = workspace.found.taxonomy
        self.setWindowTitle({
            "add": tr("Add a reason code"), "add_detail": tr("Add a detail"),
            "rename": tr("Rename a reason code"), "rename_detail": tr("Rename a detail"),
            "merge": tr("Merge a reason code"), "split": tr("Split a reason code")}[kind])
        self.category = QComboBox()
        self.label = QLineEdit()  # no maximum length: a long one is said, not cut
        self.key = QLineEdit()
        self.applies = QComboBox()
        self.keywords = QLineEdit()
        self.into = QComboBox()
        self.parts: list[tuple[QLineEdit, QLineEdit]] = []
        self._key_typed = False
        self._slot_alias: dict[str, str] = {}  # a field the server names -> its error line
        getattr(self, f"_build_{kind}")()
        self.lay_out(680)

    # --- the forms ----------------------------------------------------------------------

    def _build_add(self) -> None:
        for category in self.taxonomy.categories:
            self.category.addItem(category.label, category.key)
        if (chosen := self.workspace._category()) is not None:
            self.category.setCurrentIndex(max(0, self.category.findData(chosen)))
        for value in ("loss", "win", "both"):
            self.applies.addItem(applies_text(value), value)
        self.keywords.setPlaceholderText(tr("words reps might type, e.g. invoice terms"))
        self._row(tr("&Category:"), "category", self.category)
        self._row(tr("&Label:"), "label", self.label)
        self._row(tr("&Key:"), "key", self.key)
        self._row(tr("For &outcomes:"), "applies_to", self.applies)
        self._row(tr("Key&words:"), "keywords", self.keywords)
        self.note.setText(tr("Reps can pick the new code from their next sync on. A key is "
                             "never used again, even once the code is retired."))
        self.label.textEdited.connect(self._suggest_key)
        self.category.currentIndexChanged.connect(self._suggest_key)
        self.key.textEdited.connect(self._on_key_typed)
        if self.suggested is not None:
            words = self.suggested.words
            self.label.setText(words[:1].upper() + words[1:])
            self.note.setText(tr("Reps said \u201c{words}\u201d for \u201cOther\u201d in %n "
                                 "debrief(s). Choose its category and outcomes; reps can pick "
                                 "the new code from their next sync on.", None,
                                 self.suggested.debriefs).format(words=words))
            self._suggest_key()

    def _build_add_detail(self) -> None:
        assert self.code is not None
        self._row(tr("&Label:"), "label", self.label)
        self._row(tr("&Key:"), "key", self.key)
        self.note.setText(tr("A detail under \u201c{code}\u201d.").format(code=self.code.label))
        self.label.textEdited.connect(self._suggest_key)
        self.key.textEdited.connect(self._on_key_typed)

    def _build_rename(self) -> None:
        assert self.code is not None
        self.label.setText(self.code.label)
        self._row(tr("New &label:"), "label", self.label)
        self.note.setText(tr("Debriefs keep the code; they read the new label."))

    def _build_rename_detail(self) -> None:
        assert self.detail is not None
        self.label.setText(self.detail.label)
        self._row(tr("New &label:"), "label", self.label)
        self.note.setText(tr("Debriefs keep the detail; they read the new label."))

    def _build_merge(self) -> None:
        assert self.code is not None
        source = self.code.applies_to
        for code in self.taxonomy.codes:  # codes for the same outcomes ("both" takes any)
            if (not code.retired and code.key != self.code.key
                    and code.applies_to in (source, Polarity.BOTH)):
                self.into.addItem(f"{code.category_label} \u203a {code.label}", code.key)
        self._row(tr("Merge &into:"), "into", self.into)
        self._slot_alias = {"sources": "into"}
        self.note.setText(tr(
            "\u201c{code}\u201d is retired, and its debriefs, old and new, count under the "
            "code you choose, in every period: trends go on across the merge.").format(
                code=self.code.label))

    def _build_split(self) -> None:
        assert self.code is not None
        self.note.setText(tr(
            "\u201c{code}\u201d is retired and its parts take its place. Its old debriefs "
            "count under the first part, so none counts twice.").format(code=self.code.label))
        for _ in range(2):
            self._add_part()
        more = QPushButton(tr("Add a &part"))
        more.clicked.connect(self._add_part)
        self.form.addRow("", more)

    def _add_part(self) -> None:
        if len(self.parts) >= MAX_PARTS:
            return
        label, key = QLineEdit(), QLineEdit()
        label.setPlaceholderText(tr("label"))
        key.setPlaceholderText(tr("key"))
        n = len(self.parts)
        self.parts.append((label, key))
        label.textEdited.connect(lambda *_: self._suggest_part_key(n))
        self._row(tr("Part {n}:").format(n=n + 1), f"parts.{n}", label, key)

    def _suggest_part_key(self, n: int) -> None:
        assert self.code is not None
        label, key = self.parts[n]
        taken = self._taken() | {k.text() for i, (_, k) in enumerate(self.parts) if i != n}
        key.setText(suggested_key(self.code.category_key, label.text(), taken))

    def _taken(self) -> set[str]:
        return {key for code in self.taxonomy.codes
                for key in (code.key, *(d.key for d in code.details))}

    def _on_key_typed(self, *_: object) -> None:
        self._key_typed = bool(self.key.text())

    def _suggest_key(self, *_: object) -> None:
        if self._key_typed:
            return
        prefix = (self.code.key if self.kind == "add_detail" and self.code is not None
                  else str(self.category.currentData()))
        self.key.setText(suggested_key(prefix, self.label.text(), self._taken()))

    # --- sending ------------------------------------------------------------------------

    def wanted(self) -> dict[str, Any]:
        """The change as the server's route takes it."""
        kind, label = self.kind, self.label.text().strip()
        if kind == "add":
            return {"kind": kind, "category": self.category.currentData(),
                    "key": self.key.text().strip(), "label": label,
                    "applies_to": self.applies.currentData(),
                    "keywords": self.keywords.text().lower().split(),
                    **({"from_words": self.suggested.words} if self.suggested else {})}
        if kind == "add_detail":
            assert self.code is not None
            return {"kind": kind, "code": self.code.key, "key": self.key.text().strip(),
                    "label": label}
        if kind == "rename":
            assert self.code is not None
            return {"kind": kind, "key": self.code.key, "label": label}
        if kind == "rename_detail":
            assert self.detail is not None
            return {"kind": kind, "key": self.detail.key, "label": label}
        if kind == "merge":
            assert self.code is not None
            return {"kind": kind, "sources": [self.code.key], "into": self.into.currentData()}
        assert self.code is not None
        return {"kind": kind, "source": self.code.key, "parts": [
            {"key": key.text().strip(), "label": label.text().strip()}
            for label, key in self.parts if label.text().strip() or key.text().strip()]}

    def submit(self) -> None:
        self._clear_errors()
        wanted = self.wanted()
        if "label" in self.errors and not self.label.text().strip():
            self._error("label", tr("Give it a label."))
            return
        if "label" in self.errors and len(self.label.text().strip()) > LABEL_MAX:
            self._error("label", tr("Keep the label to {max} characters; this one has "
                                    "{length}.").format(max=LABEL_MAX,
                                                        length=len(self.label.text().strip())))
            return
        if self.kind == "split" and len(wanted["parts"]) < 2:
            self._error("parts.0", tr("A split makes two codes or more."))
            return
        self.buttons.setEnabled(False)
        self.workspace.send(wanted, self.on_done, self.on_refused, self)

    def on_done(self, found: ReasonList) -> None:
        self.workspace.on_changed(found)
        self.accept()

    def on_refused(self, problem: Any) -> None:
        self.buttons.setEnabled(True)
        named = getattr(problem, "fields", {}) or {}
        shown = False
        for where, said in named.items():
            slot = self._slot(where)
            if slot is not None:
                self._error(slot, said)
                shown = True
        if not shown:
            self._say(problem_text(problem))
        if "based_on" in named:  # the list changed meanwhile: show the newest
            self.workspace.ask()

    def _slot(self, where: str) -> str | None:
        """The error line of a field the server named ("change.label", "change.split
        .parts.1.key", "based_on"...), if this form has one."""
        parts = where.split(".")
        if "parts" in parts:
            index = parts.index("parts")
            number = parts[index + 1] if index + 1 < len(parts) else "0"
            slot = f"parts.{number if number.isdigit() else 0}"
        else:
            slot = self._slot_alias.get(parts[-1], parts[-1])
        return slot if slot in self.errors else None



def _with_suggestions(central: Any, found: ReasonList) -> ReasonList:
    """`found` with the codes the server suggests; without them, and saying so, when
    they cannot be had: the list itself is what the tab is for. Runs on the sync
    thread."""
    try:
        return with_suggested(found, central.other_words())
    except (SyncProblem, ValueError, KeyError, TypeError) as error:
        log.warning("suggested codes not fetched: %s", error)
        return without_suggestions(found)
