"""Words the app writes: the line that names a debrief wherever the app lists one
(refused, other versions), and counts in sentences."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from desktop.ui.text import debrief_line, moment_text, tr
from sync.domain.debrief import Debrief, Evidence, Outcome, Reason, Segment, Stage
from sync.resources import default_taxonomy

CREATED = datetime(2026, 3, 3, 13, 5, tzinfo=UTC)


def lost_to_a_rival() -> Debrief:
    return Debrief(
        id="01890a5d-ac96-774b-bcce-b302099a8057", rep="ann.rep@example.com",
        outcome=Outcome.LOST, stage=Stage.EVALUATION, segment=Segment("software", "", ""),
        reasons=(Reason("competitor.cheaper"),
                 Reason("price.too_high", None, Evidence.CUSTOMER_SAID, primary=True)),
        competitor="Rival GmbH", account_name="Acme Tools", created_at=CREATED)


def test_a_debrief_is_named_by_account_outcome_stage_when_main_reason_and_rival(qapp):
    taxonomy = default_taxonomy()

    line = debrief_line(lost_to_a_rival(), taxonomy)

    assert line.split(" \u00b7 ") == [
        "Acme Tools", "Lost", "Evaluation", moment_text(CREATED),
        taxonomy.label("price.too_high", None), "Rival GmbH"]


def test_a_deleted_debrief_says_so_and_empty_parts_are_left_out(qapp):
    bare = replace(lost_to_a_rival(), account_name="", competitor=None, deleted=True)

    line = debrief_line(bare, default_taxonomy())

    assert line.startswith("Lost \u00b7 Evaluation \u00b7 ")
    assert line.endswith(" \u00b7 deleted")
    assert "\u00b7  \u00b7" not in line


@pytest.mark.parametrize(("n", "debriefs", "entries"), [
    (0, "0 debriefs", "earned 0 entries"),
    (1, "1 debrief", "earned 1 entry"),
    (2, "2 debriefs", "earned 2 entries"),
])
def test_an_untranslated_count_reads_as_english_does(qapp, n, debriefs, entries):
    assert tr("%n debrief(s)", None, n) == debriefs
    assert tr("earned %n (entry|entries)", None, n) == entries
