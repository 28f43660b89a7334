"""Render resources/icons/ikodesk.svg to the PNG, ICO and ICNS files the installers use.

QT_QPA_PLATFORM=offscreen .venv/bin/python installer/make_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(ICONS / "ikodesk.svg")).render(painter)
    painter.end()
    return image


def main() -> int:
    QGuiApplication(sys.argv[:1])
    for size in (16, 32, 48, 64, 128, 256, 512):
        render(size).save(str(ICONS / f"ikodesk-{size}.png"))
    formats = {bytes(f).decode() for f in QImageWriter.supportedImageFormats()}
    for ext in ("ico", "icns"):
        if ext in formats:
            render(256).save(str(ICONS / f"ikodesk.{ext}"), ext)
        else:
            print(f"Qt cannot write .{ext} here; skipped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
