"""Debrief's look: one palette for light and one for dark (following the OS), the
stylesheet built on it, and the app icon.

Qt's Fusion style draws the widgets the same on every OS; the palette gives it our
colours, and resources/styles/debrief.qss adds shape and type, naming colours as
`@token`s that the palette fills in, so one stylesheet serves both schemes. When the
OS switches between light and dark while Debrief runs, the look follows.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from desktop.paths import resource

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
_TOKEN = re.compile(r"@([a-z_]+)")


@dataclass(frozen=True)
class Colors:
    name: str  # light or dark: the images drawn for it end so (down-arrow-dark.png)
    window: str
    panel: str  # cards: the form, the prize draw
    base: str  # inputs and lists
    alternate: str
    text: str
    muted: str
    border: str
    focus: str
    accent: str
    accent_text: str
    accent_soft: str
    good: str
    attention: str
    problem: str
    banner: str
    banner_border: str


LIGHT = Colors(name="light", window="#eef1f5",
               panel="#ffffff", base="#ffffff", alternate="#f6f8fa",
               text="#1f2328", muted="#5b6673", border="#cfd6de", focus="#0b63c5",
               accent="#0b63c5", accent_text="#ffffff", accent_soft="#dcebfb",
               good="#166f32", attention="#8a5a00", problem="#c0262d", banner="#fff4ce",
               banner_border="#e0c060")
DARK = Colors(name="dark", window="#17191d",
              panel="#20242a", base="#262b32", alternate="#2c3139",
              text="#e6e9ed", muted="#9aa5b1", border="#3b434d", focus="#5aa2ff",
              accent="#2f6fd1", accent_text="#ffffff", accent_soft="#1f3550",
              good="#4cc26a", attention="#e0a82e", problem="#ff7b7b", banner="#3a2f12",
              banner_border="#7a5c12")


def is_dark(app: QGuiApplication) -> bool:
    """Whether the OS asks for dark: its colour scheme where Qt knows it, else how dark
    the platform's own window colour is."""
    scheme = app.styleHints().colorScheme()
    if scheme != Qt.ColorScheme.Unknown:
        return scheme == Qt.ColorScheme.Dark
    return app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def palette(colors: Colors) -> QPalette:
    result = QPalette()
    roles = QPalette.ColorRole
    for role, value in ((roles.Window, colors.window), (roles.WindowText, colors.text),
                        (roles.Base, colors.base), (roles.AlternateBase, colors.alternate),
                        (roles.Text, colors.text), (roles.Button, colors.panel),
                        (roles.ButtonText, colors.text), (roles.Highlight, colors.accent),
                        (roles.HighlightedText, colors.accent_text),
                        (roles.ToolTipBase, colors.panel), (roles.ToolTipText, colors.text),
                        (roles.PlaceholderText, colors.muted), (roles.Link, colors.accent),
                        (roles.Mid, colors.border), (roles.Dark, colors.border),
                        (roles.Light, colors.panel), (roles.Midlight, colors.alternate)):
        result.setColor(role, QColor(value))
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        result.setColor(QPalette.ColorGroup.Disabled, role, QColor(colors.muted))
    return result


def stylesheet(colors: Colors) -> str:
    """resources/styles/debrief.qss with its @tokens filled from `colors`."""
    text = resource("styles/debrief.qss").read_text(encoding="utf-8")
    values = asdict(colors)
    values["down_arrow"] = resource(f"icons/down-arrow-{colors.name}.png").as_posix()
    return _TOKEN.sub(lambda token: values[token.group(1)], text)


def app_icon() -> QIcon:
    """The app's icon, from the PNGs shipped at each size (drawn by app_icon.py). Each
    file is named with its size, so none is read before it is drawn."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource(f"icons/debrief-{size}.png")
        if path.exists():
            icon.addFile(str(path), QSize(size, size))
    return icon


def apply(app: QApplication, dark: bool | None = None) -> Colors:
    """Give `app` Debrief's look, light or dark as the OS asks (or as `dark` says)."""
    colors = apply_palette(app, dark)
    app.setStyleSheet(stylesheet(colors))
    return colors


def apply_palette(app: QApplication, dark: bool | None = None) -> Colors:
    """The style and palette alone: cheap before any widget exists (the stylesheet is
    applied once the window is built, in one pass over every widget)."""
    colors = DARK if (is_dark(app) if dark is None else dark) else LIGHT
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    wanted = palette(colors)
    if app.palette() != wanted:  # set at start already: a second set repolishes all
        app.setPalette(wanted)
    return colors


def follow_the_os(app: QApplication) -> None:
    """Switch between light and dark when the OS does."""
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply(app))
