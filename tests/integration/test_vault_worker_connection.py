"""The key in one buffer wiped at lock, and a worker's connection of its own (Vault.sibling):
it writes while the window reads, a lock interrupts it cleanly, and bulk work refuses the
window's thread (issue 25)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.domain import Contact
from sli_desktop.vault.bulk import save_many
from sli_desktop.vault.errors import Interrupted, VaultLocked, WrongThread
from sli_desktop.vault.keys import KEY_BYTES, KdfParams, KeyBuffer
from sli_desktop.vault.session import create_vault, unlock
from sli_desktop.vault.store import Vault
from tests.conftest import PASSPHRASE


def _on_thread(work: Callable[[], Any]) -> Any:
    """Run ``work`` on a thread of its own, as the desktop's worker does; return or raise."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - re-raised on the test's thread
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert not thread.is_alive()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _people(count: int) -> list[Contact]:
    return [Contact.build(name=f"Person {i} Brontë", role="Officer " * 30) for i in range(count)]


def test_the_key_is_one_buffer_overwritten_when_the_vault_locks(vault: Vault) -> None:
    key = vault._key
    assert isinstance(key, KeyBuffer)
    buffer = key.key
    assert len(buffer) == KEY_BYTES and any(buffer)
    assert "held" in repr(key) and buffer.hex() not in repr(key)
    vault.close()
    assert key.wiped
    assert buffer == bytearray(KEY_BYTES)  # the very buffer, overwritten in place
    with pytest.raises(ValueError):
        key.key  # noqa: B018 - refused once wiped
    with pytest.raises(VaultLocked):
        vault.sibling()


def test_a_sibling_writes_on_its_thread_while_the_window_reads(vault: Vault) -> None:
    people = _people(300)

    def work() -> int:
        worker = vault.sibling()
        try:
            save_many(worker, people, returning=False)
            return int(worker.scalar("SELECT count(*) FROM contacts"))
        finally:
            worker.close()

    assert _on_thread(work) == 300
    # The window's connection sees the worker's commit, and its key was not wiped by the
    # sibling closing.
    assert vault.scalar("SELECT count(*) FROM contacts") == 300
    assert not vault._key.wiped  # type: ignore[union-attr]
    assert vault.scalar("PRAGMA integrity_check") == "ok"


def test_locking_interrupts_a_sibling_mid_transaction_and_nothing_is_half_written(
    vault_path: Path, vault: Vault
) -> None:
    started = threading.Event()
    box: dict[str, BaseException] = {}

    def work() -> None:
        worker = vault.sibling()
        try:
            with worker.transaction():
                for round_ in range(2000):  # writes until the lock stops it
                    save_many(worker, _people(50), returning=False)
                    if round_ == 2:
                        started.set()
        finally:
            worker.close()

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    assert started.wait(30)
    vault.close()  # the lock: wipes the key the worker's interrupt watches, then checkpoints
    thread.join(60)
    assert isinstance(box.get("error"), Interrupted)
    reopened = unlock(vault_path, PASSPHRASE)
    try:
        assert reopened.scalar("SELECT count(*) FROM contacts") == 0
        assert reopened.scalar("SELECT count(*) FROM outbox WHERE kind = 'contact'") == 0
        assert reopened.scalar("PRAGMA integrity_check") == "ok"
    finally:
        reopened.close()


def test_a_cancel_interrupts_the_transaction_and_leaves_the_vault_as_it_was(
    vault: Vault,
) -> None:
    cancel = threading.Event()
    people = _people(2000)

    def work() -> None:
        worker = vault.sibling()
        worker.interrupt_when(cancel.is_set)
        try:
            with worker.transaction():
                save_many(worker, people[:1000], returning=False)
                cancel.set()
                save_many(worker, people[1000:], returning=False)
        finally:
            worker.close()

    with pytest.raises(Interrupted):
        _on_thread(work)
    assert vault.scalar("SELECT count(*) FROM contacts") == 0
    assert vault.scalar("SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH 'Bront*'") == 0
    assert vault.scalar("PRAGMA integrity_check") == "ok"


def test_bulk_work_refuses_the_window_thread(vault: Vault) -> None:
    vault.window_thread = threading.current_thread()
    with pytest.raises(WrongThread):
        save_many(vault, _people(3))
    with pytest.raises(WrongThread):
        vault.apply_remote(_people(3))
    assert vault.scalar("SELECT count(*) FROM contacts") == 0

    def work() -> int:
        worker = vault.sibling()
        try:
            assert worker.window_thread is vault.window_thread
            save_many(worker, _people(3))
            return int(worker.scalar("SELECT count(*) FROM contacts"))
        finally:
            worker.close()

    assert _on_thread(work) == 3


def test_a_bulk_write_reads_back_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "v.sli"
    created = create_vault(path, PASSPHRASE, owner="t", kdf=KdfParams.fast_for_tests())
    people = _people(600)
    save_many(created.vault, people)
    created.vault.close()
    reopened = unlock(path, PASSPHRASE)
    try:
        assert not reopened.memory_security
        assert {c.id: c.name for c in reopened.records(Contact)} == {p.id: p.name for p in people}
        assert reopened.scalar("PRAGMA integrity_check") == "ok"
    finally:
        reopened.close()
