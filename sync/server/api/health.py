"""Liveness and readiness, for load balancers and service managers."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from sync.server.api.deps import State
from sync.server.database import SchemaState, check_schema

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up and answering."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "database unreachable or schema "
                                                       "not current"}})
def readyz(state: State) -> JSONResponse:
    """The database answers and its schema is the one this version needs."""
    try:
        check = check_schema(state.engine, state.schema_head)
    except Exception as error:  # any failure to reach the database means "not ready"
        return JSONResponse({"status": "not ready",
                             "reason": f"database unreachable: {type(error).__name__}"}, 503)
    if check.state is not SchemaState.CURRENT:
        return JSONResponse({"status": "not ready", "reason": check.message}, 503)
    return JSONResponse({"status": "ready", "schema": check.head})
