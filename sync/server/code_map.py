"""Which reason code each stored one counts under now, in Python and in SQL.

A debrief keeps the codes it was saved with; the rollup and every insight count it by
the codes standing in the newest taxonomy (`Taxonomy.current_code`), so a trend goes on
across a merge or a split. A store that never merged or split anything has an empty
map, and its SQL is the stored column as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from sync.domain.taxonomy import Taxonomy


class CodeMap:
    def __init__(self, moved: Mapping[str, str] | None = None) -> None:
        # Only the codes that count elsewhere now: stored code -> current code.
        self.moved = {old: new for old, new in (moved or {}).items() if old != new}

    @classmethod
    def of(cls, taxonomy: Taxonomy) -> CodeMap:
        return cls({old: taxonomy.current_code(old) for old in taxonomy.mappings})

    def current(self, code: str) -> str:
        return self.moved.get(code, code)

    def stored(self, current: str) -> list[str]:
        """The stored codes that count as `current` (none for a code that moved)."""
        if current in self.moved:
            return []
        return [current, *sorted(old for old, new in self.moved.items() if new == current)]

    def column(self, stored: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        """SQL: the current code of a column of stored codes."""
        if not self.moved:
            return stored
        return sa.case(self.moved, value=stored, else_=stored)

    def changed_from(self, before: CodeMap) -> set[str]:
        """The current codes whose counts differ between `before` and this map: the old
        and the new home of each code that moved (only a code one of the maps moves can
        count elsewhere in the other)."""
        affected: set[str] = set()
        for code in {*self.moved, *before.moved}:
            if (old := before.current(code)) != (new := self.current(code)):
                affected |= {old, new}
        return affected
