"""Words shown to people: messages are English templates that the app translates.

The domain cannot call Qt's `tr()`, so it marks its templates with `N_` (the gettext
"no-op" marker) and hands out a template plus parameters; the app translates the
template and then fills it in. Also the checks every free-text field shares.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sync.domain.clock import as_utc

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# Bidirectional overrides and isolates can make text read differently from what it is.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def N_(template: str) -> str:  # the conventional name of the gettext marker
    """Mark a message template for translation without translating it here."""
    return template


@dataclass(frozen=True)
class Message:
    """A template with its parameters, e.g. Message("Add a competitor for +{points}", ...)."""

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """In English; a moment in UTC (the app writes it in the rep's time zone)."""
        return self.template.format(**{
            name: f"{as_utc(value):%Y-%m-%d %H:%M} UTC" if isinstance(value, datetime)
            else value for name, value in self.params.items()})


def has_control_characters(text: str, *, multiline: bool) -> bool:
    """True if `text` holds invisible control characters a rep did not mean to type."""
    allowed = {"\n", "\t"} if multiline else set()
    for char in text:
        if char in allowed:
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cs", "Co", "Cn") or char in _BIDI_CONTROLS:
            return True
    return False


def has_symbols(text: str) -> bool:
    """True if `text` holds emoji or pictographic symbols (Unicode 'So')."""
    return any(unicodedata.category(char) == "So" for char in text)


def has_letter_or_digit(text: str) -> bool:
    return any(char.isalnum() for char in text)


def words_grouped(text: str) -> str:
    """Words as reps' words are grouped and shown to marketing: lower case, the words
    alone, single-spaced ("No SSO!" and "no  sso" are "no sso")."""
    return " ".join(_WORD.findall(text.casefold()))
