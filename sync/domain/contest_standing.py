"""Where the rep stands in their team's running contest, as the central store last said.

The prize panel beside the capture form shows it: the contest's name, prize and end,
the rep's entries so far and their band ("top 25%"), and when that was fetched. The
sync engine fetches it; the local store keeps the last one (as `to_dict`), so the
panel shows it at the next start and offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sync.domain.clock import from_iso, to_iso


@dataclass(frozen=True)
class ContestStanding:
    """The rep's standing in one running contest. `my_entries` and `band_text` are None
    for an account that is not in the contest's field (a manager of another team)."""

    name: str
    prize: str
    ends_at: datetime
    my_entries: int | None
    band_text: str | None  # the central store's words: "top 25%", "keep going"
    field_size: int
    fetched_at: datetime
    # The contest's rules in force (ContestRules.to_dict's form): what the form's preview
    # scores by, so it promises what this contest gives. None: not known (kept before).
    rules: dict[str, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "prize": self.prize, "ends_at": to_iso(self.ends_at),
                "my_entries": self.my_entries, "band_text": self.band_text,
                "field_size": self.field_size, "fetched_at": to_iso(self.fetched_at),
                "rules": self.rules}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ContestStanding:
        """A standing from `to_dict`; ValueError, TypeError or KeyError if it is not one."""
        my_entries, band_text = data["my_entries"], data["band_text"]
        return cls(name=_text(data["name"]), prize=_text(data["prize"]),
                   ends_at=from_iso(_text(data["ends_at"])),
                   my_entries=None if my_entries is None else _count(my_entries),
                   band_text=None if band_text is None else _text(band_text),
                   field_size=_count(data["field_size"]),
                   fetched_at=from_iso(_text(data["fetched_at"])),
                   rules=_rules(data.get("rules")))


def _rules(value: Any) -> dict[str, int] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError("rules must be an object")
    return {str(name): _count(points) for name, points in value.items()}


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {type(value).__name__}")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a count, got {value!r}")
    return value
