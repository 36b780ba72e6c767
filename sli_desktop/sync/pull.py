"""Pulling: the change feed, page by page, into the vault.

Each page is written in one transaction together with the cursor that follows it, so a pull
cut anywhere resumes where it stopped. The next page is read ahead in a worker thread while
this one is written (``Puller.pull``), a slice at a time: a page is asked for as JSON lines
(``protocol.FEED_LINES``), so no single call holds the interpreter lock for a whole page and
the window's thread gets its turn (docs/SYNC.md, "Reading a page in slices").
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

import httpx
import pydantic

from ..domain import Record
from ..domain.records import canonical_uuid
from ..gcpause import collector_paused
from ..vault import codec
from ..vault.store import Vault
from ..vault.syncstate import SyncState
from . import protocol as p
from .errors import SyncError
from .transport import Link
from .turns import Turns

#: progress(phase, done, total): phase is "push" or "pull"; total is 0 when unknown.
Progress = Callable[[str, int, int], None]

#: Records per pull page: each page is one vault transaction, and larger ones rewrite the
#: random-UUID index pages less often (see docs/SYNC.md, "Pull"). A page of 10,000 notes is
#: about 10 MB of JSON in memory while it is written.
PAGE = p.MAX_PAGE
#: The first page of a pull is smaller, and each next one twice the last up to PAGE: the
#: vault starts writing sooner instead of waiting while the whole first page is read, and
#: each page is read while the one before it (half its size) is written.
FIRST_PAGE = 1_000
#: Feed items the pull's worker reads (validates and encodes) between two looks at whether
#: the writer can spare the interpreter: a few milliseconds of Python, the longest the writer
#: (or the window) may wait for the lock back.
_READ_AT_ONCE = 50
#: A slice of a page's lines, validated in one call.
_ITEMS = pydantic.TypeAdapter(list[p.FeedItem])


@dataclass(frozen=True)
class _Page:
    """A page as the worker read it: the response and, once read, the answer and its items'
    records (see ``Puller._download``)."""

    response: httpx.Response
    answer: p.PullResponse | None = None
    records: list[codec.Encoded | str | None] | None = None


class Puller:
    def __init__(
        self,
        vault: Vault,
        state: SyncState,
        link: Link,
        progress: Progress,
        check_cancel: Callable[[], None],
        page: int,
        pushed: set[tuple[str, str]],
    ) -> None:
        self.vault = vault
        self.state = state
        self.link = link
        self.progress = progress
        self.check_cancel = check_cancel
        self.page = page
        #: records this sync pushed and the server answered (``_held``)
        self.pushed = pushed
        #: the server's offline limit, from its answer
        self.max_offline_days: int | None = None
        #: pushes answered by a merge whose result this vault has not received (SyncState)
        self.landed: set[tuple[str, str]] = set()

    @collector_paused()  # a page's thousands of objects, scanned again and again: see gcpause
    def pull(self) -> tuple[int, int]:
        """Pages in cursor order, each written in one transaction with the cursor after it.
        The next page is requested, read and its records validated and encoded in a worker
        thread (never touching the vault) while this one is written, so the server, the network
        and the reading overlap the vault's writes. The worker runs Python only while the
        writer does not need it (its turns: ``sync/turns.py``): without that gate both threads
        contend for the interpreter lock, which executemany takes back for every row, and
        reading ahead gained nothing."""
        pulled = conflicts = 0
        self.progress("pull", 0, 0)
        self.landed = set(self.state.landed())
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sli-sync-pull")
        turns = Turns()
        try:
            with self.state.receiving():
                self.check_cancel()
                limit = min(self.page, FIRST_PAGE)
                ahead = self._fetch(pool, self.state.cursor, limit, turns)
                while True:
                    response = self.link.checked("/pull", partial(self._waited, ahead, turns))
                    page = ahead.result()
                    answer = page.answer or _read_answer(response)
                    if answer.more:
                        limit = min(self.page, limit * 2)
                        ahead = self._fetch(pool, answer.cursor, limit, turns)
                    applied = self._apply_page(answer, page.records, turns)
                    _let_go(answer.items, page.records or [])
                    pulled += applied[0]
                    conflicts += applied[1]
                    self.progress("pull", pulled, 0)
                    if not answer.more:
                        return pulled, conflicts
                    self.check_cancel()
        finally:
            turns.done.set()
            pool.shutdown(wait=False, cancel_futures=True)

    def _fetch(
        self, pool: ThreadPoolExecutor, cursor: int, limit: int, turns: Turns
    ) -> Future[_Page]:
        return pool.submit(self._download, self.link.http, cursor, limit, turns)

    @staticmethod
    def _waited(ahead: Future[_Page], turns: Turns) -> httpx.Response:
        """The next page's response, once the worker has read it (a failed request raises
        here): the writer needs no Python meanwhile."""
        with turns.engine_only():
            return ahead.result().response

    def _download(self, http: httpx.Client, cursor: int, limit: int, turns: Turns) -> _Page:
        """One page as the worker thread gets it: the response and, if it is a good one, the
        answer read from it with its records validated and encoded (None for an item that
        carries no record, the reason for one that does not validate), a slice at a time
        whenever the writer can spare the interpreter."""
        response = http.request(
            "GET",
            "/pull",
            params={"cursor": cursor, "limit": limit},
            headers={"Accept": f"{p.FEED_LINES}, application/json;q=0.5"},
        )
        if response.status_code != 200:
            return _Page(response)
        records: list[codec.Encoded | str | None] = []

        def encode(items: list[p.FeedItem]) -> None:
            for item in items:
                cls = _record_type(item)
                if cls is None or item.payload is None:
                    records.append(None)
                    continue
                try:
                    records.append(codec.encoded(codec.from_payload(cls, item.payload)))
                except pydantic.ValidationError as exc:
                    records.append(str(exc))  # reported if the writer comes to write it

        turns.wait_turn()
        try:
            answer = read_page(response, before_slice=turns.wait_turn, after_slice=encode)
        except pydantic.ValidationError:
            return _Page(response)  # the writer's read reports it
        return _Page(response, answer, records)

    def _apply_page(
        self,
        answer: p.PullResponse,
        read: list[codec.Encoded | str | None] | None,
        turns: Turns,
    ) -> tuple[int, int]:
        """Write one page and the cursor after it; returns (records pulled, new conflicts).
        ``read``: the page's records as the worker validated and encoded them, item by item
        (None when the worker could not read the page and this thread reads it instead);
        ``turns``: when the worker may read meanwhile (sync/turns.py)."""
        pulled = conflicts = 0
        if answer.max_offline_days is not None:
            self.max_offline_days = answer.max_offline_days
        try:
            with self.vault.transaction():
                waiting = self.state.pending()
                incoming: list[codec.Encoded] = []
                revs: list[tuple[str, str, int]] = []
                for i, item in enumerate(answer.items):
                    if item.type == "conflict" and item.conflict is not None:
                        c = item.conflict
                        conflicts += self.state.put_conflict(
                            c.id,
                            c.kind,
                            c.record_id,
                            c.rev,
                            c.model_dump(mode="json"),
                            c.resolved,
                        )
                        continue
                    cls = _record_type(item)
                    if cls is None or item.payload is None:
                        continue  # a kind this version does not know: skip, not fail
                    if not _canonical(item.record_id):
                        # Another spelling of an id (capitals, braces): read, it would land
                        # on the record the id names. Older servers stored such ids as sent.
                        continue
                    if _is_disposal(item.kind, item.payload):
                        # Overrides local edits: nothing readable of the note may remain.
                        self.state.scrub(item.kind, item.record_id)
                    elif (item.kind, item.record_id) in waiting:
                        continue  # a local edit waits: the next push merges on the server
                    row = read[i] if read is not None else None
                    if isinstance(row, str):
                        raise SyncError(f"the server sent a record this app cannot read: {row}")
                    incoming.append(row or codec.encoded(codec.from_payload(cls, item.payload)))
                    revs.append((item.kind, item.record_id, item.rev))
                if incoming:
                    held = self._held([r.record for r in incoming])
                    self.vault.apply_remote(
                        [r for r in incoming if (r.record.kind, r.record.id) not in held],
                        {"cursor": answer.cursor},
                        held=[r.record for r in incoming if (r.record.kind, r.record.id) in held],
                        engine_only=turns.engine_only,
                    )
                    self.state.set_revs(revs)
                    self._caught_up(revs)
                pulled += len(incoming)
                self.state.set_cursor(answer.cursor)
                turns.spare.set()  # what is left is the commit, SQLite's alone
        except pydantic.ValidationError as exc:
            raise SyncError(f"the server sent a record this app cannot read: {exc}") from None
        finally:
            turns.spare.clear()
        return pulled, conflicts

    def _caught_up(self, revs: list[tuple[str, str, int]]) -> None:
        """The vault now holds these records as the server made them: a push of theirs that
        the server merged is no longer this vault's copy (SyncState.landed)."""
        if not self.landed:
            return
        done = {(k, r) for k, r, _ in revs} & self.landed
        if done:
            self.state.clear_landed(sorted(done))
            self.landed -= done

    def _held(self, incoming: list[Record]) -> set[tuple[str, str]]:
        """Records of this page that this sync pushed and that the vault already holds exactly
        as the page has them (the last copy, if the page has several): writing them would
        change nothing, so they are left alone. Only this sync's pushes are checked: any other
        record is written without a look at what is stored."""
        last = {(r.kind, r.id): r for r in incoming}
        mine = [r for key, r in last.items() if key in self.pushed]
        return self.state.held_as_sent(mine) if mine else set()


def _canonical(record_id: str) -> bool:
    """Whether ``record_id`` is a UUID written as devices write it (every record's id is)."""
    try:
        return canonical_uuid(record_id) == record_id
    except ValueError:
        return False


def _record_type(item: p.FeedItem) -> type[Record] | None:
    """The type of the record a feed item carries; None for a conflict, an item without a
    payload, or a kind this version does not know (skipped, not failed). The worker that reads
    a page ahead and the writer decide alike."""
    if (item.type == "conflict" and item.conflict is not None) or item.payload is None:
        return None
    return codec.TYPES_BY_KIND.get(item.kind)


def _is_disposal(kind: str, payload: dict[str, Any]) -> bool:
    return kind == "note" and bool(payload.get("deleted")) and bool(payload.get("disposed_on"))


def read_page(
    response: httpx.Response,
    *,
    before_slice: Callable[[], None] = lambda: None,
    after_slice: Callable[[list[p.FeedItem]], None] = lambda _items: None,
) -> p.PullResponse:
    """A pull page from the server's answer (raises pydantic.ValidationError; SyncError for a
    JSON lines answer with fewer or more items than its head counts). An answer in
    JSON lines (``protocol.FEED_LINES``) is read _READ_AT_ONCE lines at a time, with
    ``before_slice`` called before each slice and ``after_slice`` given its items, so no one
    call holds the interpreter lock for long; a plain JSON answer (a server older than the
    lines) is parsed in one call, and its items are then handed over in the same slices."""
    if not response.headers.get("content-type", "").startswith(p.FEED_LINES):
        answer = p.PullResponse.model_validate_json(response.content)
        for start in range(0, len(answer.items), _READ_AT_ONCE):
            before_slice()
            after_slice(answer.items[start : start + _READ_AT_ONCE])
        return answer
    head_line, *lines = response.content.split(b"\n")
    head = p.PullHead.model_validate_json(head_line)
    lines = [line for line in lines if line]
    items: list[p.FeedItem] = []
    for start in range(0, len(lines), _READ_AT_ONCE):
        before_slice()
        read = _ITEMS.validate_json(b"[" + b",".join(lines[start : start + _READ_AT_ONCE]) + b"]")
        after_slice(read)
        items += read
    if head.count is not None and head.count != len(items):
        # Cut at a line's end, the rest still reads: written, the page's cursor would skip
        # what was lost. An older server's head has no count.
        raise SyncError("the sync server's answer was cut short: sync again")
    return p.PullResponse.model_construct(
        items=items, cursor=head.cursor, more=head.more, max_offline_days=head.max_offline_days
    )


def _let_go(*pages: list[Any]) -> None:
    """Frees a written page's objects a slice at a time: dropped at once, a page's hundreds
    of thousands of objects are freed in one go that holds the interpreter lock (the window
    waited behind it: docs/PERFORMANCE.md, 6 Dec, "issue 25, the pull")."""
    for items in pages:
        while items:
            del items[-_READ_AT_ONCE * 4 :]


def _read_answer(response: httpx.Response) -> p.PullResponse:
    """A page the worker could not read, read again on the writer's thread to say why."""
    try:
        return read_page(response)
    except pydantic.ValidationError:
        raise SyncError("the sync server sent an answer this app does not understand") from None
