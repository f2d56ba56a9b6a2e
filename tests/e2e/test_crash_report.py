"""A crash mid-quote, in the real app on a real display: the log holds the fatal error,
at most two seconds of typing are lost, and the next start says what happened and
offers the draft back."""

from __future__ import annotations

import contextlib
import json
import signal
import sqlite3
import subprocess
import time
from datetime import datetime

import pytest
from helpers.rep_day import RepApp, quote

pytestmark = pytest.mark.slow


def _form_draft(app: RepApp) -> tuple[dict, datetime] | None:
    with contextlib.closing(app.database()) as conn:
        row = conn.execute("SELECT body, saved_at FROM draft WHERE slot LIKE 'capture:%' "
                           "ORDER BY saved_at DESC LIMIT 1").fetchone()
    return None if row is None else (json.loads(row[0]), datetime.fromisoformat(row[1]))


def test_a_crash_mid_quote_is_reported_and_loses_at_most_two_seconds(tmp_path, x_session):
    app = RepApp(x_session, tmp_path / "data").start()
    app.keys("alt+o")
    app.type("l4")
    app.keys("alt+r")
    app.type("scal")
    app.keys("Return", "alt+q")
    text = quote(7, 480)
    # The rep types without a pause (a key every 30 ms) and the app dies mid-quote.
    typing = subprocess.Popen(["xdotool", "type", "--delay", "30", "--", text],
                              env=x_session.env)
    try:
        time.sleep(5)
        assert app.alive
        died_at = datetime.now().astimezone()
        app.kill(signal.SIGSEGV)
    finally:
        typing.kill()
        typing.wait(10)
    assert app.process.returncode == -signal.SIGSEGV

    log = (app.data_dir / "logs" / "debrief.log").read_text(errors="replace")
    assert "Fatal Python error: Segmentation fault" in log
    draft = _form_draft(app)
    assert draft is not None, "nothing typed was kept"
    body, saved_at = draft
    kept = body["debrief"]["quote"]
    assert kept and text.startswith(kept)
    assert (died_at - saved_at).total_seconds() <= 2.5, (died_at, saved_at)

    again = RepApp(x_session, tmp_path / "data")
    again.health_file, again.output = app.health_file, app.output
    again.start()
    try:
        x_session.wait_for_window("closed unexpectedly", timeout=30)
        x_session.screenshot(tmp_path / "after-crash.png")
        assert _form_draft(again) is not None  # offered back, not dropped
    finally:
        again.kill(signal.SIGTERM)
    with contextlib.closing(sqlite3.connect(again.data_dir / "debrief.sqlite")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
