"""`make qt-check`: Qt loads, and the binding is safe for a whole day; say plainly what
to install otherwise, instead of a bare ImportError or a crash hours later."""

from __future__ import annotations

import re
import sys

# Debian/Ubuntu packages that provide what PySide6's widgets load at start.
_DEBIAN_PACKAGES = {
    "libEGL": "libegl1",
    "libGL": "libgl1",
    "libxkbcommon": "libxkbcommon0",
    "libfontconfig": "libfontconfig1",
    "libfreetype": "libfreetype6",
    "libglib": "libglib2.0-0",
    "libdbus": "libdbus-1-3",
    "libX11": "libx11-6",
    "libxcb": "libxcb1",
}


def main() -> int:
    try:
        from PySide6.QtWidgets import QApplication  # noqa: F401
    except ImportError as exc:
        missing = re.search(r"(lib[\w.+-]+?)\.so", str(exc))
        print(f"Qt cannot start: {exc}", file=sys.stderr)
        if missing:
            stem = missing.group(1)
            package = next((p for k, p in _DEBIAN_PACKAGES.items() if stem.startswith(k)), None)
            hint = f"sudo apt-get install {package}" if package else "your OS's package"
            print(f"The system library {stem} is missing. Install it ({hint}) and retry.",
                  file=sys.stderr)
        return 1
    from desktop.ui.qt_binding import binding_problem

    problem = binding_problem()
    if problem is not None:
        print(f"Qt cannot be used safely: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
