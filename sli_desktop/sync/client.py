"""The sync client: push the outbox, then pull the change feed, on demand.

Plain Python (no Qt): the desktop runs it off the GUI thread with a progress callback and a
cancel flag. Every step is safe to interrupt: outbox rows leave only once the server has
acknowledged them (a retried change id is applied once), and each pulled page is written in one
transaction together with the cursor that follows it.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import ssl
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import httpx
import pydantic
import truststore

from ..domain import Record
from ..domain.records import canonical_uuid
from ..gcpause import collector_paused
from ..vault import codec
from ..vault.coverage import payload_digest
from ..vault.errors import VaultError
from ..vault.keystore import KeyStore
from ..vault.reads import Reads
from ..vault.store import Vault
from ..vault.syncstate import OutboxRow, SyncState, wipe
from . import protocol as p

_M = TypeVar("_M", bound=pydantic.BaseModel)

CA_ENV = "SLI_SYNC_CA_BUNDLE"
#: Records per pull page: each page is one vault transaction, and larger ones rewrite the
#: random-UUID index pages less often (2,000 -> 5,000 took 100,000 records from ~45 to ~28 s;
#: 5,000 -> 10,000, the most the server gives: 22.9 -> 22.0 s, medians of three alternating
#: runs). A page of 10,000 notes is about 10 MB of JSON in memory while it is written.
PAGE = p.MAX_PAGE
#: The first page of a pull is smaller, and each next one twice the last up to PAGE: the
#: vault starts writing sooner instead of waiting while the whole first page is read, and
#: each page is read while the one before it (half its size) is written.
FIRST_PAGE = 1_000
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
#: What a server without an endpoint answers (one older than the feature): not an error.
MISSING = frozenset({404, 405})
#: progress(phase, done, total): phase is "push" or "pull"; total is 0 when unknown.
Progress = Callable[[str, int, int], None]


class SyncError(VaultError):
    """Sync could not finish; nothing is lost and syncing again resumes."""


class NotEnrolled(SyncError):
    def __init__(self) -> None:
        super().__init__("this vault is not enrolled with a sync server: run sli enroll first")


class Cancelled(SyncError):
    def __init__(self) -> None:
        super().__init__("sync cancelled; what was done is kept and the next sync resumes")


class DeviceWiped(SyncError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"the server says this device has been revoked; the vault {path} has been wiped"
        )


@dataclass(frozen=True)
class SyncResult:
    pushed: int
    pulled: int
    conflicts: int
    #: changes the server refused (outside the user's regions, invalid): kept in the audit log
    rejected: int = 0
    #: each refused change: what and why (the local record stays as it was)
    refusals: tuple[Refusal, ...] = ()
    #: draft notes kept back: they go up once complete (vault/notes.py)
    held: int = 0
    #: read events uploaded (vault/reads.py)
    reads: int = 0


@dataclass(frozen=True)
class Refusal:
    kind: str
    record_id: str
    reason: str

    def describe(self) -> str:
        return f"{self.kind} {self.record_id[:8]}: {self.reason}"


def check_url(url: str) -> str:
    """The server URL, refusing plain HTTP anywhere but loopback."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError):
        raise SyncError(f"not a server URL: {url!r}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise SyncError(f"not a server URL: {url!r} (use https://host:port)")
    if parsed.scheme == "http" and parsed.host not in LOOPBACK:
        raise SyncError(
            f"refusing plain HTTP to {parsed.host}: use https:// (plain HTTP only on loopback)"
        )
    return str(parsed).rstrip("/")


class SyncClient:
    def __init__(
        self,
        vault: Vault,
        keystore: KeyStore | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        batch: int = 200,
        page: int = PAGE,
        verify: bool | ssl.SSLContext | None = None,
    ) -> None:
        self.vault = vault
        self.state = SyncState(vault)
        self.keystore = keystore
        self.transport = transport
        self.progress = progress or (lambda _phase, _done, _total: None)
        self.cancel = cancel or threading.Event()
        self.batch = max(1, min(batch, p.MAX_PUSH_CHANGES))
        self.page = max(1, min(page, p.MAX_PAGE))
        self.refusals: list[Refusal] = []
        #: draft notes the last push kept back, and the server's offline limit from its answer
        self.held = 0
        self.max_offline_days: int | None = None
        #: records this sync pushed and the server answered: their own changes come back in the
        #: pull that follows, and are not rewritten when the vault holds them as they came
        self.pushed: set[tuple[str, str]] = set()
        #: TLS: the operating system's certificate store (where an organisation installs its
        #: own CA), or only the bundle named by SLI_SYNC_CA_BUNDLE.
        bundle = os.environ.get(CA_ENV)
        self.verify: bool | ssl.SSLContext = (
            verify if verify is not None else _ca_context(bundle) if bundle else _system_context()
        )

    # -- enrolment ---------------------------------------------------------------------------
    @property
    def token_name(self) -> str:
        return f"sync-token:{self.vault.meta('vault_id') or self.vault.path.name}"

    def enroll(self, server: str, code: str, device_name: str = "") -> p.EnrollResponse:
        url = check_url(server)
        body = p.EnrollRequest(code=code.strip(), device_name=device_name or socket.gethostname())
        with self._http(url, token=None) as http:
            response = self._send(http, "POST", "/enroll", json=body.model_dump())
            done = self._parse(p.EnrollResponse, response)
        kept_in_keyring = bool(
            self.keystore
            and self.keystore.available
            and self.keystore.set(self.token_name, done.token)
        )
        with self.vault.transaction():
            if self.state.get("server") not in (None, url):
                self.state.restart()  # another server: its revisions and feed are not these
            if kept_in_keyring:
                self.state.forget("token")
            else:
                self.state.put("token", done.token)
            self.state.put("server", url)
            self.state.put("device_id", done.device_id)
            self.state.put("user", done.user)
            self.state.put("role", done.role)
            self.state.put("regions", json.dumps(done.regions))
            self.vault.audit("sync-enrolled", detail={"server": url, "user": done.user})
        return done

    def _token(self) -> str:
        token = self.keystore.get(self.token_name) if self.keystore else None
        token = token or self.state.get("token")
        if not token or not self.state.get("server"):
            raise NotEnrolled()
        return token

    # -- sync --------------------------------------------------------------------------------
    def sync(self) -> SyncResult:
        token = self._token()
        server = check_url(self.state.get("server") or "")
        self.pushed = set()
        with self._http(server, token) as http:
            pushed, rejected = self._push(http)
            reads = self._push_reads(http)
            pulled, conflicts = self._pull(http)
        with self.vault.transaction():
            self.vault.set_meta("last_synced", self.vault.now().isoformat())
            if self.max_offline_days is not None:  # the operator's limit (vault/expiry.py)
                self.state.put("max_offline_days", str(self.max_offline_days))
        return SyncResult(
            pushed, pulled, conflicts, rejected, tuple(self.refusals), held=self.held, reads=reads
        )

    def _push(self, http: httpx.Client) -> tuple[int, int]:
        rows = self.state.outbox()
        groups: dict[tuple[str, str], list[OutboxRow]] = {}
        for row in rows:
            groups.setdefault((row.kind, row.record_id), []).append(row)
        # A draft note waits on the device: when complete, its newest state goes up alone, so
        # nothing of its draft versions reaches the server (the covered ids carry no text).
        self.held = sum(1 for g in groups.values() if _is_draft(g[-1]))
        ordered = sorted(
            (g for g in groups.values() if not _is_draft(g[-1])), key=lambda g: g[-1].seq
        )
        resolved = self.state.resolutions_to_push()
        total, done, rejected = len(ordered), 0, 0
        self.progress("push", 0, total)
        while ordered or resolved:
            self._check_cancel()
            size = _batch_size(ordered, self.batch)
            batch, ordered = ordered[:size], ordered[size:]
            changes = [
                p.Change(
                    change_id=g[-1].change_id,
                    covers=_covered(g),
                    kind=g[-1].kind,
                    record_id=g[-1].record_id,
                    base_rev=self.state.rev(g[-1].kind, g[-1].record_id),
                    op="delete" if g[-1].op == "delete" else "upsert",
                    payload=g[-1].payload,
                )
                for g in batch
            ]
            request = p.PushRequest(changes=changes, resolved=resolved[: p.MAX_PUSH_CHANGES])
            response = self._send(http, "POST", "/push", json=request.model_dump(mode="json"))
            answer = self._parse(p.PushResponse, response)
            if len(answer.results) != len(changes):
                raise SyncError("the server answered a push with the wrong number of results")
            with self.vault.transaction():
                revs: list[tuple[str, str, int]] = []
                acknowledged: list[int] = []
                for group, result in zip(batch, answer.results, strict=True):
                    last = group[-1]
                    if result.change_id != last.change_id:
                        raise SyncError("the server answered a push out of order")
                    if result.status == "rejected":
                        rejected += 1
                        self.refusals.append(Refusal(last.kind, last.record_id, result.reason))
                        self.vault.audit(
                            "sync-rejected",
                            last.kind,
                            last.record_id,
                            {
                                "reason": result.reason,
                                "payload_sha256": payload_digest(last.payload),
                            },
                        )
                    elif result.status == "applied":
                        revs.append((last.kind, last.record_id, result.rev))
                    if result.status != "rejected":
                        self.pushed.add((last.kind, last.record_id))
                    acknowledged.extend(r.seq for r in group)
                self.state.set_revs(revs)  # one statement each for the batch, not per change
                self.state.acknowledge(acknowledged)
                self.state.resolutions_pushed(request.resolved)
            resolved = resolved[len(request.resolved) :]
            done += len(batch)
            self.progress("push", done, total)
        return total - rejected, rejected

    def _push_reads(self, http: httpx.Client) -> int:
        """Upload queued read events; each leaves the queue only once the server holds it
        (the server keeps an event id once, so a retry after a lost answer adds nothing)."""
        queue = Reads(self.vault)
        sent = 0
        while True:
            self._check_cancel()
            events = queue.queued(limit=p.MAX_READS)
            if not events:
                return sent
            request = p.ReadsRequest(
                events=[p.ReadEvent.model_validate(e.to_json()) for e in events]
            )
            response = self._send(
                http, "POST", "/reads", json=request.model_dump(mode="json"), missing_ok=True
            )
            if response.status_code in MISSING:
                # A server older than read events: they stay queued for an upgraded server,
                # and the sync goes on (a failed sync here would lock the device in the end).
                return sent
            answer = self._parse(p.ReadsResponse, response)
            stored = set(answer.stored) & {e.id for e in events}
            if not stored:
                raise SyncError("the sync server did not keep this device's read events")
            queue.acknowledge(sorted(stored))
            sent += len(stored)

    @collector_paused()  # a page's thousands of objects, scanned again and again: see gcpause
    def _pull(self, http: httpx.Client) -> tuple[int, int]:
        """Pages in cursor order, each written in one transaction with the cursor after it.
        The next page is requested, read and its records validated and encoded in a worker
        thread (never touching the vault) while this one is written, so the server, the network
        and the reading overlap the vault's writes. The worker runs Python only while the
        writer does not need it (``Vault.interpreter_spare``): without that gate both threads
        contend for the interpreter lock, which executemany takes back for every row, and
        reading ahead gained nothing."""
        pulled = conflicts = 0
        self.progress("pull", 0, 0)
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sli-sync-pull")
        done = threading.Event()  # the pull is over: a worker still reading stops waiting
        try:
            with self.state.receiving():
                self._check_cancel()
                limit = min(self.page, FIRST_PAGE)
                ahead = self._fetch(pool, http, self.state.cursor, limit, done)
                while True:
                    response = self._checked("/pull", partial(self._waited, ahead))
                    page = ahead.result()
                    answer = page.answer or self._parse(p.PullResponse, response)
                    if answer.more:
                        limit = min(self.page, limit * 2)
                        ahead = self._fetch(pool, http, answer.cursor, limit, done)
                    applied = self._apply_page(answer, page.records)
                    pulled += applied[0]
                    conflicts += applied[1]
                    self.progress("pull", pulled, 0)
                    if not answer.more:
                        return pulled, conflicts
                    self._check_cancel()
        finally:
            done.set()
            pool.shutdown(wait=False, cancel_futures=True)

    def _fetch(
        self,
        pool: ThreadPoolExecutor,
        http: httpx.Client,
        cursor: int,
        limit: int,
        done: threading.Event,
    ) -> Future[_Page]:
        return pool.submit(self._download, http, cursor, limit, done)

    def _waited(self, ahead: Future[_Page]) -> httpx.Response:
        """The next page's response, once the worker has read it (a failed request raises
        here): the writer needs no Python meanwhile."""
        spare = self.vault.interpreter_spare
        spare.set()
        try:
            return ahead.result().response
        finally:
            spare.clear()

    def _download(
        self, http: httpx.Client, cursor: int, limit: int, done: threading.Event
    ) -> _Page:
        """One page as the worker thread gets it: the response and, if it is a good one, the
        answer read from it with its records validated and encoded (None for an item that
        carries no record, the reason for one that does not validate), a few at a time
        whenever the writer can spare the interpreter."""
        response = http.request("GET", "/pull", params={"cursor": cursor, "limit": limit})
        if response.status_code != 200:
            return _Page(response)
        spare = self.vault.interpreter_spare

        def wait_turn() -> None:
            while not spare.wait(0.1) and not done.is_set():
                pass

        wait_turn()
        try:
            answer = p.PullResponse.model_validate_json(response.content)
        except pydantic.ValidationError:
            return _Page(response)  # the writer's _parse reports it
        records: list[codec.Encoded | str | None] = []
        items = answer.items
        for start in range(0, len(items), _READ_AT_ONCE):
            wait_turn()
            for item in items[start : start + _READ_AT_ONCE]:
                cls = _record_type(item)
                if cls is None or item.payload is None:
                    records.append(None)
                    continue
                try:
                    records.append(codec.encoded(codec.from_payload(cls, item.payload)))
                except pydantic.ValidationError as exc:
                    records.append(str(exc))  # reported if the writer comes to write it
        return _Page(response, answer, records)

    def _apply_page(
        self, answer: p.PullResponse, read: list[codec.Encoded | str | None] | None = None
    ) -> tuple[int, int]:
        """Write one page and the cursor after it; returns (records pulled, new conflicts).
        ``read``: the page's records as the worker validated and encoded them, item by item."""
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
                    )
                    self.state.set_revs(revs)
                pulled += len(incoming)
                self.state.set_cursor(answer.cursor)
        except pydantic.ValidationError as exc:
            raise SyncError(f"the server sent a record this app cannot read: {exc}") from None
        return pulled, conflicts

    def _held(self, incoming: list[Record]) -> set[tuple[str, str]]:
        """Records of this page that this sync pushed and that the vault already holds exactly
        as the page has them (the last copy, if the page has several): writing them would
        change nothing, so they are left alone. Only this sync's pushes are checked: any other
        record is written without a look at what is stored."""
        last = {(r.kind, r.id): r for r in incoming}
        mine = [r for key, r in last.items() if key in self.pushed]
        return self.state.held_as_sent(mine) if mine else set()

    # -- HTTP --------------------------------------------------------------------------------
    def _http(self, server: str, token: str | None) -> httpx.Client:
        headers = {"User-Agent": "sli-desktop-sync"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return httpx.Client(
            base_url=server + p.API,
            headers=headers,
            transport=self.transport,
            timeout=httpx.Timeout(120.0, connect=15.0),
            # plain HTTP (loopback only, check_url) needs no TLS context: loading the system's
            # CAs for it cost 40 ms a sync
            verify=self.verify if server.startswith("https://") else False,
        )

    def _send(
        self, http: httpx.Client, method: str, path: str, missing_ok: bool = False, **kwargs: Any
    ) -> httpx.Response:
        if "json" in kwargs:  # compact, and gzip-compressed when worth it (the server inflates)
            kwargs["content"], headers = _body(kwargs.pop("json"))
            kwargs["headers"] = {**kwargs.get("headers", {}), **headers}
        return self._checked(
            path, lambda: http.request(method, path, **kwargs), missing_ok=missing_ok
        )

    def _checked(
        self, path: str, request: Callable[[], httpx.Response], missing_ok: bool = False
    ) -> httpx.Response:
        """The answer to ``request`` (made now, or already under way in a worker thread), with
        every refusal turned into one sentence; a revoked device is wiped here, on the thread
        that owns the vault."""
        try:
            response = request()
        except httpx.HTTPError as exc:
            raise SyncError(
                f"cannot reach the sync server ({type(exc).__name__}); nothing is lost, "
                "sync again when the network is back"
            ) from None
        if response.status_code == 403 and _wipe_requested(response):
            token_name = self.token_name
            path_text = str(self.vault.path)
            wipe(self.vault, self.keystore, token_name)
            raise DeviceWiped(path_text)
        if response.status_code == 401:
            raise SyncError(
                "the sync server does not accept this device's token: enrol it again"
                if path != "/enroll"
                else "the server did not accept the enrolment code (unknown, used or expired)"
            )
        if missing_ok and response.status_code in MISSING:  # the caller copes without it
            return response
        if response.status_code == 429:  # e.g. too many failed enrolment attempts
            raise SyncError(f"the sync server is refusing for now: {_detail(response)}")
        if response.status_code >= 400:
            raise SyncError(
                f"the sync server refused ({response.status_code}): {_detail(response)}"
            )
        return response

    def _parse(self, model: type[_M], response: httpx.Response) -> _M:
        try:
            return model.model_validate_json(response.content)
        except pydantic.ValidationError:
            raise SyncError("the sync server sent an answer this app does not understand") from None

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Cancelled()


@dataclass(frozen=True)
class _Page:
    """A page as the worker read it: the response and, once read, the answer and its items'
    records (see ``SyncClient._download``)."""

    response: httpx.Response
    answer: p.PullResponse | None = None
    records: list[codec.Encoded | str | None] | None = None


#: Records the pull's worker reads between two looks at whether the writer can spare the
#: interpreter: about 2 ms of Python, the longest the writer may wait for the lock back.
_READ_AT_ONCE = 50


#: A push stays well under the server's body limit: large records (document parts) go a few
#: to a request rather than all in one that the server would refuse.
PUSH_BYTES = p.MAX_BODY_BYTES // 2


def _batch_size(groups: list[list[OutboxRow]], most: int) -> int:
    """How many of the next record groups fit one push: at most ``most``, at least one, no
    more than PUSH_BYTES of payload and no more than the server's MAX_PUSH_COVERS ids."""
    total = covered = 0
    for count, group in enumerate(groups[:most]):
        total += len(json.dumps(group[-1].payload, ensure_ascii=False, separators=(",", ":")))
        covered += min(len(group), p.MAX_COVERS)
        if (total > PUSH_BYTES or covered > p.MAX_PUSH_COVERS) and count:
            return count
    return min(len(groups), most)


def _covered(group: list[OutboxRow]) -> list[str]:
    """The outbox rows' change ids a change stands for: the newest MAX_COVERS (the server
    refuses more). An older id matters only if a push naming it landed and its answer was
    lost; after a thousand more saves of that record offline, the server then merges the
    change with that push's revision three ways, as it would another device's edit."""
    return [r.change_id for r in group[-p.MAX_COVERS :]]


def _canonical(record_id: str) -> bool:
    """Whether ``record_id`` is a UUID written as devices write it (every record's id is)."""
    try:
        return canonical_uuid(record_id) == record_id
    except ValueError:
        return False


def _is_draft(row: OutboxRow) -> bool:
    return row.kind == "note" and row.payload.get("draft") is True


def _record_type(item: p.FeedItem) -> type[Record] | None:
    """The type of the record a feed item carries; None for a conflict, an item without a
    payload, or a kind this version does not know (skipped, not failed). The worker that reads
    a page ahead and the writer decide alike."""
    if (item.type == "conflict" and item.conflict is not None) or item.payload is None:
        return None
    return codec.TYPES_BY_KIND.get(item.kind)


def _is_disposal(kind: str, payload: dict[str, Any]) -> bool:
    return kind == "note" and bool(payload.get("deleted")) and bool(payload.get("disposed_on"))


#: Request bodies above this size go gzip-compressed (a push of 100 notes: about 8x smaller).
GZIP_FROM = 1024


def _body(data: Any) -> tuple[bytes, dict[str, str]]:
    """A request body as compact JSON, gzip-compressed above GZIP_FROM bytes."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json"}
    if len(raw) > GZIP_FROM:
        return gzip.compress(raw, compresslevel=6, mtime=0), {
            **headers,
            "Content-Encoding": "gzip",
        }
    return raw, headers


def _system_context() -> ssl.SSLContext:
    """Certificates checked against the operating system's store (Windows, macOS, and the
    usual Linux locations, with OpenSSL's SSL_CERT_FILE honoured), not a bundle shipped with
    the app: councils' and the LGA's networks often add their own CA there."""
    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def _ca_context(bundle: str) -> ssl.SSLContext:
    try:
        return ssl.create_default_context(cafile=bundle)
    except (OSError, ssl.SSLError) as exc:
        raise SyncError(f"cannot use {CA_ENV}={bundle}: {exc}") from None


def _wipe_requested(response: httpx.Response) -> bool:
    try:
        return bool(p.ErrorBody.model_validate_json(response.content).wipe)
    except pydantic.ValidationError:
        return False


def _detail(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason_phrase
    return str(data.get("detail", response.reason_phrase)) if isinstance(data, dict) else ""
