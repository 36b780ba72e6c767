"""Key material: the random database key, its passphrase wrapping and the recovery key.

The SQLCipher key is 32 random bytes used raw, never a password. It is wrapped (AES-256-GCM)
by a key derived from the passphrase with Argon2id, so changing the passphrase re-wraps the key
and need not re-encrypt the vault (rotate.py replaces the key itself when asked). A recovery key
(high entropy, shown once) wraps it a second time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost, stored in the header: a vault always opens with the cost it was made with."""

    memory_kib: int = 64 * 1024
    iterations: int = 3
    lanes: int = 4

    @classmethod
    def fast_for_tests(cls) -> KdfParams:
        """Deliberately weak: for throwaway test vaults and the demo vault (whose passphrase is
        public), never for a vault a person makes."""
        return cls(memory_kib=1024, iterations=1, lanes=1)

    def out_of_bounds(self) -> str | None:
        """What is wrong with a header's cost (to follow "it has"), or None.

        The header is outside the encryption, so anyone who can write the file can set these:
        an enormous cost would hang or exhaust the machine before the passphrase is even
        checked, and zero or negative ones are not Argon2id at all. A small cost above the floor
        is not refused: it protects only the header that carries it, which nobody without the
        key can make, and every re-wrap writes today's defaults instead of copying it
        (Header.rewrapped), so a weakened header cannot pass its weakness on."""
        values = (self.memory_kib, self.iterations, self.lanes)
        if any(type(v) is not int for v in values):
            return "key-derivation settings that are not whole numbers"
        if not MIN_MEMORY_KIB <= self.memory_kib <= MAX_MEMORY_KIB:
            return "key-derivation memory outside safe bounds"
        if not 1 <= self.iterations <= MAX_ITERATIONS:
            return "a number of key-derivation passes outside safe bounds"
        if not 1 <= self.lanes <= MAX_LANES:
            return "a number of key-derivation lanes outside safe bounds"
        if self.memory_kib * self.iterations > MAX_WORK_KIB:
            return "a key-derivation cost outside safe bounds"
        return None


#: Bounds on the Argon2id cost a header may ask for. The floor admits ``fast_for_tests`` (the
#: demo vault and the test fixtures use it). The ceilings are 16x today's memory and about 10x
#: today's work (64 MiB x 3 passes): the worst header allowed costs 1 GiB of memory and a few
#: seconds, never a hang.
MIN_MEMORY_KIB = 1024
MAX_MEMORY_KIB = 1024 * 1024
MAX_ITERATIONS = 10
MAX_LANES = 16
MAX_WORK_KIB = 2 * 1024 * 1024  # memory x passes


def new_database_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def derive_from_passphrase(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    kdf = Argon2id(
        salt=salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(passphrase.encode("utf-8"))


def derive_from_recovery(recovery_key: bytes, salt: bytes) -> bytes:
    """The recovery key is 256 random bits, so a fast KDF is enough to bind it to this vault."""
    return HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=salt, info=b"sli-recovery").derive(
        recovery_key
    )


def wrap(kek: bytes, key: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(kek).encrypt(nonce, key, aad)


def unwrap(kek: bytes, blob: bytes, aad: bytes) -> bytes | None:
    """The wrapped key, or None when ``kek`` is wrong (GCM authenticates, so no guessing)."""
    try:
        return AESGCM(kek).decrypt(blob[:12], blob[12:], aad)
    except (InvalidTag, ValueError):
        return None


def key_check(key: bytes, vault_id: str) -> str:
    """A non-secret fingerprint that tells a stale keyring entry from the vault's real key."""
    digest = hmac.new(key, b"sli-key-check:" + vault_id.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest[:16]).decode()


class KeyBuffer:
    """The raw database key while the vault is unlocked: one mutable buffer, overwritten with
    zeros when the vault locks (``wipe``). ``bytes`` cannot be overwritten, so the unlocked
    vault keeps the key only here, and connections are keyed from it (``Vault.sibling``)
    without copying it into new ``bytes``. What this does not cover: docs/SECURITY.md,
    "Memory"."""

    __slots__ = ("_buf", "_wiped")

    def __init__(self, key: bytes | bytearray) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("a database key is 32 bytes")
        self._buf = bytearray(key)
        self._wiped = False

    @property
    def wiped(self) -> bool:
        return self._wiped

    @property
    def key(self) -> bytearray:
        """The buffer itself (not a copy); refused once wiped."""
        if self._wiped:
            raise ValueError("the key was wiped when the vault locked")
        return self._buf

    def wipe(self) -> None:
        """Overwrite the key in place; every connection keyed from it must reopen to go on."""
        self._buf[:] = bytes(len(self._buf))
        self._wiped = True

    def __repr__(self) -> str:
        return f"KeyBuffer({'wiped' if self._wiped else 'held'})"


def sqlcipher_key_pragma(key: bytes | bytearray) -> str:
    """SQLCipher's raw-key form: ``x'…'`` skips its own PBKDF2, which we already did better."""
    return f"PRAGMA key = \"x'{key.hex()}'\""


# Recovery keys are written for people: 52 base32 characters in groups of four.
def new_recovery_key() -> tuple[bytes, str]:
    raw = secrets.token_bytes(KEY_BYTES)
    text = base64.b32encode(raw).decode().rstrip("=")
    return raw, "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes | None:
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    padded = cleaned + "=" * (-len(cleaned) % 8)
    try:
        raw = base64.b32decode(padded)
    except ValueError:
        return None
    return raw if len(raw) == KEY_BYTES else None
