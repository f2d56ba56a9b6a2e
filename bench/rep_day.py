"""Memory, handles and references over a rep's whole day in one app process.

The real app, started as a rep starts it on an Xvfb display, types 150 debriefs from
the keyboard (tests/helpers/rep_day.py, the same day as the soak test, without a
server). The baseline is the same app's own figure after its first 10 debriefs, in the
same run: what grows after that is what a rep's day costs.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.figures import Figure, Section, Target
from tests.helpers.rep_day import DayPlan, RepApp, play_day
from tests.helpers.x_session import XSession

PLAN = DayPlan(checkpoints=(10, 150))
RSS_TARGET = 1.2  # resident memory after 150 debriefs, at most this times after 10


def run() -> Section:
    with tempfile.TemporaryDirectory(prefix="debrief-bench-day-") as tmp:
        root = Path(tmp)
        x = XSession(root / "x").start()
        try:
            app = RepApp(x, root / "data").start()
            try:
                day = play_day(app, PLAN)
            finally:
                app.quit()
        finally:
            x.stop()
    early, late = day.health[10], day.health[150]
    figures = [
        Figure("resident memory after 150 debriefs (base: after 10)", late["rss_kib"] / 1024,
               early["rss_kib"] / 1024, "MiB", Target(RSS_TARGET, of_baseline=True)),
        Figure("open handles after 150 (base: after 10)", late["open_handles"],
               early["open_handles"], "fds"),
        Figure("threads after 150 (base: after 10)", late["threads"], early["threads"],
               "threads"),
        Figure("widgets after 150 (base: after 10)", late["widgets"], early["widgets"],
               "widgets"),
        Figure("references to None after 150 (base: after 10)", late["none_refs"],
               early["none_refs"], "refs"),
        Figure("Python objects after 150 (base: after 10)", late["python_objects"],
               early["python_objects"], "objects"),
    ]
    notes = [
        f"one app process ({'debrief'} command, Xvfb + openbox, xdotool key presses): "
        f"{day.saved} debriefs, {day.edited} edits and {day.deleted} deletes from My "
        f"debriefs, {day.key_presses:,} key presses in {day.seconds:.0f} s",
        "figures are the app's own (DEBRIEF_HEALTH_REPORT), read 1.5 s after the 10th and "
        "the 150th debrief; references to None must not fall (a binding that loses them "
        "aborts the app)",
    ]
    return Section("9. a rep's day in one process: memory and handles", figures, notes)
