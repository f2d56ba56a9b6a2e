"""`python -m bench`: run every benchmark in turn and print one table with a summary.

Benchmarks report; they are not tests. A missed target still exits 0. A benchmark that
could not run at all prints its traceback, the others still run, and the exit is 1.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable

from bench.figures import Section, format_sections, machine_line, summary_line


def benchmarks() -> list[tuple[str, Callable[[], Section]]]:
    """Each benchmark's name and its `run`, imported only when asked for."""
    from bench import (
        aggregates,
        contest_paint,
        debrief_list,
        draw,
        exports,
        ingest,
        insights_paint,
        leaderboard,
        package,
        rep_day,
        save,
        startup,
        sync,
    )

    return [("startup", startup.run), ("save", save.run), ("debrief_list", debrief_list.run),
            ("ingest", ingest.run), ("aggregates", aggregates.run),
            ("leaderboard", leaderboard.run), ("sync", sync.run), ("package", package.run),
            ("rep_day", rep_day.run), ("exports", exports.run),
            ("insights_paint", insights_paint.run), ("draw", draw.run),
            ("contest_paint", contest_paint.run)]


def run_all() -> tuple[list[Section], list[str]]:
    sections: list[Section] = []
    failed: list[str] = []
    for name, run in benchmarks():
        print(f"running {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            sections.append(run())
        except Exception:
            traceback.print_exc()
            failed.append(name)
        print(f"  {name}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return sections, failed


def main() -> int:
    started = time.perf_counter()
    sections, failed = run_all()
    print(f"Debrief benchmarks ({machine_line()})")
    print(format_sections(sections))
    print(summary_line(sections, failed) + f" (took {time.perf_counter() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
