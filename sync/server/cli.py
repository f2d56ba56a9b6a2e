"""`debrief-server`: the central store's command line (serve, migrate, users, teams)."""

from __future__ import annotations

import argparse
import sys

from sync import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="debrief-server",
        description="Debrief's central store. Not built yet in this version: the desktop "
                    "app works fully on its own, with no server.")
    parser.add_argument("--version", action="version", version=f"debrief-server {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    parser.parse_args(argv)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
