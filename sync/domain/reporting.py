"""The company's reporting currency and the rates that bring deal values into it: what
the sensitivity view ("revenue each stage could regain") adds up in. Set on the central
store in `reporting.json` in its data folder:

    {"currency": "EUR", "rates": {"USD": "0.92", "GBP": "1.17"}}

A rate is how many units of the reporting currency one unit of the other is worth. A
value in a currency without a rate is left out of sums, and counted as left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

FILE_NAME = "reporting.json"


class ReportingError(ValueError):
    pass


@dataclass(frozen=True)
class Reporting:
    currency: str = "EUR"
    rates: dict[str, Decimal] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reporting:
        currency = str(data.get("currency", "")).upper()
        if len(currency) != 3 or not currency.isalpha():
            raise ReportingError("currency: give a three-letter code such as EUR")
        rates = {}
        for code, rate in dict(data.get("rates") or {}).items():
            try:
                value = Decimal(str(rate))
            except InvalidOperation:
                raise ReportingError(f"rates.{code}: {rate!r} is not a number") from None
            if not value.is_finite() or value <= 0:
                raise ReportingError(f"rates.{code}: a rate is a positive number")
            rates[str(code).upper()] = value
        return cls(currency, rates)

    @classmethod
    def load(cls, folder: Path) -> Reporting:
        """`reporting.json` in `folder`, or the default (EUR, no other currency)."""
        path = folder / FILE_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as error:
            raise ReportingError(f"{path}: {error}") from None
        return cls.from_dict(data)

    def value_of(self, text: str | None, currency: str | None) -> Decimal | None:
        """A stored deal value (its exact decimal text) in the reporting currency; None
        where it has none, or its currency has no rate."""
        try:
            value = Decimal(text) if text else None
        except InvalidOperation:
            return None
        if value is None or not value.is_finite():
            return None
        code = (currency or "").upper()
        if code == self.currency:
            return value
        rate = self.rates.get(code)
        return None if rate is None else value * rate


def regained(lost_or_stalled: int, fall: Decimal, win_rate_past: float | None,
             average_won_value_past: Decimal | None) -> Decimal | None:
    """The sensitivity view's revenue regained at a stage if its losses fell by `fall`
    (0..1): deals lost or stalled there x fall x the win rate of deals that got past it
    x their average value when won (in the reporting currency); None where either is
    not known."""
    if win_rate_past is None or average_won_value_past is None:
        return None
    return (Decimal(lost_or_stalled) * fall * Decimal(str(win_rate_past))
            * average_won_value_past)
