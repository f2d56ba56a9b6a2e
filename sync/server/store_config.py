"""The lists the central store checks debriefs against and hands to the apps: the reason
taxonomy, segment lists and contest rules.

For now these are the shipped defaults (the same files in every server process, so
nothing can disagree between processes); marketing's own versions replace them later.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sync.domain.scoring import ContestRules
from sync.domain.segments import SegmentLists
from sync.domain.taxonomy import Taxonomy
from sync.resources import load_json
from sync.server.ingest import Rules


@dataclass(frozen=True)
class StoreConfig:
    taxonomy_document: dict[str, Any]
    segments_document: dict[str, Any]
    contest_rules_document: dict[str, Any]

    @classmethod
    def defaults(cls) -> StoreConfig:
        return cls(load_json("taxonomy/default.json"), load_json("segments.json"),
                   load_json("contest_rules.json"))

    @cached_property
    def taxonomy(self) -> Taxonomy:
        return Taxonomy.from_dict(self.taxonomy_document)

    @cached_property
    def rules(self) -> Rules:
        return Rules(self.taxonomy, SegmentLists.from_dict(self.segments_document))

    @cached_property
    def contest_rules(self) -> ContestRules:
        return ContestRules.from_dict(self.contest_rules_document["rules"])
