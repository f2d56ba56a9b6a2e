"""Debrief's look: light and dark palettes that can be read, a stylesheet they fill
whole, the app icon at every size, and the look following the OS."""

from __future__ import annotations

import struct
from dataclasses import fields

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from desktop.paths import resource
from desktop.ui import look


def _luminance(hex_color: str) -> float:
    channels = [int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("colors", [look.LIGHT, look.DARK], ids=["light", "dark"])
def test_every_text_can_be_read_on_what_it_sits_on(colors: look.Colors):
    """WCAG AA: 4.5:1 for text, 3:1 for the large entry count and focus rings."""
    for text, ground in (("text", "base"), ("text", "window"), ("text", "panel"),
                         ("text", "alternate"), ("muted", "base"), ("muted", "window"),
                         ("accent_text", "accent"), ("problem", "base"),
                         ("attention", "window"), ("good", "window"), ("text", "banner")):
        ratio = contrast(getattr(colors, text), getattr(colors, ground))
        assert ratio >= 4.5, f"{colors.name}: {text} on {ground} is {ratio:.2f}:1"
    assert contrast(colors.focus, colors.base) >= 3
    assert contrast(colors.good, colors.alternate) >= 3  # the prize draw's big number


@pytest.mark.parametrize("colors", [look.LIGHT, look.DARK], ids=["light", "dark"])
def test_the_stylesheet_is_filled_whole(colors: look.Colors):
    sheet = look.stylesheet(colors)
    assert "@" not in sheet
    assert colors.accent in sheet and colors.problem in sheet
    arrow = resource(f"icons/down-arrow-{colors.name}.png")
    assert arrow.as_posix() in sheet and arrow.is_file()


def test_every_colour_the_sheet_names_is_in_the_palette():
    import re

    named = set(re.findall(r"@([a-z_]+)", resource("styles/debrief.qss").read_text()))
    assert named <= {f.name for f in fields(look.Colors)} | {"down_arrow"}


def test_dark_and_light_give_the_application_their_palette(qapp):
    try:
        look.apply(qapp, dark=True)
        assert qapp.palette().color(QPalette.ColorRole.Window).name() == look.DARK.window
        look.apply(qapp, dark=False)
        assert qapp.palette().color(QPalette.ColorRole.Base).name() == look.LIGHT.base
    finally:
        qapp.setStyleSheet("")
        qapp.setPalette(QApplication.style().standardPalette())


def test_the_icon_comes_at_every_size_an_os_asks_for():
    icon = look.app_icon()
    sizes = {size.width() for size in icon.availableSizes()}
    assert set(look.ICON_SIZES) <= sizes
    ico = resource("icons/debrief.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count >= 7
    edges = {ico[6 + 16 * i] or 256 for i in range(count)}
    assert {16, 32, 48, 256} <= edges
    icns = resource("icons/debrief.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert b"ic10" in icns  # 1024 pixels, for Retina


def test_the_shipped_icon_is_the_drawn_one(qapp):
    """resources/icons is what `python -m desktop.ui.app_icon` draws: redraw after a change."""
    from PySide6.QtGui import QImage

    from desktop.ui.app_icon import draw

    for size in (16, 256):
        shipped = QImage(str(resource(f"icons/debrief-{size}.png")))
        drawn = draw(size).convertToFormat(shipped.format())
        assert shipped.size() == drawn.size()
        differing = sum(shipped.pixel(x, y) != drawn.pixel(x, y)
                        for x in range(size) for y in range(0, size, 4))
        assert differing <= size * size // 40  # antialiasing may differ a little by Qt version
