"""`debrief`: the desktop app's command line."""

from __future__ import annotations

import argparse
import os
import sys

from desktop import __version__
from desktop.paths import DATA_DIR_ENV


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="debrief",
        description="Log why a deal was won or lost, right after the call, even offline.")
    parser.add_argument("--version", action="version", version=f"Debrief {__version__}")
    parser.add_argument("--data-dir", metavar="DIR",
                        help=f"where your debriefs are kept (also ${DATA_DIR_ENV}; default: "
                             "your user data folder)")
    parser.add_argument("--smoke-test", action="store_true",
                        help="start the app offscreen with a throwaway data dir, save one "
                             "debrief, read it back, and exit (0 = all good)")
    parser.add_argument("--quit-after-paint", action="store_true", help=argparse.SUPPRESS)
    return parser


def _has_display() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    qt_argv = [sys.argv[0]]
    if args.smoke_test:
        from desktop.ui.app import smoke_test

        return smoke_test(qt_argv)
    if not _has_display():
        print("debrief: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set). "
              "Run it in a desktop session, or try `debrief --smoke-test` to check the "
              "install without a screen.", file=sys.stderr)
        return 2
    from desktop.paths import AppPaths
    from desktop.ui.app import run

    return run(AppPaths.resolve(args.data_dir), qt_argv, quit_after_paint=args.quit_after_paint)


if __name__ == "__main__":
    sys.exit(main())
