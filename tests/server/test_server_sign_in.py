"""Signing in and out over HTTP: tokens kept only as hashes, argon2id passwords, one
answer for every wrong guess, rate limits per account and per address, revocation and
expiry. On SQLite and PostgreSQL.

Every test that makes failed sign-ins sends its own X-Forwarded-For (uvicorn trusts it
from 127.0.0.1), so that the failures count against an address of its own and never
against 127.0.0.1, which the other tests sign in from.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests
import sqlalchemy as sa
from helpers.server_harness import Api, ServerProcess
from helpers.server_world import PASSWORD, People

from sync.server import accounts, tokens
from sync.server.sign_in import SignInLimits
from sync.server.tables import tokens as tokens_table
from sync.server.tables import users

SIGN_IN = "/api/v1/auth/sign-in"
ME = "/api/v1/auth/me"
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
WRONG = "not the password at all"


def new_address() -> str:
    """An address in 10.0.0.0/8 that no other test uses."""
    return str(ipaddress.IPv4Address(0x0A000000 | secrets.randbits(24)))


def sign_in(server: ServerProcess, username: str, password: str = PASSWORD, *,
            address: str | None = None, **body: object) -> requests.Response:
    headers = {"X-Forwarded-For": address} if address else {}
    return Api(server.base_url).post(SIGN_IN, headers=headers,
                                     json={"username": username, "password": password, **body})


def user_id(engine: sa.Engine, username: str) -> int:
    with engine.connect() as connection:
        user = accounts.find_user(connection, username)
    assert user is not None
    return user.id


def only_error(answer: requests.Response) -> dict[str, object]:
    detail = answer.json()["detail"]
    assert isinstance(detail, list) and len(detail) == 1, detail
    return detail[0]


# --- a good sign-in ---------------------------------------------------------------------


def test_a_good_sign_in_gives_a_token_for_30_days_and_the_user(server, people: People):
    team = people.team()
    username = people.add("rep", team=team)
    before = datetime.now(UTC)
    answer = sign_in(server, username)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert TOKEN.fullmatch(body["token"]), body["token"]
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert expires_at.tzinfo is not None
    assert before + timedelta(days=30) - timedelta(minutes=1) <= expires_at
    assert expires_at <= datetime.now(UTC) + timedelta(days=30) + timedelta(minutes=1)
    assert body["user"]["username"] == username
    assert body["user"]["role"] == "rep"
    assert body["user"]["team"] == team
    assert body["user"]["manages"] == []
    me = Api(server.base_url, body["token"]).get(ME)
    assert me.status_code == 200, me.text
    assert me.json()["username"] == username


def test_the_store_keeps_only_the_sha256_of_a_token(server, people: People, engine):
    username = people.add("rep")
    token = sign_in(server, username).json()["token"]
    with engine.connect() as connection:
        hashes = connection.execute(sa.select(tokens_table.c.token_hash).where(
            tokens_table.c.user_id == user_id(engine, username))).scalars().all()
        every_value = [str(value) for table in (tokens_table, users)
                       for row in connection.execute(sa.select(table)) for value in row]
    assert hashes == [hashlib.sha256(token.encode()).hexdigest()]
    assert not [value for value in every_value if token in value]


def test_passwords_are_stored_as_argon2id_and_upgraded_at_sign_in(server, people: People,
                                                                  engine):
    username = people.add("rep")  # hashed with the fixture's cheap parameters

    def stored_hash() -> str:
        with engine.connect() as connection:
            return connection.execute(sa.select(users.c.password_hash).where(
                users.c.username == username)).scalar_one()

    assert stored_hash().startswith("$argon2id$")
    assert sign_in(server, username).status_code == 200
    upgraded = stored_hash()
    assert upgraded.startswith("$argon2id$")
    assert "m=65536,t=3,p=4" in upgraded  # the server's own parameters now
    assert PASSWORD not in upgraded
    assert sign_in(server, username).status_code == 200


# --- refusals ---------------------------------------------------------------------------


def test_wrong_password_and_unknown_user_get_the_same_401(server, people: People):
    address = new_address()
    username = people.add("rep")
    wrong_password = sign_in(server, username, WRONG, address=address)
    unknown_user = sign_in(server, f"nobody-{secrets.token_hex(4)}", PASSWORD,
                           address=address)
    for answer in (wrong_password, unknown_user):
        assert answer.status_code == 401, answer.text
        assert answer.headers["content-type"].startswith("application/json")
        assert only_error(answer)["loc"] == ["body", "password"]
    assert only_error(wrong_password)["msg"] == only_error(unknown_user)["msg"]
    assert "wrong username or password" in only_error(wrong_password)["msg"]
    assert "token" not in wrong_password.json()


def test_a_disabled_user_cannot_sign_in_and_their_token_stops_working(server,
                                                                      people: People,
                                                                      engine):
    rep = people("rep")
    assert rep.api.get(ME).status_code == 200
    with engine.begin() as connection:
        accounts.disable_user(connection, rep.username, datetime.now(UTC))
    answer = sign_in(server, rep.username, address=new_address())
    assert answer.status_code == 401, answer.text
    assert "token" not in answer.json()
    assert rep.api.get(ME).status_code == 401


# --- rate limits ------------------------------------------------------------------------


def test_five_failures_lock_the_account_even_for_the_right_password(server, people: People):
    address = new_address()
    username = people.add("rep")
    for attempt in range(5):
        answer = sign_in(server, username, WRONG, address=address)
        assert answer.status_code == 401, (attempt, answer.text)
    locked = sign_in(server, username, PASSWORD, address=address)
    assert locked.status_code == 429, locked.text
    assert "token" not in locked.json()
    retry_after = locked.headers["Retry-After"]
    assert retry_after.isdigit(), retry_after
    assert 1 <= int(retry_after) <= 15 * 60
    error = only_error(locked)
    assert error["loc"] == ["body", "username"]
    assert "too many" in str(error["msg"])


def test_the_account_limit_holds_whatever_the_usernames_case(server, people: People):
    address = new_address()
    username = people.add("rep")
    for spelling in (username.upper(), f" {username}", username.title(), f"{username} ",
                     username):
        assert sign_in(server, spelling, WRONG, address=address).status_code == 401
    assert sign_in(server, username, address=address).status_code == 429


def test_the_account_limit_counts_failures_from_every_address(server, people: People):
    username = people.add("rep")
    for _ in range(5):
        assert sign_in(server, username, WRONG, address=new_address()).status_code == 401
    assert sign_in(server, username, address=new_address()).status_code == 429


def test_the_account_limit_holds_for_guesses_sent_at_once(server, people: People):
    """An attacker sends guesses in parallel: still only five are checked, not one per
    request in flight."""
    username = people.add("rep")
    with ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(lambda _: sign_in(server, username, WRONG,
                                                address=new_address()).status_code,
                              range(20)))
    assert set(codes) <= {401, 429}, codes
    assert codes.count(401) <= 5, f"{codes.count(401)} guesses checked, limit is 5"
    assert sign_in(server, username, address=new_address()).status_code == 429


def test_failures_from_one_address_up_to_the_limit_lock_that_address(server,
                                                                   people: People):
    address = new_address()
    username = people.add("rep")
    limit = SignInLimits().per_address
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda attempt: sign_in(
            server, f"unknown-{attempt}-{secrets.token_hex(4)}", WRONG,
            address=address).status_code, range(limit)))
    assert codes == [401] * limit
    locked = sign_in(server, username, address=address)
    assert locked.status_code == 429, locked.text
    assert int(locked.headers["Retry-After"]) >= 1
    elsewhere = sign_in(server, username, address=new_address())
    assert elsewhere.status_code == 200, elsewhere.text


def test_good_sign_ins_at_once_from_one_address_are_not_limited(server, people: People):
    """An office behind one address signing in at 9:00 must not lock itself out."""
    address = new_address()
    usernames = [people.add("rep") for _ in range(40)]
    with ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(lambda name: sign_in(server, name, address=address).status_code,
                              usernames))
    assert codes == [200] * 40


def test_a_good_sign_in_clears_the_accounts_failures(server, people: People):
    address = new_address()
    username = people.add("rep")
    for _ in range(4):
        assert sign_in(server, username, WRONG, address=address).status_code == 401
    assert sign_in(server, username, address=address).status_code == 200
    for attempt in range(4):
        answer = sign_in(server, username, WRONG, address=address)
        assert answer.status_code == 401, (attempt, answer.text)
    assert sign_in(server, username, address=address).status_code == 200


# --- tokens -----------------------------------------------------------------------------


def test_sign_out_revokes_that_token_only(server, people: People, engine):
    username = people.add("rep")
    first, second = (Api(server.base_url, sign_in(server, username).json()["token"])
                     for _ in range(2))
    answer = first.post("/api/v1/auth/sign-out")
    assert answer.status_code == 204, answer.text
    assert answer.content == b""
    assert first.get(ME).status_code == 401
    assert first.post("/api/v1/auth/sign-out").status_code == 401
    assert second.get(ME).status_code == 200
    with engine.connect() as connection:
        revoked = connection.execute(sa.select(tokens_table.c.revoked_at).where(
            tokens_table.c.user_id == user_id(engine, username))).scalars().all()
    assert sorted(value is None for value in revoked) == [False, True]


def test_an_expired_token_is_refused(server, people: People, engine):
    rep_id = user_id(engine, people.add("rep"))
    now = datetime.now(UTC)
    with engine.begin() as connection:
        expired = tokens.issue(connection, rep_id, now - timedelta(hours=2),
                               timedelta(hours=1))
        live = tokens.issue(connection, rep_id, now, timedelta(hours=1))
    answer = Api(server.base_url, expired).get(ME)
    assert answer.status_code == 401, answer.text
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert "sign in again" in answer.json()["detail"]
    assert Api(server.base_url, live).get(ME).status_code == 200


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer    ", "Basic dXNlcjpwYXNzd29yZA==", "Token abc",
    "Bearerabc", "Bearer not-a-token-this-server-gave-out",
])
def test_a_missing_or_bad_authorization_is_a_401_asking_for_bearer(server,
                                                                   authorization):
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = Api(server.base_url).get(ME, headers=headers)
    assert answer.status_code == 401, answer.text
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert "sign in" in answer.json()["detail"]


def test_a_live_token_counts_only_under_the_bearer_scheme(server, people: People):
    token = sign_in(server, people.add("rep")).json()["token"]
    for authorization in (f"Basic {token}", f"Token {token}", token, f"Bearer{token}"):
        answer = Api(server.base_url).get(ME, headers={"Authorization": authorization})
        assert answer.status_code == 401, authorization
        assert answer.headers["WWW-Authenticate"] == "Bearer"
    for authorization in (f"bearer {token}", f"BEARER {token}", f"Bearer   {token}  "):
        answer = Api(server.base_url).get(ME, headers={"Authorization": authorization})
        assert answer.status_code == 200, authorization


# --- input ------------------------------------------------------------------------------


def test_an_unknown_field_is_a_422_that_does_not_echo_the_password(server, people: People):
    username = people.add("rep")
    secret = f"secret-{secrets.token_hex(8)}"
    answer = sign_in(server, username, secret, address=new_address(), remember_me=secret)
    assert answer.status_code == 422, answer.text
    error = only_error(answer)
    assert error["loc"] == ["body", "remember_me"]
    assert "input" not in error
    assert secret not in answer.text


def test_a_password_too_long_is_a_422_that_does_not_echo_it(server, people: People):
    username = people.add("rep")
    secret = "x" * 250 + secrets.token_hex(8)
    answer = sign_in(server, username, secret, address=new_address())
    assert answer.status_code == 422, answer.text
    assert only_error(answer)["loc"] == ["body", "password"]
    assert secret not in answer.text


# --- who am I ---------------------------------------------------------------------------


def test_me_tells_a_manager_which_teams_they_manage(people: People):
    team = people.team()
    manager = people("manager", manages=(team,))
    answer = manager.api.get(ME)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert isinstance(body.pop("id"), int)
    assert body == {"username": manager.username, "display_name": manager.username,
                    "role": "manager", "team": None, "manages": [team]}


def test_me_tells_a_rep_their_team(people: People):
    rep = people("rep")
    me = rep.api.get(ME).json()
    assert (me["role"], me["team"], me["manages"]) == ("rep", rep.team, [])
