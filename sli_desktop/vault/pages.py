"""How a vault's pages are laid out and authenticated: what SQLCipher must be told before it can
read a vault, since the file is encrypted whole and holds neither. The header records it.

Every page carries a MAC over its encrypted bytes, keyed from the database key, so a changed,
swapped or damaged page is refused. SQLCipher offers HMAC-SHA512 (its default) and HMAC-SHA256;
either gives a 256-bit or longer tag under a 256-bit key, far beyond any forgery. What differs
is the time: computing it is most of what encryption adds to a save (docs/PERFORMANCE.md).
Processors with SHA extensions (Intel since 2019-2021, AMD since 2017, Apple silicon) compute
SHA-256 in hardware, twice as fast as SHA-512; on older ones SHA-512 is the faster. So a new
vault takes whichever this machine computes faster, measured as it is made, and keeps it until
a key rotation (which copies every page anyway) chooses again.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

#: What SQLite accepts: 512 to 65,536 bytes.
PAGE_SIZES = frozenset(1 << n for n in range(9, 17))
#: Vaults made before the page size was recorded use SQLCipher's default.
LEGACY_PAGE_SIZE = 4096
#: New vaults use 16 KiB pages. Chosen first for memory security (now off), kept on what is left
#: when measured side by side at 100,000 notes without it: unlocking authenticates every page
#: (open_connection), and with 4 KiB pages there are four times as many pages to check
#: and more bytes in all, which a person waits for at every unlock; the file and bulk imports
#: are smaller and cheaper too. What 4 KiB pages would win, a one-note save, is milliseconds
#: either way and search is the same (docs/PERFORMANCE.md, tests/bench/test_page_size_bench.py).
NEW_VAULT_PAGE_SIZE = 16384

SHA512 = "HMAC_SHA512"
SHA256 = "HMAC_SHA256"
#: The MACs a vault may use: anything else in a header is refused (and never reaches a PRAGMA).
PAGE_MACS = frozenset({SHA512, SHA256})
#: Vaults made before the MAC was recorded use SQLCipher 4's default.
LEGACY_PAGE_MAC = SHA512


@dataclass(frozen=True)
class PageFormat:
    size: int
    mac: str

    def __post_init__(self) -> None:
        if self.size not in PAGE_SIZES:
            raise ValueError(f"{self.size} is not a page size SQLite accepts")
        if self.mac not in PAGE_MACS:
            raise ValueError(f"{self.mac!r} is not a page MAC a vault may use")

    def pragmas(self, schema: str = "main") -> list[str]:
        """What tells SQLCipher this format for ``schema`` (an attached copy's name too): after
        the key, before the first page is read."""
        return [
            f"PRAGMA {schema}.cipher_page_size = {int(self.size)}",
            f"PRAGMA {schema}.cipher_hmac_algorithm = {self.mac}",
        ]

    @property
    def label(self) -> str:
        """As ``sli vault info`` shows it beside "pages": "16 KiB, HMAC-SHA256"."""
        size = f"{self.size // 1024} KiB" if self.size >= 1024 else f"{self.size} bytes"
        return f"{size}, {self.mac.replace('_', '-')}"


#: Vaults whose header records neither.
LEGACY = PageFormat(LEGACY_PAGE_SIZE, LEGACY_PAGE_MAC)

#: SHA-256 is chosen only when clearly faster: on a machine where the two are close, the
#: SQLCipher default stays.
_CLEARLY_FASTER = 0.8
_ROUNDS = 5
_PER_ROUND = 32


def faster_mac(clock: Callable[[], float] = time.perf_counter) -> str:
    """The MAC this machine computes faster over a page: a few milliseconds of HMACs of a
    16 KiB page with each, alternating, the best round of each compared."""
    page, key = os.urandom(NEW_VAULT_PAGE_SIZE), os.urandom(32)
    best = {SHA512: float("inf"), SHA256: float("inf")}
    for _ in range(_ROUNDS):
        for mac, digest in ((SHA512, "sha512"), (SHA256, "sha256")):
            started = clock()
            for _ in range(_PER_ROUND):
                hmac.digest(key, page, digest)
            best[mac] = min(best[mac], clock() - started)
    return SHA256 if best[SHA256] < _CLEARLY_FASTER * best[SHA512] else SHA512


def new_vault_format() -> PageFormat:
    """The format a new vault (or a rotated one) is made in on this machine."""
    return PageFormat(NEW_VAULT_PAGE_SIZE, faster_mac())
