"""AES-256 encryption of a finished PDF.

reportlab encrypts only with RC4 or AES-128, so the finished document is re-written by pypdf
with AES-256 (PDF 2.0 security handler, revision 6), all in memory.
"""

from __future__ import annotations

import io
import secrets

from pypdf import PdfReader, PdfWriter

MIN_PASSPHRASE = 8


class WeakBriefingPassphrase(ValueError):
    """A PDF passphrase too short to protect a briefing (not a vault passphrase)."""


def encrypt(pdf: bytes, passphrase: str) -> bytes:
    """``pdf`` readable only with ``passphrase``. The owner password is random and thrown
    away: nobody can lift the restrictions without re-typing the passphrase."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise WeakBriefingPassphrase(
            f"the PDF passphrase must be at least {MIN_PASSPHRASE} characters"
        )
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(
        user_password=passphrase,
        owner_password=secrets.token_urlsafe(32),
        algorithm="AES-256",
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
