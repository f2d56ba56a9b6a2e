"""A saved debrief reads back from disk exactly as the save returned it: every field,
the reasons in order, whatever was drawn."""

from __future__ import annotations

from helpers.domain_strategies import saveable_debriefs
from helpers.store_samples import T0
from hypothesis import HealthCheck, given, settings

from sync.domain.debrief import Debrief


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=saveable_debriefs())
def test_a_saved_debrief_reads_back_as_saved(store, drawn: Debrief):
    debrief = drawn.with_changes(id=store.ids.new_id())  # every example a debrief of its own
    saved = store.save(debrief)
    assert store.get(saved.id, include_deleted=True) == saved
    # The save numbers the revision and dates the debrief; everything else is as given.
    assert saved.created_at == saved.updated_at >= T0
    assert saved == debrief.with_changes(revision=debrief.revision + 1,
                                         created_at=saved.created_at,
                                         updated_at=saved.updated_at)


def test_typed_text_is_kept_trimmed_and_blank_text_as_not_given(store, make_debrief):
    saved = store.save(make_debrief(
        store, competitor="  Globex ", crm_ref="   ", quote="\n We paid too much. \n",
        share_quote=True, private_notes="", account_name=" Acme Ltd", currency="EUR"))
    assert (saved.competitor, saved.crm_ref, saved.quote, saved.private_notes,
            saved.account_name) == ("Globex", None, "We paid too much.", None, "Acme Ltd")
    assert saved.currency is None  # no deal value, so no currency either
    assert store.get(saved.id) == saved
