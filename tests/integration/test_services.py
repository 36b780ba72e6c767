"""The vault's services through the API, on real SQLCipher vaults: what they store, journal and
audit, and what they refuse."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sli_desktop.domain import (
    ActionStatus,
    ChallengeKind,
    ChallengeStatus,
    Contact,
    Council,
    Note,
    Record,
    Region,
    ValidationError,
)
from sli_desktop.vault.actions import Actions
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.challenges import Challenges
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.errors import NotFound, WrongPassphrase
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.search import Search
from sli_desktop.vault.session import change_passphrase, unlock
from sli_desktop.vault.store import Vault
from tests import strategies as gen
from tests.conftest import PASSPHRASE

BHAM, COV, STAFFS, CANNOCK, WESTMINSTER, DURHAM = (
    "E08000025",
    "E08000026",
    "E10000028",
    "E07000192",
    "E09000033",
    "E06000047",
)
VOLATILE = {"version", "created_at", "updated_at", "author"}


def rows(vault: Vault, table: str) -> int:
    return int(vault.scalar(f"SELECT count(*) FROM {table}"))


# -- generated records round-trip through a real vault ----------------------------------------


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(record=st.one_of(gen.notes(), gen.contacts(), gen.engagements(), gen.records))
def test_generated_records_round_trip_through_the_vault(vault: Vault, record: Record) -> None:
    # one vault serves every example: skip a council whose generated code is already in it
    assume(vault.get(type(record), record.id) is None)
    if isinstance(record, Council):
        assume(not vault.scalar("SELECT 1 FROM councils WHERE gss_code = ?", (record.gss_code,)))
    saved = vault.save(record)
    assert saved.version == 1
    got = vault.get(type(record), record.id)
    assert got == saved
    assert got is not None
    assert got.model_dump(exclude=VOLATILE) == record.model_dump(exclude=VOLATILE)
    if record.author:
        assert got.author == record.author
    else:
        assert got.author == "tester"
    # a second save is an edit at the next version, and still reads back unchanged
    again = vault.save(got.evolve(deleted=True))
    assert again.version == 2
    reread = vault.get(type(record), record.id)
    assert reread == again
    assert reread is not None
    assert reread.model_dump(exclude=VOLATILE | {"deleted"}) == record.model_dump(
        exclude=VOLATILE | {"deleted"}
    )


def test_records_survive_closing_and_reopening(vault: Vault, vault_path: Path) -> None:
    note = vault.save(
        Note.build(
            council=BHAM,
            date="2024-05-01",
            title="Ynys Môn – Siân",
            body="£87m gap\n\ttabs and\r\nnewlines\u2028kept",
            themes=["Finance"],
            concern="serious",
            evidence=["Auditor's letter"],
        )
    )
    vault.close()
    with unlock(vault_path, PASSPHRASE) as reopened:
        assert reopened.get(Note, note.id) == note


# -- the write path: version, outbox, audit, atomicity -----------------------------------------


def test_every_save_is_journalled_and_audited_in_one_transaction(councils_vault: Vault) -> None:
    vault = councils_vault
    before = {t: rows(vault, t) for t in ("notes", "outbox", "audit")}
    note = Notes(vault).add(council=BHAM, date="2024-05-01", title="t", body="secret body")
    edited = Notes(vault).edit(note.id, title="t2")
    assert (note.version, edited.version) == (1, 2)
    assert edited.created_at == note.created_at
    assert edited.updated_at >= note.updated_at
    assert rows(vault, "notes") == before["notes"] + 1
    assert rows(vault, "outbox") == before["outbox"] + 2
    assert rows(vault, "audit") == before["audit"] + 2
    journal = vault.query(
        "SELECT kind, record_id, version, base_version, op, payload FROM outbox "
        "WHERE record_id = ? ORDER BY seq",
        (note.id,),
    )
    assert [(k, v, b, op) for k, _, v, b, op, _ in journal] == [
        ("note", 1, 0, "upsert"),
        ("note", 2, 1, "upsert"),
    ]
    assert json.loads(journal[-1][5])["title"] == "t2"


def test_a_rolled_back_transaction_leaves_no_trace(councils_vault: Vault) -> None:
    vault = councils_vault
    before = {t: rows(vault, t) for t in ("notes", "contacts", "outbox", "audit")}
    with pytest.raises(RuntimeError), vault.transaction():
        Notes(vault).add(council=BHAM, date="2024-05-01", title="t")
        Contacts(vault).add(name="Jo", council=COV)
        raise RuntimeError("interrupted")
    assert {t: rows(vault, t) for t in before} == before
    # and the audit chain still holds, and the next write continues it
    Contacts(vault).add(name="Jo")
    assert AuditLog(vault).verify() is None


def test_a_refused_record_writes_nothing(councils_vault: Vault) -> None:
    vault = councils_vault
    before = {t: rows(vault, t) for t in ("notes", "outbox", "audit")}
    with pytest.raises(ValidationError):
        Notes(vault).add(council=BHAM, date="2024-05-01", title="t", concern="high")
    with pytest.raises(NotFound):
        Notes(vault).add(council="E99999999", date="2024-05-01", title="t")
    assert {t: rows(vault, t) for t in before} == before


def test_delete_is_a_tombstone_journalled_as_a_delete(councils_vault: Vault) -> None:
    vault = councils_vault
    note = Notes(vault).add(council=BHAM, date="2024-05-01", title="Gone", body="zygomorphic")
    Notes(vault).delete(note.id[:8])
    assert Notes(vault).list() == []
    assert Notes(vault).count() == 0
    with pytest.raises(NotFound):
        Notes(vault).get(note.id)
    stored = vault.get(Note, note.id)
    assert stored is not None and stored.deleted and stored.version == 2
    assert vault.scalar("SELECT op FROM outbox ORDER BY seq DESC LIMIT 1") == "delete"
    assert AuditLog(vault).entries()[-1].action == "delete"
    assert Search(vault).search("zygomorphic") == []


def test_the_audit_chain_holds_and_never_holds_note_text(councils_vault: Vault) -> None:
    vault = councils_vault
    note = Notes(vault).add(
        council=BHAM, date="2024-05-01", title="Title", body="The s114 notice is imminent"
    )
    Notes(vault).edit(note.id, body="The s114 notice was issued")
    assert AuditLog(vault).verify() is None
    entries = AuditLog(vault).entries()
    assert [e.action for e in entries if e.record_id == note.id] == ["create", "edit"]
    assert json.loads(entries[-1].detail) == {"version": 2, "fields": ["body"]}
    assert all("s114" not in e.detail for e in entries)
    assert [e.seq for e in AuditLog(vault).entries(limit=2)] == [e.seq for e in entries[-2:]]


def test_the_audit_log_is_append_only(councils_vault: Vault) -> None:
    with pytest.raises(Exception, match="append-only"):
        councils_vault.conn.execute("UPDATE audit SET actor = 'someone else'")
    with pytest.raises(Exception, match="append-only"):
        councils_vault.conn.execute("DELETE FROM audit")


# -- councils -------------------------------------------------------------------------------------


def test_councils_by_code_name_and_region(councils_vault: Vault) -> None:
    councils = Councils(councils_vault)
    assert councils.count() == 6
    assert councils.get(" e08000025 ").name == "Birmingham City Council"
    assert councils.get("birmingham city council").gss_code == BHAM
    assert councils.get("County Durham").gss_code == DURHAM
    assert councils.require("e06000047") == DURHAM
    assert [c.gss_code for c in councils.list(Region.WEST_MIDLANDS)] == [
        BHAM,
        CANNOCK,
        COV,
        STAFFS,
    ]
    assert councils.names()[WESTMINSTER] == "Westminster"
    with pytest.raises(NotFound, match="import the council register first"):
        councils.get("E99999999")


def test_a_name_shared_by_two_councils_asks_for_the_code(councils_vault: Vault) -> None:
    councils = Councils(councils_vault)
    twin = councils.get(COV)
    councils_vault.save(
        Council.build(
            **{
                **twin.model_dump(exclude={"id", "gss_code", "version"}),
                "gss_code": "E08000099",
                "id": "8b0e5a3c-1111-4b8e-9a56-3c1f6d2b7e10",
            }
        )
    )
    with pytest.raises(NotFound, match="more than one council"):
        councils.get("Coventry")
    assert councils.get(COV).gss_code == COV


# -- notes ----------------------------------------------------------------------------------------


def test_notes_list_newest_first_by_council_and_page_by_page(councils_vault: Vault) -> None:
    notes = Notes(councils_vault)
    made = [
        notes.add(council=BHAM if i % 2 else COV, date=date(2024, 1, 1 + i), title=f"n{i}")
        for i in range(7)
    ]
    newest_first = [n.id for n in reversed(made)]
    assert [n.id for n in notes.list()] == newest_first
    assert [n.id for n in notes.list(limit=3)] == newest_first[:3]
    assert [n.id for n in notes.list(limit=3, offset=3)] == newest_first[3:6]
    assert [n.id for n in notes.list(council="birmingham")] == [
        n.id for n in reversed(made) if n.council == BHAM
    ]
    assert notes.count() == 7
    assert notes.count(BHAM) == 3


def test_notes_on_the_same_day_keep_the_order_they_were_written(councils_vault: Vault) -> None:
    notes = Notes(councils_vault)
    first = notes.add(council=BHAM, date="2024-05-01", title="first")
    second = notes.add(council=BHAM, date="2024-05-01", title="second")
    assert [n.id for n in notes.list()] == [second.id, first.id]


def test_note_get_by_prefix(councils_vault: Vault) -> None:
    notes = Notes(councils_vault)
    note = notes.add(council=BHAM, date="2024-05-01", title="t")
    assert notes.get(note.id[:8]).id == note.id
    assert notes.get(note.id.upper()).id == note.id
    with pytest.raises(NotFound, match="at least 8"):
        notes.get(note.id[:7])
    with pytest.raises(NotFound):
        notes.get("ffffffff-ffff")


def test_note_edit_moves_it_to_another_council_and_keeps_the_rules(councils_vault: Vault) -> None:
    notes = Notes(councils_vault)
    note = notes.add(council=BHAM, date="2024-05-01", title="t")
    moved = notes.edit(note.id, council="coventry")
    assert moved.council == COV
    with pytest.raises(NotFound):
        notes.edit(note.id, council="E99999999")
    with pytest.raises(ValidationError) as caught:
        notes.edit(note.id, concern="serious")
    assert caught.value.field == "evidence"
    assert notes.get(note.id).version == 2


# -- contacts -------------------------------------------------------------------------------------


def test_contacts(councils_vault: Vault) -> None:
    contacts = Contacts(councils_vault)
    sian = contacts.add(name="Siân Ŵyn Llŷr", council="birmingham", phones=["0121 303 1111"])
    free = contacts.add(name="Alex Free")  # not every contact belongs to a council
    assert sian.council == BHAM
    assert sian.phones == ["+441213031111"]
    assert free.council is None
    assert [c.name for c in contacts.list()] == ["Alex Free", "Siân Ŵyn Llŷr"]
    assert [c.id for c in contacts.list(BHAM)] == [sian.id]
    assert contacts.get(sian.id) == sian
    with pytest.raises(NotFound):
        contacts.get("00000000-0000-0000-0000-000000000000")
    with pytest.raises(NotFound):
        contacts.add(name="Jo", council="E99999999")
    stored = councils_vault.get(Contact, sian.id)
    assert stored is not None and stored.name == "Siân Ŵyn Llŷr"


# -- engagements and coverage -------------------------------------------------------------------


def test_engagement_add_records_its_first_status(councils_vault: Vault) -> None:
    engagements = Challenges(councils_vault)
    added = engagements.add(
        council="birmingham",
        type="corporate",
        status=ChallengeStatus.DISCUSSED,
        status_date=date(2024, 11, 1),
    )
    assert added.council == BHAM
    assert [(h.status, h.on) for h in added.history] == [
        (ChallengeStatus.DISCUSSED, date(2024, 11, 1))
    ]
    with pytest.raises(ValidationError) as caught:
        engagements.move(added.id, ChallengeStatus.BOOKED, date(2024, 12, 1))
    assert caught.value.field == "start"
    booked = engagements.move(
        added.id[:8], ChallengeStatus.BOOKED, date(2024, 12, 1), start=date(2025, 3, 3)
    )
    assert booked.status is ChallengeStatus.BOOKED
    assert booked.start == date(2025, 3, 3)
    assert [h.status for h in booked.history] == [
        ChallengeStatus.DISCUSSED,
        ChallengeStatus.BOOKED,
    ]
    assert booked.version == 2
    with pytest.raises(ValidationError) as caught:
        engagements.move(added.id, ChallengeStatus.PROPOSED)
    assert caught.value.field == "status"
    assert engagements.get(added.id).status is ChallengeStatus.BOOKED


def test_engagement_list_by_start_region_and_council(councils_vault: Vault) -> None:
    engagements = Challenges(councils_vault)
    late = engagements.add(council=BHAM, type="corporate", status="booked", start="2025-09-01")
    early = engagements.add(council=WESTMINSTER, type="adults", status="booked", start="2025-01-01")
    undated = engagements.add(council=COV, type="childrens", status="proposed")
    assert [e.id for e in engagements.list()] == [early.id, late.id, undated.id]
    assert [e.id for e in engagements.list(Region.WEST_MIDLANDS)] == [late.id, undated.id]
    assert [e.id for e in engagements.list(council=WESTMINSTER)] == [early.id]
    assert engagements.list(Region.NORTH_EAST) == []


def test_coverage_counts_each_council_once_at_its_furthest_stage(councils_vault: Vault) -> None:
    add = Challenges(councils_vault).add
    add(council=BHAM, type="corporate", status="closed", start="2019-03-04")
    add(council=BHAM, type="corporate", status="booked", start="2026-01-05")
    add(council=BHAM, type="corporate", status="discussed")
    add(council=COV, type="corporate", status="booked", start="2026-09-01")
    add(council=COV, type="corporate", status="proposed")
    add(council=STAFFS, type="corporate", status="discussed")
    add(council=CANNOCK, type="safeguarding", status="report", start="2023-01-01")
    add(council=CANNOCK, type="corporate", status="cancelled")
    add(council=WESTMINSTER, type="corporate", status="feedback", start="2024-10-07")
    add(council=DURHAM, type="corporate", status="follow-up", start="2010-05-01")
    coverage = {r.region: r for r in Challenges(councils_vault).coverage()}
    west = coverage["West Midlands"]
    assert (west.councils, west.had, west.booked, west.discussing, west.none) == (4, 1, 1, 1, 1)
    assert (coverage["London"].had, coverage["London"].none) == (1, 0)
    assert (coverage["North East"].had, coverage["North East"].none) == (0, 1)
    assert sum(r.councils for r in coverage.values()) == 6

    since_2020 = {r.region: r for r in Challenges(councils_vault).coverage(date(2020, 1, 1))}
    assert (since_2020["West Midlands"].had, since_2020["West Midlands"].booked) == (0, 2)
    children = {
        r.region: r for r in Challenges(councils_vault).coverage(kind=ChallengeKind.SAFEGUARDING)
    }
    assert children["West Midlands"].had == 1


def test_coverage_leaves_out_other_nations(councils_vault: Vault) -> None:
    councils_vault.save(
        Council.build(
            gss_code="W06000001",
            name="Isle of Anglesey County Council",
            type="welsh unitary authority",
            nation="Wales",
            region="Wales",
        )
    )
    Challenges(councils_vault).add(
        council="W06000001", type="corporate", status="closed", start="2020-01-01"
    )
    regions = [r.region for r in Challenges(councils_vault).coverage()]
    assert "Wales" not in regions
    assert sum(r.councils for r in Challenges(councils_vault).coverage()) == 6


# -- actions --------------------------------------------------------------------------------------


def test_actions_overdue_done_and_links(councils_vault: Vault) -> None:
    actions = Actions(councils_vault)
    note = Notes(councils_vault).add(council=BHAM, date="2024-05-01", title="t")
    challenge = Challenges(councils_vault).add(council=BHAM, type="corporate", status="proposed")
    late = actions.add(
        title="Late", due=date(2024, 4, 1), council="birmingham", note_id=note.id[:8]
    )
    due_today = actions.add(title="Today", due=date(2024, 5, 1), engagement_id=challenge.id[:8])
    later = actions.add(title="Later", due=date(2024, 6, 1))
    assert late.note_id == note.id and late.council == BHAM
    assert due_today.engagement_id == challenge.id
    today = date(2024, 5, 1)
    assert [a.id for a in actions.list("overdue", today=today)] == [late.id]
    assert [a.id for a in actions.list("overdue", today=date(2024, 7, 1))] == [
        late.id,
        due_today.id,
        later.id,
    ]
    done = actions.done(late.id[:8], on=date(2024, 5, 2))
    assert (done.status, done.done_on) == (ActionStatus.DONE, date(2024, 5, 2))
    assert actions.list("overdue", today=today) == []
    assert [a.id for a in actions.list("done")] == [late.id]
    assert [a.id for a in actions.list("open")] == [due_today.id, later.id]
    assert [a.id for a in actions.list(council=BHAM)] == [late.id]
    with pytest.raises(NotFound, match="no note"):
        actions.add(title="x", note_id="ffffffff")
    with pytest.raises(NotFound, match="no engagement"):
        actions.add(title="x", engagement_id="ffffffff")
    with pytest.raises(ValueError):
        actions.list("late")


# -- search ---------------------------------------------------------------------------------------


def test_search_ranks_and_keeps_up_with_edits(councils_vault: Vault) -> None:
    notes = Notes(councils_vault)
    search = Search(councils_vault)
    note = notes.add(
        council=COV, date="2024-05-01", title="Culture", body="A zygomorphic organisation."
    )
    Contacts(councils_vault).add(name="Birgit Birch", council=COV)
    assert [(h.kind, h.id) for h in search.search("zygomorphic")] == [("note", note.id)]
    notes.edit(note.id, body="A symmetrical organisation.")
    assert search.search("zygomorphic") == []
    assert [h.id for h in search.search("symmetrical")] == [note.id]
    hits = search.search("bir")
    assert (hits[0].kind, hits[0].council) == ("council", BHAM)
    assert {h.kind for h in hits} == {"council", "contact"}
    assert search.search("bir", kinds=("contact",))[0].title == "Birgit Birch"
    assert len(search.search("council", limit=2)) == 2
    assert search.search("") == []
    assert search.search('"') == []


def test_search_finds_themes_evidence_and_alternative_names(councils_vault: Vault) -> None:
    note = Notes(councils_vault).add(
        council=BHAM,
        date="2024-05-01",
        title="Inspection",
        themes=["Children's Services"],
        concern="high",
        evidence=["Ofsted judgement, March 2024"],
    )
    council = Councils(councils_vault).get(STAFFS)
    councils_vault.save(council.evolve(alt_names=["Staffs", "Swydd Stafford"]))
    assert [h.id for h in Search(councils_vault).search("ofsted")] == [note.id]
    assert [h.id for h in Search(councils_vault).search("children's services")] == [note.id]
    assert [h.council for h in Search(councils_vault).search("staffs")] == [STAFFS]


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    query=st.text(
        alphabet=st.sampled_from("ab \"*():^-+NEARORAND{}[],.'\\/\u00e9\u0175_"), max_size=20
    )
    | st.text(max_size=20)
)
def test_search_never_errors_on_what_a_user_types(councils_vault: Vault, query: str) -> None:
    hits = Search(councils_vault).search(query)
    assert isinstance(hits, list)


# -- passphrase -----------------------------------------------------------------------------------


def test_change_passphrase_rewraps_the_same_key(vault: Vault, vault_path: Path) -> None:
    note = vault.save(Note.build(council=BHAM, date="2024-05-01", title="kept"))
    vault.close()
    change_passphrase(vault_path, PASSPHRASE, "a quite different passphrase")
    with pytest.raises(WrongPassphrase):
        unlock(vault_path, PASSPHRASE)
    with unlock(vault_path, "a quite different passphrase") as reopened:
        assert reopened.get(Note, note.id) == note
        assert AuditLog(reopened).entries()[-1].action == "passphrase-changed"
        assert AuditLog(reopened).verify() is None
    with pytest.raises(WrongPassphrase):
        change_passphrase(vault_path, PASSPHRASE, "yet another passphrase")
