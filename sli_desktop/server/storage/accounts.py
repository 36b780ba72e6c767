"""Users, their devices and enrolment: one-time codes spent on a device for its token.

Only hashes of codes and tokens are stored. Failed attempts are counted per address and per
code (server/ratelimit.py); a lost enrolment answer can be asked for again (server/enrolment.py).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
import uuid
from collections.abc import Sequence
from typing import Any, TypedDict, Unpack

import sqlalchemy as sa
from sqlalchemy import Row
from sqlalchemy.engine import Connection

from ...domain import Region
from ...sync import protocol as p
from .. import enrolment, ratelimit
from .access import Auth, Principal
from .database import Database, StorageError
from .schema import devices, dumps, enrolment_codes, enrolment_failures, enrolments, users

#: How long a one-time enrolment code stays good.
ENROL_CODE_TTL = 7 * 24 * 3600


def hashed(secret: str) -> str:
    """What is stored of a code or a token."""
    return hashlib.sha256(secret.encode()).hexdigest()


def add_user(db: Database, name: str, role: str, regions: Sequence[str]) -> str:
    """Create the user (or give an existing one a new code); returns a one-time code."""
    if role not in p.ROLES:
        raise StorageError(f"unknown role {role!r}; expected one of {', '.join(p.ROLES)}")
    try:
        parsed = sorted({Region.parse(r).value for r in regions})
    except ValueError as exc:
        raise StorageError(str(exc)) from None
    if not name.strip():
        raise StorageError("the user name must not be empty")
    code = "-".join(secrets.token_hex(3).upper() for _ in range(4))
    with db.write() as conn:
        row = conn.execute(sa.select(users.c.id).where(users.c.name == name)).first()
        if row is None:
            key = conn.execute(
                users.insert().values(name=name, role=role, regions=dumps(parsed))
            ).inserted_primary_key
            user_id = key[0] if key is not None else None
        else:
            user_id = row[0]
            conn.execute(
                users.update().where(users.c.id == user_id).values(role=role, regions=dumps(parsed))
            )
        conn.execute(
            enrolment_codes.insert().values(
                code_hash=hashed(code),
                user_id=user_id,
                expires_at=time.time() + ENROL_CODE_TTL,
                used=False,
            )
        )
    return code


class EnrolOptions(TypedDict, total=False):
    """How an enrolment is counted and remembered (see ``enroll``)."""

    address: str | None
    now: float | None
    enrolment_id: str | None


def enroll(
    db: Database, code: str, device_name: str, **options: Unpack[EnrolOptions]
) -> p.EnrollResponse | None:
    """Spend a one-time code on a new device; None if the code is unknown, used or old.
    The same code sent again with the same ``enrolment_id`` shortly after gets the same
    device and token (its first answer was lost: server/enrolment.py).

    Raises ratelimit.Limited, before looking at the code, once its address (None: not
    counted, e.g. the operator's tools) or its code has failed too often; a failure is
    counted in the same transaction as the look, so server processes share the counts."""
    address, enrolment_id = options.get("address"), options.get("enrolment_id")
    given = options.get("now")
    now = time.time() if given is None else given
    attempt = ratelimit.Attempt.of(code, address)
    device_id = str(uuid.uuid4())
    token = (
        enrolment.token_for(enrolment_id, device_id) if enrolment_id else secrets.token_urlsafe(32)
    )
    with db.write() as conn:
        ratelimit.check(conn, enrolment_failures, attempt, now)
        row = conn.execute(
            sa.select(enrolment_codes, users.c.name, users.c.role, users.c.regions)
            .join(users, users.c.id == enrolment_codes.c.user_id)
            .where(enrolment_codes.c.code_hash == hashed(code.strip().upper()))
        ).first()
        if row is not None and row.used and row.expires_at >= now:
            again = _enrolled_again(conn, row, enrolment_id, now)
            if again is not None:
                return again
        if row is None or row.used or row.expires_at < now:
            ratelimit.failed(conn, enrolment_failures, attempt, now)
            return None
        _spend_code(conn, row, device_id, device_name, token, enrolment_id, now)
    return _answer(row, device_id, token)


def _answer(code: Row[Any], device_id: str, token: str) -> p.EnrollResponse:
    """What an enrolled device is told: its id and token, and whose it is (``code``: the
    code's row, joined with its user)."""
    return p.EnrollResponse(
        device_id=device_id,
        token=token,
        user=code.name,
        role=code.role,
        regions=json.loads(code.regions),
    )


def _spend_code(
    conn: Connection,
    code: Row[Any],
    device_id: str,
    device_name: str,
    token: str,
    enrolment_id: str | None,
    now: float,
) -> None:
    """Mark the code used and enrol the device it was spent on (``code``: its row)."""
    conn.execute(
        enrolment_codes.update()
        .where(enrolment_codes.c.code_hash == code.code_hash)
        .values(used=True)
    )
    conn.execute(
        devices.insert().values(
            id=device_id,
            user_id=code.user_id,
            name=device_name or "device",
            token_hash=hashed(token),
            enrolled_at=now,
            revoked=False,
        )
    )
    if enrolment_id:
        enrolment.remember(conn, enrolments, code.code_hash, device_id, enrolment_id, now)


def _enrolled_again(
    conn: Connection, code: Row[Any], enrolment_id: str | None, now: float
) -> p.EnrollResponse | None:
    """The answer a used code gave, for the vault that used it, if it asks again within
    the window and its device stands (not revoked); None otherwise."""
    device_id = enrolment.repeated(conn, enrolments, code.code_hash, enrolment_id, now)
    if device_id is None or enrolment_id is None:
        return None
    token = enrolment.token_for(enrolment_id, device_id)
    device = conn.execute(
        sa.select(devices.c.revoked).where(
            devices.c.id == device_id, devices.c.token_hash == hashed(token)
        )
    ).first()
    if device is None or device.revoked:
        return None
    return _answer(code, device_id, token)


def authenticate(db: Database, token: str) -> Auth:
    """Who a bearer token belongs to, and whether its device has been revoked."""
    with db.engine.connect() as conn:
        row = conn.execute(
            sa.select(
                devices.c.id.label("device_id"),
                devices.c.revoked,
                users.c.id.label("user_id"),
                users.c.name,
                users.c.role,
                users.c.regions,
            )
            .join(users, users.c.id == devices.c.user_id)
            .where(devices.c.token_hash == hashed(token))
        ).first()
    if row is None:
        return Auth(None)
    principal = Principal(
        row.user_id, row.name, row.role, frozenset(json.loads(row.regions)), row.device_id
    )
    return Auth(principal, revoked=bool(row.revoked))


def list_devices(db: Database) -> list[dict[str, Any]]:
    """Every enrolled device with its user, oldest first (sli server devices)."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(devices.c.id, devices.c.name, devices.c.enrolled_at, devices.c.revoked)
            .add_columns(users.c.name.label("user"), users.c.role)
            .join(users, users.c.id == devices.c.user_id)
            .order_by(devices.c.enrolled_at)
        ).all()
    return [
        {
            "id": r.id,
            "name": r.name,
            "user": r.user,
            "role": r.role,
            "enrolled_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(r.enrolled_at)),
            "revoked": bool(r.revoked),
        }
        for r in rows
    ]


def revoke_device(db: Database, device_id: str) -> bool:
    """Refuse the device's token from now on; False if there is no such device."""
    with db.write() as conn:
        done = conn.execute(devices.update().where(devices.c.id == device_id).values(revoked=True))
        return bool(done.rowcount)
