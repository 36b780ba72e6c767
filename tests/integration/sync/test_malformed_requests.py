"""Malformed requests get a 4xx and one sentence, never a 500, on SQLite and PostgreSQL: NUL
characters, lone surrogates (JSON's "\\ud800" escape, which Python's json accepts) and over-long
strings in every field a device sends, deep nesting, and list fields long enough to add hundreds
of thousands of rows in one push. Sent as raw JSON through a real server on 127.0.0.1; after
each, the server must still answer an authenticated request (a PostgreSQL connection left in a
failed transaction would not)."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from sli_desktop.domain import Note
from sli_desktop.server.storage import Storage
from sli_desktop.sync import protocol as p
from tests.background_server import BackgroundServer

from .support import WESTMINSTER

NUL = "a\x00b"
SURROGATE = "a\ud800b"
LONG = "x" * 100_000
BAD = {"NUL": NUL, "lone surrogate": SURROGATE, "over-long": LONG}

Body = dict[str, Any]
Setter = Callable[[Body, str], None]


def _token(storage: Storage, server: BackgroundServer) -> str:
    code = storage.add_user("admin", "admin", ["London"])
    answer = httpx.post(f"{server.url}/v1/enroll", json={"code": code, "device_name": "admin"})
    answer.raise_for_status()
    return str(answer.json()["token"])


def _note() -> Body:
    return Note.build(council=WESTMINSTER, date="2026-01-05", title="Budget gap").to_json()


def _push() -> Body:
    note = _note()
    change_id = str(uuid.uuid4())
    change = {
        "change_id": change_id,
        "covers": [change_id],
        "kind": "note",
        "record_id": note["id"],
        "base_rev": 0,
        "op": "upsert",
        "payload": note,
    }
    return {"changes": [change], "resolved": []}


def _reads() -> Body:
    event = {
        "id": str(uuid.uuid4()),
        "note_id": "0" * 32,
        "at": "2026-01-05T10:00:00+00:00",
        "via": "window",
        "briefing": "",
    }
    return {"events": [event]}


def _change(field: str) -> Setter:
    def put(body: Body, value: str) -> None:
        body["changes"][0][field] = value

    return put


def _covered(body: Body, value: str) -> None:
    body["changes"][0]["covers"].append(value)


def _resolved(body: Body, value: str) -> None:
    body["resolved"] = [value]


def _event(field: str) -> Setter:
    def put(body: Body, value: str) -> None:
        body["events"][0][field] = value

    return put


def _enrolment(field: str) -> Setter:
    def put(body: Body, value: str) -> None:
        body[field] = value

    return put


def _payload_key(body: Body, value: str) -> None:
    body["changes"][0]["payload"][value] = "x"


def _payload_title(body: Body, value: str) -> None:
    body["changes"][0]["payload"]["title"] = value


def _payload_nested(body: Body, value: str) -> None:
    body["changes"][0]["payload"]["evidence"] = [value]


#: (route, the body it starts from, where the bad value goes)
FIELDS: list[tuple[str, Callable[[], Body], str, Setter]] = [
    (
        "/v1/enroll",
        lambda: {"code": "AAAAAA-BBBBBB", "device_name": "x"},
        "code",
        _enrolment("code"),
    ),
    ("/v1/enroll", lambda: {"code": "AAAAAA-BBBBBB"}, "device_name", _enrolment("device_name")),
    ("/v1/push", _push, "change_id", _change("change_id")),
    ("/v1/push", _push, "covers", _covered),
    ("/v1/push", _push, "kind", _change("kind")),
    ("/v1/push", _push, "record_id", _change("record_id")),
    ("/v1/push", _push, "resolved", _resolved),
    ("/v1/reads", _reads, "id", _event("id")),
    ("/v1/reads", _reads, "note_id", _event("note_id")),
    ("/v1/reads", _reads, "briefing", _event("briefing")),
]


def _send(server: BackgroundServer, token: str, route: str, body: Body, zipped: bool) -> int:
    # ensure_ascii: NUL and the lone surrogate travel as JSON escapes (\u0000, \ud800), as an
    # attacker would send them; UTF-8 cannot carry a lone surrogate at all.
    raw = json.dumps(body, ensure_ascii=True).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if zipped:
        raw = gzip.compress(raw)
        headers["Content-Encoding"] = "gzip"
    return httpx.post(f"{server.url}{route}", content=raw, headers=headers, timeout=60).status_code


def _still_serving(server: BackgroundServer, token: str) -> bool:
    me = httpx.get(f"{server.url}/v1/me", headers={"Authorization": f"Bearer {token}"})
    return me.status_code == 200


def test_bad_text_in_any_field_is_a_4xx_and_the_server_keeps_serving(
    storage: Storage, server: BackgroundServer
) -> None:
    token = _token(storage, server)
    wrong: list[str] = []
    for route, start, field, put in FIELDS:
        for label, value in BAD.items():
            for zipped in (False, True):
                body = start()
                put(body, value)
                status = _send(server, token, route, body, zipped)
                case = f"{label} in {route} {field}{' (gzip)' if zipped else ''}: {status}"
                if not 400 <= status < 500:
                    wrong.append(case)
                if not _still_serving(server, token):
                    wrong.append(f"{case}, and the server stopped serving")
    assert not wrong, "\n".join(wrong)


def test_bad_text_inside_a_payload_is_refused_or_kept_exactly(
    storage: Storage, server: BackgroundServer
) -> None:
    """A lone surrogate cannot be stored as UTF-8: refused (422). A NUL inside a record's text
    is stored JSON-escaped, so it is kept and comes back as sent. Over-long text is the
    domain's to refuse: the change is rejected, the push answered."""
    token = _token(storage, server)
    for put in (_payload_title, _payload_nested, _payload_key):
        body = _push()
        put(body, SURROGATE)
        assert _send(server, token, "/v1/push", body, zipped=False) == 422, put.__name__
        assert _still_serving(server, token)
    for value in (NUL, LONG):  # not a field of any record: the domain refuses the change
        body = _push()
        _payload_key(body, value)
        answer = httpx.post(
            f"{server.url}/v1/push", json=body, headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.json()["results"][0]["status"] == "rejected"

    body = _push()
    body["changes"][0]["payload"]["title"] = f"Budget {NUL}"
    _payload_nested(body, NUL)
    answer = httpx.post(
        f"{server.url}/v1/push", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200 and answer.json()["results"][0]["status"] == "applied"
    pulled = httpx.get(f"{server.url}/v1/pull", headers={"Authorization": f"Bearer {token}"}).json()
    mine = [i for i in pulled["items"] if i["record_id"] == body["changes"][0]["record_id"]]
    assert mine[0]["payload"]["title"] == f"Budget {NUL}"
    assert mine[0]["payload"]["evidence"] == [NUL]

    body = _push()
    body["changes"][0]["payload"]["title"] = LONG
    answer = httpx.post(
        f"{server.url}/v1/push", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200 and answer.json()["results"][0]["status"] == "rejected"
    assert _still_serving(server, token)


def test_deeply_nested_json_is_a_4xx(storage: Storage, server: BackgroundServer) -> None:
    token = _token(storage, server)
    for depth in (100, 100_000):
        nested = "[" * depth + "]" * depth
        push = json.dumps(_push())
        raw = push.replace('"evidence": []', f'"evidence": [{nested}]')
        assert raw != push
        for route, text in (("/v1/push", raw), ("/v1/enroll", nested)):
            answer = httpx.post(
                f"{server.url}{route}",
                content=text.encode(),
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            assert 400 <= answer.status_code < 500, (route, depth, answer.status_code)
            assert _still_serving(server, token)


def test_bad_text_in_the_readers_path_is_a_4xx(storage: Storage, server: BackgroundServer) -> None:
    token = _token(storage, server)
    # Invalid UTF-8 in a path is decoded to U+FFFD, an ordinary (unknown) id: any answer but 500.
    for note_id, lowest in (("a%00b", 400), ("x" * 5000, 400), ("a%ED%A0%80b", 200)):
        answer = httpx.get(
            f"{server.url}/v1/notes/{note_id}/readers",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert lowest <= answer.status_code < 500, (note_id[:20], answer.status_code)
        assert _still_serving(server, token)


def test_one_push_cannot_cover_hundreds_of_thousands_of_change_ids(
    storage: Storage, server: BackgroundServer
) -> None:
    """Each covered id becomes a row (applied_changes): the ids a push may cover are bounded,
    per change and in all."""
    token = _token(storage, server)
    body = _push()
    body["changes"][0]["covers"] = [str(uuid.uuid4()) for _ in range(p.MAX_COVERS + 1)]
    assert _send(server, token, "/v1/push", body, zipped=True) == 422

    many: list[Body] = []
    per_change = p.MAX_COVERS
    while sum(len(c["covers"]) for c in many) <= p.MAX_PUSH_COVERS:
        change = _push()["changes"][0]
        change["covers"] = [str(uuid.uuid4()) for _ in range(per_change - 1)]
        change["covers"].append(change["change_id"])
        many.append(change)
    answer = httpx.post(
        f"{server.url}/v1/push",
        content=gzip.compress(json.dumps({"changes": many, "resolved": []}).encode()),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
        },
        timeout=60,
    )
    assert answer.status_code == 422
    assert "covers" in answer.json()["detail"]
    assert _still_serving(server, token)
