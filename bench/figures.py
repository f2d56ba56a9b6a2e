"""Figures and the printed table: each measurement beside its baseline, ratio and target."""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Target:
    """A bound on a figure: `limit` in the figure's unit, or `limit` times the baseline.
    An upper bound ("ours <= bound") unless `at_least`, for rates where more is better."""

    limit: float
    of_baseline: bool = False
    at_least: bool = False

    def met(self, ours: float, baseline: float) -> bool:
        bound = self.limit * baseline if self.of_baseline else self.limit
        return ours >= bound if self.at_least else ours <= bound

    def describe(self, unit: str) -> str:
        sign = ">=" if self.at_least else "<="
        if self.of_baseline:
            return f"{sign} {self.limit:g}x base"
        return f"{sign} {self.limit:g} {unit}"


@dataclass(frozen=True)
class Figure:
    """One line of the table. A figure without a target is shown for information."""

    name: str
    ours: float
    baseline: float
    unit: str
    target: Target | None = None

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline if self.baseline else math.inf

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "info"
        return "PASS" if self.target.met(self.ours, self.baseline) else "FAIL"


@dataclass(frozen=True)
class Section:
    """What one benchmark reports: its figures and the notes a reader needs to trust them."""

    title: str
    figures: list[Figure]
    notes: list[str]


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The `fraction` quantile (0..1) of `samples`, interpolated between order statistics."""
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("no samples")
    position = fraction * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(samples: Sequence[float]) -> float:
    return percentile(samples, 0.5)


@dataclass(frozen=True)
class Runs:
    """Timed calls of one thing, in milliseconds; `warmed` unless only the warm-up ran."""

    samples: list[float]
    warmed: bool

    @property
    def median(self) -> float:
        return median(self.samples)

    def describe(self) -> str:
        if not self.warmed:
            return "1 run, no warm-up (slower than the time budget)"
        if len(self.samples) == 1:
            return "1 run after a warm-up"
        return f"median of {len(self.samples)} after a warm-up"


def warm_runs(run: Callable[[], object], *, most: int = 5, budget_s: float = 15.0) -> Runs:
    """`most` timed calls of `run` after one warm-up call; fewer when they are slow, so
    that the timed ones take about `budget_s` (at least one). A warm-up slower than
    `budget_s` is the only call: a figure far off its target needs no second run."""
    started = time.perf_counter()
    run()
    first = time.perf_counter() - started
    if first > budget_s:
        return Runs([first * 1000], warmed=False)
    samples = []
    for _ in range(max(1, min(most, int(budget_s // max(first, 1e-9))))):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return Runs(samples, warmed=True)


def filesystem_of(path: Path) -> str:
    """'ext4 (/dev/vda on /)': the mount that holds `path`, from /proc/mounts."""
    resolved = str(path.resolve())
    best = ("", "unknown", "?")
    try:
        lines = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return "unknown filesystem"
    for line in lines:
        device, mount, kind, *_ = line.split()
        inside = resolved == mount or resolved.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best[0]):
            best = (mount, kind, device)
    return f"{best[1]} ({best[2]} on {best[0]})"


def machine_line() -> str:
    cores = os.cpu_count() or 0
    return f"Python {sys.version.split()[0]} on {sys.platform}, {cores} CPU core(s)"


_WIDTHS = (46, 10, 10, 8, 15, 6)


def _number(value: float, unit: str) -> str:
    return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"


def _row(cells: Sequence[str]) -> str:
    first, *rest = cells
    return f"{first:<{_WIDTHS[0]}}" + "".join(
        f" {cell:>{width}}" for cell, width in zip(rest, _WIDTHS[1:], strict=True))


def format_sections(sections: Sequence[Section]) -> str:
    """The whole report: a header, then per benchmark its rows and notes."""
    header = _row(("figure", "ours", "baseline", "ratio", "target", "result"))
    lines = [header, "-" * len(header)]
    for section in sections:
        lines.append(f"[{section.title}]")
        for figure in section.figures:
            target = figure.target.describe(figure.unit) if figure.target else "-"
            lines.append(_row((
                "  " + figure.name, _number(figure.ours, figure.unit),
                _number(figure.baseline, figure.unit), f"{figure.ratio:.2f}x", target,
                figure.verdict)))
        lines.extend(f"    note: {note}" for note in section.notes)
    return "\n".join(lines)


def summary_line(sections: Sequence[Section], failed: Sequence[str]) -> str:
    judged = [(s.title.split(" ", 1)[0], f) for s in sections for f in s.figures
              if f.target is not None]
    missed = [f"{number} {f.name}" for number, f in judged if f.verdict == "FAIL"]
    text = f"SUMMARY: {len(judged) - len(missed)} of {len(judged)} targets met"
    if missed:
        text += "; missed: " + "; ".join(missed)
    if failed:
        text += "; benchmarks that could not run: " + ", ".join(failed)
    return text
