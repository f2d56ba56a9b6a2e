"""Tests for the segment lists: industries, company sizes and regions."""

import pytest

from sync.domain.segments import Choice, SegmentLists

DOC = {
    "format": 1,
    "industries": [{"key": "software", "label": "Software"}],
    "company_sizes": [{"key": "1-49", "label": "1–49 employees"}],
    "regions": [{"key": "dach", "label": "DACH"}, {"key": "nordics", "label": "Nordics"}],
}


def test_from_dict_reads_every_list():
    lists = SegmentLists.from_dict(DOC)
    assert lists.industries == (Choice("software", "Software"),)
    assert lists.choices_for("company_size") == (Choice("1-49", "1–49 employees"),)
    assert [c.key for c in lists.choices_for("region")] == ["dach", "nordics"]


def test_from_dict_refuses_an_unknown_format():
    with pytest.raises(ValueError, match="unknown segment list format 2"):
        SegmentLists.from_dict(DOC | {"format": 2})


def test_label_falls_back_to_the_key_and_blank_for_none():
    lists = SegmentLists.from_dict(DOC)
    assert lists.label("region", "nordics") == "Nordics"
    assert lists.label("region", "atlantis") == "atlantis"
    assert lists.label("region", None) == ""
    assert lists.label("region", "") == ""


def test_choices_for_an_unknown_part_is_a_key_error():
    with pytest.raises(KeyError):
        SegmentLists.from_dict(DOC).choices_for("continent")


def test_offers_only_what_is_on_that_part_s_list():
    lists = SegmentLists.from_dict(DOC)
    assert lists.offers("region", "nordics")
    assert not lists.offers("industry", "nordics")  # on another part's list
    assert not lists.offers("region", "Nordics")  # a label is not a key
    assert lists == SegmentLists.from_dict(DOC)  # asking leaves equality alone
