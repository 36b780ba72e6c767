"""Issue #27: the app locks when a Windows or macOS session locks, checked here against fakes
of the calls each makes: wtsapi32 and hand-made ``WM_WTSSESSION_CHANGE`` messages fed
through Qt's native event filters; CoreFoundation's distributed notification centre, whose
callback is called through ctypes as macOS would. (Linux, for real: test_screen_lock.py.)"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QAbstractNativeEventFilter, QByteArray, QCoreApplication
from PySide6.QtWidgets import QWidget
from shiboken6 import VoidPtr

from sli_desktop.gui import screen_lock, screen_lock_macos, screen_lock_windows
from sli_desktop.gui.screen_lock_macos import MacScreenLock
from sli_desktop.gui.screen_lock_windows import (
    MSG,
    WM_WTSSESSION_CHANGE,
    WTS_SESSION_LOCK,
    WindowsScreenLock,
)
from tests.gui.conftest import unlock_window

WTS_SESSION_UNLOCK = 0x8
WTS_CONSOLE_DISCONNECT = 0x2
WM_ACTIVATE = 0x0006


class FakeWtsApi32:
    def __init__(self, accept: bool = True) -> None:
        self.accept = accept
        self.registered: list[tuple[int, int]] = []
        self.unregistered: list[int] = []

    def WTSRegisterSessionNotification(self, hwnd: ctypes.c_void_p, flags: int) -> int:
        self.registered.append((int(hwnd.value or 0), flags))
        return 1 if self.accept else 0

    def WTSUnRegisterSessionNotification(self, hwnd: ctypes.c_void_p) -> int:
        self.unregistered.append(int(hwnd.value or 0))
        return 1


#: The native event filters installed on the application, in order. Qt's own list cannot be
#: read, and PySide6's QAbstractEventDispatcher.filterNativeEvent cannot be called (its
#: binding wants an argument its signature does not take), so the installs are followed here.
INSTALLED: list[QAbstractNativeEventFilter] = []


@pytest.fixture(autouse=True)
def follow_native_filters(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    install = QCoreApplication.installNativeEventFilter
    remove = QCoreApplication.removeNativeEventFilter

    def installing(app: QCoreApplication, events: QAbstractNativeEventFilter) -> None:
        install(app, events)
        INSTALLED.append(events)

    def removing(app: QCoreApplication, events: QAbstractNativeEventFilter) -> None:
        remove(app, events)
        if events in INSTALLED:  # a window from an earlier test may go during this one
            INSTALLED.remove(events)

    monkeypatch.setattr(QCoreApplication, "installNativeEventFilter", installing)
    monkeypatch.setattr(QCoreApplication, "removeNativeEventFilter", removing)
    yield
    INSTALLED.clear()


def windows_message(hwnd: int, message: int, wparam: int) -> bool:
    """Hand a MSG to every native event filter installed, the way Qt's Windows event loop
    does (the message as a void pointer); True if one of them swallowed it."""
    msg = MSG(hwnd=hwnd, message=message, wParam=wparam, lParam=1)
    pointer = VoidPtr(ctypes.addressof(msg))
    for events in list(INSTALLED):
        swallowed, _result = events.nativeEventFilter(QByteArray(b"windows_generic_MSG"), pointer)
        if swallowed:
            return True
    return False


def test_windows_registers_the_window_and_locks_on_a_session_lock(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    api = FakeWtsApi32()
    watcher = WindowsScreenLock(window, wtsapi32=api)
    hwnd = int(window.winId())
    assert api.registered == [(hwnd, 0)]  # NOTIFY_FOR_THIS_SESSION
    assert watcher.connected == 1
    fired: list[bool] = []
    watcher.locked.connect(lambda: fired.append(True))

    assert not windows_message(hwnd, WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK)
    assert not windows_message(hwnd, WM_ACTIVATE, WTS_SESSION_LOCK)  # same number, other message
    assert fired == []
    assert not windows_message(hwnd, WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)  # never swallowed
    assert fired == [True]
    windows_message(hwnd, WM_WTSSESSION_CHANGE, WTS_CONSOLE_DISCONNECT)  # switch user
    assert fired == [True, True]


def test_windows_undoes_the_registration_when_the_window_goes(qtbot) -> None:
    window = QWidget()
    api = FakeWtsApi32()
    watcher = WindowsScreenLock(window, wtsapi32=api)
    fired: list[bool] = []
    watcher.locked.connect(lambda: fired.append(True))
    hwnd = int(window.winId())
    window.deleteLater()
    qtbot.waitUntil(lambda: api.unregistered == [hwnd])
    windows_message(hwnd, WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)  # the filter is gone too
    assert fired == []


def test_windows_without_notifications_leaves_the_idle_timer(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    watcher = WindowsScreenLock(window, wtsapi32=FakeWtsApi32(accept=False))
    assert watcher.connected == 0
    fired: list[bool] = []
    watcher.locked.connect(lambda: fired.append(True))
    windows_message(int(window.winId()), WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    assert fired == []


class FakeCoreFoundation:
    """CFNotificationCenter's distributed centre: keeps the observer it is given and lets the
    test post a notification to it, calling the C callback through ctypes."""

    CENTER = 0x7E57
    NAME = 0x4A3E

    def __init__(self) -> None:
        self.names: list[tuple[bytes, int]] = []
        self.observers: list[tuple[int, int, Any, int, Any, int]] = []
        self.removed: list[tuple[int, int, int]] = []

    def CFNotificationCenterGetDistributedCenter(self) -> int:
        return self.CENTER

    def CFStringCreateWithCString(self, allocator: Any, text: bytes, encoding: int) -> int:
        self.names.append((text, encoding))
        return self.NAME

    def CFNotificationCenterAddObserver(
        self, center: int, observer: int, callback: Any, name: int, obj: Any, behaviour: int
    ) -> None:
        self.observers.append((center, observer, callback, name, obj, behaviour))

    def CFNotificationCenterRemoveObserver(
        self, center: int, observer: int, name: int, obj: Any
    ) -> None:
        self.removed.append((center, observer, name))

    def post(self) -> None:
        for center, observer, callback, name, _obj, _behaviour in self.observers:
            # Through a C function pointer, as CoreFoundation calls it.
            pointer = ctypes.cast(callback, ctypes.c_void_p).value
            as_c = screen_lock_macos.CALLBACK(pointer)
            as_c(center, observer, name, None, None)


def test_macos_observes_screen_is_locked_and_locks(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    cf = FakeCoreFoundation()
    watcher = MacScreenLock(window, corefoundation=cf)
    assert cf.names == [(b"com.apple.screenIsLocked", 0x08000100)]
    ((center, _observer, _callback, name, obj, behaviour),) = cf.observers
    assert (center, name, obj) == (cf.CENTER, cf.NAME, None)
    assert behaviour == 4  # deliver immediately, even while the app is in the background
    assert watcher.connected == 1
    with qtbot.waitSignal(watcher.locked, timeout=2000):
        cf.post()


def test_macos_stops_observing_when_the_window_goes(qtbot) -> None:
    window = QWidget()
    cf = FakeCoreFoundation()
    MacScreenLock(window, corefoundation=cf)
    observer = cf.observers[0][1]
    window.deleteLater()
    qtbot.waitUntil(lambda: cf.removed == [(cf.CENTER, observer, cf.NAME)])


def test_each_platform_gets_its_own_watcher(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    monkeypatch.setattr(screen_lock_windows, "load_wtsapi32", FakeWtsApi32)
    monkeypatch.setattr(screen_lock_macos, "load_corefoundation", FakeCoreFoundation)
    for platform, expected in (
        ("win32", WindowsScreenLock),
        ("darwin", MacScreenLock),
        ("linux", screen_lock.DBusScreenLock),
    ):
        monkeypatch.setattr(screen_lock, "PLATFORM", platform)
        assert type(screen_lock.screen_lock_watcher(window)) is expected


def _unlocked_shell(qtbot, make_shell, councils_vault, vault_path):
    councils_vault.close()
    shell = make_shell(vault_path)
    unlock_window(qtbot, shell)
    return shell


def test_a_windows_session_lock_locks_the_vault(
    qtbot, make_shell, councils_vault, vault_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = FakeWtsApi32()
    monkeypatch.setattr(screen_lock, "PLATFORM", "win32")
    monkeypatch.setattr(screen_lock_windows, "load_wtsapi32", lambda: api)
    shell = _unlocked_shell(qtbot, make_shell, councils_vault, vault_path)
    assert isinstance(shell.screen_lock, WindowsScreenLock)
    assert api.registered == [(int(shell.winId()), 0)]
    vault = shell.session.vault
    with qtbot.waitSignal(shell.session.locked, timeout=5000):
        windows_message(int(shell.winId()), WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    assert not vault.is_open and shell.workspace is None


def test_a_macos_screen_lock_locks_the_vault(
    qtbot, make_shell, councils_vault, vault_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cf = FakeCoreFoundation()
    monkeypatch.setattr(screen_lock, "PLATFORM", "darwin")
    monkeypatch.setattr(screen_lock_macos, "load_corefoundation", lambda: cf)
    shell = _unlocked_shell(qtbot, make_shell, councils_vault, vault_path)
    assert isinstance(shell.screen_lock, MacScreenLock)
    vault = shell.session.vault
    with qtbot.waitSignal(shell.session.locked, timeout=5000):
        cf.post()
    assert not vault.is_open and shell.workspace is None


# -- the real operating system, where the tests run on it (the Windows and macOS CI jobs) -----


@pytest.mark.skipif(sys.platform != "win32", reason="Windows' own wtsapi32")
def test_windows_registers_with_the_real_terminal_services(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    watcher = WindowsScreenLock(window)
    assert watcher.connected == 1  # WTSRegisterSessionNotification accepted the window


@pytest.mark.skipif(sys.platform != "darwin", reason="macOS' own CoreFoundation")
def test_macos_hears_the_real_screen_is_locked_notification(qtbot) -> None:
    if not os.environ.get("CI"):
        pytest.skip("posts com.apple.screenIsLocked to every app: only on a CI runner")
    window = QWidget()
    qtbot.addWidget(window)
    watcher = MacScreenLock(window)
    assert watcher.connected == 1
    cf = screen_lock_macos.load_corefoundation()
    cf.CFNotificationCenterPostNotification.argtypes = (
        ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_bool
    )  # fmt: skip
    # Qt's offscreen platform does not run the Core Foundation run loop (the Cocoa one, which
    # the app uses, does): run it here, as Cocoa would, until the notification arrives.
    cf.CFRunLoopRunInMode.argtypes = (ctypes.c_void_p, ctypes.c_double, ctypes.c_bool)
    cf.CFRunLoopRunInMode.restype = ctypes.c_int32
    default_mode = ctypes.c_void_p.in_dll(cf, "kCFRunLoopDefaultMode")
    center = cf.CFNotificationCenterGetDistributedCenter()
    name = cf.CFStringCreateWithCString(None, screen_lock_macos.SCREEN_LOCKED, 0x08000100)
    fired: list[bool] = []
    watcher.locked.connect(lambda: fired.append(True))
    cf.CFNotificationCenterPostNotification(center, name, None, None, True)
    for _ in range(100):
        cf.CFRunLoopRunInMode(default_mode, 0.1, True)
        if fired:
            break
    assert fired == [True]
