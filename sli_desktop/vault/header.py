"""The small header file beside the vault: the wrapped database key and how to unwrap it.

It holds nothing readable about the vault's contents. It is replaced atomically (write, fsync,
rename), so a crash while changing the passphrase leaves either the old or the new header; when
the database is replaced with it (a key rotation), files.py journals the pair.

The header is outside the encryption, so anything in it may have been written by someone
hostile: every field is checked as it is read, and the Argon2id cost is bounded
(keys.KdfParams.out_of_bounds) so that a header can never make the app hang or weaken a re-wrap.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..private_file import restrict
from . import keys
from .errors import VaultDamaged, VaultError, VaultNotFound
from .files import fsync_dir, is_empty_or_missing, settle
from .files import header_path as header_path  # re-exported: its callers know it from here
from .pages import LEGACY, LEGACY_PAGE_MAC, LEGACY_PAGE_SIZE, PageFormat, new_vault_format

FORMAT = "sli-vault-header/1"

#: SQLCipher cannot read a vault's page size or page MAC from the file (the whole file is
#: encrypted), so the header records both (vault/pages.py). A vault keeps them until a key
#: rotation, which copies every page anyway (rotate.py).
SALT_BYTES = 16
#: keys.wrap's output: a 12-byte nonce, the 32-byte key, a 16-byte tag.
WRAPPED_KEY_BYTES = 12 + keys.KEY_BYTES + 16
#: A header is under a kilobyte; the file is read no further than this, so a huge one (or a
#: link to a device that never ends) cannot exhaust memory before it is refused.
MAX_HEADER_BYTES = 64 << 10

_fsync_dir = fsync_dir  # the name backup.py imports


class VaultFileMissing(VaultDamaged):
    """A key header with no database beside it, or an empty one: the vault was lost, not never
    made. Opening it would make a fresh, empty database under the old key, and ``init`` would
    overwrite the only wrapping of that key; both are refused."""

    def __init__(self, path: Path) -> None:
        VaultError.__init__(
            self,
            f"the vault file {path} is missing or empty beside its key header; restore it from "
            "a backup (sli restore FILE --force)",
        )


class HeaderOutOfBounds(ValueError):
    """A header field that is well-formed but cannot be right; ``str`` says which, to follow
    "it has"."""


@dataclass(frozen=True)
class Header:
    vault_id: str
    kdf: keys.KdfParams
    salt: bytes
    wrapped_key: bytes
    recovery_salt: bytes
    recovery_wrapped_key: bytes
    key_check: str
    pages: PageFormat = LEGACY

    @classmethod
    def new(
        cls,
        key: bytes,
        passphrase: str,
        recovery_raw: bytes,
        kdf: keys.KdfParams,
        pages: PageFormat | None = None,
    ) -> Header:
        """``pages``: for measuring and testing a format; a new vault's otherwise."""
        return cls._wrapping(
            str(uuid.uuid4()), key, passphrase, recovery_raw, kdf, pages or new_vault_format()
        )

    def rotated(self, key: bytes, passphrase: str, recovery_raw: bytes) -> Header:
        """The same vault under a new database key: every wrap, salt and the key check are new,
        and the cost and page format are today's whatever this header had (a rotation copies
        every page anyway, so an older vault gets new vaults' pages for nothing)."""
        return self._wrapping(
            self.vault_id, key, passphrase, recovery_raw, keys.KdfParams(), new_vault_format()
        )

    @classmethod
    def _wrapping(
        cls,
        vault_id: str,
        key: bytes,
        passphrase: str,
        recovery_raw: bytes,
        kdf: keys.KdfParams,
        pages: PageFormat,
    ) -> Header:
        salt, recovery_salt = os.urandom(SALT_BYTES), os.urandom(SALT_BYTES)
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
            pages=pages,
        )

    def unwrap_with_passphrase(self, passphrase: str) -> bytes | None:
        kek = keys.derive_from_passphrase(passphrase, self.salt, self.kdf)
        return keys.unwrap(kek, self.wrapped_key, self.vault_id.encode())

    def unwrap_with_recovery(self, recovery_raw: bytes) -> bytes | None:
        kek = keys.derive_from_recovery(recovery_raw, self.recovery_salt)
        return keys.unwrap(kek, self.recovery_wrapped_key, self.vault_id.encode())

    def rewrapped(self, key: bytes, passphrase: str) -> Header:
        """The same key under a new passphrase, with a fresh salt and today's default cost:
        never this header's, which may be older, weaker, or set by whoever wrote the file."""
        params = keys.KdfParams()
        salt = os.urandom(SALT_BYTES)
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
            "page_size": self.pages.size,
            "page_mac": self.pages.mac,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Header:
        if data.get("format") != FORMAT or data.get("kdf", {}).get("name") != "argon2id":
            raise ValueError("unknown header format")
        kdf = data["kdf"]
        size = data.get("page_size", LEGACY_PAGE_SIZE)
        mac = data.get("page_mac", LEGACY_PAGE_MAC)
        if type(size) is not int or type(mac) is not str:
            raise ValueError("unknown page format")
        pages = PageFormat(size, mac)  # ValueError for a size or MAC no vault may have
        params = keys.KdfParams(
            memory_kib=kdf["memory_kib"], iterations=kdf["iterations"], lanes=kdf["lanes"]
        )
        problem = params.out_of_bounds()
        if problem:
            raise HeaderOutOfBounds(problem)
        header = cls(
            vault_id=str(uuid.UUID(data["vault_id"])),
            kdf=params,
            salt=base64.b64decode(data["salt"], validate=True),
            wrapped_key=base64.b64decode(data["wrapped_key"], validate=True),
            recovery_salt=base64.b64decode(data["recovery_salt"], validate=True),
            recovery_wrapped_key=base64.b64decode(data["recovery_wrapped_key"], validate=True),
            key_check=str(data["key_check"]),
            pages=pages,
        )
        if len(header.salt) != SALT_BYTES or len(header.recovery_salt) != SALT_BYTES:
            raise HeaderOutOfBounds("salts of the wrong length")
        if {len(header.wrapped_key), len(header.recovery_wrapped_key)} != {WRAPPED_KEY_BYTES}:
            # Else a cut or emptied wrap would pass for a wrong passphrase or recovery key.
            raise HeaderOutOfBounds("a wrapped key of the wrong length")
        return header


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def read_header(vault_path: Path) -> Header:
    """The header of a vault that is there to open. Every opener comes through here, so it is
    also where a key rotation or a creation that was cut short is finished or undone
    (files.settle), and where a header standing alone is refused rather than re-created."""
    settle(vault_path)
    path = header_path(vault_path)
    if not vault_path.exists() and not path.exists():
        raise VaultNotFound(vault_path)
    if path.exists() and is_empty_or_missing(vault_path):
        raise VaultFileMissing(vault_path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_HEADER_BYTES + 1)
    except FileNotFoundError:
        raise VaultDamaged(vault_path, f"its key header {path.name} is missing") from None
    if len(raw) > MAX_HEADER_BYTES:
        raise VaultDamaged(vault_path, f"its key header {path.name} is far too large")
    try:
        return parse_header(raw)
    except HeaderOutOfBounds as exc:
        raise VaultDamaged(vault_path, f"its key header {path.name} has {exc}") from None
    except ValueError:
        raise VaultDamaged(vault_path, f"its key header {path.name} is unreadable") from None


def parse_header(raw: bytes) -> Header:
    """The header in ``raw``, which anyone may have written: whatever is wrong with it is a
    ValueError (HeaderOutOfBounds for a cost or salt that cannot be right). json nests by
    recursion, so a few kilobytes of brackets raise RecursionError: that is damage too."""
    try:
        return Header.from_json(json.loads(raw))
    except HeaderOutOfBounds:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise ValueError("unreadable key header") from None


def write_header(vault_path: Path, header: Header) -> None:
    path = header_path(vault_path)
    data = json.dumps(header.to_json(), indent=2).encode()
    fd, tmp = tempfile.mkstemp(prefix=".header-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        restrict(Path(tmp))  # owner-only, the platform's way (no chmod on Windows)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
