"""Where Qt's platform plugin cannot load, the rep is told which libraries are missing
and the one command that installs them (not Qt's hint about libxcb-cursor0)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.system_libraries import (
    chosen_platform,
    debian_package,
    install_command,
    missing_sonames,
    platform_problem,
)

LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd6a5f1000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f1)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f2)
\tlibxcb-icccm.so.4 => not found
"""


@pytest.mark.parametrize(("soname", "package"), [
    ("libxcb-icccm.so.4", "libxcb-icccm4"), ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxcb-cursor.so.0", "libxcb-cursor0"), ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libX11-xcb.so.1", "libx11-xcb1"), ("libxcb-render-util.so.0", "libxcb-render-util0"),
    ("libglib-2.0.so.0", "libglib2.0-0"), ("libEGL.so.1", "libegl1"),
    ("libdbus-1.so.3", "libdbus-1-3"), ("libfontconfig.so.1", "libfontconfig1"),
])
def test_debian_names_the_package_after_the_library(soname, package):
    assert debian_package(soname) == package


def test_what_ldd_could_not_find_is_listed_once_each():
    assert missing_sonames(LDD_OUTPUT) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]


def test_one_command_for_the_os_at_hand():
    missing = ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert install_command(missing, {"ID": "debian"}) == (
        "sudo apt-get install libxcb-icccm4 libxcb-keysyms1")
    assert install_command(missing, {"ID": "linuxmint", "ID_LIKE": "ubuntu debian"}).startswith(
        "sudo apt-get install ")
    assert install_command(missing, {"ID": "fedora"}) == (
        "sudo dnf install 'libxcb-icccm.so.4()(64bit)' 'libxcb-keysyms.so.1()(64bit)'")
    both = install_command(missing, {})
    assert "apt-get" in both and "dnf" in both


def test_the_platform_qt_will_load():
    assert chosen_platform({"DISPLAY": ":0"}) == "xcb"
    assert chosen_platform({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}) is None
    assert chosen_platform({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland",
                            "DISPLAY": ":0"}) == "wayland"
    assert chosen_platform({"QT_QPA_PLATFORM": "xcb"}) == "xcb"
    assert chosen_platform({}) is None


@pytest.mark.skipif(sys.platform != "linux", reason="Qt's xcb plugin is Linux's")
def test_the_installed_xcb_plugin_finds_every_library_here():
    """CI installs what the README lists; a missing one would fail the whole-day test."""
    assert platform_problem({"DISPLAY": ":0"}) is None


@pytest.fixture
def plugin_missing_a_library(tmp_path: Path) -> Path:
    """A shared object like a Qt plugin, linked to a library that is then taken away."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    assert compiler, "a C compiler is needed to build the stand-in plugin"
    (tmp_path / "dep.c").write_text("int debrief_dep(void) { return 1; }\n")
    (tmp_path / "plugin.c").write_text(
        "int debrief_dep(void);\nint debrief_plugin(void) { return debrief_dep(); }\n")
    subprocess.run([compiler, "-shared", "-fPIC", "-o", "libxcb-stand-in.so.4",
                    "-Wl,-soname,libxcb-stand-in.so.4", "dep.c"], cwd=tmp_path, check=True)
    subprocess.run([compiler, "-shared", "-fPIC", "-o", "libqxcb.so", "plugin.c",
                    str(tmp_path / "libxcb-stand-in.so.4")], cwd=tmp_path, check=True)
    (tmp_path / "libxcb-stand-in.so.4").unlink()
    return tmp_path / "libqxcb.so"


@pytest.mark.skipif(sys.platform != "linux", reason="ldd and dlopen are Linux's here")
def test_a_plugin_that_cannot_load_names_what_to_install(plugin_missing_a_library: Path):
    problem = platform_problem({"DISPLAY": ":0"}, plugin=plugin_missing_a_library,
                               os_release={"ID": "debian"})
    assert problem is not None
    assert "missing: libxcb-stand-in.so.4." in problem
    assert "sudo apt-get install libxcb-stand-in4" in problem
    assert "libxcb-cursor0" not in problem
