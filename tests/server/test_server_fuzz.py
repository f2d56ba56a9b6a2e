"""Fuzz every route of the live OpenAPI document with schemathesis, once per role: no
answer is a 5xx, and every answer is what the document promises (a documented status
code, its content type, its schema). On SQLite and PostgreSQL.

schemathesis's own runner (the engine behind `schemathesis run`) drives the examples,
coverage and fuzzing phases; the failures it records are gathered into one message.
(Its pytest loader, `schemathesis.pytest.from_fixture`, cannot be used: it sets
`Function._nodeid`, which pytest 9.2 no longer has.)
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import schemathesis
import sqlalchemy as sa
from helpers.server_harness import ServerProcess
from helpers.server_world import People
from schemathesis import engine as runner
from schemathesis.engine import Status, StopReason, events

from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from sync.server import accounts, tokens

ROLES = ("rep", "manager", "marketing", "admin", "nobody")
SEED = 20261102  # fixed, and generation is deterministic: CI sends the same requests
MAX_EXAMPLES = 24  # per operation in the fuzzing phase, per role, per backend
OPENAPI = "/api/v1/openapi.json"
SIGN_IN, SIGN_OUT = "/api/v1/auth/sign-in", "/api/v1/auth/sign-out"
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance")

# Each run comes from an address of its own (TEST-NET-3; uvicorn trusts X-Forwarded-For
# from 127.0.0.1), so the fuzzer's failed sign-ins never count against 127.0.0.1, the
# address every other test signs in from.
_addresses = (f"203.0.113.{n}" for n in itertools.count(1))


def fuzz_config(headers: dict[str, str]) -> schemathesis.Config:
    """Bounded and reproducible; only the checks this suite promises, on every case."""
    return schemathesis.Config.from_dict({
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True,
                       "database": "none"},
        "phases": {"stateful": {"enabled": False}},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        "headers": headers,
        "continue-on-failure": True,  # report every failing case, not the first per route
        "workers": 1,
    })


@dataclass
class FuzzRun:
    """What one run of the engine sent and what it found."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0
    problems: Counter[tuple[str, str, int | None]] = field(default_factory=Counter)
    samples: dict[tuple[str, str, int | None], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def record(self, event: events.ScenarioFinished) -> None:
        if event.status is Status.ERROR:  # e.g. a request that timed out or was cut off
            self.errors.append(f"{event.label}: could not be tested in {event.phase.name}")
        self.requests += len(event.recorder.interactions)
        self.statuses.update(i.response.status_code
                             for i in event.recorder.interactions.values() if i.response)
        for case_id, checks in event.recorder.checks.items():
            for check in checks:
                if check.status != Status.FAILURE or check.failure_info is None:
                    continue
                interaction = event.recorder.interactions.get(case_id)
                status = interaction.response.status_code if interaction and \
                    interaction.response else None
                key = (event.label or "?", check.name, status)
                self.problems[key] += 1
                failure = check.failure_info.failure
                self.samples.setdefault(key, f"{failure.title}: {failure.message}\n"
                                             f"{check.failure_info.code_sample}")

    def report(self) -> str:
        """One line per (operation, check, status), server errors first; then the first
        failing case of each, as a curl command."""
        order = sorted(self.problems, key=lambda k: (k[1] != "not_a_server_error", k))
        lines = [f"{self.problems[key]} x {key[0]}: {key[1]} (HTTP {key[2]})" for key in order]
        lines += ["", "First case of each:"]
        lines += [f"--- {key}\n{self.samples[key]}" for key in order]
        return "\n".join([*self.errors, *lines])


def fuzz(schema: Any) -> FuzzRun:
    """Run every phase but the stateful one over `schema`, gathering what it found."""
    run = FuzzRun()
    started = time.monotonic()
    for event in runner.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            run.record(event)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            run.errors.append(f"schemathesis could not run: {event}")
        elif isinstance(event, events.EngineFinished) and \
                event.stop_reason is not StopReason.COMPLETED:
            run.errors.append(f"schemathesis stopped early: {event.stop_reason}")
    run.seconds = time.monotonic() - started
    return run


def load(server: ServerProcess, headers: dict[str, str]) -> Any:
    """The OpenAPI document `server` serves, with `headers` sent on every case."""
    return schemathesis.openapi.from_url(f"{server.base_url}{OPENAPI}",
                                         config=fuzz_config(headers))


def check(run: FuzzRun, what: str) -> None:
    answers = ", ".join(f"{code}: {n}" for code, n in sorted(run.statuses.items()))
    print(f"\nfuzz {what}: {run.requests} requests in {run.seconds:.1f} s ({answers})",
          flush=True)
    assert run.requests > 0
    if run.errors or run.problems:
        pytest.fail(run.report(), pytrace=False)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_as_documented(server: ServerProcess, backend: str,
                                           people: People, role: str):
    headers = {"X-Forwarded-For": next(_addresses)}
    if role != "nobody":
        headers["Authorization"] = people(role).api.session.headers["Authorization"]
        # Signed in, send the protocol header as the app does, so that the cases reach
        # the routes rather than stop at a 400 for a fuzzed header; the run without a
        # token fuzzes that header (and Authorization) instead.
        headers[PROTOCOL_HEADER] = str(PROTOCOL_VERSION)
    # Sign-out would revoke the role's token mid-run and turn every later case into
    # a 401; it is fuzzed below, with a token of its own for each case. Sign-in takes
    # no token, so only the run without one fuzzes it (each case costs an argon2 hash).
    skipped = [SIGN_OUT] if role == "nobody" else [SIGN_OUT, SIGN_IN]
    schema = load(server, headers).exclude(method="POST", path=skipped)
    check(fuzz(schema), f"{backend} as {role}")


@pytest.fixture
def fresh_token(people: People, engine: sa.Engine) -> Callable[[], str]:
    """Issues a new token of one rep per call, straight into the store."""
    username = people.add("rep")
    with engine.connect() as connection:
        user = accounts.find_user(connection, username)
    assert user is not None

    def issue() -> str:
        with engine.begin() as connection:
            return tokens.issue(connection, user.id, datetime.now(UTC), timedelta(hours=1))

    return issue


def test_signing_out_answers_as_documented(server: ServerProcess, backend: str,
                                           fresh_token: Callable[[], str]):
    schema = load(server, {"X-Forwarded-For": next(_addresses)}).include(
        method="POST", path=SIGN_OUT)

    @schema.auth(refresh_interval=None)  # asked again for every case: a fresh token
    class FreshToken:
        def get(self, case: Any, context: Any) -> str:
            return fresh_token()

        def set(self, case: Any, token: str, context: Any) -> None:
            kept = {k: v for k, v in (case.headers or {}).items()
                    if k.lower() != "authorization"}  # the fuzzer's own, if any
            case.headers = {**kept, "Authorization": f"Bearer {token}"}

    run = fuzz(schema)
    check(run, f"{backend} sign-out")
    assert run.statuses[204] > 0, "no case signed out: the fresh tokens did not reach it"
