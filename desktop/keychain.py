"""The rep's sign-in token, kept in the OS keychain and nowhere else (RELIABILITY.md, 6).

keyring can silently store nothing (its null backend), fail on a headless Linux (no
D-Bus, no Secret Service) or be set up with a plain-file backend from keyrings.alt. So
a token is written only to a backend that is a real keychain and read back at once; if
any of that fails, it is kept in memory for this run and the rep is told it will not be
remembered. There is never a fallback to a file, and the token never goes into a
message, a log record or a repr.

Calls may block while the OS asks the rep to unlock the keychain: make them from a
worker, not the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import keyring
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null
from keyring.errors import PasswordDeleteError

from sync.domain.text import N_, Message

log = logging.getLogger(__name__)

# keyring's own line between "recommended" backends and the rest (core.recommended).
SECURE_PRIORITY = 1
# Packages whose backends keep secrets in ordinary files, encrypted or not.
FILE_BASED_PACKAGES = ("keyrings.alt", "keyrings.cryptfile")
SERVICE_PREFIX = "Debrief sign-in: "

_NO_KEYCHAIN = N_(
    "Your sign-in will not be remembered after Debrief closes: this computer has no "
    "secure keychain available. You will be asked to sign in again next time.")
_KEYCHAIN_FAILED = N_(
    "Your sign-in will not be remembered after Debrief closes: the keychain could not "
    "save it. You will be asked to sign in again next time.")
_KEYCHAIN_LOST_IT = N_(
    "Your sign-in will not be remembered after Debrief closes: the keychain did not keep "
    "it. You will be asked to sign in again next time.")


@dataclass(frozen=True)
class StoreOutcome:
    """What became of a token handed to `TokenVault.store`. Holds no token."""

    remembered: bool  # True: in the keychain, so still there after Debrief closes
    reason: Message | None = None  # for the rep, when not remembered


class _Secret:
    """A token that does not show itself in a repr, a traceback or a debugger."""

    __slots__ = ("value",)

    def __init__(self, value: str):
        self.value = value

    def __repr__(self) -> str:
        return "<sign-in token hidden>"


class TokenVault:
    """Sign-in tokens keyed by server URL and username: keychain first, else this run only.

    `backend` is for tests; by default keyring's active backend, looked up on first use.
    """

    def __init__(self, backend: KeyringBackend | None = None):
        self._offered = backend
        self._looked_up = False
        self._trusted: KeyringBackend | None = None
        self._session: dict[tuple[str, str], _Secret] = {}
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        offered = "not looked up yet" if self._offered is None else _class_path(self._offered)
        return (f"<TokenVault backend={offered!r} secure={self._trusted is not None} "
                f"tokens_held={len(self._session)}>")

    __str__ = __repr__

    # --- what the app calls ---------------------------------------------------------------

    def store(self, server_url: str, username: str, token: str) -> StoreOutcome:
        """Keep `token` for this run, and in the keychain if there is a secure one."""
        key = _key(server_url, username)
        if not isinstance(token, str) or not token:
            raise ValueError("a sign-in token must be a non-empty string")
        with self._lock:
            self._session[key] = _Secret(token)
            backend = self._backend()
            if backend is None:
                return StoreOutcome(False, Message(_NO_KEYCHAIN))
            try:
                backend.set_password(*key, token)
                read_back = backend.get_password(*key)
            except Exception as exc:  # KeyringError, D-Bus, anything: the run goes on
                log.warning("The keychain %s could not save a sign-in: %s",
                            _class_path(backend), _describe(exc, token))
                _discard(backend, key)
                return StoreOutcome(False, Message(_KEYCHAIN_FAILED))
            if read_back != token:
                log.warning("The keychain %s did not give back the sign-in it was given",
                            _class_path(backend))
                _discard(backend, key)
                return StoreOutcome(False, Message(_KEYCHAIN_LOST_IT))
            return StoreOutcome(True)

    def load(self, server_url: str, username: str) -> str | None:
        """The token for this server and rep: kept this run, else from the keychain, else None."""
        key = _key(server_url, username)
        with self._lock:
            if key in self._session:
                return self._session[key].value
            backend = self._backend()
            if backend is None:
                return None
            try:
                token = backend.get_password(*key)
            except Exception as exc:  # the token is unknown here, so only the type is logged
                log.warning("The keychain %s could not be read: %s",
                            _class_path(backend), type(exc).__name__)
                return None
            if not isinstance(token, str) or not token:
                return None
            self._session[key] = _Secret(token)
            return token

    def forget(self, server_url: str, username: str) -> None:
        """Drop the token from memory and from the keychain (at sign-out, or on a 401)."""
        key = _key(server_url, username)
        with self._lock:
            held = self._session.pop(key, None)
            backend = self._backend()
            if backend is None:
                return
            try:
                backend.delete_password(*key)
            except PasswordDeleteError:
                pass  # keyring's way to say there was nothing to delete
            except Exception as exc:
                log.warning("The keychain %s could not forget a sign-in: %s",
                            _class_path(backend), _describe(exc, held and held.value))

    # --- what the diagnostics line and the settings page show ----------------------------

    @property
    def remembers(self) -> bool:
        """True if a secure keychain is available, so a sign-in can outlive this run."""
        with self._lock:
            return self._backend() is not None

    @property
    def backend_name(self) -> str:
        """The keychain written to, or what keyring offered when it is not used."""
        with self._lock:
            backend = self._backend()
            if backend is not None:
                return _class_path(backend)
            return "none" if self._offered is None else _class_path(self._offered)

    def describe(self) -> Message:
        """One line for the diagnostics view."""
        if self.remembers:
            return Message(N_("Sign-in kept in the keychain ({backend})"),
                           {"backend": self.backend_name})
        return Message(N_("Sign-in kept until Debrief closes: no secure keychain "
                          "({backend} is not used)"), {"backend": self.backend_name})

    def _backend(self) -> KeyringBackend | None:
        """The secure backend to use, looked up once; None if there is none."""
        if not self._looked_up:
            self._looked_up = True
            if self._offered is None:
                try:
                    self._offered = keyring.get_keyring()
                except Exception as exc:  # a broken keyring config or environment
                    log.warning("No keyring backend could be loaded: %s: %s",
                                type(exc).__name__, exc)
            self._trusted = None if self._offered is None else trusted_backend(self._offered)
            if self._trusted is None:
                offered = "nothing" if self._offered is None else _class_path(self._offered)
                log.info("No secure keychain (keyring offered %s): sign-ins are kept in "
                         "memory for this run only", offered)
        return self._trusted


def trusted_backend(backend: KeyringBackend) -> KeyringBackend | None:
    """The backend to write to, or None.

    `backend` itself if it is secure. For keyring's chainer, the first secure backend it
    chains, used directly so that a write can never fall through to a file backend
    chained behind it; None if it chains nothing secure.
    """
    if isinstance(backend, chainer.ChainerBackend):
        try:
            chained = list(backend.backends)
        except Exception as exc:
            log.warning("keyring's chainer could not list its backends: %s: %s",
                        type(exc).__name__, exc)
            return None
        return next((each for each in chained if is_secure(each)), None)
    return backend if is_secure(backend) else None


def is_secure(backend: KeyringBackend) -> bool:
    """True if `backend` keeps secrets in a real OS keychain (a chainer never is itself)."""
    if isinstance(backend, null.Keyring | fail.Keyring | chainer.ChainerBackend):
        return False
    if _is_file_based(backend):
        return False
    try:
        priority = backend.priority
    except Exception:  # keyring backends raise here to say "not usable on this machine"
        return False
    if isinstance(priority, bool) or not isinstance(priority, int | float):
        return False
    return priority >= SECURE_PRIORITY  # False for NaN too


def _is_file_based(backend: KeyringBackend) -> bool:
    """True if the backend's class, or a class it derives from, comes from a file package."""
    for cls in type(backend).__mro__:
        module = getattr(cls, "__module__", "") or ""
        if any(module == package or module.startswith(package + ".")
               for package in FILE_BASED_PACKAGES):
            return True
    return False


def _key(server_url: str, username: str) -> tuple[str, str]:
    """keyring's (service, username) for a server and a rep."""
    if not isinstance(server_url, str) or not server_url.strip():
        raise ValueError("a server URL is needed to key a sign-in")
    if not isinstance(username, str) or not username.strip():
        raise ValueError("a username is needed to key a sign-in")
    return SERVICE_PREFIX + server_url.strip().rstrip("/"), username


def _class_path(backend: KeyringBackend) -> str:
    # Not str(backend): keyring's __str__ asks for the priority, which may talk to D-Bus.
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _describe(exc: BaseException, token: str | None) -> str:
    """An exception's type and message for the log, with the token cut out of it."""
    if not token:
        return type(exc).__name__
    try:
        text = str(exc).replace(token, "[token]")
    except Exception:  # a broken __str__ must not hide the failure being logged
        return type(exc).__name__
    return f"{type(exc).__name__}: {text}"


def _discard(backend: KeyringBackend, key: tuple[str, str]) -> None:
    """Remove what a failed store may have left in the keychain, if anything."""
    try:
        backend.delete_password(*key)
    except Exception as exc:  # best effort: the store has already failed
        log.debug("Nothing removed from the keychain after a failed store: %s",
                  type(exc).__name__)
