"""Windows: lock when the session locks, or is disconnected (user switching, Remote Desktop).

``WTSRegisterSessionNotification`` asks Windows to send the main window
``WM_WTSSESSION_CHANGE`` messages; a Qt native event filter sees every message the
application receives, before Qt translates it, and reads those. wtsapi32 is loaded with ctypes
on first use, so this module imports anywhere (and tests run it on Linux with a fake DLL and
hand-made MSG structures).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractNativeEventFilter, QByteArray, QCoreApplication
from PySide6.QtWidgets import QWidget

from ..platform.crash_dumps import windll
from .screen_lock import ScreenLock

WM_WTSSESSION_CHANGE = 0x02B1
WTS_CONSOLE_DISCONNECT = 0x2
WTS_REMOTE_DISCONNECT = 0x4
WTS_SESSION_LOCK = 0x7
LOCKING_EVENTS = frozenset({WTS_SESSION_LOCK, WTS_CONSOLE_DISCONNECT, WTS_REMOTE_DISCONNECT})
NOTIFY_FOR_THIS_SESSION = 0
EVENT_TYPES = (b"windows_generic_MSG", b"windows_dispatcher_MSG")


class POINT(ctypes.Structure):
    _fields_ = (("x", ctypes.c_int32), ("y", ctypes.c_int32))


class MSG(ctypes.Structure):
    """winuser.h's MSG, as Qt hands it to native event filters."""

    _fields_ = (
        ("hwnd", ctypes.c_void_p),
        ("message", ctypes.c_uint32),
        ("wParam", ctypes.c_size_t),  # WPARAM: UINT_PTR
        ("lParam", ctypes.c_ssize_t),  # LPARAM: LONG_PTR
        ("time", ctypes.c_uint32),
        ("pt", POINT),
    )


def load_wtsapi32() -> Any:
    api = windll("wtsapi32")
    for name in ("WTSRegisterSessionNotification", "WTSUnRegisterSessionNotification"):
        getattr(api, name).restype = ctypes.c_int  # BOOL
    api.WTSRegisterSessionNotification.argtypes = (ctypes.c_void_p, ctypes.c_uint32)
    api.WTSUnRegisterSessionNotification.argtypes = (ctypes.c_void_p,)
    return api


class SessionEvents(QAbstractNativeEventFilter):
    """Calls ``on_lock`` for a session-change message that means someone else may be here."""

    def __init__(self, on_lock: Callable[[], None]) -> None:
        super().__init__()
        self._on_lock = on_lock

    def nativeEventFilter(
        self, event_type: QByteArray | bytes | bytearray | memoryview, message: int
    ) -> tuple[bool, int]:
        kind = event_type.data() if isinstance(event_type, QByteArray) else bytes(event_type)
        # Qt hands a shiboken VoidPtr: int() is its address (it has no length or truth value).
        address = int(message)
        if kind in EVENT_TYPES and address:
            msg = MSG.from_address(address)
            if msg.message == WM_WTSSESSION_CHANGE and msg.wParam in LOCKING_EVENTS:
                self._on_lock()
        return False, 0  # never swallow the message: Qt and Windows still see it


def _stop(app: QCoreApplication, events: SessionEvents, api: Any, hwnd: int) -> None:
    app.removeNativeEventFilter(events)
    with contextlib.suppress(OSError):
        api.WTSUnRegisterSessionNotification(ctypes.c_void_p(hwnd))


class WindowsScreenLock(ScreenLock):
    def __init__(self, window: QWidget, wtsapi32: Any = None) -> None:
        super().__init__(window)
        app = QCoreApplication.instance()
        if app is None:
            return
        try:
            api = wtsapi32 if wtsapi32 is not None else load_wtsapi32()
        except (OSError, AttributeError):
            return  # no Terminal Services API: the idle timer remains
        self.events = SessionEvents(self.locked.emit)
        hwnd = int(window.winId())
        if not api.WTSRegisterSessionNotification(ctypes.c_void_p(hwnd), NOTIFY_FOR_THIS_SESSION):
            return
        app.installNativeEventFilter(self.events)
        self.connected = 1
        # Windows wants the registration undone before the window goes; the filter must not
        # outlive this watcher either.
        window.destroyed.connect(functools.partial(_stop, app, self.events, api, hwnd))
