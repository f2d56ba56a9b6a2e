"""What reps said in a few words when no reason on the list fit ("Other"), for
marketing as suggested new codes: the words said alike in enough debriefs.

Words are grouped as written, case, punctuation and spacing aside ("No SSO!" and
"no sso" are one group), over a fixed window: the WINDOW_MONTHS whole UTC months up to
and including the current one, never a period the asker picks (periods picked at will
would give the words of a month by difference). A group is shown only when the rule
of every insight holds for it (sync.domain.disclosure): at least `min_cell` debriefs
from two reps or more, and the debriefs giving "Other" in the window with other words
none or at least `min_cell`. It is shown as the group's form (lower case, words
single-spaced), never one rep's writing, with its count and the outcomes it was said
for; never the rep, the account or the month.

Groups whose words are already a live code's label, or that a code was added from
(`from_words` of an "add" change), are left out: marketing took them.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from sync.domain.debrief import Outcome, Polarity
from sync.domain.disclosure import Rule, Tally
from sync.domain.taxonomy import Taxonomy
from sync.server import rollups
from sync.server.code_map import CodeMap
from sync.server.tables import debrief_reasons, debriefs, taxonomy_versions

WINDOW_MONTHS = 12
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Suggested:
    words: str  # the group's form: lower case, single-spaced words
    debriefs: int
    applies_to: Polarity  # the outcomes the words were said for


@dataclass(frozen=True)
class Suggestions:
    first_month: date
    last_month: date
    suggested: tuple[Suggested, ...]  # most said first


def grouped(words: str) -> str:
    """The form words are grouped by (and shown as)."""
    return " ".join(_WORD.findall(words.casefold()))


def window(now: datetime) -> tuple[date, date]:
    """The first and last month of the window ending with `now`'s UTC month."""
    last = rollups.month_of(now)
    index = last.year * 12 + last.month - 1 - (WINDOW_MONTHS - 1)
    return date(index // 12, index % 12 + 1, 1), last


def suggestions(connection: sa.Connection, taxonomy: Taxonomy, codes: CodeMap,
                now: datetime, min_cell: int) -> Suggestions:
    first, last = window(now)
    asking = [code.key for code in taxonomy.codes if code.asks_for_words]
    stored = sorted({key for code in asking for key in codes.stored(code)})
    rows = connection.execute(
        sa.select(debrief_reasons.c.words, debriefs.c.rep_id, debriefs.c.outcome)
        .select_from(debriefs.join(debrief_reasons,
                                   debrief_reasons.c.debrief_id == debriefs.c.id))
        .where(debriefs.c.deleted.is_(False), debrief_reasons.c.code.in_(stored),
               *rollups.made_in(first, last))) if stored else []
    tallies: dict[str, Tally] = defaultdict(Tally)
    sides: dict[str, set[Polarity]] = defaultdict(set)
    given = 0  # debriefs giving a code that asks for words, with words or not
    for words, rep_id, outcome in rows:
        given += 1
        if not words or not (form := grouped(words)):
            continue
        tallies[form] += Tally(1, rep_id, rep_id)
        sides[form].add(Outcome(outcome).polarity if outcome else Polarity.BOTH)
    rule = Rule(min_cell)
    labels = {grouped(code.label) for code in taxonomy.codes if not code.retired}
    labels |= taken(connection)
    shown = [Suggested(form, tally.debriefs, _side(sides[form]))
             for form, tally in tallies.items()
             if rule.safe(tally) and rule.complement_safe(given, tally.debriefs)
             and form not in labels]
    shown.sort(key=lambda found: (-found.debriefs, found.words))
    return Suggestions(first, last, tuple(shown))


def taken(connection: sa.Connection) -> set[str]:
    """The words groups codes were added from, in every version of the list."""
    found = set()
    for (change,) in connection.execute(sa.select(taxonomy_versions.c.change)):
        made = json.loads(change)
        if made.get("kind") == "add" and made.get("from_words"):
            found.add(grouped(str(made["from_words"])))
    return found


def _side(said: set[Polarity]) -> Polarity:
    return next(iter(said)) if len(said) == 1 else Polarity.BOTH
