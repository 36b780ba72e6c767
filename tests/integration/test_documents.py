"""Encrypted documents: attached whole, read back byte for byte, saved only where asked, deleted
everywhere, refused in one sentence when missing, unreadable or over 20 MB."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from sli_desktop.domain import Council
from sli_desktop.domain.document import MAX_DOCUMENT_BYTES, PART_BYTES, Document, DocumentPart
from sli_desktop.domain.errors import ValidationError
from sli_desktop.vault.documents import DocumentError, Documents
from sli_desktop.vault.errors import NotFound
from sli_desktop.vault.store import Vault
from sli_desktop.vault.syncstate import SyncState


def _council(vault: Vault, gss: str = "E08000025") -> Council:
    found = vault.records(Council, "gss_code = ?", (gss,))
    return found[0]


def test_attach_and_read_back_a_multi_part_document(councils_vault: Vault, tmp_path: Path) -> None:
    council = _council(councils_vault)
    content = os.urandom(PART_BYTES * 2 + 12345)
    source = tmp_path / "terms of engagement.pdf"
    source.write_bytes(content)
    docs = Documents(councils_vault)
    document = docs.attach("council", council.id, source)
    assert document.filename == "terms of engagement.pdf"
    assert document.media_type == "application/pdf"
    assert document.size == len(content) and document.parts == 3
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.council == "E08000025"  # routed by the owner's council
    assert docs.content(document.id) == content
    assert [d.id for d in docs.for_owner("council", council.id)] == [document.id]
    # Every part travels as its own change, each carrying the council for routing.
    kinds = [row.kind for row in SyncState(councils_vault).outbox()]
    assert kinds.count("document-part") == 3 and kinds.count("document") == 1


def test_the_content_is_not_on_disk_in_clear(councils_vault: Vault) -> None:
    council = _council(councils_vault)
    secret = b"CONFIDENTIAL-TERMS-" + os.urandom(16).hex().encode()
    Documents(councils_vault).attach_bytes("council", council.id, "terms.txt", secret * 50)
    councils_vault.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    folder = councils_vault.path.parent
    for path in folder.iterdir():
        if path.is_file():
            data = path.read_bytes()
            assert secret not in data, path
            assert secret[:16] not in data


def test_save_copy_writes_only_the_chosen_file(councils_vault: Vault, tmp_path: Path) -> None:
    council = _council(councils_vault)
    docs = Documents(councils_vault)
    document = docs.attach_bytes("council", council.id, "a/b/../terms.docx", b"hello")
    assert document.filename == "terms.docx"  # never a folder path from elsewhere
    out = tmp_path / "out"
    out.mkdir()
    written = docs.save_copy(document.id, out / "copy.docx")
    assert written.read_bytes() == b"hello"
    assert sorted(p.name for p in out.iterdir()) == ["copy.docx"]  # no temporary left behind
    into_folder = docs.save_copy(document.id, out)
    assert into_folder == out / "terms.docx"
    with pytest.raises(DocumentError, match="no folder"):
        docs.save_copy(document.id, tmp_path / "missing" / "x.docx")


def test_one_sentence_errors(councils_vault: Vault, tmp_path: Path) -> None:
    council = _council(councils_vault)
    docs = Documents(councils_vault)
    with pytest.raises(DocumentError, match="no file at"):
        docs.attach("council", council.id, tmp_path / "nope.pdf")
    with pytest.raises(DocumentError, match="is not a file"):
        docs.attach("council", council.id, tmp_path)
    big = tmp_path / "big.pdf"
    with big.open("wb") as handle:
        handle.truncate(MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(DocumentError, match=r"at most 20 MB") as caught:
        docs.attach("council", council.id, big)
    assert "\n" not in str(caught.value)
    with pytest.raises(DocumentError, match="at most 20 MB"):
        docs.attach_bytes("council", council.id, "x.bin", b"\0" * (MAX_DOCUMENT_BYTES + 1))
    if os.geteuid() != 0:
        locked = tmp_path / "locked.pdf"
        locked.write_bytes(b"x")
        locked.chmod(0)
        with pytest.raises(DocumentError, match="cannot read"):
            docs.attach("council", council.id, locked)
    with pytest.raises(NotFound):
        docs.attach_bytes("council", "00000000-0000-0000-0000-000000000000", "x.txt", b"x")
    with pytest.raises(ValidationError):
        docs.attach_bytes("spaceship", council.id, "x.txt", b"x")
    # Nothing half-written by any refusal.
    assert councils_vault.records(Document) == [] and councils_vault.records(DocumentPart) == []


def test_exactly_20_mb_is_accepted(councils_vault: Vault) -> None:
    council = _council(councils_vault)
    docs = Documents(councils_vault)
    content = b"\1" * MAX_DOCUMENT_BYTES
    document = docs.attach_bytes("council", council.id, "max.bin", content)
    assert document.parts == 20 and docs.content(document.id) == content


def test_delete_empties_the_parts(councils_vault: Vault) -> None:
    council = _council(councils_vault)
    docs = Documents(councils_vault)
    document = docs.attach_bytes("council", council.id, "t.txt", b"secret terms")
    deleted = docs.delete(document.id)
    assert deleted.deleted
    assert docs.for_owner("council", council.id) == []
    parts = councils_vault.records(DocumentPart, "document_id = ?", (document.id,))
    assert parts and all(p.deleted and p.data == "" for p in parts)
    with pytest.raises(NotFound):
        docs.content(document.id)


def test_an_incomplete_document_says_so(councils_vault: Vault) -> None:
    council = _council(councils_vault)
    docs = Documents(councils_vault)
    document = docs.attach_bytes("council", council.id, "t.bin", os.urandom(PART_BYTES + 1))
    part = councils_vault.records(DocumentPart, "document_id = ? AND number = 1", (document.id,))
    councils_vault.save(part[0].evolve(deleted=True))
    with pytest.raises(DocumentError, match="not fully arrived"):
        docs.content(document.id)
