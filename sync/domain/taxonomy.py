"""The reason taxonomy: category -> code -> detail, versioned, owned by marketing.

Codes are retired, never deleted, so old debriefs stay readable; a new version says how
old codes map to new ones. `Taxonomy.search` is the type-ahead behind the reason picker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sync.domain.debrief import Outcome, Polarity

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


class TaxonomyError(ValueError):
    """The taxonomy document is not well formed."""


@dataclass(frozen=True)
class Detail:
    key: str
    label: str
    retired: bool = False  # readable on old debriefs, not offered for new ones


@dataclass(frozen=True)
class ReasonCode:
    key: str
    label: str
    category_key: str
    category_label: str
    applies_to: Polarity
    keywords: tuple[str, ...] = ()
    details: tuple[Detail, ...] = ()
    retired: bool = False
    # "Other": the rep says in a few words what it was; marketing sees the words said
    # often enough as suggested new codes (sync.server.other_words).
    asks_for_words: bool = False

    def applies_to_outcome(self, outcome: Outcome | None) -> bool:
        if outcome is None or self.applies_to is Polarity.BOTH:
            return True
        return self.applies_to is outcome.polarity

    def detail(self, key: str) -> Detail | None:
        return next((d for d in self.details if d.key == key), None)


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    codes: tuple[ReasonCode, ...]


@dataclass(frozen=True)
class Suggestion:
    """One row of the type-ahead: a code, or a detail under a code."""

    code: ReasonCode
    detail: Detail | None
    rank: int

    @property
    def label(self) -> str:
        if self.detail is None:
            return self.code.label
        return f"{self.code.label} › {self.detail.label}"


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _matches(query_words: list[str], words: list[str]) -> bool:
    return all(any(w.startswith(q) for w in words) for q in query_words)


class Taxonomy:
    """An immutable, indexed reason taxonomy."""

    def __init__(self, version: str, categories: tuple[Category, ...],
                 mappings: dict[str, tuple[str, ...]]):
        self.version = version
        self.categories = categories
        self.mappings = mappings
        self._codes = {code.key: code for cat in categories for code in cat.codes}
        self._index = [
            (code, _words(code.label), [k.casefold() for k in code.keywords],
             _words(code.category_label))
            for code in self._codes.values()
        ]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Taxonomy:
        """Build from the JSON document (resources/taxonomy/default.json's format)."""
        try:
            if data.get("format") != 1:
                raise TaxonomyError(f"unknown taxonomy format {data.get('format')!r}")
            categories = tuple(_category(raw) for raw in data["categories"])
            mappings = {m["from"]: tuple(m["to"]) for m in data.get("mappings", ())}
            taxonomy = cls(str(data["version"]), categories, mappings)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, TaxonomyError):
                raise
            raise TaxonomyError(f"malformed taxonomy: {exc!r}") from exc
        count = sum(len(c.codes) for c in categories)
        if len(taxonomy._codes) != count:
            raise TaxonomyError("duplicate code keys in taxonomy")
        for old, new in mappings.items():
            if old not in taxonomy._codes or any(n not in taxonomy._codes for n in new):
                raise TaxonomyError(f"mapping {old} -> {new} names an unknown code")
            taxonomy._follow(old)  # refuses mappings that go round in a circle
        return taxonomy

    @property
    def codes(self) -> list[ReasonCode]:
        return list(self._codes.values())

    def code(self, key: str) -> ReasonCode | None:
        return self._codes.get(key)

    def words_code(self, outcome: Outcome | None = None) -> ReasonCode | None:
        """The live code that takes the rep's words ("Other") for `outcome`, if any."""
        return next((code for code in self._codes.values() if code.asks_for_words
                     and not code.retired and code.applies_to_outcome(outcome)), None)

    def plain_codes(self, outcome: Outcome | None = None) -> list[ReasonCode]:
        """The live codes a debrief with `outcome` can give as they are, without words
        (what sample data picks from)."""
        return [code for code in self._codes.values() if not code.retired
                and not code.asks_for_words and code.applies_to_outcome(outcome)]

    def label(self, code_key: str, detail_key: str | None = None) -> str:
        """A readable label for any code, retired or unknown ones included."""
        code = self._codes.get(code_key)
        if code is None:
            return code_key
        if detail_key:
            detail = self.detail(detail_key)
            return f"{code.label} › {detail.label if detail else detail_key}"
        return code.label

    def detail(self, key: str) -> Detail | None:
        """The detail `key` ("<code>.<detail>"), whichever code it is under now: after a
        merge, the old code's details count under the code it went into."""
        code = self._codes.get(key.rpartition(".")[0])
        return code.detail(key) if code is not None else None

    def current_codes_for(self, old_key: str) -> tuple[str, ...]:
        """Where a merged or split code went; a code that still stands maps to itself."""
        return self.mappings.get(old_key, (old_key,))

    def current_code(self, old_key: str) -> str:
        """Where the debriefs of a code count now: a merged or split code's first new
        code, followed through every later change; a code that stands counts as itself
        (sync.domain.taxonomy_changes)."""
        return self._follow(old_key)

    def _follow(self, key: str) -> str:
        seen = {key}
        while key in self.mappings:
            key = self.mappings[key][0]
            if key in seen:
                raise TaxonomyError(f"the mappings from {key} go round in a circle")
            seen.add(key)
        return key

    def search(self, text: str, outcome: Outcome | None = None, *,
               include_retired: bool = False, limit: int = 30) -> list[Suggestion]:
        """Type-ahead: every query word must start a word of the label, a keyword,
        the category's label, or (for detail rows) the detail's label.

        Best first: codes whose label and category both match ("pri" -> Price & value
        › Price too high), then label matches, keyword matches, category matches; the
        details of a matching code follow it. Ties keep the taxonomy's order.
        """
        query = _words(text)
        found: list[Suggestion] = []
        for code, label_words, keywords, category_words in self._index:
            if (code.retired and not include_retired) or not code.applies_to_outcome(outcome):
                continue
            rank = _rank(query, label_words, keywords, category_words)
            if rank is not None:
                found.append(Suggestion(code, None, rank))
            for detail in code.details:
                if detail.retired and not include_retired:
                    continue
                if query and _matches(query, _words(detail.label)):
                    found.append(Suggestion(code, detail, 2))
                elif rank is not None and query:
                    found.append(Suggestion(code, detail, rank + 4))
        found.sort(key=lambda s: s.rank)  # stable: taxonomy order within a rank
        return found[:limit]


def _rank(query: list[str], label: list[str], keywords: list[str],
          category: list[str]) -> int | None:
    if _matches(query, label):
        return 0 if _matches(query, category) else 1
    if _matches(query, label + keywords):
        return 2
    if _matches(query, label + keywords + category):
        return 3
    return None


def _category(raw: dict[str, Any]) -> Category:
    codes = tuple(
        ReasonCode(
            key=c["key"],
            label=c["label"],
            category_key=raw["key"],
            category_label=raw["label"],
            applies_to=Polarity(c["applies_to"]),
            keywords=tuple(c.get("keywords", ())),
            details=tuple(Detail(d["key"], d["label"], bool(d.get("retired", False)))
                          for d in c.get("details", ())),
            retired=bool(c.get("retired", False)),
            asks_for_words=bool(c.get("asks_for_words", False)),
        )
        for c in raw["codes"]
    )
    return Category(raw["key"], raw["label"], codes)
