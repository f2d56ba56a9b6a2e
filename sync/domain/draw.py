"""The prize draw anyone can check: a commitment, a frozen ledger, a deterministic draw.

1. When a contest is made, the central store draws a secret seed of SEED_BYTES random
   bytes and publishes its commitment: the SHA-256 of the seed, in hex.
2. When the contest ends, the ledger of entries is frozen: one canonical text
   (`ledger_text`, byte for byte below), whose SHA-256 is published. Every rep can
   find their own line in it.
3. At the draw the seed is revealed, and the winners are drawn from the seed and the
   ledger alone (`draw`), weighted by entries, without replacement:
   Efraimidis-Spirakis. Each rep's u is HMAC-SHA256(key=seed, message=the rep's id in
   ASCII decimal); its first 8 bytes as a big-endian integer n, shifted right by 12 to
   52 bits, give u = (n + 0.5) / 2**52, strictly between 0 and 1 and exact in an IEEE
   754 double (so every language computes the same u). The rep's key is
   ln(u) / entries (IEEE 754 double, `math.log`); the highest keys win, equal keys by
   the lower rep id first. A rep with more entries has a key nearer 0: P(first) is
   entries / all entries, and later places follow the odds without replacement.

Anyone holding the seed, the ledger text and the announced winners can check all three
(`verify`); docs/verify_draw.py does it in a few dozen lines of the standard library.

The ledger text, UTF-8 (all ASCII), lines ending in LF ("\\n"), nothing else:

    debrief-ledger/1
    contest <contest id>
    <rep id> <entries>
    ...

one line per rep with at least one entry, sorted by rep id as a number, ascending;
numbers in decimal without sign or leading zeros; a final LF after the last line.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sync.domain.text import N_, Message

SEED_BYTES = 32
LEDGER_HEADER = "debrief-ledger/1"
_U_BITS = 52  # so that n + 0.5 is exact in a double's 53-bit significand
_NUMBER = re.compile(r"0|[1-9][0-9]*")


class LedgerError(ValueError):
    """A ledger text that is not in the canonical form."""


@dataclass(frozen=True, order=True)
class LedgerLine:
    """One rep's entries in a frozen contest."""

    rep_id: int
    entries: int

    def text(self) -> str:
        return f"{self.rep_id} {self.entries}\n"


@dataclass(frozen=True)
class Ledger:
    contest_id: int
    lines: tuple[LedgerLine, ...]  # by rep id, each with at least one entry

    @classmethod
    def of(cls, contest_id: int, entries: Iterable[tuple[int, int]]) -> Ledger:
        """The ledger of (rep id, entries), reps with no entries left out."""
        lines = sorted(LedgerLine(rep, n) for rep, n in entries if n > 0)
        if len({line.rep_id for line in lines}) < len(lines):
            raise LedgerError("a rep appears twice")
        if any(line.rep_id < 0 or line.entries < 0 for line in lines) or contest_id < 0:
            raise LedgerError("ids and entries are whole numbers, not negative")
        return cls(contest_id, tuple(lines))

    def text(self) -> str:
        return (f"{LEDGER_HEADER}\ncontest {self.contest_id}\n"
                + "".join(line.text() for line in self.lines))

    def digest(self) -> str:
        return sha256_hex(self.text().encode("ascii"))

    @classmethod
    def parse(cls, text: str | bytes) -> Ledger:
        """The ledger a text holds; LedgerError unless it is exactly canonical."""
        if isinstance(text, bytes):
            try:
                text = text.decode("ascii")
            except UnicodeDecodeError as error:
                raise LedgerError("a ledger is ASCII text") from error
        if not text.endswith("\n"):
            raise LedgerError("a ledger ends with a line feed")
        header, *lines = text[:-1].split("\n")
        if header != LEDGER_HEADER:
            raise LedgerError(f"the first line is {LEDGER_HEADER!r}")
        if not lines or not lines[0].startswith("contest "):
            raise LedgerError("the second line is 'contest <id>'")
        contest_id = _number(lines[0].removeprefix("contest "), "line 2")
        pairs = []
        for number, line in enumerate(lines[1:], start=3):
            rep, _, entries = line.partition(" ")
            pairs.append((_number(rep, f"line {number}"), _number(entries, f"line {number}")))
        ledger = cls.of(contest_id, pairs)
        if ledger.text() != text:
            raise LedgerError("not in canonical form: reps sorted by id, each once, "
                              "each with at least one entry")
        return ledger


def _number(text: str, where: str) -> int:
    if not _NUMBER.fullmatch(text):
        raise LedgerError(f"{where}: expected a number without sign or leading zeros")
    return int(text)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def commitment(seed: bytes) -> str:
    """What is published when a contest is made: the seed's SHA-256, in hex."""
    if len(seed) != SEED_BYTES:
        raise ValueError(f"a seed is {SEED_BYTES} bytes")
    return sha256_hex(seed)


BEACON_LABEL = b"debrief-beacon/1"


def with_beacon(seed: bytes, beacon_round: int, randomness: bytes) -> bytes:
    """The key a contest that named a public randomness beacon round (drand) draws with:
    HMAC-SHA256 keyed by the seed over "debrief-beacon/1", a line feed, the round in
    decimal, a line feed and the round's randomness (its bytes). Neither the server,
    which knew the seed, nor the beacon, which made the randomness after the seed was
    committed, could choose the result alone."""
    message = BEACON_LABEL + b"\n" + str(beacon_round).encode("ascii") + b"\n" + randomness
    return hmac.new(seed, message, hashlib.sha256).digest()


def round_after(moment: float, genesis: float, period: float) -> int:
    """The first round of a beacon (genesis time and period, in seconds since 1970)
    given out at or after `moment`: round 1 comes at the genesis, round n at
    genesis + (n - 1) * period."""
    if moment <= genesis:
        return 1
    return math.ceil((moment - genesis) / period) + 1


def uniform(seed: bytes, rep_id: int) -> float:
    """The rep's u, strictly between 0 and 1, from the seed alone."""
    mac = hmac.new(seed, str(rep_id).encode("ascii"), hashlib.sha256).digest()
    n = int.from_bytes(mac[:8], "big") >> (64 - _U_BITS)
    return (n + 0.5) / 2 ** _U_BITS


def key(seed: bytes, line: LedgerLine) -> float:
    return math.log(uniform(seed, line.rep_id)) / line.entries


def draw(seed: bytes, ledger: Ledger, winners: int) -> list[int]:
    """The rep ids of the `winners` drawn (fewer if the ledger has fewer reps), first
    place first."""
    if winners < 0:
        raise ValueError("a draw has no negative number of winners")
    ranked = sorted(ledger.lines, key=lambda line: (-key(seed, line), line.rep_id))
    return [line.rep_id for line in ranked[:winners]]


@dataclass(frozen=True)
class Verdict:
    seed_matches: bool  # the seed's SHA-256 is the commitment published
    ledger_matches: bool  # the ledger's SHA-256 is the one published
    winners_match: bool  # drawn again, the same reps in the same order
    drawn: tuple[int, ...]  # the winners the seed and ledger give
    problem: str = ""  # why the ledger could not be read, if it could not

    @property
    def holds(self) -> bool:
        return self.seed_matches and self.ledger_matches and self.winners_match

    def checks(self) -> list[tuple[bool, Message]]:
        """Each check and whether it holds, in words, in the order docs/draw.md gives."""
        canonical = (Message(N_("the ledger is in canonical form ({problem})"),
                             {"problem": self.problem}) if self.problem
                     else Message(N_("the ledger is in canonical form")))
        return [(self.seed_matches, Message(N_("the seed matches the commitment published"))),
                (self.ledger_matches, Message(N_("the ledger matches the digest published"))),
                (not self.problem, canonical),
                (self.winners_match,
                 Message(N_("drawn again, the winners are the ones announced")))]


def verify(seed: bytes, published_commitment: str, ledger_text: str | bytes,
           published_digest: str, announced: Sequence[int],
           contest_id: int | None = None,
           beacon: tuple[int, bytes] | None = None) -> Verdict:
    """Check a draw from what was published: each part apart, so a failure says which;
    with `contest_id`, the ledger must be that contest's; with `beacon` (its round and
    that round's randomness), the draw mixed the beacon in (`with_beacon`)."""
    seed_matches = len(seed) == SEED_BYTES and hmac.compare_digest(
        sha256_hex(seed), published_commitment.lower())
    raw = ledger_text.encode("ascii", "replace") if isinstance(ledger_text, str) \
        else ledger_text
    ledger_matches = hmac.compare_digest(sha256_hex(raw), published_digest.lower())
    try:
        ledger = Ledger.parse(raw)
    except LedgerError as error:
        return Verdict(seed_matches, ledger_matches, False, (), str(error))
    if contest_id is not None and ledger.contest_id != contest_id:
        return Verdict(seed_matches, ledger_matches, False, (),
                       f"the ledger of contest {ledger.contest_id}, not {contest_id}")
    key_seed = seed if beacon is None else with_beacon(seed, *beacon)
    drawn = tuple(draw(key_seed, ledger, len(announced)))
    return Verdict(seed_matches, ledger_matches, drawn == tuple(announced), drawn)
