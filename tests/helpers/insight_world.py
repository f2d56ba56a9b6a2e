"""Debriefs for insight and export tests on the session's shared central store: each
test makes its debriefs in a month of its own (answers are built from whole months),
so no test's counts touch another's."""

from __future__ import annotations

import itertools

_months = itertools.count()


def own_month() -> str:
    """A month no other test of the session makes debriefs in: 'YYYY-MM'."""
    n = next(_months)
    return f"{2010 + n // 12}-{n % 12 + 1:02d}"


def made_in(month: str, day: int = 3, hour: int = 9) -> dict[str, str]:
    """Wire fields dating a debrief in `month`."""
    moment = f"{month}-{day:02d}T{hour:02d}:00:00Z"
    return {"created_at": moment, "updated_at": moment}


def reasons(code: str, detail: str | None = None, *more: str) -> list[dict]:
    """Wire reasons: `code` as the main one, then `more`."""
    return [{"code": code, "detail": detail, "evidence": "customer_said", "primary": True},
            *({"code": other, "detail": None, "evidence": "my_read", "primary": False}
              for other in more)]
