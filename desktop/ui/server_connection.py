"""Signing in to the team's server and keeping what it gives: the token in the keychain,
the address and username in the local store. No Qt: it runs on the sync worker's thread
(the connect dialog) or before the window opens (`debrief --connect`).

`requests` and the sync client are imported when a sign-in happens, not when the app
starts, so that the cold start does not pay for them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.store.debriefs import DebriefStore
from desktop.store.server_settings import ServerConnection, save_connection
from sync.domain.text import N_, Message

if TYPE_CHECKING:
    from desktop.keychain import TokenVault
    from sync.client.central_store import CentralStore

# Makes the client for a server address and an optional CA bundle (tests hand in theirs).
CentralFactory = Callable[[str, Path | None], "CentralStore"]


@dataclass(frozen=True)
class SignInRequest:
    """What the rep typed. The password is never shown in a repr or a log."""

    url: str
    username: str
    password: str = field(repr=False)
    ca_bundle: str | None = None


@dataclass(frozen=True)
class Connected:
    """A sign-in that worked. Holds no token."""

    connection: ServerConnection
    role: str
    remembered: bool  # False: the token is kept for this run only
    reason: Message | None = None  # why it will not be remembered, for the rep


def default_central(url: str, ca_bundle: Path | None) -> CentralStore:
    from sync.client.central_store import CentralStore

    return CentralStore(url, ca_bundle=ca_bundle)


def default_vault() -> TokenVault:
    from desktop.keychain import TokenVault

    return TokenVault()


def missing_certificate_file(path: str) -> Exception:
    """A SyncProblem for a CA bundle that is not a readable file (made lazily)."""
    from sync.client.problems import ProblemKind, SyncProblem

    return SyncProblem(ProblemKind.CERTIFICATE, Message(N_(
        "The certificate file {path} cannot be found: choose the file your admin gave "
        "you, or leave it empty."), {"path": path}), detail="no such CA bundle file")


def sign_in(request: SignInRequest, store: DebriefStore, vault: TokenVault,
            make_central: CentralFactory | None = None) -> tuple[Connected, CentralStore]:
    """Sign in, keep the token in `vault`, remember the server in `store`.

    Raises SyncProblem (a wrong address, no answer, a wrong password, ...) with nothing
    kept. Returns what happened and the client, signed in, for the sync engine to use.
    """
    from sync.client.central_store import server_address

    url = server_address(request.url)
    ca_bundle = (request.ca_bundle or "").strip() or None
    if ca_bundle is not None and not Path(ca_bundle).is_file():
        raise missing_certificate_file(ca_bundle)
    central = (make_central or default_central)(url, Path(ca_bundle) if ca_bundle else None)
    try:
        signed = central.sign_in(request.username.strip(), request.password)
    except BaseException:
        central.close()
        raise
    connection = ServerConnection(url, signed.username, ca_bundle, signed.role or None)
    try:
        outcome = vault.store(url, signed.username, signed.token)
        save_connection(store, connection)
    except BaseException:  # e.g. the disk is full: keep nothing of a half sign-in
        vault.forget(url, signed.username)
        central.close()
        raise
    return Connected(connection, signed.role, outcome.remembered, outcome.reason), central
