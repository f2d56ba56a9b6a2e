"""`python -m bench.insights_probe`: in a fresh process, the Insights workspace paints
answers the size a large company gets (300 competitors, every code, 24 months); prints
one JSON line. Run by bench/insights_paint.py."""

from __future__ import annotations

import json
import random
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.child import empty_paint_ms, paint_times
from desktop.insights_cache import InsightCache
from desktop.ui.app import make_application, shipped_rules
from desktop.ui.insights_workspace import InsightsWorkspace
from desktop.ui.screenshots import sample_insights
from sync.client.insight_view import InsightAnswers
from sync.domain.clock import SteppingClock

ROUNDS = 5


class _NoSync:
    """Stands in for the sync worker: the probe hands the answers in itself."""

    def __getattr__(self, name: str) -> object:
        class Signal:
            def connect(self, *_: object) -> None:
                pass
        return Signal() if name.startswith("insights_") else (lambda *a, **k: None)


def large(found: InsightAnswers, rng: random.Random) -> InsightAnswers:
    """The sample answers widened: 300 competitors and 24 months."""
    answers = dict(found.answers)
    template = answers["competitor"]["groups"][0]
    for name in ("competitor", "competitor:won", "competitor:lost", "competitor:no_decision"):
        answers[name] = {**answers[name], "groups": [
            {**template, "value": f"Competitor {n}", "debriefs": rng.randint(20, 400)}
            for n in range(300)]}
    months = answers["month"]["groups"][0]
    answers["month"] = {**answers["month"], "groups": [
        {**months, "value": f"{2025 + n // 12}-{n % 12 + 1:02d}"} for n in range(24)]}
    return InsightAnswers(found.view, answers, found.fetched_at)


def main() -> int:
    app = make_application(sys.argv[:1])
    with tempfile.TemporaryDirectory(prefix="debrief-insights-probe-") as tmp:
        folder = Path(tmp)
        clock = SteppingClock(datetime.now(UTC))
        workspace = InsightsWorkspace(_NoSync(), InsightCache(folder / "insights.json"),  # type: ignore[arg-type]
                                      shipped_rules(), clock, folder / "views.json")
        workspace.resize(1180, 820)
        workspace.show()
        empty_ms = empty_paint_ms(workspace)
        found = large(sample_insights(workspace.view(), workspace.lists.taxonomy,
                                      datetime.now(UTC), random.Random(3)), random.Random(4))
        paints = paint_times(workspace, lambda: workspace.show_answers(found, fresh=True),
                             ROUNDS)
        print(json.dumps({"paint_ms": paints, "empty_paint_ms": empty_ms}))
        workspace.deleteLater()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
