"""A fault-injecting HTTP proxy on loopback, between the sync engine and a real central
store: it drops, delays, duplicates and cuts requests, answers 502 itself, and counts
what it did to each request.

One request per client connection. The proxy reads a whole request (headers and a
Content-Length body), asks its schedule which fault to play, forwards the request on a
fresh connection to the server, and answers with `Connection: close`: requests' pool of
kept-alive connections never sees one the proxy has half used, and every request is a
story of its own. (requests never sends a chunked body for `json=`; the proxy refuses
one rather than guess.)
"""

from __future__ import annotations

import logging
import random
import socket
import socketserver
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

_HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "upgrade"})
_MAX_HEAD = 64 * 1024


class Fault(StrEnum):
    PASS = "pass"  # forwarded, answered
    DROP_BEFORE = "drop_before"  # closed unanswered; the server never sees the request
    DROP_ANSWER = "drop_answer"  # the server answers (so it committed); the client gets nothing
    DELAY = "delay"  # held for `delay` seconds, then forwarded and answered
    BAD_GATEWAY = "bad_gateway"  # the proxy answers 502 itself; the server never sees it
    DUPLICATE = "duplicate"  # sent to the server twice; the client gets the second answer
    # The server gets the head and half the body (a request without a body: half its
    # head), then the connection closes; the client gets nothing.
    CUT_BODY = "cut_body"


FAULTS: tuple[Fault, ...] = tuple(fault for fault in Fault if fault is not Fault.PASS)


@dataclass(frozen=True)
class Seen:
    """What a schedule may look at to choose a request's fault."""

    method: str
    path: str  # without the query
    body_length: int


Schedule = Callable[[Seen], Fault]


def passing(seen: Seen) -> Fault:
    """The schedule of a well-behaved network."""
    return Fault.PASS


class SeededFaults:
    """One request in `one_in` gets a fault, at a random place in each run of `one_in`
    requests, and its kind comes from a shuffled deck of `kinds`: every kind is played
    once per `len(kinds)` faults. Counted per path, so pushes meet every kind however
    many other requests there are. The same seed and the same requests give the same
    faults. A cut needs a body: a request without one that draws it is cut, but in its
    head (see `FaultProxy._cut`)."""

    def __init__(self, seed: int, one_in: int = 4, kinds: Iterable[Fault] = FAULTS):
        if one_in < 1 or not kinds:
            raise ValueError("SeededFaults needs one_in >= 1 and some kinds")
        self.one_in = one_in
        self.kinds = tuple(kinds)
        self._random = random.Random(seed)
        self._turns: dict[str, list[bool]] = {}  # per path: fault or not, this run
        self._decks: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()

    @property
    def rate(self) -> float:
        return 1 / self.one_in

    def __call__(self, seen: Seen) -> Fault:
        with self._lock:
            turns = self._turns.setdefault(seen.path, [])
            if not turns:
                turns += [True] + [False] * (self.one_in - 1)
                self._random.shuffle(turns)
            if not turns.pop():
                return Fault.PASS
            deck = self._decks.setdefault(seen.path, [])
            if not deck:
                deck += self.kinds
                self._random.shuffle(deck)
            return deck.pop()


class Script:
    """The given faults, one per request in arrival order; then every request passes.
    A cut scripted for a request without a body cuts its head instead."""

    def __init__(self, faults: Iterable[Fault]):
        self._left = deque(faults)
        self._lock = threading.Lock()

    def __call__(self, seen: Seen) -> Fault:
        with self._lock:
            return self._left.popleft() if self._left else Fault.PASS

    @property
    def done(self) -> bool:
        return not self._left


@dataclass(frozen=True)
class _Request:
    seen: Seen
    head: bytes  # request line and headers as forwarded, ending with the blank line
    body: bytes

    @property
    def raw(self) -> bytes:
        return self.head + self.body


class FaultProxy:
    """`http://127.0.0.1:<port>` in front of `upstream` (a base URL), playing the faults
    `schedule` chooses. `counts` says how often each fault was played; `played` lists
    (fault, method, path) in order."""

    def __init__(self, upstream: str, schedule: Schedule = passing, *, delay: float = 0.2,
                 timeout: float = 30.0):
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname or not parts.port:
            raise ValueError(f"the proxy forwards to http://host:port, not {upstream!r}")
        self.upstream = (parts.hostname, parts.port)
        self.schedule = schedule
        self.delay = delay
        self.timeout = timeout
        self.counts: Counter[Fault] = Counter()
        self.played: list[tuple[Fault, str, str]] = []
        self.errors: list[str] = []  # socket errors the proxy met (a client gone, ...)
        self._lock = threading.Lock()
        self._server: _ThreadingServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the proxy first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FaultProxy:
        self._server = _ThreadingServer(("127.0.0.1", 0), _Handler)
        self._server.proxy = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="fault-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = self._thread = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def count(self, fault: Fault, path_ending: str = "") -> int:
        """How often `fault` was played on requests whose path ends with `path_ending`."""
        with self._lock:
            return sum(1 for played, _method, path in self.played
                       if played is fault and path.endswith(path_ending))

    @contextmanager
    def playing(self, schedule: Schedule) -> Iterator[Schedule]:
        """Use `schedule` inside the block, then the one before."""
        before, self.schedule = self.schedule, schedule
        try:
            yield schedule
        finally:
            self.schedule = before

    # --- one request ------------------------------------------------------------------

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(self.timeout)
        request = _read_request(client)
        if request is None:
            return  # the client closed the connection without a request
        fault = self.schedule(request.seen)
        with self._lock:
            self.counts[fault] += 1
            self.played.append((fault, request.seen.method, request.seen.path))
        answer = self._play(fault, request)
        if answer is not None:
            client.sendall(answer)

    def _play(self, fault: Fault, request: _Request) -> bytes | None:
        """The bytes to answer the client with; None: close without answering."""
        if fault is Fault.DROP_BEFORE:
            return None
        if fault is Fault.BAD_GATEWAY:
            return _bad_gateway()
        if fault is Fault.CUT_BODY:
            self._cut(request)
            return None
        if fault is Fault.DELAY:
            time.sleep(self.delay)
        answer = self._exchange(request.raw)
        if fault is Fault.DUPLICATE:
            answer = self._exchange(request.raw)
        if fault is Fault.DROP_ANSWER:
            return None
        return _closing(answer) if answer else _bad_gateway()

    def _exchange(self, raw: bytes) -> bytes:
        """Send one request on a fresh connection; the whole answer (the server closes
        the connection after it: the request says `Connection: close`)."""
        with socket.create_connection(self.upstream, timeout=self.timeout) as upstream:
            upstream.sendall(raw)
            chunks = []
            while chunk := upstream.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)

    def _cut(self, request: _Request) -> None:
        """The head and half the body reach the server, then the connection ends (a
        request without a body is cut inside its head)."""
        cut_at = (len(request.head) + len(request.body) // 2 if len(request.body) >= 2
                  else len(request.head) // 2)
        with socket.create_connection(self.upstream, timeout=self.timeout) as upstream:
            upstream.sendall(request.raw[:cut_at])


class _ThreadingServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    proxy: FaultProxy


class _Handler(socketserver.BaseRequestHandler):
    server: _ThreadingServer

    def handle(self) -> None:
        proxy = self.server.proxy
        try:
            proxy._serve(self.request)
        except (OSError, ValueError) as exc:  # a client gone, a server down, bad framing
            with proxy._lock:
                proxy.errors.append(f"{type(exc).__name__}: {exc}")
            log.debug("fault proxy: %s", exc)


def _read_request(client: socket.socket) -> _Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = client.recv(65536)
        if not chunk:
            if data:
                raise ValueError("the client closed the connection inside a request head")
            return None
        data += chunk
        if len(data) > _MAX_HEAD and b"\r\n\r\n" not in data:
            raise ValueError("a request head larger than the proxy reads")
    head, _, body = data.partition(b"\r\n\r\n")
    request_line, *header_lines = head.decode("latin-1").split("\r\n")
    method, target, _version = request_line.split(" ", 2)
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in header_lines]
    named = {name.lower(): value for name, value in headers}
    if "chunked" in named.get("transfer-encoding", "").lower():
        raise ValueError("a chunked request body: the proxy reads Content-Length bodies")
    length = int(named.get("content-length", "0"))
    while len(body) < length:
        chunk = client.recv(min(65536, length - len(body)))
        if not chunk:
            raise ValueError("the client closed the connection inside a request body")
        body += chunk
    forwarded = [request_line] + [f"{name}: {value}" for name, value in headers
                                  if name.lower() not in _HOP_BY_HOP]
    forwarded.append("Connection: close")
    return _Request(Seen(method, urlsplit(target).path, length),
                    ("\r\n".join(forwarded) + "\r\n\r\n").encode("latin-1"), body[:length])


def _closing(answer: bytes) -> bytes:
    """The server's answer with `Connection: close`, so the client opens a new one."""
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.split(b"\r\n")
    kept = [line for line in header_lines
            if line.split(b":", 1)[0].strip().lower().decode("latin-1") not in _HOP_BY_HOP]
    return b"\r\n".join([status_line, *kept, b"Connection: close"]) + b"\r\n\r\n" + body


def _bad_gateway() -> bytes:
    body = b"<html><body>502 Bad Gateway (fault proxy)</body></html>"
    return (b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n"
            + body)
