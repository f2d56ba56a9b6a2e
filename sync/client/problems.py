"""Why talking to the central store failed, in words a rep can act on.

Every failure the environment causes (offline, signed out, app or server too old, too
many requests, a wrong address) is a `SyncProblem` with a kind and a message; anything
else is a bug. Messages and reprs never hold the sign-in token: nothing here is given it.
"""

from __future__ import annotations

from enum import StrEnum

from sync.domain.text import N_, Message


class ProblemKind(StrEnum):
    OFFLINE = "offline"  # no answer: no network, server down, timeout, 5xx, a proxy's 502
    THROTTLED = "throttled"  # 429, or 503 with Retry-After: try again later
    SIGN_IN = "sign_in"  # 401: the token expired or was revoked; the caller forgets it
    UPDATE_APP = "update_app"  # 426: this app is too old for the server
    UPDATE_SERVER = "update_server"  # the server speaks a protocol older than this app's
    WRONG_ADDRESS = "wrong_address"  # not a Debrief server, or not a usable URL
    CERTIFICATE = "certificate"  # TLS could not be verified
    REFUSED = "refused"  # the server understood and said no (403, 422, 413, other 4xx)


# Kinds where trying again later, unchanged, can succeed.
TRANSIENT = frozenset({ProblemKind.OFFLINE, ProblemKind.THROTTLED})


class SyncProblem(Exception):
    """A known failure: `kind` for the status area, `message` for the rep, `detail` for
    the log (the cause's type and text; never a token), `retry_after` in seconds."""

    def __init__(self, kind: ProblemKind, message: Message, *, detail: str = "",
                 retry_after: float | None = None, status: int | None = None,
                 fields: dict[str, str] | None = None):
        super().__init__(message.text)
        self.kind = kind
        self.message = message
        self.detail = detail
        self.retry_after = retry_after
        self.status = status
        self.fields = fields or {}  # a refusal's words per field ("rules.cap"), if it named

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT

    def __repr__(self) -> str:
        return (f"SyncProblem({self.kind.value}, {self.message.text!r}, status={self.status}, "
                f"retry_after={self.retry_after}, detail={self.detail!r})")


class BatchRefused(SyncProblem):
    """422 for a push: the items the server named (by position) and what it said."""

    def __init__(self, message: Message, items: dict[int, list[tuple[str, str]]], *,
                 detail: str = ""):
        super().__init__(ProblemKind.REFUSED, message, detail=detail, status=422)
        self.items = items


def offline(url: str, detail: str, *, status: int | None = None) -> SyncProblem:
    return SyncProblem(ProblemKind.OFFLINE, Message(N_(
        "The server at {url} cannot be reached: working offline. Your debriefs are kept "
        "and sent when it answers."), {"url": url}), detail=detail, status=status)


def throttled(url: str, retry_after: float | None, status: int) -> SyncProblem:
    return SyncProblem(ProblemKind.THROTTLED, Message(N_(
        "The server at {url} is busy: Debrief tries again in {seconds} seconds. Your "
        "debriefs are kept."), {"url": url, "seconds": round(retry_after or 0)}),
        retry_after=retry_after, status=status)


def sign_in_needed(detail: str = "") -> SyncProblem:
    return SyncProblem(ProblemKind.SIGN_IN, Message(N_(
        "Your sign-in has expired or was revoked: sign in again to sync. Your debriefs "
        "are kept.")), detail=detail, status=401)


def wrong_password(detail: str = "") -> SyncProblem:
    return SyncProblem(ProblemKind.SIGN_IN, Message(N_(
        "The username or password is not right.")), detail=detail, status=401)


def update_app(server_says: str) -> SyncProblem:
    return SyncProblem(ProblemKind.UPDATE_APP, Message(N_(
        "This Debrief is too old for your team's server: update the app to sync. Your "
        "debriefs are kept. (The server says: {reason})"), {"reason": server_says}),
        status=426)


def update_server(url: str, server_protocol: int, oldest: int) -> SyncProblem:
    return SyncProblem(ProblemKind.UPDATE_SERVER, Message(N_(
        "The server at {url} is older than this Debrief (protocol {found}; this app "
        "needs {needed} or newer): ask your admin to update it. Your debriefs are kept."),
        {"url": url, "found": server_protocol, "needed": oldest}))


def wrong_address(url: str, detail: str, *, status: int | None = None) -> SyncProblem:
    return SyncProblem(ProblemKind.WRONG_ADDRESS, Message(N_(
        "{url} is not a Debrief server: check the server address in Settings."),
        {"url": url}), detail=detail, status=status)


def certificate(url: str, detail: str) -> SyncProblem:
    return SyncProblem(ProblemKind.CERTIFICATE, Message(N_(
        "The server at {url} could not prove who it is (its certificate was not "
        "accepted): ask your admin, or set the certificate file in Settings."),
        {"url": url}), detail=detail)


def refused(url: str, status: int, server_says: str,
            fields: dict[str, str] | None = None) -> SyncProblem:
    return SyncProblem(ProblemKind.REFUSED, Message(N_(
        "The server at {url} refused the request: {reason}"),
        {"url": url, "reason": server_says}), status=status, fields=fields)
