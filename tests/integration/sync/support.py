"""Shared by the sync tests: a real uvicorn server on 127.0.0.1 (a free port), over SQLite or the
PostgreSQL named by SLI_TEST_POSTGRES_URL, and devices holding real SQLCipher vaults."""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from sli_desktop.domain import Council, CouncilType, Note, Region, council_id
from sli_desktop.server.storage import Storage, revisions
from sli_desktop.sync import protocol as p
from sli_desktop.sync.client import SyncClient, SyncResult
from sli_desktop.vault import codec
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.session import create_vault
from sli_desktop.vault.store import Vault
from tests.background_server import BackgroundServer
from tests.conftest import PASSPHRASE
from tests.memory_keystore import MemoryKeyStore

POSTGRES_ENV = "SLI_TEST_POSTGRES_URL"
BHAM, WESTMINSTER, DURHAM = "E08000025", "E09000033", "E06000047"
REGISTER = [
    (BHAM, "Birmingham City Council", CouncilType.METROPOLITAN_DISTRICT, Region.WEST_MIDLANDS),
    (WESTMINSTER, "Westminster City Council", CouncilType.LONDON_BOROUGH, Region.LONDON),
    (DURHAM, "Durham County Council", CouncilType.UNITARY, Region.NORTH_EAST),
]


def rewrite_payloads(storage: Storage, record_id: str, old: str, new: str) -> None:
    """Replace ``old`` with ``new`` in every stored revision of a record, as damage or another
    writer might have left it on the server (each revision must hold ``old``)."""
    with storage.engine.begin() as conn:
        for rev, payload in conn.execute(
            sa.select(revisions.c.rev, revisions.c.payload).where(
                revisions.c.record_id == record_id
            )
        ).all():
            payload = str(payload)
            assert old in payload
            conn.execute(
                revisions.update()
                .where(revisions.c.record_id == record_id, revisions.c.rev == rev)
                .values(payload=payload.replace(old, new))
            )


def access_lines(
    caplog: pytest.LogCaptureFixture, path: str, seconds: float = 10
) -> list[logging.LogRecord]:
    """The access-log records for a route template. The server thread writes its line as the
    response finishes, so it may land a moment after the client has the answer: wait for it."""
    deadline = time.monotonic() + seconds
    while True:
        lines = [
            r
            for r in caplog.records
            if r.name == "sli.server.access" and getattr(r, "path", None) == path
        ]
        if lines or time.monotonic() > deadline:
            return lines
        time.sleep(0.02)


def register_payloads() -> list[dict[str, Any]]:
    return [
        Council.build(id=council_id(g), gss_code=g, name=n, type=t, region=r).to_json()
        for g, n, t, r in REGISTER
    ]


def new_note_changes(count: int, author: str, *, start: int = 0, body: str = "") -> list[p.Change]:
    """``count`` pushes of new notes (base revision 0) at Westminster, as a device sends them."""
    changes = []
    for i in range(start, start + count):
        note = Note.build(council=WESTMINSTER, date="2026-01-05", title=f"Note {i}", body=body)
        changes.append(
            p.Change(
                change_id=str(uuid.uuid4()),
                kind="note",
                record_id=note.id,
                base_rev=0,
                op="upsert",
                payload={**note.to_json(), "author": author},
            )
        )
    return changes


def database_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'server.sqlite'}"
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        reason = f"no PostgreSQL configured ({POSTGRES_ENV} is not set)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; .ci/run must start one in CI")
        pytest.skip(reason)
    return url


class Flaky(httpx.BaseTransport):
    """Real HTTP, but request number N can fail before it is sent or after the server has
    answered (the answer is lost): a dropped connection at either point."""

    def __init__(self, before: set[int] | None = None, after: set[int] | None = None) -> None:
        self.inner = httpx.HTTPTransport()
        self.before = before or set()
        self.after = after or set()
        self.count = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        if self.count in self.before:
            raise httpx.ConnectError("injected: connection dropped before sending")
        response = self.inner.handle_request(request)
        if self.count in self.after:
            response.read()
            response.close()
            raise httpx.ReadError("injected: connection dropped before the answer arrived")
        return response

    def close(self) -> None:
        self.inner.close()


@dataclass
class Device:
    name: str
    path: Path
    vault: Vault
    keystore: MemoryKeyStore = field(default_factory=MemoryKeyStore)
    transport: httpx.BaseTransport | None = None
    cancel: threading.Event = field(default_factory=threading.Event)

    def client(self, **kwargs: Any) -> SyncClient:
        return SyncClient(
            self.vault, self.keystore, transport=self.transport, cancel=self.cancel, **kwargs
        )

    def sync(self, **kwargs: Any) -> SyncResult:
        return self.client(**kwargs).sync()

    def add_note(self, title: str = "Budget gap", council: str = WESTMINSTER, **more: Any) -> Note:
        more.setdefault("body", "")
        return Notes(self.vault).add(council=council, title=title, date="2026-01-05", **more)

    def edit(self, note_id: str, **changes: Any) -> Note:
        return Notes(self.vault).edit(note_id, **changes)

    def note(self, note_id: str) -> Note | None:
        return self.vault.get(Note, note_id)

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """Every record this vault holds, by kind and id (what must agree across vaults)."""
        out: dict[str, dict[str, Any]] = {}
        for kind, cls in codec.TYPES_BY_KIND.items():
            for record in self.vault.records(cls):
                out[f"{kind}:{record.id}"] = _comparable(record.to_json())
        return out

    def open_conflicts(self) -> list[dict[str, Any]]:
        from sli_desktop.vault.syncstate import SyncState

        return [
            {"id": c.id, "record_id": c.record_id, "fields": c.detail["fields"]}
            for c in SyncState(self.vault).conflicts()
        ]


def _comparable(data: dict[str, Any]) -> dict[str, Any]:
    return data


def make_device(tmp_path: Path, name: str) -> Device:
    path = tmp_path / name / "vault.sli"
    created = create_vault(path, PASSPHRASE, owner=name, kdf=KdfParams.fast_for_tests())
    return Device(name, path, created.vault)


def enrolled(
    tmp_path: Path,
    storage: Storage,
    server: BackgroundServer,
    name: str,
    role: str = "adviser",
    regions: tuple[str, ...] = ("London",),
    user: str | None = None,
) -> Device:
    device = make_device(tmp_path, name)
    code = storage.add_user(user or name, role, list(regions))
    device.client().enroll(server.url, code, name)
    return device


def enrolled_pair(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> tuple[Device, Device]:
    """Alice and Bob, enrolled and synced once each."""
    a = enrolled(tmp_path, storage, server, "alice")
    b = enrolled(tmp_path, storage, server, "bob")
    a.sync()
    b.sync()
    return a, b
