"""The unlock's page check beside the window (vault/page_check.py, issue 25): the window reads
while every page is authenticated, every write waits for the check, and a damaged page is
still refused with nothing written."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sli_desktop.vault import connection
from sli_desktop.vault.errors import VaultDamaged, VaultError
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.page_check import StillChecking
from sli_desktop.vault.pages import NEW_VAULT_PAGE_SIZE
from sli_desktop.vault.session import unlock
from tests.conftest import PASSPHRASE
from tests.integration.vault_files_support import BHAM, digests, make_vault

PAGE = NEW_VAULT_PAGE_SIZE


class Outcome:
    """What the check reported, and when: it reports on its own thread."""

    def __init__(self) -> None:
        self.reported = threading.Event()
        self.errors: list[VaultError | None] = []

    def __call__(self, error: VaultError | None) -> None:
        self.errors.append(error)
        self.reported.set()

    def wait(self) -> VaultError | None:
        assert self.reported.wait(30), "the page check never reported"
        return self.errors[0]


@pytest.fixture
def sound(tmp_path: Path) -> Path:
    path = tmp_path / "vault" / "sound.sli"
    make_vault(path, notes=80)
    return path


@pytest.fixture
def damaged(sound: Path) -> Path:
    """The same vault with one byte flipped in a page of notes in its middle: never read at
    open, nor by a write to the vault's settings."""
    data = bytearray(sound.read_bytes())
    pages = len(data) // PAGE
    assert pages >= 8
    data[(pages // 2 - 1) * PAGE + PAGE // 2] ^= 0x40
    sound.write_bytes(bytes(data))
    return sound


@pytest.fixture
def held_check(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Holds every page check until the event is set (the check itself still runs)."""
    release = threading.Event()
    real = connection.check_every_page

    def held(conn: connection.Connection, path: Path) -> None:
        assert release.wait(30)
        real(conn, path)

    monkeypatch.setattr(connection, "check_every_page", held)
    yield release
    release.set()


def test_the_cli_way_still_refuses_a_damaged_page_before_returning(damaged: Path) -> None:
    before = digests(damaged.parent)
    with pytest.raises(VaultDamaged):
        unlock(damaged, PASSPHRASE)
    assert digests(damaged.parent) == before


def test_a_damaged_page_found_beside_the_window_refuses_every_write(damaged: Path) -> None:
    before = digests(damaged.parent)
    outcome = Outcome()
    vault = unlock(damaged, PASSPHRASE, page_check_done=outcome)
    try:
        assert isinstance(outcome.wait(), VaultDamaged)
        with pytest.raises(VaultDamaged) as caught:
            vault.set_meta("written", "into a damaged vault")
        assert f"the vault at {damaged} is damaged" in str(caught.value)
        assert "restore it from a backup" in str(caught.value)
        with pytest.raises(VaultDamaged):
            Notes(vault).add(council=BHAM, title="After", body="text", date="2024-05-02")
    finally:
        vault.close()
    assert digests(damaged.parent) == before


def test_a_sound_vault_reports_its_check_passed_and_saves(sound: Path) -> None:
    outcome = Outcome()
    with unlock(sound, PASSPHRASE, page_check_done=outcome) as vault:
        assert outcome.wait() is None
        Notes(vault).add(council=BHAM, title="After", body="text", date="2024-05-02")
        assert vault.page_check is None  # passed, and forgotten by the first write
        assert Notes(vault).count() == 81


def test_reads_go_on_while_the_check_runs(sound: Path, held_check: threading.Event) -> None:
    outcome = Outcome()
    with unlock(sound, PASSPHRASE, page_check_done=outcome) as vault:
        assert vault.page_check is not None and not vault.page_check.done
        assert Notes(vault).count() == 80
        held_check.set()
        assert outcome.wait() is None


def test_a_save_made_during_the_check_waits_for_it(
    sound: Path, held_check: threading.Event
) -> None:
    order: list[str] = []

    def release() -> None:
        time.sleep(0.3)  # long enough for the save below to be waiting, whatever the load
        order.append("check released")
        held_check.set()

    with unlock(sound, PASSPHRASE, page_check_done=Outcome()) as vault:
        releaser = threading.Thread(target=release)
        releaser.start()
        Notes(vault).add(council=BHAM, title="During", body="text", date="2024-05-02")
        order.append("saved")
        releaser.join()
        assert order == ["check released", "saved"]
        assert Notes(vault).count() == 81


def test_a_write_waits_only_so_long(sound: Path, held_check: threading.Event) -> None:
    with unlock(sound, PASSPHRASE, page_check_done=Outcome()) as vault:
        check = vault.page_check
        assert check is not None
        with pytest.raises(StillChecking) as caught:
            check.wait(timeout=0)
        assert "nothing was saved" in str(caught.value)
        held_check.set()
        check.wait()


def test_a_bulk_worker_s_connection_waits_for_the_check_too(
    sound: Path, held_check: threading.Event
) -> None:
    with unlock(sound, PASSPHRASE, page_check_done=Outcome()) as vault:
        sibling = vault.sibling()
        try:
            assert sibling.page_check is vault.page_check
            with pytest.raises(StillChecking):
                assert sibling.page_check is not None
                sibling.page_check.wait(timeout=0)
            held_check.set()
            sibling.set_meta("t25c", "1")
        finally:
            sibling.close()


def test_locking_during_the_check_reports_nothing_and_writes_nothing(
    damaged: Path, held_check: threading.Event
) -> None:
    before = digests(damaged.parent)
    outcome = Outcome()
    vault = unlock(damaged, PASSPHRASE, page_check_done=outcome)
    check = vault.page_check
    assert check is not None
    vault.close()
    held_check.set()
    check.wait()  # ended, and a locked vault's check refuses nothing more
    assert outcome.errors == []
    assert digests(damaged.parent) == before
