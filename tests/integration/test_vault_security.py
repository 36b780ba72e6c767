"""What the vault must never leak: note text on disk (database, WAL, shared memory, header,
temp files), even when the writer is killed mid-write; anything on a wrong passphrase; and the
connection and process settings that keep plaintext off the disk."""

from __future__ import annotations

import atexit
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from sli_desktop.domain import ConcernLevel
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.errors import WrongPassphrase
from sli_desktop.vault.header import header_path
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.session import unlock
from sli_desktop.vault.store import Vault
from tests.conftest import PASSPHRASE

SLI = Path(sys.executable).with_name("sli")
WRONG = "this is not the passphrase"


# -- helpers -----------------------------------------------------------------------------------
def _marker() -> str:
    # Lower case: themes are stored lower-cased, and the marker must survive every field as is.
    return f"zqxmarker{uuid.uuid4().hex}"


def _leaks(folders: list[Path], marker: str) -> list[str]:
    """Every file under ``folders`` whose bytes contain ``marker`` as UTF-8 or UTF-16-LE."""
    needles = {"utf-8": marker.encode("utf-8"), "utf-16-le": marker.encode("utf-16-le")}
    found = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            data = path.read_bytes()
            found += [f"{path} ({enc})" for enc, needle in needles.items() if needle in data]
    return found


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def _write_secret_notes(vault: Vault, marker: str) -> list[str]:
    notes = Notes(vault)
    ids = []
    for i in range(5):
        note = notes.add(
            council="E08000025",
            title=f"{marker} title {i}",
            body=f"Confidential: {marker} body {i}. " + "The budget gap is widening. " * 40,
            themes=[marker, "finance"],
            evidence=[f"{marker} evidence {i}"],
            concern=ConcernLevel.HIGH,
            date="2024-05-01",
        )
        ids.append(note.id)
    notes.edit(ids[0], title=f"{marker} edited title", body=f"{marker} edited body")
    notes.delete(ids[1])
    return ids


@dataclass
class Run:
    code: int
    out: str
    err: str


def _sli(vault_path: Path, *args: str, passphrase: str = PASSPHRASE) -> Run:
    assert SLI.exists(), f"the sli command is not installed at {SLI}"
    env = dict(os.environ, SLI_VAULT=str(vault_path), SLI_PASSPHRASE=passphrase)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    done = subprocess.run(
        [str(SLI), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    return Run(done.returncode, done.stdout, done.stderr)


# -- the scanner itself ------------------------------------------------------------------------
def test_the_leak_scanner_finds_a_planted_marker(tmp_path: Path) -> None:
    """Guards the guard: the scans below would pass vacuously if this did not find it."""
    marker = _marker()
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "plain-utf8").write_bytes(b"..." + marker.encode() + b"...")
    (tmp_path / "a" / "deep").mkdir()
    (tmp_path / "a" / "deep" / "plain-utf16").write_bytes(marker.encode("utf-16-le"))
    (tmp_path / "a" / "clean").write_bytes(b"nothing here")
    found = _leaks([tmp_path], marker)
    assert len(found) == 2
    assert any("plain-utf8 (utf-8)" in f for f in found)
    assert any("plain-utf16 (utf-16-le)" in f for f in found)


# -- no plaintext on disk ----------------------------------------------------------------------
def test_note_text_never_reaches_the_disk_open_or_closed(
    councils_vault: Vault, vault_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    for name in ("TMPDIR", "TEMP", "TMP", "SQLITE_TMPDIR"):
        monkeypatch.setenv(name, str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    folder = vault_path.parent
    marker = _marker()

    ids = _write_secret_notes(councils_vault, marker)

    # Really there, readable through the vault...
    assert Notes(councils_vault).get(ids[2]).title == f"{marker} title 2"
    # ...and the writes really are sitting in the WAL, not yet checkpointed.
    wal = folder / f"{vault_path.name}-wal"
    assert wal.exists() and wal.stat().st_size > 0
    assert f"{vault_path.name}-shm" in _files(folder)
    assert _leaks([folder, temp], marker) == []

    councils_vault.close()
    assert _files(folder) == [vault_path.name, header_path(vault_path).name]
    assert _leaks([folder, temp], marker) == []

    with unlock(vault_path, PASSPHRASE) as vault:
        assert Notes(vault).get(ids[0]).title == f"{marker} edited title"
    assert _leaks([folder, temp], marker) == []


_WRITER = """
import os, sys
from pathlib import Path
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.session import unlock

marker, total = sys.argv[1], int(sys.argv[2])
vault = unlock(Path(os.environ["SLI_VAULT"]), os.environ["SLI_PASSPHRASE"])
notes = Notes(vault)
for i in range(total):
    note = notes.add(
        council="E08000025",
        title=f"{marker} title {i}",
        body=f"{marker} body {i} " + "confidential detail " * 150,
        themes=[marker],
        evidence=[f"{marker} evidence {i}"],
        concern="high",
        date="2024-05-01",
    )
    print(note.id, flush=True)
print("finished", flush=True)
vault.close()
"""


def test_note_text_never_reaches_the_disk_when_the_writer_is_killed(
    councils_vault: Vault, vault_path: Path, tmp_path: Path
) -> None:
    councils_vault.close()
    folder = vault_path.parent
    temp = tmp_path / "child-tmp"
    temp.mkdir()
    marker = _marker()
    total, kill_after = 100_000, 25
    env = dict(os.environ, SLI_VAULT=str(vault_path), SLI_PASSPHRASE=PASSPHRASE)
    env.update(TMPDIR=str(temp), TEMP=str(temp), TMP=str(temp), SQLITE_TMPDIR=str(temp))

    child = subprocess.Popen(
        [sys.executable, "-c", _WRITER, marker, str(total)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    reported: list[str] = []
    try:
        while len(reported) < kill_after:
            line = child.stdout.readline()
            if not line:
                break
            reported.append(line.strip())
        assert len(reported) == kill_after, child.stderr.read() if child.stderr else ""
        os.kill(child.pid, signal.SIGKILL)
        rest, _err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    reported += rest.split()

    # Killed mid-way: notes were committed, the loop never got to its end, nothing was closed.
    assert child.returncode == -signal.SIGKILL
    assert "finished" not in reported
    assert kill_after <= len(reported) < total
    assert f"{vault_path.name}-wal" in _files(folder)
    assert _leaks([folder, temp], marker) == []

    # The vault still opens and holds every note committed before the kill.
    with unlock(vault_path, PASSPHRASE) as vault:
        stored = {n.id for n in Notes(vault).list()}
        assert set(reported) <= stored
        assert len(stored) <= len(reported) + 1  # at most the one committed as the kill landed
        assert vault.scalar("SELECT count(*) FROM outbox WHERE kind = 'note'") == len(stored)
        assert vault.query("PRAGMA integrity_check") == [("ok",)]
        assert AuditLog(vault).verify() is None
    assert _leaks([folder, temp], marker) == []

    check = _sli(vault_path, "vault", "check")
    assert check.code == 0, check.err
    assert _leaks([folder, temp], marker) == []


# -- wrong passphrase --------------------------------------------------------------------------
def test_a_wrong_passphrase_is_one_line_exit_2_and_touches_nothing(
    councils_vault: Vault, vault_path: Path
) -> None:
    Notes(councils_vault).add(council="E08000025", title="Secret", date="2024-05-01")
    councils_vault.close()
    folder = vault_path.parent
    before = _digests(folder)

    result = _sli(vault_path, "note", "list", passphrase=WRONG)

    assert result.code == 2
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("sli: ")
    assert "wrong passphrase" in lines[0]
    assert "Traceback" not in result.err
    assert _digests(folder) == before


def test_a_wrong_passphrase_file_is_refused_the_same_way(
    councils_vault: Vault, vault_path: Path, tmp_path: Path
) -> None:
    councils_vault.close()
    secret = tmp_path / "passphrase.txt"
    secret.write_text(WRONG + "\n")
    before = _digests(vault_path.parent)

    result = _sli(vault_path, "note", "list", "--passphrase-file", str(secret), passphrase="")

    assert result.code == 2
    assert result.err.count("\n") == 1 and result.err.startswith("sli: wrong passphrase")
    assert _digests(vault_path.parent) == before


def test_a_wrong_passphrase_through_the_api_touches_nothing(
    councils_vault: Vault, vault_path: Path
) -> None:
    councils_vault.close()
    before = _digests(vault_path.parent)
    with pytest.raises(WrongPassphrase, match="wrong passphrase"):
        unlock(vault_path, WRONG)
    assert _digests(vault_path.parent) == before


# -- connection and process settings -----------------------------------------------------------
def _pragma(vault: Vault, name: str) -> object:
    return vault.scalar(f"PRAGMA {name}")


@pytest.mark.parametrize("how", ["created", "unlocked"])
def test_an_open_vault_is_hardened(vault: Vault, vault_path: Path, how: str) -> None:
    if how == "unlocked":
        vault.close()
        vault = unlock(vault_path, PASSPHRASE)
    try:
        # Off, as decided (issue 25; docs/SECURITY.md, "Memory").
        assert str(_pragma(vault, "cipher_memory_security")).upper() in ("0", "OFF")
        assert not vault.memory_security
        assert _pragma(vault, "temp_store") == 2
        assert _pragma(vault, "journal_mode") == "wal"
        assert _pragma(vault, "foreign_keys") == 1
        assert _pragma(vault, "synchronous") == 2
        assert _pragma(vault, "cipher_version")
    finally:
        vault.close()
    # Encrypted from the first byte: a plain SQLite file starts with its magic string.
    assert not vault_path.read_bytes().startswith(b"SQLite format 3\x00")


_CORE_PROBE = """
import resource, sys
from sli_desktop.vault import process

# Start from core dumps allowed, as far as this process may: raising a hard limit of 0 needs
# privilege (CAP_SYS_RESOURCE), which test containers running as root usually have.
soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
try:
    wanted = hard if hard != 0 else 1 << 20
    resource.setrlimit(resource.RLIMIT_CORE, (wanted, wanted))
except (ValueError, OSError):
    pass
before = resource.getrlimit(resource.RLIMIT_CORE)
was_disabled = process.core_dumps_disabled()
if sys.argv[1] == "cli":
    from sli_desktop.cli.app import main
    try:
        main(["--version"])
    except SystemExit:
        pass
else:
    process.disable_core_dumps()
print(before[0], before[1], was_disabled, *resource.getrlimit(resource.RLIMIT_CORE),
      process.core_dumps_disabled())
"""


def _spawn_core_probe(via: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _CORE_PROBE, via],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# Started while this module is collected, before any test runs. conftest's in-process `cli`
# calls main(), which disables core dumps in the pytest process itself, for good: a hard limit
# of 0 cannot be raised again, so a probe started after any such test would inherit "already
# disabled" and prove nothing.
_CORE_PROBES = {via: _spawn_core_probe(via) for via in ("function", "cli")}


@atexit.register
def _reap_core_probes() -> None:
    for probe in _CORE_PROBES.values():
        if probe.poll() is None:
            probe.kill()
        probe.communicate()


@pytest.mark.parametrize("via", ["function", "cli"])
def test_core_dumps_are_disabled(via: str) -> None:
    probe = _CORE_PROBES[via]
    out, err = probe.communicate(timeout=60)
    assert probe.returncode == 0, err
    soft_before, hard_before, was_disabled, soft, hard, disabled = out.split()[-6:]
    if hard_before == "0":
        pytest.skip("core dumps are impossible here already (hard RLIMIT_CORE 0, not raisable)")
    assert soft_before != "0" and was_disabled == "False"
    assert (soft, hard) == ("0", "0")
    assert disabled == "True"
