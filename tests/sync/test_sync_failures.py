"""When sync cannot happen: a wrong address, a server that is down or silent, a token
that expired or was revoked, an app or a server too old, a busy server. Each gives its
plain status, and nothing on the laptop is lost: it all goes through once the cause is
gone."""

from __future__ import annotations

import logging
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers.sync_world import Machine, free_port, server_rows

from sync.client.backoff import Backoff
from sync.client.central_store import CentralStore, Timeouts
from sync.client.problems import ProblemKind, SyncProblem
from sync.client.status import StatusKind
from sync.protocol import PROTOCOL_VERSION
from sync.server import accounts
from sync.server.tables import tokens


@contextmanager
def stand_in(status: int, headers: dict[str, str] | None = None,
             body: bytes = b"<html>Not here</html>",
             tls: ssl.SSLContext | None = None) -> Iterator[str]:
    """A web server on loopback that is not the central store (another site, or a load
    balancer in front of a resting one): every request gets the same answer."""

    class Handler(BaseHTTPRequestHandler):
        def answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = answer

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@contextmanager
def silent_server() -> Iterator[str]:
    """A port that takes connections (the kernel's backlog) but never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def offline_laptop(machine: Callable[..., Machine], rep: str, url: str,
                   timeouts: Timeouts | None = None) -> tuple[Machine, list]:
    """A signed-in laptop with three debriefs, whose server address is then `url`."""
    laptop = machine()
    laptop.sign_in(rep)
    saved = [laptop.save(private_notes=f"note {i}") for i in range(3)]
    laptop.central.base_url = url
    laptop.central.timeouts = timeouts or laptop.central.timeouts
    return laptop, saved


def assert_nothing_lost(laptop: Machine, saved: list, server_db: sa.Engine,
                        real_url: str) -> None:
    """Everything is still here and waiting; once the server is right, it all arrives."""
    assert laptop.replica.counts().waiting == len(saved)
    for debrief in saved:
        assert laptop.store.get(debrief.id) == debrief
    laptop.central.base_url = real_url
    report = laptop.sync()
    assert report.ok, report.errors
    # Pushed now, or already stored by a push whose answer was not read: never twice.
    assert report.pushed + report.duplicates == len(saved)
    assert set(server_rows(server_db, [d.id for d in saved])) == {d.id for d in saved}


def test_a_server_that_is_down_means_offline_and_a_retry_later(machine, rep, server,
                                                               server_db):
    laptop, saved = offline_laptop(machine, rep, f"http://127.0.0.1:{free_port()}")

    first, second = laptop.sync(), laptop.sync()

    assert first.status.kind is StatusKind.OFFLINE
    assert first.errors[0].kind is ProblemKind.OFFLINE
    assert "cannot be reached" in first.status.message.text
    assert first.status.waiting == 3
    # Full jitter with the random source at 0.5: half of base * 2**(failures - 1).
    assert (first.retry_in, second.retry_in) == (0.5, 1.0)
    assert second.retry_at == second.finished_at + timedelta(seconds=1.0)
    assert laptop.central.signed_in
    assert_nothing_lost(laptop, saved, server_db, server.base_url)
    assert laptop.engine.failures == 0


def test_after_a_failure_a_run_with_nothing_to_send_asks_the_server_again(
        machine, rep, server):
    laptop = machine()
    laptop.engine = laptop.make_engine(pull_interval=timedelta(hours=1))
    laptop.sign_in(rep)
    assert laptop.sync().status.kind is StatusKind.UP_TO_DATE  # pulled: none due for an hour
    laptop.central.base_url = f"http://127.0.0.1:{free_port()}"

    pressed = laptop.sync(pull_now=True)  # "Sync now", nothing waiting
    retry = laptop.sync()  # the back-off's retry: nothing waiting, no pull due

    assert pressed.status.kind is StatusKind.OFFLINE
    assert retry.status.kind is StatusKind.OFFLINE  # not "up to date": nobody answered
    assert retry.retry_in is not None
    laptop.central.base_url = server.base_url
    assert laptop.sync().status.kind is StatusKind.UP_TO_DATE
    assert laptop.engine.failures == 0


def test_a_server_that_never_answers_times_out(machine, rep, server, server_db):
    with silent_server() as url:
        laptop, saved = offline_laptop(machine, rep, url,
                                       timeouts=Timeouts(connect=1.0, read=0.2))
        report = laptop.sync()

    assert report.status.kind is StatusKind.OFFLINE
    assert "Timeout" in report.errors[0].detail
    assert_nothing_lost(laptop, saved, server_db, server.base_url)


def test_an_address_that_is_not_a_debrief_server_says_so(machine, rep, server, server_db):
    with stand_in(404) as url:
        laptop, saved = offline_laptop(machine, rep, url)
        report = laptop.sync()

    assert report.status.kind is StatusKind.SERVER_PROBLEM
    assert report.errors[0].kind is ProblemKind.WRONG_ADDRESS
    assert "is not a Debrief server" in report.status.message.text
    assert_nothing_lost(laptop, saved, server_db, server.base_url)


def test_a_wrong_path_on_the_right_server_says_so(machine, rep, server, server_db):
    laptop, saved = offline_laptop(machine, rep, f"{server.base_url}/debrief")
    report = laptop.sync()
    assert report.errors[0].kind is ProblemKind.WRONG_ADDRESS
    assert_nothing_lost(laptop, saved, server_db, server.base_url)


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_a_dead_token_is_forgotten_and_sign_in_is_asked_for(machine, rep, server, server_db,
                                                            how, caplog):
    caplog.set_level(logging.DEBUG)
    laptop, saved = offline_laptop(machine, rep, server.base_url)
    token = laptop.central._token
    assert token
    with server_db.begin() as connection:
        if how == "revoked":
            accounts.revoke_user_tokens(connection, rep, datetime.now(UTC))
        else:
            connection.execute(tokens.update().values(
                expires_at=datetime.now(UTC) - timedelta(minutes=1)))

    report = laptop.sync()

    assert report.status.kind is StatusKind.NEEDS_SIGN_IN
    assert "sign in again" in report.status.message.text
    assert not laptop.central.signed_in
    assert report.retry_in is None  # no retry until the rep signs in
    problem = report.errors[0]
    for text in (str(problem), repr(problem), problem.detail, repr(laptop.central),
                 caplog.text):
        assert token not in text
    assert laptop.sync().errors[0].kind is ProblemKind.SIGN_IN  # no request without one

    laptop.sign_in(rep)
    assert_nothing_lost(laptop, saved, server_db, server.base_url)


def test_an_app_too_old_for_the_server_is_told_to_update(machine, rep, server, server_db):
    laptop, saved = offline_laptop(machine, rep, server.base_url)
    laptop.central.protocol_version = 0

    report = laptop.sync()

    assert report.status.kind is StatusKind.UPDATE_NEEDED
    assert report.errors[0].status == 426
    assert "update the app" in report.status.message.text
    assert report.retry_in is None
    laptop.central.protocol_version = PROTOCOL_VERSION
    assert_nothing_lost(laptop, saved, server_db, server.base_url)


def test_a_server_too_old_for_the_app_is_named(machine, rep, server, server_db):
    laptop, saved = offline_laptop(machine, rep, server.base_url)
    laptop.central.oldest_server_protocol = PROTOCOL_VERSION + 1

    report = laptop.sync()

    assert report.status.kind is StatusKind.SERVER_PROBLEM
    assert report.errors[0].kind is ProblemKind.UPDATE_SERVER
    assert "ask your admin to update it" in report.status.message.text
    laptop.central.oldest_server_protocol = PROTOCOL_VERSION
    # The push reached the server before its answer told the app it was too old; the
    # answer was not trusted, so the debriefs come back as duplicates, marked only now.
    assert_nothing_lost(laptop, saved, server_db, server.base_url)


def test_a_busy_server_s_retry_after_is_honoured(machine, rep, server, server_db):
    slept: list[float] = []
    with stand_in(503, {"Retry-After": "7"}) as url:
        laptop, saved = offline_laptop(machine, rep, url)
        reports = laptop.engine.run_until_settled(slept.append, max_runs=3)

    assert [r.status.kind for r in reports] == [StatusKind.OFFLINE] * 3
    assert reports[0].errors[0].kind is ProblemKind.THROTTLED
    assert "tries again in 7 seconds" in reports[0].status.message.text
    assert slept == [7.0, 7.0]  # the jittered wait is shorter; Retry-After is the floor
    assert all(r.retry_in >= 7.0 for r in reports)
    assert_nothing_lost(laptop, saved, server_db, server.base_url)


def test_too_many_failed_sign_ins_are_throttled_with_retry_after(server, rep):
    central = CentralStore(server.base_url, timeouts=Timeouts(2.0, 10.0))
    kinds = []
    for _ in range(5):
        with pytest.raises(SyncProblem) as wrong:
            central.sign_in(rep, "not the password")
        kinds.append(wrong.value.kind)
    with pytest.raises(SyncProblem) as throttled:
        central.sign_in(rep, "not the password")

    assert kinds == [ProblemKind.SIGN_IN] * 5
    assert "username or password" in str(wrong.value)
    assert throttled.value.kind is ProblemKind.THROTTLED
    retry_after = throttled.value.retry_after
    assert retry_after and retry_after > 0
    assert Backoff(random=lambda: 0.0).delay(1, retry_after) == retry_after
    central.close()


def test_a_body_too_large_is_split_until_one_debrief_is_refused(machine, rep, server,
                                                                server_db):
    front = {"Debrief-Protocol": str(PROTOCOL_VERSION), "Content-Type": "application/json"}
    with stand_in(413, front, b'{"detail": [{"loc": ["body"], "msg": "too large"}]}') as url:
        laptop, saved = offline_laptop(machine, rep, url)
        report = laptop.sync()

    assert report.status.kind is StatusKind.SERVER_PROBLEM
    assert report.errors[0].status == 413
    assert "too large" in report.status.message.text
    assert_nothing_lost(laptop, saved, server_db, server.base_url)


def self_signed(folder: Path) -> tuple[Path, ssl.SSLContext]:
    """A certificate for 127.0.0.1 that no system trusts (made with the openssl tool),
    and a server context presenting it."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return cert, context


def test_tls_is_verified_and_a_custom_ca_bundle_can_be_set(tmp_path):
    cert, context = self_signed(tmp_path)
    with stand_in(404, tls=context) as url:
        unverified = CentralStore(url, token="t", timeouts=Timeouts(2.0, 5.0))
        with pytest.raises(SyncProblem) as refused:
            unverified.me()
        trusting = CentralStore(url, token="t", timeouts=Timeouts(2.0, 5.0), ca_bundle=cert)
        with pytest.raises(SyncProblem) as answered:
            trusting.me()

    assert refused.value.kind is ProblemKind.CERTIFICATE
    assert "could not prove who it is" in refused.value.message.text
    # With the bundle the handshake succeeds; the stand-in is just not a Debrief server.
    assert answered.value.kind is ProblemKind.WRONG_ADDRESS
    unverified.close()
    trusting.close()
