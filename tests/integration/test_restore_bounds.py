"""Issue #20, item 10: restore in bounded memory and disk. A backup is a zip the user may have
been sent; its members' names, declared sizes and compression ratios are checked before any
is inflated, and inflating never goes past what was declared, so a small file that would
expand to gigabytes is refused at once, with one sentence, and the vault there is untouched."""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from sli_desktop.vault import backup as backups
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.errors import VaultError
from sli_desktop.vault.session import unlock
from sli_desktop.vault.store import Vault
from tests.conftest import PASSPHRASE
from tests.sli_process import Child, run_sli
from tests.zip_bombs import MiB, RawMember, deflated_zeros, stored, write_zip

#: The bound the issue sets on what a refused restore may take beyond the CLI's own start-up
#: (importing every command is some 90 MB of the child's resident set before any work).
MEMORY_BOUND = 100 * MiB
#: The child may not write a file larger than this: a restore that inflated the bomb would
#: fail on it rather than fill the disk.
FILE_SIZE_BOUND = 64 * MiB


@pytest.fixture
def made(councils_vault: Vault, tmp_path: Path) -> dict[str, bytes]:
    """The members of a real backup of a vault holding one contact."""
    Contacts(councils_vault).add(name="Kept Person")
    out = tmp_path / "real.sli-backup"
    backups.backup(councils_vault, out)
    councils_vault.close()
    with zipfile.ZipFile(out) as bundle:
        return {name: bundle.read(name) for name in bundle.namelist()}


def fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def sli_child(vault: Path, *args: str) -> Child:
    """``sli`` in a child that may not write a file larger than FILE_SIZE_BOUND."""

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_BOUND, FILE_SIZE_BOUND))

    return run_sli(vault, *args, setup=limits)


def one_sentence(err: str) -> str:
    assert err.startswith("sli: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err[len("sli: ") : -1]


@pytest.mark.skipif(sys.platform != "linux", reason="wait4's ru_maxrss in KiB, RLIMIT_FSIZE")
@pytest.mark.parametrize(
    ("bomb", "expands"),
    [("vault.db", 2000), ("manifest.json", 1000)],
    ids=["database-2GiB", "manifest-1GiB"],
)
def test_sli_restore_refuses_a_zip_bomb_at_once_in_bounded_memory(
    made: dict[str, bytes], vault_path: Path, tmp_path: Path, bomb: str, expands: int
) -> None:
    """A 2 MB file that expands to gigabytes, given to ``sli restore --force`` over a vault."""
    members = [stored(name, data) for name, data in made.items() if name != bomb]
    members.append(RawMember(bomb, deflated_zeros(expands), expands * MiB))
    source = tmp_path / "bomb.sli-backup"
    write_zip(source, members)
    assert source.stat().st_size < 3 * MiB
    before = fingerprint(vault_path.parent)

    started = sli_child(vault_path, "restore", str(tmp_path / "missing.zip"))
    assert started.code == 2, started.err  # the CLI started, refused at once: its own footprint
    child = sli_child(vault_path, "restore", "--force", str(source))

    assert child.peak - started.peak < MEMORY_BOUND, (child.peak, started.peak, child.err)
    assert (child.code, child.out) == (2, ""), child.err
    sentence = one_sentence(child.err)
    assert sentence.startswith("bomb.sli-backup is not a usable SLI backup"), sentence
    assert f"{bomb} would expand" in sentence, sentence
    assert fingerprint(vault_path.parent) == before
    with unlock(vault_path, PASSPHRASE) as vault:
        assert [c.name for c in Contacts(vault).list()] == ["Kept Person"]


# -- each check on its own, in-process ------------------------------------------------------


def refused(source: Path, target: Path) -> str:
    with pytest.raises(VaultError) as caught:
        backups.restore(source, target, PASSPHRASE)
    assert not target.exists() and not list(target.parent.glob("*.partial"))
    return str(caught.value)


def test_real_backups_are_stored_so_the_ratio_check_never_touches_them(
    made: dict[str, bytes], tmp_path: Path
) -> None:
    with zipfile.ZipFile(tmp_path / "real.sli-backup") as bundle:
        ratios = {i.filename: i.file_size / max(i.compress_size, 1) for i in bundle.infolist()}
    assert ratios == {"manifest.json": 1.0, "header.json": 1.0, "vault.db": 1.0}
    # and a backup someone re-zipped with compression still restores: an encrypted database
    # barely compresses
    rezipped = tmp_path / "rezipped.sli-backup"
    with zipfile.ZipFile(rezipped, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bundle:
        for name, data in made.items():
            bundle.writestr(name, data)
    with zipfile.ZipFile(rezipped) as bundle:
        db = bundle.getinfo("vault.db")
    assert db.file_size / db.compress_size < 2
    backups.restore(rezipped, tmp_path / "r" / "v.sli", PASSPHRASE)


def test_a_member_that_inflates_past_a_believable_ratio_is_refused_before_inflating(
    made: dict[str, bytes], tmp_path: Path
) -> None:
    members = [stored(n, d) for n, d in made.items() if n != "vault.db"]
    members.append(RawMember("vault.db", deflated_zeros(200), 200 * MiB))
    source = tmp_path / "b.zip"
    write_zip(source, members)
    reason = refused(source, tmp_path / "r" / "v.sli")
    assert "vault.db would expand from" in reason and "200.0 MiB" in reason


def test_a_member_declaring_more_than_any_backup_holds_is_refused(
    made: dict[str, bytes], tmp_path: Path
) -> None:
    members = [stored(n, d) for n, d in made.items() if n != "header.json"]
    members.append(RawMember("header.json", b"{}", 2 * MiB, zipfile.ZIP_STORED))
    source = tmp_path / "b.zip"
    write_zip(source, members)
    assert "header.json would expand to 2.0 MiB, more than any backup" in refused(
        source, tmp_path / "r" / "v.sli"
    )


def test_a_database_larger_than_the_free_disk_space_is_refused(
    made: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "b.zip"
    write_zip(source, [stored(n, d) for n, d in made.items()])
    real = shutil.disk_usage

    def nearly_full(path: str | os.PathLike[str]) -> shutil._ntuple_diskusage:
        total, used, _ = real(path)
        return shutil._ntuple_diskusage(total, used, 1 * MiB)

    monkeypatch.setattr(backups.shutil, "disk_usage", nearly_full)
    target = tmp_path / "new" / "v.sli"
    reason = refused(source, target)
    assert reason.startswith(f"there is not enough free space in {tmp_path}"), reason
    assert not target.parent.exists()  # refused before even the folder was made


def test_data_that_holds_more_than_its_directory_declares_is_never_inflated_past_it(
    made: dict[str, bytes], tmp_path: Path
) -> None:
    """The directory says 4 KiB (a ratio of about 4:1); the data inflates to 64 MiB. zipfile
    stops at the declared size and the CRC of the first 4 KiB is right, so only the checksum
    of the whole database catches it: nothing past 4 KiB is ever produced."""
    data = deflated_zeros(64)
    members = [stored(n, d) for n, d in made.items() if n != "vault.db"]
    members.append(RawMember("vault.db", data, 4096, crc=zlib.crc32(bytes(4096))))
    source = tmp_path / "b.zip"
    write_zip(source, members)
    assert "does not match its checksum" in refused(source, tmp_path / "r" / "v.sli")


def test_data_that_holds_less_than_its_directory_declares_is_refused(
    made: dict[str, bytes], tmp_path: Path
) -> None:
    """zipfile itself accepts a deflate stream that ends early if its CRC is right."""
    small = b"".join(hashlib.sha256(bytes([i])).digest() for i in range(32))  # incompressible
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = packer.compress(small) + packer.flush()
    members = [stored(n, d) for n, d in made.items() if n != "vault.db"]
    members.append(RawMember("vault.db", data, 5000, crc=zlib.crc32(small)))
    source = tmp_path / "b.zip"
    write_zip(source, members)
    assert "vault.db holds less than it declares" in refused(source, tmp_path / "r" / "v.sli")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("extra", "it holds files a backup does not, such as '../../evil'"),
        ("twice", "a member appears twice"),
        ("encrypted", "header.json is encrypted with a zip password"),
        ("bzip2", "vault.db is compressed in a way backups never are"),
        ("many", "it lists 5000 files where a backup has three"),
    ],
)
def test_anything_but_the_three_members_as_backups_write_them_is_refused(
    made: dict[str, bytes], tmp_path: Path, change: str, reason: str
) -> None:
    source = tmp_path / "b.zip"
    if change == "bzip2":
        with zipfile.ZipFile(source, "w") as bundle:
            for name, data in made.items():
                method = zipfile.ZIP_BZIP2 if name == "vault.db" else zipfile.ZIP_STORED
                bundle.writestr(name, data, compress_type=method)
    else:
        members = [stored(n, d) for n, d in made.items()]
        if change == "extra":
            members.append(stored("../../evil", b"x"))
        elif change == "twice":
            members.append(stored("vault.db", b"x"))
        elif change == "encrypted":
            header = next(m for m in members if m.name == "header.json")
            members[members.index(header)] = RawMember(
                header.name, header.data, header.file_size, zipfile.ZIP_STORED, header.crc, 1
            )
        elif change == "many":
            members += [stored(f"f{i}", b"") for i in range(4997)]
        write_zip(source, members)
    with pytest.raises(VaultError) as caught:
        backups.inspect(source)  # the first look, before anyone is asked for a passphrase
    assert str(caught.value) == f"b.zip is not a usable SLI backup ({reason})"
    assert reason in refused(source, tmp_path / "r" / "v.sli")


@pytest.mark.parametrize("member", ["vault.db", "header.json"])
def test_damaged_compressed_data_is_one_sentence_not_a_traceback(
    made: dict[str, bytes], tmp_path: Path, member: str
) -> None:
    members = [stored(n, d) for n, d in made.items() if n != member]
    members.append(RawMember(member, b"\xff" * 200, 1000))  # not a deflate stream
    source = tmp_path / "b.zip"
    write_zip(source, members)
    damaged = "vault.db is damaged" if member == "vault.db" else "its manifest or header is damaged"
    assert refused(source, tmp_path / "r" / "v.sli") == (
        f"b.zip is not a usable SLI backup ({damaged})"
    )
