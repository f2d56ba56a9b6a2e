"""The shipped defaults in resources/: taxonomy, segment lists, contest rules, style.

`resources_dir` is the one place that knows where that folder is, for the app and the
central store alike: in a frozen bundle PyInstaller puts it under sys._MEIPASS; an
installed wheel holds it as the package `debrief_resources` (pyproject.toml maps the
folder to that name); a source checkout has it beside `sync/`. The central copies
replace these defaults on sync.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from sync.domain.scoring import ContestRules
from sync.domain.segments import SegmentLists
from sync.domain.taxonomy import Taxonomy

RESOURCES_PACKAGE = "debrief_resources"


def resources_dir() -> Path:
    """The folder holding the shipped resources (see the module's docstring)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    spec = importlib.util.find_spec(RESOURCES_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
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
