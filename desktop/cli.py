"""`debrief`: the desktop app's command line."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from desktop import __version__
from desktop.paths import DATA_DIR_ENV

if TYPE_CHECKING:
    from desktop.ui.server_connection import SignInRequest


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
    sign_in = parser.add_argument_group(
        "signing in from a script",
        "Sign in to your team's server, then start as usual; exit 1 if the sign-in fails.")
    sign_in.add_argument("--connect", metavar="URL",
                         help="your team's server, e.g. https://debrief.example.com")
    sign_in.add_argument("--user", metavar="NAME", help="your username on that server")
    sign_in.add_argument("--password-stdin", action="store_true",
                         help="read the password from the first line of standard input")
    parser.add_argument("--quit-after-paint", action="store_true", help=argparse.SUPPRESS)
    return parser


def _sign_in_request(parser: argparse.ArgumentParser,
                     args: argparse.Namespace) -> SignInRequest | None:
    """What `--connect URL --user NAME --password-stdin` asks for, or None."""
    if args.connect is None and args.user is None and not args.password_stdin:
        return None
    if not (args.connect and args.user and args.password_stdin):
        parser.error("--connect URL, --user NAME and --password-stdin go together")
    if args.smoke_test:
        parser.error("--smoke-test does not sign in: leave out --connect")
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        parser.error("--password-stdin: no password on the first line of standard input")
    from desktop.ui.connect_dialog import typed_address
    from desktop.ui.server_connection import SignInRequest

    return SignInRequest(url=typed_address(args.connect), username=args.user.strip(),
                         password=password)


def _has_display() -> bool:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _missing_app_extra() -> str | None:
    """What to install when this Python has the central store's part only, or None."""
    from importlib.util import find_spec

    def importable(name: str) -> bool:
        try:
            return find_spec(name) is not None
        except ImportError:
            return False

    missing = [name for name in ("PySide6", "sqlite_utils", "keyring", "requests")
               if not importable(name)]
    if not missing:
        return None
    return (f"debrief: the desktop app needs {', '.join(missing)}, which this install "
            "does not have. Install its part from the Debrief folder or wheel you "
            "installed from: pip install '/path/to/debrief[app]'")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    request = _sign_in_request(parser, args)
    missing = _missing_app_extra()
    if missing:
        print(missing, file=sys.stderr)
        return 2
    qt_argv = [sys.argv[0]]
    if args.smoke_test:
        from desktop.ui.app import smoke_test

        return smoke_test(qt_argv)
    if not _has_display():
        print("debrief: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set). "
              "Run it in a desktop session, or try `debrief --smoke-test` to check the "
              "install without a screen.", file=sys.stderr)
        return 2
    from desktop.system_libraries import platform_problem

    problem = platform_problem()
    if problem is not None:
        print(f"debrief: {problem}", file=sys.stderr)
        return 2
    from desktop.paths import AppPaths
    from desktop.ui.app import run

    return run(AppPaths.resolve(args.data_dir), qt_argv, quit_after_paint=args.quit_after_paint,
               sign_in_first=request)


if __name__ == "__main__":
    sys.exit(main())
