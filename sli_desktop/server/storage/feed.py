"""The change feed, page by page: what a device pulls after its cursor, built from the stored
JSON texts. A page ends at ``limit`` items or once its payloads pass PAGE_BYTES.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Row, ScalarSelect, Subquery

from ...sync import protocol as p
from .access import SHARED_KINDS, Principal
from .database import Database
from .schema import changes, conflicts, revisions

#: A pull page stops once its payloads pass this size (large records such as document parts).
PAGE_BYTES = p.MAX_BODY_BYTES


def _payload_of(page: Subquery) -> ScalarSelect[Any]:
    """The payload of a feed page's record item (NULL for a conflict item), looked up by key
    for each item: an index lookup whatever the database's statistics say."""
    r = revisions.c
    return (
        sa.select(r.payload)
        .where(
            page.c.item == "record",
            r.kind == page.c.kind,
            r.record_id == page.c.record_id,
            r.rev == page.c.rev,
        )
        .scalar_subquery()
    )


def _page_of(sizes: Iterable[tuple[int, int]], limit: int) -> tuple[list[tuple[int, int]], bool]:
    """The (seq, payload length) of one page's items (at most ``limit``, at least one, and no
    more than PAGE_BYTES of payload) and whether more follow."""
    page: list[tuple[int, int]] = []
    total = 0
    for row in sizes:
        total += row[1]
        if len(page) >= limit or (page and total > PAGE_BYTES):
            return page, True
        page.append(row)
    return page, False


#: Text that JSON writes as itself between quotes (ids, kinds): no escaping to do.
_PLAIN = re.compile(r"[0-9A-Za-z_.:-]*")


def json_text(text: str) -> str:
    """``json.dumps(text)`` for one string, without its cost for a plain id (every item of
    a pull page names one): tests/unit/test_server_feed_json.py holds the two equal."""
    return f'"{text}"' if _PLAIN.fullmatch(text) else json.dumps(text)


@functools.lru_cache(maxsize=256)
def json_name(text: str) -> str:
    """``json.dumps`` of a feed item's type or kind: a handful of values, written once each."""
    return json.dumps(text)


def visible(who: Principal) -> ColumnElement[bool]:
    """The feed items ``who`` may see, as a condition on the changes table: the SQL form of
    ``access.may_see``."""
    c = changes.c
    not_private = sa.or_(c.private.is_(False), c.owner == who.user)
    if who.role == "admin":
        return not_private
    scope = [
        c.kind.in_(sorted(SHARED_KINDS)),
        sa.and_(c.region.is_(None), c.owner == who.user),
    ]
    scope.append(c.shared.is_(True))  # good practice reaches every region
    if who.regions:
        scope.append(c.region.in_(sorted(who.regions)))
    if who.role == "coordinator":
        scope.append(c.kind == "engagement")
    return sa.and_(not_private, sa.or_(*scope))


def pull(db: Database, who: Principal, cursor: int, limit: int) -> p.PullResponse:
    rows, new_cursor, more = _feed(db, who, cursor, limit)
    items = [
        p.FeedItem(
            seq=r.seq,
            type=r.item,
            kind=r.kind,
            record_id=r.record_id,
            rev=r.rev,
            payload=json.loads(r.payload) if r.payload is not None else None,
            conflict=(p.Conflict.model_validate_json(r.detail) if r.detail is not None else None),
        )
        for r in rows
    ]
    return p.PullResponse(items=items, cursor=new_cursor, more=more)


def pull_json(
    db: Database, who: Principal, cursor: int, limit: int, *, lines: bool = False, **extra: object
) -> bytes:
    """``pull`` as the JSON body of a PullResponse, built from the stored texts: a page of
    2,000 records is not parsed and re-serialised on its way out (the stored payloads and
    conflict details are already the JSON that goes on the wire).

    ``lines`` (a client that asks for ``protocol.FEED_LINES``): the same page as JSON lines,
    the head (cursor, more, the count of items, ``extra``) first and then one item a line, so
    the device can read a page a slice at a time instead of in one call that holds its
    interpreter lock for the whole page (docs/SYNC.md, "Reading a page in slices")."""
    rows, new_cursor, more = _feed(db, who, cursor, limit)
    more_text = "true" if more else "false"
    tail = "".join(f",{json.dumps(k)}:{json.dumps(v)}" for k, v in extra.items())
    # One list of pieces joined once: each payload is copied into the body once, not
    # first into its item's text and then again into the page's.
    if lines:
        head = f'"cursor":{new_cursor},"more":{more_text},"count":{len(rows)}{tail}'
        pieces = [f"{{{head}}}"]
        between = first = '\n{"seq":'
    else:
        pieces = ['{"items":[']
        between, first = ',{"seq":', '{"seq":'
    for n, r in enumerate(rows):
        pieces += (
            between if n else first,
            str(int(r.seq)),
            ',"type":',
            json_name(r.item),
            ',"kind":',
            json_name(r.kind),
            ',"record_id":',
            json_text(r.record_id),
            ',"rev":',
            str(int(r.rev)),
            ',"payload":',
            _one_line(r.payload) if r.payload is not None else "null",
            ',"conflict":',
            _one_line(r.detail) if r.detail is not None else "null",
            "}",
        )
    if not lines:
        pieces.append(f'],"cursor":{new_cursor},"more":{more_text}{tail}}}')
    return "".join(pieces).encode()


def _one_line(text: str) -> str:
    """Stored JSON as one line: the server writes it compact (a newline inside a string is
    escaped), so this only rewrites text stored some other way, for the lines form's sake."""
    return (
        text
        if "\n" not in text
        else json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    )


def _feed(
    db: Database, who: Principal, cursor: int, limit: int
) -> tuple[list[Row[Any]], int, bool]:
    """The page after ``cursor`` the user may see, the cursor after it, and whether more
    follows. Two queries: the sizes of up to ``limit`` + 1 items (no payloads), which
    decide where the page ends, then the page's rows in one go. A page of large records
    (document parts) therefore holds about PAGE_BYTES in memory, never every row, and a
    page of small ones is one fetch rather than one round trip per 16 rows (on
    PostgreSQL a server-side cursor made 6,300 round trips for 100,000 notes)."""
    with db.engine.connect() as conn:
        top = conn.execute(sa.select(sa.func.max(changes.c.seq))).scalar() or 0
        page = _page(who, cursor, top, limit + 1)
        payload = _payload_of(page)
        sizes = conn.execute(
            sa.select(page.c.seq, sa.func.coalesce(sa.func.length(payload), 0)).order_by(page.c.seq)
        ).all()
        chosen, more = _page_of(((int(r[0]), int(r[1])) for r in sizes), limit)
        rows: list[Row[Any]] = []
        if chosen:
            page = _page(who, cursor, chosen[-1][0], limit + 1)
            detail = (
                sa.select(conflicts.c.detail)
                .where(conflicts.c.id == page.c.conflict_id)
                .scalar_subquery()
            )
            rows = list(
                conn.execute(
                    sa.select(
                        page.c.seq,
                        page.c.item,
                        page.c.kind,
                        page.c.record_id,
                        page.c.rev,
                        _payload_of(page).label("payload"),
                        detail.label("detail"),
                    ).order_by(page.c.seq)
                ).all()
            )
    new_cursor = rows[-1].seq if more else max(top, cursor)
    return list(rows), int(new_cursor), more


def _page(who: Principal, cursor: int, upto: int, limit: int) -> Subquery:
    """The feed's items after ``cursor`` up to ``upto`` that ``who`` may see, at most
    ``limit`` of them, as a subquery. The limit is taken on the feed alone, and payloads
    are looked up item by item (``_payload_of``), so the plan does not hang on the
    database's statistics: PostgreSQL, planning a join over tables it had no statistics
    for yet (a server that has just taken 100,000 changes), joined every remaining item
    of the feed to its payload and sorted them for each page (docs/SYNC.md, Performance). Large
    pushes now analyse the tables too (``upkeep.Statistics.refresh``), but a
    plan that does not depend on it is the safer one."""
    c = changes.c
    return (
        sa.select(c.seq, c.item, c.kind, c.record_id, c.rev, c.conflict_id)
        .where(c.seq > cursor, c.seq <= upto, visible(who))
        .order_by(c.seq)
        .limit(limit)
        .subquery("page")
    )
