"""Check a Debrief prize draw from what was published, with Python's standard library only.

    python3 verify_draw.py --contest 7 --seed HEX --commitment HEX --ledger ledger.txt \
        --ledger-sha256 HEX --winners 12,7,3 [--beacon-round N --beacon-randomness HEX]

Exit 0 when the seed matches its commitment, the ledger its digest and its canonical
form, and drawing again gives the announced winners in order; exit 1 otherwise. The
rules: docs/draw.md.
"""

import argparse
import hashlib
import hmac
import math
import re
import sys

NUMBER = r"(0|[1-9][0-9]*)"


def ledger_lines(ledger: bytes, contest: int) -> list[tuple[int, int]]:
    """(rep id, entries) of a ledger in canonical form; ValueError otherwise."""
    lines = ledger.decode("ascii").split("\n")
    if (len(lines) < 3 or lines[0] != "debrief-ledger/1" or lines[1] != f"contest {contest}"
            or lines[-1] != ""):
        raise ValueError("not the ledger of this contest, ended by a line feed")
    pairs = []
    for line in lines[2:-1]:
        found = re.fullmatch(rf"{NUMBER} ([1-9][0-9]*)", line)
        if not found:
            raise ValueError(f"not a ledger line: {line!r}")
        pairs.append((int(found[1]), int(found[2])))
    if [rep for rep, _ in pairs] != sorted({rep for rep, _ in pairs}):
        raise ValueError("reps not sorted by id, or one twice")
    return pairs


def drawn(seed: bytes, pairs: list[tuple[int, int]], winners: int) -> list[int]:
    keys = []
    for rep, entries in pairs:
        mac = hmac.new(seed, str(rep).encode("ascii"), hashlib.sha256).digest()
        u = ((int.from_bytes(mac[:8], "big") >> 12) + 0.5) / 2 ** 52
        keys.append((-math.log(u) / entries, rep))  # smallest first: highest key wins
    return [rep for _, rep in sorted(keys)[:winners]]


def main() -> int:
    parser = argparse.ArgumentParser(description="Check a Debrief prize draw.")
    for name in ("--contest", "--seed", "--commitment", "--ledger", "--ledger-sha256",
                 "--winners"):
        parser.add_argument(name, required=True)
    parser.add_argument("--beacon-round", type=int, help="the drand round the contest named")
    parser.add_argument("--beacon-randomness", help="that round's randomness, hex")
    args = parser.parse_args()
    if (args.beacon_round is None) != (args.beacon_randomness is None):
        parser.error("give the beacon's round and its randomness together")
    seed = bytes.fromhex(args.seed)
    key = seed
    if args.beacon_round is not None:  # the seed mixed with the beacon's round
        key = hmac.new(seed, b"debrief-beacon/1\n" + str(args.beacon_round).encode("ascii")
                       + b"\n" + bytes.fromhex(args.beacon_randomness), hashlib.sha256).digest()
    with open(args.ledger, "rb") as file:
        ledger = file.read()
    announced = [int(rep) for rep in args.winners.split(",") if rep]
    try:
        pairs, problem = ledger_lines(ledger, int(args.contest)), ""
    except (ValueError, UnicodeDecodeError) as error:
        pairs, problem = [], f" ({error})"
    checks = {
        "the seed matches the commitment published":
            hashlib.sha256(seed).hexdigest() == args.commitment.lower(),
        "the ledger matches the digest published":
            hashlib.sha256(ledger).hexdigest() == args.ledger_sha256.lower(),
        "the ledger is in canonical form" + problem: not problem,
        "drawn again, the winners are the ones announced":
            not problem and drawn(key, pairs, len(announced)) == announced,
    }
    for check, holds in checks.items():
        print(("yes  " if holds else "NO   ") + check)
    print("The draw holds." if all(checks.values()) else "The draw does NOT hold.")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
