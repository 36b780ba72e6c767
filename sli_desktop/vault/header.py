"""The small header file beside the vault: the wrapped database key and how to unwrap it.

It holds nothing readable about the vault's contents. It is replaced atomically (write, fsync,
rename), so a crash while changing the passphrase leaves either the old or the new header.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import tempfile
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import keys
from .errors import VaultDamaged, VaultNotFound

FORMAT = "sli-vault-header/1"

#: SQLCipher cannot read a vault's page size from the file (the whole file is encrypted), so the
#: header records it. Vaults made before it was recorded use SQLCipher's default.
LEGACY_PAGE_SIZE = 4096
#: New vaults use 16 KiB pages: with memory security on, every B-tree page split costs SQLCipher
#: a wiped and unlocked heap allocation, and larger pages split a quarter as often (an import of
#: 200,000 figures took about a fifth less CPU than with 4 KiB; 32 and 64 KiB were slower again),
#: and searches read fewer pages. A one-note save costs about 3 ms more (ARCHITECTURE.md).
NEW_VAULT_PAGE_SIZE = 16384
PAGE_SIZES = frozenset(1 << n for n in range(9, 17))  # what SQLite accepts: 512 to 65536


def header_path(vault_path: Path) -> Path:
    return vault_path.with_name(vault_path.name + ".header")


@dataclass(frozen=True)
class Header:
    vault_id: str
    kdf: keys.KdfParams
    salt: bytes
    wrapped_key: bytes
    recovery_salt: bytes
    recovery_wrapped_key: bytes
    key_check: str
    page_size: int = LEGACY_PAGE_SIZE

    @classmethod
    def new(
        cls,
        key: bytes,
        passphrase: str,
        recovery_raw: bytes,
        kdf: keys.KdfParams,
        page_size: int = NEW_VAULT_PAGE_SIZE,
    ) -> Header:
        if page_size not in PAGE_SIZES:
            raise ValueError(f"{page_size} is not a page size SQLite accepts")
        vault_id = str(uuid.uuid4())
        salt, recovery_salt = os.urandom(16), os.urandom(16)
        aad = vault_id.encode()
        return cls(
            vault_id=vault_id,
            kdf=kdf,
            salt=salt,
            wrapped_key=keys.wrap(keys.derive_from_passphrase(passphrase, salt, kdf), key, aad),
            recovery_salt=recovery_salt,
            recovery_wrapped_key=keys.wrap(
                keys.derive_from_recovery(recovery_raw, recovery_salt), key, aad
            ),
            key_check=keys.key_check(key, vault_id),
            page_size=page_size,
        )

    def unwrap_with_passphrase(self, passphrase: str) -> bytes | None:
        kek = keys.derive_from_passphrase(passphrase, self.salt, self.kdf)
        return keys.unwrap(kek, self.wrapped_key, self.vault_id.encode())

    def unwrap_with_recovery(self, recovery_raw: bytes) -> bytes | None:
        kek = keys.derive_from_recovery(recovery_raw, self.recovery_salt)
        return keys.unwrap(kek, self.recovery_wrapped_key, self.vault_id.encode())

    def rewrapped(self, key: bytes, passphrase: str, kdf: keys.KdfParams | None = None) -> Header:
        """The same key under a new passphrase, with a fresh salt."""
        params = kdf or self.kdf
        salt = os.urandom(16)
        kek = keys.derive_from_passphrase(passphrase, salt, params)
        return replace(
            self,
            kdf=params,
            salt=salt,
            wrapped_key=keys.wrap(kek, key, self.vault_id.encode()),
        )

    def matches(self, key: bytes) -> bool:
        return keys.key_check(key, self.vault_id) == self.key_check

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "vault_id": self.vault_id,
            "kdf": {
                "name": "argon2id",
                "memory_kib": self.kdf.memory_kib,
                "iterations": self.kdf.iterations,
                "lanes": self.kdf.lanes,
            },
            "salt": b64(self.salt),
            "wrapped_key": b64(self.wrapped_key),
            "recovery_salt": b64(self.recovery_salt),
            "recovery_wrapped_key": b64(self.recovery_wrapped_key),
            "key_check": self.key_check,
            "page_size": self.page_size,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Header:
        if data.get("format") != FORMAT or data.get("kdf", {}).get("name") != "argon2id":
            raise ValueError("unknown header format")
        kdf = data["kdf"]
        page_size = data.get("page_size", LEGACY_PAGE_SIZE)
        if type(page_size) is not int or page_size not in PAGE_SIZES:
            raise ValueError("unknown page size")
        return cls(
            vault_id=str(uuid.UUID(data["vault_id"])),
            kdf=keys.KdfParams(
                memory_kib=int(kdf["memory_kib"]),
                iterations=int(kdf["iterations"]),
                lanes=int(kdf["lanes"]),
            ),
            salt=base64.b64decode(data["salt"]),
            wrapped_key=base64.b64decode(data["wrapped_key"]),
            recovery_salt=base64.b64decode(data["recovery_salt"]),
            recovery_wrapped_key=base64.b64decode(data["recovery_wrapped_key"]),
            key_check=str(data["key_check"]),
            page_size=page_size,
        )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def read_header(vault_path: Path) -> Header:
    path = header_path(vault_path)
    if not vault_path.exists():
        raise VaultNotFound(vault_path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise VaultDamaged(vault_path, f"its key header {path.name} is missing") from None
    try:
        return Header.from_json(json.loads(raw))
    except (ValueError, KeyError, TypeError):
        raise VaultDamaged(vault_path, f"its key header {path.name} is unreadable") from None


def write_header(vault_path: Path, header: Header) -> None:
    path = header_path(vault_path)
    data = json.dumps(header.to_json(), indent=2).encode()
    fd, tmp = tempfile.mkstemp(prefix=".header-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
