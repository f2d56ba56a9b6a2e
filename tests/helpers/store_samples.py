"""Sample debriefs and taxonomy codes shared by the store tests (imported, not collected)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from desktop.store.debriefs import DebriefStore
from sync.domain.debrief import Debrief, Evidence, Outcome, Reason, Segment, Stage

# Real codes from resources/taxonomy/default.json.
LOSS_CODE = "price.too_high"
LOSS_DETAIL = "price.too_high.over_budget"
OTHER_LOSS_CODE = "competitor.cheaper"
WIN_CODE = "price.clear_roi"
WIN_DETAIL = "price.clear_roi.cost_savings"
RETIRED_LOSS_CODE = "price.other"

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def make_debrief(store: DebriefStore, **overrides) -> Debrief:
    """A debrief that passes validation: lost at evaluation, with a primary loss reason."""
    fields = {
        "id": store.ids.new_id(),
        "rep": "ann.rep@example.com",
        "outcome": Outcome.LOST,
        "stage": Stage.EVALUATION,
        "segment": Segment("software", "200-999", "dach"),
        "reasons": (
            Reason(LOSS_CODE, LOSS_DETAIL, Evidence.CUSTOMER_SAID, primary=True),
            Reason(OTHER_LOSS_CODE),
        ),
    }
    fields.update(overrides)
    return Debrief(**fields)


def table_counts(path: Path) -> dict[str, int]:
    """Rows per store table, read through a separate connection (sees only committed data)."""
    with closing(sqlite3.connect(path)) as conn:
        return {table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                for table in ("debrief", "reason", "draft")}
