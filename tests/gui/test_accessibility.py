"""WCAG 2.2 AA on the real window (issue 22, docs/ACCESSIBILITY.md).

Every view in the navigation, every tab, and every dialog a "…" button or menu item opens is
walked as a keyboard and screen-reader user would: Tab all the way round (no trap, nothing
unreachable, the dialog's buttons last), the QAccessible tree (every control named, no label
whose name hides its text), and text contrast from the palette and style sheet (4.5:1). Views
and dialogs are discovered from the shell, not listed, so new ones are checked too."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAccessible, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QTabBar,
    QTableView,
    QTabWidget,
    QWidget,
)

from sli_desktop.contrast import TEXT_MINIMUM, ratio
from sli_desktop.demo import open_or_create_demo
from sli_desktop.gui import theme
from sli_desktop.gui.a11y import visible_text
from sli_desktop.gui.session import VaultSession
from sli_desktop.gui.shell import Shell
from sli_desktop.gui.workspace import Workspace

#: Roles a person operates: each needs a name a screen reader can say.
INTERACTIVE = {
    QAccessible.Role.PushButton,
    QAccessible.Role.CheckBox,
    QAccessible.Role.RadioButton,
    QAccessible.Role.ComboBox,
    QAccessible.Role.EditableText,
    QAccessible.Role.SpinBox,
    QAccessible.Role.List,
    QAccessible.Role.Table,
    QAccessible.Role.Tree,
    QAccessible.Role.PageTabList,
    QAccessible.Role.Slider,
}


#: Tab steps through a date's day, month and year before leaving it (Qt's QDateTimeEdit).
SECTIONS = 3


@pytest.fixture
def no_blocking_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Modal questions and file pickers answer "no" at once, so clicking every button is safe."""
    no = QMessageBox.StandardButton.No
    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(lambda *_a, **_k: no))
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda *_a, **_k: None))
    for name in ("getOpenFileName", "getSaveFileName"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(lambda *_a, **_k: ("", "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *_a, **_k: ""))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a, **_k: ("", False)))


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo vault made once; each test opens its own copy."""
    folder = tmp_path_factory.mktemp("demo")
    open_or_create_demo(folder / "demo.sli").close()
    return folder


@pytest.fixture
def demo_shell(qtbot, tmp_path: Path, demo_files: Path, no_blocking_boxes: None) -> Iterator[Shell]:
    for file in demo_files.iterdir():
        shutil.copy2(file, tmp_path / file.name)
    path = tmp_path / "demo.sli"
    session = VaultSession(path, lambda: None, opener=lambda: open_or_create_demo(path))
    shell = Shell(session, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(shell)
    shell.resize(1280, 800)
    shell.show()
    _activate(qtbot, shell)
    shell.start()
    assert shell.workspace is not None
    yield shell
    shell.session.lock()


# -- what a walk finds -----------------------------------------------------------------------------
def _activate(qtbot, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)


def _shown(window: QWidget) -> list[QWidget]:
    return [w for w in window.findChildren(QWidget) if w.isVisible() and w.window() is window]


def _arrowed(widget: QWidget) -> bool:
    """An unchecked button of an exclusive group: one Tab stop (the checked one), arrows
    between them, as for radio buttons."""
    if not isinstance(widget, QAbstractButton) or widget.isChecked():
        return False
    group = widget.group()
    return widget.autoExclusive() or (group is not None and group.exclusive())


def _tab_stops(window: QWidget) -> set[QWidget]:
    """Widgets Qt's focus chain should reach: visible, enabled, taking Tab focus."""
    stops = set()
    for widget in _shown(window):
        target = widget.focusProxy() or widget
        if _arrowed(target):
            continue
        if target.isEnabled() and target.focusPolicy() & Qt.FocusPolicy.TabFocus:
            stops.add(target)
    return stops


def _describe(widget: QWidget | None) -> str:
    if widget is None:
        return "nothing"
    iface = QAccessible.queryAccessibleInterface(widget)
    name = iface.text(QAccessible.Text.Name) if iface is not None else ""
    return f"{type(widget).__name__} {widget.objectName()!r} named {name!r}"


def tab_round(qtbot, window: QWidget, where: str) -> list[QWidget]:
    """Press Tab until focus comes back where it started; fail on a trap or a gap."""
    stops = _tab_stops(window)
    if not stops:
        return []
    start = QApplication.focusWidget()
    if start is None or start.window() is not window:
        window.focusNextChild()
        start = QApplication.focusWidget()
    assert start is not None, f"{where}: nothing takes focus"
    order: list[QWidget] = [start]
    held = 0  # Tabs in a row that kept focus where it was (a date steps through its parts)
    for _ in range(len(stops) * 4 + 5):
        before = QApplication.focusWidget()
        qtbot.keyClick(before, Qt.Key.Key_Tab)
        after = QApplication.focusWidget()
        held = held + 1 if after is before else 0
        assert held <= SECTIONS or len(stops) == 1, (
            f"{where}: Tab is trapped in {_describe(before)}"
        )
        if after is start:
            break
        assert after is not None and after.window() is window, (
            f"{where}: Tab left the window from {_describe(before)}"
        )
        if after is not before:
            order.append(after)
    else:
        pytest.fail(f"{where}: Tab never came back to {_describe(start)}: a trap")
    missing = [w for w in stops if w not in order]
    assert not missing, f"{where}: Tab never reaches " + "; ".join(map(_describe, missing))
    return order


def check_names(window: QWidget, where: str) -> None:
    """Every control has a name; no label's name hides what it shows."""
    for widget in _shown(window):
        if widget.focusProxy() is not None:
            continue
        iface = QAccessible.queryAccessibleInterface(widget)
        if iface is None:
            continue
        name = iface.text(QAccessible.Text.Name).strip()
        if iface.role() in INTERACTIVE and widget.isEnabled():
            assert name, f"{where}: {_describe(widget)} has no accessible name"
        if isinstance(widget, QLabel):
            shown = visible_text(widget.text())
            if shown and widget.accessibleName():
                assert shown in visible_text(widget.accessibleName()), (
                    f"{where}: the label showing {shown!r} is named "
                    f"{widget.accessibleName()!r}, which a screen reader reads instead"
                )


INLINE_COLOUR = re.compile(r"color:\s*(#[0-9a-fA-F]{3,6})")


def check_contrast(window: QWidget, where: str) -> None:
    """Text at 4.5:1 or more: labels and controls from their palette (which carries the style
    sheet's colours), inline colours in rich text, and table cells' own colours."""
    failures = []
    for widget in _shown(window):
        palette = widget.palette()
        ground = palette.color(widget.backgroundRole()).name()
        if isinstance(widget, QLabel | QAbstractButton) and visible_text(
            widget.text() if hasattr(widget, "text") else ""
        ):
            ink = theme.solid(
                palette.color(widget.foregroundRole()), palette.color(widget.backgroundRole())
            )
            if widget.isEnabled() and ratio(ink, ground) < TEXT_MINIMUM:
                failures.append(f"{_describe(widget)}: {ink} on {ground}")
            if isinstance(widget, QLabel):
                for colour in INLINE_COLOUR.findall(widget.text()):
                    if ratio(colour, ground) < TEXT_MINIMUM:
                        failures.append(f"{_describe(widget)}: inline {colour} on {ground}")
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            grounds = [palette.color(QPalette.ColorRole.Base).name()]
            if widget.alternatingRowColors():
                grounds.append(palette.color(QPalette.ColorRole.AlternateBase).name())
            columns = model.columnCount() if isinstance(widget, QTableView) else 1
            for row in range(min(model.rowCount(), 200)):
                for column in range(columns):
                    brush = model.index(row, column).data(Qt.ItemDataRole.ForegroundRole)
                    if brush is None:
                        continue
                    colour = brush.color().name()
                    failures += [
                        f"{_describe(widget)} row {row}: {colour} on {g}"
                        for g in grounds
                        if ratio(colour, g) < TEXT_MINIMUM
                    ]
    assert not failures, f"{where}: text under {TEXT_MINIMUM}:1: " + "; ".join(failures[:8])


def mnemonic(text: str) -> str | None:
    """The Alt+letter in a text ("&Notes" -> "n"), if it has one."""
    found = re.search(r"(?<!&)&([^&\s])", text.replace("&&", ""))
    return found.group(1).lower() if found else None


def check_mnemonics(window: QWidget, where: str) -> None:
    """Each Alt+letter does one thing among what is on screen: the controls shown, and in the
    main window its menus (Alt+N opens the Notes menu, never a button)."""
    owners: dict[str, list[str]] = {}
    menus: set[str] = set()
    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            key = mnemonic(action.text())
            if key and action.isVisible():
                menus.add(key)
                owners.setdefault(key, []).append(visible_text(action.text()))
    texts: list[str] = []
    for widget in _shown(window):
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            texts.append(widget.text())
        elif isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count()) if widget.isTabVisible(i)]
    for text in texts:
        key = mnemonic(text)
        if key:
            owners.setdefault(key, []).append(visible_text(text))
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert not clashes, f"{where}: Alt+letter used twice: {clashes}"


def check_window(qtbot, window: QWidget, where: str) -> list[QWidget]:
    check_mnemonics(window, where)
    check_names(window, where)
    check_contrast(window, where)
    return tab_round(qtbot, window, where)


# -- views and tabs --------------------------------------------------------------------------------
def _pages(workspace: Workspace) -> Iterator[tuple[str, QWidget]]:
    """Each view in the navigation, then the council page; each tab of each."""
    for row in range(workspace.nav.count()):
        item = workspace.nav.item(row)
        workspace.nav.setCurrentRow(row)
        view = workspace.stack.currentWidget()
        yield from _tabs(item.text(), view)
    councils = workspace.councils_view.visible_councils()
    workspace.open_council(councils[0].gss_code)
    yield from _tabs("Council page", workspace.council_page)


def _tabs(where: str, view: QWidget) -> Iterator[tuple[str, QWidget]]:
    yield where, view
    for tabs in view.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            yield f"{where} ▸ {visible_text(tabs.tabText(index))}", view
        tabs.setCurrentIndex(0)


def test_every_view_and_tab_by_keyboard_and_screen_reader(qtbot, demo_shell: Shell) -> None:
    workspace = demo_shell.workspace
    assert workspace is not None
    walked = []
    for where, view in _pages(workspace):
        for table in view.findChildren(QTableView):
            if table.isVisible() and table.model() is not None and table.model().rowCount():
                table.selectRow(0)
        workspace.nav.setFocus()
        check_window(qtbot, demo_shell, where)
        walked.append(where)
    assert len(walked) >= workspace.nav.count() + 1


# -- dialogs ---------------------------------------------------------------------------------------
def _open_dialogs() -> list[QDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]


def _top_left(widget: QWidget) -> tuple[int, int]:
    at = widget.mapTo(widget.window(), widget.rect().topLeft())
    return at.y(), at.x()


def check_dialog(qtbot, dialog: QDialog, where: str) -> None:
    _activate(qtbot, dialog)
    boxes = [b for b in dialog.findChildren(QDialogButtonBox) if b.isVisible()]
    first = QApplication.focusWidget()
    if boxes and not isinstance(dialog, QMessageBox):
        assert first is None or first.parent() not in boxes, (
            f"{where}: the dialog opens on {_describe(first)}, not on its first field"
        )
    order = check_window(qtbot, dialog, where)
    if boxes and not isinstance(dialog, QMessageBox):
        # Read round from the control at the top left: the box's buttons come last.
        in_box = [w for w in order if isinstance(w, QAbstractButton) and w.parent() in boxes]
        if in_box and len(in_box) < len(order):
            start = min(range(len(order)), key=lambda i: _top_left(order[i]))
            cycle = order[start:] + order[:start]
            positions = [cycle.index(b) for b in in_box]
            assert min(positions) == len(cycle) - len(in_box), (
                f"{where}: Tab reaches the dialog's buttons before "
                + ", ".join(_describe(w) for w in cycle[min(positions) :] if w not in in_box)
            )
    qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)


def _dialog_buttons(view: QWidget) -> list[QPushButton]:
    return [
        b
        for b in view.findChildren(QPushButton)
        if b.isVisible() and b.isEnabled() and b.text().rstrip().endswith("…")
    ]


def test_every_dialog_by_keyboard_and_screen_reader(qtbot, demo_shell: Shell) -> None:
    workspace = demo_shell.workspace
    assert workspace is not None
    seen: set[str] = set()
    for where, view in _pages(workspace):
        for button in _dialog_buttons(view):
            for table in view.findChildren(QTableView):
                if table.isVisible() and table.model() is not None and table.model().rowCount():
                    table.selectRow(0)
            before = set(_open_dialogs())
            button.click()
            for dialog in [d for d in _open_dialogs() if d not in before]:
                name = f"{where} ▸ {visible_text(button.text())} ▸ {dialog.windowTitle()}"
                check_dialog(qtbot, dialog, name)
                seen.add(type(dialog).__name__)
            _activate(qtbot, demo_shell)
    for action in demo_shell.menuBar().actions():
        menu = action.menu()
        assert isinstance(menu, QMenu)
        for item in menu.actions():
            if not item.isEnabled() or not item.text().endswith("…"):
                continue
            before = set(_open_dialogs())
            item.trigger()
            for dialog in [d for d in _open_dialogs() if d not in before]:
                check_dialog(qtbot, dialog, f"{visible_text(item.text())} ▸ {dialog.windowTitle()}")
                seen.add(type(dialog).__name__)
            _activate(qtbot, demo_shell)
    assert len(seen) >= 10, f"only these dialogs opened: {sorted(seen)}"


# -- the rules one at a time ---------------------------------------------------------------------
@pytest.mark.qt_log_ignore("This plugin does not support")  # the offscreen menu popup
def test_a_table_is_one_tab_stop_sorted_and_trimmed_from_the_keyboard(qtbot, demo_shell) -> None:
    workspace = demo_shell.workspace
    view = workspace.go("councils")
    table = view.table
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.currentIndex().row() == 1, "arrows move inside the table"
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not table, "Tab leaves the table"
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = table.property("a11yTableMenu")
    assert isinstance(menu, QMenu) and menu.isVisible()
    sort = menu.actions()[0].menu()
    descending = next(a for a in sort.actions() if "Z to A" in a.text())
    column = [a.text() for a in sort.actions()].index(descending.text()) // 2
    descending.trigger()
    header = table.horizontalHeader()
    assert header.sortIndicatorSection() == column
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    columns = menu.actions()[1].menu().actions()
    columns[0].setChecked(False)
    assert header.isSectionHidden(0)
    columns[0].setChecked(True)
    assert not header.isSectionHidden(0)
    menu.close()


def test_text_size_follows_the_desktop_and_applies_at_once_everywhere(qtbot, demo_shell) -> None:
    from PySide6.QtGui import QFontDatabase

    app = QApplication.instance()
    desktop = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).pointSizeF()
    settings_view = demo_shell.workspace.go("settings")
    try:
        settings_view.text_size.setCurrentIndex(settings_view.text_size.findData(200))
        assert app.font().pointSizeF() == pytest.approx(desktop * 2)
        # Qt passes the new font on when it next handles events: at once, for a person.
        qtbot.waitUntil(lambda: demo_shell.font().pointSizeF() == pytest.approx(desktop * 2))
        for widget in (
            demo_shell.statusBar(),
            demo_shell.status_sync,
            demo_shell.menuBar(),
            demo_shell.menuBar().actions()[0].menu(),
            demo_shell.workspace.nav,  # a little larger than the rest
        ):
            assert widget.font().pointSizeF() >= desktop * 2 - 0.05, widget
        assert QApplication.font("QMenu").pointSizeF() == pytest.approx(desktop * 2)
        assert demo_shell.settings.value("text_size") in (200, "200")
        check_contrast(demo_shell, "Settings at 200%")
    finally:
        theme.apply(app, theme.Appearance())
    assert app.font().pointSizeF() == pytest.approx(desktop)


def test_high_contrast_theme_and_concern_colours_reach_the_minimums(qtbot, demo_shell) -> None:
    app = QApplication.instance()
    try:
        theme.apply(app, theme.Appearance(100, "high"))
        palette = app.palette()
        for text, ground in theme.TEXT_PAIRS:
            assert ratio(palette.color(text).name(), palette.color(ground).name()) >= 7, text
        workspace = demo_shell.workspace
        for row in range(workspace.nav.count()):  # each view (the tabs share their palette)
            workspace.nav.setCurrentRow(row)
            check_contrast(demo_shell, f"{workspace.nav.item(row).text()} (high contrast)")
    finally:
        theme.apply(app, theme.Appearance())
    for level, colour in theme.CONCERN_COLOURS.items():
        if colour:
            for ground in theme.backgrounds(app.palette()):
                assert ratio(colour, ground) >= TEXT_MINIMUM, (level, colour, ground)


def test_a_dark_desktop_gets_readable_concern_colours() -> None:
    from sli_desktop.contrast import readable

    dark = ["#1e1e1e", "#2a2a2a", "#323232"]
    for hue in theme.CONCERN_HUES.values():
        if hue:
            shade = readable(hue, dark)
            assert all(ratio(shade, g) >= TEXT_MINIMUM for g in dark), hue


def test_labels_keep_their_text_and_gain_their_caption(qtbot, demo_shell) -> None:
    """The council overview reads "Conservative", described as "Political control"."""
    workspace = demo_shell.workspace
    workspace.go("councils")
    council = workspace.councils_view.visible_councils()[0]
    workspace.open_council(council.gss_code)
    labels = [
        w
        for w in workspace.council_page.findChildren(QLabel)
        if w.isVisible() and w.accessibleDescription() == "Political control"
    ]
    assert labels, "the political control value keeps its caption as a description"
    iface = QAccessible.queryAccessibleInterface(labels[0])
    assert iface.text(QAccessible.Text.Name) == labels[0].text()
    status = QAccessible.queryAccessibleInterface(demo_shell.status_sync)
    assert status.text(QAccessible.Text.Name) == demo_shell.status_sync.text() != ""


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What screen readers were asked to announce, in order."""
    spoken: list[str] = []
    real = QAccessible.updateAccessibility

    def listen(event) -> None:
        if event.type() == QAccessible.Event.Announcement:
            spoken.append(event.message())
        real(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(listen))
    return spoken


def test_lock_save_and_refusals_are_announced(qtbot, demo_shell, heard: list[str]) -> None:
    demo_shell.open_quick_note()
    dialog = demo_shell.quick_note
    dialog.save()
    assert heard and heard[-1] == dialog.ui.message.text() != "", "a refusal is spoken"
    dialog.reject()
    demo_shell.statusBar().showMessage("Saved the contact.")
    assert heard[-1] == "Saved the contact."
    demo_shell.lock()
    assert heard[-1] == "SLI Desktop is locked."
    demo_shell.unlock_page.submit()  # no passphrase typed
    assert heard[-1] == "Type your passphrase to unlock."


def test_the_recovery_key_can_be_selected_from_the_keyboard(qtbot, demo_shell) -> None:
    from sli_desktop.gui.unlock_page import show_recovery_key

    box = show_recovery_key(demo_shell, "ABCD-EFGH-IJKL")
    label = box.findChild(QLabel, "qt_msgbox_informativelabel")
    assert label.text() == "ABCD-EFGH-IJKL"
    assert label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByKeyboard
    assert label.focusPolicy() & Qt.FocusPolicy.TabFocus
    box.accept()


def test_the_conflict_editor_takes_tab_as_next_field_and_marks_more_than_colour(
    qtbot, demo_shell
) -> None:
    from sli_desktop.gui.views.conflicts import MINE_MARK, THEIRS_MARK, diff_html

    view = demo_shell.workspace.go("conflicts")
    assert view.merged.tabChangesFocus(), "Tab leaves the merged text; it types no tab"
    left, right = diff_html("The budget gap is £12m.", "The budget gap is £18m.")
    for side, mark in ((left, MINE_MARK), (right, THEIRS_MARK)):
        assert mark in side and "bold" in mark and "underline" in mark
        colours = dict(re.findall(r"(background|color):\s*(#[0-9a-f]{6})", mark))
        assert ratio(colours["color"], colours["background"]) >= TEXT_MINIMUM


def test_every_view_has_a_key_in_the_go_menu(qtbot, demo_shell) -> None:
    from sli_desktop.gui.keyboard import with_mnemonics

    assert with_mnemonics(["Sync", "Sync conflicts", "R&D"]) == [
        "&Sync",
        "Sync &conflicts",
        "&R&&D",
    ]
    go = demo_shell.menuBar().actions()[2].menu()
    letters = [mnemonic(a.text()) for a in go.actions() if not a.isSeparator()]
    assert None not in letters and len(set(letters)) == len(letters), letters
    views = demo_shell.workspace.nav.count()
    assert len([a for a in go.actions() if a.text() != "&Search…"]) == views


def test_the_briefing_form_comes_before_its_preview(qtbot, demo_shell) -> None:
    view = demo_shell.workspace.go("briefings")
    demo_shell.workspace.nav.setFocus()
    order = tab_round(qtbot, demo_shell, "Briefings")
    assert order.index(view.preview) > order.index(view.generate_button)


def test_every_shortcut_is_listed_in_a_menu(qtbot, demo_shell) -> None:
    # Views are made on first use (gui/workspace.py): make them all, so theirs are seen too.
    assert len([*demo_shell.workspace.views.values(), demo_shell.workspace.council_page]) == 15
    listed = {
        action
        for menu_action in demo_shell.menuBar().actions()
        for action in menu_action.menu().actions()
    }
    unlisted = [
        a.text()
        for w in [demo_shell, *demo_shell.findChildren(QWidget)]
        for a in w.actions()
        if not a.shortcut().isEmpty() and a not in listed and not isinstance(w, QMenu)
    ]
    shown = {a.shortcut().toString() for a in listed}
    unlisted += [
        s.key().toString()
        for s in demo_shell.findChildren(QShortcut)
        if s.key().toString() not in shown
    ]
    assert not unlisted, f"shortcuts no menu shows: {unlisted}"


def test_a_dark_desktop_palette_is_made_readable(qtbot) -> None:
    """The offscreen platform has no dark scheme to switch to, so a dark desktop's palette
    (grey placeholder, a mid-blue selection under white text) is given directly."""
    from PySide6.QtGui import QColor

    dark = QPalette(QColor("#353535"))
    for role, colour in (
        (QPalette.ColorRole.Base, "#2a2a2a"),
        (QPalette.ColorRole.AlternateBase, "#323232"),
        (QPalette.ColorRole.Text, "#e0e0e0"),
        (QPalette.ColorRole.WindowText, "#e0e0e0"),
        (QPalette.ColorRole.PlaceholderText, "#6a6a6a"),
        (QPalette.ColorRole.Highlight, "#3d8fd6"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.Link, "#2a6fc9"),
    ):
        dark.setColor(role, QColor(colour))
    palette = theme.readable_palette(dark)
    for text, ground in theme.TEXT_PAIRS:
        ink = theme.solid(palette.color(text), palette.color(ground))
        assert ratio(ink, palette.color(ground).name()) >= TEXT_MINIMUM, text
    selected = palette.color(QPalette.ColorRole.HighlightedText).name()
    assert ratio(selected, palette.color(QPalette.ColorRole.Highlight).name()) >= TEXT_MINIMUM
    assert palette.color(QPalette.ColorRole.Base).name() == "#2a2a2a", "grounds are kept"


def test_the_old_large_text_setting_reads_as_150_percent(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "old.ini"), QSettings.Format.IniFormat)
    settings.setValue("large_text", True)
    assert theme.Appearance.from_settings(settings) == theme.Appearance(150, "desktop")
    theme.Appearance(200, "high").save(settings)
    settings.sync()
    again = QSettings(str(tmp_path / "old.ini"), QSettings.Format.IniFormat)
    assert theme.Appearance.from_settings(again) == theme.Appearance(200, "high")
    assert again.value("large_text") is None
    again.setValue("text_size", "999")
    assert theme.Appearance.from_settings(again).text_size == 200


def test_view_message_lines_are_spoken(qtbot, demo_shell, heard: list[str]) -> None:
    """Every view's message line speaks what it shows, as the status bar does."""
    from sli_desktop.gui.a11y import MessageLine

    workspace = demo_shell.workspace
    views = [*workspace.views.values(), workspace.council_page]
    lines = [line for view in views for line in view.findChildren(MessageLine)]
    assert len(lines) >= 8, "the views' message lines are MessageLines"
    notes = workspace.go("notes")
    notes.message.setText("Choose a note to <b>dispose of</b> first.")
    assert heard[-1] == "Choose a note to dispose of first."
    count = len(heard)
    notes.message.setText("Choose a note to <b>dispose of</b> first.")
    assert len(heard) == count, "the same text again is not repeated"
