"""Push: exactly once, whatever is sent twice, late or at the same moment; bad input
gets a clear answer and changes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from helpers.server_harness import running_server
from helpers.server_world import People

from sync.server.api.schemas import MAX_BATCH
from sync.server.tables import debrief_reasons, debriefs


def stored(engine: sa.Engine, debrief_id: str) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(sa.select(debriefs).where(debriefs.c.id == debrief_id)).first()
        if row is None:
            return None
        reasons = connection.execute(sa.select(debrief_reasons.c.code).where(
            debrief_reasons.c.debrief_id == debrief_id).order_by(
            debrief_reasons.c.position)).scalars().all()
    return {**row._asdict(), "reasons": reasons}


def count_rows(engine: sa.Engine, ids: list[str]) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.select(sa.func.count()).select_from(debriefs).where(
            debriefs.c.id.in_(ids))).scalar_one()


def statuses(answer: Any) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [result["status"] for result in answer.json()["results"]]


def test_a_batch_is_stored_and_answered_item_by_item(people: People, engine, new_debrief):
    rep = people("rep")
    batch = [new_debrief() for _ in range(3)]
    answer = rep.api.push(*batch)
    assert statuses(answer) == ["accepted"] * 3
    assert answer.json()["accepted"] == 3
    row = stored(engine, batch[0]["id"])
    assert row is not None
    assert row["revision"] == 1
    assert row["outcome"] == "lost"
    assert row["competitor"] == "Acme"
    assert row["reasons"] == ["price.too_high", "competitor.cheaper"]


def test_the_same_batch_twice_is_stored_once(people: People, engine, new_debrief):
    rep = people("rep")
    batch = [new_debrief() for _ in range(5)]
    assert statuses(rep.api.push(*batch)) == ["accepted"] * 5
    assert statuses(rep.api.push(*batch)) == ["duplicate"] * 5
    assert count_rows(engine, [d["id"] for d in batch]) == 5


def test_a_lower_revision_never_overwrites_a_higher_one(people: People, engine, new_debrief):
    rep = people("rep")
    first = new_debrief()
    newer = {**first, "revision": 3, "competitor": "Globex",
             "updated_at": "2026-11-03T09:00:00.000000Z"}
    assert statuses(rep.api.push(newer)) == ["accepted"]
    assert statuses(rep.api.push(first)) == ["duplicate"]
    row = stored(engine, first["id"])
    assert (row["revision"], row["competitor"]) == (3, "Globex")


def test_a_higher_revision_replaces_fields_and_reasons(people: People, engine, new_debrief):
    rep = people("rep")
    first = new_debrief()
    rep.api.push(first)
    edited = {**first, "revision": 2, "updated_at": "2026-11-05T10:00:00.000000Z",
              "reasons": [{"code": "timing.decision_delayed", "detail": None,
                           "evidence": "my_read", "primary": True}]}
    assert statuses(rep.api.push(edited)) == ["accepted"]
    row = stored(engine, first["id"])
    assert row["revision"] == 2
    assert row["reasons"] == ["timing.decision_delayed"]


def test_at_the_same_revision_the_later_edit_wins(people: People, engine, new_debrief):
    rep = people("rep")
    base = new_debrief()
    laptop = {**base, "revision": 2, "competitor": "Laptop edit",
              "updated_at": "2026-11-05T10:00:00.000000Z"}
    desktop = {**base, "revision": 2, "competitor": "Desktop edit",
               "updated_at": "2026-11-05T11:00:00.000000Z"}
    assert statuses(rep.api.push(desktop)) == ["accepted"]
    assert statuses(rep.api.push(laptop)) == ["duplicate"]
    assert stored(engine, base["id"])["competitor"] == "Desktop edit"


def test_a_tombstone_pushes_as_a_newer_revision(people: People, engine, new_debrief):
    rep = people("rep")
    first = new_debrief()
    rep.api.push(first)
    tombstone = {**first, "revision": 2, "deleted": True, "reasons": [],
                 "updated_at": "2026-11-06T10:00:00.000000Z"}
    assert statuses(rep.api.push(tombstone)) == ["accepted"]
    row = stored(engine, first["id"])
    assert row["deleted"] is True or row["deleted"] == 1
    assert row["reasons"] == []


def test_one_bad_item_never_sinks_the_batch(people: People, engine, new_debrief):
    rep = people("rep")
    good, bad = new_debrief(), new_debrief(reasons=[], reasons_unknown=False)
    answer = rep.api.push(good, bad, new_debrief())
    assert statuses(answer) == ["accepted", "rejected", "accepted"]
    problems = answer.json()["results"][1]["problems"]
    assert [p["field"] for p in problems] == ["reasons"]
    assert "reason" in problems[0]["message"]
    assert stored(engine, bad["id"]) is None
    assert stored(engine, good["id"]) is not None


@pytest.mark.parametrize(("change", "field"), [
    ({"outcome": None}, "outcome"),
    ({"reasons": [{"code": "no.such.code", "primary": True}]}, "reasons[0]"),
    ({"reasons": [{"code": "price.good_value", "primary": True}]}, "reasons[0]"),
    ({"competitor": "A\u0007cme"}, "competitor"),
    ({"quote": "x" * 5000, "share_quote": True}, "quote"),
    ({"segment": {"industry": "underwater basket weaving", "company_size": "200-999",
                  "region": "dach"}}, "segment.industry"),
])
def test_a_debrief_that_breaks_a_rule_is_rejected_naming_the_field(
        people: People, engine, new_debrief, change, field):
    rep = people("rep")
    bad = new_debrief(**change)
    answer = rep.api.push(bad)
    assert statuses(answer) == ["rejected"]
    assert field in [p["field"] for p in answer.json()["results"][0]["problems"]]
    assert stored(engine, bad["id"]) is None


def test_a_debrief_dated_ahead_of_the_server_is_rejected_and_the_batch_goes_on(
        people: People, engine, new_debrief):
    # A laptop clock set years ahead, or a client making up dates: never stored, so it
    # earns no contest entries for days to come, and one in December 9999 cannot later
    # trip the rollup's month arithmetic.
    rep = people("rep")
    ahead = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    good = new_debrief()
    dated = [new_debrief(created_at=ahead, updated_at=ahead),
             new_debrief(created_at="9999-12-15T10:00:00Z", updated_at="9999-12-15T10:00:00Z")]
    answer = rep.api.push(good, *dated)
    assert statuses(answer) == ["accepted", "rejected", "rejected"]
    for result in answer.json()["results"][1:]:
        assert [p["field"] for p in result["problems"]] == ["created_at", "updated_at"]
        assert "set this computer's date and time" in result["problems"][0]["message"]
    assert [stored(engine, item["id"]) for item in dated] == [None, None]
    # Deleting it on the laptop sends a tombstone, which is taken: nothing stays refused.
    tombstone = {**dated[1], "revision": 2, "deleted": True}
    assert statuses(rep.api.push(tombstone)) == ["accepted"]


def test_an_unshared_quote_never_reaches_the_store(people: People, engine, new_debrief):
    rep = people("rep")
    secret = new_debrief(quote="they hate our CFO", share_quote=False)
    answer = rep.api.push(secret)
    assert statuses(answer) == ["rejected"]
    assert answer.json()["results"][0]["problems"][0]["field"] == "quote"
    assert stored(engine, secret["id"]) is None


@pytest.mark.parametrize("private_field", ["private_notes", "account_name", "rep"])
def test_a_field_the_schema_does_not_know_is_a_422_naming_it(
        people: People, engine, new_debrief, private_field):
    rep = people("rep")
    leaked = new_debrief(**{private_field: "Initech, call Bob"})
    answer = rep.api.push(new_debrief(), leaked)
    assert answer.status_code == 422
    error = answer.json()["detail"][0]
    assert error["loc"] == ["body", "debriefs", 1, private_field]
    assert "Initech" not in answer.text  # the value is not echoed back
    assert stored(engine, leaked["id"]) is None


@pytest.mark.parametrize("moment", [
    "0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00", "2026-11-02T09:00:00",
])
def test_a_timestamp_with_no_utc_time_or_no_zone_is_a_422_naming_it(
        people: People, engine, new_debrief, moment):
    rep = people("rep")
    bad = new_debrief(created_at=moment)
    answer = rep.api.push(bad)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "debriefs", 0, "created_at"]
    assert stored(engine, bad["id"]) is None


@pytest.mark.parametrize(("change", "loc"), [
    ({"deleted": "yes"}, ["deleted"]),  # lax parsing would store a tombstone
    ({"share_quote": "on"}, ["share_quote"]),
    ({"reasons_unknown": 1}, ["reasons_unknown"]),
    ({"revision": "7"}, ["revision"]),
    ({"revision": True}, ["revision"]),
    ({"revision": 2.5}, ["revision"]),  # 2.0 is the whole number 2 (test_server_openapi)
    ({"created_at": 1793000000}, ["created_at"]),  # seconds since 1970, unasked for
    ({"created_at": "1793000000"}, ["created_at"]),
    ({"deal_value": "\u0661\u0662\u0663", "currency": "EUR"}, ["deal_value"]),  # Arabic-Indic
    ({"reasons": [{"code": "price.too_high", "primary": "true"}]}, ["reasons", 0, "primary"]),
])
def test_a_value_of_the_wrong_json_type_is_a_422_naming_it(
        people: People, engine, new_debrief, change, loc):
    rep = people("rep")
    bad = new_debrief(**change)
    answer = rep.api.push(bad)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "debriefs", 0, *loc]
    assert stored(engine, bad["id"]) is None


@pytest.mark.parametrize(("change", "loc"), [
    ({"competitor": "Acme\x00"}, ["competitor"]),
    ({"quote": "we\x00said", "share_quote": True}, ["quote"]),
    ({"segment": {"industry": "\x00"}}, ["segment", "industry"]),
    ({"reasons": [{"code": "price\x00", "primary": True}]}, ["reasons", 0, "code"]),
    # A tombstone skips the domain's checks; an unpaired surrogate cannot be encoded.
    ({"deleted": True, "competitor": "Acme\ud800"}, ["competitor"]),
    ({"deleted": True, "crm_ref": "\udfff"}, ["crm_ref"]),
    ({"deleted": True, "segment": {"region": "\ud800"}}, ["segment", "region"]),
    ({"deleted": True, "reasons": [{"code": "x", "detail": "\ud800"}]},
     ["reasons", 0, "detail"]),
])
def test_text_no_database_can_store_is_a_422_naming_its_field(
        people: People, engine, new_debrief, change, loc):
    # PostgreSQL cannot store NUL in text, and no database an unpaired surrogate: either
    # must be refused by name, never reach the database as a 500.
    rep = people("rep")
    bad = new_debrief(**change)
    answer = rep.api.push(new_debrief(), bad)
    assert answer.status_code == 422, answer.text
    error = answer.json()["detail"][0]
    assert error["loc"] == ["body", "debriefs", 1, *loc]
    assert stored(engine, bad["id"]) is None


def test_a_timestamp_with_an_offset_is_stored_in_utc(people: People, engine, new_debrief):
    rep = people("rep")
    debrief = new_debrief(created_at="2026-11-02T10:00:00+01:00")
    assert rep.api.push(debrief).json()["results"][0]["status"] == "accepted"
    [mine] = rep.api.get("/api/v1/sync/debriefs").json()["items"]
    assert mine["id"] == debrief["id"]
    assert mine["created_at"] == "2026-11-02T09:00:00.000000Z"


def test_a_batch_over_the_cap_is_a_422_naming_debriefs(people: People, new_debrief):
    rep = people("rep")
    one = new_debrief()
    answer = rep.api.push(*[{**one, "id": one["id"][:-4] + f"{i:04x}"}
                            for i in range(MAX_BATCH + 1)])
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "debriefs"]


def test_an_oversized_body_is_a_413(people: People, engine, new_debrief):
    rep = people("rep")
    padding = new_debrief(crm_ref="x" * 200)
    body = json.dumps({"debriefs": [padding] * 40_000}).encode()
    assert len(body) > 8 * 1024 * 1024
    answer = rep.api.post("/api/v1/sync/push", data=body,
                          headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert answer.json()["detail"][0]["loc"] == ["body"]
    assert stored(engine, padding["id"]) is None


def test_a_streamed_body_over_the_cap_is_a_413(people: People, new_debrief):
    rep = people("rep")
    chunk = json.dumps(new_debrief()).encode() + b","

    def chunks():  # no Content-Length: the server must count as it reads
        yield b'{"debriefs": ['
        for _ in range(9 * 1024 * 1024 // len(chunk) + 1):
            yield chunk
        yield b"{}]}"

    answer = rep.api.post("/api/v1/sync/push", data=chunks(),
                          headers={"Content-Type": "application/json"})
    assert answer.status_code == 413


def test_a_malformed_json_body_is_a_422(people: People):
    rep = people("rep")
    answer = rep.api.post("/api/v1/sync/push", data=b'{"debriefs": [',
                          headers={"Content-Type": "application/json"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][0] == "body"


@pytest.mark.parametrize("body", [b'{"debriefs": ["\xff\xfe"]}',  # not UTF-8
                                  b"[" * 5000 + b"]" * 5000])  # deeper than the parser goes
def test_a_body_that_cannot_be_read_is_a_400_naming_the_body(people: People, body):
    answer = people("rep").api.post("/api/v1/sync/push", data=body,
                                    headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert isinstance(answer.json()["detail"], list), answer.text
    assert [error["loc"] for error in answer.json()["detail"]] == [["body"]]


def test_a_body_not_sent_as_json_is_a_415_naming_the_content_type(people: People,
                                                                  new_debrief):
    rep = people("rep")
    body = json.dumps({"debriefs": [new_debrief()]})
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        headers = {"Content-Type": content_type} if content_type else {}
        answer = rep.api.post("/api/v1/sync/push", data=body, headers=headers)
        assert answer.status_code == 415, (content_type, answer.text)
        assert answer.json()["detail"][0]["loc"] == ["header", "content-type"]
    answer = rep.api.post("/api/v1/sync/push", data=body,
                          headers={"Content-Type": "application/json; charset=utf-8"})
    assert statuses(answer) == ["accepted"]


def test_another_reps_debrief_cannot_be_overwritten(people: People, engine, new_debrief):
    owner, intruder = people("rep"), people("rep")
    mine = new_debrief()
    owner.api.push(mine)
    hijack = {**mine, "revision": 9, "competitor": "Hijacked",
              "updated_at": "2026-11-09T09:00:00.000000Z"}
    answer = intruder.api.push(hijack)
    assert statuses(answer) == ["rejected"]
    assert answer.json()["results"][0]["problems"][0]["field"] == "id"
    row = stored(engine, mine["id"])
    assert (row["revision"], row["competitor"]) == (1, "Acme")


@pytest.mark.parametrize("role", ["marketing", "admin"])
def test_only_reps_and_managers_push(people: People, new_debrief, role):
    answer = people(role).api.push(new_debrief())
    assert answer.status_code == 403


def test_pushing_needs_a_sign_in(server, new_debrief):
    from helpers.server_harness import Api

    answer = Api(server.base_url).push(new_debrief())
    assert answer.status_code == 401


def test_many_pushes_at_once_store_each_debrief_once(people: People, engine, new_debrief):
    """The same debriefs pushed by 8 threads at once, at rising revisions."""
    rep = people("rep")
    batch = [new_debrief() for _ in range(20)]

    def push(revision: int) -> list[str]:
        return statuses(rep.api.push(*[
            {**d, "revision": revision, "updated_at": f"2026-11-1{revision}T09:00:00Z"}
            for d in batch]))

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(push, [1, 2, 3, 4, 1, 2, 3, 4]))
    assert all(set(r) <= {"accepted", "duplicate"} for r in results)
    assert count_rows(engine, [d["id"] for d in batch]) == 20
    assert {stored(engine, d["id"])["revision"] for d in batch} == {4}


def test_two_server_processes_pushing_the_same_debriefs_store_them_once(
        people: People, engine, server, new_debrief, tmp_path):
    """Two processes on one database (behind a load balancer), pushing at once."""
    rep = people("rep")
    batch = [new_debrief() for _ in range(30)]
    with running_server(server.db_url, tmp_path) as second:
        from helpers.server_harness import Api

        apis = [rep.api, Api(second.base_url, rep.api.session.headers["Authorization"]
                             .removeprefix("Bearer "))]

        def push(index: int) -> list[str]:
            revision = 1 + index % 3
            return statuses(apis[index % 2].push(*[
                {**d, "revision": revision, "updated_at": f"2026-11-1{revision}T09:00:00Z"}
                for d in batch]))

        with ThreadPoolExecutor(6) as pool:
            results = list(pool.map(push, range(12)))
    accepted = sum(r.count("accepted") for r in results)
    assert 30 <= accepted <= 90  # each debrief at least once, at most once per revision
    assert count_rows(engine, [d["id"] for d in batch]) == 30
    assert {stored(engine, d["id"])["revision"] for d in batch} == {3}


def test_two_versions_of_one_debrief_in_one_batch_store_the_newer(people: People, engine,
                                                                  new_debrief):
    rep = people("rep")
    first = new_debrief()
    newer = {**first, "revision": 2, "competitor": "Newer",
             "updated_at": "2026-11-05T10:00:00.000000Z"}
    assert statuses(rep.api.push(newer, first)) == ["accepted", "duplicate"]
    assert statuses(rep.api.push(first, newer)) == ["duplicate", "duplicate"]
    row = stored(engine, first["id"])
    assert (row["revision"], row["competitor"]) == (2, "Newer")
