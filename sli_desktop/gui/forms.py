"""Designer forms, loaded at run time from the packaged ui/ folder.

Loaded rather than compiled with pyside6-uic: the .ui file stays the only source (no generated
code to keep in step), ui/ travels inside the wheel anyway, and each form loads in milliseconds.
Views compose a form (``self.ui = Form("unlock.ui", self)``) and reach its widgets by name.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QVBoxLayout, QWidget


class Form:
    """A loaded .ui form placed inside ``host``; ``form.name`` finds the child named ``name``."""

    def __init__(self, filename: str, host: QWidget) -> None:
        data = resources.files("sli_desktop.ui").joinpath(filename).read_bytes()
        buffer = QBuffer()
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.widget: QWidget = QUiLoader().load(buffer, host)
        if self.widget is None:
            raise RuntimeError(f"cannot load form {filename}")
        layout = host.layout() or QVBoxLayout(host)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.widget)

    def __getattr__(self, name: str) -> Any:
        """Any: the .ui file, read at run time, decides each widget's class. A caller that
        wants mypy's help names the class it expects (``buttons: QDialogButtonBox = ...``)."""
        child = self.widget.findChild(QObject, name)
        if child is None:
            raise AttributeError(f"form has no widget {name!r}")
        return child
