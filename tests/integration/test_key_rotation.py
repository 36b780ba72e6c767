"""Key rotation (issue 20 item 5): "change passphrase and re-encrypt" gives the vault a new raw
key, so an old header (or backup) and the old passphrase open nothing that is left; a kill -9
at any point leaves the old vault or the new one, never neither and never a mix."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sli_desktop.vault import files, keys
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.backup import backup, restore
from sli_desktop.vault.connection import open_connection
from sli_desktop.vault.errors import VaultDamaged, WrongPassphrase, WrongRecoveryKey
from sli_desktop.vault.header import Header, header_path, read_header
from sli_desktop.vault.migrations import backup_path
from sli_desktop.vault.pages import NEW_VAULT_PAGE_SIZE, SHA256, SHA512, PageFormat
from sli_desktop.vault.rotate import RotationCancelled, VaultInUse
from sli_desktop.vault.session import change_passphrase, unlock, unlock_with_recovery_key
from tests.conftest import PASSPHRASE
from tests.integration.vault_files_support import (
    NEW_PASSPHRASE,
    add_notes,
    digests,
    make_vault,
    note_ids,
    one_line_error,
    sli,
)
from tests.memory_keystore import MemoryKeyStore

THIRD_PASSPHRASE = "copper meadow falcon sixteen ribbons"


@pytest.fixture
def made(vault_path: Path) -> tuple[Path, str, list[str]]:
    recovery, ids = make_vault(vault_path)
    return vault_path, recovery, ids


def _old_key(path: Path) -> bytes:
    key = read_header(path).unwrap_with_passphrase(PASSPHRASE)
    assert key is not None
    return key


# -- what rotation gives ---------------------------------------------------------------------
def test_rotation_makes_the_old_header_and_passphrase_useless(
    made: tuple[Path, str, list[str]], tmp_path: Path
) -> None:
    path, _recovery, ids = made
    old_header_bytes = header_path(path).read_bytes()
    old = read_header(path)
    old_key = _old_key(path)

    new_recovery = change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE, rotate_key=True)

    new = read_header(path)
    assert new_recovery is not None
    assert new.vault_id == old.vault_id
    assert new.key_check != old.key_check
    new_key = new.unwrap_with_passphrase(NEW_PASSPHRASE)
    assert new_key is not None and new_key != old_key
    assert new.kdf == keys.KdfParams()  # today's cost, not the test vault's cheap one
    # The old key opens nothing that is left: not the vault file directly...
    with pytest.raises(VaultDamaged):
        open_connection(path, old_key, pages=old.pages).close()
    # ...nor with a copy of the old header put back beside it.
    header_path(path).write_bytes(old_header_bytes)
    with pytest.raises(VaultDamaged):
        unlock(path, PASSPHRASE).close()
    header_path(path).write_bytes(json.dumps(new.to_json()).encode())
    with unlock(path, NEW_PASSPHRASE) as vault:
        assert note_ids(vault) == set(ids)
        assert vault.query("PRAGMA integrity_check") == [("ok",)]
        assert AuditLog(vault).verify() is None
        last = AuditLog(vault).entries()[-1]
        assert last.action == "passphrase-changed"
    with pytest.raises(WrongPassphrase):
        unlock(path, PASSPHRASE)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, header_path(path).name]


def test_the_re_encrypted_vault_is_owner_only_whatever_the_umask(
    made: tuple[Path, str, list[str]], umask: int
) -> None:
    path, _recovery, _ids = made
    change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE, rotate_key=True)
    assert path.stat().st_mode & 0o777 == 0o600
    assert header_path(path).stat().st_mode & 0o777 == 0o600


def test_rotation_removes_the_copies_taken_before_schema_upgrades(
    made: tuple[Path, str, list[str]],
) -> None:
    """A copy taken before a migration is under the old key: the old header and passphrase
    would open it, so a rotation removes it (a plain change leaves it)."""
    path, _recovery, _ids = made
    copy = backup_path(path, 2)
    shutil.copy2(path, copy)
    change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE)
    assert copy.exists()
    change_passphrase(path, NEW_PASSPHRASE, THIRD_PASSPHRASE, rotate_key=True)
    assert not copy.exists()
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".bak")]
    with unlock(path, THIRD_PASSPHRASE) as vault:
        rotated = [e for e in AuditLog(vault).entries() if e.action == "passphrase-changed"]
    assert json.loads(rotated[-1].detail) == {"key": "rotated", "removed_copies": 1}


def test_rotation_issues_a_new_recovery_key_and_retires_the_old_one(
    made: tuple[Path, str, list[str]],
) -> None:
    path, recovery, ids = made
    new_recovery = change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE, rotate_key=True)
    assert new_recovery is not None and new_recovery != recovery
    with pytest.raises(WrongRecoveryKey):
        unlock_with_recovery_key(path, recovery, THIRD_PASSPHRASE)
    with unlock_with_recovery_key(path, new_recovery, THIRD_PASSPHRASE) as vault:
        assert note_ids(vault) == set(ids)
    unlock(path, THIRD_PASSPHRASE).close()


def test_a_plain_change_keeps_the_key(made: tuple[Path, str, list[str]]) -> None:
    path, _recovery, _ids = made
    before = read_header(path)
    assert change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE) is None
    assert read_header(path).key_check == before.key_check


def test_backups_made_before_keep_the_old_key(
    made: tuple[Path, str, list[str]], tmp_path: Path
) -> None:
    """By design: a backup is a copy of that day, under that day's key and passphrase."""
    path, _recovery, ids = made
    bundle = tmp_path / "before.slibak"
    with unlock(path, PASSPHRASE) as vault:
        backup(vault, bundle)
    change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE, rotate_key=True)
    elsewhere = tmp_path / "elsewhere" / "restored.sli"
    restore(bundle, elsewhere, PASSPHRASE)
    with unlock(elsewhere, PASSPHRASE) as vault:
        assert note_ids(vault) == set(ids)


def test_a_remembered_key_is_replaced_by_the_new_one(made: tuple[Path, str, list[str]]) -> None:
    path, _recovery, ids = made
    store = MemoryKeyStore()
    vault_id = read_header(path).vault_id
    store.set(vault_id, _old_key(path).hex())
    change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE, rotate_key=True, keystore=store)
    new_key = read_header(path).unwrap_with_passphrase(NEW_PASSPHRASE)
    assert new_key is not None and store.get(vault_id) == new_key.hex()
    with unlock(path, keystore=store) as vault:  # no passphrase: the remembered key
        assert note_ids(vault) == set(ids)


def test_a_keyring_that_will_not_take_the_new_key_forgets_the_old(
    made: tuple[Path, str, list[str]],
) -> None:
    path, _recovery, _ids = made
    vault_id = read_header(path).vault_id
    old_hex = _old_key(path).hex()

    class Refusing(MemoryKeyStore):
        def set(self, name: str, secret: str) -> bool:
            return secret == old_hex and super().set(name, secret)

    store = Refusing()
    assert store.set(vault_id, old_hex)
    change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE, rotate_key=True, keystore=store)
    assert store.get(vault_id) is None


def test_a_key_not_remembered_is_not_remembered_after(made: tuple[Path, str, list[str]]) -> None:
    path, _recovery, _ids = made
    store = MemoryKeyStore()
    change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE, rotate_key=True, keystore=store)
    assert store.get(read_header(path).vault_id) is None


def test_progress_runs_to_its_total(made: tuple[Path, str, list[str]]) -> None:
    path, _recovery, _ids = made
    seen: list[tuple[int, int]] = []
    change_passphrase(
        path,
        PASSPHRASE,
        NEW_PASSPHRASE,
        rotate_key=True,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen and seen[-1][0] == seen[-1][1]
    dones = [d for d, _ in seen]
    assert dones == sorted(dones)
    assert all(0 < d <= t for d, t in seen)


# -- refusals leave everything as it was -----------------------------------------------------
def test_a_wrong_old_passphrase_changes_nothing(made: tuple[Path, str, list[str]]) -> None:
    path, _recovery, _ids = made
    before = digests(path.parent)
    with pytest.raises(WrongPassphrase):
        change_passphrase(path, "not the passphrase at all", NEW_PASSPHRASE, rotate_key=True)
    assert digests(path.parent) == before


def test_a_vault_open_elsewhere_is_refused_and_left_alone(
    made: tuple[Path, str, list[str]],
) -> None:
    path, _recovery, ids = made
    other = unlock(path, PASSPHRASE)
    try:
        with pytest.raises(VaultInUse, match="open in another"):
            change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE, rotate_key=True)
        assert note_ids(other) == set(ids)
    finally:
        other.close()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, header_path(path).name]
    unlock(path, PASSPHRASE).close()


def _asks_in_a_whole_rotation(path: Path, tmp_path: Path) -> int:
    """How many times a rotation of a copy of ``path`` asks whether it is cancelled."""
    copy = tmp_path / "counting" / path.name
    shutil.copytree(path.parent, copy.parent)
    asked = 0

    def never() -> bool:
        nonlocal asked
        asked += 1
        return False

    change_passphrase(copy, PASSPHRASE, NEW_PASSPHRASE, rotate_key=True, cancelled=never)
    return asked


def _cancel_at(path: Path, when: int) -> None:
    ids = None
    with unlock(path, PASSPHRASE) as vault:
        ids = note_ids(vault)
    header_before = header_path(path).read_bytes()
    asked = 0

    def cancelled() -> bool:
        nonlocal asked
        asked += 1
        return asked >= when

    with pytest.raises(RotationCancelled):
        change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE, rotate_key=True, cancelled=cancelled)
    assert asked == when
    assert header_path(path).read_bytes() == header_before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name, header_path(path).name]
    with unlock(path, PASSPHRASE) as vault:
        assert note_ids(vault) == ids


@pytest.mark.parametrize("when", ["first", "last"])
def test_cancelling_before_the_swap_changes_nothing(
    made: tuple[Path, str, list[str]], tmp_path: Path, when: str
) -> None:
    path, _recovery, _ids = made
    _cancel_at(path, 1 if when == "first" else _asks_in_a_whole_rotation(path, tmp_path))


def test_cancelling_during_the_copy_changes_nothing(
    template: tuple[Path, list[str]], tmp_path: Path
) -> None:
    source, _ids = template
    asks = _asks_in_a_whole_rotation(source, tmp_path)
    assert asks >= 3  # before, at least once during the copy, after the check
    path = tmp_path / "cancelled" / source.name
    shutil.copytree(source.parent, path.parent)
    _cancel_at(path, 2)


# -- the journal -------------------------------------------------------------------------------
def _staged(path: Path) -> list[Path]:
    rotating = files.rotating_path(path)
    return [rotating, header_path(rotating), files.committed_header_path(path)]


def test_an_uncommitted_rotation_is_undone_by_the_next_open(
    made: tuple[Path, str, list[str]],
) -> None:
    path, _recovery, ids = made
    rotating = files.rotating_path(path)
    shutil.copy2(path, rotating)  # stands for a half-made copy
    header_path(rotating).write_text("{}")
    with unlock(path, PASSPHRASE) as vault:
        assert note_ids(vault) == set(ids)
    assert not any(p.exists() for p in _staged(path))


def test_a_running_rotation_is_left_to_finish(made: tuple[Path, str, list[str]]) -> None:
    """Another process opening meanwhile must not delete the staged files under it: the
    rotation holds the vault exclusively until its commit."""
    path, _recovery, _ids = made
    header = read_header(path)
    holder = open_connection(path, _old_key(path), pages=header.pages)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("COMMIT")
        rotating = files.rotating_path(path)
        rotating.write_bytes(b"being written")
        read_header(path)
        assert rotating.exists()
    finally:
        holder.close()
    read_header(path)
    assert not rotating.exists()


def test_a_committed_rotation_with_a_stale_wal_is_finished_without_it(
    made: tuple[Path, str, list[str]], tmp_path: Path
) -> None:
    """Killed after the commit, with the old vault's WAL still beside it: the swap is finished
    on the next open, and no old frame is replayed into the new file."""
    path, _recovery, ids = made
    # A WAL with frames in it, as a writer killed mid-session leaves one.
    child = subprocess.run(
        [sys.executable, "-c", _WRITE_AND_DIE, str(path)],
        env=dict(os.environ, SLI_PASSPHRASE=PASSPHRASE),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    wal = path.with_name(path.name + "-wal")
    assert wal.stat().st_size > 0
    old_db, stale_wal = tmp_path / "old-db", tmp_path / "old-wal"
    shutil.copy2(path, old_db)
    shutil.copy2(wal, stale_wal)
    old_header = header_path(path).read_bytes()
    with unlock(path, PASSPHRASE) as vault:
        ids = sorted(note_ids(vault))
    change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE, rotate_key=True)
    # The state a kill right after the commit leaves: the new pair staged and committed, the
    # old pair in place, and here the old WAL still holding frames.
    os.replace(path, files.rotating_path(path))
    os.replace(header_path(path), files.committed_header_path(path))
    shutil.copy2(old_db, path)
    shutil.copy2(stale_wal, wal)
    header_path(path).write_bytes(old_header)

    with unlock(path, NEW_PASSPHRASE) as vault:
        assert sorted(note_ids(vault)) == ids
        assert vault.query("PRAGMA integrity_check") == [("ok",)]
    assert not any(p.exists() for p in _staged(path))
    assert sli(path, "vault", "check", passphrase=NEW_PASSPHRASE).code == 0


_WRITE_AND_DIE = r"""
import os, signal, sys
from pathlib import Path
from sli_desktop.vault.session import unlock
from tests.integration.vault_files_support import add_notes
vault = unlock(Path(sys.argv[1]), os.environ["SLI_PASSPHRASE"])
add_notes(vault, 5, start=1000)
os.kill(os.getpid(), signal.SIGKILL)
"""


# -- kill -9 at every point ------------------------------------------------------------------
_ROTATE_AND_DIE = r"""
import os, signal, sys
from pathlib import Path
from sli_desktop.vault.session import change_passphrase
kill_at = int(sys.argv[2])
calls = 0
def progress(done, total):
    global calls
    calls += 1
    print(calls, done, total, flush=True)
    if calls == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
change_passphrase(
    Path(sys.argv[1]), os.environ["SLI_PASSPHRASE"], os.environ["SLI_NEW_PASSPHRASE"],
    rotate_key=True, progress=progress,
)
print("finished", flush=True)
"""


def _rotate_in_child(path: Path, kill_at: int) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SLI_PASSPHRASE=PASSPHRASE, SLI_NEW_PASSPHRASE=NEW_PASSPHRASE)
    return subprocess.run(
        [sys.executable, "-c", _ROTATE_AND_DIE, str(path), str(kill_at)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(
    scope="module",
    params=[
        PageFormat(NEW_VAULT_PAGE_SIZE, SHA256),
        PageFormat(16384 if NEW_VAULT_PAGE_SIZE == 4096 else 4096, SHA512),
    ],
    ids=["new-vault-pages", "older-vault-pages"],
)
def template(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> tuple[Path, list[str]]:
    """A vault big enough for the copy to report its pages as it goes; made once for each page
    format: a vault with pages of another format gets new vaults' from the rotation."""
    path = tmp_path_factory.mktemp("rotation-template") / "vault" / "big.sli"
    _recovery, ids = make_vault(path, notes=400, pages=request.param)
    return path, ids


def test_a_kill_at_any_point_leaves_the_old_vault_or_the_new_one(
    template: tuple[Path, list[str]], tmp_path: Path
) -> None:
    source, ids = template
    made_with = read_header(source).pages.size
    dry = tmp_path / "dry" / source.name
    shutil.copytree(source.parent, dry.parent)
    whole = _rotate_in_child(dry, 0)
    assert whole.returncode == 0, whole.stderr
    lines = whole.stdout.split("\n")
    assert "finished" in lines
    calls = len([line for line in lines if line and line != "finished"])
    commit_call = calls - 3  # the commit, then: old file closed, database in, header in
    assert calls >= 10, whole.stdout  # a few reports from inside the copy too

    for kill_at in range(1, calls + 1):
        path = tmp_path / f"kill-{kill_at}" / source.name
        shutil.copytree(source.parent, path.parent)
        child = _rotate_in_child(path, kill_at)
        assert child.returncode == -signal.SIGKILL, (kill_at, child.stderr)

        opened = []
        for passphrase in (PASSPHRASE, NEW_PASSPHRASE):
            try:
                with unlock(path, passphrase) as vault:
                    assert note_ids(vault) == set(ids), kill_at
                    assert AuditLog(vault).verify() is None
                opened.append(passphrase)
            except WrongPassphrase:
                pass
        expected = NEW_PASSPHRASE if kill_at >= commit_call else PASSPHRASE
        assert opened == [expected], (kill_at, opened)
        pages = NEW_VAULT_PAGE_SIZE if kill_at >= commit_call else made_with
        assert read_header(path).pages.size == pages, kill_at
        assert not any(p.exists() for p in _staged(path)), kill_at
        check = sli(path, "vault", "check", passphrase=expected)
        assert check.code == 0, (kill_at, check.err)


# -- through sli -------------------------------------------------------------------------------
def test_sli_passphrase_change_rotate_key(
    made: tuple[Path, str, list[str]], tmp_path: Path
) -> None:
    path, recovery, _ids = made
    old_header = tmp_path / "old-header-copy"
    shutil.copy2(header_path(path), old_header)
    run = sli(path, "passphrase", "change", "--rotate-key", SLI_NEW_PASSPHRASE=NEW_PASSPHRASE)
    assert run.code == 0, run.err
    assert "re-encrypted" in run.out
    new_recovery = run.out.strip().splitlines()[-1].strip()
    assert keys.parse_recovery_key(new_recovery) is not None and new_recovery != recovery

    assert "wrong passphrase" in one_line_error(sli(path, "vault", "info"))
    assert sli(path, "vault", "check", passphrase=NEW_PASSPHRASE).code == 0
    # The old header put back: the old passphrase unwraps the old key, which opens nothing.
    shutil.copy2(old_header, header_path(path))
    assert "damaged" in one_line_error(sli(path, "vault", "info"))
    old = Header.from_json(json.loads(old_header.read_bytes()))
    assert old.unwrap_with_passphrase(PASSPHRASE) is not None


def test_sli_passphrase_change_rotate_key_refuses_a_wrong_passphrase(
    made: tuple[Path, str, list[str]],
) -> None:
    path, _recovery, _ids = made
    before = digests(path.parent)
    run = sli(
        path,
        "passphrase",
        "change",
        "--rotate-key",
        passphrase="not the passphrase at all",
        SLI_NEW_PASSPHRASE=NEW_PASSPHRASE,
    )
    assert "wrong passphrase" in one_line_error(run)
    assert digests(path.parent) == before


def test_rotation_keeps_everything_written_since_the_last_checkpoint(
    made: tuple[Path, str, list[str]],
) -> None:
    path, _recovery, ids = made
    child = subprocess.run(
        [sys.executable, "-c", _WRITE_AND_DIE, str(path)],
        env=dict(os.environ, SLI_PASSPHRASE=PASSPHRASE),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert path.with_name(path.name + "-wal").stat().st_size > 0
    change_passphrase(path, PASSPHRASE, NEW_PASSPHRASE, rotate_key=True)
    with unlock(path, NEW_PASSPHRASE) as vault:
        assert len(note_ids(vault)) == len(ids) + 5
        add_notes(vault, 1, start=2000)  # and it takes new writes
