"""Integrity: a damaged vault is refused clearly and left alone; every change is journalled
exactly once and a failed transaction leaves no trace; the audit log is append-only and its
hash chain shows where it was tampered with."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.domain import Contact, Council, CouncilType, Note, Region, council_id
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.connection import Error
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.errors import VaultDamaged
from sli_desktop.vault.header import header_path
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.pages import NEW_VAULT_PAGE_SIZE
from sli_desktop.vault.session import create_vault, unlock
from sli_desktop.vault.store import Vault
from tests.conftest import PASSPHRASE

SLI = Path(sys.executable).with_name("sli")
PAGE = NEW_VAULT_PAGE_SIZE  # every vault these tests make is new


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


# -- damaged vaults ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed vault (WAL checkpointed away) whose notes span many pages: built once."""
    path = tmp_path_factory.mktemp("damage-template") / "vault" / "big.sli"
    created = create_vault(path, PASSPHRASE, owner="tester", kdf=KdfParams.fast_for_tests())
    with created.vault as vault:
        Councils(vault).upsert_register(
            [
                Council.build(
                    id=council_id("E08000025"),
                    gss_code="E08000025",
                    name="Birmingham City Council",
                    type=CouncilType.METROPOLITAN_DISTRICT,
                    region=Region.WEST_MIDLANDS,
                )
            ]
        )
        with vault.transaction():
            for i in range(80):
                Notes(vault).add(
                    council="E08000025",
                    title=f"Note {i}",
                    body=f"Observation {i}: " + "reserves are thin and falling " * 30,
                    date="2024-05-01",
                )
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, header_path(path).name]
    assert path.stat().st_size // PAGE >= 40
    return path


PAGES = {
    "page-1": lambda n: 1,
    "page-2": lambda n: 2,
    "middle-page": lambda n: n // 2,
    "last-page": lambda n: n,
}


def _damaged_copy(big_vault: Path, tmp_path: Path, which: str) -> Path:
    folder = tmp_path / "damaged"
    shutil.copytree(big_vault.parent, folder)
    path = folder / big_vault.name
    data = bytearray(path.read_bytes())
    page = PAGES[which](len(data) // PAGE)
    data[(page - 1) * PAGE + PAGE // 2] ^= 0x40
    path.write_bytes(bytes(data))
    return path


def test_the_template_vault_is_sound(big_vault: Path, tmp_path: Path) -> None:
    """The control for the damage tests: undamaged, the same vault opens and reads."""
    folder = tmp_path / "sound"
    shutil.copytree(big_vault.parent, folder)
    with unlock(folder / big_vault.name, PASSPHRASE) as vault:
        assert Notes(vault).count() == 80


@pytest.mark.parametrize("which", list(PAGES))
def test_a_damaged_page_is_refused_at_unlock(big_vault: Path, tmp_path: Path, which: str) -> None:
    path = _damaged_copy(big_vault, tmp_path, which)
    before = _digests(path.parent)

    with pytest.raises(VaultDamaged) as caught:
        unlock(path, PASSPHRASE)

    assert f"the vault at {path} is damaged" in str(caught.value)
    assert "restore it from a backup" in str(caught.value)
    assert _digests(path.parent) == before


@pytest.mark.parametrize("which", ["page-1", "middle-page"])
def test_a_damaged_page_is_one_clear_line_from_the_cli(
    big_vault: Path, tmp_path: Path, which: str
) -> None:
    path = _damaged_copy(big_vault, tmp_path, which)
    before = _digests(path.parent)
    env = dict(os.environ, SLI_VAULT=str(path), SLI_PASSPHRASE=PASSPHRASE)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

    done = subprocess.run(
        [str(SLI), "note", "list"], env=env, capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("sli: ") and "damaged" in lines[0]
    assert "Traceback" not in done.stderr
    assert _digests(path.parent) == before


def test_damage_found_while_the_vault_is_open_is_still_vault_damaged(
    big_vault: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "open"
    shutil.copytree(big_vault.parent, folder)
    path = folder / big_vault.name
    with unlock(path, PASSPHRASE) as vault:
        data = bytearray(path.read_bytes())
        pages = len(data) // PAGE
        for page in range(3, pages + 1):  # every page the open connection has not cached
            data[(page - 1) * PAGE + PAGE // 2] ^= 0x40
        path.write_bytes(bytes(data))
        with pytest.raises(VaultDamaged):
            vault.query("PRAGMA quick_check")
        with pytest.raises(VaultDamaged):
            Notes(vault).list()


def test_damage_met_while_upgrading_is_vault_damaged(
    vault: Vault, vault_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page that fails only once the schema upgrade reads it: still the one clear error."""
    from sli_desktop.vault import session

    vault.close()

    def damaged_page(conn: Any, path: Path | None = None) -> int:
        raise Error("database disk image is malformed")

    with monkeypatch.context() as patch:
        patch.setattr(session, "migrate", damaged_page)
        with pytest.raises(VaultDamaged):
            unlock(vault_path, PASSPHRASE)
    unlock(vault_path, PASSPHRASE).close()  # the failure was the (pretend) page, not the vault


@pytest.mark.parametrize("header", ["missing", "garbage", "truncated-json"])
def test_a_damaged_header_is_vault_damaged(vault: Vault, vault_path: Path, header: str) -> None:
    vault.close()
    target = header_path(vault_path)
    if header == "missing":
        target.unlink()
    elif header == "garbage":
        target.write_bytes(os.urandom(200))
    else:
        target.write_text(target.read_text()[:-40])
    before = _digests(vault_path.parent)
    with pytest.raises(VaultDamaged, match="key header"):
        unlock(vault_path, PASSPHRASE)
    assert _digests(vault_path.parent) == before


# -- the outbox --------------------------------------------------------------------------------
def _outbox(vault: Vault, record_id: str) -> list[tuple[Any, ...]]:
    return [
        tuple(row)
        for row in vault.query(
            "SELECT kind, version, base_version, op, payload, change_id FROM outbox "
            "WHERE record_id = ? ORDER BY seq",
            (record_id,),
        )
    ]


def _actions(vault: Vault, record_id: str) -> list[str]:
    return [
        row[0]
        for row in vault.query(
            "SELECT action FROM audit WHERE record_id = ? ORDER BY seq", (record_id,)
        )
    ]


def _counts(vault: Vault) -> tuple[int, ...]:
    return tuple(
        int(vault.scalar(f"SELECT count(*) FROM {table}"))
        for table in ("notes", "contacts", "outbox", "audit", "notes_fts")
    )


def test_create_edit_delete_each_appear_exactly_once_in_the_outbox(
    councils_vault: Vault,
) -> None:
    notes = Notes(councils_vault)
    note = notes.add(council="E08000025", title="First", body="one", date="2024-05-01")
    notes.edit(note.id, title="Second")
    notes.delete(note.id)

    rows = _outbox(councils_vault, note.id)
    assert [(kind, v, base, op) for kind, v, base, op, _p, _c in rows] == [
        ("note", 1, 0, "upsert"),
        ("note", 2, 1, "upsert"),
        ("note", 3, 2, "delete"),
    ]
    payloads = [json.loads(row[4]) for row in rows]
    assert [(p["id"], p["version"], p["title"], p["deleted"]) for p in payloads] == [
        (note.id, 1, "First", False),
        (note.id, 2, "Second", False),
        (note.id, 3, "Second", True),
    ]
    assert len({row[5] for row in rows}) == 3
    assert _actions(councils_vault, note.id) == ["create", "edit", "delete"]
    stored = councils_vault.get(Note, note.id)
    assert stored is not None and stored.version == 3 and stored.deleted


def test_every_kind_of_record_is_journalled(councils_vault: Vault) -> None:
    contact = Contacts(councils_vault).add(name="Alex Morgan", council="E08000025")
    rows = _outbox(councils_vault, contact.id)
    assert [(kind, v, base, op) for kind, v, base, op, _p, _c in rows] == [
        ("contact", 1, 0, "upsert")
    ]
    councils = councils_vault.scalar("SELECT count(*) FROM councils")
    assert councils_vault.scalar("SELECT count(*) FROM outbox WHERE kind = 'council'") == councils


def test_a_transaction_that_raises_leaves_no_trace(councils_vault: Vault) -> None:
    notes = Notes(councils_vault)
    kept = notes.add(council="E08000025", title="Kept", date="2024-05-01")
    before = _counts(councils_vault)
    kept_outbox = _outbox(councils_vault, kept.id)

    with pytest.raises(RuntimeError, match="changed my mind"), councils_vault.transaction():
        added = notes.add(council="E08000025", title="Rolled back", date="2024-05-01")
        Contacts(councils_vault).add(name="Rolled Back", council="E08000025")
        notes.edit(kept.id, title="Edited then rolled back")
        notes.delete(kept.id)
        raise RuntimeError("changed my mind")

    assert _counts(councils_vault) == before
    assert councils_vault.get(Note, added.id) is None
    assert _outbox(councils_vault, added.id) == []
    assert _actions(councils_vault, added.id) == []
    assert _outbox(councils_vault, kept.id) == kept_outbox
    stored = councils_vault.get(Note, kept.id)
    assert stored is not None and (stored.title, stored.version) == ("Kept", 1)
    assert not councils_vault.records(Contact, "name = ?", ("Rolled Back",))
    # The hash chain picks up from the last committed entry, not the rolled-back ones.
    notes.add(council="E08000025", title="After", date="2024-05-01")
    assert AuditLog(councils_vault).verify() is None


def test_a_database_error_inside_a_transaction_rolls_everything_back(
    councils_vault: Vault,
) -> None:
    before = _counts(councils_vault)
    with pytest.raises(Error, match="CHECK"), councils_vault.transaction():
        added = Notes(councils_vault).add(council="E08000025", title="Doomed", date="2024-05-01")
        councils_vault.conn.execute(
            "INSERT INTO outbox(change_id, kind, record_id, version, base_version, op, payload, "
            "created_at) VALUES ('x', 'note', 'x', 1, 0, 'bogus', '{}', '')"
        )
    assert _counts(councils_vault) == before
    assert councils_vault.get(Note, added.id) is None
    assert AuditLog(councils_vault).verify() is None


def test_a_rolled_back_change_survives_nowhere_after_reopening(
    councils_vault: Vault, vault_path: Path
) -> None:
    with pytest.raises(KeyError), councils_vault.transaction():
        added = Notes(councils_vault).add(council="E08000025", title="Ghost", date="2024-05-01")
        raise KeyError("boom")
    councils_vault.close()
    with unlock(vault_path, PASSPHRASE) as vault:
        assert vault.get(Note, added.id) is None
        assert _outbox(vault, added.id) == []
        assert _actions(vault, added.id) == []


# -- the audit log -----------------------------------------------------------------------------
def _audit_rows(vault: Vault) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in vault.query("SELECT * FROM audit ORDER BY seq")]


@pytest.fixture(scope="module")
def audit_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed vault with a few dozen audit entries: built once, copied per test."""
    path = tmp_path_factory.mktemp("audit-template") / "vault" / "test.sli"
    created = create_vault(path, PASSPHRASE, owner="tester", kdf=KdfParams.fast_for_tests())
    with created.vault as vault:
        Councils(vault).upsert_register(
            [
                Council.build(
                    id=council_id("E08000025"),
                    gss_code="E08000025",
                    name="Birmingham City Council",
                    type=CouncilType.METROPOLITAN_DISTRICT,
                    region=Region.WEST_MIDLANDS,
                )
            ]
        )
        notes = Notes(vault)
        for i in range(4):
            note = notes.add(council="E08000025", title=f"Note {i}", date="2024-05-01")
            notes.edit(note.id, body=f"More on note {i}")
        vault.audit("read", "note", note.id)
    return path


@pytest.fixture
def audited(audit_template: Path, vault_path: Path) -> Iterator[Vault]:
    """This test's own copy of the audit template, unlocked, at ``vault_path``."""
    shutil.copytree(audit_template.parent, vault_path.parent)
    with unlock(vault_path, PASSPHRASE) as vault:
        yield vault


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit SET action = 'nothing happened' WHERE seq = 2",
        "UPDATE audit SET detail = '{}'",
        "DELETE FROM audit WHERE seq = 2",
        "DELETE FROM audit",
    ],
)
def test_the_audit_log_is_append_only(audited: Vault, statement: str) -> None:
    rows = _audit_rows(audited)
    assert len(rows) > 10

    with pytest.raises(Error, match="append-only"):
        audited.conn.execute(statement)
    with pytest.raises(Error, match="append-only"), audited.transaction():
        audited.conn.execute(statement)

    assert _audit_rows(audited) == rows
    assert AuditLog(audited).verify() is None


def test_a_good_audit_log_verifies(audited: Vault, vault_path: Path) -> None:
    assert AuditLog(audited).verify() is None
    actions = [e.action for e in AuditLog(audited).entries()]
    assert actions[0] == "vault-created" and actions.count("edit") == 4 and actions[-1] == "read"
    audited.close()
    with unlock(vault_path, PASSPHRASE) as vault:
        assert AuditLog(vault).verify() is None


def _untriggered(vault: Vault) -> None:
    vault.conn.execute("DROP TRIGGER audit_no_update")
    vault.conn.execute("DROP TRIGGER audit_no_delete")


@pytest.mark.parametrize(
    "column, value",
    [
        ("detail", '{"version": 99}'),
        ("actor", "someone else"),
        ("action", "read"),
        ("at", "2000-01-01T00:00:00+00:00"),
        ("record_id", "00000000-0000-0000-0000-000000000000"),
        ("hash", "f" * 64),
        ("prev_hash", "0" * 64),
    ],
)
def test_an_altered_audit_entry_is_found(audited: Vault, column: str, value: str) -> None:
    tampered = int(audited.scalar("SELECT seq FROM audit ORDER BY seq LIMIT 1 OFFSET 5"))
    _untriggered(audited)
    audited.conn.execute(f"UPDATE audit SET {column} = ? WHERE seq = ?", (value, tampered))
    assert AuditLog(audited).verify() == tampered


def test_a_removed_audit_entry_is_found(audited: Vault) -> None:
    seqs = [int(r[0]) for r in audited.query("SELECT seq FROM audit ORDER BY seq")]
    _untriggered(audited)
    audited.conn.execute("DELETE FROM audit WHERE seq = ?", (seqs[4],))
    assert AuditLog(audited).verify() == seqs[5]


def test_the_cli_reports_a_broken_audit_chain(audited: Vault, cli) -> None:
    assert cli("audit", "--verify").code == 0
    tampered = int(audited.scalar("SELECT seq FROM audit ORDER BY seq LIMIT 1 OFFSET 3"))
    _untriggered(audited)
    audited.conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = ?", (tampered,))
    audited.close()
    result = cli("audit", "--verify")
    assert result.code == 2
    assert result.err == f"sli: the audit chain breaks at entry {tampered}\n"


def test_insert_or_replace_cannot_rewrite_the_audit_log(councils_vault) -> None:
    """With recursive triggers on, REPLACE fires the append-only delete trigger."""
    import pytest as _pytest

    seq = councils_vault.scalar("SELECT min(seq) FROM audit")
    with _pytest.raises(Exception, match="append-only"), councils_vault.transaction():
        councils_vault.conn.execute(
            "INSERT OR REPLACE INTO audit(seq, at, actor, action, prev_hash, hash) "
            "VALUES (?, 'x', 'x', 'x', 'x', 'x')",
            (seq,),
        )
    assert councils_vault.scalar("SELECT action FROM audit WHERE seq = ?", (seq,)) != "x"


def test_a_failed_nested_save_leaves_no_trace(councils_vault) -> None:
    """A save that fails inside an outer transaction, caught by the caller, is undone whole."""
    from sli_desktop.domain import Note
    from sli_desktop.vault.notes import Notes

    before = [
        councils_vault.scalar(f"SELECT count(*) FROM {t}") for t in ("notes", "outbox", "audit")
    ]
    note = Note.build(council="E08000025", date="2026-01-01", title="Kept")
    with councils_vault.transaction():
        Notes(councils_vault).add(council="E08000025", date="2026-01-02", title="First")
        try:
            with councils_vault.transaction():
                councils_vault.save(note)
                raise RuntimeError("fails after writing row, outbox and audit")
        except RuntimeError:
            pass
    after = [
        councils_vault.scalar(f"SELECT count(*) FROM {t}") for t in ("notes", "outbox", "audit")
    ]
    assert after == [before[0] + 1, before[1] + 1, before[2] + 1]
    assert councils_vault.get(Note, note.id) is None


def test_a_failed_joined_batch_rolls_back_the_whole_transaction(councils_vault) -> None:
    """A bulk write joins the caller's transaction without a savepoint: if it fails and the
    caller carries on, nothing of the transaction is committed and the caller is told."""
    from sli_desktop.domain import Note
    from sli_desktop.vault.bulk import save_many
    from sli_desktop.vault.errors import TransactionFailed
    from sli_desktop.vault.notes import Notes

    tables = ("notes", "outbox", "audit")
    before = [councils_vault.scalar(f"SELECT count(*) FROM {t}") for t in tables]
    kept = Note.build(council="E08000025", date="2026-01-01", title="Kept")
    failed = pytest.raises(TransactionFailed, match="none of the change was saved")
    with failed, councils_vault.transaction():
        Notes(councils_vault).add(council="E08000025", date="2026-01-02", title="First")
        try:
            with councils_vault.transaction(savepoint=False):
                save_many(councils_vault, [kept])
                raise RuntimeError("fails after writing rows, outbox and audit")
        except RuntimeError:
            pass
    assert [councils_vault.scalar(f"SELECT count(*) FROM {t}") for t in tables] == before
    assert councils_vault.get(Note, kept.id) is None
    # The vault carries on: the next transaction commits as usual.
    Notes(councils_vault).add(council="E08000025", date="2026-01-03", title="After")
    assert councils_vault.scalar("SELECT count(*) FROM notes") == before[0] + 1


def test_a_joined_batch_commits_with_its_transaction(councils_vault) -> None:
    from sli_desktop.domain import Note
    from sli_desktop.vault.bulk import save_many

    notes = [
        Note.build(council="E08000025", date="2026-01-01", title=f"Batch {i}") for i in range(3)
    ]
    with councils_vault.transaction():
        save_many(councils_vault, notes, returning=False)
        assert councils_vault.scalar("SELECT count(*) FROM notes WHERE title LIKE 'Batch %'") == 3
    assert councils_vault.scalar("SELECT count(*) FROM notes WHERE title LIKE 'Batch %'") == 3
    assert councils_vault.scalar("SELECT count(*) FROM outbox WHERE kind = 'note'") >= 3
