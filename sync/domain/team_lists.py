"""The team's lists, as one value: the reason taxonomy, the segment lists and the contest
rules that debriefs are checked, offered and scored by.

`TeamLists` is what code works with; `ListDocuments` is the same lists as the JSON
documents the central store hands out and the app keeps once pulled. The shipped
defaults in resources/ are one more `ListDocuments`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sync.domain.scoring import ContestRules
from sync.domain.segments import SegmentLists
from sync.domain.taxonomy import Taxonomy


@dataclass(frozen=True)
class TeamLists:
    """What a debrief is checked against, offered from and scored by."""

    taxonomy: Taxonomy
    segments: SegmentLists
    contest: ContestRules


@dataclass(frozen=True)
class ListDocuments:
    """The team's lists as JSON documents (as served, pulled and kept)."""

    taxonomy_version: str
    taxonomy: dict[str, Any]
    segments: dict[str, Any]
    contest_rules: dict[str, Any]  # {"rules": {...}}, as resources/contest_rules.json

    @classmethod
    def shipped(cls) -> ListDocuments:
        """The defaults that ship in resources/."""
        from sync.resources import load_json

        taxonomy = load_json("taxonomy/default.json")
        return cls(str(taxonomy["version"]), taxonomy, load_json("segments.json"),
                   load_json("contest_rules.json"))

    @cached_property
    def lists(self) -> TeamLists:
        return TeamLists(Taxonomy.from_dict(self.taxonomy),
                         SegmentLists.from_dict(self.segments),
                         ContestRules.from_dict(self.contest_rules["rules"]))
