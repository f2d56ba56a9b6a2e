"""`debrief --connect URL --user NAME --password-stdin` (what `make demo` runs): signs in
before the window opens, or says why not and exits 1; the password lands nowhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers.sync_window import PASSWORD, files_holding

from desktop.store.database import connect
from desktop.store.server_settings import load_connection


def debrief(tmp_path: Path, *args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DEBRIEF_DATA_DIR"}
    # Never the tester's own keychain: keyring's null backend, which keeps nothing.
    env |= {"QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local"),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    return subprocess.run([sys.executable, "-m", "desktop", "--data-dir",
                           str(tmp_path / "data"), *args], input=stdin, capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def saved(tmp_path: Path):
    conn = connect(tmp_path / "data" / "debrief.sqlite")
    try:
        return load_connection(conn)
    finally:
        conn.close()


def test_signing_in_from_the_command_line_then_starting(tmp_path, central, rep):
    result = debrief(tmp_path, "--connect", central.base_url, "--user", rep,
                     "--password-stdin", "--quit-after-paint", stdin=PASSWORD + "\n")

    assert result.returncode == 0, result.stderr
    assert f"Signed in to {central.base_url} as {rep}." in result.stdout
    assert "will not be remembered" in result.stdout  # keyring's null backend keeps nothing
    assert "painted" in result.stdout
    assert saved(tmp_path).username == rep
    assert saved(tmp_path).role == "rep"  # learned at sign-in, kept with the connection
    assert files_holding(tmp_path, PASSWORD) == []


def test_a_failed_sign_in_says_why_and_exits_1(tmp_path, central, rep):
    result = debrief(tmp_path, "--connect", central.base_url, "--user", rep,
                     "--password-stdin", "--quit-after-paint", stdin="wrong\n")

    assert result.returncode == 1
    assert "could not sign in" in result.stderr
    assert "username or password is not right" in result.stderr
    assert "painted" not in result.stdout
    assert saved(tmp_path) is None


def test_the_three_options_go_together(tmp_path, central):
    result = debrief(tmp_path, "--connect", central.base_url, stdin="")

    assert result.returncode == 2
    assert "go together" in result.stderr
