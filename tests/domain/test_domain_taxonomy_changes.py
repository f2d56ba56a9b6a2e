"""Changes to the reason taxonomy, each a new version: add, rename, retire, merge and
split, with the mappings that carry a trend across them (a hand-worked fixture)."""

from __future__ import annotations

import copy
from collections import Counter

import pytest

from sync.domain.debrief import Polarity
from sync.domain.taxonomy import Taxonomy, TaxonomyError
from sync.domain.taxonomy_changes import (
    ChangeError,
    add_code,
    add_detail,
    current_codes,
    merge_codes,
    next_version,
    rename_code,
    rename_detail,
    retire_code,
    retire_detail,
    split_code,
    suggested_key,
)
from sync.resources import load_json


@pytest.fixture
def document() -> dict:
    return load_json("taxonomy/default.json")


def test_a_new_key_is_suggested_from_its_label():
    assert suggested_key("price", "Payment terms") == "price.payment_terms"
    assert suggested_key("price", "Zahlungsbedingungen für Ämter!") == (
        "price.zahlungsbedingungen_fur_amter")
    assert suggested_key("price", "30-day terms") == "price.n_30_day_terms"
    assert suggested_key("price", "Terms", {"price.terms", "price.terms_2"}) == "price.terms_3"
    assert suggested_key("price.too_high", "Over budget") == "price.too_high.over_budget"
    assert suggested_key("price", "¿?") == ""


def test_versions_count_on():
    assert next_version("2026.1") == "2026.2"
    assert next_version("2026.9") == "2026.10"
    assert next_version("7") == "8"
    assert next_version("spring") == "spring.1"


def test_each_change_is_a_new_version_and_leaves_the_old_document_alone(document):
    before = copy.deepcopy(document)
    added = add_code(document, "price", "price.payment_terms", "Invoice terms",
                     Polarity.LOSS, ["invoice"])
    assert document == before
    assert added["version"] == next_version(document["version"])
    taxonomy = Taxonomy.from_dict(added)
    assert taxonomy.code("price.payment_terms").label == "Invoice terms"
    renamed = Taxonomy.from_dict(rename_code(added, "price.payment_terms", " Invoice  terms "))
    assert renamed.code("price.payment_terms").label == "Invoice  terms"
    retired = Taxonomy.from_dict(retire_code(added, "price.payment_terms"))
    assert retired.code("price.payment_terms").retired  # still readable
    assert retired.label("price.payment_terms") == "Invoice terms"


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: add_code(d, "price", "price.too_high", "Again", Polarity.LOSS), "key"),
    (lambda d: add_code(d, "price", "Price Terms", "Terms", Polarity.LOSS), "key"),
    (lambda d: add_code(d, "price", "budget.terms", "Terms", Polarity.LOSS), "key"),
    (lambda d: add_code(d, "price", "price.terms.net", "Terms", Polarity.LOSS), "key"),
    (lambda d: add_code(d, "price", "price.terms", "x" * 61, Polarity.LOSS), "label"),
    (lambda d: add_code(d, "nowhere", "nowhere.x", "X", Polarity.LOSS), "category"),
    (lambda d: rename_code(d, "price.too_high", "   "), "label"),
    (lambda d: rename_code(d, "price.unknown", "X"), "key"),
    (lambda d: merge_codes(d, [], "price.too_high"), "sources"),
    (lambda d: merge_codes(d, ["price.too_high"], "price.too_high"), "sources"),
    (lambda d: split_code(d, "price.too_high", [("price.a", "A")]), "parts"),
    (lambda d: retire_code(retire_code(d, "price.too_high"), "price.too_high"), "key"),
    (lambda d: add_detail(d, "price.too_high", "price.other.x", "X"), "key"),
    (lambda d: add_detail(d, "price.nowhere", "price.nowhere.x", "X"), "code"),
    (lambda d: merge_codes(d, ["price.nowhere"], "price.too_high"), "sources"),
    (lambda d: merge_codes(d, ["price.too_high"], "price.nowhere"), "into"),
    # A reason deals are lost never counts as one they are won.
    (lambda d: merge_codes(d, ["price.too_high"], "price.good_value"), "into"),
    (lambda d: split_code(d, "price.too_high", [("price.a", "A"), ("price.a", "B")]),
     "parts"),
    (lambda d: split_code(d, "price.too_high", [("price.a", "A"), ("price.b", " a ")]),
     "parts"),
    (lambda d: rename_code(d, "price.too_high", "Price\u0007high"), "label"),
    (lambda d: rename_code(d, "price.too_high", "Price\nhigh"), "label"),
    (lambda d: rename_code(d, "price.too_high", "payment TERMS"), "label"),  # taken
    (lambda d: add_code(d, "price", "price.dear", "Payment terms", Polarity.LOSS), "label"),
    (lambda d: add_detail(d, "price.too_high", "price.too_high.x",
                          "Over the budget they had"), "label"),
    (lambda d: add_detail(d, "price.too_high", "price.too_high", "X"), "key"),
    (lambda d: add_detail(d, "price.other", "price.other.x", "X"), "code"),
    (lambda d: add_detail(d, "price.too_high", "price.too_high.over_budget", "X"), "key"),
    (lambda d: rename_detail(d, "price.too_high.nowhere", "X"), "key"),
    (lambda d: retire_detail(retire_detail(d, "price.too_high.over_budget"),
                             "price.too_high.over_budget"), "key"),
])
def test_a_change_the_taxonomy_cannot_take_names_why(document, change, field):
    with pytest.raises(ChangeError) as refused:
        change(document)
    assert refused.value.field == field and refused.value.message


def test_details_are_added_renamed_and_retired_and_old_ones_still_read(document):
    added = add_detail(document, "price.too_high", "price.too_high.payment_terms",
                       "Payment terms too strict")
    renamed = rename_detail(added, "price.too_high.payment_terms", "Payment terms")
    retired = Taxonomy.from_dict(retire_detail(renamed, "price.too_high.payment_terms"))
    assert retired.label("price.too_high", "price.too_high.payment_terms") == (
        "Price too high › Payment terms")
    assert retired.code("price.too_high").detail("price.too_high.payment_terms").retired
    offered = {s.detail.key for s in retired.search("payment") if s.detail}
    assert "price.too_high.payment_terms" not in offered
    assert "price.too_high.payment_terms" in {
        s.detail.key for s in retired.search("payment", include_retired=True) if s.detail}


def test_mappings_that_go_round_in_a_circle_are_refused(document):
    document["mappings"] = [{"from": "price.too_high", "to": ["price.good_value"],
                             "version": "x"},
                            {"from": "price.good_value", "to": ["price.too_high"],
                             "version": "x"}]
    with pytest.raises(TaxonomyError, match="circle"):
        Taxonomy.from_dict(document)


# Debriefs by month with the codes they were saved with: (month, codes).
SAVED = [
    ("2026-01", ("price.too_high",)),
    ("2026-01", ("price.too_high", "competitor.cheaper")),
    ("2026-01", ("competitor.cheaper",)),
    ("2026-02", ("competitor.cheaper",)),
    ("2026-02", ("competitor.cheaper", "price.too_high")),
    # saved after the split below, with its new codes
    ("2026-03", ("competitor.cheaper_now",)),
    ("2026-03", ("competitor.cheaper_deal",)),
    ("2026-03", ("price.too_high",)),
]


def test_a_trend_goes_on_across_a_merge_and_a_split(document):
    # February: "price too high" is merged into "competitor cheaper"; March: that one
    # is split, its old debriefs going to the first part.
    merged = merge_codes(document, ["price.too_high"], "competitor.cheaper")
    split = split_code(merged, "competitor.cheaper", [
        ("competitor.cheaper_now", "Competitor cheaper"),
        ("competitor.cheaper_deal", "Competitor gave a better deal")])
    taxonomy = Taxonomy.from_dict(split)
    assert taxonomy.current_code("price.too_high") == "competitor.cheaper_now"
    assert taxonomy.current_code("competitor.cheaper") == "competitor.cheaper_now"
    assert taxonomy.current_code("competitor.cheaper_deal") == "competitor.cheaper_deal"
    trend = Counter((month, code) for month, codes in SAVED
                    for code in current_codes(codes, taxonomy))
    # Worked by hand: each debrief counts once per code standing now.
    assert trend == {("2026-01", "competitor.cheaper_now"): 3,
                     ("2026-02", "competitor.cheaper_now"): 2,
                     ("2026-03", "competitor.cheaper_now"): 2,
                     ("2026-03", "competitor.cheaper_deal"): 1}
    # Old debriefs still read by the labels they were saved under.
    assert taxonomy.code("price.too_high").retired
    assert taxonomy.label("price.too_high") == Taxonomy.from_dict(document).label(
        "price.too_high")
    assert [m["to"] for m in split["mappings"] if m["from"] == "competitor.cheaper"] == [
        ["competitor.cheaper_now", "competitor.cheaper_deal"]]


def test_every_changed_document_still_fits_the_taxonomy_schema(document):
    from jsonschema import Draft202012Validator

    schema = load_json("taxonomy/taxonomy.schema.json")
    document = retire_detail(add_detail(document, "price.too_high", "price.too_high.terms",
                                        "Terms"), "price.too_high.over_budget")
    changed = split_code(merge_codes(add_code(document, "price", "price.payment_terms",
                                              "x" * 60, Polarity.LOSS),
                                     ["price.roi_unclear"], "price.too_high"),
                         "competitor.cheaper", [("competitor.cheaper_now", "Cheaper"),
                                                ("competitor.cheaper_deal", "A better deal")])
    Draft202012Validator(schema).validate(changed)
