"""What importing a contacts file would do, and doing it.

The preview sets the file's contacts against the vault: which are new, which match a contact
already there (the same id from this app's own export, the same e-mail, or the same name at the
same council) and would be merged into it, and which change nothing; and, for each, what was
kept as typed or not imported, and whether its organisation is a council, another kind of body,
or a name the register does not know. Applying writes the preview in one transaction, or
nothing at all if any row was bad and the user did not ask to import only the good rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..domain import Contact
from ..gcpause import collector_paused
from ..vault.bulk import save_many
from ..vault.contacts import Contacts
from ..vault.councils import Councils
from ..vault.store import Vault
from .contactrow import GSS, ContactRow
from .councilmatch import CouncilMatcher, by_organisation, full_key, not_a_council
from .problems import ImportProblem
from .tabular import Parsed

Action = Literal["add", "update", "skip"]
_DEFAULT_BASIS = Contact.model_fields["lawful_basis"].default


@dataclass(frozen=True)
class ContactChange:
    line: int
    action: Action
    contact: Contact
    reason: str
    existing: Contact | None = None
    #: What was kept as typed or not imported, and what the organisation turned out to be.
    notices: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "action": self.action,
            "name": self.contact.name,
            "council": self.contact.council,
            "reason": self.reason,
            "existing_id": self.existing.id if self.existing else None,
            "notices": list(self.notices),
        }


@dataclass
class ContactPreview:
    """What importing a file would do, row by row, and which rows are bad and why."""

    path: Path
    changes: list[ContactChange] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    written: bool = False

    def count(self, action: Action) -> int:
        return sum(c.action == action for c in self.changes)

    def count_notices(self, prefix: str) -> int:
        return sum(n.startswith(prefix) for c in self.changes for n in c.notices)

    @property
    def summary(self) -> str:
        bad = f", {len(self.problems)} bad" if self.problems else ""
        verbs = ("added", "updated") if self.written else ("to add", "to update")
        kept = self.count_notices("kept as typed")
        dropped = self.count_notices("not imported")
        extra = (f", {kept} value{'s' if kept != 1 else ''} kept as typed" if kept else "") + (
            f", {dropped} not imported (listed)" if dropped else ""
        )
        return (
            f"{self.count('add')} {verbs[0]}, {self.count('update')} {verbs[1]}, "
            f"{self.count('skip')} unchanged{bad}{extra}"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "written": self.written,
            "added": self.count("add"),
            "updated": self.count("update"),
            "skipped": self.count("skip"),
            "bad": [{"line": p.line, "reason": p.reason} for p in self.problems],
            "changes": [c.to_json() for c in self.changes],
        }


def preview_contacts(vault: Vault, parsed: Parsed[ContactRow]) -> ContactPreview:
    """Set the file's contacts against the vault without writing anything."""
    matcher = CouncilMatcher(Councils(vault).list())
    existing = Contacts(vault).list()
    return _plan(parsed, matcher, existing)


@collector_paused()
def import_contacts(
    vault: Vault, parsed: Parsed[ContactRow], *, skip_bad: bool = False
) -> ContactPreview:
    """Write the preview in one transaction; with any bad row and no ``skip_bad``, raise the
    first problem (naming how many more) and write nothing."""
    with vault.transaction():
        preview = preview_contacts(vault, parsed)
        if preview.problems and not skip_bad:
            raise Parsed(parsed.path, [], preview.problems).first_problem()
        writes = [c.contact for c in preview.changes if c.action != "skip"]
        save_many(vault, writes, audit_detail={"source": "import"}, returning=False)
        if preview.changes:
            vault.audit(
                "import",
                "contact",
                "",
                {
                    "file": parsed.path.name,
                    "added": preview.count("add"),
                    "updated": preview.count("update"),
                    "skipped_bad": len(preview.problems),
                },
            )
    preview.written = True
    return preview


def _plan(
    parsed: Parsed[ContactRow], matcher: CouncilMatcher, existing: Iterable[Contact]
) -> ContactPreview:
    preview = ContactPreview(parsed.path, problems=list(parsed.problems))
    index = _Index(existing)
    written: dict[str, int] = {}  # contact id -> its add or update in ``changes``
    for line, row in parsed.rows:
        incoming = row.contact
        council = _council(row, matcher)
        if isinstance(council, str) and council.startswith("!"):
            preview.problems.append(ImportProblem(parsed.path, council[1:], line))
            continue
        notices = row.notices
        if council:
            incoming = incoming.model_copy(update={"council": council})
        elif incoming.organisation:
            notices = (*notices, _organisation_notice(incoming.organisation))
        found, why = index.find(incoming, row.uid)
        if found is None:
            written[incoming.id] = len(preview.changes)
            preview.changes.append(
                ContactChange(line, "add", incoming, "new contact", None, notices)
            )
            index.put(incoming)
            continue
        merged = _merge(found, incoming)
        if merged == found:
            preview.changes.append(
                ContactChange(line, "skip", found, f"{why}; nothing new", found, notices)
            )
            continue
        earlier = written.get(found.id)
        if earlier is not None:  # a repeat within the file: fold it into the earlier change
            first = preview.changes[earlier]
            preview.changes[earlier] = ContactChange(
                first.line,
                first.action,
                merged,
                f"{first.reason}; merged with line {line}",
                first.existing,
                first.notices,
            )
            preview.changes.append(
                ContactChange(line, "skip", merged, f"merged into line {first.line}", None, notices)
            )
        else:
            written[found.id] = len(preview.changes)
            preview.changes.append(
                ContactChange(line, "update", merged, f"{why}; merged", found, notices)
            )
        index.put(merged)
    preview.problems.sort(key=lambda p: p.line or 0)
    return preview


def _council(row: ContactRow, matcher: CouncilMatcher) -> str | None:
    """The GSS code, None for no council, or "!reason" for a council the vault does not know."""
    given = row.council.strip()
    if given:
        if GSS.match(given.upper()):
            found = matcher.by_code(given)
            if found is None:
                return f"!council {given.upper()} is not in the vault; import the register first"
            return found.gss_code
        found = matcher.by_name(given)
        if found is None:
            return (
                f"!no single council in the vault is called {given!r}; write its GSS code "
                "(such as E08000025) or its name as the register has it"
            )
        return found.gss_code
    if row.contact.organisation:
        found = by_organisation(matcher, row.contact.organisation)
        return found.gss_code if found else None
    return None


def _organisation_notice(organisation: str) -> str:
    """What the preview says of an organisation that matched no council."""
    kind = not_a_council(organisation)
    if kind:
        return f"organisation: {organisation!r} is {kind}, not a council; kept as organisation"
    return (
        f"organisation: {organisation!r} matches no single council in the vault; kept as "
        "organisation (if it is a council, correct the name or add its GSS code)"
    )


class _Index:
    """Contacts by email and by name + council (or organisation); keys lead to an id, and the
    id to the latest version, so a contact merged twice in one file keeps both merges."""

    def __init__(self, contacts: Iterable[Contact]) -> None:
        self.latest: dict[str, Contact] = {}
        self.by_email: dict[str, str] = {}
        self.by_name: dict[tuple[str, str], str] = {}
        self._keys: dict[str, str] = {}  # full_key of each name seen: find, then put, asks twice
        for contact in contacts:
            self.put(contact)

    def _key(self, text: str) -> str:
        key = self._keys.get(text)
        if key is None:
            key = self._keys[text] = full_key(text)
        return key

    def _name_key(self, contact: Contact) -> tuple[str, str]:
        return self._key(contact.name), contact.council or "org:" + self._key(contact.organisation)

    def by_id(self, uid: str) -> Contact | None:
        return self.latest.get(uid) if uid else None

    def put(self, contact: Contact) -> None:
        self.latest[contact.id] = contact
        for email in contact.emails:
            self.by_email[email.lower()] = contact.id
        self.by_name[self._name_key(contact)] = contact.id

    def find(self, contact: Contact, uid: str = "") -> tuple[Contact | None, str]:
        same = self.by_id(uid)
        if same is not None:
            return same, "the same contact, exported from this app"
        for email in contact.emails:
            found = self.by_email.get(email.lower())
            if found is not None:
                return self.latest[found], f"same email as {self.latest[found].name}"
        by_name = self.by_name.get(self._name_key(contact))
        if by_name is not None:
            where = "council" if contact.council else "organisation"
            return self.latest[by_name], f"same name and {where} as an existing contact"
        return None, ""


def _merge(current: Contact, incoming: Contact) -> Contact:
    """Nothing already known is lost: emails and phones are added, empty fields filled."""
    changes: dict[str, Any] = {}
    known = {e.lower(): e for e in current.emails}
    emails = [*current.emails, *(e for e in incoming.emails if e.lower() not in known)]
    emails = list({e.lower(): e for e in reversed(emails)}.values())[::-1]
    phones = list(dict.fromkeys([*current.phones, *incoming.phones]))
    if incoming.lawful_basis != current.lawful_basis and incoming.lawful_basis != _DEFAULT_BASIS:
        changes["lawful_basis"] = incoming.lawful_basis
    if emails != current.emails:
        changes["emails"] = emails
    if phones != current.phones:
        changes["phones"] = phones
    for name in ("role", "organisation", "council", "last_contacted"):
        if not getattr(current, name) and getattr(incoming, name):
            changes[name] = getattr(incoming, name)
    if (
        incoming.last_contacted
        and current.last_contacted
        and incoming.last_contacted > current.last_contacted
    ):
        changes["last_contacted"] = incoming.last_contacted
    return current.model_copy(update=changes) if changes else current
