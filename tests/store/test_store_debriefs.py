"""The rep's debriefs on disk: saving, revisions, tombstones, pre-fill, listing, drafts."""

from __future__ import annotations

import random
import sqlite3
from contextlib import closing
from datetime import timedelta
from decimal import Decimal

import pytest
from helpers.store_samples import (
    LOSS_CODE,
    LOSS_DETAIL,
    OTHER_LOSS_CODE,
    RETIRED_LOSS_CODE,
    T0,
    WIN_CODE,
    WIN_DETAIL,
)

from desktop.store.drafts import DraftStore, form_slot
from desktop.store.listing import DebriefFilter, count, page
from sync.domain.clock import SteppingClock, to_iso
from sync.domain.debrief import Debrief, Evidence, Outcome, Reason, Segment, Stage
from sync.domain.ids import is_uuid7
from sync.domain.validation import InvalidDebrief

WON_REASONS = (Reason(WIN_CODE, WIN_DETAIL, Evidence.CUSTOMER_SAID, primary=True),)


@pytest.fixture
def still_clock() -> SteppingClock:
    """A clock that only moves when told to, so timestamps can be asserted exactly."""
    return SteppingClock(start=T0, step=timedelta(0))


@pytest.fixture
def still_store(open_store, tmp_path, still_clock):
    return open_store(tmp_path / "still" / "debrief.sqlite", still_clock)


# --- save -----------------------------------------------------------------------------------


def test_a_debrief_made_under_a_clock_years_ahead_takes_the_right_date_when_saved_again(
        still_store, still_clock, make_debrief):
    # The server refuses it ("set this computer's date and time, then open this
    # debrief and save it again"): once the clock is right, saving it must mend it.
    store, ahead = still_store, timedelta(days=3 * 365)
    still_clock.advance(ahead)
    first = store.save(make_debrief(store))
    assert first.created_at == T0 + ahead
    still_clock.advance(-ahead + timedelta(hours=1))  # the clock is set right
    again = store.save(first.with_changes(competitor="Globex"))
    assert again.created_at == again.updated_at == T0 + timedelta(hours=1)
    assert store.get(first.id) == again


def test_a_clock_a_few_hours_ahead_keeps_its_date(still_store, still_clock, make_debrief):
    store = still_store
    still_clock.advance(timedelta(hours=5))
    first = store.save(make_debrief(store))
    still_clock.advance(timedelta(hours=-4))
    assert store.save(first.with_changes(competitor="Globex")).created_at == first.created_at


def test_save_numbers_revisions_keeps_created_at_and_stamps_updated_at(
        still_store, still_clock, make_debrief):
    store = still_store
    first = store.save(make_debrief(store))
    still_clock.advance(timedelta(minutes=5))
    second = store.save(first.with_changes(competitor="Globex"))
    still_clock.advance(timedelta(hours=2))
    third = store.save(second.with_changes(crm_ref="OPP-0042"))

    assert [first.revision, second.revision, third.revision] == [1, 2, 3]
    assert first.created_at == second.created_at == third.created_at == T0
    assert first.updated_at == T0
    assert second.updated_at == T0 + timedelta(minutes=5)
    assert third.updated_at == T0 + timedelta(minutes=5, hours=2)
    assert store.get(first.id) == third


def test_the_stored_record_reads_back_field_for_field(store, make_debrief):
    debrief = make_debrief(
        store,
        outcome=Outcome.WON, stage=Stage.SELECTION,
        segment=Segment("financial_services", "1000-4999", "nordics"),
        reasons=(Reason(WIN_CODE, WIN_DETAIL, Evidence.CUSTOMER_SAID, primary=True),
                 Reason("relationship.strong_champion", None, Evidence.MY_READ)),
        competitor="Globex", deal_value=Decimal("48000.00"), currency="EUR",
        crm_ref="OPP-0042", quote="We could see the savings in the first month.",
        share_quote=True, private_notes="CFO was late.\nCall back in Q3.",
        account_name="Müller & Söhne GmbH")

    saved = store.save(debrief)

    assert saved == debrief.with_changes(revision=1, created_at=saved.created_at,
                                         updated_at=saved.updated_at)
    assert store.get(debrief.id) == saved


def test_a_stale_copy_saved_later_still_raises_the_revision(store, make_debrief):
    """Two windows editing one debrief: the revision never goes back, so sync sees both."""
    first = store.save(make_debrief(store))
    newer = store.save(first.with_changes(competitor="Globex"))

    stale = store.save(first.with_changes(competitor="Initech"))

    assert (newer.revision, stale.revision) == (2, 3)
    assert store.get(first.id).competitor == "Initech"


def test_reasons_are_stored_in_the_order_given_with_the_primary_marked(
        store, make_debrief, db_path):
    reasons = (
        Reason(OTHER_LOSS_CODE, None, Evidence.MY_READ),
        Reason(LOSS_CODE, LOSS_DETAIL, Evidence.CUSTOMER_SAID, primary=True),
        Reason("timing.reorg", "timing.reorg.merger", Evidence.CUSTOMER_SAID),
    )
    saved = store.save(make_debrief(store, reasons=reasons))

    got = store.get(saved.id)
    assert got.reasons == reasons
    assert got.primary_reason == reasons[1]
    with closing(sqlite3.connect(db_path)) as conn:
        rows = conn.execute("SELECT position, code, detail, evidence, is_primary FROM reason "
                            "WHERE debrief_id = ? ORDER BY position", (saved.id,)).fetchall()
    assert rows == [
        (0, OTHER_LOSS_CODE, None, "my_read", 0),
        (1, LOSS_CODE, LOSS_DETAIL, "customer_said", 1),
        (2, "timing.reorg", "timing.reorg.merger", "customer_said", 0),
    ]


def test_an_edit_replaces_the_reasons_rather_than_adding_to_them(store, make_debrief, counts):
    saved = store.save(make_debrief(store))
    fewer = (Reason(OTHER_LOSS_CODE, primary=True),)

    store.save(saved.with_changes(reasons=fewer))

    assert store.get(saved.id).reasons == fewer
    assert counts()["reason"] == 1


def test_an_honest_dont_know_is_saved_without_reasons(store, make_debrief):
    saved = store.save(make_debrief(store, reasons=(), reasons_unknown=True))
    got = store.get(saved.id)
    assert got.reasons == () and got.reasons_unknown


def test_a_retired_code_stays_readable(store, make_debrief):
    reasons = (Reason(RETIRED_LOSS_CODE, primary=True),)
    saved = store.save(make_debrief(store, reasons=reasons))
    assert store.get(saved.id).reasons == reasons


def test_private_notes_and_account_name_are_kept_locally(store, make_debrief, db_path):
    notes = "Champion leaves in March.\n\tTheir CFO: “too pricey”. 🚩"
    saved = store.save(make_debrief(store, private_notes=notes, account_name="ACME (EMEA) Ltd."))

    got = store.get(saved.id)
    assert (got.private_notes, got.account_name) == (notes, "ACME (EMEA) Ltd.")
    with closing(sqlite3.connect(db_path)) as conn:
        row = conn.execute("SELECT private_notes, account_name FROM debrief").fetchone()
    assert row == (notes, "ACME (EMEA) Ltd.")


def test_blank_text_is_stored_as_nothing_and_text_is_trimmed(store, make_debrief):
    saved = store.save(make_debrief(
        store, competitor="  Globex  ", crm_ref="   ", quote="\n", private_notes=" \n ",
        account_name=""))

    got = store.get(saved.id)
    assert (got.competitor, got.crm_ref, got.quote, got.private_notes, got.account_name) == (
        "Globex", None, None, None, None)


def test_a_currency_without_a_deal_value_is_not_stored(store, make_debrief):
    saved = store.save(make_debrief(store, currency="EUR"))
    assert store.get(saved.id).currency is None


def test_the_contest_entries_and_taxonomy_version_are_stored_with_the_debrief(
        store, make_debrief, rules, db_path):
    saved = store.save(make_debrief(store, competitor="Globex"))
    with closing(sqlite3.connect(db_path)) as conn:
        entries, version = conn.execute(
            "SELECT entries, taxonomy_version FROM debrief WHERE id = ?", (saved.id,)).fetchone()
    # base 1 + one extra reason + one detail code + competitor + complete segment
    assert entries == 5
    assert version == rules.taxonomy.version


@pytest.mark.parametrize("overrides", [
    {"outcome": None},
    {"reasons": ()},
    {"reasons": (Reason(WIN_CODE, primary=True),)},  # a win reason on a lost deal
    {"reasons": (Reason("no.such.code", primary=True),)},
    {"reasons": (Reason(LOSS_CODE), Reason(OTHER_LOSS_CODE))},  # no primary
    {"segment": Segment("not-an-industry")},
    {"deal_value": Decimal(-1), "currency": "EUR"},
    {"competitor": "Globex™"},
    {"rep": " "},
], ids=lambda o: ",".join(o))
def test_an_invalid_debrief_is_refused_and_nothing_is_written(
        store, make_debrief, counts, overrides):
    drafts = DraftStore(store.conn, store.clock)
    drafts.put("capture", {"typed": "so far"})

    with pytest.raises(InvalidDebrief) as invalid:
        store.save(make_debrief(store, **overrides), clear_draft="capture")

    assert invalid.value.problems
    assert counts() == {"debrief": 0, "reason": 0, "draft": 1}
    assert drafts.get("capture")[0] == {"typed": "so far"}


def test_an_invalid_edit_leaves_the_stored_debrief_as_it_was(store, make_debrief):
    saved = store.save(make_debrief(store))
    with pytest.raises(InvalidDebrief):
        store.save(saved.with_changes(reasons=()))
    assert store.get(saved.id) == saved


@pytest.mark.parametrize("action", ["ABORT", "FAIL", "ROLLBACK"])
@pytest.mark.parametrize("edit", [False, True], ids=["new", "edit"])
def test_a_save_that_fails_half_way_leaves_nothing_behind(
        store, make_debrief, counts, action, edit):
    drafts = DraftStore(store.conn, store.clock)
    existing = store.save(make_debrief(store)) if edit else None
    drafts.put("capture", {"typed": "so far"})
    before = counts()
    # Fail on the second reason row: the debrief row and the first reason are already in.
    store.conn.execute(
        "CREATE TEMP TRIGGER fail_second_reason BEFORE INSERT ON reason WHEN NEW.position = 1 "
        f"BEGIN SELECT RAISE({action}, 'injected failure'); END")
    attempt = (existing.with_changes(competitor="Globex") if edit else make_debrief(store))

    with pytest.raises(sqlite3.IntegrityError, match="injected failure"):
        store.save(attempt, clear_draft="capture")

    assert not store.conn.in_transaction
    assert counts() == before
    assert store.get(attempt.id) == existing
    assert drafts.get("capture") is not None
    store.conn.execute("DROP TRIGGER fail_second_reason")
    assert store.save(attempt).revision == (2 if edit else 1)  # the store goes on


def test_saving_clears_the_named_draft_in_the_same_transaction(store, make_debrief):
    drafts = DraftStore(store.conn, store.clock)
    drafts.put("capture", {"typed": "so far"})
    drafts.put("edit:other", {"typed": "elsewhere"})

    store.save(make_debrief(store), clear_draft="capture")

    assert drafts.get("capture") is None
    assert drafts.get("edit:other") is not None


# --- delete and restore ---------------------------------------------------------------------


def test_delete_leaves_a_tombstone_and_restore_brings_the_debrief_back(
        still_store, still_clock, make_debrief):
    store = still_store
    saved = store.save(make_debrief(store))
    still_clock.advance(timedelta(minutes=1))

    tombstone = store.delete(saved.id)

    assert store.get(saved.id) is None
    assert tombstone == store.get(saved.id, include_deleted=True)
    assert tombstone.deleted and tombstone.revision == 2
    assert tombstone.updated_at == T0 + timedelta(minutes=1)
    assert tombstone.created_at == saved.created_at
    assert tombstone.reasons == saved.reasons  # kept, so a restore is whole
    assert store.delete(saved.id) is None  # already deleted: nothing changes
    assert store.get(saved.id, include_deleted=True).revision == 2

    still_clock.advance(timedelta(minutes=1))
    restored = store.restore(saved.id)

    assert restored == store.get(saved.id)
    assert not restored.deleted and restored.revision == 3
    assert restored.updated_at == T0 + timedelta(minutes=2)
    assert restored == saved.with_changes(revision=3, updated_at=restored.updated_at)
    assert store.restore(saved.id) is None  # not deleted: nothing to restore


def test_delete_and_restore_of_an_unknown_id_change_nothing(store, counts):
    assert store.delete("01900000-0000-7000-8000-000000000000") is None
    assert store.restore("01900000-0000-7000-8000-000000000000") is None
    assert counts()["debrief"] == 0


def test_tombstones_are_left_out_of_lists_prefill_and_competitors(store, make_debrief):
    kept = store.save(make_debrief(store, competitor="Initech", stage=Stage.INTEREST))
    gone = store.save(make_debrief(store, competitor="Globex", stage=Stage.SELECTION))
    store.delete(gone.id)

    assert [row.id for row in page(store.conn, DebriefFilter())] == [kept.id]
    assert count(store.conn, DebriefFilter()) == 1
    assert store.last_saved() == kept
    assert store.new_debrief("ann").stage == Stage.INTEREST
    assert store.competitors() == ["Initech"]


# --- pre-fill and the competitor completer --------------------------------------------------


def test_a_new_debrief_on_an_empty_store_is_blank(store):
    fresh = store.new_debrief("ann.rep@example.com")
    assert is_uuid7(fresh.id)
    assert fresh == Debrief(id=fresh.id, rep="ann.rep@example.com")
    assert store.last_saved() is None


def test_a_new_debrief_is_prefilled_from_the_last_one_saved(store, make_debrief):
    store.save(make_debrief(store, outcome=Outcome.LOST, stage=Stage.INTEREST))
    last = store.save(make_debrief(
        store, outcome=Outcome.WON, stage=Stage.SELECTION, reasons=WON_REASONS,
        segment=Segment("retail", "50-199", "apac"), deal_value=Decimal("1200"),
        currency="GBP", competitor="Globex", crm_ref="OPP-7", quote="Loved it",
        private_notes="private", account_name="Shop Ltd"))

    fresh = store.new_debrief("ann.rep@example.com")

    assert store.last_saved() == last
    assert fresh.id not in {last.id} and is_uuid7(fresh.id)
    assert (fresh.outcome, fresh.stage, fresh.segment, fresh.currency) == (
        Outcome.WON, Stage.SELECTION, Segment("retail", "50-199", "apac"), "GBP")
    # Only the context carries over, never what this call was about.
    assert fresh == Debrief(id=fresh.id, rep="ann.rep@example.com", outcome=Outcome.WON,
                            stage=Stage.SELECTION, segment=Segment("retail", "50-199", "apac"),
                            currency="GBP")


def test_last_saved_follows_the_latest_edit_not_the_latest_creation(store, make_debrief):
    older = store.save(make_debrief(store, stage=Stage.AWARENESS))
    store.save(make_debrief(store, stage=Stage.INTEREST))
    edited = store.save(older.with_changes(competitor="Globex"))
    assert store.last_saved() == edited


def test_competitors_are_listed_most_used_first_then_by_name(store, make_debrief):
    for name, times in [("Initech", 2), ("Globex", 3), ("Acme", 2), (None, 2), ("Zeta", 1)]:
        for _ in range(times):
            store.save(make_debrief(store, competitor=name))
    store.save(make_debrief(store, competitor="  Globex "))  # trimmed, so counted with Globex

    assert store.competitors() == ["Globex", "Acme", "Initech", "Zeta"]
    assert store.competitors(limit=2) == ["Globex", "Acme"]


def test_competitors_come_from_the_latest_debriefs_only(store, make_debrief):
    for name in ("Oldco", "Oldco", "Newco", "Midco", "Newco"):
        store.save(make_debrief(store, competitor=name))
    assert store.competitors(recent=3) == ["Newco", "Midco"]


# --- listing --------------------------------------------------------------------------------


@pytest.fixture
def varied(still_store, still_clock, make_debrief):
    """Six debriefs, an hour apart, differing in every filtered field."""
    store = still_store
    specs = {
        "lost-eval": dict(competitor="Globex", account_name="Shop Ltd"),
        "won-sel": dict(outcome=Outcome.WON, stage=Stage.SELECTION, reasons=WON_REASONS,
                        quote="The ROI case was clear in a week."),
        "lost-int": dict(stage=Stage.INTEREST, crm_ref="OPP-0042",
                         reasons=(Reason(OTHER_LOSS_CODE, primary=True),
                                  Reason(LOSS_CODE, LOSS_DETAIL))),
        "nodec-eval": dict(outcome=Outcome.NO_DECISION, reasons=(),
                           reasons_unknown=True, private_notes="Discount of 50% was offered"),
        "obj-cons": dict(outcome=Outcome.OBJECTION, stage=Stage.CONSIDERATION,
                         private_notes="they want 500 seats, 50 now", competitor="Globex"),
        "prog-aw": dict(outcome=Outcome.PROGRESSED, stage=Stage.AWARENESS,
                        reasons=WON_REASONS, account_name="Under_score & Co"),
    }
    saved = {}
    for name, overrides in specs.items():
        saved[name] = store.save(make_debrief(store, **overrides))
        still_clock.advance(timedelta(hours=1))
    return store, saved


def _ids(store, flt):
    rows = page(store.conn, flt)
    assert count(store.conn, flt) == len(rows)
    return rows


@pytest.mark.parametrize(("flt", "expected"), [
    (DebriefFilter(), ["prog-aw", "obj-cons", "nodec-eval", "lost-int", "won-sel", "lost-eval"]),
    (DebriefFilter(outcome=Outcome.LOST), ["lost-int", "lost-eval"]),
    (DebriefFilter(outcome=Outcome.PROGRESSED), ["prog-aw"]),
    (DebriefFilter(stage=Stage.EVALUATION), ["nodec-eval", "lost-eval"]),
    (DebriefFilter(outcome=Outcome.LOST, stage=Stage.INTEREST), ["lost-int"]),
    (DebriefFilter(reason_code=LOSS_CODE), ["obj-cons", "lost-int", "lost-eval"]),  # any
    (DebriefFilter(reason_code=WIN_CODE), ["prog-aw", "won-sel"]),
    (DebriefFilter(reason_code="no.such.code"), []),
    (DebriefFilter(since=T0 + timedelta(hours=2)), ["prog-aw", "obj-cons", "nodec-eval",
                                                    "lost-int"]),  # inclusive
    (DebriefFilter(until=T0 + timedelta(hours=2)), ["won-sel", "lost-eval"]),  # exclusive
    (DebriefFilter(since=T0 + timedelta(hours=1), until=T0 + timedelta(hours=3)),
     ["lost-int", "won-sel"]),
    (DebriefFilter(text="globex"), ["obj-cons", "lost-eval"]),  # case-insensitive
    (DebriefFilter(text="shop"), ["lost-eval"]),  # account name
    (DebriefFilter(text="OPP-00"), ["lost-int"]),  # CRM reference
    (DebriefFilter(text="ROI"), ["won-sel"]),  # quote
    (DebriefFilter(text="discount"), ["nodec-eval"]),  # private notes
    (DebriefFilter(text="globex seats"), ["obj-cons"]),  # every word must match
    (DebriefFilter(text="  "), ["prog-aw", "obj-cons", "nodec-eval", "lost-int", "won-sel",
                                "lost-eval"]),
    (DebriefFilter(text="globex", outcome=Outcome.LOST), ["lost-eval"]),
], ids=repr)
def test_listing_filters(varied, flt, expected):
    store, saved = varied
    assert [row.id for row in _ids(store, flt)] == [saved[name].id for name in expected]


@pytest.mark.parametrize(("text", "expected"), [
    ("50%", ["nodec-eval"]),  # not "50" followed by anything
    ("%", ["nodec-eval"]),
    ("_", ["prog-aw"]),
    ("r_s", ["prog-aw"]),  # "Under_score"
    ("0_4", []),  # "OPP-0042" would match if "_" were any character
    ("\\", []),
    ("50", ["obj-cons", "nodec-eval"]),
])
def test_search_text_wildcards_are_literal(varied, text, expected):
    store, saved = varied
    flt = DebriefFilter(text=text)
    assert [row.id for row in _ids(store, flt)] == [saved[name].id for name in expected]


def test_a_listed_row_shows_the_primary_reason_and_entries(varied):
    store, saved = varied
    rows = {row.id: row for row in page(store.conn, DebriefFilter())}
    lost_int = rows[saved["lost-int"].id]
    assert (lost_int.primary_code, lost_int.primary_detail) == (OTHER_LOSS_CODE, None)
    assert lost_int.created_at == to_iso(saved["lost-int"].created_at)
    assert (lost_int.outcome, lost_int.stage) == (Outcome.LOST, Stage.INTEREST)
    unknown = rows[saved["nodec-eval"].id]
    assert unknown.primary_code is None and unknown.reasons_unknown
    lost_eval = rows[saved["lost-eval"].id]
    assert (lost_eval.primary_code, lost_eval.primary_detail) == (LOSS_CODE, LOSS_DETAIL)
    assert (lost_eval.competitor, lost_eval.account_name) == ("Globex", "Shop Ltd")
    assert all(row.entries >= 1 for row in rows.values())


@pytest.mark.parametrize("flt", [DebriefFilter(), DebriefFilter(outcome=Outcome.LOST)],
                         ids=["all", "lost"])
def test_keyset_pages_cover_every_debrief_once_in_order(
        still_store, still_clock, make_debrief, flt):
    """1,050 debriefs, many sharing a created_at second, ids unrelated to save order."""
    store = still_store
    rng = random.Random(20260105)
    ids = [store.ids.new_id() for _ in range(1_050)]
    rng.shuffle(ids)
    saved = []
    for i, debrief_id in enumerate(ids):
        if i % 7 == 0:
            still_clock.advance(timedelta(seconds=1))
        outcome = Outcome.LOST if i % 3 else Outcome.NO_DECISION
        saved.append(store.save(make_debrief(store, id=debrief_id, outcome=outcome)))
    for gone in saved[::50]:
        store.delete(gone.id)
    deleted = {d.id for d in saved[::50]}
    expected = [d.id for d in sorted(saved, key=lambda d: (d.created_at, d.id), reverse=True)
                if d.id not in deleted and flt.outcome in (None, d.outcome)]

    listed, after, pages = [], None, 0
    while rows := page(store.conn, flt, after=after, limit=200):
        pages += 1
        assert len(rows) <= 200
        listed.extend(row.id for row in rows)
        after = rows[-1].cursor

    assert listed == expected  # no gap, no repeat, newest first, ties broken by id
    assert count(store.conn, flt) == len(expected)
    assert pages == -(-len(expected) // 200)


# --- drafts ---------------------------------------------------------------------------------


def test_a_draft_is_kept_replaced_and_cleared(still_store, still_clock):
    drafts = DraftStore(still_store.conn, still_clock)
    assert drafts.get("capture") is None

    drafts.put("capture", {"competitor": "Glo", "notes": "ünïcödé ✓"})
    assert drafts.get("capture") == ({"competitor": "Glo", "notes": "ünïcödé ✓"}, T0)

    still_clock.advance(timedelta(seconds=30))
    drafts.put("capture", {"competitor": "Globex"})
    assert drafts.get("capture") == ({"competitor": "Globex"}, T0 + timedelta(seconds=30))
    assert still_store.conn.execute("SELECT COUNT(*) FROM draft").fetchone()[0] == 1

    drafts.clear("capture")
    assert drafts.get("capture") is None
    drafts.clear("capture")  # clearing nothing is fine


def test_the_form_drafts_are_listed_newest_first_with_the_older_single_slot(
        still_store, still_clock):
    drafts = DraftStore(still_store.conn, still_clock)
    drafts.put("capture", {"n": 1})  # as the first schema's app kept its one form draft
    still_clock.advance(timedelta(seconds=1))
    drafts.put(form_slot("b"), {"n": 2})
    still_clock.advance(timedelta(seconds=1))
    drafts.put(form_slot("a"), {"n": 3})
    drafts.put("edit:other", {"n": 4})  # not the capture form's
    drafts.put("capturex", {"n": 5})
    listed = drafts.form_drafts()
    assert [(d.slot, d.body) for d in listed] == [
        ("capture:a", {"n": 3}), ("capture:b", {"n": 2}), ("capture", {"n": 1})]
    assert listed[0].saved_at == T0 + timedelta(seconds=2)


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", "3", "null"])
def test_an_unreadable_form_draft_is_left_out_of_the_list(still_store, still_clock, body):
    still_store.conn.execute("INSERT INTO draft (slot, body, saved_at) VALUES (?, ?, ?)",
                             (form_slot("bad"), body, "2026-01-05T09:00:00.000000Z"))
    drafts = DraftStore(still_store.conn, still_clock)
    drafts.put(form_slot("good"), {"ok": True})
    assert [d.slot for d in drafts.form_drafts()] == [form_slot("good")]
    assert drafts.get(form_slot("bad")) is None


def test_a_whole_debrief_round_trips_through_a_draft(store, make_debrief):
    drafts = DraftStore(store.conn, store.clock)
    debrief = make_debrief(store, deal_value=Decimal("99.50"), currency="USD",
                           private_notes="typed so far")
    drafts.put("capture", debrief.to_dict())
    body, _ = drafts.get("capture")
    assert Debrief.from_dict(body) == debrief


@pytest.mark.parametrize(("body", "saved_at"), [
    ("{not json", "2026-01-05T09:00:00.000000Z"),
    ("", "2026-01-05T09:00:00.000000Z"),
    ('{"competitor": "Globex"}', "yesterday"),
    ('{"competitor": "Globex"}', "2026-01-05T09:00:00"),  # no time zone
])
def test_an_unreadable_draft_is_treated_as_no_draft(store, body, saved_at):
    store.conn.execute("INSERT INTO draft (slot, body, saved_at) VALUES ('capture', ?, ?)",
                       (body, saved_at))
    drafts = DraftStore(store.conn, store.clock)
    assert drafts.get("capture") is None
    drafts.put("capture", {"fresh": True})  # and it is simply replaced next time
    assert drafts.get("capture")[0] == {"fresh": True}
