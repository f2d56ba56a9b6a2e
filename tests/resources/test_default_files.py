"""Checks for the shipped default data files: reason taxonomy and segment lists."""

import copy
import json
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
TAXONOMY = RESOURCES / "taxonomy" / "default.json"
TAXONOMY_SCHEMA = RESOURCES / "taxonomy" / "taxonomy.schema.json"
SEGMENTS = RESOURCES / "segments.json"
SEGMENTS_SCHEMA = RESOURCES / "segments.schema.json"

REQUIRED_CATEGORIES = {
    "price", "competitor", "timing", "budget", "trust", "process",
    "relationship", "implementation", "support", "product_fit", "status_quo",
}
WORD = re.compile(r"[^\W_]+")


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def taxonomy():
    return load(TAXONOMY)


@pytest.fixture(scope="module")
def segments():
    return load(SEGMENTS)


@pytest.fixture(scope="module")
def taxonomy_validator():
    return Draft202012Validator(load(TAXONOMY_SCHEMA))


@pytest.fixture(scope="module")
def segments_validator():
    return Draft202012Validator(load(SEGMENTS_SCHEMA))


def all_codes(doc):
    return [code for cat in doc["categories"] for code in cat["codes"]]


def current_codes(doc):
    return [code for code in all_codes(doc) if not code.get("retired", False)]


def all_details(doc):
    return [detail for code in all_codes(doc) for detail in code.get("details", [])]


def errors(validator, doc):
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


# --- schemas and validation -------------------------------------------------


@pytest.mark.parametrize("schema_path", [TAXONOMY_SCHEMA, SEGMENTS_SCHEMA], ids=lambda p: p.name)
def test_schema_is_valid_draft_2020_12(schema_path):
    schema = load(schema_path)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_taxonomy_matches_schema(taxonomy, taxonomy_validator):
    assert errors(taxonomy_validator, taxonomy) == []


def test_segments_match_schema(segments, segments_validator):
    assert errors(segments_validator, segments) == []


# --- taxonomy content --------------------------------------------------------


def test_enough_categories_and_codes(taxonomy):
    assert len(taxonomy["categories"]) >= 10
    assert len(current_codes(taxonomy)) >= 40


def test_keys_are_unique_across_the_file(taxonomy):
    keys = [cat["key"] for cat in taxonomy["categories"]]
    keys += [code["key"] for code in all_codes(taxonomy)]
    keys += [detail["key"] for detail in all_details(taxonomy)]
    duplicates = [key for key, n in Counter(keys).items() if n > 1]
    assert duplicates == []


def test_code_keys_start_with_their_category_key(taxonomy):
    wrong = [
        code["key"]
        for cat in taxonomy["categories"]
        for code in cat["codes"]
        if not code["key"].startswith(cat["key"] + ".")
    ]
    assert wrong == []


def test_detail_keys_start_with_their_code_key(taxonomy):
    wrong = [
        detail["key"]
        for code in all_codes(taxonomy)
        for detail in code.get("details", [])
        if not detail["key"].startswith(code["key"] + ".")
    ]
    assert wrong == []


def test_mappings_lead_from_retired_to_current_codes(taxonomy):
    retired = {c["key"] for c in all_codes(taxonomy) if c.get("retired", False)}
    current = {c["key"] for c in current_codes(taxonomy)}
    assert taxonomy["mappings"], "the default should exercise the mapping mechanism"
    for mapping in taxonomy["mappings"]:
        assert mapping["from"] in retired
        assert mapping["to"] and set(mapping["to"]) <= current


def test_every_retired_code_is_mapped(taxonomy):
    retired = {c["key"] for c in all_codes(taxonomy) if c.get("retired", False)}
    mapped = {mapping["from"] for mapping in taxonomy["mappings"]}
    assert retired, "the default should contain a retired code"
    assert retired <= mapped


def test_required_categories_are_covered(taxonomy):
    keys = {cat["key"] for cat in taxonomy["categories"]}
    assert keys >= REQUIRED_CATEGORIES


def test_every_applies_to_value_is_used(taxonomy):
    used = {code["applies_to"] for code in current_codes(taxonomy)}
    assert used == {"win", "loss", "both"}


def test_every_category_has_codes_for_wins_and_losses(taxonomy):
    for cat in taxonomy["categories"]:
        polarities = {c["applies_to"] for c in cat["codes"] if not c.get("retired", False)}
        assert polarities & {"win", "both"}, f"{cat['key']} has no code for wins"
        assert polarities & {"loss", "both"}, f"{cat['key']} has no code for losses"


@pytest.mark.parametrize(
    ("typed", "category_key"),
    [
        ("pri", "price"), ("comp", "competitor"), ("bud", "budget"), ("tim", "timing"),
        ("trust", "trust"), ("proc", "process"), ("champ", "relationship"),
        ("impl", "implementation"), ("supp", "support"), ("feat", "product_fit"),
        ("status", "status_quo"),
    ],
)
def test_category_label_is_found_by_typing_a_prefix(taxonomy, typed, category_key):
    labels = {cat["key"]: cat["label"] for cat in taxonomy["categories"]}
    words = [w.casefold() for w in WORD.findall(labels[category_key])]
    assert any(word.startswith(typed) for word in words)


def test_current_codes_have_two_to_six_single_word_keywords(taxonomy):
    for code in current_codes(taxonomy):
        keywords = code.get("keywords", [])
        assert 2 <= len(keywords) <= 6, code["key"]
        for keyword in keywords:
            assert WORD.fullmatch(keyword) and keyword == keyword.lower(), keyword


def test_labels_are_short(taxonomy):
    items = taxonomy["categories"] + all_codes(taxonomy) + all_details(taxonomy)
    long_labels = [item["label"] for item in items if len(item["label"]) > 40]
    assert long_labels == []


def test_about_half_the_codes_have_one_to_three_details(taxonomy):
    codes = current_codes(taxonomy)
    with_details = [c for c in codes if c.get("details")]
    assert all(len(c["details"]) <= 3 for c in with_details)
    assert 0.4 <= len(with_details) / len(codes) <= 0.6


# --- segment content ---------------------------------------------------------


def test_segment_list_sizes(segments):
    assert 12 <= len(segments["industries"]) <= 16
    assert 5 <= len(segments["company_sizes"]) <= 6
    assert 5 <= len(segments["regions"]) <= 8


@pytest.mark.parametrize("name", ["industries", "company_sizes", "regions"])
def test_segment_keys_and_labels_are_unique(segments, name):
    items = segments[name]
    assert len({item["key"] for item in items}) == len(items)
    assert len({item["label"] for item in items}) == len(items)


def size_band(key):
    low, _, high = key.rstrip("+").partition("-")
    return int(low), (int(high) if high else None)


def test_company_sizes_ascend_without_gaps(segments):
    bands = [size_band(item["key"]) for item in segments["company_sizes"]]
    assert bands[0][0] == 1
    assert bands[-1][1] is None, "the last band should be open-ended"
    for (low, high), (next_low, _) in pairwise(bands):
        assert high is not None and low <= high
        assert next_low == high + 1


# --- the schemas reject broken documents -------------------------------------


def first_code(doc):
    return doc["categories"][0]["codes"][0]


def set_unknown_root_field(doc):
    doc["owner"] = "marketing"


def set_unknown_code_field(doc):
    first_code(doc)["weight"] = 2


def set_bad_applies_to(doc):
    first_code(doc)["applies_to"] = "draw"


def set_code_key_with_spaces(doc):
    first_code(doc)["key"] = "price.too high"


def set_code_key_without_category(doc):
    first_code(doc)["key"] = "too_high"


def set_uppercase_category_key(doc):
    doc["categories"][0]["key"] = "Price"


def set_empty_label(doc):
    first_code(doc)["label"] = ""


def set_overlong_label(doc):
    first_code(doc)["label"] = "x" * 61


def set_format_two(doc):
    doc["format"] = 2


def drop_version(doc):
    del doc["version"]


def set_extra_detail_field(doc):
    code = next(c for c in all_codes(doc) if c.get("details"))
    code["details"][0]["applies_to"] = "loss"


def set_keyword_with_space(doc):
    first_code(doc)["keywords"] = ["too expensive"]


def empty_codes(doc):
    doc["categories"][0]["codes"] = []


def mapping_to_nothing(doc):
    doc["mappings"] = [{"from": "price.other", "to": [], "version": "2026.1"}]


@pytest.mark.parametrize(
    "breakage",
    [
        set_unknown_root_field, set_unknown_code_field, set_bad_applies_to,
        set_code_key_with_spaces, set_code_key_without_category, set_uppercase_category_key,
        set_empty_label, set_overlong_label, set_format_two, drop_version,
        set_extra_detail_field, set_keyword_with_space, empty_codes, mapping_to_nothing,
    ],
    ids=lambda f: f.__name__,
)
def test_taxonomy_schema_rejects_broken_document(taxonomy, taxonomy_validator, breakage):
    doc = copy.deepcopy(taxonomy)
    breakage(doc)
    assert not taxonomy_validator.is_valid(doc)


@pytest.mark.parametrize(
    ("name", "item"),
    [
        ("industries", {"key": "software", "label": "Software", "sector": "tech"}),
        ("industries", {"key": "Health Care", "label": "Health care"}),
        ("regions", {"key": "apac", "label": ""}),
        ("company_sizes", {"key": "big", "label": "Big companies"}),
    ],
)
def test_segments_schema_rejects_broken_document(segments, segments_validator, name, item):
    doc = copy.deepcopy(segments)
    doc[name].append(item)
    assert not segments_validator.is_valid(doc)
