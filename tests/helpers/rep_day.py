"""A rep's working day, played on the real app in a fresh process with real key presses.

The app is started as a rep starts it (the `debrief` command, on a real X display,
signed in to a real central store through a proxy that can play "offline"), with
DEBRIEF_HEALTH_REPORT set so that it writes its own reference counts, memory and
handles once a second (desktop/ui/health_report.py). The day: debriefs typed from the
keyboard (outcome, stage, reasons, competitors, long quotes typed key by key), some
opened again from My debriefs and edited, some deleted, Sync now pressed online and
offline. Used by the soak test and by the memory benchmark.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .x_session import XSession

PASSWORD = "a rep's long day"  # the test rep's, on a throwaway central store
# Reasons that apply to every outcome, found by typing their first letters.
REASON_PREFIXES = ("scal", "pricing m", "fiscal", "brand", "analyst")
OUTCOME_KEYS = "wlnop"
COMPETITORS = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay")
QUOTE_WORDS = ("the", "budget", "was", "approved", "but", "procurement", "asked", "for",
               "a", "second", "quote", "and", "our", "price", "looked", "high", "next", "to",
               "their", "incumbent", "vendor", "who", "bundled", "support", "in")


APP_ENV = "DEBRIEF_TEST_APP"  # another install's `debrief`, to try the day on it


def debrief_command() -> list[str]:
    """The `debrief` command installed beside this Python, as a rep's install has it
    (or the one $DEBRIEF_TEST_APP names)."""
    if os.environ.get(APP_ENV):
        return [os.environ[APP_ENV]]
    script = Path(sys.executable).with_name("debrief")
    return [str(script)] if script.exists() else [sys.executable, "-m", "desktop.cli"]


def quote(number: int, length: int) -> str:
    """A quote of `length` characters, different for each debrief."""
    words, index = [], number
    while sum(len(w) + 1 for w in words) < length:
        words.append(QUOTE_WORDS[index % len(QUOTE_WORDS)])
        index = index * 7 + 3
    return " ".join(words)[:length].rstrip() + "."


@dataclass
class DayPlan:
    debriefs: int = 150
    quote_every: int = 5  # every fifth debrief has a long quote typed key by key
    quote_lengths: tuple[int, ...] = (480, 320, 400, 260)
    edit_every: int = 10  # then the newest debrief is opened from My debriefs and edited
    delete_every: int = 15  # then the second newest is deleted from My debriefs
    offline_between: tuple[int, int] = (60, 80)  # the network is gone for these debriefs
    checkpoints: tuple[int, ...] = (10, 150)  # health read after these many debriefs


@dataclass
class DayResult:
    saved: int = 0
    edited: int = 0
    deleted: int = 0
    key_presses: int = 0
    health: dict[int, dict[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0


class RepApp:
    """The app in a child process on `x`, over the data folder `data_dir`."""

    def __init__(self, x: XSession, data_dir: Path, *, connect: tuple[str, str, str] | None = None):
        self.x = x
        self.data_dir = data_dir
        self.health_file = data_dir.parent / f"{data_dir.name}-health.jsonl"
        self.output = data_dir.parent / f"{data_dir.name}-output.log"
        self.connect = connect
        self.process: subprocess.Popen[bytes] | None = None
        self.window = ""
        self.key_presses = 0

    def start(self) -> RepApp:
        command = [*debrief_command(), "--data-dir", str(self.data_dir)]
        password = None
        if self.connect is not None:
            url, user, password = self.connect
            command += ["--connect", url, "--user", user, "--password-stdin"]
        env = self.x.env | {"DEBRIEF_HEALTH_REPORT": str(self.health_file),
                            "PYTHONUNBUFFERED": "1", "LC_ALL": "C.UTF-8"}
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)  # no keychain here: a token for this run
        with self.output.open("ab") as output:
            self.process = subprocess.Popen(command, env=env, stdin=subprocess.PIPE,
                                            stdout=output, stderr=subprocess.STDOUT)
        assert self.process.stdin is not None
        if password is not None:
            self.process.stdin.write(password.encode() + b"\n")
        self.process.stdin.close()
        self.window = self.x.wait_for_window("^Debrief$")
        self.x.activate(self.window)
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def output_text(self) -> str:
        return self.output.read_text(errors="replace") if self.output.exists() else ""

    # -- what the rep presses ---------------------------------------------------------

    def type(self, text: str, delay_ms: int = 4) -> None:
        self._ensure_alive()
        self.x.type(text, delay_ms)
        self.key_presses += len(text)

    def keys(self, *keys: str) -> None:
        self._ensure_alive()
        self.x.keys(*keys)
        self.key_presses += len(keys)

    def _ensure_alive(self) -> None:
        if not self.alive:
            raise AppDied(self)

    # -- what the app holds -----------------------------------------------------------

    def database(self) -> sqlite3.Connection:
        path = self.data_dir / "debrief.sqlite"
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)

    def counts(self) -> tuple[int, int, int]:
        """Debriefs kept, deleted (tombstones), and edited (revision above 1)."""
        with contextlib.closing(self.database()) as conn:
            return conn.execute(
                "SELECT coalesce(sum(deleted = 0), 0), coalesce(sum(deleted = 1), 0), "
                "coalesce(sum(revision > 1 AND deleted = 0), 0) FROM debrief").fetchone()

    def wait_until(self, condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._ensure_alive()
            with contextlib.suppress(sqlite3.OperationalError):  # a write under way
                if condition():
                    return
            time.sleep(0.02)
        raise TimeoutError(f"the app did not get there in {timeout} s: {what}")

    def health(self, settle_s: float = 1.5) -> dict[str, Any]:
        """The app's newest health line written after `settle_s` of quiet."""
        asked = time.time()
        time.sleep(settle_s)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            self._ensure_alive()
            lines = self.health_file.read_text().splitlines() if self.health_file.exists() else []
            if lines:
                newest = json.loads(lines[-1])
                if newest["at"] >= asked + settle_s - 0.5:
                    return newest
            time.sleep(0.2)
        raise TimeoutError("the app wrote no health line")

    def quit(self, timeout: float = 30) -> int:
        """Close the app as a rep does (Ctrl+Q), and its exit code."""
        assert self.process is not None
        if self.alive:
            with contextlib.suppress(RuntimeError):
                self.x.activate(self.window)
                self.x.keys("ctrl+q")
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self, how: int = signal.SIGKILL) -> None:
        if self.alive:
            assert self.process is not None
            os.kill(self.process.pid, how)
            self.process.wait(30)


class AppDied(AssertionError):
    def __init__(self, app: RepApp):
        code = app.process.returncode if app.process else None
        super().__init__(f"the app died (exit {code}) after {app.key_presses} key presses:\n"
                         f"{app.output_text()[-4000:]}")


def type_debrief(app: RepApp, number: int, plan: DayPlan) -> None:
    """One new debrief from the keyboard, saved with Ctrl+Enter."""
    app.keys("alt+o")
    app.type(OUTCOME_KEYS[number % len(OUTCOME_KEYS)] + str(1 + number % 5))
    app.keys("alt+r")
    app.type(REASON_PREFIXES[number % len(REASON_PREFIXES)])
    app.keys("Return")
    if number % 3 == 0:
        app.type(REASON_PREFIXES[(number + 2) % len(REASON_PREFIXES)])
        app.keys("Return")
    if number % 2 == 0:
        app.keys("alt+c")
        app.type(COMPETITORS[number % len(COMPETITORS)])
    if number % plan.quote_every == 0:
        app.keys("alt+q")
        length = plan.quote_lengths[(number // plan.quote_every) % len(plan.quote_lengths)]
        app.type(quote(number, length), delay_ms=2)
    app.keys("ctrl+Return")


def edit_newest(app: RepApp, number: int) -> None:
    """My debriefs, open the newest, name a competitor, save."""
    app.keys("ctrl+l")
    app.keys("Home", "Return")
    app.keys("alt+c", "ctrl+a")
    app.type(f"Edited {number}")
    app.keys("ctrl+Return")


def delete_second_newest(app: RepApp) -> None:
    app.keys("ctrl+l")
    app.keys("Home", "Down", "Delete")
    app.keys("Return")  # Yes, delete it
    app.keys("ctrl+n")


def play_day(app: RepApp, plan: DayPlan,
             network: Callable[[bool], None] | None = None) -> DayResult:
    """The day; `network(False)` takes the network away, `network(True)` gives it back."""
    result = DayResult()
    started = time.monotonic()
    for number in range(1, plan.debriefs + 1):
        if network is not None and number == plan.offline_between[0]:
            network(False)
            app.keys("F5")
        if network is not None and number == plan.offline_between[1]:
            network(True)
            app.keys("F5")
        kept_before = app.counts()[0]
        type_debrief(app, number, plan)
        result.saved += 1
        app.wait_until(lambda kept=kept_before: app.counts()[0] == kept + 1,
                       f"debrief {number} saved")
        if number % plan.edit_every == 0:
            edited_before = app.counts()[2]
            edit_newest(app, number)
            app.wait_until(lambda e=edited_before: app.counts()[2] > e,
                           f"edit after debrief {number} saved")
            result.edited += 1
        if number % plan.delete_every == 0:
            deleted_before = app.counts()[1]
            delete_second_newest(app)
            app.wait_until(lambda d=deleted_before: app.counts()[1] == d + 1,
                           f"delete after debrief {number}")
            result.deleted += 1
        if number in plan.checkpoints:
            result.health[number] = app.health()
    result.key_presses = app.key_presses
    result.seconds = time.monotonic() - started
    return result
