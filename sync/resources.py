"""The shipped defaults in resources/: taxonomy, segment lists, contest rules.

Found the same way from a source checkout and from a frozen bundle (PyInstaller puts
the folder under sys._MEIPASS). The central copies replace these on sync.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from sync.domain.scoring import ContestRules
from sync.domain.segments import SegmentLists
from sync.domain.taxonomy import Taxonomy


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[1] / "resources"


def load_json(relative: str) -> Any:
    """A JSON file from resources/, parsed."""
    return json.loads((resources_dir() / relative).read_text(encoding="utf-8"))


def default_taxonomy() -> Taxonomy:
    return Taxonomy.from_dict(load_json("taxonomy/default.json"))


def default_segments() -> SegmentLists:
    return SegmentLists.from_dict(load_json("segments.json"))


def default_contest_rules() -> ContestRules:
    return ContestRules.from_dict(load_json("contest_rules.json")["rules"])
