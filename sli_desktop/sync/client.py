"""The sync client: push the outbox, then pull the change feed, on demand.

Plain Python (no Qt): the desktop runs it off the GUI thread with a progress callback and a
cancel flag. Every step is safe to interrupt: outbox rows leave only once the server has
acknowledged them (a retried change id is applied once), and each pulled page is written in one
transaction together with the cursor that follows it.

The work is in three modules, as httpx keeps its transports apart from its client:
``transport`` (URLs, TLS, timeouts, gzip, errors), ``push`` and ``pull``. This one enrols the
device and runs a sync; the names other code uses are all importable from here.
"""

from __future__ import annotations

import json
import secrets
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NoReturn

import httpx

from ..domain import Note
from ..formats import plural
from ..vault.keystore import KeyStore
from ..vault.store import Vault
from ..vault.syncstate import SyncState, wipe
from . import protocol as p
from .errors import Cancelled, DeviceWiped, NotAnswering, NotEnrolled, SyncError, Unreachable
from .pull import FIRST_PAGE, PAGE, Puller
from .push import PUSH_BYTES, Progress, Pusher, Refusal
from .transport import (
    CA_ENV,
    GZIP_FROM,
    LOOPBACK,
    MISSING,
    Link,
    Timeouts,
    check_url,
    open_client,
    parse,
    verify_setting,
)

__all__ = [
    "CA_ENV",
    "FIRST_PAGE",
    "GZIP_FROM",
    "LOOPBACK",
    "MISSING",
    "PAGE",
    "PUSH_BYTES",
    "Cancelled",
    "DeviceWiped",
    "NotAnswering",
    "NotEnrolled",
    "Progress",
    "Refusal",
    "SyncClient",
    "SyncError",
    "SyncResult",
    "Timeouts",
    "Unreachable",
    "check_url",
]


@dataclass(frozen=True)
class SyncResult:
    pushed: int
    pulled: int
    conflicts: int
    #: changes the server refused (outside the user's regions, invalid): kept in the audit log
    rejected: int = 0
    #: each refused change: what and why, and what became of the edit here
    refusals: tuple[Refusal, ...] = ()
    #: draft notes kept back: they go up once complete (vault/notes.py)
    held: int = 0
    #: read events uploaded (vault/reads.py)
    reads: int = 0

    def refused_text(self) -> str:
        """One sentence on what the server refused and what became of each edit ("" if
        nothing was refused), for the window and the terminal alike."""
        if not self.refusals:
            return ""
        return f"The server refused {plural(len(self.refusals), 'change')}: " + "; ".join(
            r.describe() for r in self.refusals
        )


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
        timeouts: Timeouts | None = None,
    ) -> None:
        self.vault = vault
        self.state = SyncState(vault)
        self.keystore = keystore
        self.transport = transport
        self.progress = progress or (lambda _phase, _done, _total: None)
        self.cancel = cancel or threading.Event()
        self.batch = max(1, min(batch, p.MAX_PUSH_CHANGES))
        self.page = max(1, min(page, p.MAX_PAGE))
        self.timeouts = timeouts or Timeouts()
        self.refusals: list[Refusal] = []
        #: draft notes the last push kept back, and the server's offline limit from its answer
        self.held = 0
        self.max_offline_days: int | None = None
        #: records this sync pushed and the server answered: their own changes come back in the
        #: pull that follows, and are not rewritten when the vault holds them as they came
        self.pushed: set[tuple[str, str]] = set()
        #: TLS: the operating system's certificate store, or SLI_SYNC_CA_BUNDLE's bundle
        self.verify: bool | ssl.SSLContext = verify if verify is not None else verify_setting()

    # -- enrolment ---------------------------------------------------------------------------
    @property
    def token_name(self) -> str:
        return f"sync-token:{self.vault.meta('vault_id') or self.vault.path.name}"

    def enroll(self, server: str, code: str, device_name: str = "") -> p.EnrollResponse:
        """Spend the code on this device. The vault keeps a pending enrolment id, written
        before the request goes: if the answer is lost, enrolling again with the same code
        from this vault (within the server's window) gets the same device and token instead
        of "code used"."""
        url = check_url(server)
        pending = self.state.get("enrolment") or secrets.token_urlsafe(32)
        self.state.put("enrolment", pending)
        body = p.EnrollRequest(
            code=code.strip(),
            device_name=device_name or socket.gethostname(),
            enrolment_id=pending,
        )
        with self._link(url, token=None) as link:
            try:
                try:
                    response = link.send("POST", "/enroll", json=body.model_dump())
                except SyncError as exc:
                    if "enrolment_id" not in str(exc):
                        raise
                    # A server older than idempotent enrolment refuses the field: without it.
                    older = body.model_dump(exclude={"enrolment_id"})
                    response = link.send("POST", "/enroll", json=older)
            except (Unreachable, NotAnswering) as exc:
                raise SyncError(
                    f"{str(exc).split(';')[0]}; enrol again with the same code within 15 minutes"
                ) from None
            done = parse(p.EnrollResponse, response)
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
            self.state.forget("enrolment")
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
        with self._link(server, token) as link:
            pusher = Pusher(
                self.vault, self.state, link, self.progress, self._check_cancel, self.batch
            )
            pushed = pusher.push()
            self.held = pushed.held
            self.pushed = pushed.records
            reads = pusher.push_reads()
            puller = Puller(
                self.vault,
                self.state,
                link,
                self.progress,
                self._check_cancel,
                self.page,
                self.pushed,
            )
            pulled, conflicts = puller.pull()
            if puller.max_offline_days is not None:
                self.max_offline_days = puller.max_offline_days
        with self.vault.transaction():
            self.vault.set_meta("last_synced", self.vault.now().isoformat())
            if self.max_offline_days is not None:  # the operator's limit (vault/expiry.py)
                self.state.put("max_offline_days", str(self.max_offline_days))
        refusals = tuple(self._fate(r) for r in pushed.refusals)
        self.refusals = list(refusals)
        return SyncResult(
            pushed.sent, pulled, conflicts, pushed.rejected, refusals, held=pushed.held, reads=reads
        )

    def _fate(self, refusal: Refusal) -> Refusal:
        """A refused edit to a note that the pull then brought back disposed of is gone with
        the note; any other refused edit stays on this device as it was."""
        if refusal.kind != "note":
            return refusal
        note = self.vault.get(Note, refusal.record_id)
        if note is not None and note.disposed_on:
            return Refusal(refusal.kind, refusal.record_id, refusal.reason, fate="disposed")
        return refusal

    # -- HTTP --------------------------------------------------------------------------------
    @contextmanager
    def _link(self, server: str, token: str | None) -> Iterator[Link]:
        with open_client(server, token, self.verify, self.transport, self.timeouts) as http:
            yield Link(http, self._revoked, self.timeouts)

    def _revoked(self) -> NoReturn:
        """The server revoked this device: wipe it here, on the thread that owns the vault."""
        token_name = self.token_name
        path_text = str(self.vault.path)
        wipe(self.vault, self.keystore, token_name)
        raise DeviceWiped(path_text)

    def _check_cancel(self) -> None:
        if self.cancel.is_set():
            raise Cancelled()
