"""The app factory: builds the ASGI app for one set of settings and one engine."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync import __version__
from sync.domain.clock import Clock, SystemClock
from sync.domain.reporting import Reporting
from sync.domain.team_lists import ListDocuments
from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from sync.server.api import (
    action_routes,
    auth,
    bi_routes,
    contest_routes,
    health,
    insight_routes,
    sync_routes,
    taxonomy_routes,
)
from sync.server.api.deps import field_error, json_body, protocol
from sync.server.api.schemas import errors
from sync.server.api.state import ServerState
from sync.server.database import head_revision, make_engine
from sync.server.passwords import Passwords
from sync.server.published import PublishedMonths
from sync.server.settings import ServerSettings
from sync.server.taxonomy_versions import ListsKeeper

API_PREFIX = "/api/v1"


def app_from_environment() -> FastAPI:
    """The app of one worker process of `debrief-server serve --workers N`: its settings
    from the environment the command set, its own engine (no state shared but the
    database)."""
    return create_app(ServerSettings.resolve())


def create_app(settings: ServerSettings, *, engine: Engine | None = None,
               passwords: Passwords | None = None, clock: Clock | None = None) -> FastAPI:
    state = ServerState(settings=settings, engine=engine or make_engine(settings.db_url),
                        passwords=passwords or Passwords.default(),
                        lists=ListsKeeper(ListDocuments.shipped()), clock=clock or SystemClock(),
                        schema_head=head_revision(),
                        reporting=Reporting.load(settings.data_dir),
                        published=PublishedMonths(settings.limits.min_cell))
    app = FastAPI(title="Debrief central store", version=__version__,
                  description="Where debriefs from every rep meet: sync, contests and "
                              "aggregates for marketing.",
                  openapi_url=f"{API_PREFIX}/openapi.json", docs_url=f"{API_PREFIX}/docs",
                  redoc_url=None)
    app.state.debrief = state
    api = APIRouter(prefix=API_PREFIX, dependencies=[Depends(protocol), Depends(json_body)],
                    responses=errors(**{
                        "400": "a malformed Debrief-Protocol header or an unreadable body",
                        "413": "the body is larger than the server takes",
                        "415": "a body that is not sent as JSON",
                        "426": "this app is too old for the server: update it"}))
    for area in (auth.router, sync_routes.router, contest_routes.router, taxonomy_routes.router,
                 insight_routes.router, insight_routes.exports, action_routes.router,
                 bi_routes.router):
        api.include_router(area)
    app.include_router(api)
    app.include_router(health.router)
    app.add_middleware(BodyLimit, max_bytes=settings.limits.max_body_bytes)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    return app


# What FastAPI answers when a JSON body cannot be read at all (not UTF-8, nested too
# deep for the parser); it says so in a sentence, without naming the body.
_UNREADABLE_BODY = "There was an error parsing the body"


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    """Errors as FastAPI gives them, but an unreadable body is named like any field, and
    a 405 lists every method served at the path."""
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 400 and error.detail == _UNREADABLE_BODY:
        error = field_error(400, ["body"], "the body is not JSON that can be read (not "
                            "UTF-8, or nested too deep)", "body_unreadable")
    elif error.status_code == 405:
        error = StarletteHTTPException(405, error.detail, headers={
            **(error.headers or {}), "Allow": ", ".join(_methods_at(request))})
    return await http_exception_handler(request, error)


# The methods a 405's Allow can name (RFC 9110's, bar CONNECT and TRACE).
_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def _methods_at(request: Request) -> list[str]:
    """Every method some route serves at the request's path, asked of the routes
    themselves. (Starlette's 405 names those of the first route whose path matched
    only: `Allow: GET` where POST is served too.)"""
    place = {"type": "http", "path": request.scope["path"],
             "root_path": request.scope.get("root_path", "")}
    return [method for method in _METHODS
            if any(route.matches({**place, "method": method})[0] is Match.FULL
                   for route in request.app.router.routes)]


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    """FastAPI's 422, without echoing the offending input (it may be a password or a
    private note sent by mistake)."""
    assert isinstance(error, RequestValidationError)
    detail = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
              for e in error.errors()]
    return JSONResponse({"detail": detail}, status_code=422)


class BodyLimit:
    """Refuses bodies over `max_bytes` with 413 (declared or streamed), and stamps every
    answer with the server's protocol version."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise self.too_large()
            return message

        async def stamped_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (
                    PROTOCOL_HEADER.lower().encode(), str(PROTOCOL_VERSION).encode())]
            await send(message)

        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            # Answered here, before the app runs: nothing of the body is read.
            too_large = self.too_large()
            response = JSONResponse({"detail": too_large.detail}, too_large.status_code)
            await response(scope, receive, stamped_send)
            return
        await self.app(scope, limited_receive, stamped_send)

    def too_large(self) -> HTTPException:
        detail: list[dict[str, Any]] = [{
            "loc": ["body"], "type": "too_large",
            "msg": f"the request body is larger than {self.max_bytes} bytes: send fewer "
                   "debriefs per request"}]
        return HTTPException(413, detail)
