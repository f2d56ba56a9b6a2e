"""Signing in and out, and who am I."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, status

from sync.server import accounts, tokens
from sync.server.accounts import User
from sync.server.api.deps import CurrentUser, Reading, State, bearer_token, field_error
from sync.server.api.schemas import SIGNED_IN, SignInIn, SignInOut, UserOut, errors
from sync.server.database import reading
from sync.server.sign_in import SignInRefused, TooManyAttempts, sign_in

router = APIRouter(prefix="/auth", tags=["auth"])


def user_out(connection: sa.Connection, user: User) -> UserOut:
    team = accounts.team_names(connection, [user.team_id] if user.team_id else [])
    return UserOut(id=user.id, username=user.username, display_name=user.display_name,
                   role=user.role, team=team[0] if team else None,
                   manages=accounts.team_names(connection, user.managed_team_ids))


@router.post("/sign-in", responses=errors(**{"401": "wrong username or password",
                                            "429": "too many failed sign-ins"}))
def sign_in_route(body: SignInIn, request: Request, state: State) -> SignInOut:
    """Trade a username and password for a token (valid for 30 days, revocable)."""
    address = request.client.host if request.client else "unknown"
    try:
        signed_in = sign_in(state.engine, username=body.username, password=body.password,
                            address=address, now=state.clock.now(),
                            passwords=state.passwords, limits=state.settings.sign_in)
    except TooManyAttempts as error:
        raise field_error(status.HTTP_429_TOO_MANY_REQUESTS, ["body", "username"],
                          f"too many failed sign-ins: try again in "
                          f"{error.retry_after_s} seconds", "rate_limited",
                          {"Retry-After": str(error.retry_after_s)}) from None
    except SignInRefused as error:
        raise field_error(status.HTTP_401_UNAUTHORIZED, ["body", "password"], str(error),
                          "sign_in_refused", {"WWW-Authenticate": "Bearer"}) from None
    with reading(state.engine) as connection:
        return SignInOut(token=signed_in.token, expires_at=signed_in.expires_at,
                         user=user_out(connection, signed_in.user))


@router.post("/sign-out", status_code=status.HTTP_204_NO_CONTENT,
             responses=errors(**{"401": SIGNED_IN["401"]}))
def sign_out(state: State, user: CurrentUser,
             token: Annotated[str, Depends(bearer_token)]) -> None:
    """Revoke the token this request was made with."""
    with state.engine.begin() as connection:
        tokens.revoke(connection, token, state.clock.now())


@router.get("/me", responses=errors(**{"401": SIGNED_IN["401"]}))
def me(user: CurrentUser, connection: Reading) -> UserOut:
    return user_out(connection, user)
