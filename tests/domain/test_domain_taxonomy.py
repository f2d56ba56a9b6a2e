"""Tests for the reason taxonomy: loading, type-ahead search, retired codes and mappings."""

import copy

import pytest

from sync.domain.debrief import Outcome, Polarity
from sync.domain.taxonomy import Taxonomy, TaxonomyError
from sync.resources import default_taxonomy

TAXONOMY = default_taxonomy()


def keys(suggestions) -> list[tuple[str, str | None]]:
    return [(s.code.key, s.detail.key if s.detail else None) for s in suggestions]


def small_doc() -> dict:
    """A minimal well-formed taxonomy document; tests break one thing at a time."""
    return {
        "format": 1,
        "version": "t.1",
        "categories": [
            {"key": "price", "label": "Price", "codes": [
                {"key": "price.high", "label": "Too high", "applies_to": "loss",
                 "details": [{"key": "price.high.budget", "label": "Over budget"}]},
                {"key": "price.old", "label": "Old price code", "applies_to": "loss",
                 "retired": True},
            ]},
            {"key": "fit", "label": "Fit", "codes": [
                {"key": "fit.good", "label": "Good fit", "applies_to": "win",
                 "keywords": ["match"]},
            ]},
        ],
        "mappings": [{"from": "price.old", "to": ["price.high"]}],
    }


# --- loading --------------------------------------------------------------------------


def test_the_default_taxonomy_loads():
    assert TAXONOMY.version == "2026.2"
    assert len(TAXONOMY.categories) >= 10
    assert TAXONOMY.code("price.too_high").category_key == "price"
    assert TAXONOMY.code("price.too_high").applies_to is Polarity.LOSS
    # "Other" is there for either outcome, and asks for words; no other code does.
    other = [code for code in TAXONOMY.codes if code.asks_for_words]
    assert [(code.key, code.applies_to) for code in other] == [
        ("other.in_a_few_words", Polarity.BOTH)]


def test_a_small_document_loads_with_its_parts():
    taxonomy = Taxonomy.from_dict(small_doc())
    assert taxonomy.version == "t.1"
    assert [c.key for c in taxonomy.codes] == ["price.high", "price.old", "fit.good"]
    code = taxonomy.code("price.high")
    assert code.category_label == "Price"
    assert code.detail("price.high.budget").label == "Over budget"
    assert code.detail("price.high.nope") is None
    assert taxonomy.code("fit.good").keywords == ("match",)
    assert taxonomy.code("price.old").retired is True
    assert taxonomy.code("nope") is None


def wrong_format(doc):
    doc["format"] = 2


def no_format(doc):
    del doc["format"]


def no_categories(doc):
    del doc["categories"]


def code_without_label(doc):
    del doc["categories"][0]["codes"][0]["label"]


def bad_polarity(doc):
    doc["categories"][0]["codes"][0]["applies_to"] = "sometimes"


def duplicate_code(doc):
    doc["categories"][1]["codes"].append(dict(doc["categories"][0]["codes"][0]))


def mapping_to_unknown(doc):
    doc["mappings"] = [{"from": "price.old", "to": ["price.gone"]}]


def mapping_from_unknown(doc):
    doc["mappings"] = [{"from": "price.never", "to": ["price.high"]}]


def mapping_to_a_string(doc):
    doc["mappings"] = [{"from": "price.old", "to": "price.high"}]


def categories_not_a_list(doc):
    doc["categories"] = 5


def details_not_objects(doc):
    doc["categories"][0]["codes"][0]["details"] = ["price.high.budget"]


def keywords_not_text(doc):
    doc["categories"][1]["codes"][0]["keywords"] = [5]


@pytest.mark.parametrize(("breakage", "message"), [
    (wrong_format, "unknown taxonomy format 2"),
    (no_format, "unknown taxonomy format None"),
    (no_categories, "malformed taxonomy"),
    (code_without_label, "malformed taxonomy"),
    (bad_polarity, "malformed taxonomy"),
    (duplicate_code, "duplicate code keys in taxonomy"),
    (mapping_to_unknown, "names an unknown code"),
    (mapping_from_unknown, "names an unknown code"),
    (mapping_to_a_string, "names an unknown code"),
    (categories_not_a_list, "malformed taxonomy"),
    (details_not_objects, "malformed taxonomy"),
    (keywords_not_text, "malformed taxonomy"),
])
def test_from_dict_rejects_a_malformed_document(breakage, message):
    doc = copy.deepcopy(small_doc())
    breakage(doc)
    with pytest.raises(TaxonomyError, match=message):
        Taxonomy.from_dict(doc)


@pytest.mark.parametrize("doc", [None, [], "taxonomy", 1])
def test_from_dict_rejects_a_document_that_is_not_an_object(doc):
    with pytest.raises(TaxonomyError, match="malformed taxonomy"):
        Taxonomy.from_dict(doc)


def test_taxonomy_error_is_a_value_error():
    assert issubclass(TaxonomyError, ValueError)


# --- search ---------------------------------------------------------------------------


def labels(suggestions) -> list[str]:
    return [s.label for s in suggestions]


def test_search_pri_puts_price_codes_first():
    found = TAXONOMY.search("pri")
    assert keys(found[:2]) == [("price.too_high", None), ("price.pricing_model", None)]
    best = [s for s in found if s.rank == found[0].rank]
    assert {s.code.category_key for s in best} == {"price"}
    assert found[2].code.key == "timing.not_a_priority"  # "priority": label, not category


def test_search_comp_puts_competitor_codes_before_complex_and_compliance():
    found = TAXONOMY.search("comp")
    assert [s.code.category_key for s in found[:4]] == ["competitor"] * 4
    assert labels(found[4:7]) == ["Too complex to use", "Failed security or compliance review",
                                  "Passed security & compliance review"]


def test_search_ranks_label_then_keyword_then_category_matches():
    found = TAXONOMY.search("pri")
    ranks = [s.rank for s in found]
    assert ranks == sorted(ranks)
    rank = {(s.code.key, s.detail): s.rank for s in found}
    label_and_category = rank[("price.too_high", None)]
    label_only = rank[("timing.not_a_priority", None)]  # "Not a priority now"
    keyword = rank[("competitor.cheaper", None)]  # keyword "price"
    category = rank[("price.good_value", None)]  # category "Price & value"
    assert label_and_category < label_only < keyword < category


def test_search_matches_every_word_by_its_start():
    assert labels(TAXONOMY.search("too high")) == [
        "Price too high",
        "Incumbent vendor stayed › Switching cost too high",  # the detail's own words
        "Price too high › Over the budget they had",  # details under a matching code
        "Price too high › Wanted a discount we could not give",
    ]
    assert TAXONOMY.search("oo high") == []


def test_search_is_case_and_punctuation_blind():
    assert keys(TAXONOMY.search("PRICE, TOO!"))[0] == ("price.too_high", None)


def test_search_with_lost_outcome_excludes_win_only_codes():
    found = TAXONOMY.search("price", Outcome.LOST)
    assert found
    assert all(s.code.applies_to is not Polarity.WIN for s in found)
    assert ("price.good_value", None) not in keys(found)
    assert ("price.pricing_model", None) in keys(found)  # applies to both


def test_search_without_outcome_includes_win_codes():
    assert ("price.good_value", None) in keys(TAXONOMY.search("price"))


def test_search_with_won_outcome_excludes_loss_only_codes():
    found = TAXONOMY.search("price", Outcome.WON)
    assert all(s.code.applies_to is not Polarity.LOSS for s in found)
    assert ("price.good_value", None) in keys(found)


def test_retired_codes_are_hidden_unless_asked_for():
    assert "price.other" not in {s.code.key for s in TAXONOMY.search("unspecified")}
    assert "price.other" not in {s.code.key for s in TAXONOMY.search("")}
    found = TAXONOMY.search("unspecified", include_retired=True)
    assert keys(found) == [("price.other", None)]


def test_a_retired_code_still_has_its_label():
    assert TAXONOMY.label("price.other") == "Price (unspecified, retired)"
    assert TAXONOMY.code("price.other").retired is True


def test_the_retired_code_maps_to_its_successor():
    assert TAXONOMY.current_codes_for("price.other") == ("price.too_high",)


def test_a_standing_code_maps_to_itself():
    assert TAXONOMY.current_codes_for("price.too_high") == ("price.too_high",)


def test_search_finds_detail_rows_by_their_own_words():
    found = TAXONOMY.search("budget they had")
    assert keys(found) == [("price.too_high", "price.too_high.over_budget")]
    assert labels(found) == ["Price too high › Over the budget they had"]


def test_details_of_a_matching_code_come_after_it():
    found = TAXONOMY.search("roi unclear")
    assert keys(found) == [
        ("price.roi_unclear", None),
        ("price.roi_unclear", "price.roi_unclear.no_business_case"),
        ("price.roi_unclear", "price.roi_unclear.benefits_not_quantified"),
    ]
    assert found[0].rank < found[1].rank == found[2].rank
    assert found[0].label == "ROI unclear"


def test_an_empty_query_lists_current_codes_without_details():
    found = TAXONOMY.search("", limit=1_000)
    current = [c.key for c in TAXONOMY.codes if not c.retired]
    assert keys(found) == [(key, None) for key in current]


def test_search_honours_the_limit():
    assert len(TAXONOMY.search("", limit=5)) == 5


def test_search_for_nothing_finds_nothing():
    assert TAXONOMY.search("zzzqqq") == []


# --- labels ---------------------------------------------------------------------------


def test_label_of_a_code_and_a_detail():
    assert TAXONOMY.label("price.too_high") == "Price too high"
    assert TAXONOMY.label("price.too_high", "price.too_high.over_budget") == (
        "Price too high › Over the budget they had")


def test_an_unknown_code_label_falls_back_to_the_key():
    assert TAXONOMY.label("price.mystery") == "price.mystery"
    assert TAXONOMY.label("price.mystery", "price.mystery.x") == "price.mystery"


def test_an_unknown_detail_label_falls_back_to_its_key():
    assert TAXONOMY.label("price.too_high", "price.too_high.gone") == (
        "Price too high › price.too_high.gone")
