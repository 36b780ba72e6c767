"""One council: overview, contacts, notes, peer challenges, support, actions and metrics, with
the forms to add to each and to edit what advisers know about the council."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain import Action, Challenge, Contact, Council, Metric, Note, SupportOffer
from ...domain.improvement import AssessmentKind
from ...formats import long_date, phone, short_date
from ...vault.assessments import Assessments
from ...vault.councils import Councils
from ...vault.coverage import CouncilCover
from ...vault.notes import Notes
from ...vault.overview import CONTACT_LEADER, overview
from ...vault.store import Vault
from ...vault.support_in_place import SupportItem
from ..a11y import MessageLine
from ..dialogs.action import ActionDialog
from ..dialogs.board import readiness_text
from ..dialogs.challenge import ChallengeDialog
from ..dialogs.contact import ContactDialog
from ..dialogs.council_correction import CouncilCorrectionDialog
from ..dialogs.council_details import CouncilDetailsDialog
from ..dialogs.note_edit import NoteEditDialog
from ..dialogs.team import TeamDialog
from ..flow import FlowLayout, scrolls_down, wrap_column
from ..models import Column, LazyNotesModel, RowsModel, concern_colour, text
from ..tab_strip import with_tab_strip
from ..theme import CONCERN_COLOURS
from .base import View, button, page_title, source_row, table_view, with_buttons
from .board_panel import BoardPanel
from .good_practice import GoodPracticePanel
from .improvement_panel import ImprovementPanel, latest_line

NOTE_COLUMNS: list[Column[Note]] = [
    Column("Date", lambda n: n.date),
    Column("Concern", lambda n: n.concern.value, lambda n: concern_colour(n.concern.value)),
    Column("Council aware", lambda n: "yes" if n.council_aware else "not yet"),
    Column("Marking", lambda n: n.marking.value),
    Column("Themes", lambda n: n.themes),
    Column("Title", lambda n: _note_title(n)),
]


def _note_title(note: Note) -> str:
    """Good practice is marked so it is not read as intelligence (it has no concern level), a
    draft so it is not read as finished (it sets no concern level either)."""
    if note.draft:
        return f"Draft: {note.title}"
    return f"Good practice: {note.title}" if note.is_good_practice else note.title


def _label(value: str, name: str) -> QLabel:
    label = QLabel(value)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(name)
    label.setWordWrap(True)
    return label


class CouncilPage(View):
    title = "Council"
    new_note = Signal(str)
    open_note = Signal(str)
    OVERVIEW, CONTACTS, NOTES, CHALLENGES, SUPPORT, ACTIONS, METRICS = range(7)
    BOARD = 7

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(vault, parent)
        self.gss = ""
        self.heading = page_title("")
        self.heading.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        # Flags wrap onto a second line rather than widen the window.
        self.flags_row = QWidget()
        self.flags = FlowLayout(self.flags_row)
        add = QPushButton("New note for this council")
        add.setAccessibleName("New note for this council")
        add.clicked.connect(lambda: self.new_note.emit(self.gss))
        details = button("Council &details…", self.edit_details, "Edit council details")
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(details)
        top.addWidget(add)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("councilTabs")
        self.overview_box = QWidget()
        self.overview_form = QFormLayout(self.overview_box)
        self.overview_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.support_in_place: RowsModel[SupportItem] = RowsModel(
            [
                Column("Support", lambda s: s.source),
                Column("What", lambda s: s.what),
                Column("Provided by", lambda s: s.provider),
                Column(
                    "Status",
                    lambda s: s.status,
                    lambda s: CONCERN_COLOURS["serious"] if s.status == "overdue" else "",
                ),
                Column("Date", lambda s: s.on),
            ]
        )
        self.support_in_place_table = table_view(
            "Support in place", self.support_in_place, stretch=1
        )
        wrap_column(self.support_in_place_table, 1)  # what the support is
        self.contacts: RowsModel[Contact] = RowsModel(
            [
                Column("Name", lambda c: c.name),
                Column("Role", lambda c: c.role),
                Column("Phone", lambda c: [phone(p) for p in c.phones]),
                Column("Email", lambda c: c.emails),
                Column("Lawful basis", lambda c: c.lawful_basis.value),
            ]
        )
        self.engagements: RowsModel[Challenge] = RowsModel(
            [
                Column("Kind", lambda e: e.type.label),
                Column("Status", lambda e: e.status.value),
                Column("Start", lambda e: e.start),
                Column("End", lambda e: e.end),
                Column("Team", lambda e: [f"{p.name} ({p.role.value})" for p in e.team]),
            ]
        )
        self.support: RowsModel[SupportOffer] = RowsModel(
            [
                Column("Offer", lambda s: s.type.value.capitalize()),
                Column("Status", lambda s: s.status.value),
                Column("Year", lambda s: s.year),
                Column(
                    "Days",
                    lambda s: f"{s.days_used:g} of {s.days_offered:g}" if s.days_offered else "",
                ),
                Column("Details", lambda s: s.details),
            ]
        )
        self.actions_model: RowsModel[Action] = RowsModel(
            [
                Column("Due", lambda a: a.due),
                Column(
                    "Status",
                    lambda a: "overdue" if a.is_overdue(date.today()) else a.status.value,
                    lambda a: CONCERN_COLOURS["serious"] if a.is_overdue(date.today()) else "",
                ),
                Column("Action", lambda a: a.title),
                Column("Owner", lambda a: a.owner),
            ]
        )
        self.metrics: RowsModel[Metric] = RowsModel(
            [
                Column("Metric", lambda m: m.name),
                Column("Period", lambda m: m.period),
                Column("Value", lambda m: f"{m.value:g} {m.unit}".strip()),
                Column("Source", lambda m: m.source),
            ]
        )
        self.notes_model: LazyNotesModel | None = None
        self.notes_table = table_view("Council notes", RowsModel(NOTE_COLUMNS), sortable=False)
        self.notes_table.activated.connect(self._note_activated)

        self.engagements_table = table_view("Council peer challenges", self.engagements)
        wrap_column(self.engagements_table, 4)  # the team
        # Tab mnemonics are O C N P S A M; the buttons on the tabs use other letters.
        self.tabs.addTab(self._overview_page(), "&Overview")
        self.tabs.addTab(
            with_buttons(
                table_view("Council contacts", self.contacts),
                button("Ne&w contact…", self.new_contact),
            ),
            "&Contacts",
        )
        self.tabs.addTab(
            with_buttons(
                self.notes_table,
                button("&Edit note…", self.edit_note, "Edit selected note"),
                button("Follow-up act&ion…", self.note_action, "Follow-up action for note"),
            ),
            "No&tes",
        )
        self.tabs.addTab(
            with_buttons(
                self.engagements_table,
                button("Ne&w peer challenge…", self.new_challenge),
                button("Edit t&eam…", self.edit_team, "Edit team of selected"),
                button("Follow-up act&ion…", self.challenge_action, "Follow-up action"),
            ),
            "&Peer challenges",
        )
        self.tabs.addTab(table_view("Council support offers", self.support), "&Support offers")
        self.tabs.addTab(
            with_buttons(
                table_view("Council actions", self.actions_model),
                button("Ne&w action…", self.new_action),
            ),
            "&Actions",
        )
        self.tabs.addTab(table_view("Council metrics", self.metrics), "&Metrics")
        self.board_panel = BoardPanel(self.vault, self.open_dialog, self.changed.emit)
        self.tabs.addTab(self.board_panel, "Impro&vement Board")
        self.improvement_panel = ImprovementPanel(self.vault, self.open_dialog, self.changed.emit)
        self.improvement_tab = self.tabs.addTab(
            scrolls_down(self.improvement_panel, "Self-assessment and leadership page"),
            "Se&lf-assessment && leadership",
        )
        self.good_practice_panel = GoodPracticePanel(self.vault, self.open_dialog)
        self.good_practice_tab = self.tabs.addTab(
            scrolls_down(self.good_practice_panel, "Good practice page"), "Good p&ractice"
        )
        self.tab_message = MessageLine()
        self.tab_message.setAccessibleName("Council page message")
        self.tab_message.hide()

        body = QWidget()
        column = QVBoxLayout(body)
        column.addLayout(top)
        column.addWidget(self.subtitle)
        column.addWidget(self.flags_row)
        column.addWidget(with_tab_strip(self.tabs), 1)
        column.addWidget(self.tab_message)
        # With very large text the page scrolls up and down in its pane rather than make the
        # window taller than the screen; at ordinary sizes it fits and nothing scrolls.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolls_down(body, "Council page"))

    def show_council(self, gss: str) -> None:
        self.gss = gss
        self.refresh()

    def refresh(self) -> None:
        if not self.gss:
            return
        self.tab_message.hide()
        today = date.today()
        info = overview(self.vault, self.gss, today)
        council = info.council
        self.heading.setText(council.name)
        corrected = " (corrected)" if council.corrected else ""
        self.subtitle.setText(
            f"{council.type.label} · {council.region.value}{corrected} · {council.gss_code}"
        )
        while self.flags.count():
            item = self.flags.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        flags = []
        if council.abolished:  # kept for its history; its successors carry on
            after = ", ".join(c.display_name for c in Councils(self.vault).successors(council))
            flags.append(
                (
                    f"Abolished {short_date(council.ended_on)}"
                    + (f"; replaced by {after}" if after else ""),
                    "",
                )
            )
        if info.concern.rank:
            flags.append((f"Concern: {info.concern.value}", CONCERN_COLOURS[info.concern.value]))
        if council.improvement_board:
            since = (
                f" since {short_date(council.improvement_board_since)}"
                if council.improvement_board_since
                else ""
            )
            flags.append((f"Improvement Board{since}", ""))
        if council.control_changed_on:
            flags.append(
                (f"Change of political control {short_date(council.control_changed_on)}", "")
            )
        for flag, colour in flags:
            label = QLabel(flag)
            label.setObjectName("flag")
            label.setAccessibleName(flag)
            if colour:
                label.setStyleSheet(f"color: {colour}; font-weight: bold;")
            self.flags.addWidget(label)
        self.flags_row.setVisible(bool(flags))

        form = self.overview_form
        while form.rowCount():
            form.removeRow(0)
        form.addRow(
            "Political control",
            _label(council.political_control or "not recorded", "Political control"),
        )
        form.addRow("Region and type", self._register_row(council))
        self._cover_rows(form, info.cover)
        for contact in info.key_contacts:
            form.addRow(
                contact.role or "Contact",
                _label(
                    f"{contact.name}  {text([phone(p) for p in contact.phones])}  "
                    f"{text(contact.emails)}",
                    contact.name,
                ),
            )
        for note in info.recent_notes:
            form.addRow(
                short_date(note.date),
                _label(
                    f"<b style='color:{concern_colour(note.concern.value) or 'palette(text)'}'>"
                    f"{note.concern.value}</b> — "
                    + ("<i>Draft (sets no concern level)</i>: " if note.draft else "")
                    + html.escape(note.title),
                    note.title,
                ),
            )
        nxt = info.next_engagement
        form.addRow(
            "Next peer challenge",
            _label(
                f"{nxt.type.label}: {nxt.status.value}"
                + (f", {long_date(nxt.start)}" if nxt.start else "")
                if nxt
                else "none planned",
                "Next peer challenge",
            ),
        )
        latest = Assessments(self.vault).latest(council.gss_code)
        for kind, heading in (
            (AssessmentKind.SELF_ASSESSMENT, "Self-assessment"),
            (AssessmentKind.LOCAL_ACCOUNT, "Local account"),
        ):
            form.addRow(heading, _label(html.escape(latest_line(latest, kind)), heading))
        form.addRow(
            "Overdue actions",
            _label(
                "; ".join(f"{a.title} (due {short_date(a.due)})" for a in info.overdue_actions)
                or "none",
                "Overdue actions",
            ),
        )
        if info.serious_unaware:  # the principal adviser's action, until the council is told
            unaware = _label(
                f"<b style='color:{CONCERN_COLOURS['serious']}'>{CONTACT_LEADER}</b>: the council "
                "is not yet aware that this serious concern is being shared — "
                + "; ".join(
                    f"{html.escape(n.title)} ({short_date(n.date)})" for n in info.serious_unaware
                ),
                "Council not aware",
            )
            unaware.setWordWrap(True)
            adviser = info.cover.principal_adviser if info.cover else None
            who = f" ({adviser.person})" if adviser else ""
            form.addRow(f"Action for the principal adviser{who}", unaware)

        self.contacts.set_rows(info.contacts)
        self.engagements.set_rows(info.engagements)
        self.support.set_rows(info.support)
        self.support_in_place.set_rows(info.support_in_place)
        self.actions_model.set_rows(info.open_actions)
        self.metrics.set_rows(info.metrics)
        self.board_panel.show_council(council.gss_code, today)
        if self.board_panel.board is not None:  # its ready state at a glance (tab for more)
            form.addRow(
                "Improvement Board",
                _label(readiness_text(self.board_panel.board, today), "Improvement Board state"),
            )
        self.improvement_panel.show_council(council.gss_code)
        self.good_practice_panel.show_council(council.gss_code, today)
        self.notes_model = LazyNotesModel(Notes(self.vault), NOTE_COLUMNS, council.gss_code, self)
        self.notes_table.setModel(self.notes_model)

    def _overview_page(self) -> QWidget:
        """The overview's facts, then the support in place from every source and provider.
        Each scrolls in its own pane, so a long overview never makes the window taller than
        a laptop's screen."""
        facts = scrolls_down(self.overview_box, "Overview facts")
        heading = QLabel("<b>Support in place</b>")
        heading.setAccessibleName("Support in place")
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(facts, 3)
        box.addWidget(heading)
        box.addWidget(self.support_in_place_table, 2)
        return page

    def _cover_rows(self, form: QFormLayout, cover: CouncilCover | None) -> None:
        """The single point of contact, then the regional leads, each with how to reach them."""
        if cover is None:
            return
        pa = cover.principal_adviser
        form.addRow(
            "Principal adviser",
            _label(
                "  ".join(part for part in (pa.person, pa.contact) if part)
                + f"  (covers {pa.area})"
                if pa
                else f"none recorded for {cover.region.value}",
                "Principal adviser",
            ),
        )
        for heading, leads in (
            ("Children's services leads", cover.childrens),
            ("Adult social care leads", cover.adults),
        ):
            who = "; ".join(
                f"{c.person} ({c.role.value}{', ' + c.contact if c.contact else ''})" for c in leads
            )
            form.addRow(heading, _label(who or "none recorded", heading))

    # -- forms -----------------------------------------------------------------------------
    def _selected_note(self) -> Note | None:
        index = self.notes_table.currentIndex()
        if self.notes_model is None or not index.isValid():
            self._ask("Select a note in the list first.", self.notes_table)
            return None
        return self.notes_model.row(index.row())

    def _selected_challenge(self) -> Challenge | None:
        row = source_row(self.engagements_table)
        if row is None:
            self._ask("Select a peer challenge in the list first.", self.engagements_table)
            return None
        return self.engagements.row(row)

    def _ask(self, text: str, table: QWidget) -> None:
        self.tab_message.setText(text)
        self.tab_message.show()
        table.setFocus()

    def _register_row(self, council: Council) -> QLabel:
        """Where the register has a council wrong, a coordinator corrects it from here (a
        link, reached by Tab like the other links on the page)."""
        said = f"{council.region.value}, {council.type.label.lower()}"
        if council.corrected:
            said += " (corrected by a coordinator)"
        label = _label(f"{said} · <a href='correct'>Correct…</a>", "Region and type")
        label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        label.linkActivated.connect(lambda _link: self.correct_register())
        return label

    def correct_register(self) -> None:
        self.open_dialog(CouncilCorrectionDialog(self.vault, self.gss, self))

    def edit_details(self) -> None:
        self.open_dialog(CouncilDetailsDialog(self.vault, self.gss, self))

    def new_contact(self) -> None:
        self.open_dialog(ContactDialog(self.vault, self.gss, self))

    def edit_note(self) -> None:
        note = self._selected_note()
        if note is not None:
            self.open_dialog(NoteEditDialog(self.vault, note.id, self))

    def note_action(self) -> None:
        note = self._selected_note()
        if note is not None:
            self.open_dialog(ActionDialog(self.vault, note=note, parent=self))

    def new_challenge(self) -> None:
        self.open_dialog(ChallengeDialog(self.vault, self.gss, self))

    def edit_team(self) -> None:
        engagement = self._selected_challenge()
        if engagement is not None:
            self.open_dialog(TeamDialog(self.vault, engagement.id, self))

    def challenge_action(self) -> None:
        engagement = self._selected_challenge()
        if engagement is not None:
            self.open_dialog(ActionDialog(self.vault, engagement=engagement, parent=self))

    def new_action(self) -> None:
        self.open_dialog(ActionDialog(self.vault, self.gss, parent=self))

    def show_challenge(self, engagement_id: str) -> None:
        """The Peer challenges tab with this challenge selected (from an action it led to)."""
        self.tabs.setCurrentIndex(self.CHALLENGES)
        model = self.engagements_table.model()
        for row in range(model.rowCount()):
            found = source_row(self.engagements_table, row)
            if found is not None and self.engagements.row(found).id == engagement_id:
                self.engagements_table.selectRow(row)
                break
        self.engagements_table.setFocus()

    def _note_activated(self) -> None:
        if self.notes_model is not None:
            index = self.notes_table.currentIndex()
            if index.isValid():
                self.open_note.emit(self.notes_model.row(index.row()).id)

    def state(self) -> dict[str, Any]:
        return {"gss": self.gss, "tab": self.tabs.currentIndex()}

    def restore(self, state: dict[str, Any]) -> None:
        if state.get("gss"):
            self.show_council(state["gss"])
            self.tabs.setCurrentIndex(state.get("tab", 0))
