"""The Python and Qt binding pair is safe for a whole day, and an unsafe one is refused."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement

from desktop.ui import qt_binding

ROOT = Path(__file__).resolve().parents[2]


def _pyside_specifiers(python: str) -> list[Requirement]:
    """The app extra's PySide6 requirements that apply under Python `python`."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    applying = []
    for line in project["project"]["optional-dependencies"]["app"]:
        requirement = Requirement(line)
        marker = requirement.marker or Marker("python_version>='0'")
        if requirement.name == "pyside6-essentials" and marker.evaluate(
                {"python_version": python, "python_full_version": python + ".0"}):
            applying.append(requirement)
    return applying


def test_this_install_keeps_none_references():
    """The pair CI installed from pyproject.toml loses nothing (6.12.0 on 3.11 lost one
    reference per call, and aborted the app after a few hundred key presses)."""
    assert qt_binding.none_references_lost(2_000) == 0
    assert qt_binding.binding_problem() is None


def test_the_constraints_keep_python_3_11_off_the_leaking_release():
    for python in ("3.11",):
        requirements = _pyside_specifiers(python)
        assert requirements, "no PySide6 requirement for Python " + python
        for requirement in requirements:
            assert not requirement.specifier.contains("6.12.0")
            assert requirement.specifier.contains("6.11.3")


def test_python_3_12_and_later_may_take_any_recent_release():
    for python in ("3.12", "3.13"):
        requirements = _pyside_specifiers(python)
        assert requirements
        assert all(r.specifier.contains("6.12.0") for r in requirements)


def test_an_unsafe_pair_is_named_with_what_to_install():
    problem = qt_binding.binding_problem(measure=lambda calls: calls)
    import PySide6

    assert problem is not None
    assert f"PySide6 {PySide6.__version__}" in problem
    assert f"Python {sys.version_info.major}.{sys.version_info.minor}" in problem
    assert "pip install 'pyside6-essentials>=6.6,<6.12'" in problem
    assert "Python 3.12 or newer" in problem

