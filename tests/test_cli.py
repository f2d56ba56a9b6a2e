"""The `debrief` command line: version, help, data dir, smoke test, no display."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop import __version__
from desktop.paths import AppPaths


def debrief(*args: str, env: dict[str, str] | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "DEBRIEF_DATA_DIR"}
    base["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True,
                          text=True, env=base | (env or {}), timeout=timeout, check=False)


def test_version():
    result = debrief("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"Debrief {__version__}"


def test_help_names_every_option():
    result = debrief("--help")
    assert result.returncode == 0
    for option in ("--version", "--data-dir", "--smoke-test", "DEBRIEF_DATA_DIR"):
        assert option in result.stdout


def test_smoke_test_saves_and_reads_back():
    result = debrief("--smoke-test")
    assert result.returncode == 0, result.stderr
    assert "smoke test passed" in result.stdout


def test_a_language_without_a_catalogue_gets_english_throughout():
    """No French catalogue ships: the app speaks English, Qt's own buttons too."""
    result = debrief("--smoke-test", env={"LC_ALL": "fr_FR.UTF-8"})
    assert result.returncode == 0, result.stderr
    assert "language fr_FR: no translation files" in result.stdout


def test_data_dir_flag_and_variable_choose_where_data_lives(tmp_path: Path):
    by_flag, by_env = tmp_path / "flag", tmp_path / "env"
    assert debrief("--data-dir", str(by_flag), "--quit-after-paint").returncode == 0
    assert (by_flag / "debrief.sqlite").is_file()
    assert debrief("--quit-after-paint", env={"DEBRIEF_DATA_DIR": str(by_env)}).returncode == 0
    assert (by_env / "debrief.sqlite").is_file()
    assert (by_env / "logs" / "debrief.log").is_file()


def test_flag_beats_variable_beats_platform_default(tmp_path: Path):
    env = {"DEBRIEF_DATA_DIR": str(tmp_path / "env")}
    assert AppPaths.resolve(tmp_path / "flag", env).data_dir == tmp_path / "flag"
    assert AppPaths.resolve(None, env).data_dir == tmp_path / "env"
    default = AppPaths.resolve(None, {}).data_dir
    assert default.name == "Debrief" and default.is_absolute()


def test_no_display_is_explained_not_crashed(tmp_path: Path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "desktop", "--data-dir", str(tmp_path)],
                            capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 2
    assert "no display found" in result.stderr
    assert "--smoke-test" in result.stderr


def test_the_server_command_exists_and_explains_itself():
    result = subprocess.run([sys.executable, "-m", "sync.server.cli", "--help"],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0
    assert "debrief-server" in result.stdout
