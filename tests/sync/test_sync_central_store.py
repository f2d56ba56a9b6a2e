"""The client's own rules, without a server: what a server address may be, how
Retry-After is read, and that the token never shows in a repr."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from sync.client.central_store import CentralStore, SignedIn, _Bearer, _retry_after, server_address
from sync.client.problems import ProblemKind, SyncProblem


@pytest.mark.parametrize("typed, expected", [
    ("https://debrief.example.com/", "https://debrief.example.com"),
    ("  https://debrief.example.com:8443/team  ", "https://debrief.example.com:8443/team"),
    ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
    ("http://localhost:8765/", "http://localhost:8765"),
    ("http://[::1]:8765", "http://[::1]:8765"),
])
def test_a_usable_server_address_is_tidied(typed, expected):
    assert server_address(typed) == expected


@pytest.mark.parametrize("typed", ["", "debrief.example.com", "ftp://debrief.example.com",
                                   "https://", "https://debrief.example.com/?team=1",
                                   "http://debrief.example.com"])
def test_an_unusable_server_address_is_refused_with_a_reason(typed):
    with pytest.raises(SyncProblem) as refused:
        server_address(typed)
    assert refused.value.kind is ProblemKind.WRONG_ADDRESS
    assert refused.value.message.text


def test_plain_http_elsewhere_only_when_allowed():
    assert server_address("http://10.0.0.5:8765", allow_plain_http=True) == \
        "http://10.0.0.5:8765"
    with pytest.raises(SyncProblem, match="not encrypted"):
        server_address("http://10.0.0.5:8765")


def answer(retry_after: str | None) -> requests.Response:
    response = requests.Response()
    response.status_code = 503
    if retry_after is not None:
        response.headers["Retry-After"] = retry_after
    return response


def test_retry_after_in_seconds_or_as_a_date():
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert _retry_after(answer("120"), now) == 120.0
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert _retry_after(answer(later), now) == 90.0
    earlier = format_datetime(now - timedelta(seconds=90), usegmt=True)
    assert _retry_after(answer(earlier), now) == 0.0
    assert _retry_after(answer("soon"), now) is None
    assert _retry_after(answer(None), now) is None


def test_the_token_shows_in_no_repr():
    token = "tok-5ecret-value"
    central = CentralStore("https://debrief.example.com", token=token)
    signed = SignedIn(username="ann", role="rep", expires_at="2026-04-01", token=token)
    for text in (repr(central), repr(signed), repr(_Bearer(token))):
        assert token not in text
    central.forget_token()
    assert not central.signed_in
    central.close()


def refusal(status: int, detail: object, protocol: bool = True) -> requests.Response:
    import json

    from sync.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

    response = requests.Response()
    response.status_code = status
    response._content = json.dumps({"detail": detail}).encode()
    if protocol:
        response.headers[PROTOCOL_HEADER] = str(PROTOCOL_VERSION)
    return response


def test_a_refusal_keeps_the_servers_words_and_the_fields_it_names():
    store = CentralStore("https://debrief.example.com")
    frozen = refusal(409, [{"loc": ["body", "winners"], "msg": "its number of winners is "
                            "frozen", "type": "frozen"}])
    with pytest.raises(SyncProblem) as refused:
        store._answer(frozen, refusals=True)
    assert refused.value.kind is ProblemKind.REFUSED and refused.value.status == 409
    assert refused.value.fields == {"winners": "its number of winners is frozen"}
    assert refused.value.message.params["reason"] == "its number of winners is frozen"
    rule = refusal(422, [{"loc": ["body", "rules", "cap"], "msg": "too low", "type": "x"}])
    with pytest.raises(SyncProblem) as refused:
        store._answer(rule, refusals=True)
    assert refused.value.fields == {"rules.cap": "too low"}


def test_the_stores_502_for_its_beacon_is_its_refusal_and_a_proxys_is_an_outage():
    store = CentralStore("https://debrief.example.com")
    beacon = [{"loc": ["path", "contest_id"], "msg": "the beacon cannot be reached",
               "type": "beacon_unavailable"}]
    with pytest.raises(SyncProblem) as refused:
        store._answer(refusal(502, beacon), refusals=True)
    assert refused.value.kind is ProblemKind.REFUSED
    assert "beacon" in refused.value.message.params["reason"]
    with pytest.raises(SyncProblem) as outage:  # no protocol header: not the store's
        store._answer(refusal(502, "Bad Gateway", protocol=False), refusals=True)
    assert outage.value.kind is ProblemKind.OFFLINE


class OlderServer(requests.adapters.HTTPAdapter):
    """A central store of an older protocol at the edge of the wire: it records what is
    pushed and answers every item accepted, as such a server does for the fields it
    knows."""

    def __init__(self, protocol: int = 2) -> None:
        super().__init__()
        self.protocol = protocol
        self.pushed: list[dict] = []
        self.asked: list[str] = []

    def send(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        import json

        from sync.protocol import PROTOCOL_HEADER

        items = json.loads(request.body)["debriefs"] if request.body else []
        self.pushed += items
        self.asked.append(request.path_url)
        response = requests.Response()
        response.status_code = 200
        response.headers[PROTOCOL_HEADER] = str(self.protocol)
        response._content = json.dumps({"results": [
            {"id": item["id"], "revision": item["revision"], "status": "accepted"}
            for item in items]}).encode()
        return response


def pushed_to_older(protocol: int, debrief) -> dict:  # type: ignore[no-untyped-def]
    """What an app pushing `debrief` sends a server of `protocol`; it asks first which
    protocol the server speaks (nothing pushed with that)."""
    from sync.domain.wire import to_wire

    server = OlderServer(protocol)
    session = requests.Session()
    session.mount("https://", server)
    store = CentralStore("https://debrief.example.com", token="t", session=session)
    try:
        store.push([to_wire(debrief)])
    finally:
        store.close()
    assert server.asked[0].endswith("/auth/me") and store.server_protocol == protocol
    [pushed] = server.pushed
    return pushed


def test_a_protocol_2_server_is_sent_debriefs_without_their_lead_facts():
    from sync.domain.debrief import LEAD_FIELDS, Collateral, Debrief, Readiness

    debrief = Debrief(id="0190a000-0000-7000-8000-000000000001", rep="ann", revision=1,
                      lead_source="event", sales_ready=Readiness.NO,
                      failed_criteria=("budget",), collateral=(Collateral("case_study"),),
                      play="Brought the CFO in.", share_play=True)
    pushed = pushed_to_older(2, debrief)
    # Without the lead facts: the rest of it still goes.
    assert pushed["id"] == debrief.id and not set(pushed) & set(LEAD_FIELDS)


def test_a_protocol_3_server_is_sent_reasons_without_their_words():
    from sync.domain.debrief import Debrief, Reason

    pushed = pushed_to_older(3, Debrief(
        id="0190a000-0000-7000-8000-000000000002", rep="ann", revision=1,
        lead_source="event", reasons=(Reason("other.in_a_few_words", primary=True,
                                             words="No SSO support"),
                                      Reason("price.too_high"))))
    # Its own answer refuses a code its list does not have, debrief by debrief, rather
    # than the whole batch for a field it does not know; the lead facts it knows go.
    assert [set(reason) for reason in pushed["reasons"]] == [
        {"code", "detail", "evidence", "primary"}] * 2
    assert pushed["lead_source"] == "event"
