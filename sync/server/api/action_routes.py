"""Actions: marketing turns an insight into an action with an owner, a due date, a
status and the measure it should move; each answer says how far the measure moved
since (sync.server.actions)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Path, Query, status

from sync.domain.actions import ActionError, Direction, Measure, Share
from sync.protocol import MAX_PAGE
from sync.server import actions
from sync.server.accounts import User
from sync.server.actions import Action, NoAction, StaleAction
from sync.server.api.deps import Reading, State, field_error, require_role
from sync.server.api.schemas import (
    DEFAULT_PAGE,
    MAX_ID,
    MAX_OFFSET,
    SIGNED_IN,
    ActionEdit,
    ActionIn,
    ActionOut,
    ActionsOut,
    MeasureOut,
    MonthShareOut,
    ShareOut,
    errors,
)
from sync.server.api.state import ServerState
from sync.server.code_map import CodeMap
from sync.server.insights import month_of_text

router = APIRouter(prefix="/actions", tags=["actions"], responses=errors(**SIGNED_IN))

Reader = Annotated[User, Depends(require_role("marketing", "admin", action="see actions"))]
Owner = Annotated[User, Depends(require_role("marketing", "admin",
                                             action="make and change actions"))]
ActionId = Annotated[int, Path(ge=1, le=MAX_ID)]
NOT_FOUND = errors(**{"404": "no such action"})


@router.get("")
def action_list(connection: Reading, state: State, _user: Reader,
                offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
                limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                ) -> ActionsOut:
    """The actions with their progress, a page at a time: open ones first, then by due
    date."""
    found, more = actions.page(connection, offset, limit)
    codes = state.lists.current(connection).codes  # once for the page, not per action
    return ActionsOut(min_cell=state.settings.limits.min_cell,
                      next_offset=offset + len(found) if more else None,
                      actions=[_out(connection, state, action, codes) for action in found])


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(**{
    "422": "what the action cannot hold, naming the field"}))
def make(body: ActionIn, state: State, user: Owner) -> ActionOut:
    """Make an action. Its measure and baseline are fixed from then on; the months from
    the one it is made in show whether the measure moved."""
    measure = body.measure
    now = state.clock.now()
    with state.engine.begin() as connection:
        try:
            made = actions.make(
                connection, state.lists.current(connection).documents.lists,
                title=body.title, owner=body.owner, due=body.due, status=body.status,
                measure=Measure(measure.kind, measure.outcome, measure.code,
                                measure.dimension, measure.value, measure.direction),
                baseline=(month_of_text(body.baseline_from), month_of_text(body.baseline_to)),
                user_id=user.id, now=now)
        except ActionError as refused:
            where = ["body", "measure"] if refused.field in Measure.__dataclass_fields__ \
                else ["body"]
            raise field_error(422, [*where, refused.field], refused.message,
                              "action") from None
        return _out(connection, state, made)


@router.get("/{action_id}", responses=NOT_FOUND)
def action(action_id: ActionId, connection: Reading, state: State, _user: Reader
           ) -> ActionOut:
    try:
        return _out(connection, state, actions.one(connection, action_id))
    except NoAction as missing:
        raise field_error(404, ["path", "action_id"], str(missing), "not_found") from None


@router.patch("/{action_id}", responses={**NOT_FOUND, **errors(**{
    "409": "the action changed since `revision`: look at it again",
    "422": "a change the action cannot take, naming the field"})})
def change(action_id: ActionId, body: ActionEdit, state: State, user: Owner) -> ActionOut:
    """Change the title, owner, due date or status, from the revision last read."""
    changes = body.model_dump(exclude_unset=True, exclude={"revision"})
    for name, value in changes.items():
        if value is None:
            raise field_error(422, ["body", name], "leave it out to keep it; it cannot be "
                              "emptied", "action")
    try:
        with state.engine.begin() as connection:
            changed = actions.edit(connection, action_id, body.revision, changes, user.id,
                                   state.clock.now())
            return _out(connection, state, changed)
    except NoAction as missing:
        raise field_error(404, ["path", "action_id"], str(missing), "not_found") from None
    except StaleAction as stale:
        raise field_error(409, ["body", "revision"], str(stale), "stale_revision") from None
    except ActionError as refused:
        raise field_error(422, ["body", refused.field], refused.message, "action") from None


def _out(connection: sa.Connection, state: ServerState, action: Action,
         codes: CodeMap | None = None) -> ActionOut:
    today = state.clock.now().date()
    if codes is None:
        codes = state.lists.current(connection).codes
    found = actions.progress(connection, state.published, codes, action, today)
    measure = action.measure
    return ActionOut(
        id=action.id, revision=action.revision, title=action.title, owner=action.owner,
        due=action.due, overdue=action.due < today and not action.status.closed,
        status=action.status,
        measure=MeasureOut(kind=measure.kind, outcome=measure.outcome, code=measure.code,
                           dimension=measure.dimension, value=measure.value,
                           direction=measure.direction or Direction.DOWN),
        baseline_from=_month(action.baseline[0]), baseline_to=_month(action.baseline[1]),
        made_in=_month(action.made_in), made_by=action.made_by, made_at=action.made_at,
        changed_by=action.changed_by, changed_at=action.changed_at,
        counted_as=found.counted_as, before=_share(ShareOut, found.before),
        after=_share(ShareOut, found.after), verdict=found.movement.verdict,
        points=found.movement.points,
        months=[_share(MonthShareOut, month.share, month=_month(month.month),
                       after=month.after) for month in found.months])


def _share(kind: type[ShareOut], share: Share, **more: object) -> ShareOut:
    (low_hits, low_of), (high_hits, high_of) = share.ends()
    return kind(hits=share.hits, debriefs=share.debriefs, hidden=share.hidden,
                may_hit=share.may_hit, may_miss=share.may_miss,
                share=_rounded(share.share), low=_rounded(low_hits, low_of),
                high=_rounded(high_hits, high_of), **more)


def _rounded(part: float | None, of: int = 1) -> float | None:
    return None if part is None or of == 0 else round(part / of, 4)


def _month(day: date) -> str:
    return f"{day:%Y-%m}"
