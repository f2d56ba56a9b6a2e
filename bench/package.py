"""The frozen app: the one-folder bundle PyInstaller builds from pyinstaller.spec.

Builds the bundle into a temporary folder, then reports the build time and the size of
the unpacked bundle, each beside a bundle of bench/bare_window.py built the same way
(the floor any PySide6 widgets app frozen by PyInstaller pays), and the frozen app's
cold start to first paint beside the source start (`python -m desktop`) measured in the
same run, alternating, as bench/startup.py measures.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.child import repo_root
from bench.figures import Figure, Section, Target, median
from bench.startup import PAINT_TIMEOUT_S, Start, alternating, environments, prepare_existing

ROUNDS = 11
WARM_UP_ROUNDS = 2
SIZE_TARGET_MB = 250
START_TARGET_OF_SOURCE = 1.5
SPEC = "pyinstaller.spec"
NAME = "debrief"  # COLLECT's and EXE's name in the spec
BARE_NAME = "bare-window"
LARGEST_SHOWN = 5
MB = 10**6


def build(arguments: list[str], dist: Path, work: Path) -> float:
    """Run PyInstaller from the repo root with `arguments`; the seconds it took."""
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--distpath", str(dist),
               "--workpath", str(work), *arguments]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=repo_root(), capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        if "No module named PyInstaller" in done.stderr:
            raise RuntimeError("PyInstaller is not installed: run `make .venv/.installed` "
                               "(it is in the dev extra)")
        raise RuntimeError(f"PyInstaller {arguments[-1]} failed (exit {done.returncode}): "
                           f"{done.stderr[-3000:]}")
    return elapsed


def executable(bundle: Path, name: str) -> Path:
    path = bundle / (f"{name}.exe" if sys.platform == "win32" else name)
    if not path.is_file():
        raise RuntimeError(f"PyInstaller reported success but {path} is missing")
    return path


def file_sizes(top: Path) -> dict[Path, int]:
    """Every file under `top` once, by its real path: a symlink counts as the file (or
    folder) it points to, and a file reached twice (symlinks, hard links) counts once."""
    sizes: dict[Path, int] = {}
    top_info = os.stat(top)
    seen = {(top_info.st_dev, top_info.st_ino)}
    for folder, dirs, files in os.walk(top, followlinks=True):
        for name in list(dirs):
            info = os.stat(os.path.join(folder, name))
            if (info.st_dev, info.st_ino) in seen:
                dirs.remove(name)  # a folder already walked, through a symlink or not
            seen.add((info.st_dev, info.st_ino))
        for name in files:
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
            except FileNotFoundError:  # a dangling symlink holds nothing
                continue
            if (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                sizes[Path(os.path.realpath(path))] = info.st_size
    return sizes


def largest_items(internal: Path, sizes: dict[Path, int]) -> list[tuple[str, int]]:
    """The top-level items of `_internal` by the bytes of the files they really hold
    (a symlink into another item counts there), largest first."""
    real = Path(os.path.realpath(internal))
    totals: dict[str, int] = {}
    for path, size in sizes.items():
        if path.is_relative_to(real):
            item = path.relative_to(real).parts[0]
            totals[item] = totals.get(item, 0) + size
    return sorted(totals.items(), key=lambda pair: pair[1], reverse=True)


def bundle_mb(bundle: Path) -> float:
    return sum(file_sizes(bundle).values()) / MB


def stderr_lines(command: list[str], env: dict[str, str]) -> list[str]:
    """What one start to first paint prints on stderr, line by line."""
    done = subprocess.run(command, cwd=repo_root(), env=env, capture_output=True, text=True,
                          timeout=PAINT_TIMEOUT_S)
    return [line for line in done.stderr.splitlines() if line.strip()]


def frozen_only_stderr(frozen: list[str], source: list[str], env: dict[str, str]) -> str:
    """A note on what the frozen app prints on stderr that the source start does not."""
    source_lines = set(stderr_lines(source, env))
    extra = [line for line in stderr_lines(frozen, env) if line not in source_lines]
    if not extra:
        return "stderr: the frozen app prints nothing the source start does not"
    shown = "; ".join(extra[:5]) + (f"; ... ({len(extra)} lines)" if len(extra) > 5 else "")
    return f"stderr of the frozen app only (one start): {shown[:1000]}"


def run() -> Section:
    with tempfile.TemporaryDirectory(prefix="debrief-bench-package-") as tmp:
        root = Path(tmp)
        dist, work = root / "dist", root / "work"
        build_s = build([SPEC], dist, work)
        bare_build_s = build(["--onedir", "--name", BARE_NAME, "--specpath", str(root),
                              str(Path(__file__).with_name("bare_window.py"))], dist, work)
        bundle = dist / NAME
        frozen_exe = executable(bundle, NAME)
        executable(dist / BARE_NAME, BARE_NAME)
        sizes = file_sizes(bundle)
        size_mb, bare_mb = sum(sizes.values()) / MB, bundle_mb(dist / BARE_NAME)
        largest = largest_items(bundle / "_internal", sizes)[:LARGEST_SHOWN]

        prepare_existing(root / "frozen")
        prepare_existing(root / "source")
        env, _ = environments(root)  # the cached-bytecode environment of startup's headline
        frozen = [str(frozen_exe), "--data-dir", str(root / "frozen" / "existing"),
                  "--quit-after-paint"]
        source = [sys.executable, "-m", "desktop", "--data-dir",
                  str(root / "source" / "existing"), "--quit-after-paint"]
        times = alternating([Start("frozen", lambda _: frozen, env),
                             Start("source", lambda _: source, env)], ROUNDS, WARM_UP_ROUNDS)
        stderr_note = frozen_only_stderr(frozen, source, env)

    figures = [
        Figure("build time (PyInstaller)", build_s, bare_build_s, "s"),
        Figure("bundle size, unpacked", size_mb, bare_mb, "MB", Target(SIZE_TARGET_MB)),
        Figure("frozen cold start to first paint", median(times["frozen"]),
               median(times["source"]), "ms", Target(START_TARGET_OF_SOURCE, of_baseline=True)),
        Figure("frozen cold start, slowest run", max(times["frozen"]), max(times["source"]),
               "ms"),
    ]
    notes = [
        f"build: `python -m PyInstaller --noconfirm {SPEC}` from the repo root into a "
        "temporary folder (a fresh workpath; PyInstaller's own cache in the user's cache "
        "folder is used as it is); baseline: bench/bare_window.py frozen the same way, "
        "one folder, PyInstaller's defaults",
        "size: every file under the bundle folder once (st_size, symlinks followed once, "
        "hard links once), MB = 10^6 bytes; baseline: the bare-window bundle, the floor of "
        "any PySide6 widgets app frozen by PyInstaller",
        "largest in _internal: " + ", ".join(f"{name} {size / MB:.1f} MB"
                                             for name, size in largest),
        f"start: `{NAME} --data-dir D --quit-after-paint` against `python -m desktop` "
        "(baseline), each on an existing database made once, offscreen, Popen to reading "
        f"'painted'; medians of {ROUNDS} rounds after {WARM_UP_ROUNDS} warm-up rounds, the "
        "order reversed every other round; the source start loads Debrief from a private "
        "PYTHONPYCACHEPREFIX filled by the warm-ups, as section 1's headline rows",
        stderr_note,
    ]
    return Section("8. frozen app: the PyInstaller bundle", figures, notes)
