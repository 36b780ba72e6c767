"""Documents through a real server on 127.0.0.1: a 20 MB document reaches a colleague in the
same region in requests under the body limit; a user in another region never receives it."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from sli_desktop.domain import Council
from sli_desktop.domain.document import MAX_DOCUMENT_BYTES, Document, DocumentPart
from sli_desktop.server.storage import Storage
from sli_desktop.sync import protocol as p
from sli_desktop.vault.documents import Documents
from tests.background_server import BackgroundServer

from .support import WESTMINSTER, enrolled


class Measuring(httpx.BaseTransport):
    """Real HTTP, remembering the size of every request body sent."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.sizes: list[int] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sizes.append(len(request.read()))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_a_20_mb_document_syncs_to_the_region_and_not_beyond(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    a = enrolled(tmp_path, storage, server, "alice")
    b = enrolled(tmp_path, storage, server, "bob")
    far = enrolled(tmp_path, storage, server, "nora", regions=("North East",))
    a.sync()
    westminster = a.vault.records(Council, "gss_code = ?", (WESTMINSTER,))[0]
    content = os.urandom(MAX_DOCUMENT_BYTES)
    document = Documents(a.vault).attach_bytes("council", westminster.id, "terms.pdf", content)

    a.transport = measuring = Measuring()
    pushed = a.sync()
    assert pushed.pushed == 21 and pushed.rejected == 0
    assert max(measuring.sizes) < p.MAX_BODY_BYTES
    assert len([s for s in measuring.sizes if s > 1_000_000]) >= 3  # split over several pushes

    b.sync()
    assert Documents(b.vault).content(document.id) == content
    assert [d.filename for d in Documents(b.vault).for_owner("council", westminster.id)] == [
        "terms.pdf"
    ]

    far.sync()
    assert far.vault.records(Document) == [] and far.vault.records(DocumentPart) == []

    # Deleting on B empties the content on A at the next sync.
    Documents(b.vault).delete(document.id)
    b.sync()
    a.sync()
    assert Documents(a.vault).for_owner("council", westminster.id) == []
    assert all(part.data == "" for part in a.vault.records(DocumentPart))


def test_a_board_and_its_terms_sync_to_the_council_region_only(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    from datetime import date

    from sli_desktop.domain import ImprovementBoard, SignOffElement, SignOffStatus
    from sli_desktop.vault.boards import Boards

    a = enrolled(tmp_path, storage, server, "alice")
    b = enrolled(tmp_path, storage, server, "bob")
    far = enrolled(tmp_path, storage, server, "nora", regions=("North East",))
    a.sync()
    boards = Boards(a.vault)
    board = boards.add(council=WESTMINSTER, start=date(2026, 1, 10), members=[{"name": "Jo"}])
    terms = tmp_path / "terms.pdf"
    terms.write_bytes(b"%PDF terms of engagement")
    document = boards.attach_terms(board.id, terms)
    boards.sign_off(board.id, SignOffElement.PROGRESS_REPORT, SignOffStatus.SIGNED_OFF)
    assert a.sync().rejected == 0
    b.sync()
    got = Boards(b.vault).get(board.id)
    assert got.report_status is SignOffStatus.SIGNED_OFF and got.members[0].name == "Jo"
    assert Documents(b.vault).content(document.id) == b"%PDF terms of engagement"
    far.sync()
    assert far.vault.records(ImprovementBoard) == [] and far.vault.records(Document) == []
