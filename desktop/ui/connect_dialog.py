"""Settings -> "Connect to your team's server": address, username, password, and an
optional certificate file. The sign-in runs on the sync worker; the dialog stays usable,
and each failure is named next to the field it concerns, with what was typed kept.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.store.errors import StoreError
from desktop.store.server_settings import ServerConnection
from desktop.ui.field_errors import add_field_row, with_error_line
from desktop.ui.server_connection import Connected, SignInRequest
from desktop.ui.text import message_text, tr
from sync.client.problems import ProblemKind, SyncProblem

FIELDS = ("url", "username", "password", "ca_bundle", "general")


def failure(error: BaseException, url: str) -> tuple[str, str]:
    """(the field a failed sign-in concerns, what to tell the rep) for any error."""
    if isinstance(error, SyncProblem):
        kind = error.kind
        if kind is ProblemKind.SIGN_IN:
            return "password", tr("The username or password is not right. Check both and "
                                  "try again.")
        if kind is ProblemKind.THROTTLED and error.status == 429:
            return "password", tr("Too many failed sign-ins for this account: wait {seconds} "
                                  "seconds, then try again.").format(
                seconds=math.ceil(error.retry_after or 60))
        if kind in (ProblemKind.OFFLINE, ProblemKind.THROTTLED):
            return "url", tr("No answer from {url}: check the address and your network, or "
                             "try again later.").format(url=url)
        if kind in (ProblemKind.WRONG_ADDRESS, ProblemKind.UPDATE_SERVER):
            return "url", message_text(error.message)
        if kind is ProblemKind.CERTIFICATE:
            return "ca_bundle", message_text(error.message)
        return "general", message_text(error.message)  # update the app, refused
    if isinstance(error, StoreError):
        return "general", tr("Signed in, but Debrief could not keep the server's address: "
                             "{reason}").format(reason=message_text(error.message))
    return "general", tr("Signing in failed because of a bug in Debrief: see the report.")


def typed_address(text: str) -> str:
    """An address as typed; without a scheme it is taken to be https."""
    text = text.strip()
    return text if not text or "://" in text else f"https://{text}"


class ConnectDialog(QDialog):
    """Sign in to the team's server. `connect_requested` carries what was typed."""

    connect_requested = Signal(object)  # SignInRequest

    def __init__(self, connection: ServerConnection | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("connectDialog")
        self.setWindowTitle(tr("Connect to your team's server"))
        self.setMinimumWidth(520)
        self.busy = False
        self.errors: dict[str, QLabel] = {}
        self.url = QLineEdit(connection.url if connection else "")
        self.url.setObjectName("serverUrl")
        self.url.setPlaceholderText("https://debrief.example.com")
        self.username = QLineEdit(connection.username if connection else "")
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.ca_bundle = QLineEdit((connection.ca_bundle or "") if connection else "")
        self.ca_bundle.setObjectName("caBundle")
        self.ca_bundle.setPlaceholderText(tr("Only if your admin gave you one"))
        self.browse = QPushButton(tr("Choose\u2026"))
        # Enter signs in wherever it is pressed: this button never takes it (a push
        # button in a dialog would, once focused, or shown first without a default).
        self.browse.setAutoDefault(False)
        self.message = QLabel()
        self.message.setObjectName("connectMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        # Made inside the dialog, so that the dialog knows its default button.
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.connect_button = self.buttons.addButton(tr("&Connect"),
                                                     QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_button.setObjectName("connectButton")
        self.connect_button.setDefault(True)
        self._build_layout()
        self.buttons.accepted.connect(self.on_connect_clicked)
        self.buttons.rejected.connect(self.reject)
        self.browse.clicked.connect(self.on_browse_clicked)
        (self.password if connection else self.url).setFocus()

    def _build_layout(self) -> None:
        intro = QLabel(tr("Your debriefs go to your team's server in the background, and "
                          "your reason lists and contest come from it. Your admin gives "
                          "you its address and your account."))
        intro.setWordWrap(True)
        form = QFormLayout()
        add_field_row(form, tr("Server &address"), self._with_error("url", self.url), self.url)
        add_field_row(form, tr("&Username"), self._with_error("username", self.username),
                      self.username)
        add_field_row(form, tr("&Password"), self._with_error("password", self.password),
                      self.password)
        add_field_row(form, tr("Certificate &file"),
                      self._with_error("ca_bundle", self.ca_bundle, self.browse), self.ca_bundle)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self._with_error("general"))
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _with_error(self, slot: str, *widgets: QWidget) -> QWidget:
        return with_error_line(self.errors, slot, *widgets)

    def request(self) -> SignInRequest:
        return SignInRequest(url=typed_address(self.url.text()),
                             username=self.username.text().strip(),
                             password=self.password.text(),
                             ca_bundle=self.ca_bundle.text().strip() or None)

    def show_errors(self, errors: dict[str, str]) -> None:
        for slot, label in self.errors.items():
            label.setText(errors.get(slot, ""))
            label.setVisible(slot in errors)

    def on_connect_clicked(self) -> None:
        if self.busy:
            return
        request = self.request()
        errors: dict[str, str] = {}
        if not request.url:
            errors["url"] = tr("Type your team's server address, e.g. "
                               "https://debrief.example.com")
        if not request.username:
            errors["username"] = tr("Type your username.")
        if not request.password:
            errors["password"] = tr("Type your password.")
        self.show_errors(errors)
        if errors:
            self._focus(next(iter(errors)))
            return
        self._set_busy(True)
        self.message.setText(tr("Signing in\u2026"))
        self.message.show()
        self.connect_requested.emit(request)

    def show_failure(self, error: BaseException) -> None:
        """Name what went wrong next to its field; everything typed stays."""
        self._set_busy(False)
        self.message.hide()
        slot, text = failure(error, typed_address(self.url.text()))
        self.show_errors({slot: text})
        self._focus(slot)

    def show_connected(self, connected: Connected) -> None:
        """Close, or, when the sign-in will not be remembered, say so first."""
        self._set_busy(False)
        self.password.clear()
        self.show_errors({})
        if connected.remembered:
            self.accept()
            return
        self.message.setText(tr("Connected as {user}. {reason}").format(
            user=connected.connection.username,
            reason=message_text(connected.reason) if connected.reason else ""))
        self.message.show()
        self.connect_button.hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Close"))

    def on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("The certificate file from your admin"),
                                              self.ca_bundle.text(),
                                              tr("Certificates (*.pem *.crt *.cer);;"
                                                 "All files (*)"))
        if path:
            self.ca_bundle.setText(path)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.connect_button.setEnabled(not busy)
        for line in (self.url, self.username, self.password, self.ca_bundle):
            line.setReadOnly(busy)
        self.browse.setEnabled(not busy)

    def _focus(self, slot: str) -> None:
        widget = {"url": self.url, "username": self.username, "password": self.password,
                  "ca_bundle": self.ca_bundle}.get(slot)
        if widget is not None:
            widget.setFocus()
            widget.selectAll()
