"""The contest leaderboard as a rep sees it: the leaders by name, everyone their own
band, so it motivates without shaming.

A rep sees by name only the standings whose *place* is in the top quarter of the field,
at most ten of them, and for themselves a band. A standing's place is the last position
its tie reaches: in a field of 8 where seven reps share rank 2, their place is 8. Ties
are judged by their place, never by their shared rank, so a tie can neither pull someone
from the lower half into view nor stretch a band past its share of the field: at most a
quarter of the field (and ten reps) is ever named, and at most a tenth hears "top 10%".

By field size (N reps): names are shown for places 1 to min(N // 4, 10). So a field of
1, 2 or 3 shows no names at all (the rep still sees their own standing and band); 4 to
7 show the leader if they lead alone; 10 and 11 show places 1 and 2; 40 or more show
ten. A tie that does not fit whole is not shown at all, rather than in part by name.

Bands, by place / N: "top 10%" (at most 0.10), "top 25%" (0.25), "top half" (0.50);
everyone else is told to keep going, never that they are in the bottom half. A rep alone
in the field (place 1 of 1) has nobody to be ahead of, so they too are told to keep
going; so is everyone on a contest's first day, when all share rank 1 with no entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sync.domain.text import N_

MAX_NAMED = 10  # however large the field, a rep sees at most ten names


class Band(StrEnum):
    """Where a rep stands, as a stable value for programs; `text` is what a rep reads."""

    TOP_10 = "top_10"
    TOP_25 = "top_25"
    TOP_HALF = "top_half"
    KEEP_GOING = "keep_going"

    @property
    def text(self) -> str:
        return _TEXT[self]


# Marked for translation: the app shows the central store's words in the rep's language.
_TEXT = {Band.TOP_10: N_("top 10%"), Band.TOP_25: N_("top 25%"),
         Band.TOP_HALF: N_("top half"), Band.KEEP_GOING: N_("keep going")}
_LIMITS = ((0.10, Band.TOP_10), (0.25, Band.TOP_25), (0.50, Band.TOP_HALF))


def ranks(entries: Sequence[int]) -> list[int]:
    """The rank of each of `entries` (best first): equal entries share a rank, and the
    next rank skips the places they took (1, 2, 2, 4)."""
    result: list[int] = []
    for position, count in enumerate(entries, start=1):
        tied = position > 1 and count == entries[position - 2]
        result.append(result[-1] if tied else position)
    return result


def places(ranks: Sequence[int]) -> list[int]:
    """The place of each standing (ranks best first): the last position its tie reaches."""
    result = [0] * len(ranks)
    last = len(ranks)
    for index in range(len(ranks) - 1, -1, -1):
        if index + 1 < len(ranks) and ranks[index] != ranks[index + 1]:
            last = index + 1
        result[index] = last
    return result


def named(ranks: Sequence[int]) -> int:
    """How many standings, from the top, a rep sees by name."""
    room = min(len(ranks) // 4, MAX_NAMED)
    return sum(1 for place in places(ranks) if place <= room)


def band(place: int, field_size: int) -> Band:
    """The band of a rep at `place` in a field of `field_size` reps."""
    if not 1 <= place <= field_size:
        raise ValueError(f"place {place} is outside a field of {field_size}")
    share = place / field_size
    return next((found for limit, found in _LIMITS if share <= limit), Band.KEEP_GOING)


@dataclass(frozen=True)
class RepView:
    """What a rep is shown: the first `named` standings, and their own band."""

    named: int
    band: Band | None  # None: the rep is not in the field


def rep_view(ranks: Sequence[int], mine: int | None) -> RepView:
    """The view of the rep at index `mine` of the standings (None: not in the field)."""
    own = None if mine is None else band(places(ranks)[mine], len(ranks))
    return RepView(named(ranks), own)


def band_sizes(ranks: Sequence[int]) -> dict[Band, int]:
    """How many standings (ranks best first) are in each band: what a screen for the
    whole floor may say of everyone without naming the lower half."""
    sizes = dict.fromkeys(Band, 0)
    for place in places(ranks):
        sizes[band(place, len(ranks))] += 1
    return sizes
