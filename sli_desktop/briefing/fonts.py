"""The briefing typeface, embedded in every PDF.

Open Sans, from the ``ttf-opensans`` wheel (Apache License 2.0), because it covers Welsh and
other Latin names (ŵ, ŷ, ô…) that reportlab's own Helvetica cannot embed and its bundled Vera
lacks, and because a wheel dependency is there on every machine the app is installed on.
"""

from __future__ import annotations

import threading
from importlib import resources

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY = "OpenSans"
REGULAR = "OpenSans"
BOLD = "OpenSans-Bold"
ITALIC = "OpenSans-Italic"
BOLD_ITALIC = "OpenSans-BoldItalic"
SEMIBOLD = "OpenSans-SemiBold"

_FILES = {
    REGULAR: "OpenSans-Regular.ttf",
    BOLD: "OpenSans-Bold.ttf",
    ITALIC: "OpenSans-Italic.ttf",
    BOLD_ITALIC: "OpenSans-BoldItalic.ttf",
    SEMIBOLD: "OpenSans-SemiBold.ttf",
}
_lock = threading.Lock()
_registered = False


def register() -> None:
    """Register the family with reportlab once per process (safe from a worker thread)."""
    global _registered
    with _lock:
        if _registered:
            return
        folder = resources.files("ttf_opensans") / "ttf"
        for name, file in _FILES.items():
            with resources.as_file(folder / file) as path:
                pdfmetrics.registerFont(TTFont(name, str(path)))
        addMapping(FAMILY, 0, 0, REGULAR)
        addMapping(FAMILY, 1, 0, BOLD)
        addMapping(FAMILY, 0, 1, ITALIC)
        addMapping(FAMILY, 1, 1, BOLD_ITALIC)
        _registered = True
