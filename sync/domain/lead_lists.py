"""The lists a debrief's lead facts are picked from, set in the central config by
marketing and sales together: where leads come from, the company's sales-qualified-lead
criteria, and the collateral reps can use (resources/lead_lists.json's format)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sync.domain.segments import Choice

# The lists, by the name the document gives them.
KINDS = ("lead_sources", "sql_criteria", "collateral")


class LeadListsError(ValueError):
    pass


@dataclass(frozen=True)
class LeadLists:
    lead_sources: tuple[Choice, ...]
    sql_criteria: tuple[Choice, ...]
    collateral: tuple[Choice, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LeadLists:
        if not isinstance(data, dict) or data.get("format") != 1:
            raise LeadListsError("unknown lead list format")
        try:
            lists = [tuple(Choice(str(item["key"]), str(item["label"])) for item in data[kind])
                     for kind in KINDS]
        except (KeyError, TypeError) as error:
            raise LeadListsError(f"malformed lead lists: {error!r}") from None
        for kind, choices in zip(KINDS, lists, strict=True):
            if len({choice.key for choice in choices}) < len(choices):
                raise LeadListsError(f"{kind}: a key is listed twice")
        return cls(*lists)

    def choices(self, kind: str) -> tuple[Choice, ...]:
        return getattr(self, kind)  # type: ignore[no-any-return]

    def offers(self, kind: str, key: str) -> bool:
        return key in self._keys[kind]

    def label(self, kind: str, key: str | None) -> str:
        """The label of `key` on list `kind` (the key itself if the list lost it)."""
        if not key:
            return ""
        return next((c.label for c in self.choices(kind) if c.key == key), key)

    @cached_property
    def _keys(self) -> dict[str, frozenset[str]]:
        return {kind: frozenset(choice.key for choice in self.choices(kind)) for kind in KINDS}
