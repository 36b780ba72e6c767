"""Enrolment that survives a lost answer.

The server spends a one-time code and makes a device; if its answer never reaches the device
(a dropped connection, a killed client), the device is left without a token and the code is
used: only a new code recovered. So a device draws a secret enrolment id once, keeps it in its
vault until it is enrolled, and sends it with the code. The server records, for the spent code,
the device it made and a hash of that id. The same code with the same id, within RETRY_WINDOW
of the enrolment and while the device is not revoked, gets the same device and token back; any
other request with the code (another vault, or no id) is refused as a used code always was.

The server keeps no token: the device's token is derived from its enrolment id and its device
id (an HMAC), so the server can give it again having stored only hashes. The token is as secret
as the enrolment id, which travels once, in the enrolment request, like the token itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import sqlalchemy as sa
from sqlalchemy.engine import Connection

#: Seconds after an enrolment during which the same vault may ask again for its answer.
RETRY_WINDOW = 15 * 60.0


def enrolments_table(metadata: sa.MetaData) -> sa.Table:
    """On the server's own metadata, so it is created, dropped and checked with the others."""
    return sa.Table(
        "enrolments",
        metadata,
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("enrolment_hash", sa.String(64), nullable=False),
        sa.Column("enrolled_at", sa.Float, nullable=False),
    )


def token_for(enrolment_id: str, device_id: str) -> str:
    """The device's token: the same whenever the same vault asks for the same device."""
    digest = hmac.new(
        enrolment_id.encode("utf-8"), b"sli-sync-token:" + device_id.encode("utf-8"), "sha256"
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def enrolment_hash(enrolment_id: str) -> str:
    return hashlib.sha256(enrolment_id.encode("utf-8")).hexdigest()


def remember(
    conn: Connection,
    table: sa.Table,
    code_hash: str,
    device_id: str,
    enrolment_id: str,
    now: float,
) -> None:
    conn.execute(
        table.insert().values(
            code_hash=code_hash,
            device_id=device_id,
            enrolment_hash=enrolment_hash(enrolment_id),
            enrolled_at=now,
        )
    )


def repeated(
    conn: Connection, table: sa.Table, code_hash: str, enrolment_id: str | None, now: float
) -> str | None:
    """The device id an earlier enrolment with this code made for this same vault, if the
    retry is within RETRY_WINDOW; else None (the code counts as used)."""
    if not enrolment_id:
        return None
    row = conn.execute(sa.select(table).where(table.c.code_hash == code_hash)).first()
    if row is None or now - float(row.enrolled_at) > RETRY_WINDOW:
        return None
    if not hmac.compare_digest(str(row.enrolment_hash), enrolment_hash(enrolment_id)):
        return None
    return str(row.device_id)
