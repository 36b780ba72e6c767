"""The Windows ``.ico`` and the macOS ``.icns``, drawn from the app's SVG.

Qt's own SVG renderer (QtSvg, already a dependency) draws the icon at each size the formats
want, so small sizes are rendered for their pixel grid rather than shrunk from a large bitmap,
and Pillow writes the two files. Same inputs, same bytes: nothing is taken from the build
machine but Qt's rasteriser. Run by ``make icons`` and, when the files are missing or older
than the SVG, by the PyInstaller spec itself.

Usage: ``python packaging/make_icons.py [--svg FILE] [--out DIR]``
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "packaging" / "linux" / "uk.gov.local.SliDesktop.svg"
OUT = ROOT / "build" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # Explorer picks by DPI; 256 is stored as PNG
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)  # 1x and 2x of 16 to 512


def render(svg: Path, sizes: tuple[int, ...]) -> dict[int, bytes]:
    """PNG bytes of ``svg`` drawn at each size, transparent around the shape."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not an SVG Qt can draw")
    drawn: dict[int, bytes] = {}
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes; PySide6 a str
        buffer.close()
        drawn[size] = bytes(data.data())
    return drawn


def make(svg: Path = SVG, out: Path = OUT) -> tuple[Path, Path]:
    from PIL import Image

    drawn = render(svg, tuple(sorted(set(ICO_SIZES) | set(ICNS_SIZES))))
    images = {size: Image.open(io.BytesIO(png)).convert("RGBA") for size, png in drawn.items()}
    out.mkdir(parents=True, exist_ok=True)
    ico, icns = out / "sli-desktop.ico", out / "sli-desktop.icns"
    largest_ico = images[max(ICO_SIZES)]
    largest_ico.save(
        ico,
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)],
    )
    images[max(ICNS_SIZES)].save(
        icns,
        format="ICNS",
        append_images=[images[s] for s in ICNS_SIZES if s != max(ICNS_SIZES)],
    )
    return ico, icns


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw the .ico and .icns from the SVG.")
    parser.add_argument("--svg", type=Path, default=SVG)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    for path in make(args.svg, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
