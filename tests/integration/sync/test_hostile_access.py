"""Issue #20, items 1-3: the sync server's access rules against a hostile user, each attack
driven through the real server on 127.0.0.1 (SQLite and PostgreSQL): pushes and pulls over
HTTP with a device token, and real devices holding SQLCipher vaults.

1. Private means private, for admins too: no blind change from a base the server never issued,
   no write, privacy change, resolution or readers list by anyone but the author, no private
   version in a conflict anyone else pulls, no private note's id in anyone else's feed.
2. Only a note's author publishes it as good practice, and only without concern or evidence;
   the author may take it back, and the other regions are left no text.
3. Ids derived from public facts are recomputed, and refused with one answer whether or not
   the record exists.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from sli_desktop.domain import (
    Action,
    Assessment,
    AssessmentKind,
    ConcernLevel,
    ControlChange,
    Note,
    NoteType,
    SupportOffer,
    ValidationError,
)
from sli_desktop.domain.enums import SupportKind
from sli_desktop.domain.improvement import leadership_place_id
from sli_desktop.server.derived_ids import DERIVED_REFUSAL
from sli_desktop.server.storage import NO_SUCH_REVISION, Storage, conflicts, records
from sli_desktop.sync import protocol as p
from tests.background_server import BackgroundServer

from .support import BHAM, WESTMINSTER, Device, enrolled

SECRET = "Whistleblower Jane Smith"
DAY = dt.date(2026, 3, 1)


# -- helpers: a hostile client speaks HTTP to the server directly ------------------------------
def _token(
    storage: Storage, name: str, role: str = "adviser", regions: tuple[str, ...] = ()
) -> str:
    enrolment = storage.enroll(storage.add_user(name, role, list(regions or ("London",))), name)
    assert enrolment is not None
    return enrolment.token


def _push(
    server: BackgroundServer,
    token: str,
    kind: str,
    payload: dict[str, Any],
    base_rev: int,
    resolved: tuple[str, ...] = (),
) -> p.ChangeResult:
    change_id = str(uuid.uuid4())
    request = p.PushRequest(
        changes=[
            p.Change(
                change_id=change_id,
                covers=[change_id],
                kind=kind,
                record_id=payload["id"],
                base_rev=base_rev,
                op="upsert",
                payload=payload,
            )
        ],
        resolved=list(resolved),
    )
    answer = httpx.post(
        f"{server.url}/v1/push",
        json=request.model_dump(mode="json"),
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    (result,) = p.PushResponse.model_validate(answer.json()).results
    return result


def _resolve(server: BackgroundServer, token: str, conflict_id: str) -> None:
    answer = httpx.post(
        f"{server.url}/v1/push",
        json={"changes": [], "resolved": [conflict_id]},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text


def _feed(server: BackgroundServer, token: str) -> list[p.FeedItem]:
    """Everything the server feeds this token, from the start."""
    items: list[p.FeedItem] = []
    cursor = 0
    while True:
        answer = httpx.get(
            f"{server.url}/v1/pull",
            params={"cursor": cursor, "limit": p.MAX_PAGE},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        page = p.PullResponse.model_validate(answer.json())
        items += page.items
        cursor = page.cursor
        if not page.more:
            return items


def _mentions(items: list[p.FeedItem], text: str) -> bool:
    return any(text in item.model_dump_json() for item in items)


def _note(**fields: Any) -> dict[str, Any]:
    fields.setdefault("council", WESTMINSTER)
    fields.setdefault("date", DAY)
    fields.setdefault("title", "Family hubs")
    return Note.build(**fields).to_json()


def _row(storage: Storage, kind: str, record_id: str) -> Any:
    with storage.engine.connect() as conn:
        return conn.execute(
            sa.select(records).where(records.c.kind == kind, records.c.record_id == record_id)
        ).first()


def _conflicts(storage: Storage, record_id: str) -> list[Any]:
    with storage.engine.connect() as conn:
        return list(
            conn.execute(sa.select(conflicts).where(conflicts.c.record_id == record_id)).all()
        )


def _private_note(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> tuple[Device, Note]:
    lena = enrolled(tmp_path, storage, server, "lena")
    lena.sync()
    note = lena.add_note("Mine alone", body=f"{SECRET} told me", private=True)
    assert lena.sync().rejected == 0
    return lena, note


# -- 1. private means private, for admins too ---------------------------------------------------
@pytest.mark.parametrize("base_rev", [0, 1, 99])
def test_an_admin_cannot_take_over_a_private_note_with_a_blind_change(
    tmp_path: Path, storage: Storage, server: BackgroundServer, base_rev: int
) -> None:
    lena, note = _private_note(tmp_path, storage, server)
    lou = enrolled(tmp_path, storage, server, "lou")
    admin = _token(storage, "ada", "admin", ("London",))
    # The id leaked (say through an action); the admin pushes a blind, public rewrite whose
    # change id wins every field.
    blind = _note(title="Nothing to see", body="", private=False)
    blind["id"] = note.id
    answer = _push(server, admin, "note", blind, base_rev)
    assert answer.status == "rejected"
    # The same answer as for a record the server does not hold: nothing says the note exists.
    unknown = _push(server, admin, "note", _note(title="Nothing"), 5)
    assert answer.reason == unknown.reason == NO_SUCH_REVISION

    row = _row(storage, "note", note.id)
    assert row.rev == 1 and row.private and json.loads(row.payload)["body"].startswith(SECRET)
    assert _conflicts(storage, note.id) == []
    lou.sync()
    assert lou.note(note.id) is None and lou.open_conflicts() == []
    assert not _mentions(_feed(server, admin), note.id)
    lena.sync()
    mine = lena.note(note.id)
    assert mine is not None and mine.private and mine.body.startswith(SECRET)


def test_a_colleague_cannot_write_from_a_revision_never_issued_nor_change_privacy(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    lena = enrolled(tmp_path, storage, server, "lena")
    lena.sync()
    note = lena.add_note("Shared in the region", body="region's text")
    lena.sync()
    lou = _token(storage, "lou")
    edit = {**_row_payload(storage, note.id), "body": "rewritten"}
    assert _push(server, lou, "note", edit, 7).reason == NO_SUCH_REVISION
    hidden = _push(server, lou, "note", {**edit, "private": True}, 1)
    assert hidden.status == "rejected" and "author" in hidden.reason
    assert _row(storage, "note", note.id).rev == 1 and not _row(storage, "note", note.id).private
    # Two devices creating the same record (base 0 on a record that exists) still merge.
    assert _push(server, lou, "note", edit, 0).status in ("applied", "merged", "conflict")


def test_only_the_author_resolves_a_private_notes_conflicts_or_sees_its_readers(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    lena, note = _private_note(tmp_path, storage, server)
    phone = enrolled(tmp_path, storage, server, "lena-phone", user="lena")
    phone.sync()
    lena.edit(note.id, title="Laptop's title")
    lena.sync()
    phone.edit(note.id, title="Phone's title")
    phone.sync()
    (conflict,) = _conflicts(storage, note.id)
    assert conflict.private and not conflict.resolved
    admin = _token(storage, "ada", "admin", ("London",))
    _resolve(server, admin, conflict.id)
    assert not _conflicts(storage, note.id)[0].resolved

    def readers(note_id: str) -> httpx.Response:
        return httpx.get(
            f"{server.url}/v1/notes/{note_id}/readers",
            headers={"Authorization": f"Bearer {admin}"},
            timeout=30,
        )

    hidden, unknown = readers(note.id), readers(str(uuid.uuid4()))
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == unknown.json()

    lena_token = _token(storage, "lena")
    _resolve(server, lena_token, conflict.id)
    assert _conflicts(storage, note.id)[0].resolved


def test_text_written_while_a_note_was_private_never_reaches_the_region(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    lena, note = _private_note(tmp_path, storage, server)
    phone = enrolled(tmp_path, storage, server, "lena-phone", user="lena")
    lou = enrolled(tmp_path, storage, server, "lou")
    phone.sync()
    lou.sync()
    lena.edit(note.id, body=f"{SECRET} said more")  # still private
    lena.sync()
    # From the older base, the phone makes the note public: merged, the laptop's private text
    # would go public with it, in the note or in the conflict.
    phone.edit(note.id, private=False, body="Safe to share")
    refused = phone.sync()
    assert refused.rejected == 1 and "make it public again" in refused.refusals[0].reason
    lou.sync()
    assert lou.note(note.id) is None and lou.open_conflicts() == []
    lou_token = _token(storage, "lou")
    assert not _mentions(_feed(server, lou_token), SECRET)
    # On the revision the server holds, the author decides knowingly.
    got = phone.note(note.id)
    assert got is not None and got.private and got.body.startswith(SECRET)
    phone.edit(note.id, private=False, body="Safe to share")
    assert phone.sync().rejected == 0
    lou.sync()
    shared = lou.note(note.id)
    assert shared is not None and shared.body == "Safe to share"
    assert not _mentions(_feed(server, lou_token), SECRET)
    # An edit the laptop made while it still saw the note private does not land on it.
    lena.edit(note.id, body=f"{SECRET} in confidence")
    refused = lena.sync()
    assert refused.rejected == 1 and "made public" in refused.refusals[0].reason
    assert not _mentions(_feed(server, lou_token), SECRET)


def test_a_conflict_on_a_private_note_stays_private_once_the_note_is_public(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    lena, note = _private_note(tmp_path, storage, server)
    phone = enrolled(tmp_path, storage, server, "lena-phone", user="lena")
    lou = enrolled(tmp_path, storage, server, "lou")
    phone.sync()
    lena.edit(note.id, title=f"{SECRET} on the laptop")
    lena.sync()
    phone.edit(note.id, title=f"{SECRET} on the phone")
    phone.sync()
    (conflict,) = _conflicts(storage, note.id)
    assert conflict.private
    lena.sync()
    lena.edit(note.id, private=False, title="Published", body="Safe to share")
    assert lena.sync().rejected == 0
    lou.sync()
    assert lou.note(note.id) is not None and lou.open_conflicts() == []
    assert not _mentions(_feed(server, _token(storage, "lou")), SECRET)


def test_an_action_on_a_private_note_does_not_reveal_its_id(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    lena, note = _private_note(tmp_path, storage, server)
    lou = enrolled(tmp_path, storage, server, "lou")
    lou.sync()
    action = lena.vault.save(
        Action.build(title="Call the contact", council=WESTMINSTER, note_id=note.id)
    )
    lena.sync()
    lou.sync()
    assert lou.vault.get(Action, action.id) is None
    assert not _mentions(_feed(server, _token(storage, "lou")), note.id)

    # Made public, the note brings its action to the region...
    lena.edit(note.id, private=False, body="Public now")
    lena.sync()
    lou.sync()
    assert lou.note(note.id) is not None and lou.vault.get(Action, action.id) is not None
    # ...made private again, a device that syncs from now on receives neither.
    lena.edit(note.id, private=True)
    lena.sync()
    later = enrolled(tmp_path, storage, server, "lou-laptop", user="lou")
    later.sync()
    assert later.note(note.id) is None and later.vault.get(Action, action.id) is None
    assert not _mentions(_feed(server, _token(storage, "cora")), note.id)
    lena.sync()
    assert lena.vault.get(Action, action.id) is not None

    # Pointing an action of one's own at the id is answered as for any id: no oracle.
    lou_token = _token(storage, "lou")
    guesses = [note.id, str(uuid.uuid4())]
    answers = [
        _push(server, lou_token, "action", Action.build(title="Probe", note_id=g).to_json(), 0)
        for g in guesses
    ]
    assert [a.status for a in answers] == ["applied", "applied"]


def test_an_action_that_arrives_before_its_private_note_turns_private_with_it(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    lena = _token(storage, "lena")
    lou = _token(storage, "lou")
    note = _note(title="Drafted first, completed later", private=True)
    action = Action.build(title="Call back", council=WESTMINSTER, note_id=note["id"]).to_json()
    assert _push(server, lena, "action", action, 0).status == "applied"
    assert _push(server, lena, "note", note, 0).status == "applied"
    assert not _mentions(_feed(server, lou), note["id"])
    assert _mentions(_feed(server, lena), note["id"])


# -- 2. no one publishes another's intelligence -------------------------------------------------
def _make_good_practice_anyway(device: Any, note_id: str) -> None:
    """What an altered client would send: the note made good practice past the device's rules
    (its evidence kept), saved straight to the vault so the next sync pushes it."""
    held = device.note(note_id)
    assert held is not None
    device.vault.save(
        held.model_copy(
            update={
                "note_type": NoteType.GOOD_PRACTICE,
                "concern": ConcernLevel.NONE,
                "outcome": "Hubs",
            }
        )
    )


def test_only_the_author_publishes_good_practice_and_never_with_concern_or_evidence(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    lena = enrolled(tmp_path, storage, server, "lena")
    lou = enrolled(tmp_path, storage, server, "lou")
    mo = enrolled(tmp_path, storage, server, "mo", regions=("West Midlands",))
    for device in (lena, lou, mo):
        device.sync()
    note = lena.add_note(
        "Children's services", themes=["early help"], concern="low", evidence=[SECRET]
    )
    lena.sync()
    lou.sync()
    # A colleague in the region, on the current revision, turns it into good practice (past
    # the device, which would refuse the evidence first).
    _make_good_practice_anyway(lou, note.id)
    refused = lou.sync()
    assert refused.rejected == 1 and "author" in refused.refusals[0].reason
    # Its author, but the evidence is still on it: the device says so, and an altered client
    # that sends it anyway is refused by the server.
    with pytest.raises(ValidationError, match="evidence"):
        lena.edit(note.id, note_type=NoteType.GOOD_PRACTICE, concern="none", outcome="Hubs")
    _make_good_practice_anyway(lena, note.id)
    refused = lena.sync()
    assert refused.rejected == 1 and "evidence" in refused.refusals[0].reason
    mo.sync()
    assert mo.note(note.id) is None
    assert not _mentions(_feed(server, _token(storage, "mo", regions=("West Midlands",))), SECRET)
    # Without it, the author publishes it.
    lena.edit(note.id, evidence=[])
    assert lena.sync().rejected == 0
    mo.sync()
    got = mo.note(note.id)
    assert got is not None and got.is_good_practice and got.evidence == []


@pytest.mark.parametrize(
    "fields",
    [
        {"concern": "medium", "evidence": []},  # intelligence must be evidence-based
        {"note_type": "good practice", "concern": "high", "themes": ["x"]},
        {"note_type": "good practice", "evidence": [SECRET], "themes": ["x"]},
        {"council_aware_on": "2026-03-02", "council_aware": False},
    ],
)
def test_every_change_meets_the_rules_for_new_writes(
    storage: Storage, server: BackgroundServer, fields: dict[str, Any]
) -> None:
    token = _token(storage, "lena")
    mo = _token(storage, "mo", regions=("West Midlands",))
    payload = {**_note(), **fields}
    answer = _push(server, token, "note", payload, 0)
    assert answer.status == "rejected", answer
    assert _row(storage, "note", payload["id"]) is None
    # Nor can an edit of a stored note bring it there.
    good = _note()
    assert _push(server, token, "note", good, 0).status == "applied"
    assert _push(server, token, "note", {**good, **fields}, 1).status == "rejected"
    assert not _mentions(_feed(server, mo), SECRET)


# -- 3. ids derived from facts --------------------------------------------------------------------
def _assessment(council: str, record_id: str | None = None) -> dict[str, Any]:
    kind = AssessmentKind.LOCAL_ACCOUNT
    return Assessment.build(
        id=record_id or Assessment.id_for(WESTMINSTER, kind, 2025),
        council=council,
        type=kind,
        year=2025,
        date=dt.date(2025, 10, 1),
    ).to_json()


def _control(council: str, record_id: str | None = None) -> dict[str, Any]:
    return ControlChange.build(
        id=record_id or ControlChange.id_for(WESTMINSTER, DAY),
        council=council,
        date=DAY,
        to_control="Labour",
    ).to_json()


def _leadership(council: str, record_id: str | None = None) -> dict[str, Any]:
    return SupportOffer.build(
        id=record_id or leadership_place_id(WESTMINSTER, 2025),
        council=council,
        type=SupportKind.LEADERSHIP_PLACE,
        year=2025,
    ).to_json()


def _member_support(council: str, record_id: str | None = None) -> dict[str, Any]:
    offer_id = ControlChange.offer_id_for(ControlChange.id_for(WESTMINSTER, DAY))
    return SupportOffer.build(
        id=record_id or offer_id,
        council=council,
        type=SupportKind.MEMBER_PEER_SUPPORT,
        offered_on=DAY,
        days_offered=5,
    ).to_json()


DERIVED: list[tuple[str, Callable[..., dict[str, Any]]]] = [
    ("assessment", _assessment),
    ("control_change", _control),
    ("support_offer", _leadership),
    ("support_offer", _member_support),
]


@pytest.mark.parametrize(("kind", "make"), DERIVED, ids=[f.__name__ for _, f in DERIVED])
def test_a_derived_id_is_recomputed_and_nobody_squats_another_regions(
    storage: Storage, server: BackgroundServer, kind: str, make: Callable[..., dict[str, Any]]
) -> None:
    mo = _token(storage, "mo", regions=("West Midlands",))
    lena = _token(storage, "lena")
    # Squatting: Westminster's id, on a Birmingham record the squatter may write...
    squat = _push(server, mo, kind, make(BHAM), 0)
    # ...or on Westminster's own facts, outside the squatter's regions.
    outside = _push(server, mo, kind, make(WESTMINSTER), 0)
    # A record of one's own region under an id its facts do not give.
    forged = _push(server, lena, kind, make(WESTMINSTER, str(uuid.uuid4())), 0)
    assert {squat.reason, outside.reason, forged.reason} == {DERIVED_REFUSAL}
    assert {squat.status, outside.status, forged.status} == {"rejected"}
    # The id stays free for the region that needs it.
    made = make(WESTMINSTER)
    assert _push(server, lena, kind, made, 0).status == "applied"
    # Now that it exists, every refusal reads as before: nothing says it does.
    for base in (0, 1):
        again = [
            _push(server, mo, kind, make(BHAM), base),
            _push(server, mo, kind, make(WESTMINSTER), base),
        ]
        assert [a.reason for a in again] == [DERIVED_REFUSAL, DERIVED_REFUSAL]
    row = _row(storage, kind, made["id"])
    assert row.rev == 1 and row.region == "London" and row.owner == "lena"


def _row_payload(storage: Storage, record_id: str) -> dict[str, Any]:
    return dict(json.loads(_row(storage, "note", record_id).payload))
