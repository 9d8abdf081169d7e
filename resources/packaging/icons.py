"""The app icon for desktop menus: resources/icons/ctadesk.svg rendered with Qt's QSvgRenderer
(off screen) to the PNG sizes of the freedesktop hicolor theme, plus the SVG as the scalable
one: ``<hicolor>/<N>x<N>/apps/ctadesk.png`` and ``<hicolor>/scalable/apps/ctadesk.svg``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
ICON_NAME = "ctadesk"


def render_icons(svg: Path, hicolor: Path, sizes: tuple[int, ...] = ICON_SIZES) -> list[Path]:
    """Write one square PNG per size (transparent outside the drawing) and the scalable SVG
    under ``hicolor``; returns the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])  # fonts and painting need one
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not an SVG Qt can render")
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        out = hicolor / f"{size}x{size}" / "apps" / f"{ICON_NAME}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(out), "PNG"):
            raise OSError(f"could not write {out}")
        written.append(out)
    scalable = hicolor / "scalable" / "apps" / f"{ICON_NAME}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    return [*written, scalable]
