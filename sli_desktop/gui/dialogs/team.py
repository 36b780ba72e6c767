"""A peer challenge team: the editor both the new-challenge form and the schedule use, and the
dialog that changes the team of a challenge already planned."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHeaderView, QTableWidgetItem, QWidget

from ...domain import Challenge, Peer, PeerRole, ValidationError
from ...domain.records import validated
from ...formats import long_date
from ...vault.challenges import Challenges
from ...vault.councils import Councils
from ...vault.interests import PeerInterests
from ...vault.store import Vault
from ..forms import Form
from .base import FormDialog, chain, describe, embed
from .council_choice import CouncilChoice

_PEER_FIELDS = {
    "name": ("peerName", "Peer name"),
    "role": ("peerRole", "Peer role"),
    "organisation": ("peerOrganisation", "Organisation"),
    "council": ("peerCouncil", "Works at"),
}
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
#: peers -> one sentence per conflict of interest, by peer name (vault/interests.py)
Checker = Callable[[list[Peer]], dict[str, str]]


def interest_checker(vault: Vault, challenged: Callable[[], str | None]) -> Checker:
    """Conflicts of interest against the council ``challenged()`` names at the time."""

    def check(peers: list[Peer]) -> dict[str, str]:
        council = challenged()
        if not council:
            return {}
        return {c.peer: c.message for c in PeerInterests(vault).conflicts(council, peers)}

    return check


class TeamEditor(QWidget):
    """Peers added one at a time, each checked by the domain as it is added, so a mistake is
    caught beside the peer rather than at Save. Enter in a peer field adds the peer; Delete in
    the list removes one."""

    problem = Signal(str)

    def __init__(
        self, names: dict[str, str], parent: QWidget | None = None, checker: Checker | None = None
    ) -> None:
        super().__init__(parent)
        self.names = names
        self.checker = checker
        #: peers added despite a conflict of interest, having been warned (name, council)
        self.confirmed: set[tuple[str, str | None]] = set()
        self._warned: Peer | None = None
        self.ui = Form("team_editor.ui", self)
        self.peers: list[Peer] = []
        for role in PeerRole:
            self.ui.peerRole.addItem(role.value.capitalize(), role.value)
        self.council = CouncilChoice(self.ui.peerCouncil, names)
        self.ui.peerTable.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.ui.addPeer.clicked.connect(self.add_peer)
        self.ui.removePeer.clicked.connect(self.remove_peer)
        for widget in (self.ui.peerName, self.ui.peerOrganisation, self.ui.peerTable):
            widget.installEventFilter(self)
        self.ui.peerCouncil.lineEdit().installEventFilter(self)

    def focus_chain(self) -> list[QWidget]:
        ui = self.ui
        return [
            ui.peerTable,
            ui.peerName,
            ui.peerRole,
            ui.peerOrganisation,
            ui.peerCouncil,
            ui.addPeer,
            ui.removePeer,
        ]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if watched is self.ui.peerTable and event.key() == Qt.Key.Key_Delete:
                self.remove_peer()
                return True
            if watched is not self.ui.peerTable and event.key() in _ENTER:
                self.add_peer()
                return True
        return super().eventFilter(watched, event)

    # -- the team --------------------------------------------------------------------------
    def team(self) -> list[Peer]:
        return list(self.peers)

    def set_team(self, peers: list[Peer]) -> None:
        self.peers = list(peers)
        self._fill()

    def pending(self) -> bool:
        """A peer typed in but not yet added: Save adds it rather than dropping it."""
        return bool(self.ui.peerName.text().strip())

    def add_peer(self) -> bool:
        council = self.council.resolve()
        data = {
            "name": self.ui.peerName.text(),
            "role": self.ui.peerRole.currentData(),
            "organisation": self.ui.peerOrganisation.text(),
            "council": council or None,
        }
        try:
            peer = validated(Peer, data)
        except ValidationError as exc:
            labels = {k: label for k, (_w, label) in _PEER_FIELDS.items()}
            text, field = describe(exc, labels, "peer")
            self.problem.emit(text)
            getattr(self.ui, _PEER_FIELDS.get(field, ("peerName", ""))[0]).setFocus()
            return False
        if not self._cleared(peer):
            return False
        self.peers.append(peer)
        self._fill()
        self.ui.peerName.clear()
        self.ui.peerOrganisation.clear()
        self.council.set_code(None)
        self.ui.peerName.setFocus()
        self.problem.emit("")
        return True

    def _cleared(self, peer: Peer) -> bool:
        """A peer with a conflict of interest is added only when Add is pressed again for the
        same peer, having read the warning: a warning, not a block."""
        found = self.checker([peer]) if self.checker else {}
        if not found or self._warned == peer:
            if found:
                self.confirmed.add((peer.name, peer.council))
            self._warned = None
            return True
        self._warned = peer
        self.problem.emit(
            f"Conflict of interest: {found[peer.name]}. "
            "Press Add (or Save) again to add them anyway."
        )
        self.ui.addPeer.setFocus()
        return False

    def unconfirmed(self) -> dict[str, str]:
        """Conflicts in the team not yet accepted (the challenged council may have changed)."""
        found = self.checker(self.peers) if self.checker else {}
        cleared = {name for name, _c in self.confirmed}
        return {name: text for name, text in found.items() if name not in cleared}

    def confirm_all(self) -> None:
        self.confirmed.update((p.name, p.council) for p in self.peers)

    def remove_peer(self) -> None:
        row = self.ui.peerTable.currentRow()
        if not 0 <= row < len(self.peers):
            self.problem.emit("Select the peer to remove in the team list.")
            self.ui.peerTable.setFocus()
            return
        del self.peers[row]
        self._fill()
        if self.peers:
            self.ui.peerTable.selectRow(min(row, len(self.peers) - 1))

    def _fill(self) -> None:
        table = self.ui.peerTable
        table.setRowCount(len(self.peers))
        flagged = self.checker(self.peers) if self.checker else {}
        for row, peer in enumerate(self.peers):
            council = self.names.get(peer.council, peer.council) if peer.council else ""
            if peer.name in flagged:
                council = f"{council} (conflict of interest)"
            for col, value in enumerate(
                (peer.name, peer.role.value.capitalize(), peer.organisation, council or "")
            ):
                table.setItem(row, col, QTableWidgetItem(value))


class TeamDialog(FormDialog):
    """Change the team of a challenge already on the schedule."""

    KIND = "engagement"

    def __init__(self, vault: Vault, engagement_id: str, parent: QWidget | None = None) -> None:
        super().__init__("team.ui", "Peer challenge team", parent)
        self.vault = vault
        self.resize(640, 420)
        self.engagement: Challenge = Challenges(vault).get(engagement_id)
        names = Councils(vault).names()
        e = self.engagement
        when = f", on site from {long_date(e.start)}" if e.start else ""
        self.ui.heading.setText(
            f"<b>{names.get(e.council, e.council)}</b>: {e.type.label}, {e.status.value}{when}"
        )
        self.editor = TeamEditor(names, checker=interest_checker(vault, lambda: e.council))
        embed(self.ui.teamHost, self.editor)
        self.editor.problem.connect(self.show_message)
        self.editor.set_team(e.team)
        self.editor.confirm_all()  # already on the team: warned about (and shown) before
        chain(*self.editor.focus_chain(), self.ui.buttons)
        self.editor.ui.peerName.setFocus()

    def store(self) -> Challenge | None:
        if self.editor.pending() and not self.editor.add_peer():
            return None
        return Challenges(self.vault).set_team(self.engagement.id, self.editor.team())
