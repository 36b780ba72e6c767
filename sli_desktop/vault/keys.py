"""Key material: the random database key, its passphrase wrapping and the recovery key.

The SQLCipher key is 32 random bytes used raw, never a password. It is wrapped (AES-256-GCM)
by a key derived from the passphrase with Argon2id, so changing the passphrase re-wraps the key
and never re-encrypts the vault. A recovery key (high entropy, shown once) wraps it a second time.
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
        """Deliberately weak: for throwaway test vaults only, never chosen by the app itself."""
        return cls(memory_kib=1024, iterations=1, lanes=1)


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


def sqlcipher_key_pragma(key: bytes) -> str:
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
