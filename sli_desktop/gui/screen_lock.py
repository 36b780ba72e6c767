"""Locks the app when the desktop session locks, where Qt can tell: the freedesktop and GNOME
screensaver interfaces announce ``ActiveChanged(true)`` on the session D-Bus (GNOME, KDE,
Cinnamon, MATE, Xfce's light-locker). Elsewhere nothing connects and the idle timer remains."""

from __future__ import annotations

from PySide6.QtCore import SLOT, QObject, Signal, Slot
from PySide6.QtDBus import QDBusConnection

_SOURCES = (
    ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
)


class ScreenLockWatcher(QObject):
    locked = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.connected = 0
        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            return
        for path, interface in _SOURCES:
            # Any sender: the screensaver's well-known name differs between desktops.
            # The stubs want bytes for the slot; PySide6 itself takes SLOT()'s str.
            slot = SLOT("active_changed(bool)")
            if bus.connect("", path, interface, "ActiveChanged", self, slot):  # type: ignore[call-overload]
                self.connected += 1

    @Slot(bool)
    def active_changed(self, active: bool) -> None:
        if active:
            self.locked.emit()
