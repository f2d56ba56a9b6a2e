"""The reason taxonomy: marketing reads it with its history and changes it, one change
at a time, each a new version every app takes at its next sync (sync.server
.taxonomy_versions)."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, status

from sync.domain.taxonomy_changes import ChangeError
from sync.server import taxonomy_versions
from sync.server.accounts import User
from sync.server.api.deps import Reading, State, field_error, require_role
from sync.server.api.schemas import (
    SIGNED_IN,
    TaxonomyChangeIn,
    TaxonomyOut,
    TaxonomyVersionOut,
    errors,
)
from sync.server.taxonomy_versions import Current, StaleVersion

router = APIRouter(prefix="/taxonomy", tags=["taxonomy"], responses=errors(**SIGNED_IN))

Owner = Annotated[User, Depends(require_role("marketing", "admin",
                                             action="change the reason list"))]
Reader = Annotated[User, Depends(require_role("marketing", "admin",
                                              action="see the reason list's versions"))]


@router.get("")
def taxonomy(connection: Reading, state: State, _user: Reader) -> TaxonomyOut:
    """The newest version of the reason list, and every version's change."""
    return _answer(connection, state.lists.current(connection))


@router.post("/changes", status_code=status.HTTP_201_CREATED, responses=errors(**{
    "409": "the list changed since `based_on`: look at it again",
    "422": "a change the list cannot take, naming the field"}))
def change(body: TaxonomyChangeIn, state: State, user: Owner) -> TaxonomyOut:
    """Make one change (add, rename or retire a code or a detail; merge codes; split
    one) as the next version. Apps take it at their next sync; insights count every
    debrief by the codes standing in it."""
    wanted = body.change.model_dump(mode="json")
    try:
        with state.engine.begin() as connection:
            made = taxonomy_versions.change(connection, state.lists, body.based_on, wanted,
                                            user.id, state.clock.now())
            return _answer(connection, made)
    except StaleVersion as stale:
        raise field_error(409, ["body", "based_on"], str(stale), "stale_version") from None
    except ChangeError as refused:
        where = ["body"] if refused.field == "based_on" else ["body", "change"]
        raise field_error(422, [*where, refused.field], refused.message,
                          "taxonomy_change") from None


def _answer(connection: sa.Connection, current: Current) -> TaxonomyOut:
    return TaxonomyOut(
        version=current.documents.taxonomy_version, taxonomy=current.documents.taxonomy,
        versions=[TaxonomyVersionOut(version=v.version, change=v.change, made_by=v.made_by,
                                     made_at=v.made_at)
                  for v in taxonomy_versions.history(connection)])
