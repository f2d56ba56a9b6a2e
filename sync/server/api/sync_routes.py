"""Push and pull: what the app's sync engine talks to."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Response

from sync.domain.roles import DEBRIEF_ROLES, ROLES
from sync.protocol import MAX_PAGE, PROTOCOL_HEADER, PROTOCOL_VERSION
from sync.server import ingest, taxonomy_versions
from sync.server.accounts import User
from sync.server.api.deps import Reading, State, field_error, require_role
from sync.server.api.schemas import (
    DEBRIEF_ID,
    DEFAULT_PAGE,
    FEED_POSITION,
    SIGNED_IN,
    ConfigOut,
    DebriefPage,
    ItemResultOut,
    ProblemOut,
    PushIn,
    PushOut,
    errors,
)

router = APIRouter(prefix="/sync", tags=["sync"], responses=errors(**SIGNED_IN))

Rep = Annotated[User, Depends(require_role(*DEBRIEF_ROLES, action="sync debriefs"))]


@router.post("/push")
def push(body: PushIn, state: State, rep: Rep,
         spoken: Annotated[str | None, Header(alias=PROTOCOL_HEADER,
                                              include_in_schema=False)] = None) -> PushOut:
    """Store a batch of the rep's debriefs. Each item is answered on its own; the batch
    is committed before this answers, so "accepted" and "duplicate" mean stored."""
    items = [debrief.model_dump(mode="json") for debrief in body.debriefs]
    # An app older than this server sends less; the header was checked by `protocol`.
    client_protocol = PROTOCOL_VERSION if spoken is None else int(spoken)
    with state.engine.begin() as connection:
        taxonomy_versions.hold(connection)  # counted by the newest version, kept so
        lists = state.lists.current(connection).documents.lists
        results = ingest.push(connection, rep, items, lists, state.clock.now(),
                              client_protocol=client_protocol)
    counts = {status: 0 for status in ingest.Status}
    for result in results:
        counts[result.status] += 1
    return PushOut(
        results=[ItemResultOut(id=r.id, revision=r.revision, status=r.status.value,
                               problems=[ProblemOut(field=p.field, message=p.text)
                                         for p in r.problems]) for r in results],
        accepted=counts[ingest.Status.ACCEPTED], duplicate=counts[ingest.Status.DUPLICATE],
        rejected=counts[ingest.Status.REJECTED])


@router.get("/debriefs")
def own_debriefs(connection: Reading, rep: Rep,
                 cursor: Annotated[str | None, Query(pattern=DEBRIEF_ID, description=(
                     "paging by id (protocol 1): the `next_cursor` of an earlier answer. "
                     "Never with `since` (422)"))] = None,
                 since: Annotated[str | None, Query(pattern=FEED_POSITION, description=(
                     "a position in the rep's change feed: \"0\" for the start, else "
                     "the `next_since` of an earlier answer. Never with `cursor` "
                     "(422)"))] = None,
                 limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
                 ) -> DebriefPage:
    """The rep's own debriefs (deleted ones as tombstones), for a second machine.

    By id: pass `next_cursor` back as `cursor` until it is null. By the change feed
    (protocol 2): start from `since=0`, pass `next_since` back while `more` is true,
    and keep the last `next_since`: sent later, it gives only what changed after it.
    `cursor` and `since` are two ways of paging: a request gives one or the other."""
    if since is not None:
        if cursor is not None:
            raise field_error(422, ["query", "since"], "give either cursor or since, not "
                              "both", "value_error")
        page = ingest.changes(connection, rep, ingest.FeedPosition.parse(since), limit)
        return DebriefPage.model_validate({
            "items": page.items, "next_cursor": None, "next_since": str(page.after),
            "more": page.more, "restarted": page.restarted})
    items, next_cursor = ingest.own_debriefs(connection, rep, cursor, limit)
    return DebriefPage.model_validate({"items": items, "next_cursor": next_cursor,
                                       "more": next_cursor is not None})


def _names(if_none_match: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names `etag`: "*", or a list of tags compared
    weakly (a proxy that compresses answers turns "x" into W/"x")."""
    if not if_none_match:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


@router.get("/config", response_model=ConfigOut, responses={
    304: {"description": "the lists are still those the `If-None-Match` ETag names"}})
def config(state: State, _user: Annotated[User, Depends(require_role(*ROLES))],
           response: Response,
           if_none_match: Annotated[str | None, Header(max_length=200)] = None) -> Any:
    """The reason taxonomy, segment lists and contest rules the apps should use. Its
    ETag changes with every taxonomy version: an app asks with `If-None-Match` at every
    sync and is answered 304, without a body, until marketing changes the list."""
    current = state.lists.read(state.engine)
    if _names(if_none_match, current.etag):
        return Response(status_code=304, headers={"ETag": current.etag})
    response.headers["ETag"] = current.etag
    lists = current.documents
    return ConfigOut(protocol=PROTOCOL_VERSION, taxonomy_version=lists.taxonomy_version,
                     taxonomy=lists.taxonomy, segments=lists.segments,
                     contest_rules=lists.contest_rules, lead_lists=lists.lead_lists)
