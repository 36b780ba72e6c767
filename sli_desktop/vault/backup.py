"""A whole vault in one file, and back; and a plain JSON copy of everything the user can see.

The backup is a zip of three members: ``manifest.json`` (format, vault id, schema version, a
SHA-256 of the database), ``header.json`` (the key header as it stood, so the key is wrapped
by the passphrase of that day) and ``vault.db`` (a fresh SQLCipher copy made by
``sqlcipher_export`` under the same key). Nothing in it is readable without the passphrase.
The header wraps the key twice, under the passphrase and under the recovery key, so either opens
a backup (the recovery key never changes; the passphrase is the one of the day it was made).
Restoring with the recovery key sets a new passphrase, as ``sli vault recover`` does.

Restore checks everything before touching the vault in place: the secret unwraps the key,
the database's hash matches, every page authenticates and the vault id inside matches the
header. Only then are the restored database and header staged beside the vault and swapped in
through the journal a key rotation uses (files.py), so a failure at any step, or a kill, leaves
the vault that was there or the restored one, never neither.

A backup may come from anyone, so the zip is held to what this app writes before a byte is
inflated: exactly the three members, once each, stored or deflated, the manifest and header
under 1 MiB, the database within the free disk space, none declaring more than 100:1
compression (an encrypted database does not compress; a zip bomb does, about 1,000:1). Every
member is then read in 1 MiB blocks and refused if its data holds more or less than declared.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..domain import RECORD_TYPES
from ..private_file import create_private, fsync_folder, private_folder, replacing
from . import keys
from .audit import AuditLog
from .connection import Error, open_connection
from .errors import VaultDamaged, VaultError, VaultExists, WrongPassphrase, WrongRecoveryKey
from .files import committed_header_path, finish_rotation, rotating_path, settle
from .header import Header, header_path, parse_header, read_header, write_header
from .migrations import schema_version
from .rotate import VaultInUse
from .session import check_passphrase, open_with_key
from .store import Vault

FORMAT = "sli-backup/1"
EXPORT_FORMAT = "sli-export/1"
_SIDE_FILES = ("-wal", "-shm", "-journal")

#: A backup holds these members and nothing else.
_DATABASE = "vault.db"
_MEMBERS = frozenset({"manifest.json", "header.json", _DATABASE})
#: The manifest and the header are a few hundred bytes each.
MAX_SMALL_MEMBER = 1 << 20
#: Far beyond any vault (notes, figures and documents of a whole programme), and still a size
#: a disk can hold: a larger declared database is refused without a look at the disk.
MAX_DATABASE = 256 << 30
#: An encrypted database does not compress: this app stores it (1:1) and re-zipping gains a
#: few per cent at most. Deflate can reach about 1,000:1 on zeros, so a member declaring more
#: than this ratio is a decompression bomb, refused before a byte is inflated.
MAX_RATIO = 100
#: Three entries take a few hundred bytes; a larger table of contents is not a backup's, and
#: zipfile would read all of it into memory before any member could be looked at.
MAX_DIRECTORY = 64 << 10
#: Room to leave on the disk beyond the restored database (its header, SQLite's journal).
_DISK_MARGIN = 16 << 20
_CHUNK = 1 << 20
#: Where zipfile's end record keeps the number of entries and the directory's size.
_ECD_ENTRIES_TOTAL, _ECD_SIZE = 4, 5


class BackupUnreadable(VaultError):
    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"{path.name} is not a usable SLI backup ({detail})")


class WrongBackupPassphrase(WrongPassphrase):
    def __init__(self) -> None:
        VaultError.__init__(
            self,
            "wrong passphrase for this backup: it opens with the passphrase of the day it was "
            "made, or with the recovery key",
        )


class WrongBackupRecoveryKey(WrongRecoveryKey):
    def __init__(self) -> None:
        VaultError.__init__(self, "that recovery key does not open this backup")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    vault_id: str
    schema_version: int
    size: int


def _partial(path: Path, suffix: str) -> Path:
    return path.with_name(f".{path.name}.{suffix}.partial")


def _remove(path: Path) -> None:
    for p in (path, *(path.with_name(path.name + s) for s in _SIDE_FILES)):
        p.unlink(missing_ok=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(vault: Vault, dest: Path) -> BackupInfo:
    """Write the backup to ``dest`` (whole or not at all, owner-only) and audit it."""
    header = read_header(vault.path)
    conn = vault.conn
    version = schema_version(conn)
    work: Path | None = None
    try:
        # The working copy and SQLite's journal beside it live in a fresh owner-only folder:
        # ``dest`` may be in a folder others can write (/tmp), where any fixed name could have
        # been taken first by another account.
        work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
        tmp_db = work / _DATABASE
        create_private(tmp_db).close()
        # Without a KEY clause the attached database takes the main database's key, but not
        # its page format: that is set to the one the header (copied into the backup) records.
        conn.execute("ATTACH DATABASE ? AS backup", (str(tmp_db),))
        try:
            for pragma in header.pages.pragmas("backup"):
                conn.execute(pragma)
            conn.execute("SELECT sqlcipher_export('backup')").fetchall()
            conn.execute(f"PRAGMA backup.user_version = {int(version)}")
        finally:
            conn.execute("DETACH DATABASE backup")
        manifest = {
            "format": FORMAT,
            "vault_id": header.vault_id,
            "schema_version": version,
            "created_at": vault.now().isoformat(),
            "sha256": _sha256(tmp_db),
        }
        with (
            replacing(dest) as handle,
            zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as bundle,
        ):
            bundle.writestr("manifest.json", json.dumps(manifest, indent=2))
            bundle.writestr("header.json", json.dumps(header.to_json(), indent=2))
            bundle.write(tmp_db, _DATABASE)
    except Error as exc:
        raise VaultError(f"the backup could not be made ({exc})") from None
    except OSError as exc:
        raise VaultError(f"the backup could not be written to {dest} ({exc.strerror})") from None
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    vault.audit("backup", "", "", {"file": dest.name})
    return BackupInfo(dest, header.vault_id, version, dest.stat().st_size)


@dataclass(frozen=True)
class BackupSecret:
    """What opens a backup: its passphrase, or the vault's recovery key together with the
    new passphrase the restored vault will have (whoever needs the recovery key has lost the
    old one)."""

    passphrase: str | None = None
    recovery_key: str | None = None
    new_passphrase: str | None = None

    @classmethod
    def of(cls, secret: str | BackupSecret) -> BackupSecret:
        return secret if isinstance(secret, BackupSecret) else cls(passphrase=secret)


def inspect(source: Path) -> BackupInfo:
    """Whether ``source`` is a backup at all, before anyone is asked for a secret."""
    header, manifest, _ = _read_bundle(source)
    return BackupInfo(
        source, header.vault_id, int(manifest.get("schema_version", 0)), source.stat().st_size
    )


def open_backup(source: Path, secret: str | BackupSecret) -> tuple[Header, bytes]:
    """The backup's header and database key, checked without writing anything: the GUI and
    the CLI ask this before locking the open vault or asking for a new passphrase, so a wrong
    secret costs nothing."""
    header, _, _ = _read_bundle(source)
    return header, _unwrap(header, BackupSecret.of(secret))


def _unwrap(header: Header, given: BackupSecret) -> bytes:
    if given.recovery_key is not None:
        raw = keys.parse_recovery_key(given.recovery_key)
        key = header.unwrap_with_recovery(raw) if raw else None
        if key is None:
            raise WrongBackupRecoveryKey()
    else:
        key = header.unwrap_with_passphrase(given.passphrase or "")
        if key is None:
            raise WrongBackupPassphrase()
    return key


def restore(
    source: Path, vault_path: Path, secret: str | BackupSecret, *, force: bool = False
) -> BackupInfo:
    """Put the vault in ``source`` at ``vault_path``. ``secret`` is the backup's passphrase or
    a ``BackupSecret``. Refuses to replace an existing vault unless ``force``; verifies the
    backup completely before anything there is touched."""
    settle(vault_path)  # a key rotation cut short must not be finished over the restored vault
    if committed_header_path(vault_path).exists() or rotating_path(vault_path).exists():
        raise VaultInUse()  # settle leaves a rotation that is still running to finish
    if (vault_path.exists() or header_path(vault_path).exists()) and not force:
        raise VaultExists(vault_path)
    given = BackupSecret.of(secret)
    header, manifest, database = _read_bundle(source)
    key = _unwrap(header, given)
    if given.recovery_key is not None:
        if not given.new_passphrase:
            raise VaultError("a new passphrase is needed to restore with the recovery key")
        check_passphrase(given.new_passphrase)
        header = header.rewrapped(key, given.new_passphrase)  # the recovery wrap stays
    _check_room(vault_path.parent, database.file_size)
    private_folder(vault_path.parent)
    tmp_db = _partial(vault_path, "restore")
    _remove(tmp_db)
    try:
        with zipfile.ZipFile(source) as bundle, create_private(tmp_db) as out:
            for block in _inflate(bundle, database, source):
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if _sha256(tmp_db) != manifest.get("sha256"):
            raise BackupUnreadable(source, "the database does not match its checksum")
        _verify(tmp_db, key, header)
        _put_in_place(tmp_db, vault_path, header)
    except (EOFError, zlib.error):
        raise BackupUnreadable(source, f"{_DATABASE} is damaged") from None
    except (OSError, zipfile.BadZipFile, KeyError) as exc:
        raise BackupUnreadable(source, str(exc) or type(exc).__name__) from None
    finally:
        _remove(tmp_db)
    if given.recovery_key is not None:
        with (
            contextlib.suppress(VaultError),
            open_with_key(vault_path, key, header.pages) as vault,
        ):
            vault.audit("restored-with-recovery-key", detail={"file": source.name})
    return BackupInfo(
        vault_path, header.vault_id, int(manifest.get("schema_version", 0)), source.stat().st_size
    )


def _read_bundle(source: Path) -> tuple[Header, dict[str, Any], zipfile.ZipInfo]:
    """The header, the manifest and the database's entry, every member checked (names,
    declared sizes, compression) before any is inflated."""
    if not source.exists():
        raise BackupUnreadable(source, "no such file")
    try:
        with source.open("rb") as handle:
            _check_directory(source, handle)
        with zipfile.ZipFile(source) as bundle:
            members = _check_members(source, bundle.infolist())
            manifest = json.loads(b"".join(_inflate(bundle, members["manifest.json"], source)))
            header = parse_header(b"".join(_inflate(bundle, members["header.json"], source)))
    except (EOFError, zlib.error):
        raise BackupUnreadable(source, "its manifest or header is damaged") from None
    except RecursionError:  # json nests by recursion: a manifest of brackets
        raise BackupUnreadable(source, "its manifest or header is damaged") from None
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupUnreadable(source, type(exc).__name__) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupUnreadable(source, "unknown format")
    if manifest.get("vault_id") != header.vault_id:
        raise BackupUnreadable(source, "the header belongs to another vault")
    return header, manifest, members[_DATABASE]


def _check_directory(source: Path, handle: IO[bytes]) -> None:
    """Refuse a table of contents far larger than a backup's before zipfile reads it whole.
    Its size is read from the end record by zipfile's own reader, so it is the figure
    zipfile would go by; a Python without that reader leaves the member checks to do it."""
    end_record = getattr(zipfile, "_EndRecData", None)
    found = end_record(handle) if end_record is not None else None
    if found is None:
        return  # not a zip at all: zipfile says so next
    entries, size = int(found[_ECD_ENTRIES_TOTAL]), int(found[_ECD_SIZE])
    if entries > 2 * len(_MEMBERS) or size > MAX_DIRECTORY:
        raise BackupUnreadable(source, f"it lists {entries} files where a backup has three")


def _check_members(source: Path, infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    """Only the three members, once each, each within its size and a believable compression
    ratio, as the zip declares them; ``_inflate`` holds the contents to those declarations."""
    members = {info.filename: info for info in infos}
    if len(members) != len(infos):
        raise BackupUnreadable(source, "a member appears twice")
    if not members.keys() >= _MEMBERS:
        raise BackupUnreadable(source, "members are missing")
    if extra := sorted(members.keys() - _MEMBERS):
        raise BackupUnreadable(source, f"it holds files a backup does not, such as {extra[0]!r}")
    for name, info in members.items():
        if info.flag_bits & 0x1:
            raise BackupUnreadable(source, f"{name} is encrypted with a zip password")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise BackupUnreadable(source, f"{name} is compressed in a way backups never are")
        limit = MAX_DATABASE if name == _DATABASE else MAX_SMALL_MEMBER
        if info.file_size > limit:
            raise BackupUnreadable(
                source, f"{name} would expand to {_size(info.file_size)}, more than any backup"
            )
        if info.file_size > MAX_RATIO * info.compress_size:
            raise BackupUnreadable(
                source,
                f"{name} would expand from {_size(info.compress_size)} to "
                f"{_size(info.file_size)}, which no backup does",
            )
    return members


def _inflate(bundle: zipfile.ZipFile, info: zipfile.ZipInfo, source: Path) -> Iterator[bytes]:
    """The member in bounded blocks, never more than it declared: a zip whose data holds
    more than its directory says is refused as soon as the extra byte appears."""
    left = info.file_size
    with bundle.open(info) as member:
        while block := member.read(min(_CHUNK, left + 1)):
            left -= len(block)
            if left < 0:
                raise BackupUnreadable(source, f"{info.filename} holds more than it declares")
            yield block
    if left:
        raise BackupUnreadable(source, f"{info.filename} holds less than it declares")


def _check_room(folder: Path, size: int) -> None:
    """Enough free space for the restored database beside the vault it replaces."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    if size + _DISK_MARGIN > free:
        raise VaultError(
            f"there is not enough free space in {existing} to restore this backup: its "
            f"database needs {_size(size + _DISK_MARGIN)} and {_size(free)} is free"
        )


def _size(count: int) -> str:
    if count < 1024:
        return f"{count:,} bytes"
    value = float(count)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024 or unit == "GiB":
            break
    return f"{value:,.1f} {unit}"


def _verify(db: Path, key: bytes, header: Header) -> None:
    """Every page authenticates (open_connection checks) and the vault inside is this one."""
    try:
        conn = open_connection(db, key, pages=header.pages)
    except VaultDamaged:
        raise BackupUnreadable(db, "the database is damaged") from None
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'vault_id'").fetchone()
        checked = conn.execute("PRAGMA quick_check").fetchall()
    except Error:
        raise BackupUnreadable(db, "the database cannot be read") from None
    finally:
        conn.close()
    if [r[0] for r in checked] != ["ok"]:
        raise BackupUnreadable(db, "the database fails its integrity check")
    if not row or row[0] != header.vault_id:
        raise BackupUnreadable(db, "the database and its header do not belong together")


def _put_in_place(tmp_db: Path, vault_path: Path, header: Header) -> None:
    """The restored database and its header in place of the old pair, through the journal a
    key rotation uses (files.py): both staged beside the vault, committed by one rename, then
    renamed over the old pair. A kill at any point leaves the old vault or the restored one to
    the next opener (``files.settle``), never neither, never a mix, never the old vault hidden
    under a name nothing looks for."""
    staged = rotating_path(vault_path)
    _discard_staged(staged)
    committed = False
    try:
        os.replace(tmp_db, staged)
        write_header(staged, header)  # durable: it fsyncs the folder, the rename above too
        os.replace(header_path(staged), committed_header_path(vault_path))
        fsync_folder(vault_path.parent)
        committed = True
    finally:
        if not committed:
            _discard_staged(staged)
    try:
        finish_rotation(vault_path)
    except OSError as exc:
        raise VaultError(
            f"the backup was restored but could not be put in place ({exc.strerror}); "
            "it will be the next time the vault is opened"
        ) from None


def _discard_staged(staged: Path) -> None:
    _remove(staged)
    header_path(staged).unlink(missing_ok=True)


def export_everything(vault: Vault) -> dict[str, Any]:
    """Every record the user can see and the audit log, as plain JSON-ready data."""
    records: dict[str, list[dict[str, Any]]] = {}
    for cls in RECORD_TYPES:
        records[cls.kind] = [r.to_json() for r in vault.records(cls, "deleted = 0")]
    return {
        "format": EXPORT_FORMAT,
        "exported_at": vault.now().isoformat(),
        "vault_id": vault.meta("vault_id"),
        "owner": vault.meta("owner"),
        "records": records,
        "audit": [e.to_json() for e in AuditLog(vault).entries()],
    }
