"""The sync client: push the outbox, then pull the change feed, on demand.

Plain Python (no Qt): the desktop runs it off the GUI thread with a progress callback and a
cancel flag. Every step is safe to interrupt: outbox rows leave only once the server has
acknowledged them (a retried change id is applied once), and each pulled page is written in one
transaction together with the cursor that follows it.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pydantic

from ..domain import Record
from ..vault import codec
from ..vault.errors import VaultError
from ..vault.keystore import KeyStore
from ..vault.store import Vault
from ..vault.syncstate import OutboxRow, SyncState, wipe
from . import protocol as p

_M = TypeVar("_M", bound=pydantic.BaseModel)

CA_ENV = "SLI_SYNC_CA_BUNDLE"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
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
        page: int = 1000,
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
        #: TLS: the system's CAs, or the bundle named by SLI_SYNC_CA_BUNDLE (a private CA).
        bundle = os.environ.get(CA_ENV)
        self.verify: bool | ssl.SSLContext = (
            verify if verify is not None else _ca_context(bundle) if bundle else True
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
        with self._http(server, token) as http:
            pushed, rejected = self._push(http)
            pulled, conflicts = self._pull(http)
        self.vault.set_meta("last_synced", self.vault.now().isoformat())
        return SyncResult(pushed, pulled, conflicts, rejected)

    def _push(self, http: httpx.Client) -> tuple[int, int]:
        rows = self.state.outbox()
        groups: dict[tuple[str, str], list[OutboxRow]] = {}
        for row in rows:
            groups.setdefault((row.kind, row.record_id), []).append(row)
        ordered = sorted(groups.values(), key=lambda g: g[-1].seq)
        resolved = self.state.resolutions_to_push()
        total, done, rejected = len(ordered), 0, 0
        self.progress("push", 0, total)
        while ordered or resolved:
            self._check_cancel()
            batch, ordered = ordered[: self.batch], ordered[self.batch :]
            changes = [
                p.Change(
                    change_id=g[-1].change_id,
                    covers=[r.change_id for r in g],
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
                for group, result in zip(batch, answer.results, strict=True):
                    last = group[-1]
                    if result.change_id != last.change_id:
                        raise SyncError("the server answered a push out of order")
                    if result.status == "rejected":
                        rejected += 1
                        self.vault.audit(
                            "sync-rejected", last.kind, last.record_id, {"reason": result.reason}
                        )
                    elif result.status == "applied":
                        self.state.set_rev(last.kind, last.record_id, result.rev)
                    self.state.acknowledge([r.seq for r in group])
                self.state.resolutions_pushed(request.resolved)
            resolved = resolved[len(request.resolved) :]
            done += len(batch)
            self.progress("push", done, total)
        return total - rejected, rejected

    def _pull(self, http: httpx.Client) -> tuple[int, int]:
        pulled = conflicts = 0
        self.progress("pull", 0, 0)
        while True:
            self._check_cancel()
            params = {"cursor": self.state.cursor, "limit": self.page}
            answer = self._parse(p.PullResponse, self._send(http, "GET", "/pull", params=params))
            try:
                with self.vault.transaction():
                    waiting = self.state.pending()
                    incoming: list[Record] = []
                    revs: list[tuple[str, str, int]] = []
                    for item in answer.items:
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
                        cls = codec.TYPES_BY_KIND.get(item.kind)
                        if cls is None or item.payload is None:
                            continue  # a kind this version does not know: skip, not fail
                        if (item.kind, item.record_id) in waiting:
                            continue  # a local edit waits: the next push merges on the server
                        incoming.append(codec.from_payload(cls, item.payload))
                        revs.append((item.kind, item.record_id, item.rev))
                    if incoming:
                        self.vault.apply_remote(incoming, {"cursor": answer.cursor})
                        self.state.set_revs(revs)
                    pulled += len(incoming)
                    self.state.set_cursor(answer.cursor)
            except pydantic.ValidationError as exc:
                raise SyncError(f"the server sent a record this app cannot read: {exc}") from None
            self.progress("pull", pulled, 0)
            if not answer.more:
                return pulled, conflicts

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
            verify=self.verify,
        )

    def _send(self, http: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = http.request(method, path, **kwargs)
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
