"""Tests for finding and loading the shipped defaults in resources/."""

import sys
from pathlib import Path

from sync import resources
from sync.domain.scoring import ContestRules
from sync.domain.segments import SegmentLists
from sync.domain.taxonomy import Taxonomy

REPO = Path(__file__).resolve().parents[2]


def test_resources_dir_is_the_checkout_folder():
    assert resources.resources_dir() == REPO / "resources"
    assert (resources.resources_dir() / "taxonomy" / "default.json").is_file()


def test_resources_dir_inside_a_frozen_bundle(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == tmp_path / "resources"


def test_the_defaults_load_into_their_types():
    assert isinstance(resources.default_taxonomy(), Taxonomy)
    assert isinstance(resources.default_segments(), SegmentLists)
    assert isinstance(resources.default_contest_rules(), ContestRules)


def test_the_default_segment_lists_have_every_part():
    lists = resources.default_segments()
    assert lists.label("industry", "software") == "Software & internet"
    assert lists.label("company_size", "50-199") == "50–199 employees"
    assert lists.label("region", "dach") == "DACH (Germany, Austria, Switzerland)"


def test_each_call_builds_a_fresh_taxonomy():
    assert resources.default_taxonomy() is not resources.default_taxonomy()
