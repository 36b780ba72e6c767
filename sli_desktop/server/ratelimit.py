"""Limits on failed enrolment attempts, kept in the server's database.

Two counts, never a global one: a limit that everyone shares lets an attacker lock every
colleague out by failing on purpose, valid codes included.

* Per client address: PER_ADDRESS failures in ADDRESS_WINDOW seconds, then 429 until the oldest
  of them is older than the window. An IPv6 client counts by its /64 (one host usually has the
  whole network). The address is the TCP peer, or what a trusted proxy says (server/proxies.py).
* Per code: the first SELECTOR characters of a code (its first group, XXXXXX in
  XXXXXX-XXXXXX-XXXXXX-XXXXXX) select it; PER_CODE failures with a selector burn every code
  that starts with it for CODE_WINDOW (a code's life), so an attacker who knows or guesses a
  code's first group, from any number of addresses, has PER_CODE tries at the other 72 bits.
  The selector is taken from what was typed, so codes issued before this existed count the
  same way, and the count is the same whether such a code exists or not: the answer never
  says which.

The table is bounded, because failures come from unauthenticated clients: a selector that is
not six hex digits cannot select a code and counts against its address only; a selector's
count stops growing once it has burnt; and past MAX_ROWS rows the oldest go first, so a flood
from very many addresses ages out per-code counts (the per-address limit still holds) rather
than filling the disk.

A valid code is thus refused only for failures from the same address, or for failures with
the same first group (which burn that code: the operator issues a new one with
``sli server add-user``). Rows live in the server's database, so server processes behind a
load balancer share them and a restart does not clear them. The caller passes the clock.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

#: Failed attempts from one client address in ADDRESS_WINDOW seconds before it must wait.
PER_ADDRESS = 5
ADDRESS_WINDOW = 60.0
#: Failed attempts with one code's selector, in CODE_WINDOW seconds, that burn the code.
PER_CODE = 10
CODE_WINDOW = 7 * 24 * 3600.0
#: Characters of a code that select it: its first group of six hex digits (24 of 96 bits).
SELECTOR = 6
#: The most failures the table keeps (about a hundred bytes each, with its indexes).
MAX_ROWS = 1_000_000
_HEX = frozenset("0123456789ABCDEF")

ADDRESS = "address"
CODE = "code"


def failures_table(metadata: sa.MetaData) -> sa.Table:
    """The failed attempts, on the server's own metadata so it is created, dropped and checked
    for readiness with the other tables. Keys are hashes: no client address is stored."""
    return sa.Table(
        "enrolment_failures",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("at", sa.Float, nullable=False),
        sa.Index("enrolment_failures_key", "scope", "key", "at"),
        sa.Index("enrolment_failures_at", "at"),
    )


class Limited(Exception):
    """An attempt refused before the code is looked at: one sentence, and seconds to wait."""

    def __init__(self, detail: str, wait: int) -> None:
        super().__init__(detail)
        self.detail = detail
        self.wait = wait


@dataclass(frozen=True)
class Attempt:
    """What one attempt counts against: its address's key (None: not limited by address, e.g.
    the operator's own tools) and its code's selector's key."""

    address: str | None
    #: None when what was typed cannot select any code (not six hex digits first)
    code: str | None

    @classmethod
    def of(cls, code: str, address: str | None) -> Attempt:
        selector = code.strip().upper()[:SELECTOR]
        return cls(
            None if address is None else _key(ADDRESS, address_group(address)),
            _key(CODE, selector)
            if len(selector) == SELECTOR and _HEX.issuperset(selector)
            else None,
        )


def address_group(address: str) -> str:
    """What one client is counted as: its IPv4 address, or its IPv6 /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def check(conn: Connection, table: sa.Table, attempt: Attempt, now: float) -> None:
    """Raise Limited if the attempt's address or code has failed too often lately."""
    if attempt.address is not None:
        wait = _wait(conn, table, ADDRESS, attempt.address, PER_ADDRESS, ADDRESS_WINDOW, now)
        if wait:
            raise Limited(
                f"too many failed enrolment attempts: wait {wait} seconds and try again", wait
            )
    wait = 0
    if attempt.code is not None:
        wait = _wait(conn, table, CODE, attempt.code, PER_CODE, CODE_WINDOW, now)
    if wait:
        raise Limited("too many failed enrolment attempts with this code: ask for a new code", wait)


def failed(conn: Connection, table: sa.Table, attempt: Attempt, now: float) -> None:
    """Count a failed attempt, and forget failures too old to count any more."""
    # check() refuses a burnt selector before the code is looked at, so no selector gets
    # more than PER_CODE rows.
    rows = [] if attempt.code is None else [{"scope": CODE, "key": attempt.code, "at": now}]
    if attempt.address is not None:
        rows.append({"scope": ADDRESS, "key": attempt.address, "at": now})
    if rows:
        conn.execute(table.insert(), rows)
    conn.execute(
        table.delete().where(
            sa.or_(
                table.c.at < now - CODE_WINDOW,
                sa.and_(table.c.scope == ADDRESS, table.c.at < now - ADDRESS_WINDOW),
                # the oldest beyond MAX_ROWS (ids only grow): a range on the primary key
                table.c.id <= sa.select(sa.func.max(table.c.id)).scalar_subquery() - MAX_ROWS,
            )
        )
    )


def _wait(
    conn: Connection,
    table: sa.Table,
    scope: str,
    key: str,
    limit: int,
    window: float,
    now: float,
) -> int:
    """Whole seconds until fewer than ``limit`` failures remain in the window (0: none)."""
    recent: list[float] = list(
        conn.execute(
            sa.select(table.c.at)
            .where(table.c.scope == scope, table.c.key == key, table.c.at > now - window)
            .order_by(table.c.at.desc())
            .limit(limit)
        ).scalars()
    )
    if len(recent) < limit:
        return 0
    left = min(recent) + window - now
    return int(left) + 1 if left > 0 else 0


def _key(scope: str, value: str) -> str:
    return hashlib.sha256(f"{scope}:{value}".encode("utf-8", "replace")).hexdigest()
