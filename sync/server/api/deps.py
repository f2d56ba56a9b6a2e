"""Dependencies chained from "which server" to "who is this" to "may they do this"."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Header, HTTPException, Request, status

from sync.protocol import OLDEST_CLIENT_PROTOCOL, PROTOCOL_HEADER, PROTOCOL_VERSION
from sync.server import tokens
from sync.server.accounts import User
from sync.server.api.state import ServerState
from sync.server.database import reading


def field_error(status_code: int, location: list[str | int], message: str, kind: str,
                headers: dict[str, str] | None = None) -> HTTPException:
    """An error in the same shape as FastAPI's 422s: which field, and what is wrong."""
    return HTTPException(status_code, [{"loc": location, "msg": message, "type": kind}],
                         headers=headers)


def server_state(request: Request) -> ServerState:
    return request.app.state.debrief


State = Annotated[ServerState, Depends(server_state)]


# The protocol version as a client sends it: digits only (not "+2", " 2" or "２").
PROTOCOL_NUMBER = r"^[0-9]{1,9}$"


def protocol(value: Annotated[str | None, Header(
        alias=PROTOCOL_HEADER, description="the protocol the app speaks (a whole number)",
        json_schema_extra={"pattern": PROTOCOL_NUMBER})] = None) -> None:
    """A client too old for this server gets 426; one that sends nothing is taken to
    speak the current protocol (a BI tool or curl). The pattern is checked here rather
    than by FastAPI, so that a malformed header stays a 400, not a 422."""
    if value is None:
        return
    if re.fullmatch(PROTOCOL_NUMBER, value) is None:
        raise field_error(400, ["header", PROTOCOL_HEADER], "must be a whole number",
                          "int_parsing")
    version = int(value)
    if version < OLDEST_CLIENT_PROTOCOL:
        raise field_error(
            status.HTTP_426_UPGRADE_REQUIRED, ["header", PROTOCOL_HEADER],
            f"this Debrief app is too old for the server (protocol {version}; the server "
            f"needs {OLDEST_CLIENT_PROTOCOL} to {PROTOCOL_VERSION}): update the app",
            "client_too_old", {"Upgrade": f"{PROTOCOL_HEADER}/{PROTOCOL_VERSION}"})


def json_body(request: Request) -> None:
    """A body must be JSON: one sent as text/plain or a form would otherwise be refused
    as "not a valid dictionary", which says nothing of the real mistake."""
    has_body = (request.headers.get("content-length", "0") not in ("", "0")
                or "transfer-encoding" in request.headers)
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if has_body and not (media_type == "application/json" or media_type.endswith("+json")):
        raise field_error(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, ["header", "content-type"],
                          "send the body as JSON, with Content-Type: application/json",
                          "content_type")


# Writes open their transaction in the route itself (`with state.engine.begin()`), so
# that it is committed before the route returns and the answer goes out.


def bearer_token(authorization: Annotated[str | None, Header()] = None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("sign in first: send 'Authorization: Bearer <token>'")
    return token.strip()


def current_user(state: State, token: Annotated[str, Depends(bearer_token)]) -> User:
    with reading(state.engine) as connection:
        user = tokens.user_for(connection, token, state.clock.now())
    if user is None:
        raise _unauthorized("your sign-in has expired or was revoked: sign in again")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def read_connection(state: State, user: CurrentUser) -> Iterator[sa.Connection]:
    """The request's read connection, taken only once the user is known: the sign-in
    check's own connection is back in the pool by then, so a request never holds two
    (under load, requests holding one and waiting for a second starved the pool)."""
    with reading(state.engine) as connection:
        yield connection


Reading = Annotated[sa.Connection, Depends(read_connection)]


# Each role as it is named in a sentence about everyone who holds it.
ROLE_WORDS = {"rep": "reps", "manager": "managers", "marketing": "marketing",
              "admin": "admins"}


def roles_in_words(roles: tuple[str, ...]) -> str:
    """'reps', 'marketing and admins', 'reps, managers and admins'."""
    words = [ROLE_WORDS[role] for role in roles]
    return " and ".join(filter(None, [", ".join(words[:-1]), words[-1]]))


def require_role(*roles: str, action: str = "may do this") -> Callable[[User], User]:
    """A dependency that lets only `roles` through. Anyone else gets a 403 that says, in
    words, who may do what: `action` is the route's, e.g. require_role("marketing",
    "admin", action="read insights") answers "only marketing and admins read insights"."""
    refusal = f"only {roles_in_words(roles)} {action}"  # an unknown role fails here, early

    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, refusal)
        return user

    return check


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, message,
                         headers={"WWW-Authenticate": "Bearer"})
