"""The app can be translated: every text a rep reads reaches the translator.

A pseudo-translation is made the way a translator's would be: the catalogue extracted
from the sources by lupdate (desktop.ui.translation_catalogue.update), every message given a
marked translation, compiled by lrelease and installed. Then the real windows are built
and every text on them is checked for the mark. A text without it was either never
passed through tr(), or looked up under another context than lupdate filed it in.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QWidget,
)

from desktop.ui import translation_catalogue, translations
from desktop.ui.errors import CrashDialog
from desktop.ui.sync_status import short_time
from desktop.ui.text import message_text, moment_text
from sync.client.status import settled
from sync.domain.sync_state import ReplicaCounts
from sync.domain.team_lists import ListDocuments
from sync.domain.text import N_, Message
from sync.resources import default_segments, default_taxonomy

ROOT = Path(__file__).resolve().parents[2]
OPEN, CLOSE = "\u27e6", "\u27e7"  # the pseudo-translation's mark: ⟦text⟧
PSEUDO_LOCALE = "eo"  # Esperanto: a language no machine in CI runs in


@pytest.fixture(scope="module")
def pseudo_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding debrief_eo.qm, every message translated as ⟦source⟧ (each plural
    form of a text with a count too)."""
    folder = tmp_path_factory.mktemp("translations")
    ts_file = folder / f"{translations.CATALOGUE}_{PSEUDO_LOCALE}.ts"
    translation_catalogue.update(ts_file, ROOT)
    tree = ET.parse(ts_file)
    for message in tree.iter("message"):
        translation = message.find("translation")
        assert translation is not None
        marked = f"{OPEN}{message.findtext('source')}{CLOSE}"
        for form in translation.findall("numerusform") or [translation]:
            form.text = marked
        translation.attrib.pop("type", None)
    tree.write(ts_file, encoding="utf-8", xml_declaration=True)
    translation_catalogue.compile_catalogues([ts_file])
    return folder


@pytest.fixture
def pseudo_language(qapp, pseudo_catalogue: Path) -> Iterator[None]:
    installed = translations.install(qapp, [PSEUDO_LOCALE], pseudo_catalogue)
    assert [Path(t.filePath()).name for t in installed][-1:] == [f"debrief_{PSEUDO_LOCALE}.qm"]
    yield
    for translator in installed:
        qapp.removeTranslator(translator)


def _data_words() -> set[str]:
    """Texts that come from the lists, not the code: translated with the lists."""
    taxonomy, segments = default_taxonomy(), default_segments()
    words = {code.label for code in taxonomy.codes} | {code.category_label
                                                        for code in taxonomy.codes}
    leads = ListDocuments.shipped().lists.leads
    for choices in (segments.industries, segments.company_sizes, segments.regions,
                    leads.lead_sources, leads.sql_criteria, leads.collateral):
        words |= {choice.label for choice in choices}
    return words


def _texts(widget: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every text `widget` shows or tells a screen reader."""
    name = f"{type(widget).__name__} {widget.objectName()}".strip()
    if isinstance(widget, QLabel):
        yield name, re.sub(r"<[^>]+>", "", widget.text())
    if isinstance(widget, QAbstractButton):
        yield name, widget.text()
    if isinstance(widget, QLineEdit | QPlainTextEdit):
        yield name + " placeholder", widget.placeholderText()
    if isinstance(widget, QGroupBox):
        yield name, widget.title()
    if isinstance(widget, QTabWidget):
        yield from ((name + " tab", widget.tabText(i)) for i in range(widget.count()))
    if isinstance(widget, QComboBox):
        yield from ((name + " item", widget.itemText(i)) for i in range(widget.count()))
    if isinstance(widget, QMenu):
        yield name, widget.title()
        yield from ((name + " action", action.text()) for action in widget.actions())
    yield name + " tooltip", widget.toolTip()
    yield name + " accessible name", widget.accessibleName()


# Qt's own texts, translated by Qt's catalogue (qtbase_<lang>.qm), not ours.
QT_OWN = {"Scroll Left", "Scroll Right", "Cancel", "OK", "Close"}


def untranslated(top: QWidget, data: frozenset[str] = frozenset()) -> list[str]:
    """The texts `top` shows that did not pass through tr(); `data`: words from the
    server (a team's name), not the code."""
    exempt = _data_words() | QT_OWN | {"Debrief"} | data
    found = []
    for widget in [top, *top.findChildren(QWidget)]:
        for where, text in _texts(widget):
            if text.strip() and re.search(r"[A-Za-z]{2}", text) and OPEN not in text \
                    and not re.fullmatch(r"[A-Z]{3}|https://\S+", text) \
                    and not all(part in exempt for part in text.split(" \u203a ")) \
                    and text.replace("&", "") not in exempt:
                found.append(f"{where}: {text!r}")
    if top.isWindow() and OPEN not in top.windowTitle() and top.windowTitle() not in exempt:
        found.append(f"window title: {top.windowTitle()!r}")
    return sorted(set(found))


def test_the_catalogue_holds_texts_of_every_kind(pseudo_catalogue: Path) -> None:
    ts_file = pseudo_catalogue / f"debrief_{PSEUDO_LOCALE}.ts"
    contexts = {context.findtext("name"): [m.findtext("source") for m in
                                           context.iter("message")]
                for context in ET.parse(ts_file).getroot().iter("context")}
    assert "Save  (Ctrl+Enter)" in contexts["CaptureForm"]  # self.tr in a QObject
    assert "Won" in contexts[""]  # the module-level tr()
    assert "Choose how the call ended." in contexts[""]  # the domain's N_()


# Every text of these modules that puts a number in a sentence.
COUNTED = {
    "%Ln debrief(s)", "%Ln other version(s) kept", "%Ln more after it.",
    "(entry|entries) for this debrief", "Ends {day} \u00b7 %Ln day(s) left",
    "Saved: {outcome}, {stage} \u2014 earned %Ln (entry|entries).",
    "This debrief has %Ln other version(s) kept. Click \u201cother versions kept\u201d below "
    "the list to compare them.",
}


def test_texts_with_a_count_reach_the_translator_with_their_plural_forms(
        pseudo_catalogue: Path) -> None:
    ts_file = pseudo_catalogue / f"debrief_{PSEUDO_LOCALE}.ts"
    plurals = {message.findtext("source"): message for context in
               ET.parse(ts_file).getroot().iter("context") for message in context.iter("message")
               if context.findtext("name") == "" and message.get("numerus") == "yes"}
    assert not COUNTED - set(plurals), COUNTED - set(plurals)
    assert all(plurals[text].find("translation/numerusform") is not None for text in COUNTED)


def test_counts_take_the_catalogue_s_plural_forms(pseudo_language, window, qtbot) -> None:
    lists = window.list
    lists.show_count()
    assert lists.count.text() == f"{OPEN}0 debriefs{CLOSE}"


def test_the_main_window_is_translated_throughout(pseudo_language, window, qtbot) -> None:
    form = window.form
    form.save()  # an empty form: the domain's problems appear beside their fields
    qtbot.waitUntil(lambda: OPEN in form.fields.errors["outcome"].text(), timeout=3000)
    assert not untranslated(window), "\n".join(untranslated(window))
    window.show_my_debriefs()
    qtbot.wait(50)
    assert not untranslated(window), "\n".join(untranslated(window))
    headers = window.list.table.horizontalHeader()
    model = window.list.table.model()
    for column in range(headers.count()):
        text = model.headerData(column, Qt.Orientation.Horizontal)
        assert OPEN in text, text


def test_the_connect_dialog_is_translated(pseudo_language, window) -> None:
    dialog = window.sync.show_connect_dialog()
    try:
        assert not untranslated(dialog), "\n".join(untranslated(dialog))
    finally:
        dialog.reject()


def test_the_crash_dialog_is_translated(pseudo_language, tmp_path: Path, qtbot) -> None:
    dialog = CrashDialog("Traceback (most recent call last):\nValueError: x",
                         tmp_path / "debrief.log")
    qtbot.addWidget(dialog)
    assert not untranslated(dialog), "\n".join(untranslated(dialog))


def test_without_a_catalogue_the_app_stays_in_english(qapp, tmp_path: Path) -> None:
    assert translations.install(qapp, [PSEUDO_LOCALE, "fr-FR"], tmp_path) == []
    assert QApplication.translate("", "Won") == "Won"


@pytest.mark.parametrize(("preferred", "chosen"), [
    (["fr-FR", "fr", PSEUDO_LOCALE], PSEUDO_LOCALE),  # the first one with a catalogue
    (["en-US", PSEUDO_LOCALE], None),  # English comes first: no catalogue loaded
    (["fr-FR", "en-GB", PSEUDO_LOCALE], None),
    ([], None),
])
def test_the_first_language_the_app_speaks_is_chosen(pseudo_catalogue, preferred,
                                                      chosen) -> None:
    locale = translations.chosen_language(preferred, pseudo_catalogue)
    assert (locale and QLocale.languageToCode(locale.language())) == chosen


@pytest.fixture
def default_locale() -> Iterator[Callable[[QLocale], None]]:
    previous = QLocale()
    yield QLocale.setDefault
    QLocale.setDefault(previous)


MOMENT = datetime(2026, 3, 3, 13, 5, tzinfo=UTC)


def test_moments_are_written_as_the_reps_locale_writes_them(default_locale) -> None:
    default_locale(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    local = MOMENT.astimezone()
    assert moment_text(MOMENT) == f"{local:%d.%m.%y %H:%M}"
    assert short_time(MOMENT, now=MOMENT + timedelta(days=2)) == f"{local:%d.%m.%y %H:%M}"
    assert short_time(MOMENT, now=MOMENT) == f"{local:%H:%M}"
    assert moment_text(None) == ""
    default_locale(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    assert moment_text(MOMENT) == f"{local:%-m/%-d/%y %-I:%M}\u202f{local:%p}"


def test_a_moment_in_a_message_is_written_in_the_reps_locale(default_locale) -> None:
    # The status's full sentence: its tooltip, and the box a click on it opens.
    default_locale(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    local = MOMENT.astimezone()
    up_to_date = settled(ReplicaCounts(), MOMENT)
    assert message_text(up_to_date.message) == f"Up to date (last sync {local:%d.%m.%y %H:%M})"
    assert up_to_date.message.text == "Up to date (last sync 2026-03-03 13:05 UTC)"


def test_without_a_locale_moments_are_written_the_iso_way(default_locale) -> None:
    default_locale(QLocale.c())
    local = MOMENT.astimezone()
    assert moment_text(MOMENT) == f"{local:%Y-%m-%d %H:%M}"
    assert short_time(MOMENT, now=MOMENT) == f"{local:%H:%M}"


# --- catalogues that would break the app are refused -------------------------------------

BAD_CATALOGUE = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS><TS version="2.1" language="de">
<context><name></name>
<message><source>{n:,} debriefs waiting</source>
<translation>{anzahl:,} Debriefs warten</translation></message>
<message><source>This is {length:,} characters long; keep it under {limit:,}.</source>
<translation>Das sind {length:.} Zeichen; höchstens {limit:,}.</translation></message>
<message><source>Reason {n}: {problem}</source>
<translation>Grund {n}: {problem}</translation></message>
<message><source>Won</source><translation type="unfinished"></translation></message>
</context></TS>
"""


def test_a_catalogue_with_a_renamed_placeholder_is_not_compiled(tmp_path: Path) -> None:
    ts_file = tmp_path / "debrief_de.ts"
    ts_file.write_text(BAD_CATALOGUE, encoding="utf-8")
    problems = translation_catalogue.placeholder_problems(ts_file)
    assert len(problems) == 2
    assert "{anzahl:,} Debriefs warten" in problems[0]
    assert "{length:.}" in problems[1]
    with pytest.raises(translation_catalogue.CatalogueError):
        translation_catalogue.compile_catalogues([ts_file])
    assert not ts_file.with_suffix(".qm").exists()


PLURAL_CATALOGUE = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS><TS version="2.1" language="pl">
<context><name></name>
<message numerus="yes"><source>Saved: {outcome}, {stage} \u2014 earned %Ln (entry|entries).</source>
<translation>
<numerusform>Zapisano: {outcome}, {stage} \u2014 %Ln los.</numerusform>
<numerusform>Zapisano: {outcome}, {stage} \u2014 %Ln losy.</numerusform>
<numerusform>Zapisano: {wynik}, {stage} \u2014 %Ln los\u00f3w.</numerusform>
</translation></message>
<message numerus="yes"><source>%Ln debrief(s)</source>
<translation><numerusform>%Ln raport</numerusform><numerusform>%Ln raporty</numerusform>
<numerusform>%Ln raport\u00f3w</numerusform></translation></message>
</context></TS>
"""


def test_every_plural_form_keeps_the_placeholders(tmp_path: Path) -> None:
    ts_file = tmp_path / "debrief_pl.ts"
    ts_file.write_text(PLURAL_CATALOGUE, encoding="utf-8")
    problems = translation_catalogue.placeholder_problems(ts_file)
    assert len(problems) == 1 and "{wynik}" in problems[0]


@pytest.mark.parametrize("ts_file", sorted((ROOT / "resources" / "translations").glob("*.ts"))
                         or [pytest.param(None, id="none-shipped")])
def test_every_shipped_catalogue_keeps_its_placeholders(ts_file, pseudo_catalogue) -> None:
    """Each shipped .ts (and, while none ships, the pseudo one) fills in cleanly."""
    ts_file = ts_file or pseudo_catalogue / f"debrief_{PSEUDO_LOCALE}.ts"
    assert translation_catalogue.placeholder_problems(ts_file) == []


def test_a_broken_translation_of_a_domain_message_falls_back_to_english(qapp) -> None:
    class Broken(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):
            return "{anzahl} Zeichen" if source.startswith("This is {length") else ""

    broken = Broken()
    qapp.installTranslator(broken)
    try:
        text = message_text(Message(N_("This is {length:,} characters long; keep it under "
                                       "{limit:,}."), {"length": 2500, "limit": 2000}))
    finally:
        qapp.removeTranslator(broken)
    assert text == "This is 2,500 characters long; keep it under 2,000."


def test_the_contest_workspace_and_its_dialogs_are_translated(pseudo_language, window,
                                                              qtbot) -> None:
    from datetime import UTC, datetime

    from desktop.ui.contest_editor import ContestEditor
    from desktop.ui.contest_screenshots import (
        QuietServer,
        sample_board,
        sample_contests,
        sample_draw,
        sample_entries,
    )
    from desktop.ui.contest_workspace import ContestWorkspace
    from desktop.ui.rep_entries import RepEntries
    from desktop.ui.tv_board import TvBoard
    from sync.client.contest_answers import ContestPage
    from sync.domain.clock import SystemClock

    now, clock, quiet = datetime.now(UTC), SystemClock(), QuietServer()
    running, ended = sample_contests(now)
    holder = QWidget()  # the workspace is a tab of the window, not a window of its own
    qtbot.addWidget(holder)
    workspace = ContestWorkspace(quiet, clock, "manager", lambda contest: None, holder)
    for chosen, draw in ((running, None), (ended, sample_draw(ended))):
        workspace.show_page(ContestPage((running, ended), chosen, sample_board(now, True),
                                        sample_entries(now), draw, 3))
        assert not untranslated(workspace), "\n".join(untranslated(workspace))
        for model in (workspace.board_model, workspace.entries_model):
            assert all(OPEN in header for header in model.headers), model.headers
        whys = [row[-1] for row in workspace.entries_model.rows]
        assert all(OPEN in why for why in whys), whys
    entries = RepEntries(quiet, running, "alex", "Alex", clock, workspace)
    entries.show_entries(sample_entries(now))
    editor = ContestEditor(quiet, clock, workspace, running)
    tv = TvBoard(quiet, running.id, clock)
    qtbot.addWidget(tv)
    tv.show_board((running, sample_board(now, True)))
    for dialog in (entries, editor, tv):
        missing = untranslated(dialog, frozenset({running.team}))
        assert not missing, "\n".join(missing)
