"""Documents attached to records, held only inside the encrypted vault.

Any service can attach a file to a record it owns (a board's terms of engagement, a council's
self-assessment): ``Documents(vault).attach("board", board.id, path)``. The content is split
into ``DocumentPart`` records so it syncs, like any record, to whoever can see the owner's
council, within the server's request size limit. Nothing is ever written outside the vault
except by ``save_copy``, to the place the user chose.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from pathlib import Path

from ..domain import Record
from ..domain.document import MAX_DOCUMENT_BYTES, PART_BYTES, Document, DocumentPart
from ..domain.errors import ValidationError
from ..private_file import write_private
from . import codec
from .errors import NotFound, VaultError
from .store import Vault

MAX_MB = MAX_DOCUMENT_BYTES // (1024 * 1024)


class DocumentError(VaultError):
    """A document that cannot be attached, read or saved: one sentence for the user."""


class Documents:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    # -- attaching ---------------------------------------------------------------------------
    def attach(self, owner_kind: str, owner_id: str, source: Path) -> Document:
        """Read ``source`` whole into the vault (the file itself is left as it was). Up to
        20 MB read and written: never on the window's thread (``Vault.bulk_work``)."""
        self.vault.bulk_work()
        path = Path(source).expanduser()
        if not path.exists():
            raise DocumentError(f"no file at {path}")
        if not path.is_file():
            raise DocumentError(f"{path} is not a file")
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise DocumentError(f"cannot read {path}: {exc.strerror or exc}") from None
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError(_too_large(path.name, size))
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise DocumentError(f"cannot read {path}: {exc.strerror or exc}") from None
        return self.attach_bytes(owner_kind, owner_id, path.name, content)

    def attach_bytes(
        self,
        owner_kind: str,
        owner_id: str,
        filename: str,
        content: bytes,
        media_type: str | None = None,
    ) -> Document:
        if len(content) > MAX_DOCUMENT_BYTES:
            raise DocumentError(_too_large(filename, len(content)))
        owner = self._owner(owner_kind, owner_id)
        council = _council_of(owner)
        guessed = mimetypes.guess_type(filename.replace("\\", "/").rsplit("/", 1)[-1])[0]
        chunks = [content[i : i + PART_BYTES] for i in range(0, len(content), PART_BYTES)]
        document = Document.build(
            owner_kind=owner_kind,
            owner_id=owner.id,
            council=council,
            filename=filename,
            media_type=media_type or guessed or "application/octet-stream",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            parts=len(chunks),
        )
        with self.vault.transaction():
            for number, chunk in enumerate(chunks):
                part = DocumentPart.build(
                    document_id=document.id,
                    council=council,
                    number=number,
                    data=base64.b64encode(chunk).decode("ascii"),
                )
                self.vault.save(part, audit_detail={"document_id": document.id})
            saved = self.vault.save(
                document,
                audit_detail={"owner_kind": owner_kind, "owner_id": owner.id, "size": len(content)},
            )
        return saved

    # -- reading -----------------------------------------------------------------------------
    def get(self, document_id: str) -> Document:
        found = self.vault.get(Document, document_id.strip())
        if found is None or found.deleted:
            raise NotFound(f"no document {document_id!r} in the vault")
        return found

    def for_owner(self, owner_kind: str, owner_id: str) -> list[Document]:
        return self.vault.records(
            Document,
            "deleted = 0 AND owner_kind = ? AND owner_id = ?",
            (owner_kind, owner_id),
            order="created_at, seq",
        )

    def content(self, document_id: str) -> bytes:
        """The whole content, checked against its size and SHA-256; a document whose parts
        have not all arrived yet says so rather than returning half a file."""
        document = self.get(document_id)
        parts = self.vault.records(
            DocumentPart, "document_id = ? AND deleted = 0", (document.id,), order="number"
        )
        if [p.number for p in parts] != list(range(document.parts)):
            raise DocumentError(
                f"{document.filename} has not fully arrived on this device yet; sync again"
            )
        content = b"".join(p.content() for p in parts)
        if len(content) != document.size or hashlib.sha256(content).hexdigest() != document.sha256:
            raise DocumentError(
                f"{document.filename} does not match its checksum; sync again or attach it anew"
            )
        return content

    def save_copy(self, document_id: str, target: Path) -> Path:
        """Write the document where the user asked (a folder means its own name in that
        folder): owner-only and atomic, so never half a file nor one others can read."""
        document = self.get(document_id)
        content = self.content(document.id)
        path = Path(target).expanduser()
        if path.is_dir():
            path = path / document.filename
        folder = path.parent
        if not folder.is_dir():
            raise DocumentError(f"no folder {folder} to save {document.filename} in")
        try:
            write_private(path, content)
        except OSError as exc:
            raise DocumentError(f"cannot save {path}: {exc.strerror or exc}") from None
        self.vault.audit("export", document.kind, document.id, {"size": document.size})
        return path

    # -- deleting ----------------------------------------------------------------------------
    def delete(self, document_id: str) -> Document:
        """Tombstone the document and empty its parts, so the content leaves every vault."""
        document = self.get(document_id)
        with self.vault.transaction():
            for part in self.vault.records(DocumentPart, "document_id = ?", (document.id,)):
                if not part.deleted:
                    self.vault.save(part.evolve(data="", deleted=True))
            return self.vault.delete(document)

    def delete_for_owner(self, owner_kind: str, owner_id: str) -> int:
        """Delete every document of a record being deleted; returns how many."""
        with self.vault.transaction():
            found = self.for_owner(owner_kind, owner_id)
            for document in found:
                self.delete(document.id)
        return len(found)

    # -- helpers -----------------------------------------------------------------------------
    def _owner(self, owner_kind: str, owner_id: str) -> Record:
        cls = codec.TYPES_BY_KIND.get(owner_kind)
        if cls is None or cls in (Document, DocumentPart):
            raise ValidationError("owner_kind", f"cannot attach a document to a {owner_kind!r}")
        owner = self.vault.get(cls, owner_id.strip())
        if owner is None or owner.deleted:
            raise NotFound(f"no {owner_kind} {owner_id!r} in the vault to attach a document to")
        if getattr(owner, "private", False):
            raise DocumentError("documents cannot be attached to a private note")
        return owner


def _council_of(owner: Record) -> str | None:
    """Where the owner lives: its ``council`` field, or the council itself."""
    council = getattr(owner, "council", None) or getattr(owner, "gss_code", None)
    return str(council) if council else None


def _too_large(name: str, size: int) -> str:
    return (
        f"{name} is {size / (1024 * 1024):.1f} MB; documents may be at most {MAX_MB} MB, "
        "so attach a smaller or compressed copy"
    )
