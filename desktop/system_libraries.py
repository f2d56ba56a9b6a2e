"""Which system libraries Qt lacks on this Linux, and the one command that installs them.

Qt's own message when its xcb platform plugin cannot load names libxcb-cursor0 whatever
is really missing, then aborts. Before Qt is started, the app loads the plugin the way
Qt would (one dlopen, no Qt code run); if that fails, `ldd` lists every library the
plugin and its Qt libraries cannot find, and the rep is told exactly what to install.
No PySide6 import here: this runs before Qt, and must not start it.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

# Debian names a library's package after its soname (libxcb-icccm.so.4 -> libxcb-icccm4,
# libxkbcommon-x11.so.0 -> libxkbcommon-x11-0); these few are named otherwise.
_DEBIAN_EXCEPTIONS = {"libglib-2.0.so.0": "libglib2.0-0", "libGL.so.1": "libgl1",
                      "libX11.so.6": "libx11-6", "libdbus-1.so.3": "libdbus-1-3"}
_NOT_FOUND = re.compile(r"^\s*(\S+\.so[.\d]*)\s+=>\s+not found", re.MULTILINE)
_SONAME = re.compile(r"(lib[\w.+-]+?\.so(?:\.\d+)*)")


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package that ships `soname` (by Debian's naming policy)."""
    if soname in _DEBIAN_EXCEPTIONS:
        return _DEBIAN_EXCEPTIONS[soname]
    name, _, version = soname.partition(".so")
    name, version = name.lower(), version.lstrip(".").split(".")[0]
    if not version:
        return name
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def install_command(sonames: Sequence[str], os_release: Mapping[str, str]) -> str:
    """The one command that installs `sonames` here (apt-get or dnf), or both kinds."""
    family = f"{os_release.get('ID', '')} {os_release.get('ID_LIKE', '')}".lower().split()
    apt = "sudo apt-get install " + " ".join(dict.fromkeys(map(debian_package, sonames)))
    # dnf installs by what a package provides: the soname itself, for 64-bit x86 and Arm.
    dnf = "sudo dnf install " + " ".join(f"'{name}()(64bit)'" for name in sonames)
    if any(name in family for name in ("debian", "ubuntu")):
        return apt
    if any(name in family for name in ("fedora", "rhel", "centos")):
        return dnf
    return f"{apt}  (Fedora, RHEL: {dnf})"


def read_os_release(path: Path = Path("/etc/os-release")) -> dict[str, str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    pairs = (line.split("=", 1) for line in lines if "=" in line)
    return {key: value.strip().strip('"') for key, value in pairs}


def missing_sonames(ldd_output: str) -> list[str]:
    """The libraries `ldd` could not find, once each, in its order."""
    return list(dict.fromkeys(_NOT_FOUND.findall(ldd_output)))


def soname_in(message: str) -> str | None:
    """The library an ImportError or dlopen error names, if any."""
    found = _SONAME.search(message)
    return found.group(1) if found else None


def qt_plugin(kind: str, name: str) -> Path | None:
    """A Qt plugin of the installed PySide6 (or the frozen app's), without importing Qt."""
    bases = []
    if getattr(sys, "frozen", False):
        bases.append(Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "PySide6")
    spec = importlib.util.find_spec("PySide6")
    if spec is not None and spec.origin:
        bases.append(Path(spec.origin).parent)
    for base in bases:
        for plugins in (base / "Qt" / "plugins", base / "plugins"):
            candidate = plugins / kind / name
            if candidate.exists():
                return candidate
    return None


def chosen_platform(environ: Mapping[str, str]) -> str | None:
    """The platform plugin Qt will load on this Linux desktop ('xcb', 'wayland'), or None
    where it will load none that needs system libraries we can name."""
    asked = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0]
    if asked:
        return asked if asked in ("xcb", "wayland") else None
    if environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland":
        return "wayland"
    return "xcb" if environ.get("DISPLAY") else None


def platform_problem(environ: Mapping[str, str] | None = None,
                     plugin: Path | None = None,
                     os_release: Mapping[str, str] | None = None) -> str | None:
    """Why Qt's platform plugin cannot load here and what to install, or None."""
    if sys.platform != "linux":
        return None
    environ = os.environ if environ is None else environ
    platform = chosen_platform(environ)
    if platform is None and plugin is None:
        return None
    plugin = plugin or qt_plugin("platforms", f"libq{platform}.so")
    if plugin is None:
        return None
    try:
        ctypes.CDLL(str(plugin))
    except OSError as error:
        return _missing_libraries_message(plugin, str(error), os_release)
    return None


def _missing_libraries_message(plugin: Path, error: str,
                               os_release: Mapping[str, str] | None) -> str:
    try:
        ldd = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True,
                             timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        ldd = ""
    missing = missing_sonames(ldd) or [name for name in [soname_in(error)] if name]
    if not missing:
        return f"Qt's {plugin.name} platform plugin cannot load: {error}"
    release = read_os_release() if os_release is None else os_release
    return (f"Qt cannot open a window: its platform plugin ({plugin.name}) needs system "
            f"libraries that are missing: {', '.join(missing)}. Install them with:\n"
            f"    {install_command(missing, release)}\nthen start Debrief again.")
