"""The sync status area, against a real central store on loopback: not connected, n
waiting, up to date, offline, needs sign-in after a revoked token, update needed, and
refused debriefs listed with their reasons and opened in the form to be fixed. Its
counts take their plural form from the catalogue, and read right untranslated."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers.sync_window import (
    connect_behind_the_window,
    free_port,
    new_debriefs,
    open_store,
    server_rows,
    status_kind,
    sync_world,
    wait_for_status,
)
from PySide6.QtCore import QLocale, Qt, QTranslator

from desktop.store.database import prepare
from desktop.store.server_settings import ServerConnection, load_connection, save_connection
from desktop.ui import translation_catalogue
from desktop.ui.sync_status import RefusedDebriefs, field_label, status_text
from sync.client.central_store import CentralStore
from sync.client.status import StatusKind, SyncStatus
from sync.domain.debrief import Evidence, Reason
from sync.domain.sync_state import Refusal
from sync.domain.text import Message
from sync.server import accounts


def summary(window) -> str:
    return window.sync.area.summary.text()


def stored_connection(data_paths, clock) -> ServerConnection | None:
    store = open_store(data_paths.database, clock)
    try:
        return load_connection(store.conn)
    finally:
        store.conn.close()


def test_before_any_server_it_says_not_connected_and_sync_now_offers_to_connect(
        qtbot, open_synced_window):
    window = open_synced_window()

    assert window.sync.area.status.kind is StatusKind.NOT_CONNECTED
    assert summary(window) == "Not connected: working locally"
    assert window.services.sync._thread is None  # no sync thread until there is a server

    qtbot.mouseClick(window.sync.area.sync_now, Qt.MouseButton.LeftButton)

    assert window.sync.connect_dialog is not None and window.sync.connect_dialog.isVisible()


def test_at_start_it_counts_the_debriefs_waiting(qtbot, open_synced_window, data_paths, clock,
                                                 central, rep, vault):
    prepare(data_paths.database, clock)
    connect_behind_the_window(data_paths.database, clock, central.base_url, rep, vault)
    new_debriefs(data_paths.database, clock, "rep-1", 3)

    window = open_synced_window(start_delay_ms=600_000)  # no network run in this test

    qtbot.waitUntil(lambda: window.sync.area.status.waiting == 3, timeout=5000)
    assert window.sync.area.status.kind is StatusKind.WAITING
    assert summary(window) == "3 waiting to sync"


def test_a_sync_ends_up_to_date_and_a_save_is_pushed_soon_after(
        qtbot, open_synced_window, data_paths, clock, central, central_db, rep, vault,
        keyboard, settle):
    prepare(data_paths.database, clock)
    connect_behind_the_window(data_paths.database, clock, central.base_url, rep, vault)
    waiting = new_debriefs(data_paths.database, clock, "rep-1", 5)

    window = open_synced_window()
    wait_for_status(qtbot, window, StatusKind.UP_TO_DATE)

    assert summary(window).startswith("Up to date (synced ")
    assert set(server_rows(central_db, [d.id for d in waiting])) == {d.id for d in waiting}

    window.activateWindow()
    keyboard.fill_valid(window.form)
    with qtbot.waitSignal(window.form.saved) as saved:
        keyboard.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(window)
    new_id = saved.args[0].id
    qtbot.waitUntil(lambda: new_id in server_rows(central_db, [new_id]), timeout=10_000)
    wait_for_status(qtbot, window, StatusKind.UP_TO_DATE)


def test_a_server_that_does_not_answer_means_offline_working_locally(
        qtbot, open_synced_window, data_paths, clock, rep, vault):
    prepare(data_paths.database, clock)
    nobody_there = f"http://127.0.0.1:{free_port()}"
    store = open_store(data_paths.database, clock)
    save_connection(store, ServerConnection(nobody_there, rep))
    store.conn.close()
    vault.store(nobody_there, rep, "a-token-from-an-earlier-run")
    new_debriefs(data_paths.database, clock, "rep-1", 2)

    window = open_synced_window()

    wait_for_status(qtbot, window, StatusKind.OFFLINE)
    assert summary(window) == "Offline: working locally, 2 waiting"
    assert "cannot be reached" in window.sync.area.summary.toolTip()


def test_sync_now_with_the_server_down_and_nothing_waiting_says_offline_and_stays_so(
        qtbot, open_synced_window, data_paths, clock, central, rep, vault, keyboard,
        tmp_path):
    # A server of its own, on the session's database, that this test can stop.
    server = sync_world.ServerProcess(central.db_url, tmp_path / "server").start()
    try:
        prepare(data_paths.database, clock)
        connect_behind_the_window(data_paths.database, clock, server.base_url, rep, vault)
        window = open_synced_window()
        wait_for_status(qtbot, window, StatusKind.UP_TO_DATE)
    finally:
        server.stop()
    settled = []  # what each run ended with from here on
    window.services.sync.status_changed.connect(
        lambda status: status.kind is StatusKind.SYNCING or settled.append(
            (status.kind, summary(window))))

    window.activateWindow()
    keyboard.press(Qt.Key.Key_F5)

    # The press's run, and the retry after it, neither with a debrief to send.
    qtbot.waitUntil(lambda: len(settled) >= 2, timeout=20_000)
    assert set(settled) == {(StatusKind.OFFLINE, "Offline: working locally")}
    assert window.sync.area.status.waiting == 0
    assert "cannot be reached" in window.sync.area.summary.toolTip()


def test_a_connection_kept_without_a_role_learns_it_at_the_next_sync(
        qtbot, open_synced_window, data_paths, clock, central, central_db, vault):
    username = sync_world.new_account(central_db, "marketing")
    prepare(data_paths.database, clock)
    # As an earlier Debrief kept it: the server and the username, no role.
    connect_behind_the_window(data_paths.database, clock, central.base_url, username, vault)
    waiting = new_debriefs(data_paths.database, clock, "rep-1", 2)
    assert stored_connection(data_paths, clock).role is None
    said: list[str] = []

    window = open_synced_window()
    window.services.sync.status_changed.connect(lambda status: said.append(summary(window)))

    wait_for_status(qtbot, window, StatusKind.LISTS_ONLY)
    assert summary(window) == ("Signed in as marketing: debriefs are not synced from this "
                               "account")
    assert not [text for text in said if "Sync stopped" in text]
    assert stored_connection(data_paths, clock).role == "marketing"
    assert server_rows(central_db, [d.id for d in waiting]) == {}
    window.close()

    again = open_synced_window(start_delay_ms=600_000)  # no network run: the role is kept

    qtbot.waitUntil(lambda: status_kind(again) is StatusKind.LISTS_ONLY, timeout=5000)


def test_a_revoked_token_asks_to_sign_in_and_signing_in_again_syncs(
        qtbot, open_synced_window, data_paths, clock, central, central_db, rep, vault,
        keychain):
    prepare(data_paths.database, clock)
    connect_behind_the_window(data_paths.database, clock, central.base_url, rep, vault)
    window = open_synced_window()
    wait_for_status(qtbot, window, StatusKind.UP_TO_DATE)
    with central_db.begin() as connection:
        accounts.revoke_user_tokens(connection, rep, datetime.now(UTC))
    new_debriefs(data_paths.database, clock, "rep-1", 1)

    window.sync.sync_now_action.trigger()

    wait_for_status(qtbot, window, StatusKind.NEEDS_SIGN_IN)
    assert summary(window) == "Sign in to sync"
    assert keychain.entries == {}  # the dead token is forgotten

    qtbot.mouseClick(window.sync.area.summary, Qt.MouseButton.LeftButton)
    dialog = window.sync.connect_dialog
    assert dialog.isVisible()
    assert (dialog.url.text(), dialog.username.text()) == (central.base_url, rep)
    qtbot.keyClicks(dialog.password, "correct horse battery")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    wait_for_status(qtbot, window, StatusKind.UP_TO_DATE)
    assert keychain.token(central.base_url, rep)


def test_an_app_too_old_for_the_server_says_update(qtbot, open_synced_window, data_paths,
                                                   clock, central, rep, vault):
    prepare(data_paths.database, clock)
    connect_behind_the_window(data_paths.database, clock, central.base_url, rep, vault)

    def too_old(url, ca_bundle):
        return CentralStore(url, ca_bundle=ca_bundle, protocol_version=0)

    window = open_synced_window(make_central=too_old)

    wait_for_status(qtbot, window, StatusKind.UPDATE_NEEDED)
    assert summary(window) == "Update Debrief to sync"


def test_refused_debriefs_are_listed_with_their_reasons_and_open_in_the_form_to_fix(
        qtbot, open_synced_window, data_paths, clock, central, central_db, rep, vault,
        keyboard, settle):
    prepare(data_paths.database, clock)
    connect_behind_the_window(data_paths.database, clock, central.base_url, rep, vault)
    good = new_debriefs(data_paths.database, clock, "rep-1", 2)
    # Written by a laptop whose reason list had a code the central store does not know.
    [bad] = new_debriefs(data_paths.database, clock, "rep-1", 1, reasons=(
        Reason("price.local_only", None, Evidence.CUSTOMER_SAID, primary=True),))
    window = open_synced_window()

    wait_for_status(qtbot, window, StatusKind.REFUSED)

    assert summary(window) == "The server refused 1 debrief"
    assert set(server_rows(central_db, [d.id for d in [*good, bad]])) == {d.id for d in good}
    qtbot.mouseClick(window.sync.area.summary, Qt.MouseButton.LeftButton)
    dialog = window.sync.refused_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.list.count() == 1
    text = dialog.list.item(0).text()
    assert text.startswith("Lost \u00b7 Evaluation")
    assert "Reason 1: " in text

    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    form = window.form
    assert window.tabs.currentWidget() is form
    assert form.is_editing and form.debrief().id == bad.id
    # Fix it: replace the unknown reason with one from the list, and save.
    form.fields.reason_list.remove(0)
    form.fields.picker.setFocus()
    keyboard.type("pri")
    keyboard.press(Qt.Key.Key_Return)
    with qtbot.waitSignal(form.saved):
        keyboard.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    settle(window)

    qtbot.waitUntil(lambda: bad.id in server_rows(central_db, [bad.id]), timeout=10_000)
    wait_for_status(qtbot, window, StatusKind.UP_TO_DATE)
    assert server_rows(central_db, [bad.id])[bad.id].revision == 2


def test_refusals_written_by_an_earlier_run_show_at_start(
        qtbot, open_synced_window, data_paths, clock, central, rep, vault):
    prepare(data_paths.database, clock)
    connect_behind_the_window(data_paths.database, clock, central.base_url, rep, vault)
    [bad] = new_debriefs(data_paths.database, clock, "rep-1", 1, reasons=(
        Reason("price.local_only", None, Evidence.CUSTOMER_SAID, primary=True),))
    first = open_synced_window()
    wait_for_status(qtbot, first, StatusKind.REFUSED)
    first.close()

    again = open_synced_window(start_delay_ms=600_000)

    qtbot.waitUntil(lambda: again.sync.area.status.kind is StatusKind.REFUSED, timeout=5000)
    assert [r.debrief_id for r in again.sync.area.status.refusals] == [bad.id]


@pytest.mark.parametrize(("field", "label"), [
    ("reasons[2]", "Reason 3"), ("segment.region", "Region"), ("created_at", "Date made"),
    ("updated_at", "Date edited"), ("something_new", "something_new")])
def test_a_refused_field_is_named_in_the_rep_s_words(field, label):
    assert field_label(field) == label


# --- counts, in their plural forms ---------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]


def shown(kind: StatusKind, **numbers: int) -> str:
    return status_text(SyncStatus(kind, Message(""), **numbers))


def more_line(qtbot, refused: int, listed: int) -> str:
    """The refused debriefs' list, `listed` of `refused`: the line under it."""
    refusals = tuple(Refusal(f"id-{i}", 1, ()) for i in range(listed))
    dialog = RefusedDebriefs(SyncStatus(StatusKind.REFUSED, Message(""), refused=refused,
                                        refusals=refusals), lambda debrief_id: debrief_id)
    qtbot.addWidget(dialog)
    return dialog.more.text()


@pytest.fixture
def locale() -> Iterator[None]:
    previous = QLocale()
    yield
    QLocale.setDefault(previous)


@pytest.mark.parametrize("where", [QLocale.c(), QLocale(QLocale.Language.English,
                                                        QLocale.Country.UnitedStates)],
                         ids=["no-locale", "en_US"])
def test_counts_read_right_in_english_untranslated(qtbot, locale, where):
    QLocale.setDefault(where)
    waiting, refused, syncing = StatusKind.WAITING, StatusKind.REFUSED, StatusKind.SYNCING

    assert shown(waiting, waiting=1) == "1 waiting to sync"
    assert shown(waiting, waiting=3) == "3 waiting to sync"
    assert shown(refused, refused=1) == "The server refused 1 debrief"
    assert shown(refused, refused=2) == "The server refused 2 debriefs"
    assert shown(refused, refused=10_000) == "The server refused 10,000 debriefs"
    assert shown(syncing, done=1, total=1) == "Syncing 1 of 1"
    assert shown(syncing, done=312, total=10_000) == "Syncing 312 of 10,000"
    assert shown(syncing, done=5_000, total=10_000) == "Syncing 5,000 of 10,000"
    assert shown(StatusKind.OFFLINE, waiting=1) == "Offline: working locally, 1 waiting"
    assert shown(StatusKind.OFFLINE, waiting=1_200) == "Offline: working locally, 1,200 waiting"
    assert more_line(qtbot, 3, 2) == "And 1 more: fix these first, the others follow."
    assert more_line(qtbot, 1_502, 2) == "And 1,500 more: fix these first, the others follow."


def test_counts_are_grouped_as_the_rep_s_locale_groups_digits(locale):
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))

    assert shown(StatusKind.SYNCING, done=5_000, total=10_000) == "Syncing 5.000 of 10.000"
    assert shown(StatusKind.WAITING, waiting=1_200) == "1.200 waiting to sync"


# A translator's forms for the status area's counts: English (one, other) and Polish
# (one, few, many), the way Qt Linguist asks for them.
FORMS = {
    "en": {
        "%Ln waiting to sync": ["%Ln debrief waiting to sync", "%Ln debriefs waiting to sync"],
        "The server refused %Ln debrief(s)": ["The server refused %Ln debrief",
                                              "The server refused %Ln debriefs"],
        "Syncing {done} of %Ln": ["Syncing {done} of %Ln debrief",
                                  "Syncing {done} of %Ln debriefs"],
        "Offline: working locally, %Ln waiting": [
            "Offline: working locally, %Ln debrief waiting",
            "Offline: working locally, %Ln debriefs waiting"],
        "And %Ln more: fix these first, the others follow.": [
            "And %Ln more debrief: fix these first, it follows.",
            "And %Ln more debriefs: fix these first, they follow."],
    },
    "pl": {
        "%Ln waiting to sync": ["%Ln raport czeka", "%Ln raporty czekają",
                                "%Ln raportów czeka"],
        "The server refused %Ln debrief(s)": ["Serwer odrzucił %Ln raport",
                                              "Serwer odrzucił %Ln raporty",
                                              "Serwer odrzucił %Ln raportów"],
    },
}


@pytest.fixture(scope="module")
def catalogues(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """debrief_<lang>.qm for each language of FORMS, made as `make translations FOR=<lang>`
    makes a catalogue from the sources, its counts' forms filled in."""
    folder = tmp_path_factory.mktemp("translations")
    made = {}
    for language, forms in FORMS.items():
        ts_file = folder / f"debrief_{language}.ts"
        translation_catalogue.update(ts_file, ROOT, language)
        tree = ET.parse(ts_file)
        plurals = {message.findtext("source"): message for message in tree.iter("message")
                   if message.get("numerus") == "yes"}
        assert not set(forms) - set(plurals), "not plural messages: " + ", ".join(
            sorted(set(forms) - set(plurals)))
        for source, texts in forms.items():
            translation = plurals[source].find("translation")
            slots = translation.findall("numerusform")
            assert len(slots) == len(texts), (language, source)
            for slot, text in zip(slots, texts, strict=True):
                slot.text = text
            translation.attrib.pop("type", None)
        tree.write(ts_file, encoding="utf-8", xml_declaration=True)
        made[language] = translation_catalogue.compile_catalogues([ts_file])[0]
    return made


@pytest.fixture
def catalogue(qapp, catalogues) -> Iterator[Callable[[str], None]]:
    installed: list[QTranslator] = []

    def install(language: str) -> None:
        translator = QTranslator()
        assert translator.load(str(catalogues[language]))
        qapp.installTranslator(translator)
        installed.append(translator)

    yield install
    for translator in installed:
        qapp.removeTranslator(translator)


def test_an_english_catalogue_gives_each_count_its_singular_or_plural(qtbot, catalogue,
                                                                     locale):
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    catalogue("en")

    assert shown(StatusKind.WAITING, waiting=1) == "1 debrief waiting to sync"
    assert shown(StatusKind.WAITING, waiting=3) == "3 debriefs waiting to sync"
    assert shown(StatusKind.REFUSED, refused=1) == "The server refused 1 debrief"
    assert shown(StatusKind.REFUSED, refused=2) == "The server refused 2 debriefs"
    assert shown(StatusKind.SYNCING, done=1, total=1) == "Syncing 1 of 1 debrief"
    assert shown(StatusKind.SYNCING, done=312, total=10_000) == (
        "Syncing 312 of 10,000 debriefs")
    assert shown(StatusKind.OFFLINE, waiting=1) == (
        "Offline: working locally, 1 debrief waiting")
    assert more_line(qtbot, 3, 2) == "And 1 more debrief: fix these first, it follows."
    assert more_line(qtbot, 4, 2) == "And 2 more debriefs: fix these first, they follow."


def test_a_language_with_three_plural_forms_gets_the_one_for_each_count(catalogue):
    catalogue("pl")

    assert [shown(StatusKind.WAITING, waiting=n) for n in (1, 3, 5, 22)] == [
        "1 raport czeka", "3 raporty czekają", "5 raportów czeka", "22 raporty czekają"]
    assert [shown(StatusKind.REFUSED, refused=n) for n in (1, 2, 12)] == [
        "Serwer odrzucił 1 raport", "Serwer odrzucił 2 raporty", "Serwer odrzucił 12 raportów"]
