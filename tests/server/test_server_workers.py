"""`debrief-server serve --workers N`: N processes through uvicorn's own worker support,
each with its own app and engine, sharing only the database; all of them end with the
command."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
import requests
from helpers.processes import end_process
from helpers.server_harness import ServerProcess
from helpers.server_world import migrated

from sync.server import cli


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def test_two_workers_serve_and_end_with_the_command(tmp_path: Path):
    url = migrated(f"sqlite:///{tmp_path / 'central.sqlite'}")
    server = ServerProcess(url, tmp_path, options=("--workers", "2")).start()
    try:
        assert server.process is not None
        workers = children(server.process.pid)
        assert len(workers) >= 2, workers
        for _ in range(10):
            answer = requests.get(f"{server.base_url}/readyz", timeout=10)
            assert answer.status_code == 200 and answer.json()["status"] == "ready"
        assert "2 worker processes" in server.log.read_text()
    finally:
        assert server.process is not None
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=30)
        end_process(server.process)
    # Helpers such as multiprocessing's resource tracker see their parent go and then
    # end on their own, a moment later: none may still run after that.
    deadline = time.monotonic() + 10
    while (running := _running(workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not running


def _running(pids: set[int]) -> list[int]:
    found = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue  # gone
        if state != "Z":
            found.append(pid)
    return found


@pytest.mark.parametrize("given", ["0", "100"])
def test_a_number_of_workers_out_of_range_is_refused(tmp_path: Path, capsys, given: str):
    url = migrated(f"sqlite:///{tmp_path / 'central.sqlite'}")
    code = cli.main(["serve", "--db", url, "--data-dir", str(tmp_path), "--workers", given])
    assert code == cli.EXIT_REFUSED
    assert f"workers: {given} is not between 1 and 64" in capsys.readouterr().err
