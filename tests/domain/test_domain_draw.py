"""The prize draw: canonical ledger, weighted draw without replacement, verification,
and the standalone verifier in docs/ agreeing with it."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.domain.draw import (
    SEED_BYTES,
    Ledger,
    LedgerError,
    commitment,
    draw,
    round_after,
    uniform,
    verify,
    with_beacon,
)

VERIFIER = Path(__file__).resolve().parents[2] / "docs" / "verify_draw.py"
WEIGHTS = {11: 1, 12: 2, 13: 3, 14: 4}  # rep id: entries
DRAWS = 10_000
# chi-square critical values at a significance of 0.001 (degrees of freedom: value);
# the seeds are fixed, so a pass cannot flake, and a biased draw fails by far.
CRITICAL = {3: 16.266}


def seed_number(n: int) -> bytes:
    return hashlib.sha256(f"draw {n}".encode()).digest()


def chi_square(observed: Counter[int], expected: dict[int, float]) -> float:
    return sum((observed[rep] - e) ** 2 / e for rep, e in expected.items())


def test_a_ledger_is_one_canonical_text_and_round_trips() -> None:
    ledger = Ledger.of(7, [(3, 5), (1, 2), (10, 0), (2, 9)])
    assert ledger.text() == "debrief-ledger/1\ncontest 7\n1 2\n2 9\n3 5\n"
    assert Ledger.parse(ledger.text()) == ledger
    assert Ledger.parse(ledger.text().encode()) == ledger
    assert ledger.digest() == hashlib.sha256(ledger.text().encode()).hexdigest()
    assert Ledger.of(7, []).text() == "debrief-ledger/1\ncontest 7\n"


@pytest.mark.parametrize("text", [
    "debrief-ledger/1\ncontest 7\n2 9\n1 2\n",  # not sorted
    "debrief-ledger/1\ncontest 7\n1 2\n1 3\n",  # a rep twice
    "debrief-ledger/1\ncontest 7\n1 0\n",  # no entries
    "debrief-ledger/1\ncontest 7\n01 2\n",  # a leading zero
    "debrief-ledger/1\ncontest 7\n1 +2\n",  # a sign
    "debrief-ledger/1\ncontest 7\n1 2",  # no final line feed
    "debrief-ledger/1\r\ncontest 7\r\n1 2\r\n",  # CR LF
    "debrief-ledger/1\ncontest 7\n1  2\n",  # two spaces
    "debrief-ledger/2\ncontest 7\n1 2\n",  # another format
    "debrief-ledger/1\ncontest 7\n1 2\n\n",  # an empty line
    "debrief-ledger/1\n1 2\n",  # no contest
    "debrief-ledger/1\ncontest 7\n1 ２\n",  # not ASCII
])
def test_a_ledger_not_in_canonical_form_is_refused(text: str) -> None:
    with pytest.raises(LedgerError):
        Ledger.parse(text)


def test_u_lies_strictly_between_0_and_1_and_depends_on_seed_and_rep() -> None:
    values = {uniform(seed_number(n), rep) for n in range(50) for rep in range(20)}
    assert len(values) == 1000 and all(0 < u < 1 for u in values)


def test_a_known_draw_gives_the_same_winners_everywhere() -> None:
    """Pinned: any implementation of docs/draw.md must give these winners."""
    seed = bytes(range(SEED_BYTES))
    ledger = Ledger.of(1, [(rep, rep % 7 + 1) for rep in range(1, 41)])
    assert commitment(seed) == hashlib.sha256(seed).hexdigest()
    assert draw(seed, ledger, 3) == KNOWN_WINNERS


KNOWN_WINNERS = [38, 5, 6]


def test_first_places_follow_the_entries() -> None:
    ledger = Ledger.of(1, WEIGHTS.items())
    firsts = Counter(draw(seed_number(n), ledger, 1)[0] for n in range(DRAWS))
    total = sum(WEIGHTS.values())
    expected = {rep: DRAWS * w / total for rep, w in WEIGHTS.items()}
    assert chi_square(firsts, expected) < CRITICAL[len(WEIGHTS) - 1]


def test_second_places_follow_the_odds_without_replacement() -> None:
    ledger = Ledger.of(1, WEIGHTS.items())
    drawn = [draw(seed_number(n), ledger, 2) for n in range(DRAWS)]
    assert all(first != second for first, second in drawn)
    total = sum(WEIGHTS.values())
    expected = {second: DRAWS * sum(w1 / total * w2 / (total - w1)
                                    for first, w1 in WEIGHTS.items() if first != second)
                for second, w2 in WEIGHTS.items()}
    assert chi_square(Counter(second for _, second in drawn), expected) \
        < CRITICAL[len(WEIGHTS) - 1]


def test_a_draw_ignoring_entries_fails_the_fairness_check() -> None:
    """The check can fail: the same seeds and u, but every rep holding one entry."""
    flat = Ledger.of(1, [(rep, 1) for rep in WEIGHTS])
    firsts = Counter(draw(seed_number(n), flat, 1)[0] for n in range(DRAWS))
    total = sum(WEIGHTS.values())
    expected = {rep: DRAWS * w / total for rep, w in WEIGHTS.items()}
    assert chi_square(firsts, expected) > CRITICAL[len(WEIGHTS) - 1]


CONTEST = 3


def published_draw() -> tuple[bytes, str, bytes, str, list[int]]:
    seed = seed_number(99)
    ledger = Ledger.of(CONTEST, [(rep, rep % 5 + 1) for rep in range(100, 130)])
    return seed, commitment(seed), ledger.text().encode(), ledger.digest(), \
        draw(seed, ledger, 3)


def test_a_draw_as_published_verifies_and_only_for_its_contest() -> None:
    verdict = verify(*published_draw(), contest_id=CONTEST)
    assert verdict.holds and verdict.drawn
    other = verify(*published_draw(), contest_id=CONTEST + 1)
    assert not other.holds and "not 4" in other.problem


@settings(max_examples=60, deadline=None, derandomize=True)
@given(part=st.sampled_from(["seed", "ledger", "winners"]), where=st.integers(0, 10_000),
       bit=st.integers(0, 7))
def test_verification_fails_when_one_byte_changes(part: str, where: int, bit: int) -> None:
    seed, promised, ledger, digest, winners = published_draw()
    if part == "seed":
        changed = bytearray(seed)
        changed[where % len(changed)] ^= 1 << bit
        verdict = verify(bytes(changed), promised, ledger, digest, winners)
        assert not verdict.seed_matches
    elif part == "ledger":
        changed = bytearray(ledger)
        changed[where % len(changed)] ^= 1 << bit
        verdict = verify(seed, promised, bytes(changed), digest, winners)
        assert not verdict.ledger_matches
    else:
        text = ",".join(map(str, winners)).encode()
        changed = bytearray(text)
        changed[where % len(changed)] ^= 1 << bit
        try:
            other = [int(rep) for rep in bytes(changed).decode().split(",")]
        except ValueError:
            return  # no longer a list of winners at all
        verdict = verify(seed, promised, ledger, digest, other)
        assert not verdict.winners_match
    assert not verdict.holds


def run_verifier(tmp_path: Path, seed: bytes, promised: str, ledger: bytes, digest: str,
                 winners: list[int]) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "ledger.txt"
    path.write_bytes(ledger)
    # -I: isolated, so it cannot import anything of ours; the standard library only.
    return subprocess.run([sys.executable, "-I", str(VERIFIER), "--contest", str(CONTEST),
                           "--seed", seed.hex(),
                           "--commitment", promised, "--ledger", str(path),
                           "--ledger-sha256", digest,
                           "--winners", ",".join(map(str, winners))],
                          capture_output=True, text=True, timeout=60, check=False)


def test_the_standalone_verifier_agrees(tmp_path: Path) -> None:
    seed, promised, ledger, digest, winners = published_draw()
    done = run_verifier(tmp_path, seed, promised, ledger, digest, winners)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "The draw holds." in done.stdout
    swapped = [winners[1], winners[0], *winners[2:]]
    done = run_verifier(tmp_path, seed, promised, ledger, digest, swapped)
    assert done.returncode == 1 and "NO   drawn again" in done.stdout
    done = run_verifier(tmp_path, seed_number(98), promised, ledger, digest, winners)
    assert done.returncode == 1 and "NO   the seed matches" in done.stdout


@pytest.mark.parametrize("change", [
    lambda text: text[:-1],  # no final line feed: the last rep would drop out
    lambda text: text + text.splitlines(keepends=True)[-1],  # the last rep twice
    lambda text: text.replace("\n100 ", "\n0100 "),  # a leading zero
    lambda text: text.replace("\n100 1\n", "\n100 +1\n"),  # a sign
    lambda text: text.replace("\n100 1\n", "\n100 0\n"),  # no entries
    lambda text: text.replace("\n", "\r\n"),  # CR LF
    lambda text: text.replace(f"contest {CONTEST}", "contest 4"),  # another contest's
])
def test_the_standalone_verifier_refuses_a_ledger_not_in_canonical_form(tmp_path: Path,
                                                                         change) -> None:
    """Even published with its own digest, a ledger the store could not have written
    fails, as Ledger.parse refuses it."""
    seed, promised, ledger, _, winners = published_draw()
    bad = change(ledger.decode()).encode()
    assert bad != ledger
    if b"contest 4" not in bad:  # another contest's ledger is canonical, but not this one
        with pytest.raises(LedgerError):
            Ledger.parse(bad)
    done = run_verifier(tmp_path, seed, promised, bad, hashlib.sha256(bad).hexdigest(),
                        winners)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "NO   the ledger is in canonical form" in done.stdout


def test_the_verifier_uses_nothing_but_the_standard_library() -> None:
    imports = {line.split()[1].split(".")[0] for line in VERIFIER.read_text().splitlines()
               if line.startswith(("import ", "from "))}
    assert imports <= set(sys.stdlib_module_names)


def test_the_beacon_round_is_the_first_given_out_at_or_after_the_end():
    assert round_after(1_000, 1_000, 30) == 1  # at the genesis
    assert round_after(999, 1_000, 30) == 1
    assert round_after(1_030, 1_000, 30) == 2  # exactly round 2's time
    assert round_after(1_031, 1_000, 30) == 3  # just after it: the next


def test_the_beacon_is_mixed_in_as_documented():
    import hmac

    seed, randomness = bytes(range(32)), bytes(range(100, 132))
    expected = hmac.new(seed, b"debrief-beacon/1\n1234\n" + randomness,
                        hashlib.sha256).digest()
    assert with_beacon(seed, 1234, randomness) == expected
    assert with_beacon(seed, 1235, randomness) != expected
