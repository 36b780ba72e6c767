"""Issue #20, item 8: every file the app writes for the user is owner-only (0600), and the
folders it makes for its own files 0700, whatever the umask: exports hold in clear what the
vault keeps encrypted, and a umask of 0 must not leave them readable by every account."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from sli_desktop.private_file import create_private, private_folder, replacing, write_private
from sli_desktop.vault.store import Vault
from tests.conftest import CliResult
from tests.sli_process import run_sli

Cli = Callable[..., CliResult]
BHAM = "E08000025"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def sli(councils_vault: Vault, cli: Cli) -> Cli:
    councils_vault.close()
    return cli


def ok(result: CliResult) -> CliResult:
    assert result.code == 0, result
    return result


pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def test_every_export_is_owner_only_whatever_the_umask(
    sli: Cli, umask: int, tmp_path: Path
) -> None:
    ok(sli("contact", "add", "--council", BHAM, "--name", "Ann Example", "--email", "a@b.org"))
    booked = ("--status", "booked", "--start", "2027-03-04", "--end", "2027-03-07")
    ok(sli("challenge", "add", "--council", BHAM, "--kind", "corporate", *booked))
    out = tmp_path / "out"
    out.mkdir()
    written = {
        "everything.json": ("export", "--json", "-o"),
        "person.json": ("export", "--person", "Ann Example", "-o"),
        "contacts.csv": ("contact", "export", "-o"),
        "contacts.vcf": ("contact", "export", "-o"),
        "schedule.ics": ("challenge", "export", "--ics"),
        "vault.sli-backup": ("backup", "-o"),
    }
    for name, args in written.items():
        ok(sli(*args, str(out / name)))
    assert {p.name: oct(mode(p)) for p in out.iterdir()} == {n: "0o600" for n in written}


def test_an_overwritten_export_becomes_owner_only(sli: Cli, umask: int, tmp_path: Path) -> None:
    """The export replaces the old file with a new one, so the old file's wider mode goes."""
    target = tmp_path / "everything.json"
    target.write_text("old\n")
    target.chmod(0o644)
    ok(sli("export", "--json", "-o", str(target)))
    assert mode(target) == 0o600
    assert json.loads(target.read_text())["format"] == "sli-export/1"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_restored_vault_and_the_folder_made_for_it_are_owner_only(
    sli: Cli, umask: int, tmp_path: Path
) -> None:
    backup = tmp_path / "b.sli-backup"
    ok(sli("backup", "-o", str(backup)))
    target = tmp_path / "new-laptop" / "vault" / "v.sli"
    ok(sli("--vault", str(target), "restore", str(backup)))
    assert mode(target.parent) == 0o700
    assert mode(target) == 0o600
    assert mode(target.with_name(target.name + ".header")) == 0o600


def test_sli_in_a_shell_with_umask_000_writes_an_owner_only_export(
    councils_vault: Vault, vault_path: Path, tmp_path: Path
) -> None:
    """The real ``sli`` in a child whose umask is 0, as a careless login shell would give it."""
    councils_vault.close()
    target = tmp_path / "everything.json"
    child = run_sli(vault_path, "export", "--json", "-o", str(target), setup=lambda: os.umask(0))
    assert child.code == 0, child.err
    assert mode(target) == 0o600


# -- the helper itself -------------------------------------------------------------------------


def test_write_private_is_owner_only_and_replaces_whole(umask: int, tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    write_private(target, b"first")
    target.chmod(0o666)
    write_private(target, b"second")
    assert target.read_bytes() == b"second"
    assert mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"kept")

    class Interrupted(Exception):
        pass

    with pytest.raises(Interrupted), replacing(target) as handle:
        handle.write(b"half a fi")
        raise Interrupted
    assert target.read_bytes() == b"kept"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_create_private_is_owner_only_and_never_reuses_a_file(umask: int, tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    with create_private(fresh) as handle:
        handle.write(b"x")
    assert mode(fresh) == 0o600
    with pytest.raises(FileExistsError):
        create_private(fresh)
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OSError):
        create_private(link)
    assert not (tmp_path / "elsewhere").exists()


def test_private_folder_is_0700_when_made_and_leaves_an_existing_one(
    umask: int, tmp_path: Path
) -> None:
    made = tmp_path / "a" / "b"
    private_folder(made)
    assert mode(made) == 0o700
    existing = tmp_path / "mine"
    existing.mkdir()
    existing.chmod(0o755)
    private_folder(existing)
    assert mode(existing) == 0o755
