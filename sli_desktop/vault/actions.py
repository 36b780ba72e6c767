"""Follow-up actions: open, overdue and done, each linked to where it came from."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..domain import Action, ActionStatus
from .councils import Councils
from .errors import NotFound
from .store import Vault


class Actions:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def add(self, **fields: Any) -> Action:
        if fields.get("council"):
            fields["council"] = Councils(self.vault).require(str(fields["council"]))
        for link, table in (("note_id", "notes"), ("engagement_id", "engagements")):
            if fields.get(link):
                full = self.vault.scalar(
                    f"SELECT id FROM {table} WHERE id >= ? AND id < ? AND deleted = 0",
                    (fields[link].lower(), fields[link].lower() + "\uffff"),
                )
                if full is None:
                    raise NotFound(f"no {table[:-1]} {fields[link]!r} to link the action to")
                fields[link] = full
        return self.vault.save(Action.build(**fields))

    def done(self, action_id: str, on: date | None = None) -> Action:
        action = self.get(action_id)
        return self.vault.save(
            action.evolve(status=ActionStatus.DONE, done_on=on or self.vault.now().date())
        )

    def get(self, action_id: str) -> Action:
        text = action_id.strip().lower()
        found = self.vault.matching_id(Action, text)
        if len(found) != 1:
            raise NotFound(f"no single action matches {action_id!r}")
        return found[0]

    def list(
        self, status: str | None = None, council: str | None = None, today: date | None = None
    ) -> list[Action]:
        """``status``: open, done, cancelled, or overdue (open and past due)."""
        where, params = "deleted = 0", []
        if status == "overdue":
            where += " AND status = 'open' AND due < ?"
            params.append((today or self.vault.now().date()).isoformat())
        elif status:
            where += " AND status = ?"
            params.append(ActionStatus(status).value)
        if council:
            where += " AND council = ?"
            params.append(Councils(self.vault).require(council))
        return self.vault.records(Action, where, params, order="coalesce(due, '9999'), seq")
