"""A task's progress dialog goes with the task: it is a child of the widget the task runs for
(modal over it), and each finished, failed or cancelled task used to leave a hidden one there,
one more after every sync, import and index merge for as long as the window was open."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressDialog, QWidget

from sli_desktop.gui.tasks import Progress, Task


def _run(qtbot, parent: QWidget, fn, *, quiet: bool = False) -> list[str]:
    ended: list[str] = []
    task: Task[object] = Task(parent, "Working…", fn, quiet=quiet)
    task.success(lambda _r: ended.append("done")).failure(lambda _e: ended.append("failed"))
    task.on_cancel(lambda: ended.append("cancelled"))
    task.run()
    qtbot.waitUntil(lambda: bool(ended), timeout=10_000)
    return ended


def _fails(_progress: Progress) -> object:
    raise ValueError("no")


def _cancels(progress: Progress) -> object:
    progress.cancelled.set()
    progress.check()
    return None


def test_finished_failed_and_cancelled_tasks_leave_no_dialog_behind(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    assert _run(qtbot, parent, lambda _p: 1) == ["done"]
    assert _run(qtbot, parent, lambda _p: 2, quiet=True) == ["done"]
    assert _run(qtbot, parent, _fails) == ["failed"]
    assert _run(qtbot, parent, _cancels) == ["cancelled"]
    qtbot.waitUntil(lambda: not parent.findChildren(QProgressDialog), timeout=5_000)
