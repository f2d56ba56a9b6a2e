"""`make qt-check`: Qt loads, its platform plugin finds its system libraries, and the
binding is safe for a whole day; say plainly what to install otherwise, instead of a
bare ImportError, Qt's misleading hint, or a crash hours later."""

from __future__ import annotations

import sys

from desktop.system_libraries import (
    install_command,
    platform_problem,
    read_os_release,
    soname_in,
)


def main() -> int:
    try:
        from PySide6.QtWidgets import QApplication  # noqa: F401
    except ImportError as exc:
        print(f"Qt cannot start: {exc}", file=sys.stderr)
        missing = soname_in(str(exc))
        if missing:
            print(f"The system library {missing} is missing. Install it with:\n"
                  f"    {install_command([missing], read_os_release())}\nand retry.",
                  file=sys.stderr)
        return 1
    problem = platform_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 1
    from desktop.ui.qt_binding import binding_problem

    problem = binding_problem()
    if problem is not None:
        print(f"Qt cannot be used safely: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
