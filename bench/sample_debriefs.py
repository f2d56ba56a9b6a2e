"""A database of many realistic debriefs, written straight into the store's schema.

`prepare` makes the schema, then plain executemany fills it in one transaction (a few
seconds for 100,000 debriefs, where 100,000 `DebriefStore.save` calls would take
minutes). Seeded, so every run lists the same debriefs; times end at the real now, so
the "Last 30 days" filter finds some.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from desktop.store.database import prepare
from sync.domain.clock import SystemClock, to_iso
from sync.domain.debrief import Evidence, Outcome, Polarity, Stage
from sync.domain.ids import DebriefIdFactory
from sync.domain.segments import SegmentLists
from sync.domain.taxonomy import ReasonCode
from sync.resources import default_segments, default_taxonomy

SEED = 20260105
SPAN = timedelta(days=730)
OUTCOME_WEIGHTS = {Outcome.LOST: 35, Outcome.WON: 25, Outcome.NO_DECISION: 10,
                   Outcome.OBJECTION: 15, Outcome.PROGRESSED: 15}
STAGE_WEIGHTS = (10, 15, 20, 30, 25)  # awareness ... selection
REASON_COUNT_WEIGHTS = (50, 35, 15)  # one, two, three reasons
COMPETITORS = (
    "Globex", "Initech", "Umbrella", "Hooli", "Soylent", "Stark Industries", "Wayne Corp",
    "Cyberdyne", "Tyrell", "Wonka", "Vandelay", "Acme", "Massive Dynamic", "Aperture",
    "Oscorp", "Gringotts", "Monarch", "Dunder Mifflin", "Prestige Worldwide", "Pied Piper",
    "Nakatomi", "Virtucon", "Gekko & Co", "Sirius Cybernetics", "Blue Sun",
)
ACCOUNT_FIRST = ("North", "Blue", "Silver", "Red", "Green", "Iron", "Bright", "Oak",
                 "Summit", "Harbor", "River", "Stone", "Cedar", "Falcon", "Golden", "Lake",
                 "Pine", "Eagle", "Crystal", "Maple", "Prime", "Atlas", "Nova", "Delta")
ACCOUNT_SECOND = ("wind", "field", "gate", "bridge", "point", "ridge", "stone", "wood",
                  "bay", "brook", "view", "crest", "haven", "works", "line", "port")
ACCOUNT_KIND = ("Logistics", "Bank", "Insurance", "Health", "Retail", "Foods", "Energy",
                "Systems", "Partners", "Group", "Manufacturing", "Telecom", "Labs")
QUOTES = (
    "Your price is twice what we budgeted for this year.",
    "We went with the vendor we already use for everything else.",
    "The integration with our CRM was the deciding factor.",
    "Legal would not sign the liability clause.",
    "Honestly, your demo was the best one we saw.",
    "We need to see it at our scale before we commit.",
)
REASON_COLUMNS = "debrief_id, position, code, detail, evidence, is_primary"
DEBRIEF_COLUMNS = (
    "id, revision, rep, created_at, updated_at, outcome, stage, industry, company_size, "
    "region, reasons_unknown, competitor, deal_value, currency, crm_ref, quote, share_quote, "
    "private_notes, account_name, entries, taxonomy_version, deleted")


@dataclass
class _Moment:
    """A clock the generator sets to each debrief's time, so ids sort like created_at."""

    at: datetime

    def now(self) -> datetime:
        return self.at


@dataclass(frozen=True)
class _Choices:
    """What the generator picks from: codes by polarity, segments, account names."""

    codes: dict[Polarity, list[ReasonCode]]
    segments: SegmentLists
    accounts: list[str]
    taxonomy_version: str


def _choices(rng: random.Random) -> _Choices:
    taxonomy = default_taxonomy()
    current = taxonomy.plain_codes()
    codes = {
        polarity: [c for c in current if c.applies_to in (polarity, Polarity.BOTH)]
        for polarity in (Polarity.WIN, Polarity.LOSS)
    }
    accounts = sorted({f"{rng.choice(ACCOUNT_FIRST)}{rng.choice(ACCOUNT_SECOND)} "
                       f"{rng.choice(ACCOUNT_KIND)}" for _ in range(4000)})
    return _Choices(codes, default_segments(), accounts, taxonomy.version)


def _reasons(rng: random.Random, debrief_id: str, codes: list[ReasonCode]) -> list[tuple]:
    count = rng.choices((1, 2, 3), REASON_COUNT_WEIGHTS)[0]
    rows = []
    for position, code in enumerate(rng.sample(codes, count)):
        detail = rng.choice(code.details).key if code.details and rng.random() < 0.3 else None
        evidence = rng.choice((Evidence.CUSTOMER_SAID, Evidence.MY_READ)).value
        rows.append((debrief_id, position, code.key, detail, evidence, int(position == 0)))
    return rows


def _debrief_row(rng: random.Random, debrief_id: str, when: str, outcome: Outcome,
                 unknown: bool, choices: _Choices) -> tuple:
    segments = choices.segments
    quote = rng.choice(QUOTES) if rng.random() < 0.2 else None
    value = f"{rng.randrange(5, 500) * 1000}.00" if rng.random() < 0.6 else None
    return (
        debrief_id, 1, "ann.rep@example.com", when, when, outcome.value,
        rng.choices(list(Stage), STAGE_WEIGHTS)[0].value,
        rng.choice(segments.industries).key, rng.choice(segments.company_sizes).key,
        rng.choice(segments.regions).key, int(unknown),
        rng.choice(COMPETITORS) if rng.random() < 0.7 else None,
        value, rng.choice(("EUR", "USD", "GBP")) if value else None,
        f"OPP-{rng.randrange(10**6):06d}" if rng.random() < 0.5 else None,
        quote, int(quote is not None and rng.random() < 0.5),
        "Follow up after their budget review." if rng.random() < 0.1 else None,
        rng.choice(choices.accounts) if rng.random() < 0.85 else None,
        rng.randrange(1, 9), choices.taxonomy_version, int(rng.random() < 0.01),
    )


def generate(count: int, now: datetime) -> Iterator[tuple[tuple, list[tuple]]]:
    """`count` (debrief row, reason rows) pairs, oldest first, over the SPAN before now."""
    rng = random.Random(SEED)
    choices = _choices(rng)
    moment = _Moment(now)
    ids = DebriefIdFactory(moment, random_bytes=rng.randbytes)
    offsets = sorted(rng.uniform(0, SPAN.total_seconds()) for _ in range(count))
    outcomes = rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()), k=count)
    for offset, outcome in zip(reversed(offsets), outcomes, strict=True):
        moment.at = now - timedelta(seconds=offset)
        debrief_id = ids.new_id()
        unknown = rng.random() < 0.04
        reasons = [] if unknown else _reasons(rng, debrief_id,
                                              choices.codes[outcome.polarity])
        yield _debrief_row(rng, debrief_id, to_iso(moment.at), outcome, unknown,
                           choices), reasons


def write_database(path: Path, count: int) -> Path:
    """Make `path` a prepared Debrief database holding `count` generated debriefs."""
    prepare(path, SystemClock())
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")  # generating, not measuring
        debriefs, reasons = [], []
        for row, reason_rows in generate(count, datetime.now(UTC)):
            debriefs.append(row)
            reasons.extend(reason_rows)
        conn.execute("BEGIN")
        conn.executemany(f"INSERT INTO debrief ({DEBRIEF_COLUMNS}) VALUES "
                         f"({', '.join('?' * 22)})", debriefs)
        conn.executemany(f"INSERT INTO reason ({REASON_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                         reasons)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return path
