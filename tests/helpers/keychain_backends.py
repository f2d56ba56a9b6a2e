"""Keyring backends for tests: the OS keychain is the one edge we stand in for.

(A module of its own, not conftest.py, so that tests in several folders import it.)
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from desktop.keychain import SERVICE_PREFIX


def not_registered(cls: type[KeyringBackend]) -> type[KeyringBackend]:
    """Keep a test backend out of keyring's registry of every backend class.

    Defining a KeyringBackend subclass registers it, and keyring's own detection would
    then offer it to any later test that uses the default keyring.
    """
    KeyringBackend._classes.discard(cls)
    return cls


@not_registered
class MemoryKeychain(KeyringBackend):
    """Stands in for a real OS keychain: secure, recommended priority, kept in memory."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        try:
            del self.entries[(service, username)]
        except KeyError:
            raise PasswordDeleteError("No such password!") from None

    def token(self, url: str, username: str) -> str | None:
        """The token the vault keeps for `url` and `username`, if any."""
        return self.entries.get((SERVICE_PREFIX + url, username))
