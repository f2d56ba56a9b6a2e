"""Ending the processes tests start: politely, then firmly."""

from __future__ import annotations

import subprocess


def end_process(process: subprocess.Popen, timeout_s: float = 10) -> None:
    """Terminate `process` if it still runs; kill it if it has not gone in `timeout_s`."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
