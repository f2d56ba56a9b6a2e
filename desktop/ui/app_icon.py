"""The app icon, drawn: a speech bubble with a tick on a blue tile ("the rep says why,
and it counts"). `python -m desktop.ui.app_icon resources/icons` writes it at every size
the OSes ask for: PNGs (window icons, Linux), debrief.ico (Windows), debrief.icns (macOS).
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
)

from desktop.ui.look import DARK, ICON_SIZES, LIGHT

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# macOS's icon types that hold a PNG, by edge in pixels.
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
              (b"ic09", 512), (b"ic10", 1024))


def draw(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 100, size / 100)
    tile = QRectF(4, 4, 92, 92)
    gradient = QLinearGradient(tile.topLeft(), tile.bottomRight())
    gradient.setColorAt(0, QColor("#2f86eb"))
    gradient.setColorAt(1, QColor("#0a4fa3"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(gradient)
    painter.drawRoundedRect(tile, 22, 22)
    bubble = QPainterPath()
    bubble.addRoundedRect(QRectF(18, 20, 64, 46), 14, 14)
    tail = QPainterPath()
    tail.moveTo(30, 60)
    tail.lineTo(26, 80)
    tail.lineTo(46, 64)
    tail.closeSubpath()
    painter.setBrush(QColor("#ffffff"))
    painter.drawPath(bubble.united(tail))
    pen = QPen(QColor("#1a7f37"), 9 if size >= 32 else 12)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPolyline([QPointF(36, 43), QPointF(46, 53), QPointF(65, 33)])
    painter.end()
    return image


def down_arrow(color: str, scale: int = 2) -> QImage:
    """The combo boxes' arrow (QSS cannot draw one): a chevron 10 x 6 points."""
    image = QImage(12 * scale, 8 * scale, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    image.setDevicePixelRatio(scale)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(color), 1.6)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.drawPolyline([QPointF(1.5, 2), QPointF(6, 6), QPointF(10.5, 2)])
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """A Windows .ico holding one PNG per size (Vista and later read PNG entries)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        edge = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", edge, edge, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns(images: dict[bytes, bytes]) -> bytes:
    """A macOS .icns: 'icns', its length, then each (type, length, PNG) element."""
    body = b"".join(kind + struct.pack(">I", 8 + len(png)) + png for kind, png in images.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    sizes = sorted(set(ICON_SIZES) | set(ICO_SIZES) | {edge for _, edge in ICNS_TYPES})
    pngs = {size: png_bytes(draw(size)) for size in sizes}
    written = []
    for size in ICON_SIZES:
        path = folder / f"debrief-{size}.png"
        path.write_bytes(pngs[size])
        written.append(path)
    for name, colors in (("light", LIGHT), ("dark", DARK)):
        path = folder / f"down-arrow-{name}.png"
        path.write_bytes(png_bytes(down_arrow(colors.muted)))
        written.append(path)
    (folder / "debrief.ico").write_bytes(ico({size: pngs[size] for size in ICO_SIZES}))
    (folder / "debrief.icns").write_bytes(icns({kind: pngs[edge] for kind, edge in ICNS_TYPES}))
    return [*written, folder / "debrief.ico", folder / "debrief.icns"]


def main(argv: list[str]) -> int:
    app = QGuiApplication.instance() or QGuiApplication(argv[:1])  # noqa: F841 (QImage needs it)
    for path in write_all(Path(argv[1] if len(argv) > 1 else "resources/icons")):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
