"""The central store's HTTP API as the app calls it: a thin client over requests.

Every call sends the protocol header, has a connect and a read timeout, verifies TLS
(against a custom CA bundle if one is set) and sends the token as a Bearer header.
Answers become values; failures become `SyncProblem`s (sync.client.problems). The token
is never put in a message, a log line or a repr; a 401 makes this client forget it.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.auth import AuthBase

from sync.client import problems
from sync.client.problems import BatchRefused, SyncProblem
from sync.domain.clock import Clock, SystemClock, from_iso
from sync.domain.contest_standing import ContestStanding
from sync.domain.debrief import LEAD_FIELDS
from sync.domain.text import N_, Message
from sync.protocol import (
    LEAD_FACTS_PROTOCOL,
    MAX_PAGE,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    WORDS_PROTOCOL,
)

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
OLDEST_SERVER_PROTOCOL = 2  # the oldest central store this app can sync with:
# 2 has the change feed the pull reads
CONTEST_PAGES = 4  # pages of contests read for the running ones (newest come first)
BOARDS_READ = 3  # leaderboards read, at most, to find the running contest one is in


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for a connection, and then between bytes of the answer."""

    connect: float = 5.0
    read: float = 30.0


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in. The caller keeps `token` in the keychain, nowhere else."""

    username: str
    role: str
    expires_at: str
    token: str = field(repr=False)


@dataclass(frozen=True)
class ItemAnswer:
    """The central store's answer for one pushed debrief."""

    id: str
    revision: int
    status: str  # accepted, duplicate or rejected
    problems: tuple[tuple[str, str], ...] = ()  # (field, message)


@dataclass(frozen=True)
class FeedPage:
    """A page of the rep's change feed: wire dicts, the position after them, and
    whether another page follows."""

    items: list[dict[str, Any]]
    next_since: str
    more: bool
    restarted: bool = False  # the position sent was ahead of the feed: this is from 0


def server_address(text: str, *, allow_plain_http: bool = False) -> str:
    """A server address as the rep typed it, checked and without a trailing slash.

    Plain http is taken only for this computer (127.0.0.1, ::1, localhost) unless
    `allow_plain_http`: elsewhere it would send the token readable to anyone between.
    """
    address = text.strip().rstrip("/")
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise problems.wrong_address(address or text, "not an http(s) URL with a host")
    if parts.query or parts.fragment:
        raise problems.wrong_address(address, "a server address has no ?query or #part")
    if parts.scheme == "http" and not (allow_plain_http or _is_loopback(parts.hostname)):
        raise problems.SyncProblem(problems.ProblemKind.WRONG_ADDRESS, Message(N_(
            "{url} is not encrypted (http): use the https address of your team's server."),
            {"url": address}), detail="plain http to another computer")
    return address


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Bearer(AuthBase):
    """Sets the Authorization header; as an auth object it also keeps requests from
    replacing it with credentials from a ~/.netrc."""

    def __init__(self, token: str):
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "<Bearer token>"


class CentralStore:
    """One central store at `base_url`, maybe signed in. Not thread-safe: one per worker."""

    def __init__(self, base_url: str, *, token: str | None = None,
                 timeouts: Timeouts | None = None, ca_bundle: Path | None = None,
                 session: requests.Session | None = None, clock: Clock | None = None,
                 protocol_version: int = PROTOCOL_VERSION,
                 oldest_server_protocol: int = OLDEST_SERVER_PROTOCOL):
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.timeouts = timeouts or Timeouts()
        self.verify: bool | str = str(ca_bundle) if ca_bundle is not None else True
        self.session = session or requests.Session()
        self.clock = clock or SystemClock()
        self.protocol_version = protocol_version
        self.oldest_server_protocol = oldest_server_protocol
        self.server_protocol: int | None = None  # as the server's last answer said

    def __repr__(self) -> str:
        return f"CentralStore({self.base_url!r}, signed_in={self.signed_in})"

    @property
    def signed_in(self) -> bool:
        return self._token is not None

    def use_token(self, token: str | None) -> None:
        self._token = token

    def forget_token(self) -> None:
        self._token = None

    def close(self) -> None:
        self.session.close()

    # --- the routes -------------------------------------------------------------------

    def sign_in(self, username: str, password: str) -> SignedIn:
        """Trade a username and password for a token, which this client then uses."""
        try:
            body = self._call("POST", "/auth/sign-in", signed=False,
                              json={"username": username, "password": password})
        except SyncProblem as problem:
            if problem.kind is problems.ProblemKind.SIGN_IN:
                raise problems.wrong_password() from None
            raise
        self._token = body["token"]
        user = body.get("user") or {}
        return SignedIn(username=user.get("username", username), role=user.get("role", ""),
                        expires_at=str(body.get("expires_at", "")), token=body["token"])

    def sign_out(self) -> None:
        """Revoke this client's token on the server, and forget it."""
        try:
            self._call("POST", "/auth/sign-out")
        finally:
            self._token = None

    def me(self) -> dict[str, Any]:
        return self._call("GET", "/auth/me")

    def push(self, debriefs: list[dict[str, Any]]) -> list[ItemAnswer]:
        """Push wire dicts; one answer per item, in the server's order. What an older
        server does not know is left out for it (it stays on this computer): the lead
        facts for protocol 2, a reason's words for protocol 3; so it answers each debrief
        on its own rather than refusing the whole batch."""
        if self.server_protocol is None and any(_newer_fields(item) for item in debriefs):
            self.me()  # learn which protocol it speaks before sending what it may not know
        if self.server_protocol is not None:
            debriefs = [_for_protocol(item, self.server_protocol) for item in debriefs]
        body = self._call("POST", "/sync/push", json={"debriefs": debriefs})
        return [ItemAnswer(id=r["id"], revision=int(r["revision"]), status=r["status"],
                           problems=tuple((p["field"], p["message"])
                                          for p in r.get("problems") or ()))
                for r in body["results"]]

    def changes(self, since: str, limit: int) -> FeedPage:
        """The rep's own debriefs written after feed position `since` (FEED_START for
        all), a page at a time."""
        body = self._call("GET", "/sync/debriefs", params={"since": since, "limit": limit})
        return FeedPage(items=list(body["items"]), next_since=body["next_since"],
                        more=bool(body["more"]), restarted=bool(body.get("restarted")))

    def reason_counts(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """One insights question (marketing and admins): `/insights/reasons` as JSON,
        every page's groups in one answer."""
        return self._pages("/insights/reasons", params, "groups")

    def funnel(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The funnel reality check (`/insights/funnel`) for a period."""
        return self._call("GET", "/insights/funnel", params=params)

    def shared_quotes(self, params: Mapping[str, Any], most: int = 2000) -> dict[str, Any]:
        """The quotes reps shared, as `/insights/quotes` lists them: up to `most`."""
        return self._pages("/insights/quotes", params, "quotes", most)

    def shared_plays(self, params: Mapping[str, Any], most: int | None = None
                     ) -> dict[str, Any]:
        """The plays reps shared, as `/insights/plays` lists them (protocol 3): up to
        `most`. A server without the route answers none, and says so ("missing")."""
        try:
            return self._pages("/insights/plays", params, "plays", most)
        except SyncProblem as problem:
            if problem.status != 404:
                raise
            return {"plays": [], "next_offset": None, "missing": True}

    def lead_counts(self, kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """The collateral used (`kind` "collateral") or the lead criteria failed
        ("criteria"), as `/insights/{kind}` counts them. A server without the route
        answers none, and says so ("missing")."""
        try:
            return self._call("GET", f"/insights/{kind}", params=params)
        except SyncProblem as problem:
            if problem.status != 404:
                raise
            return {"items": [], "outcomes": {}, "groups": {}, "missing": True}

    def _pages(self, path: str, params: Mapping[str, Any], listed: str,
               most: int | None = None) -> dict[str, Any]:
        """An answer paged by offset as one: the last page's fields, with the `listed`
        items of every page fetched (at least `most` of them, if given, or all)."""
        answer = self._call("GET", path, params={**params, "limit": MAX_PAGE, "offset": 0})
        while answer.get("next_offset") is not None and (
                most is None or len(answer[listed]) < most):
            more = self._call("GET", path, params={**params, "limit": MAX_PAGE,
                                                   "offset": answer["next_offset"]})
            answer = {**more, listed: answer[listed] + more[listed]}
        return answer

    def config(self, etag: str = "") -> tuple[str, dict[str, Any]] | None:
        """The taxonomy, segment lists and contest rules the central store uses, with the
        ETag that names them; None while they are still those `etag` names (an earlier
        answer's): the server then sends no body (304)."""
        answer: tuple[str, dict[str, Any]] | None = self._call("GET", "/sync/config",
                                                               if_none_match=etag)
        return answer

    def reason_list(self) -> dict[str, Any]:
        """The newest version of the reason list, and every version's change."""
        return self._call("GET", "/taxonomy")

    def other_words(self) -> dict[str, Any]:
        """The words reps gave "Other" alike often enough, as suggested codes
        (`/insights/other-words`). A server without the route suggests none."""
        try:
            return self._call("GET", "/insights/other-words")
        except SyncProblem as problem:
            if problem.status != 404:
                raise
            return {"suggested": [], "missing": True}

    def change_reason_list(self, based_on: str, change: Mapping[str, Any]) -> dict[str, Any]:
        """Make one change to version `based_on` (which must still be the newest); the
        answer is the new version, as `reason_list`'s."""
        return self._call("POST", "/taxonomy/changes", refusals=True,
                          json={"based_on": based_on, "change": dict(change)})

    def actions(self) -> dict[str, Any]:
        """Marketing's actions with their progress (`/actions`). A server without the
        route answers none, and says so ("missing")."""
        try:
            return self._pages("/actions", {}, "actions")
        except SyncProblem as problem:
            if problem.status != 404:
                raise
            return {"actions": [], "min_cell": 5, "missing": True}

    def make_action(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Make an action (`new_action`'s body); the answer is the action as listed."""
        return self._call("POST", "/actions", refusals=True, json=dict(body))

    def change_action(self, action_id: int, revision: int, changes: Mapping[str, Any]
                      ) -> dict[str, Any]:
        """Change an action's title, owner, due date or status, from `revision`."""
        return self._call("PATCH", f"/actions/{action_id}", refusals=True,
                          json={"revision": revision, **changes})

    def contest_standing(self) -> ContestStanding | None:
        """The account's standing in the running contest of their team, from the contest
        list and that contest's leaderboard; None when none of theirs is running.

        Of several running contests, the first to end that the account takes part in
        (a manager sees the contests of the teams they manage too); if they take part in
        none, the first to end, without entries or band."""
        running = sorted(self._running_contests(), key=lambda found: found[0])
        standing = None
        for ends_at, contest in running[:BOARDS_READ]:
            board = self._call("GET", f"/contests/{int(contest['id'])}/leaderboard",
                               params={"limit": 1})  # the rep's own row comes anyway
            try:
                me, band = board["me"], board["my_band"]
                found = ContestStanding(
                    name=str(contest["name"]), prize=str(contest["prize"]), ends_at=ends_at,
                    my_entries=None if me is None else int(me["entries"]),
                    band_text=None if band is None else str(band["text"]),
                    field_size=int(board["field_size"]), fetched_at=self.clock.now(),
                    rules={str(k): int(v) for k, v in dict(contest["rules"]).items()})
            except (KeyError, TypeError, ValueError) as exc:
                raise self._unreadable("leaderboard", exc) from None
            if found.my_entries is not None:
                return found
            standing = standing or found
        return standing

    def _running_contests(self) -> list[tuple[datetime, dict[str, Any]]]:
        """The running contests the account may see, with when each ends."""
        running, cursor = [], None
        for _ in range(CONTEST_PAGES):
            params: dict[str, Any] = {"limit": MAX_PAGE}
            if cursor is not None:
                params["cursor"] = cursor
            body = self._call("GET", "/contests", params=params)
            try:
                running += [(from_iso(item["ends_at"]), item) for item in body["items"]
                            if item["running"] is True and int(item["id"]) > 0]
                cursor = body["next_cursor"]
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise self._unreadable("contest list", exc) from None
            if cursor is None:
                break
        return running

    # --- a contest, for its workspace (sync.client.contest_answers reads the answers) ---

    def contests(self) -> list[dict[str, Any]]:
        """The contests the account may see, newest first (up to CONTEST_PAGES pages)."""
        found, cursor = [], None
        for _ in range(CONTEST_PAGES):
            params: dict[str, Any] = {"limit": MAX_PAGE}
            if cursor is not None:
                params["cursor"] = cursor
            body = self._call("GET", "/contests", params=params)
            found += list(body["items"])
            cursor = body.get("next_cursor")
            if cursor is None:
                break
        return found

    def contest(self, contest_id: int) -> dict[str, Any]:
        return self._call("GET", f"/contests/{int(contest_id)}")

    def leaderboard(self, contest_id: int) -> dict[str, Any]:
        """The contest's leaderboard: every rank for its managers, page after page."""
        return self._pages(f"/contests/{int(contest_id)}/leaderboard", {}, "top")

    def entries(self, contest_id: int, rep: str | None = None) -> dict[str, Any]:
        """A rep's debriefs in the contest, each with its entries and why (the account's
        own if `rep` is None)."""
        return self._call("GET", f"/contests/{int(contest_id)}/entries",
                          params={"rep": rep} if rep else None, refusals=True)

    def void(self, contest_id: int, debrief_id: str, reason: str, *,
             undo: bool = False) -> dict[str, Any]:
        """Void a debrief's entries in the contest (or give them back), with a reason."""
        path = f"/contests/{int(contest_id)}/voids" + ("/undo" if undo else "")
        return self._call("POST", path, json={"debrief_id": debrief_id, "reason": reason},
                          refusals=True)

    def draw(self, contest_id: int) -> dict[str, Any]:
        """What is published of the contest's draw so far."""
        return self._call("GET", f"/contests/{int(contest_id)}/draw")

    def run_draw(self, contest_id: int) -> dict[str, Any]:
        """Draw the winners of an ended contest (once: a second is refused)."""
        return self._call("POST", f"/contests/{int(contest_id)}/draw", refusals=True)

    def ledger(self, contest_id: int) -> bytes:
        """The contest's frozen ledger, byte for byte as its digest was taken."""
        return self._call("GET", f"/contests/{int(contest_id)}/ledger", raw=True)

    def create_contest(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/contests", json=dict(body), refusals=True)

    def edit_contest(self, contest_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change what may still change (a new version of the rules once started)."""
        return self._call("PATCH", f"/contests/{int(contest_id)}", json=dict(changes),
                          refusals=True)

    # --- one call ---------------------------------------------------------------------

    def _call(self, method: str, path: str, *, signed: bool = True,
              json: Any = None, params: Mapping[str, Any] | None = None,
              refusals: bool = False, raw: bool = False,
              if_none_match: str | None = None) -> Any:
        """One request, its JSON answer (`raw`: its bytes). `refusals`: a 404, 409 or 422
        is the server refusing what was asked, in its own words (a REFUSED problem), not
        a wrong address or a refused batch. `if_none_match` (an ETag, or "" for none
        yet): the answer is (its ETag, its JSON), or None for a 304."""
        if signed and self._token is None:
            raise problems.sign_in_needed("not signed in")
        try:
            response = self.session.request(
                method, f"{self.base_url}{API_PREFIX}{path}", json=json, params=params,
                headers={PROTOCOL_HEADER: str(self.protocol_version),
                         "Accept": "application/json",
                         **({"If-None-Match": if_none_match} if if_none_match else {})},
                auth=_Bearer(self._token) if signed and self._token else None,
                timeout=(self.timeouts.connect, self.timeouts.read), verify=self.verify,
                allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            raise problems.certificate(self.base_url, _describe(exc)) from None
        except (requests.ConnectionError, requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError) as exc:
            raise problems.offline(self.base_url, _describe(exc)) from None
        except requests.RequestException as exc:  # InvalidURL, MissingSchema, ...
            raise problems.wrong_address(self.base_url, _describe(exc)) from None
        log.debug("%s %s -> %s", method, path, response.status_code)
        answer = self._answer(response, refusals=refusals, raw=raw,
                              tagged=if_none_match is not None)
        if if_none_match is None or answer is None:
            return answer
        return response.headers.get("ETag", ""), answer

    def _answer(self, response: requests.Response, *, refusals: bool = False,
                raw: bool = False, tagged: bool = False) -> Any:
        status = response.status_code
        if status == 426:
            raise problems.update_app(_server_says(response))
        spoken = response.headers.get(PROTOCOL_HEADER)
        if spoken is None:  # not the central store itself: a proxy, or another web server
            if status == 429 or status >= 500:
                raise self._unavailable(response)
            raise problems.wrong_address(
                self.base_url, f"HTTP {status} without a {PROTOCOL_HEADER} header",
                status=status)
        try:
            server_protocol = int(spoken)
        except ValueError:
            raise problems.wrong_address(self.base_url, f"{PROTOCOL_HEADER}: {spoken[:20]!r}",
                                         status=status) from None
        self.server_protocol = server_protocol
        if server_protocol < self.oldest_server_protocol:
            raise problems.update_server(self.base_url, server_protocol,
                                         self.oldest_server_protocol)
        if status == 304 and tagged:
            return None
        if 200 <= status < 300:
            if raw:
                return response.content
            return self._body(response) if status != 204 else None
        if status == 401:
            self._token = None
            raise problems.sign_in_needed(_server_says(response))
        if refusals and status in (404, 409, 422, 502):  # 502: the store's beacon is away
            raise problems.refused(self.base_url, status, _server_says(response),
                                   _fields_named(response))
        if status == 429 or status >= 500:
            raise self._unavailable(response)
        if status == 404 or 300 <= status < 400:
            raise problems.wrong_address(self.base_url, f"HTTP {status}", status=status)
        if status == 422:
            raise _batch_refused(self.base_url, response)
        raise problems.refused(self.base_url, status, _server_says(response))

    def _unavailable(self, response: requests.Response) -> SyncProblem:
        retry_after = _retry_after(response, self.clock.now())
        if response.status_code in (429, 503) and retry_after is not None:
            return problems.throttled(self.base_url, retry_after, response.status_code)
        return problems.offline(self.base_url, f"HTTP {response.status_code}",
                                status=response.status_code)

    def _unreadable(self, what: str, exc: Exception) -> SyncProblem:
        return problems.wrong_address(self.base_url, f"the {what} is not readable: "
                                      f"{type(exc).__name__}: {exc}"[:500])

    def _body(self, response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise problems.wrong_address(self.base_url, "the answer is not JSON",
                                         status=response.status_code) from None


def _describe(exc: BaseException) -> str:
    """The cause for the log: its type and text (URLs and reasons, never headers)."""
    return f"{type(exc).__name__}: {exc}"[:500]


def _server_says(response: requests.Response) -> str:
    """The server's own sentence from an error body, in the shape of FastAPI's errors."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return f"HTTP {response.status_code}"
    if isinstance(detail, list):
        return "; ".join(str(item.get("msg", "")) for item in detail
                         if isinstance(item, dict))[:500]
    return str(detail)[:500] if detail else f"HTTP {response.status_code}"


def _fields_named(response: requests.Response) -> dict[str, str]:
    """The fields an error body names, in the shape of FastAPI's errors ("body",
    "rules", "cap" -> "rules.cap"), each with what the server said of it."""
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return {}
    named: dict[str, str] = {}
    for item in detail if isinstance(detail, list) else ():
        if isinstance(item, dict) and isinstance(item.get("loc"), list):
            where = [str(part) for part in item["loc"][1:]]
            named.setdefault(".".join(where), str(item.get("msg", ""))[:500])
    return named


def _batch_refused(url: str, response: requests.Response) -> BatchRefused:
    """A 422 for a push: which debriefs (by position in the batch) and what is wrong."""
    items: dict[int, list[tuple[str, str]]] = {}
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    for error in detail if isinstance(detail, list) else ():
        loc = error.get("loc") if isinstance(error, dict) else None
        if (isinstance(loc, list) and len(loc) >= 3 and loc[:2] == ["body", "debriefs"]
                and isinstance(loc[2], int)):
            field_name = ".".join(str(part) for part in loc[3:]) or "debrief"
            items.setdefault(loc[2], []).append((field_name, str(error.get("msg", ""))))
    return BatchRefused(Message(N_("The server at {url} refused the request: {reason}"),
                                {"url": url, "reason": _server_says(response)}), items,
                        detail="HTTP 422")


def _retry_after(response: requests.Response, now: datetime) -> float | None:
    """Retry-After in seconds (it may be a number of seconds or an HTTP date)."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def _newer_fields(item: dict[str, Any]) -> bool:
    """Whether a wire dict holds what a server older than this app may not know."""
    return any(key in item for key in LEAD_FIELDS) or any(
        "words" in reason for reason in item.get("reasons") or ())


def _for_protocol(item: dict[str, Any], protocol: int) -> dict[str, Any]:
    """A wire dict as a server of `protocol` knows it."""
    if protocol < LEAD_FACTS_PROTOCOL:
        item = {key: value for key, value in item.items() if key not in LEAD_FIELDS}
    if protocol < WORDS_PROTOCOL and any("words" in r for r in item.get("reasons") or ()):
        item = {**item, "reasons": [{key: value for key, value in reason.items()
                                     if key != "words"} for reason in item["reasons"]]}
    return item
