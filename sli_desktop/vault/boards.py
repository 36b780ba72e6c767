"""Improvement Boards: recording a board, its sign-offs, and its terms of engagement document.

A board is a synced record of its council (the server routes it by the council's region, as
it does notes and engagements). Its terms of engagement are documents owned by the board
(``vault/documents.py``), held encrypted in the vault and synced with it. Recording a board
also sets the council's "Improvement Board" flag, which the councils list and briefings read.
"""

from __future__ import annotations

import builtins
from datetime import date
from pathlib import Path
from typing import Any

from ..domain import Document, ImprovementBoard, SignOffElement, SignOffStatus
from ..domain.errors import ValidationError
from .challenges import Challenges
from .councils import Councils
from .documents import Documents
from .errors import NotFound
from .store import Vault

OWNER = ImprovementBoard.kind


class Boards:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def add(self, **fields: Any) -> ImprovementBoard:
        councils = Councils(self.vault)
        fields["council"] = councils.require(str(fields.get("council", "")))
        if fields.get("engagement_id"):
            fields["engagement_id"] = Challenges(self.vault).get(fields["engagement_id"]).id
        board = ImprovementBoard.build(**fields)
        with self.vault.transaction():
            saved = self.vault.save(board)
            council = councils.get(saved.council)
            if not council.improvement_board:
                councils.set_details(
                    council.gss_code,
                    political_control=council.political_control,
                    control_changed_on=council.control_changed_on,
                    improvement_board=True,
                    improvement_board_since=council.improvement_board_since or saved.start,
                )
        return saved

    def edit(self, board_id: str, **changes: Any) -> ImprovementBoard:
        """Only the fields that change are written; the audit entry names them."""
        board = self.get(board_id)
        if "council" in changes:
            changes["council"] = Councils(self.vault).require(changes["council"])
        if changes.get("engagement_id"):
            changes["engagement_id"] = Challenges(self.vault).get(changes["engagement_id"]).id
        candidate = board.evolve(**changes)
        changed = sorted(k for k in changes if getattr(candidate, k) != getattr(board, k))
        if not changed:
            return board
        return self.vault.save(candidate, audit_detail={"fields": changed})

    def sign_off(
        self,
        board_id: str,
        element: SignOffElement,
        status: SignOffStatus,
        on: date | None = None,
        **more: Any,
    ) -> ImprovementBoard:
        """Set one sign-off element; signing off without a date means today."""
        if status is SignOffStatus.SIGNED_OFF and on is None:
            on = self.vault.now().date()
        if status is SignOffStatus.PENDING:
            on = None
        return self.edit(
            board_id, **{f"{element.value}_status": status, f"{element.value}_on": on}, **more
        )

    def get(self, board_id: str) -> ImprovementBoard:
        """By full id or an unambiguous prefix of at least 8 characters, as the CLI shows."""
        text = board_id.strip().lower()
        if len(text) < 8:
            raise NotFound(f"no improvement board {board_id!r}: give at least 8 characters")
        found = self.vault.matching_id(ImprovementBoard, text)
        if len(found) == 1:
            return found[0]
        if not found:
            raise NotFound(f"no improvement board {board_id!r} in the vault")
        raise NotFound(f"{board_id!r} matches more than one board; give more of its id")

    def list(self, council: str | None = None) -> list[ImprovementBoard]:
        if council:
            gss = Councils(self.vault).require(council)
            return self.vault.records(
                ImprovementBoard,
                "deleted = 0 AND council = ?",
                (gss,),
                order="coalesce(start, '9999') DESC, seq DESC",
            )
        return self.vault.records(
            ImprovementBoard, "deleted = 0", order="council, coalesce(start, '9999') DESC"
        )

    def current(self, council: str, today: date) -> ImprovementBoard | None:
        """The board a council page shows: the one sitting today, else the newest."""
        boards = self.list(council)
        active = [b for b in boards if b.is_active(today)]
        chosen = active or boards
        return chosen[0] if chosen else None

    def delete(self, board_id: str) -> ImprovementBoard:
        """Delete the board and its documents (everywhere, at the next sync)."""
        board = self.get(board_id)
        with self.vault.transaction():
            Documents(self.vault).delete_for_owner(OWNER, board.id)
            return self.vault.delete(board)

    # -- terms of engagement -------------------------------------------------------------------
    def attach_terms(self, board_id: str, source: Path) -> Document:
        return Documents(self.vault).attach(OWNER, self.get(board_id).id, source)

    def documents(self, board_id: str) -> builtins.list[Document]:
        return Documents(self.vault).for_owner(OWNER, self.get(board_id).id)

    def document(self, board_id: str, document_id: str) -> Document:
        """A document of this board, by id or an 8-character prefix."""
        text = document_id.strip().lower()
        found = [d for d in self.documents(board_id) if d.id.startswith(text)]
        if len(text) < 8 or len(found) != 1:
            raise NotFound(f"no document {document_id!r} on this board")
        return found[0]


def members_from(texts: list[str]) -> list[dict[str, str]]:
    """Members given as NAME|ROLE|ORGANISATION (role and organisation optional)."""
    members = []
    for text in texts:
        parts = [p.strip() for p in text.split("|")]
        if not parts[0]:
            raise ValidationError("members", f"a member needs a name, not {text!r}")
        members.append(
            {
                "name": parts[0],
                "role": parts[1] if len(parts) > 1 else "",
                "organisation": parts[2] if len(parts) > 2 else "",
            }
        )
    return members
