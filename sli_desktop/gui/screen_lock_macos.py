"""macOS: lock when the screen locks, told by the ``com.apple.screenIsLocked`` distributed
notification.

Observed through CoreFoundation's C API (``CFNotificationCenterAddObserver`` on the
distributed centre) with ctypes, so no Objective-C bridge is needed. The callback runs on the
main run loop, which Qt's Cocoa event loop drives. "Deliver immediately": by default macOS
holds distributed notifications back while the app is in the background, which is exactly
when the screen locks.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
from typing import Any

from PySide6.QtWidgets import QWidget

from .screen_lock import ScreenLock

SCREEN_LOCKED = b"com.apple.screenIsLocked"
COREFOUNDATION = "/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation"
kCFStringEncodingUTF8 = 0x08000100  # noqa: N816 - Apple's name
CFNotificationSuspensionBehaviorDeliverImmediately = 4  # Apple's name

# void (*CFNotificationCallback)(center, observer, name, object, userInfo)
CALLBACK = ctypes.CFUNCTYPE(
    None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p
)


def load_corefoundation() -> Any:
    cf = ctypes.CDLL(COREFOUNDATION)
    cf.CFNotificationCenterGetDistributedCenter.restype = ctypes.c_void_p
    cf.CFNotificationCenterGetDistributedCenter.argtypes = ()
    cf.CFStringCreateWithCString.restype = ctypes.c_void_p
    cf.CFStringCreateWithCString.argtypes = (ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint32)
    cf.CFNotificationCenterAddObserver.restype = None
    cf.CFNotificationCenterAddObserver.argtypes = (
        ctypes.c_void_p, ctypes.c_void_p, CALLBACK, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_long
    )  # fmt: skip
    cf.CFNotificationCenterRemoveObserver.restype = None
    cf.CFNotificationCenterRemoveObserver.argtypes = (
        ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p
    )  # fmt: skip
    return cf


def _stop(cf: Any, center: int, observer: int, name: int) -> None:
    with contextlib.suppress(OSError):
        cf.CFNotificationCenterRemoveObserver(center, observer, name, None)


class MacScreenLock(ScreenLock):
    def __init__(self, window: QWidget, corefoundation: Any = None) -> None:
        super().__init__(window)
        try:
            cf = corefoundation if corefoundation is not None else load_corefoundation()
        except (OSError, AttributeError):
            return
        center = cf.CFNotificationCenterGetDistributedCenter()
        name = cf.CFStringCreateWithCString(None, SCREEN_LOCKED, kCFStringEncodingUTF8)
        if not center or not name:
            return
        # Kept on self: ctypes frees a callback's trampoline once nothing references it.
        self.callback = CALLBACK(self._notified)
        observer = id(self)  # any unique pointer-sized value identifies the observer
        cf.CFNotificationCenterAddObserver(
            center,
            observer,
            self.callback,
            name,
            None,
            CFNotificationSuspensionBehaviorDeliverImmediately,
        )
        self.connected = 1
        window.destroyed.connect(functools.partial(_stop, cf, center, observer, name))

    def _notified(self, center: Any, observer: Any, name: Any, obj: Any, info: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the watcher already gone at quit
            self.locked.emit()
