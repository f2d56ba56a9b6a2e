"""The next start knows how the last run ended: a crash, a kill, a second copy, a clean close."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop.last_run import RunRecord

RUN = textwrap.dedent("""
    import logging, os, signal, sys, time
    from datetime import UTC, datetime
    from pathlib import Path
    from desktop.last_run import RunRecord
    log_file = Path(sys.argv[1])
    log_file.parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(filename=log_file, level=logging.INFO)
    record = RunRecord(log_file)
    record.begin(datetime(2026, 12, 7, 14, 32, tzinfo=UTC))
    logging.info("typing a quote")
    print("running", flush=True)
    how = sys.argv[2]
    if how == "segfault":
        os.kill(os.getpid(), signal.SIGSEGV)
    elif how == "close":
        record.end()
    else:
        time.sleep(60)
""")


def _run(log_file: Path, how: str) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", RUN, str(log_file), how],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    started = child.stdout.readline().strip()
    child.stdout.close()  # the child says nothing more
    assert started == "running"
    return child


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    return tmp_path / "logs" / "debrief.log"


def test_a_clean_close_leaves_nothing_to_report(log_file: Path):
    assert _run(log_file, "close").wait(30) == 0
    assert RunRecord(log_file).previous() is None


def test_a_crash_leaves_its_fatal_error_and_what_was_logged(log_file: Path):
    child = _run(log_file, "segfault")
    assert child.wait(30) == -signal.SIGSEGV
    unclean = RunRecord(log_file).previous()
    assert unclean is not None
    assert unclean.started_at == datetime(2026, 12, 7, 14, 32, tzinfo=UTC)
    assert unclean.fatal_error.startswith("Fatal Python error: Segmentation fault")
    assert "most recent call first" in unclean.fatal_error  # the stacks of the threads
    assert "typing a quote" in unclean.last_log_lines
    assert unclean.fatal_error in unclean.report


def test_a_kill_is_an_unclean_end_with_no_error_recorded(log_file: Path):
    child = _run(log_file, "wait")
    child.kill()
    child.wait(30)
    unclean = RunRecord(log_file).previous()
    assert unclean is not None
    assert unclean.fatal_error == ""
    assert "typing a quote" in unclean.report


def test_a_second_copy_does_not_take_a_running_one_for_a_crash(log_file: Path):
    child = _run(log_file, "wait")
    try:
        second = RunRecord(log_file)
        assert second.previous() is None
        second.begin(datetime.now(UTC))  # leaves the running copy's marker alone
        second.end()
        assert second.marker.exists()
    finally:
        child.kill()
        child.wait(30)
    assert RunRecord(log_file).previous() is not None


def test_only_the_last_run_is_read(log_file: Path):
    """A crash from an earlier run, already reported, is not reported again."""
    _run(log_file, "segfault").wait(30)
    assert _run(log_file, "close").wait(30) == 0
    assert RunRecord(log_file).previous() is None
    child = _run(log_file, "wait")
    time.sleep(0.1)
    child.kill()
    child.wait(30)
    unclean = RunRecord(log_file).previous()
    assert unclean is not None and unclean.fatal_error == ""
