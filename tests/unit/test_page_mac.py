"""Which MAC a new vault's pages get (vault/pages.py): HMAC-SHA256 only where this machine
computes it clearly faster than HMAC-SHA512, SQLCipher's default, measured as the vault is made."""

from __future__ import annotations

import hmac as real_hmac

import pytest

from sli_desktop.vault import pages
from sli_desktop.vault.pages import SHA256, SHA512, PageFormat, faster_mac


@pytest.mark.parametrize(
    ("sha256", "sha512", "chosen"),
    [
        (10e-6, 21e-6, SHA256),  # SHA extensions: SHA-256 in hardware
        (30e-6, 20e-6, SHA512),  # none: SHA-512 is the faster in software
        (18e-6, 20e-6, SHA512),  # close: SQLCipher's default stays
    ],
)
def test_the_faster_mac_is_chosen_and_only_when_clearly_faster(
    monkeypatch: pytest.MonkeyPatch, sha256: float, sha512: float, chosen: str
) -> None:
    clock = [0.0]
    real = real_hmac.digest

    def digest(key: bytes, msg: bytes, name: str) -> bytes:
        clock[0] += {"sha256": sha256, "sha512": sha512}[name]
        return real(key, msg, name)

    monkeypatch.setattr(pages.hmac, "digest", digest)
    assert faster_mac(clock=lambda: clock[0]) == chosen


def test_on_this_machine_the_choice_is_a_mac_a_vault_may_use() -> None:
    assert faster_mac() in pages.PAGE_MACS
    assert PageFormat(pages.NEW_VAULT_PAGE_SIZE, faster_mac()).size == 16384


def test_the_format_tells_sqlcipher_both_for_the_named_database() -> None:
    fmt = PageFormat(4096, SHA512)
    assert fmt.pragmas("backup") == [
        "PRAGMA backup.cipher_page_size = 4096",
        "PRAGMA backup.cipher_hmac_algorithm = HMAC_SHA512",
    ]
    assert PageFormat(16384, SHA256).label == "16 KiB, HMAC-SHA256"
    assert PageFormat(512, SHA512).label == "512 bytes, HMAC-SHA512"
