"""Contests: list, create (managers of the team, admins), and the leaderboard."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from fastapi.responses import Response

from sync.domain.leaderboard import rep_view
from sync.protocol import MAX_PAGE
from sync.server import contests, draws
from sync.server.accounts import AccountError, User, find_team_id
from sync.server.api.deps import Reading, State, field_error, require_role
from sync.server.api.schemas import (
    DEFAULT_PAGE,
    MAX_ID,
    MAX_OFFSET,
    SIGNED_IN,
    BandOut,
    ContestIn,
    ContestOut,
    ContestPage,
    DrawOut,
    LeaderboardOut,
    StandingOut,
    WinnerOut,
    errors,
)
from sync.server.contests import Contest, Standing

router = APIRouter(prefix="/contests", tags=["contests"], responses=errors(
    **SIGNED_IN, **{"404": "no such contest, or not yours to see"}))

Player = Annotated[User, Depends(require_role("rep", "manager", "admin",
                                              action="see contests"))]
Organiser = Annotated[User, Depends(require_role("manager", "admin", action="create contests"))]
Drawer = Annotated[User, Depends(require_role("manager", "admin", action="run contest draws"))]
ContestId = Annotated[int, Path(ge=1, le=MAX_ID)]
LEDGER_TYPE = "text/plain; charset=us-ascii"


def contest_out(contest: Contest, state: State) -> ContestOut:
    return ContestOut(id=contest.id, team=contest.team, name=contest.name, prize=contest.prize,
                      starts_at=contest.starts_at, ends_at=contest.ends_at,
                      running=contest.is_running(state.clock.now()),
                      rules=contest.rules.to_dict(), winners=contest.winners,
                      commitment=contest.commitment)


def _visible(connection: Reading, contest_id: int, user: User) -> Contest:
    contest = contests.find(connection, contest_id, user)
    if contest is None:  # not there, or not this user's to see: the same answer
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such contest")
    return contest


@router.get("")
def list_contests(connection: Reading, state: State, user: Player,
                  cursor: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
                  limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                  ) -> ContestPage:
    """The contests of the user's team (or the teams they manage), newest first."""
    page, next_cursor = contests.listed(connection, user, cursor, limit)
    return ContestPage(items=[contest_out(c, state) for c in page], next_cursor=next_cursor)


@router.post("", status_code=status.HTTP_201_CREATED,
             responses=errors(**{"403": "not a manager of that team"}))
def create_contest(body: ContestIn, state: State, user: Organiser) -> ContestOut:
    with state.engine.begin() as connection:
        team = find_team_id(connection, body.team)
        if team is None:
            raise field_error(422, ["body", "team"], f"there is no team {body.team!r}",
                              "team_unknown")
        if not user.may_manage(team):
            raise field_error(403, ["body", "team"], "only this team's managers and admins "
                              "create its contests", "not_your_team")
        try:
            contest = contests.add_contest(
                connection, by=user, team_id=team, name=body.name, prize=body.prize,
                starts_at=body.starts_at, ends_at=body.ends_at, rules=body.rules,
                now=state.clock.now(), winners=body.winners)
        except AccountError as error:
            raise field_error(422, ["body", *error.field.split(".")], error.message,
                              "value_error") from None
    return contest_out(contest, state)


@router.get("/{contest_id}")
def get_contest(contest_id: ContestId, connection: Reading, state: State,
                user: Player) -> ContestOut:
    return contest_out(_visible(connection, contest_id, user), state)


def standing_out(standing: Standing) -> StandingOut:
    return StandingOut(rank=standing.rank, username=standing.username,
                       display_name=standing.display_name, entries=standing.entries,
                       debriefs=standing.debriefs)


@router.get("/{contest_id}/leaderboard")
def leaderboard(contest_id: ContestId, connection: Reading, user: Player,
                offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
                limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                ) -> LeaderboardOut:
    """Entries per rep, scored on the server with the shared rules. Managers of the
    team and admins page through every rank; a rep sees by name only the leaders in the
    top quarter of the field (at most ten), and their own standing and band."""
    contest = _visible(connection, contest_id, user)
    table = contests.standings(connection, contest)
    mine = next((index for index, s in enumerate(table) if s.user_id == user.id), None)
    view = rep_view([s.rank for s in table], mine)
    if user.may_manage(contest.team_id):
        shown, more = table[offset:offset + limit], len(table) > offset + limit
    else:
        shown, more = table[:view.named], False
    return LeaderboardOut(
        contest_id=contest.id, field_size=len(table),
        top=[standing_out(s) for s in shown],
        me=standing_out(table[mine]) if mine is not None else None,
        my_band=BandOut(code=view.band, text=view.band.text) if view.band is not None else None,
        next_offset=offset + limit if more else None)


def draw_out(contest: Contest, shown: draws.Published) -> DrawOut:
    return DrawOut(
        contest_id=contest.id, commitment=shown.commitment,
        committed_at=contest.committed_at, winners_drawn=shown.winners_drawn,
        frozen=shown.ledger is not None, ledger_sha256=shown.ledger_sha256,
        frozen_at=shown.frozen_at, seed=shown.seed,
        winners=None if shown.winners is None else [
            WinnerOut(place=w.place, rep_id=w.rep_id, username=w.username,
                      display_name=w.display_name, entries=w.entries) for w in shown.winners],
        drawn_at=shown.drawn_at)


@router.get("/{contest_id}/draw")
def get_draw(contest_id: ContestId, state: State, user: Player) -> DrawOut:
    """What is published of the draw so far; looking at an ended contest freezes its
    ledger if nothing has yet."""
    with state.engine.begin() as connection:
        contest = _visible(connection, contest_id, user)
        return draw_out(contest, draws.published(connection, contest, state.clock.now()))


@router.get("/{contest_id}/ledger", response_class=Response, responses={
    200: {"description": "the ledger text (docs/draw.md)", "content": {LEDGER_TYPE: {}}},
    **errors(**{"409": "the contest has not ended: no ledger yet"})})
def get_ledger(contest_id: ContestId, state: State, user: Player) -> Response:
    """The frozen ledger, byte for byte as hashed (docs/draw.md): each rep can find
    their own line in it, and anyone can check the draw with docs/verify_draw.py."""
    with state.engine.begin() as connection, _refused_as_409():
        contest = _visible(connection, contest_id, user)
        text = draws.ledger(connection, contest, state.clock.now())
    return Response(text, media_type=LEDGER_TYPE)


@router.post("/{contest_id}/draw", responses=errors(**{
    "403": "not a manager of the contest's team", "409": "not ended yet, or drawn already"}))
def run_draw(contest_id: ContestId, state: State, user: Drawer) -> DrawOut:
    """Draw the winners of an ended contest: once, never again (docs/draw.md)."""
    with state.engine.begin() as connection:
        contest = _visible(connection, contest_id, user)
        if not user.may_manage(contest.team_id):
            raise field_error(403, ["path", "contest_id"], "only this team's managers and "
                              "admins run its draw", "not_your_team")
        with _refused_as_409():
            shown = draws.run(connection, contest, user.id, state.clock.now())
    return draw_out(contest, shown)


@contextmanager
def _refused_as_409() -> Iterator[None]:
    """A draw refused (not ended, drawn already...) as a 409 naming why."""
    try:
        yield
    except draws.DrawRefused as refused:
        raise field_error(409, ["path", "contest_id"], refused.message,
                          refused.code) from None
