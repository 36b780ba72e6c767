"""Everything held about one person, for a subject access request or a correction: their
contact records, the notes that mention them, the actions they own, the peer challenge teams
they were on, and the audit history of their contact records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain import Action, Challenge, Contact, Note
from .audit import AuditLog
from .store import Vault

EXPORT_FORMAT = "sli-person-export/1"


@dataclass(frozen=True)
class PersonRecords:
    name: str
    contacts: list[Contact]
    notes: list[Note]
    actions: list[Action]
    engagements: list[tuple[Challenge, list[str]]]
    audit: list[dict[str, Any]]

    @property
    def empty(self) -> bool:
        return not (self.contacts or self.notes or self.actions or self.engagements)

    def counts(self) -> dict[str, int]:
        return {
            "contacts": len(self.contacts),
            "notes": len(self.notes),
            "actions": len(self.actions),
            "engagements": len(self.engagements),
            "audit": len(self.audit),
        }

    def to_json(self, exported_at: str) -> dict[str, Any]:
        return {
            "format": EXPORT_FORMAT,
            "person": self.name,
            "exported_at": exported_at,
            "contacts": [c.to_json() for c in self.contacts],
            "notes": [n.to_json() for n in self.notes],
            "actions": [a.to_json() for a in self.actions],
            "engagements": [
                {"engagement": e.to_json(), "roles": roles} for e, roles in self.engagements
            ],
            "audit": self.audit,
        }


def _phrase(name: str) -> str:
    """The name as one FTS5 phrase: the words in order, never FTS syntax."""
    return '"' + " ".join(name.split()).replace('"', '""') + '"'


def find_person(vault: Vault, name: str) -> PersonRecords:
    """Case-insensitive: contacts whose name contains ``name`` (as words, in order), notes whose
    title, body, themes or evidence mention it, actions whose owner contains it, engagements
    with a peer of that name, and every audit entry about the contacts found."""
    wanted = " ".join(name.split())
    folded = wanted.casefold()
    phrase = _phrase(wanted)
    contacts = vault.records(
        Contact,
        "deleted = 0 AND seq IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?)",
        (f"name : {phrase}",),
        order="name, seq",
    )
    contacts = [c for c in contacts if folded in " ".join(c.name.split()).casefold()]
    notes = vault.records(
        Note,
        "deleted = 0 AND seq IN (SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?)",
        (phrase,),
        order="date, seq",
    )
    # Good practice names its contact and outcome outside the full-text index: look there too.
    extra = [name for name in ("contact", "outcome") if name in Note.model_fields]
    if extra:
        where = " OR ".join(f"instr(lower({name}), ?) > 0" for name in extra)
        seen = {n.id for n in notes}
        more = vault.records(
            Note, f"deleted = 0 AND ({where})", [folded] * len(extra), order="date, seq"
        )
        notes += [n for n in more if n.id not in seen]
        notes.sort(key=lambda n: n.date)
    actions = [a for a in vault.records(Action, "deleted = 0") if folded in a.owner.casefold()]
    engagements: list[tuple[Challenge, list[str]]] = []
    for e in vault.records(Challenge, "deleted = 0", order="coalesce(start, ''), seq"):
        roles = [p.role.value for p in e.team if folded in " ".join(p.name.split()).casefold()]
        if roles:
            engagements.append((e, roles))
    log = AuditLog(vault)
    audit = [entry.to_json() for c in contacts for entry in log.for_record(c.id)]
    return PersonRecords(wanted, contacts, notes, actions, engagements, audit)


def audit_export(vault: Vault, found: PersonRecords, file_name: str) -> None:
    """The export is recorded with what it held (ids and counts, never the text)."""
    vault.audit(
        "export",
        "contact",
        "",
        {
            "format": "person",
            "file": file_name,
            "contacts": [c.id for c in found.contacts],
            **found.counts(),
        },
    )
