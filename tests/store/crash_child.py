"""Child process of test_store_crash_safety: saves debriefs until it is killed.

    python crash_child.py DATABASE START_TIME

Opens the database the way the app does (`prepare`, then `connect`), prints "ready",
then saves debriefs through `DebriefStore.save` in a loop: mostly new ones, every fourth
save an edit of the previous one (its reasons unchanged). After each save *returns* it
prints one JSON line {"id", "revision", "reasons"} and flushes, so the parent knows
exactly which saves the store reported done when the SIGKILL landed.
"""

from __future__ import annotations

import itertools
import json
import sys
from datetime import timedelta
from pathlib import Path

from desktop.store.database import connect, prepare
from desktop.store.debriefs import DebriefStore
from sync.domain.clock import SteppingClock, from_iso
from sync.domain.debrief import Debrief, Evidence, Outcome, Reason, Segment, Stage
from sync.domain.team_lists import TeamLists
from sync.resources import default_contest_rules, default_segments, default_taxonomy

_LOSS_REASONS = [
    ("price.too_high", "price.too_high.over_budget"),
    ("competitor.cheaper", None),
    ("timing.reorg", "timing.reorg.merger"),
    ("budget.no_budget", None),
    ("trust.no_references", "trust.no_references.none_in_industry"),
]


def reasons_for(n: int) -> tuple[Reason, ...]:
    """One to three distinct loss reasons, the first primary, varying with n."""
    picked = [_LOSS_REASONS[(n + i) % len(_LOSS_REASONS)] for i in range(1 + n % 3)]
    return tuple(Reason(code, detail, Evidence.CUSTOMER_SAID if i == 0 else Evidence.MY_READ,
                        primary=(i == 0))
                 for i, (code, detail) in enumerate(picked))


def main(argv: list[str]) -> int:
    path, start = Path(argv[1]), from_iso(argv[2])
    clock = SteppingClock(start=start, step=timedelta(milliseconds=3))
    prepare(path, clock)
    rules = TeamLists(default_taxonomy(), default_segments(), default_contest_rules())
    store = DebriefStore(connect(path), path, clock, rules)
    print("ready", flush=True)
    previous: Debrief | None = None
    for n in itertools.count():
        if previous is not None and n % 4 == 3:
            debrief = previous.with_changes(competitor=f"Rival {n}",
                                            private_notes=f"edited in save {n}")
        else:
            debrief = Debrief(
                id=store.ids.new_id(), rep="crash.test@example.com", outcome=Outcome.LOST,
                stage=list(Stage)[n % 5], segment=Segment("software", "50-199", "nordics"),
                reasons=reasons_for(n),
                # Notes of varying length, some spilling onto overflow pages, so a kill can
                # land in transactions of many sizes.
                private_notes=f"save {n} " + "x" * (n % 7 * 900))
        saved = store.save(debrief)
        print(json.dumps({
            "id": saved.id, "revision": saved.revision,
            "reasons": [[r.code, r.detail, r.evidence.value, r.primary] for r in saved.reasons],
        }), flush=True)
        previous = saved
    return 0  # pragma: no cover - the loop ends by SIGKILL


if __name__ == "__main__":
    sys.exit(main(sys.argv))
