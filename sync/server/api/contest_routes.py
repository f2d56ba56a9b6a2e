"""Contests: list, create (managers of the team, admins), the leaderboard, each rep's
entries and why, voids, and the draw."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from fastapi.responses import Response

from sync.domain.leaderboard import rep_view
from sync.protocol import MAX_PAGE
from sync.server import contests, draws, scores, voids
from sync.server.accounts import AccountError, User, find_team_id
from sync.server.api.deps import Reading, State, field_error, require_role
from sync.server.api.schemas import (
    DEFAULT_PAGE,
    MAX_ID,
    MAX_OFFSET,
    SIGNED_IN,
    BandOut,
    ContestEdit,
    ContestIn,
    ContestOut,
    ContestPage,
    DrawOut,
    EntriesOut,
    EntryOut,
    LeaderboardOut,
    RuleVersionOut,
    StandingOut,
    VersionEntriesOut,
    VoidIn,
    VoidLog,
    VoidOut,
    WinnerOut,
    errors,
)
from sync.server.beacon import Beacon, BeaconError, Chain
from sync.server.contests import Contest, Standing
from sync.server.database import reading

log = logging.getLogger(__name__)

router = APIRouter(prefix="/contests", tags=["contests"], responses=errors(
    **SIGNED_IN, **{"404": "no such contest, or not yours to see"}))

Player = Annotated[User, Depends(require_role("rep", "manager", "admin",
                                              action="see contests"))]
Organiser = Annotated[User, Depends(require_role("manager", "admin", action="create contests"))]
Changer = Annotated[User, Depends(require_role("manager", "admin", action="change contests"))]
Drawer = Annotated[User, Depends(require_role("manager", "admin", action="run contest draws"))]
Voider = Annotated[User, Depends(require_role("manager", "admin",
                                              action="void contest entries"))]
ContestId = Annotated[int, Path(ge=1, le=MAX_ID)]
LEDGER_TYPE = "text/plain; charset=us-ascii"


def contest_out(contest: Contest, state: State) -> ContestOut:
    return ContestOut(id=contest.id, team=contest.team, name=contest.name, prize=contest.prize,
                      starts_at=contest.starts_at, ends_at=contest.ends_at,
                      running=contest.is_running(state.clock.now()),
                      rules=contest.rules.to_dict(), rule_versions=[
                          RuleVersionOut(number=v.number, applies_from=v.applies_from,
                                         rules=v.rules.to_dict())
                          for v in contest.rulebook.versions],
                      winners=contest.winners, commitment=contest.commitment,
                      beacon_url=contest.beacon_url, beacon_round=contest.beacon_round)


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
    chain = _chain(state)  # asked before the transaction: the beacon may take seconds
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
                now=state.clock.now(), winners=body.winners, beacon=chain)
        except AccountError as error:
            raise _unusable(error) from None
    return contest_out(contest, state)


def _chain(state: State) -> Chain | None:
    """The beacon's chain, if the server names one and can reach it now; a contest made
    without it is drawn from its seed alone."""
    if not state.settings.drand_url:
        return None
    try:
        return Beacon(state.settings.drand_url).chain()
    except BeaconError as error:
        log.warning("contest made without the beacon: %s", error)
        return None


def _unusable(error: AccountError) -> HTTPException:
    """A value the contest cannot take, as a 422 naming its field ("rules.cap")."""
    return field_error(422, ["body", *error.field.split(".")], error.message, "value_error")


@router.patch("/{contest_id}", responses=errors(**{
    "403": "not a manager of the contest's team",
    "409": "the contest has started (its period and winners are frozen) or ended",
    "502": "the beacon the contest names cannot be reached to follow a new end"}))
def edit_contest(contest_id: ContestId, body: ContestEdit, state: State,
                 user: Changer) -> ContestOut:
    """Change a contest: anything before its start; once started, the name, the prize,
    and the rules as a new version from now on; nothing once it has ended."""
    with reading(state.engine) as connection:
        before = _managed(connection, contest_id, user, "change its contests")
    try:
        # A new end moves the beacon round it names: the beacon is asked first.
        chain = (Beacon(before.beacon_url).chain()
                 if before.beacon_url and body.ends_at is not None else None)
        with state.engine.begin() as connection:
            edited = contests.edit_contest(
                connection, contest_id, by=user, now=state.clock.now(), name=body.name,
                prize=body.prize, winners=body.winners, starts_at=body.starts_at,
                ends_at=body.ends_at, rules=body.rules, beacon=chain)
    except contests.ContestFrozen as frozen:
        where = "path" if frozen.field == "contest_id" else "body"
        raise field_error(409, [where, frozen.field], frozen.message, "frozen") from None
    except AccountError as error:
        raise _unusable(error) from None
    except BeaconError as error:
        raise field_error(502, ["body", "ends_at"], str(error), "beacon_unavailable") from None
    return contest_out(edited, state)


def _managed(connection: sa.Connection, contest_id: int, user: User, what: str) -> Contest:
    """The contest, if `user` sees it (else 404) and manages its team (else a 403 saying
    that only its managers and admins do `what`)."""
    contest = _visible(connection, contest_id, user)
    if not user.may_manage(contest.team_id):
        raise field_error(403, ["path", "contest_id"], f"only this team's managers and "
                          f"admins {what}", "not_your_team")
    return contest


@router.get("/{contest_id}")
def get_contest(contest_id: ContestId, connection: Reading, state: State,
                user: Player) -> ContestOut:
    return contest_out(_visible(connection, contest_id, user), state)


def standing_out(standing: Standing, manager: bool = False) -> StandingOut:
    return StandingOut(rank=standing.rank, username=standing.username,
                       display_name=standing.display_name, entries=standing.entries,
                       debriefs=standing.debriefs,
                       last_activity=standing.last_activity if manager else None,
                       by_version=[VersionEntriesOut(version=number, entries=entries)
                                   for number, entries in sorted(standing.by_version.items())])


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
    manager = user.may_manage(contest.team_id)
    if manager:
        shown, more = table[offset:offset + limit], len(table) > offset + limit
    else:
        shown, more = table[:view.named], False
    return LeaderboardOut(
        contest_id=contest.id, field_size=len(table),
        top=[standing_out(s, manager) for s in shown],
        me=standing_out(table[mine]) if mine is not None else None,
        my_band=BandOut(code=view.band, text=view.band.text) if view.band is not None else None,
        next_offset=offset + limit if more else None)


@router.get("/{contest_id}/entries", responses=errors(**{
    "403": "a rep reads only their own entries",
    "404": "no such contest, or no such rep in its field"}))
def entries(contest_id: ContestId, connection: Reading, user: Player,
            rep: Annotated[str | None, Query(max_length=64, description=(
                "whose, by username; the signed-in user's if left out"))] = None,
            ) -> EntriesOut:
    """Each of a rep's debriefs in the contest with the entries it earned and why: its
    own detail, a near-duplicate, the daily cap, or a void (with its reasons)."""
    contest = _visible(connection, contest_id, user)
    member = _member(connection, contest, user, rep)
    explained = scores.explained(connection, contest, member.id)
    made = {debrief.id: debrief.created_at for debrief, _ in explained}
    log: dict[str, list[VoidOut]] = {}
    for event in voids.log(connection, contest.id, member.id):
        log.setdefault(event.debrief_id, []).append(void_out(event))
    return EntriesOut(contest_id=contest.id, rep=member.display_name,
                      entries=sum(earned.entries for _, earned in explained),
                      items=[EntryOut(
                          debrief_id=debrief.id, created_at=debrief.created_at,
                          outcome=debrief.outcome, stage=debrief.stage,
                          entries=earned.entries, scored=earned.scored, why=earned.why,
                          duplicate_of=earned.duplicate_of,
                          duplicate_of_created_at=made.get(earned.duplicate_of or ""),
                          rules_version=earned.version,
                          voids=log.get(debrief.id, [])) for debrief, earned in explained])


def _member(connection: Reading, contest: Contest, user: User, username: str | None) -> Any:
    """The member of the contest's field whose entries `user` asks for."""
    if username is not None and username != user.username and not user.may_manage(
            contest.team_id):
        raise field_error(403, ["query", "rep"], "a rep reads only their own entries",
                          "not_yours")
    wanted = username if username is not None else user.username
    member = next((m for m in scores.members(connection, contest.team_id)
                   if m.username == wanted), None)
    if member is None:
        raise field_error(404, ["query", "rep"], f"{wanted} is not in this contest's field",
                          "not_in_field")
    return member


def void_out(event: voids.VoidEvent) -> VoidOut:
    return VoidOut(id=event.id, debrief_id=event.debrief_id, rep=event.rep_name,
                   voided=event.voided, reason=event.reason, by=event.by_name, at=event.at)


@router.get("/{contest_id}/voids")
def void_log(contest_id: ContestId, connection: Reading, user: Player) -> VoidLog:
    """Every void and undoing in the contest, with who and why: all of them for the
    team's managers and admins, a rep's own for a rep."""
    contest = _visible(connection, contest_id, user)
    rep_id = None if user.may_manage(contest.team_id) else user.id
    return VoidLog(items=[void_out(e) for e in voids.log(connection, contest.id, rep_id)])


_VOID_ERRORS = errors(**{
    "403": "not a manager of the contest's team",
    "404": "no such contest, or no such debrief in it",
    "409": "the contest has ended, or the debrief is voided already (or not voided)"})


@router.post("/{contest_id}/voids", status_code=201, responses=_VOID_ERRORS)
def void(contest_id: ContestId, body: VoidIn, state: State, user: Voider) -> VoidOut:
    """Void a debrief's entries in the contest, with a reason its rep reads."""
    return _change_void(contest_id, body, state, user, void=True)


@router.post("/{contest_id}/voids/undo", status_code=201, responses=_VOID_ERRORS)
def undo_void(contest_id: ContestId, body: VoidIn, state: State, user: Voider) -> VoidOut:
    """Give a voided debrief its entries back, with a reason; the void stays in the log."""
    return _change_void(contest_id, body, state, user, void=False)


def _change_void(contest_id: int, body: VoidIn, state: State, user: User, *,
                 void: bool) -> VoidOut:
    with state.engine.begin() as connection:
        contest = _managed(connection, contest_id, user, "void its entries")
        try:
            event = voids.change(connection, contest, body.debrief_id, body.reason, user.id,
                                 state.clock.now(), void=void)
        except voids.VoidRefused as refused:
            where = "body" if refused.field in ("debrief_id", "reason") else "path"
            raise field_error(refused.status, [where, refused.field], refused.message,
                              refused.code) from None
    return void_out(event)


def draw_out(contest: Contest, shown: draws.Published) -> DrawOut:
    return DrawOut(
        contest_id=contest.id, commitment=shown.commitment,
        committed_at=contest.committed_at, winners_drawn=shown.winners_drawn,
        frozen=shown.ledger is not None, ledger_sha256=shown.ledger_sha256,
        frozen_at=shown.frozen_at, seed=shown.seed,
        winners=None if shown.winners is None else [
            WinnerOut(place=w.place, rep_id=w.rep_id, username=w.username,
                      display_name=w.display_name, entries=w.entries) for w in shown.winners],
        drawn_at=shown.drawn_at, beacon_url=shown.beacon_url, beacon_round=shown.beacon_round,
        beacon_randomness=shown.beacon_randomness)


@router.get("/{contest_id}/draw")
def get_draw(contest_id: ContestId, state: State, user: Player) -> DrawOut:
    """What is published of the draw so far; the first look at an ended contest freezes
    its ledger (a write only then: every other look reads)."""
    now = state.clock.now()
    with reading(state.engine) as connection:
        contest = _visible(connection, contest_id, user)
        if not draws.needs_freezing(connection, contest, now):
            return draw_out(contest, draws.published(connection, contest, now,
                                                     may_freeze=False))
    with state.engine.begin() as connection:
        return draw_out(contest, draws.published(connection, contest, now))


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
    "403": "not a manager of the contest's team",
    "409": "not ended yet, drawn already, or the beacon's round not out yet",
    "502": "the beacon the contest named cannot be reached"}))
def run_draw(contest_id: ContestId, state: State, user: Drawer) -> DrawOut:
    """Draw the winners of an ended contest: once, never again (docs/draw.md)."""
    with reading(state.engine) as connection:
        contest = _managed(connection, contest_id, user, "run its draw")
    with _refused_as_409():
        randomness = draws.beacon_randomness(contest)  # before the transaction's locks
        with state.engine.begin() as connection:
            shown = draws.run(connection, contest, user.id, state.clock.now(), randomness)
    return draw_out(contest, shown)


@contextmanager
def _refused_as_409() -> Iterator[None]:
    """A draw refused (not ended, drawn already...) as a 409 naming why; a beacon that
    cannot be reached as a 502 (it is no fault of the request, nor of this server)."""
    try:
        yield
    except draws.DrawRefused as refused:
        status_code = 502 if refused.code == "beacon_unavailable" else 409
        raise field_error(status_code, ["path", "contest_id"], refused.message,
                          refused.code) from None
