"""The local preview of a contest: what the debriefs not synced yet will earn in it,
scored beside the synced ones with the contest's rules (near-duplicates and the daily
cap look at both)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from desktop.store.contest_preview import local_preview
from sync.domain.scoring import ContestRules, score


def test_only_debriefs_waiting_to_sync_in_the_period_are_previewed(store):
    rules = ContestRules(daily_cap=40)
    first = store.save(store.new_debrief("ana").with_changes(**_valid(store, crm_ref="OPP-1")))
    again = store.save(store.new_debrief("ana").with_changes(**_valid(store, crm_ref="OPP-1")))
    other = store.save(store.new_debrief("ana").with_changes(**_valid(store)))
    store.conn.execute("UPDATE debrief SET synced_revision = revision WHERE id = ?",
                       (first.id,))
    starts = min(d.created_at for d in (first, again, other)) - timedelta(hours=1)
    ends = starts + timedelta(days=30)
    preview = local_preview(store.conn, rules, starts, ends)
    # `again` is a near-duplicate of the synced `first`: it earns nothing.
    assert (preview.debriefs, preview.entries) == (2, score(other, rules).entries)
    before = local_preview(store.conn, rules, starts - timedelta(days=60),
                           starts - timedelta(days=30))
    assert (before.debriefs, before.entries) == (0, 0)


def _valid(store, **changes):
    from sync.domain.debrief import Outcome, Reason, Stage

    return {"outcome": Outcome.LOST, "stage": Stage.EVALUATION,
            "reasons": (Reason("price.too_high", primary=True),), **changes}


def test_nothing_waiting_is_nothing_to_preview(store):
    now = datetime.now(UTC)
    preview = local_preview(store.conn, ContestRules(), now - timedelta(days=1), now)
    assert (preview.debriefs, preview.entries) == (0, 0)


def test_an_edit_of_a_synced_debrief_waits_but_adds_no_entries(store):
    rules = ContestRules()
    synced = store.save(store.new_debrief("ana").with_changes(**_valid(store)))
    store.conn.execute("UPDATE debrief SET synced_revision = revision WHERE id = ?",
                       (synced.id,))
    store.save(synced.with_changes(competitor="Globex"))  # edited since: not synced
    starts = synced.created_at - timedelta(hours=1)
    preview = local_preview(store.conn, rules, starts, starts + timedelta(days=1))
    assert (preview.debriefs, preview.entries) == (1, 0)
