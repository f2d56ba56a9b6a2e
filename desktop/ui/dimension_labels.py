"""The dimensions insights and actions narrow by, in words: each dimension's name, the
values its list offers, and a value's label."""

from __future__ import annotations

from desktop.ui.text import readiness_labels, stage_label, tr
from sync.domain.debrief import Stage
from sync.domain.team_lists import TeamLists


def dimension_labels() -> dict[str, str]:
    return {"stage": tr("Stage"), "industry": tr("Industry"),
            "company_size": tr("Company size"), "region": tr("Region"),
            "competitor": tr("Competitor"), "team": tr("Team"),
            "lead_source": tr("Lead source"), "sales_ready": tr("Sales-ready")}


def listed_values(lists: TeamLists, dimension: str) -> list[tuple[str, str]] | None:
    """(value, label) of what a dimension's list offers; None for a competitor or a team,
    which are any name."""
    if dimension == "stage":
        return [(stage.value, stage_label(stage)) for stage in Stage]
    if dimension in ("industry", "company_size", "region"):
        return [(choice.key, choice.label) for choice in lists.segments.choices_for(dimension)]
    if dimension == "lead_source":
        return [(choice.key, choice.label) for choice in lists.leads.lead_sources]
    if dimension == "sales_ready":
        return [(value.value, label) for value, label in readiness_labels().items()]
    return None


def value_label(lists: TeamLists, dimension: str, value: str | None) -> str:
    if value is None:
        return tr("Not given")
    return dict(listed_values(lists, dimension) or ()).get(value, value)
