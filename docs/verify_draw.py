"""Check a Debrief prize draw from what was published, with Python's standard library only.

    python3 verify_draw.py --seed HEX --commitment HEX --ledger ledger.txt \
        --ledger-sha256 HEX --winners 12,7,3

Exit 0 when the seed matches its commitment, the ledger its digest, and drawing again
gives the announced winners in order; exit 1 otherwise. The rules: docs/draw.md.
"""

import argparse
import hashlib
import hmac
import math
import sys


def drawn(seed: bytes, ledger: bytes, winners: int) -> list[int]:
    lines = ledger.decode("ascii").split("\n")
    assert lines[0] == "debrief-ledger/1" and lines[1].startswith("contest "), "not a ledger"
    keys = []
    for line in lines[2:-1]:  # the text ends with a line feed: the last item is empty
        rep, entries = (int(part) for part in line.split(" "))
        mac = hmac.new(seed, str(rep).encode("ascii"), hashlib.sha256).digest()
        u = ((int.from_bytes(mac[:8], "big") >> 11) + 1) / (2 ** 53 + 1)
        keys.append((-math.log(u) / entries, rep))  # smallest first: highest key wins
    return [rep for _, rep in sorted(keys)[:winners]]


def main() -> int:
    parser = argparse.ArgumentParser(description="Check a Debrief prize draw.")
    for name in ("--seed", "--commitment", "--ledger", "--ledger-sha256", "--winners"):
        parser.add_argument(name, required=True)
    args = parser.parse_args()
    seed = bytes.fromhex(args.seed)
    with open(args.ledger, "rb") as file:
        ledger = file.read()
    announced = [int(rep) for rep in args.winners.split(",") if rep]
    checks = {
        "the seed matches the commitment published":
            hashlib.sha256(seed).hexdigest() == args.commitment.lower(),
        "the ledger matches the digest published":
            hashlib.sha256(ledger).hexdigest() == args.ledger_sha256.lower(),
        "drawn again, the winners are the ones announced":
            drawn(seed, ledger, len(announced)) == announced,
    }
    for check, holds in checks.items():
        print(("yes  " if holds else "NO   ") + check)
    print("The draw holds." if all(checks.values()) else "The draw does NOT hold.")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
