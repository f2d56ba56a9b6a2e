"""Settings -> "Connect to your team's server", against a real central store on loopback:
the token goes to the keychain and nowhere else; each failure is named next to its field
and nothing typed is lost; a keychain that cannot keep it is said so; sign-out forgets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from helpers.sync_window import (
    PASSWORD,
    files_holding,
    free_port,
    new_debriefs,
    server_rows,
    sync_world,
    wait_for_status,
)
from keyring.backends import null
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

from desktop.keychain import TokenVault
from desktop.store.database import connect, prepare
from desktop.store.server_settings import load_connection
from sync.client.central_store import CentralStore
from sync.client.status import StatusKind
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION


def open_dialog_from_the_menu(window):
    settings = next(a for a in window.menuBar().actions() if a.text() == "&Settings")
    connect_action = next(a for a in settings.menu().actions() if "Connect" in a.text())
    connect_action.trigger()
    dialog = window.sync.connect_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def fill_and_connect(qtbot, dialog, url: str, username: str, password: str) -> None:
    for line, text in ((dialog.url, url), (dialog.username, username),
                       (dialog.password, password)):
        line.clear()
        qtbot.keyClicks(line, text)
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert dialog.busy
    qtbot.waitUntil(lambda: not dialog.busy, timeout=15_000)


def shown_errors(dialog) -> dict[str, str]:
    return {slot: label.text() for slot, label in dialog.errors.items()
            if not label.isHidden()}


@pytest.fixture
def file_pickers() -> Iterator[list[str]]:
    """The titles of the file pickers that opened; each is closed at once, so that a
    picker opened by mistake fails the test instead of waiting for a click forever."""
    opened: list[str] = []

    def close_pickers() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QFileDialog) and widget.isVisible():
                opened.append(widget.windowTitle())
                widget.reject()

    watch = QTimer()
    watch.timeout.connect(close_pickers)
    watch.start(20)
    yield opened
    watch.stop()


def type_the_sign_in(qtbot, keyboard, dialog, url: str, username: str) -> None:
    """Type the address, username and password as a rep does, Tab between them."""
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.url, timeout=3000)
    keyboard.type(url)
    keyboard.press(Qt.Key.Key_Tab)
    keyboard.type(username)
    keyboard.press(Qt.Key.Key_Tab)
    keyboard.type(PASSWORD)
    assert QApplication.focusWidget() is dialog.password


def saved_connection(data_paths):
    conn = connect(data_paths.database)
    try:
        return load_connection(conn)
    finally:
        conn.close()


def test_connecting_keeps_the_token_in_the_keychain_only_and_syncs(
        qtbot, open_synced_window, central, rep, keychain, data_paths):
    window = open_synced_window()
    dialog = open_dialog_from_the_menu(window)

    fill_and_connect(qtbot, dialog, central.base_url, rep, PASSWORD)

    assert not dialog.isVisible()
    token = keychain.token(central.base_url, rep)
    assert token
    assert files_holding(data_paths.data_dir, token) == []
    assert saved_connection(data_paths).url == central.base_url
    wait_for_status(qtbot, window, StatusKind.UP_TO_DATE)
    assert window.sync.area.note.isHidden()  # remembered: nothing to warn about
    assert window.sync.sign_out_action.isEnabled()


def test_enter_in_the_password_field_signs_in_and_never_opens_the_file_picker(
        qtbot, open_synced_window, central, rep, keyboard, keychain, file_pickers):
    window = open_synced_window()
    dialog = open_dialog_from_the_menu(window)
    type_the_sign_in(qtbot, keyboard, dialog, central.base_url, rep)

    keyboard.press(Qt.Key.Key_Return)

    assert dialog.busy and dialog.message.text() == "Signing in\u2026"
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15_000)
    assert keychain.token(central.base_url, rep)
    assert file_pickers == []


def test_enter_in_the_address_field_signs_in_after_tabbing_past_the_file_button(
        qtbot, open_synced_window, central, rep, keyboard, keychain, file_pickers):
    window = open_synced_window()
    dialog = open_dialog_from_the_menu(window)
    type_the_sign_in(qtbot, keyboard, dialog, central.base_url, rep)
    keyboard.press(Qt.Key.Key_Tab)  # the certificate file
    keyboard.press(Qt.Key.Key_Tab)  # its "Choose…" button
    assert QApplication.focusWidget() is dialog.browse
    for _ in range(4):
        keyboard.press(Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is dialog.url

    keyboard.press(Qt.Key.Key_Enter)  # the keypad's Enter

    assert dialog.busy
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15_000)
    assert keychain.token(central.base_url, rep)
    assert file_pickers == []


def test_a_wrong_password_is_named_next_to_the_password_and_keeps_what_was_typed(
        qtbot, open_synced_window, central, rep, keychain, data_paths):
    window = open_synced_window()
    dialog = window.sync.show_connect_dialog()

    fill_and_connect(qtbot, dialog, central.base_url, rep, "not the password")

    assert dialog.isVisible()
    errors = shown_errors(dialog)
    assert list(errors) == ["password"]
    assert "username or password is not right" in errors["password"]
    assert (dialog.url.text(), dialog.username.text(), dialog.password.text()) == (
        central.base_url, rep, "not the password")
    assert keychain.entries == {}
    assert saved_connection(data_paths) is None
    assert window.sync.area.status.kind is StatusKind.NOT_CONNECTED


def test_a_wrong_address_is_named_next_to_the_address(qtbot, open_synced_window, central,
                                                      rep, keychain):
    window = open_synced_window()
    dialog = window.sync.show_connect_dialog()

    for url, says in ((f"{central.base_url}/not-debrief", "is not a Debrief server"),
                      ("ftp://debrief.example.com", "is not a Debrief server"),
                      ("http://debrief.example.com", "not encrypted")):
        fill_and_connect(qtbot, dialog, url, rep, PASSWORD)
        errors = shown_errors(dialog)
        assert list(errors) == ["url"], url
        assert says in errors["url"]
        assert (dialog.url.text(), dialog.password.text()) == (url, PASSWORD)
    assert keychain.entries == {}


def test_a_server_that_is_down_is_named_next_to_the_address(qtbot, open_synced_window, rep):
    window = open_synced_window()
    dialog = window.sync.show_connect_dialog()
    nobody_there = f"http://127.0.0.1:{free_port()}"

    fill_and_connect(qtbot, dialog, nobody_there, rep, PASSWORD)

    errors = shown_errors(dialog)
    assert list(errors) == ["url"]
    assert errors["url"].startswith(f"No answer from {nobody_there}")
    assert dialog.password.text() == PASSWORD


def test_too_many_failed_sign_ins_say_how_long_to_wait(qtbot, open_synced_window, central,
                                                      rep):
    window = open_synced_window()
    dialog = window.sync.show_connect_dialog()

    for _ in range(6):  # the central store allows 5 failures per account
        fill_and_connect(qtbot, dialog, central.base_url, rep, "guess")

    errors = shown_errors(dialog)
    assert list(errors) == ["password"]
    assert "Too many failed sign-ins" in errors["password"]
    assert "seconds" in errors["password"]


def test_an_app_too_old_for_the_server_is_told_to_update(qtbot, open_synced_window, central,
                                                         rep):
    def too_old(url, ca_bundle):
        return CentralStore(url, ca_bundle=ca_bundle, protocol_version=0)

    window = open_synced_window(make_central=too_old)
    dialog = window.sync.show_connect_dialog()

    fill_and_connect(qtbot, dialog, central.base_url, rep, PASSWORD)

    errors = shown_errors(dialog)
    assert list(errors) == ["general"]
    assert "too old" in errors["general"]


def test_a_missing_certificate_file_is_named_next_to_it(qtbot, open_synced_window, central,
                                                       rep, tmp_path):
    window = open_synced_window()
    dialog = window.sync.show_connect_dialog()
    qtbot.keyClicks(dialog.ca_bundle, str(tmp_path / "nowhere.pem"))

    fill_and_connect(qtbot, dialog, central.base_url, rep, PASSWORD)

    assert list(shown_errors(dialog)) == ["ca_bundle"]


def test_without_a_secure_keychain_the_rep_is_told_and_the_run_still_syncs(
        qtbot, open_synced_window, central, rep, data_paths):
    window = open_synced_window(vault=TokenVault(null.Keyring()))
    dialog = window.sync.show_connect_dialog()

    fill_and_connect(qtbot, dialog, central.base_url, rep, PASSWORD)

    assert dialog.isVisible()  # it stays open to say so
    assert "will not be remembered" in dialog.message.text()
    assert dialog.password.text() == ""
    assert not window.sync.area.note.isHidden()
    assert "will not be remembered" in window.sync.area.note.toolTip()
    wait_for_status(qtbot, window, StatusKind.UP_TO_DATE)
    disk = [path for path in data_paths.data_dir.rglob("*") if path.is_file()]
    assert disk and all(b"Bearer" not in path.read_bytes() for path in disk)


def test_sign_out_forgets_the_token_here_and_on_the_server(qtbot, open_synced_window,
                                                           central, rep, keychain,
                                                           data_paths):
    window = open_synced_window()
    dialog = window.sync.show_connect_dialog()
    fill_and_connect(qtbot, dialog, central.base_url, rep, PASSWORD)
    wait_for_status(qtbot, window, StatusKind.UP_TO_DATE)
    token = keychain.token(central.base_url, rep)

    window.sync.sign_out_action.trigger()

    qtbot.waitUntil(lambda: window.sync.area.status.kind is StatusKind.NOT_CONNECTED,
                    timeout=10_000)
    assert keychain.entries == {}
    assert saved_connection(data_paths) is None
    assert not window.sync.sign_out_action.isEnabled()
    me = requests.get(f"{central.base_url}/api/v1/auth/me", timeout=10, headers={
        "Authorization": f"Bearer {token}", PROTOCOL_HEADER: str(PROTOCOL_VERSION)})
    assert me.status_code == 401


def test_empty_fields_are_named_before_anything_is_sent(qtbot, open_synced_window):
    window = open_synced_window()
    dialog = window.sync.show_connect_dialog()

    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)

    assert not dialog.busy
    assert set(shown_errors(dialog)) == {"url", "username", "password"}
    assert window.services.sync._thread is None  # nothing went to the sync worker
    assert all(isinstance(label, QLabel) for label in dialog.errors.values())


@pytest.mark.parametrize(("role", "pushes"), [("marketing", False), ("admin", False),
                                              ("rep", True)])
def test_only_reps_and_managers_push_and_other_accounts_are_told_so_calmly(
        qtbot, open_synced_window, central, central_db, data_paths, clock, keyboard,
        role, pushes):
    username = sync_world.new_account(central_db, role)
    prepare(data_paths.database, clock)
    waiting = new_debriefs(data_paths.database, clock, "rep-1", 2)
    sent: list[tuple[str, str]] = []  # every request the app makes, as (method, path)

    def recording(url, ca_bundle):
        return CentralStore(url, ca_bundle=ca_bundle,
                            session=sync_world.RecordingSession(sent))

    window = open_synced_window(make_central=recording)
    said: list[str] = []
    window.services.sync.status_changed.connect(
        lambda status: said.append(window.sync.area.summary.text()))
    dialog = open_dialog_from_the_menu(window)
    type_the_sign_in(qtbot, keyboard, dialog, central.base_url, username)
    keyboard.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15_000)
    ends = StatusKind.UP_TO_DATE if pushes else StatusKind.LISTS_ONLY
    wait_for_status(qtbot, window, ends)
    runs = len(said)

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=3000)
    keyboard.press(Qt.Key.Key_F5)  # Sync now

    qtbot.waitUntil(lambda: len(said) >= runs + 2, timeout=15_000)  # syncing, then the end
    wait_for_status(qtbot, window, ends)
    assert saved_connection(data_paths).role == role
    assert not [text for text in said if "Sync stopped" in text]
    stored = server_rows(central_db, [d.id for d in waiting])
    if pushes:
        assert ("POST", "/api/v1/sync/push") in sent
        assert set(stored) == {d.id for d in waiting}
        return
    assert said[-1] == f"Signed in as {role}: debriefs are not synced from this account"
    assert "does not sync debriefs" in window.sync.area.summary.toolTip()
    assert ("POST", "/api/v1/sync/push") not in sent
    assert ("GET", "/api/v1/sync/debriefs") not in sent
    assert ("GET", "/api/v1/sync/config") in sent  # the team's lists still come
    assert stored == {}
    assert window.sync.area.status.waiting == 0
