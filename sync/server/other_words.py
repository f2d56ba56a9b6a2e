"""What reps said in a few words when no reason on the list fit ("Other"), for
marketing as suggested new codes: the words said alike in enough debriefs.

Words are grouped as written, case, punctuation and spacing aside ("No SSO!" and
"no sso" are one group: sync.domain.text.words_grouped), and counted like every
insight (sync.domain.disclosure), in blocks of one UTC month. In a month, the debriefs
giving "Other" split into word groups (debriefs without words are a group of their own,
never shown): a group is shown when it holds at least `min_cell` debriefs from two reps
or more, and what the groups not shown hold together must be safe or empty too, or the
smallest shown go with them (secondary suppression). The "Other" count of a month's
outcome is shown in insights, so without this the hidden rest could be worked out. A
suggestion's count is the sum of its shown months over a fixed window, the
WINDOW_MONTHS months up to and including the current one: a month's shown count is the
same in every answer, so no two answers differ by a hidden count.

A suggestion is shown in its grouped form, never one rep's writing, with its count;
never the rep, the account, the month or the outcomes (which outcome it was said for
would split a group into parts too small to show). Groups whose words are already a
live code's label, or that a code was added from (`from_words` of an "add" change), are
left out: marketing took them.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from sync.domain.disclosure import Rule, Tally
from sync.domain.taxonomy import Taxonomy
from sync.domain.text import words_grouped
from sync.server import rollups
from sync.server.code_map import CodeMap
from sync.server.tables import debrief_reasons, debriefs, taxonomy_versions

WINDOW_MONTHS = 12
NO_WORDS = ""  # the group of the debriefs that gave "Other" without words (older apps)


@dataclass(frozen=True)
class Suggested:
    words: str  # the group's form: lower case, single-spaced words
    debriefs: int  # the sum of its shown months


@dataclass(frozen=True)
class Suggestions:
    first_month: date
    last_month: date
    suggested: tuple[Suggested, ...]  # most said first


def window(now: datetime) -> tuple[date, date]:
    """The first and last month of the window ending with `now`'s UTC month."""
    last = rollups.month_of(now)
    index = last.year * 12 + last.month - 1 - (WINDOW_MONTHS - 1)
    return date(index // 12, index % 12 + 1, 1), last


def suggestions(connection: sa.Connection, taxonomy: Taxonomy, codes: CodeMap,
                now: datetime, min_cell: int) -> Suggestions:
    first, last = window(now)
    rule = Rule(min_cell)
    shown: dict[str, int] = defaultdict(int)
    for groups in _months(connection, taxonomy, codes, first, last).values():
        for form, n in _shown(rule, groups).items():
            shown[form] += n
    taken = {words_grouped(code.label) for code in taxonomy.codes if not code.retired}
    taken |= taken_words(connection)
    found = sorted((Suggested(form, n) for form, n in shown.items() if form not in taken),
                   key=lambda suggested: (-suggested.debriefs, suggested.words))
    return Suggestions(first, last, tuple(found))


def _months(connection: sa.Connection, taxonomy: Taxonomy, codes: CodeMap,
            first: date, last: date) -> dict[date, dict[str, Tally]]:
    """Per month, the debriefs giving a code that asks for words, by word group: each
    debrief once, under the words of its first reason giving such a code."""
    asking = [code.key for code in taxonomy.codes if code.asks_for_words]
    stored = sorted({key for code in asking for key in codes.stored(code)})
    if not stored:
        return {}
    rows = connection.execute(
        sa.select(debriefs.c.id, debriefs.c.rep_id, debriefs.c.created_at,
                  debrief_reasons.c.words)
        .select_from(debriefs.join(debrief_reasons,
                                   debrief_reasons.c.debrief_id == debriefs.c.id))
        .where(debriefs.c.deleted.is_(False), debrief_reasons.c.code.in_(stored),
               *rollups.made_in(first, last))
        .order_by(debriefs.c.id, debrief_reasons.c.position))
    months: dict[date, dict[str, Tally]] = defaultdict(dict)
    seen: set[str] = set()
    for debrief_id, rep_id, created_at, words in rows:
        if debrief_id in seen:
            continue
        seen.add(debrief_id)
        groups = months[rollups.month_of(created_at)]
        form = words_grouped(words or "")
        groups[form] = groups.get(form, Tally()) + Tally(1, rep_id, rep_id)
    return months


def _shown(rule: Rule, groups: dict[str, Tally]) -> dict[str, int]:
    """One month's word groups shown: safe ones, the smallest going with the rest until
    what is not shown is safe or empty; never the group without words."""
    candidates = {form: tally for form, tally in groups.items()
                  if form != NO_WORDS and rule.safe(tally)}
    rest = Tally()
    for form, tally in groups.items():
        if form not in candidates:
            rest += tally
    shown, _ = rule.split(candidates, rest)
    return shown


def taken_words(connection: sa.Connection) -> set[str]:
    """The word groups codes were added from, in every version of the list."""
    found = set()
    for (change,) in connection.execute(sa.select(taxonomy_versions.c.change)):
        made = json.loads(change)
        if made.get("kind") == "add" and made.get("from_words"):
            found.add(words_grouped(str(made["from_words"])))
    return found
