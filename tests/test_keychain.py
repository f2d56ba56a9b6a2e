"""The sign-in token: in a secure keychain, or in memory for the run; never on disk or shown.

Only the OS keychain is stood in for, by small keyring backends defined here; keyring's
own null and fail backends are used as they are.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path

import keyring
import keyring.core
import pytest
from helpers.keychain_backends import MemoryKeychain, not_registered
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import KeyringError, PasswordSetError

from desktop.keychain import StoreOutcome, TokenVault, is_secure, trusted_backend
from desktop.paths import DATA_DIR_ENV, AppPaths

URL = "https://debrief.example.com/"
REP = "ana.rep"


@not_registered
class ForgetfulKeychain(MemoryKeychain):
    """Claims to be secure, accepts every write and keeps nothing."""

    def set_password(self, service, username, password):
        pass


@not_registered
class BrokenKeychain(MemoryKeychain):
    """Fails at everything, and careless enough to put the secret into its errors."""

    def set_password(self, service, username, password):
        raise PasswordSetError(f"could not save {password!r} for {username}")

    def get_password(self, service, username):
        raise KeyringError("the collection is locked")

    def delete_password(self, service, username):
        raise KeyringError("the collection is locked")


@not_registered
class NoDBusKeychain(MemoryKeychain):
    """Fails the way a headless Linux does: not with a KeyringError."""

    def set_password(self, service, username, password):
        raise OSError("org.freedesktop.DBus.Error.NotSupported: no session bus")


@not_registered
class LyingKeychain(MemoryKeychain):
    """Stores the token, then gives back something else."""

    def get_password(self, service, username):
        kept = super().get_password(service, username)
        return None if kept is None else kept[::-1]


@not_registered
class LowPriorityKeychain(MemoryKeychain):
    """What keyring calls viable but not recommended."""

    priority = 0.5


@not_registered
class UnavailableKeychain(MemoryKeychain):
    """A backend whose priority says it cannot work here, as SecretService's does."""

    @property
    def priority(self):
        raise RuntimeError("The Secret Service daemon is neither running nor activatable")


@not_registered
class FileLookingKeychain(MemoryKeychain):
    """Secure by priority, but from a package that keeps secrets in files."""

    __module__ = "keyrings.alt.file"


@not_registered
class FixedChainer(chainer.ChainerBackend):
    """keyring's chainer over a given list instead of every backend on this machine."""

    def __init__(self, *chained: KeyringBackend):
        super().__init__()
        self._chained = list(chained)

    @property
    def backends(self):
        return self._chained


def _plaintext_file_backends() -> list[Callable[[], KeyringBackend]]:
    """keyrings.alt's file backends if it is installed; it is not a dependency."""
    try:
        from keyrings.alt.file import EncryptedKeyring, PlaintextKeyring
    except ImportError:
        return []
    return [PlaintextKeyring, EncryptedKeyring]


UNTRUSTED: list[Callable[[], KeyringBackend]] = [
    null.Keyring,
    fail.Keyring,
    ForgetfulKeychain,
    BrokenKeychain,
    NoDBusKeychain,
    LyingKeychain,
    LowPriorityKeychain,
    UnavailableKeychain,
    FileLookingKeychain,
    lambda: FixedChainer(null.Keyring(), LowPriorityKeychain(), FileLookingKeychain()),
    lambda: FixedChainer(),
    *_plaintext_file_backends(),
]


def _name(make: Callable[[], KeyringBackend]) -> str:
    backend = make()
    chained = getattr(backend, "_chained", None)
    if chained is not None:
        return "chainer(" + ",".join(type(each).__name__ for each in chained) + ")"
    return f"{type(backend).__module__}.{type(backend).__name__}"


@pytest.fixture
def token() -> str:
    return secrets.token_urlsafe(32)


@pytest.fixture
def disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Home, the XDG folders, the app's data dir and the working dir, all under tmp_path."""
    home = tmp_path / "home"
    folders = {
        "HOME": home, "USERPROFILE": home, "APPDATA": home / "AppData" / "Roaming",
        "LOCALAPPDATA": home / "AppData" / "Local",
        "XDG_DATA_HOME": home / ".local" / "share", "XDG_CONFIG_HOME": home / ".config",
        "XDG_CACHE_HOME": home / ".cache", "XDG_STATE_HOME": home / ".local" / "state",
        DATA_DIR_ENV: tmp_path / "debrief-data",
    }
    for variable, folder in folders.items():
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(variable, str(folder))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert AppPaths.resolve().data_dir == folders[DATA_DIR_ENV].resolve()
    return [home, folders[DATA_DIR_ENV], work]


def _files_holding(secret: str, roots: Iterable[Path]) -> list[Path]:
    needles = (secret.encode("utf-8"), secret.encode("utf-16-le"))
    return [path for root in roots for path in root.rglob("*")
            if path.is_file() and any(needle in path.read_bytes() for needle in needles)]


def _assert_not_shown(secret: str, vault: TokenVault, outcome: StoreOutcome,
                      caplog: pytest.LogCaptureFixture) -> None:
    for shown in (repr(vault), str(vault), repr(vars(vault)), repr(outcome), str(outcome),
                  vault.describe().text, outcome.reason.text if outcome.reason else ""):
        assert secret not in shown
    assert secret not in caplog.text
    for record in caplog.records:
        assert secret not in record.getMessage()
        assert secret not in repr(record.args)


def test_the_disk_scan_finds_a_token_that_is_there(disk, token):
    (disk[0] / ".config" / "leak.cfg").write_text(f"[debrief]\ntoken = {token}\n")
    (disk[1] / "leak.txt").write_bytes(token.encode("utf-16-le"))

    assert len(_files_holding(token, disk)) == 2


def test_a_secure_keychain_remembers_the_token(disk, token, caplog):
    caplog.set_level(logging.DEBUG)
    backend = MemoryKeychain()
    vault = TokenVault(backend)

    outcome = vault.store(URL, REP, token)

    assert outcome == StoreOutcome(remembered=True, reason=None)
    assert vault.remembers
    assert vault.backend_name == "helpers.keychain_backends.MemoryKeychain"
    [(service, username)] = backend.entries
    assert URL.rstrip("/") in service and username == REP
    assert backend.entries[(service, username)] == token
    restarted = TokenVault(backend)  # the next start of Debrief, same OS keychain
    assert restarted.load(URL, REP) == token
    assert restarted.load(URL.rstrip("/"), REP) == token
    assert restarted.load(URL, "someone.else") is None
    assert restarted.load("https://other.example.com", REP) is None
    assert _files_holding(token, disk) == []
    _assert_not_shown(token, vault, outcome, caplog)


@pytest.mark.parametrize("make_backend", UNTRUSTED, ids=_name)
def test_without_a_secure_keychain_the_token_lasts_this_run_only(make_backend, disk, token,
                                                                caplog):
    caplog.set_level(logging.DEBUG)
    backend = make_backend()
    vault = TokenVault(backend)

    outcome = vault.store(URL, REP, token)

    assert outcome.remembered is False
    assert outcome.reason is not None
    assert "will not be remembered after Debrief closes" in outcome.reason.text
    assert vault.load(URL, REP) == token, "kept in memory for this run"
    assert TokenVault(backend).load(URL, REP) is None, "not there at the next start"
    for kept in [backend, *getattr(backend, "_chained", [])]:
        assert getattr(kept, "entries", {}) == {}, f"left in {type(kept).__name__}"
    assert _files_holding(token, disk) == []
    _assert_not_shown(token, vault, outcome, caplog)


@pytest.mark.parametrize("make_backend", [null.Keyring, fail.Keyring, LowPriorityKeychain,
                                          UnavailableKeychain, FileLookingKeychain],
                         ids=_name)
def test_a_backend_that_is_not_secure_is_never_written_to(make_backend, token):
    backend = make_backend()
    vault = TokenVault(backend)

    outcome = vault.store(URL, REP, token)

    assert not is_secure(backend)
    assert not vault.remembers
    assert outcome.reason is not None
    assert "no secure keychain" in outcome.reason.text
    assert vault.backend_name == f"{type(backend).__module__}.{type(backend).__name__}"
    assert "no secure keychain" in vault.describe().text


def test_a_failing_keychain_is_logged_without_the_token(token, caplog):
    caplog.set_level(logging.DEBUG)
    vault = TokenVault(BrokenKeychain())

    outcome = vault.store(URL, REP, token)

    assert "could not save it" in outcome.reason.text
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "PasswordSetError" in warning.getMessage()
    assert "[token]" in warning.getMessage()  # the backend's message, with the token cut out
    assert token not in caplog.text


def test_a_keychain_that_gives_back_something_else_is_not_trusted(token):
    backend = LyingKeychain()

    outcome = TokenVault(backend).store(URL, REP, token)

    assert not outcome.remembered
    assert "did not keep it" in outcome.reason.text
    assert backend.entries == {}, "what the keychain garbled is removed"


def test_the_chainer_writes_only_to_a_secure_backend_it_chains(disk, token, caplog):
    caplog.set_level(logging.DEBUG)
    in_files, secure = FileLookingKeychain(), MemoryKeychain()
    backend = FixedChainer(in_files, LowPriorityKeychain(), secure)
    vault = TokenVault(backend)

    outcome = vault.store(URL, REP, token)

    assert outcome.remembered
    assert trusted_backend(backend) is secure
    assert vault.backend_name.endswith(".MemoryKeychain")
    assert list(secure.entries.values()) == [token]
    assert in_files.entries == {}
    assert _files_holding(token, disk) == []
    _assert_not_shown(token, vault, outcome, caplog)


def test_forget_removes_the_token_from_memory_and_the_keychain(token):
    backend = MemoryKeychain()
    vault = TokenVault(backend)
    vault.store(URL, REP, token)

    vault.forget(URL, REP)

    assert backend.entries == {}
    assert vault.load(URL, REP) is None
    assert TokenVault(backend).load(URL, REP) is None


def test_forget_what_was_never_stored_is_quiet(caplog):
    caplog.set_level(logging.DEBUG)
    vault = TokenVault(MemoryKeychain())

    vault.forget(URL, REP)

    assert vault.load(URL, REP) is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("make_backend", [BrokenKeychain, null.Keyring, fail.Keyring],
                         ids=_name)
def test_forget_with_a_failing_or_missing_keychain_still_forgets_this_run(make_backend, token,
                                                                         caplog):
    caplog.set_level(logging.DEBUG)
    vault = TokenVault(make_backend())
    vault.store(URL, REP, token)

    vault.forget(URL, REP)

    assert vault.load(URL, REP) is None
    assert token not in caplog.text


def test_a_keychain_that_cannot_be_read_at_start_gives_no_token(caplog):
    caplog.set_level(logging.DEBUG)

    assert TokenVault(BrokenKeychain()).load(URL, REP) is None
    assert "KeyringError" in caplog.text


@pytest.mark.parametrize(("url", "user", "secret"), [
    ("", REP, "a-token"), ("  ", REP, "a-token"), (URL, "", "a-token"), (URL, REP, ""),
    (URL, REP, None),
])
def test_bad_arguments_are_refused_without_showing_the_token(url, user, secret):
    backend = MemoryKeychain()

    with pytest.raises(ValueError) as raised:
        TokenVault(backend).store(url, user, secret)

    assert "a-token" not in str(raised.value) and "a-token" not in repr(raised.value)
    assert backend.entries == {}


def test_the_default_backend_is_keyrings_active_one_looked_up_at_first_use(monkeypatch, token):
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)  # restored after the test
    vault = TokenVault()
    backend = MemoryKeychain()
    keyring.set_keyring(backend)  # only now: the vault must not have looked at import or init

    assert vault.store(URL, REP, token).remembered
    assert list(backend.entries.values()) == [token]


def test_keyring_configured_with_its_null_backend_is_not_trusted(monkeypatch, disk, token):
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    vault = TokenVault()

    outcome = vault.store(URL, REP, token)

    assert not outcome.remembered
    assert vault.backend_name == "keyring.backends.null.Keyring"
    assert _files_holding(token, disk) == []


def test_keyring_that_cannot_load_any_backend_is_not_trusted(monkeypatch, disk, token, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "no_such_package.Keyring")
    vault = TokenVault()

    outcome = vault.store(URL, REP, token)

    assert not outcome.remembered
    assert vault.backend_name == "none"
    assert vault.load(URL, REP) == token
    assert _files_holding(token, disk) == []
    _assert_not_shown(token, vault, outcome, caplog)


def test_no_test_backend_is_offered_to_keyrings_own_detection():
    offered = set(KeyringBackend.get_viable_backends())

    assert not offered & {MemoryKeychain, ForgetfulKeychain, BrokenKeychain, NoDBusKeychain,
                          LyingKeychain, LowPriorityKeychain, UnavailableKeychain,
                          FileLookingKeychain, FixedChainer}


def test_an_upgrade_finds_the_token_where_earlier_versions_put_it(token):
    """The keychain entry's name is part of every installed version's data: a new
    bundle that named it differently would sign every rep out on upgrade."""
    keychain = MemoryKeychain()
    # Exactly as version 0.1.0 wrote it: service "Debrief sign-in: <URL without a
    # trailing slash>", account the username as typed.
    keychain.set_password("Debrief sign-in: https://debrief.example.com", "anna", token)

    vault = TokenVault(keychain)

    assert vault.load("https://debrief.example.com/", "anna") == token
    assert vault.load("https://debrief.example.com", "anna") == token
    vault.forget("https://debrief.example.com", "anna")
    assert keychain.entries == {}
