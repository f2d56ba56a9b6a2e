"""The team's lists, as one value: the reason taxonomy, the segment lists, the contest
rules and the lead lists that debriefs are checked, offered and scored by.

`TeamLists` is what code works with; `ListDocuments` is the same lists as the JSON
documents the central store hands out and the app keeps once pulled. The shipped
defaults in resources/ are one more `ListDocuments`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sync.domain.lead_lists import LeadLists
from sync.domain.scoring import ContestRules
from sync.domain.segments import SegmentLists
from sync.domain.taxonomy import Taxonomy


@dataclass(frozen=True)
class TeamLists:
    """What a debrief is checked against, offered from and scored by."""

    taxonomy: Taxonomy
    segments: SegmentLists
    contest: ContestRules
    # Lead sources, sales-qualified-lead criteria, collateral (the shipped ones unless
    # the team's server hands out its own).
    leads: LeadLists = field(default_factory=lambda: shipped_lead_lists().lists)


@dataclass(frozen=True)
class ListDocuments:
    """The team's lists as JSON documents (as served, pulled and kept)."""

    taxonomy_version: str
    taxonomy: dict[str, Any]
    segments: dict[str, Any]
    contest_rules: dict[str, Any]  # {"rules": {...}}, as resources/contest_rules.json
    # As resources/lead_lists.json; a server that does not hand them out leaves the
    # shipped ones.
    lead_lists: dict[str, Any] = field(default_factory=lambda: shipped_lead_lists().document)

    @classmethod
    def shipped(cls) -> ListDocuments:
        """The defaults that ship in resources/."""
        from sync.resources import load_json

        taxonomy = load_json("taxonomy/default.json")
        return cls(str(taxonomy["version"]), taxonomy, load_json("segments.json"),
                   load_json("contest_rules.json"), load_json("lead_lists.json"))

    @cached_property
    def lists(self) -> TeamLists:
        return TeamLists(Taxonomy.from_dict(self.taxonomy),
                         SegmentLists.from_dict(self.segments),
                         ContestRules.from_dict(self.contest_rules["rules"]),
                         LeadLists.from_dict(self.lead_lists))


@dataclass(frozen=True)
class _ShippedLeads:
    document: dict[str, Any]

    @cached_property
    def lists(self) -> LeadLists:
        return LeadLists.from_dict(self.document)


def shipped_lead_lists() -> _ShippedLeads:
    """The lead lists that ship in resources/ (read each time: no state at import)."""
    from sync.resources import load_json

    return _ShippedLeads(load_json("lead_lists.json"))
