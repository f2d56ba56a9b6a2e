"""Segment lists: industries, company size bands and regions, from the central config."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any


@dataclass(frozen=True)
class Choice:
    key: str
    label: str


@dataclass(frozen=True)
class SegmentLists:
    industries: tuple[Choice, ...]
    company_sizes: tuple[Choice, ...]
    regions: tuple[Choice, ...]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SegmentLists:
        if data.get("format") != 1:
            raise ValueError(f"unknown segment list format {data.get('format')!r}")

        def choices(name: str) -> tuple[Choice, ...]:
            return tuple(Choice(item["key"], item["label"]) for item in data[name])

        return cls(choices("industries"), choices("company_sizes"), choices("regions"))

    def choices_for(self, part: str) -> tuple[Choice, ...]:
        """The list behind one part of a segment: industry, company_size or region."""
        return self._lists[part]

    def offers(self, part: str, key: str) -> bool:
        """Whether `key` is on the list behind `part` (checked for every pushed debrief)."""
        return key in self._keys[part]

    @property
    def _lists(self) -> dict[str, tuple[Choice, ...]]:
        return {"industry": self.industries, "company_size": self.company_sizes,
                "region": self.regions}

    @cached_property
    def _keys(self) -> dict[str, frozenset[str]]:
        return {part: frozenset(choice.key for choice in choices)
                for part, choices in self._lists.items()}

    def label(self, part: str, key: str | None) -> str:
        if not key:
            return ""
        return next((c.label for c in self.choices_for(part) if c.key == key), key)
