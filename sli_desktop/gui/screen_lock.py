"""Locks the app when the desktop session locks, wherever the operating system says so.

One interface, ``ScreenLock`` (a ``locked`` signal, and ``connected``: how many sources
feed it, 0 when none does and only the idle timer remains), and one implementation per
platform, chosen by ``screen_lock_watcher`` at start-up:

* Linux: the freedesktop and GNOME screensaver interfaces announce ``ActiveChanged(true)`` on
  the session D-Bus (GNOME, KDE, Cinnamon, MATE, Xfce's light-locker). Here.
* Windows: ``WM_WTSSESSION_CHANGE`` messages, asked for with
  ``WTSRegisterSessionNotification`` and read by a Qt native event filter
  (``screen_lock_windows.py``).
* macOS: the ``com.apple.screenIsLocked`` distributed notification
  (``screen_lock_macos.py``).
"""

from __future__ import annotations

from PySide6.QtCore import SLOT, QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from ..platform import kind

_SOURCES = (
    ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
)

#: The platform to watch as (``sys.platform`` when None); tests name another, with fakes.
PLATFORM: str | None = None


class ScreenLock(QObject):
    """Emits ``locked`` when the session locks. ``connected`` counts the sources listened to."""

    locked = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.connected = 0


class DBusScreenLock(ScreenLock):
    """Linux and other freedesktop systems: the screensaver's ``ActiveChanged`` signal."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Imported here: Qt's D-Bus module is Linux's business, not a Windows or Mac build's.
        from PySide6.QtDBus import QDBusConnection

        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            return
        for path, interface in _SOURCES:
            # Any sender: the screensaver's well-known name differs between desktops.
            slot = SLOT("active_changed(bool)")
            # The stubs want bytes for the slot; PySide6 itself takes SLOT()'s str.
            if bus.connect("", path, interface, "ActiveChanged", self, slot):  # type: ignore[call-overload]
                self.connected += 1

    @Slot(bool)
    def active_changed(self, active: bool) -> None:
        if active:
            self.locked.emit()


def screen_lock_watcher(window: QWidget) -> ScreenLock:
    """The watcher for this platform, for the main ``window`` (Windows addresses it)."""
    family = kind(PLATFORM)
    if family == "windows":
        from .screen_lock_windows import WindowsScreenLock

        return WindowsScreenLock(window)
    if family == "macos":
        from .screen_lock_macos import MacScreenLock

        return MacScreenLock(window)
    return DBusScreenLock(window)


#: The name the main window knows the watcher by: it gets this platform's.
ScreenLockWatcher = screen_lock_watcher
