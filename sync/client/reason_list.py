"""The central store's reason list as marketing edits it: the newest taxonomy version
and every version's change (GET /taxonomy, POST /taxonomy/changes), and the words reps
gave "Other" often enough, as suggested codes (GET /insights/other-words).

`read` takes the JSON of either route (docs/openapi.json) and raises ValueError,
TypeError or KeyError when it is not in that shape.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sync.domain.clock import from_iso
from sync.domain.taxonomy import Taxonomy, TaxonomyError


@dataclass(frozen=True)
class VersionMade:
    """One version: what changed ({"kind": ..., and its fields}), who, when."""

    version: str
    change: dict[str, Any]
    made_by: str | None  # None: the list the store started with
    made_at: datetime


@dataclass(frozen=True)
class SuggestedCode:
    """Words reps gave "Other" alike, in `debriefs` debriefs."""

    words: str
    debriefs: int


@dataclass(frozen=True)
class ReasonList:
    version: str
    taxonomy: Taxonomy
    versions: tuple[VersionMade, ...]  # newest first
    suggested: tuple[SuggestedCode, ...] = ()  # most said first
    # Why there are none to show, if not for want of words said alike: the server does
    # not suggest codes ("missing") or could not be asked ("failed").
    suggestions_unknown: str | None = None


def with_suggested(found: ReasonList, body: dict[str, Any]) -> ReasonList:
    """`found` with the suggestions of `/insights/other-words`' answer `body`."""
    if body.get("missing"):
        return replace(found, suggestions_unknown="missing")
    return replace(found, suggested=tuple(
        SuggestedCode(str(s["words"]), int(s["debriefs"])) for s in body["suggested"]))


def without_suggestions(found: ReasonList) -> ReasonList:
    """`found` when the suggestions could not be had (the list itself could)."""
    return replace(found, suggestions_unknown="failed")


def read(body: dict[str, Any]) -> ReasonList:
    try:
        taxonomy = Taxonomy.from_dict(body["taxonomy"])
    except TaxonomyError as error:
        raise ValueError(str(error)) from None
    versions = tuple(VersionMade(str(v["version"]), dict(v["change"]),
                                 None if v["made_by"] is None else str(v["made_by"]),
                                 from_iso(str(v["made_at"])))
                     for v in body["versions"])
    return ReasonList(str(body["version"]), taxonomy, versions)
