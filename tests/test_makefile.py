"""The README's two commands: `make run` installs only the app, `make test` the tools too."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _planned(target: str, venv: Path) -> str:
    """What `make TARGET` would run on a machine with no .venv yet (make -n)."""
    make = shutil.which("make")
    assert make, "make is needed (the README's commands are make targets)"
    # Run as from a shell: under `make test` the outer make's flags and level are in
    # the environment, and a make started below it would describe itself too.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    result = subprocess.run([make, "--no-print-directory", "-n", target, f"VENV={venv}"],
                            cwd=ROOT, text=True, capture_output=True, timeout=60, check=False,
                            env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_installs_only_what_the_app_needs(tmp_path: Path):
    planned = _planned("run", tmp_path / "venv")
    assert "pip install --quiet -e '.[app]'" in planned
    assert "[dev]" not in planned and "[server]" not in planned
    assert planned.rstrip().endswith(f"{tmp_path / 'venv'}/bin/debrief")


@pytest.mark.parametrize("target", ["test", "bench", "package", "screenshots"])
def test_the_developer_targets_install_the_tools(tmp_path: Path, target: str):
    assert "pip install --quiet -e '.[dev]'" in _planned(target, tmp_path / "venv")
