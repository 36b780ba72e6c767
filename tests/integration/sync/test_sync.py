"""Sync through a real uvicorn server on 127.0.0.1 with real SQLCipher vaults, on SQLite and (when
SLI_TEST_POSTGRES_URL is set; always in CI) PostgreSQL: notes travel, concurrent edits leave the
same winner and the same kept conflict everywhere, retries apply once, interrupted syncs resume,
and access rules hold."""

from __future__ import annotations

import contextlib
import json
import random
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sli_desktop.domain import Council, Note
from sli_desktop.server.storage import Storage
from sli_desktop.sync import conflicts as conflict_service
from sli_desktop.sync.client import DeviceWiped, SyncError, check_url
from sli_desktop.vault.syncstate import SyncState
from tests.background_server import BackgroundServer

from .support import (
    BHAM,
    DURHAM,
    REGISTER,
    Flaky,
    enrolled,
    enrolled_pair,
    make_device,
)


def _revisions(storage: Storage, record_id: str) -> int:
    import sqlalchemy as sa

    from sli_desktop.server.storage import revisions

    with storage.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count()).where(revisions.c.record_id == record_id)
            ).scalar()
            or 0
        )


def test_first_sync_brings_the_register_and_a_note_made_on_a_appears_on_b(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    a = enrolled(tmp_path, storage, server, "alice")
    b = enrolled(tmp_path, storage, server, "bob")
    first = a.sync()
    assert first.pulled == len(REGISTER)
    assert {c.gss_code for c in a.vault.records(Council)} == {g for g, *_ in REGISTER}

    note = a.add_note("Budget gap", body="Reserves down by a third.")
    assert a.sync().pushed == 1
    assert SyncState(a.vault).outbox() == []
    b.sync()
    got = b.note(note.id)
    assert got is not None and got.title == "Budget gap" and got.body == "Reserves down by a third."
    # What B received must not go back up: B's outbox stays empty.
    assert SyncState(b.vault).outbox() == []
    assert a.snapshot() == b.snapshot()


def test_same_field_edited_on_three_vaults_same_winner_and_same_kept_conflict_everywhere(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    devices = [enrolled(tmp_path, storage, server, n) for n in ("ann", "ben", "cat")]
    for d in devices:
        d.sync()
    note = devices[0].add_note("Original")
    devices[0].sync()
    for d in devices[1:]:
        d.sync()
    for d in devices:
        d.edit(note.id, title=f"Title from {d.name}")
    for d in devices:
        d.sync()
    for d in devices:
        d.sync()

    snapshots = [d.snapshot() for d in devices]
    assert snapshots[0] == snapshots[1] == snapshots[2]
    kept = [sorted(json.dumps(c, sort_keys=True) for c in d.open_conflicts()) for d in devices]
    assert kept[0] == kept[1] == kept[2] and len(kept[0]) == 2
    final = devices[0].note(note.id)
    assert final is not None
    losers = {c["fields"]["title"]["loser"] for c in devices[0].open_conflicts()}
    # Every edit is either the record's value or a kept conflict.
    assert {f"Title from {d.name}" for d in devices} == losers | {final.title}


def test_edits_to_different_fields_merge_without_conflict(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    a, b = enrolled_pair(tmp_path, storage, server)
    note = a.add_note("First title")
    a.sync()
    b.sync()
    a.edit(note.id, title="Better title")
    b.edit(note.id, body="Added detail from B.")
    a.sync()
    b.sync()
    a.sync()
    for d in (a, b):
        got = d.note(note.id)
        assert got is not None and (got.title, got.body) == ("Better title", "Added detail from B.")
        assert d.open_conflicts() == []
    assert a.snapshot() == b.snapshot()


def test_edit_against_delete_keeps_the_edit_and_tells_the_user(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    a, b = enrolled_pair(tmp_path, storage, server)
    note = a.add_note("Keep me")
    a.sync()
    b.sync()
    a.vault.delete(a.note(note.id))  # type: ignore[arg-type]
    b.edit(note.id, body="Important follow-up.")
    a.sync()
    b.sync()
    a.sync()
    for d in (a, b):
        got = d.note(note.id)
        assert got is not None and not got.deleted and got.body == "Important follow-up."
        (conflict,) = d.open_conflicts()
        assert conflict["fields"]["deleted"] == {"winner": False, "loser": True}


def test_a_retried_push_whose_answer_was_lost_applies_once(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    a, b = enrolled_pair(tmp_path, storage, server)
    note = a.add_note("Once only")
    a.edit(note.id, body="twice edited")
    a.transport = Flaky(after={1})  # the push lands; its answer is lost
    with pytest.raises(SyncError, match="cannot reach"):
        a.sync()
    assert len(SyncState(a.vault).outbox()) == 2  # not acknowledged, so still waiting
    a.transport = None
    a.edit(note.id, title="Third edit")  # and the user carries on meanwhile
    a.sync()
    b.sync()
    assert _revisions(storage, note.id) == 2
    got = b.note(note.id)
    assert got is not None and (got.title, got.body) == ("Third edit", "twice edited")
    assert a.open_conflicts() == [] and a.snapshot() == b.snapshot()


@pytest.mark.parametrize("seed", range(4))
def test_interrupted_pull_resumes_from_the_last_whole_page(
    tmp_path: Path, storage: Storage, server: BackgroundServer, seed: int
) -> None:
    rng = random.Random(seed)
    a, b = enrolled_pair(tmp_path, storage, server)
    for i in range(12):
        a.add_note(f"Note {i}")
    a.sync()
    control = enrolled(tmp_path, storage, server, "carl")
    control.sync()

    crash_at = rng.randint(1, 6)
    calls = 0
    state_cls = SyncState
    original = state_cls.set_cursor

    def crashing(self: SyncState, cursor: int) -> None:
        nonlocal calls
        calls += 1
        if calls == crash_at:
            raise KeyboardInterrupt  # a kill inside the page's transaction
        original(self, cursor)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(state_cls, "set_cursor", crashing)
        with contextlib.suppress(KeyboardInterrupt):
            b.sync(page=3)
    held = len(b.vault.records(Note))
    assert held % 3 == 0 and held <= 12  # only whole pages, never part of one
    b.sync(page=3)
    assert b.snapshot() == control.snapshot() == a.snapshot()


@pytest.mark.parametrize("seed", range(4))
def test_dropped_connections_at_random_points_resume_to_the_same_end_state(
    tmp_path: Path, storage: Storage, server: BackgroundServer, seed: int
) -> None:
    rng = random.Random(seed)
    a, b = enrolled_pair(tmp_path, storage, server)
    notes = [a.add_note(f"Note {i}") for i in range(5)]
    a.sync()
    b.sync()
    for n in notes:
        rng.choice([a, b]).edit(n.id, body=f"edited {rng.random()}")
    for d in (a, b):
        d.transport = Flaky(
            before={rng.randint(1, 4)} if rng.random() < 0.5 else set(),
            after={rng.randint(1, 4)},
        )
        for _ in range(3):
            with contextlib.suppress(SyncError):
                d.sync(batch=2, page=2)
        d.transport = None
    for _ in range(2):
        a.sync()
        b.sync()
    assert a.snapshot() == b.snapshot()
    assert SyncState(a.vault).outbox() == [] and SyncState(b.vault).outbox() == []
    for n in notes:
        assert _revisions(storage, n.id) <= 3  # created once, then at most one edit per side


def test_access_follows_regions_roles_and_privacy(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    london = enrolled(tmp_path, storage, server, "lena", regions=("London",))
    midlands = enrolled(tmp_path, storage, server, "mo", regions=("West Midlands",))
    colleague = enrolled(tmp_path, storage, server, "lou", regions=("London",))
    coordinator = enrolled(tmp_path, storage, server, "cora", role="coordinator", regions=())
    admin = enrolled(tmp_path, storage, server, "ada", role="admin", regions=())
    for d in (london, midlands, colleague, coordinator, admin):
        d.sync()
    open_note = london.add_note("London business")
    private = london.add_note("My own thoughts", private=True)
    london.sync()
    for d in (midlands, colleague, coordinator, admin):
        d.sync()
    assert midlands.note(open_note.id) is None
    assert colleague.note(open_note.id) is not None and colleague.note(private.id) is None
    assert admin.note(open_note.id) is not None and admin.note(private.id) is None
    assert coordinator.note(open_note.id) is None
    # Everyone gets the whole register.
    assert len(midlands.vault.records(Council)) == len(REGISTER)

    # Writing outside one's regions is refused and leaves nothing on the server.
    midlands_note = midlands.add_note("Brum", council=BHAM)
    midlands.sync()
    sneaky = midlands.vault.save(midlands_note.model_copy(update={"council": DURHAM}))
    midlands.sync()
    assert _revisions(storage, sneaky.id) == 1  # only the allowed first version landed
    london.sync()
    assert london.note(midlands_note.id) is None


def test_endpoints_answer_401_or_403_and_leak_nothing(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    a = enrolled(tmp_path, storage, server, "alice")
    a.sync()
    secret = a.add_note("Secret title", private=True)
    a.sync()
    token = a.keystore.get(a.client().token_name)
    assert token
    routes = [("GET", "/v1/pull"), ("GET", "/v1/me"), ("POST", "/v1/push")]
    with httpx.Client(base_url=server.url) as http:
        for method, path in routes:
            for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic x"}):
                r = http.request(method, path, headers=headers, json={"changes": []})
                assert r.status_code == 401, (path, headers, r.text)
                assert secret.id not in r.text and "Secret" not in r.text
        r = http.post("/v1/enroll", json={"code": "AAAAAA-BBBBBB-CCCCCC-DDDDDD"})
        assert r.status_code == 401
        storage.revoke_device(SyncState(a.vault).get("device_id") or "")
        for method, path in routes:
            r = http.request(
                method, path, headers={"Authorization": f"Bearer {token}"}, json={"changes": []}
            )
            assert r.status_code == 403 and r.json() == {
                "detail": "this device has been revoked",
                "wipe": True,
            }
        assert http.get("/openapi.json").status_code == 200
        big = http.post(
            "/v1/push",
            content=b"x" * (17 * 1024 * 1024),
            headers={"Authorization": f"Bearer {token}"},
        )
        assert big.status_code == 413


def test_a_code_enrols_one_device_only(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    code = storage.add_user("uma", "adviser", ["London"])
    make_device(tmp_path, "first").client().enroll(server.url, code)
    with pytest.raises(SyncError, match="enrolment code"):
        make_device(tmp_path, "second").client().enroll(server.url, code)


def test_a_revoked_device_wipes_its_vault_and_remembered_secrets(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    a = enrolled(tmp_path, storage, server, "alice")
    a.sync()
    vault_id = a.vault.meta("vault_id") or ""
    a.keystore.set(vault_id, "00" * 32)
    token_name = a.client().token_name
    storage.revoke_device(SyncState(a.vault).get("device_id") or "")
    with pytest.raises(DeviceWiped):
        a.sync()
    leftovers = sorted(p.name for p in a.path.parent.iterdir())
    assert leftovers == [], leftovers
    assert a.keystore.get(vault_id) is None and a.keystore.get(token_name) is None
    assert not a.vault.is_open


def test_plain_http_is_refused_except_on_loopback() -> None:
    assert check_url("http://127.0.0.1:8443/") == "http://127.0.0.1:8443"
    assert check_url("http://[::1]:1") == "http://[::1]:1"
    assert check_url("https://sync.example.org") == "https://sync.example.org"
    with pytest.raises(SyncError, match="plain HTTP"):
        check_url("http://sync.example.org")
    with pytest.raises(SyncError):
        check_url("ftp://127.0.0.1")


def test_resolving_a_conflict_settles_it_on_every_vault(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    a, b = enrolled_pair(tmp_path, storage, server)
    note = a.add_note("Start")
    a.sync()
    b.sync()
    a.edit(note.id, title="From A")
    b.edit(note.id, title="From B")
    a.sync()
    b.sync()
    a.sync()
    (conflict,) = b.open_conflicts()
    # B pushed second; whoever lost, "theirs" on B is A's value and "mine" is B's.
    described = conflict_service.sides(
        SyncState(b.vault).conflicts()[0], SyncState(b.vault).get("device_id")
    )
    assert described["title"]["mine"] == "From B" and described["title"]["theirs"] == "From A"
    conflict_service.resolve(b.vault, conflict["id"], "mine")
    b.sync()
    a.sync()
    for d in (a, b):
        got = d.note(note.id)
        assert got is not None and got.title == "From B"
        assert d.open_conflicts() == []
    assert a.snapshot() == b.snapshot()


def test_a_register_imported_on_the_device_before_enrolment_syncs_without_conflicts(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    from sli_desktop.domain import CouncilType, Region, council_id
    from sli_desktop.vault.councils import Councils

    a = enrolled(tmp_path, storage, server, "alice", regions=("London", "West Midlands"))
    local = [
        Council.build(
            id=council_id(g), gss_code=g, name=n, short_name=f"{n} (old CSV)", type=t, region=r
        )
        for g, n, t, r in REGISTER
    ]
    extra = Council.build(
        id=council_id("E07000192"),
        gss_code="E07000192",
        name="Cannock Chase District Council",
        type=CouncilType.NON_METROPOLITAN_DISTRICT,
        region=Region.WEST_MIDLANDS,
    )
    Councils(a.vault).upsert_register([*local, extra])
    wm = a.vault.get(Council, council_id(BHAM))
    assert wm is not None
    a.vault.save(wm.evolve(political_control="No overall control"))
    result = a.sync()
    assert result.conflicts == 0 and a.open_conflicts() == []
    assert SyncState(a.vault).outbox() == []
    b = enrolled(tmp_path, storage, server, "bob", regions=("West Midlands",))
    b.sync()
    shared = {k: v for k, v in a.snapshot().items() if k.startswith("council:")}
    assert shared.pop(f"council:{extra.id}")  # the device's extra council stays its own
    assert shared == {k: v for k, v in b.snapshot().items() if k.startswith("council:")}
    got = b.vault.get(Council, council_id(BHAM))
    assert got is not None and got.political_control == "No overall control"
    assert "(old CSV)" not in got.short_name  # the register is the server's


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
change_like = st.fixed_dictionaries(
    {
        "change_id": st.text(max_size=70),
        "kind": st.sampled_from(["note", "council", "contact", "nope", ""]),
        "record_id": st.text(max_size=70),
        "base_rev": st.integers(-2, 2**40),
        "op": st.sampled_from(["upsert", "delete", "drop"]),
        "payload": st.dictionaries(
            st.sampled_from(["id", "title", "council", "date", "x"]), json_values, max_size=5
        ),
    }
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        json_values, st.fixed_dictionaries({"changes": st.lists(change_like, max_size=3)})
    ),
    cursor=st.one_of(st.integers(-5, 2**70), st.text(max_size=5)),
)
def test_no_request_makes_the_server_fail(
    tmp_path_factory: pytest.TempPathFactory,
    storage: Storage,
    server: BackgroundServer,
    body: object,
    cursor: object,
) -> None:
    """Random JSON at every route, with and without a valid token: 4xx or 2xx, never 5xx."""
    if not hasattr(storage, "_fuzz_token"):
        code = storage.add_user("fuzz", "adviser", ["London"])
        answer = httpx.post(f"{server.url}/v1/enroll", json={"code": code})
        storage._fuzz_token = answer.json()["token"]  # type: ignore[attr-defined]
    token = storage._fuzz_token  # type: ignore[attr-defined]
    with httpx.Client(base_url=server.url) as http:
        for headers in ({}, {"Authorization": f"Bearer {token}"}):
            for response in (
                http.post("/v1/push", json=body, headers=headers),
                http.post("/v1/enroll", json=body, headers=headers),
                http.get("/v1/pull", params={"cursor": str(cursor)}, headers=headers),
            ):
                assert response.status_code < 500, (response.status_code, response.text)


def _self_signed(folder: Path) -> tuple[Path, Path]:
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    certfile, keyfile = folder / "cert.pem", folder / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certfile, keyfile


def test_tls_with_a_certificate_the_client_trusts_and_refused_without(
    tmp_path: Path, storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    certfile, keyfile = _self_signed(tmp_path)
    tls = BackgroundServer(storage, certfile=str(certfile), keyfile=str(keyfile)).start()
    try:
        assert tls.url.startswith("https://")
        untrusted = make_device(tmp_path, "untrusted")
        with pytest.raises(SyncError, match="cannot reach"):
            untrusted.client().enroll(tls.url, storage.add_user("u", "adviser", ["London"]))
        monkeypatch.setenv("SLI_SYNC_CA_BUNDLE", str(certfile))
        a = make_device(tmp_path, "alice")
        a.client().enroll(tls.url, storage.add_user("alice", "adviser", ["London"]))
        assert a.sync().pulled == len(REGISTER)
    finally:
        tls.stop()


def test_tls_trusts_a_ca_in_the_operating_systems_store(
    tmp_path: Path, storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An organisation's own CA, installed where the system keeps certificates, is trusted
    without SLI_SYNC_CA_BUNDLE (a bundle shipped with the app would not know it). The test
    points OpenSSL's SSL_CERT_FILE at it rather than touching this machine's store."""
    import ssl

    certfile, keyfile = _self_signed(tmp_path)
    tls = BackgroundServer(storage, certfile=str(certfile), keyfile=str(keyfile)).start()
    monkeypatch.delenv("SLI_SYNC_CA_BUNDLE", raising=False)
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(certfile))
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)
        assert ssl.get_default_verify_paths().cafile == str(certfile)
        a = make_device(tmp_path, "alice")
        a.client().enroll(tls.url, storage.add_user("alice", "adviser", ["London"]))
        assert a.sync().pulled == len(REGISTER)
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-store.pem"))
        monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "no-such-dir"))
        with pytest.raises(SyncError, match="cannot reach"):
            a.sync()  # the same server, no longer trusted by the store
    finally:
        tls.stop()


def test_pulled_pages_keep_the_search_index_exact(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    """Big pages take the batched path (index updated once per page): search must find the
    new text, not the replaced text, and the index must pass FTS5's own integrity check."""
    from sli_desktop.vault.search import Search

    a, b = enrolled_pair(tmp_path, storage, server)
    ids = [a.add_note(f"Alpha {i}", body=f"zebraword{i}").id for i in range(30)]
    a.sync()
    b.sync()
    for i, note_id in enumerate(ids):
        a.edit(note_id, body=f"quagga{i}")
    a.vault.delete(a.note(ids[0]))  # type: ignore[arg-type]
    a.sync()
    b.sync(page=1000)
    assert Search(b.vault).search("zebraword5") == []
    assert [h.id for h in Search(b.vault).search("quagga5")] == [ids[5]]
    assert Search(b.vault).search("quagga0") == []  # deleted: out of the index
    b.vault.conn.execute("INSERT INTO notes_fts(notes_fts) VALUES ('integrity-check')")
    assert a.snapshot() == b.snapshot()
