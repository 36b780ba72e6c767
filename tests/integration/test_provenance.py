"""Issue 8 items 1, 2, 3 and 5 through the services: evidence and drafts, council aware,
review and disposal, the person export, and offline expiry with an injected clock."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from sli_desktop.briefing import BriefingOptions, brief_council, brief_region
from sli_desktop.domain import (
    Challenge,
    ConcernLevel,
    Marking,
    Note,
    NoteSource,
    PeerRole,
    Region,
    ValidationError,
)
from sli_desktop.domain.records import STORED
from sli_desktop.vault import codec
from sli_desktop.vault.actions import Actions
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.briefings import BriefingSources
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.expiry import OfflineExpired, check_offline, offline_status
from sli_desktop.vault.notes import SCRUBBED_TITLE, Notes
from sli_desktop.vault.overview import overview
from sli_desktop.vault.person import find_person
from sli_desktop.vault.preferences import Preferences, add_months
from sli_desktop.vault.store import Vault
from sli_desktop.vault.syncstate import SyncState

BHAM, COV, WESTMINSTER = "E08000025", "E08000026", "E09000033"
SECRET = "Quokka-sentinel: the finance director is leaving"


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


# -- 1. evidence, provenance and drafts -------------------------------------------------------
def test_every_source_type_is_offered_and_recorded(councils_vault: Vault) -> None:
    assert [s.value for s in NoteSource] == [
        "meeting",
        "peer challenge",
        "published data",
        "government department",
        "inspectorate",
        "media",
        "other",
    ]
    note = Notes(councils_vault).add(
        council=BHAM, date="2026-03-02", title="Ofsted letter", source="inspectorate"
    )
    stored = councils_vault.get(Note, note.id)
    assert stored is not None and stored.source is NoteSource.INSPECTORATE
    assert stored.date == date(2026, 3, 2)


@pytest.mark.parametrize("level", ["medium", "high", "serious"])
def test_a_medium_or_higher_concern_needs_evidence_or_is_saved_as_a_draft(
    councils_vault: Vault, level: str
) -> None:
    notes = Notes(councils_vault)
    with pytest.raises(ValidationError) as caught:
        notes.add(council=BHAM, date="2026-03-02", title="Gap", concern=level)
    assert caught.value.field == "evidence" and "draft" in str(caught.value)
    assert notes.count() == 0  # nothing half-written

    draft = notes.add(council=BHAM, date="2026-03-02", title="Gap", concern=level, draft=True)
    assert draft.draft and draft.missing == [f"evidence for a {level} concern"]
    assert [n.id for n in notes.drafts()] == [draft.id]
    # Low concern needs none.
    assert not notes.add(council=BHAM, date="2026-03-02", title="Low", concern="low").draft


def test_completing_a_draft_takes_it_off_the_drafts_list(councils_vault: Vault) -> None:
    notes = Notes(councils_vault)
    draft = notes.add(council=BHAM, date="2026-03-02", title="Gap", concern="high", draft=True)
    still = notes.edit(draft.id, body="More detail")  # still missing its evidence
    assert still.draft
    done = notes.edit(draft.id, evidence=["Q2 budget monitoring report"])
    assert not done.draft and notes.drafts() == []
    # A complete note cannot silently lose its evidence; it can be re-drafted on purpose.
    with pytest.raises(ValidationError):
        notes.edit(draft.id, evidence=[])
    assert notes.edit(draft.id, evidence=[], draft=True).draft


def test_stored_notes_that_break_the_newer_rule_still_load(councils_vault: Vault) -> None:
    """A medium concern without evidence saved before the rule (or by an older client)."""
    older = {
        "id": "0b0e3c1e-93a7-4b5e-9d0e-4c8f6a7d1a11",
        "council": BHAM,
        "date": "2024-05-01",
        "title": "Old medium concern",
        "concern": "medium",
        "version": 1,
    }
    note = codec.from_payload(Note, older)  # an old sync payload: no draft or review_by
    assert note.concern is ConcernLevel.MEDIUM and not note.draft and note.review_by is None
    councils_vault.apply_remote([note])
    loaded = Notes(councils_vault).get(note.id)
    assert loaded.evidence == [] and loaded.missing  # loads; the rule guards new writes only
    assert Note.model_validate(older, context=STORED).title == "Old medium concern"


def test_drafts_are_never_briefed(councils_vault: Vault) -> None:
    notes = Notes(councils_vault)
    notes.add(council=BHAM, date=date.today(), title="Shared note", concern="low")
    draft = notes.add(council=BHAM, date=date.today(), title=SECRET, concern="serious", draft=True)
    assert [n.title for n in BriefingSources(councils_vault).notes([BHAM])] == ["Shared note"]
    assert draft.id in BriefingSources(councils_vault).hidden_note_ids([BHAM], None)
    briefing = brief_council(
        councils_vault, BHAM, BriefingOptions(prepared_by="Adviser", recipient="Chair")
    )
    text = _pdf_text(briefing.pdf)
    assert "Shared note" in text and "Quokka" not in text
    briefed = [e for e in AuditLog(councils_vault).for_record(draft.id) if e.action == "brief"]
    assert briefed == []


# -- 2. council aware -------------------------------------------------------------------------
def test_council_aware_shows_per_note_and_a_serious_unaware_concern_asks_for_contact(
    councils_vault: Vault,
) -> None:
    notes = Notes(councils_vault)
    today = date.today()
    told = notes.add(
        council=BHAM,
        date=today - timedelta(days=5),
        title="Told about the gap",
        concern="high",
        evidence=["Budget report"],
        council_aware=True,
        council_aware_on=today - timedelta(days=4),
    )
    unaware = notes.add(
        council=BHAM,
        date=today - timedelta(days=2),
        title="Children's placements crisis",
        concern="serious",
        evidence=["Ofsted monitoring letter"],
    )
    notes.add(
        council=COV,
        date=today,
        title="Coventry aware serious",
        concern="serious",
        evidence=["Auditor"],
        council_aware=True,
    )
    info = overview(councils_vault, BHAM, today)
    assert [n.id for n in info.serious_unaware] == [unaware.id]
    assert overview(councils_vault, COV, today).serious_unaware == []

    council_pdf = _pdf_text(
        brief_council(
            councils_vault, BHAM, BriefingOptions(prepared_by="Adviser", recipient="Chair")
        ).pdf
    )
    assert f"Council aware: yes, on {told.council_aware_on:%-d %b %Y}" in council_pdf
    assert "Council aware: no" in council_pdf
    assert "Contact the leader or chief executive" in council_pdf

    region = brief_region(
        councils_vault,
        Region.WEST_MIDLANDS,
        BriefingOptions(prepared_by="Adviser", recipient="Regional meeting"),
    )
    text = _pdf_text(region.pdf)
    assert "Actions for the principal adviser" in text
    start = text.index("Actions for the principal adviser")
    section = text[start : start + 600]
    assert "Children's placements crisis" in section and "Birmingham" in section
    assert "Coventry aware serious" not in section
    # The note the action names is recorded as part of the briefing.
    brief = next(e for e in AuditLog(councils_vault).entries() if e.kind == "briefing")
    assert [unaware.id, unaware.version] in brief.to_json()["detail"]["records"]["note"]

    # Once the council is told, the action goes.
    notes.edit(unaware.id, council_aware=True, council_aware_on=today)
    assert overview(councils_vault, BHAM, today).serious_unaware == []


# -- 3. review, retention and disposal --------------------------------------------------------
def test_review_by_defaults_per_marking_and_follows_settings(councils_vault: Vault) -> None:
    notes = Notes(councils_vault)
    prefs = Preferences(councils_vault)
    assert prefs.retention_months(Marking.OFFICIAL) == 24
    assert prefs.retention_months(Marking.OFFICIAL_SENSITIVE) == 12
    official = notes.add(council=BHAM, date="2026-01-31", title="Official")
    sensitive = notes.add(
        council=BHAM, date="2026-01-31", title="Sensitive", marking="OFFICIAL-SENSITIVE"
    )
    assert official.review_by == date(2028, 1, 31)
    assert sensitive.review_by == date(2027, 1, 31)
    given = notes.add(council=BHAM, date="2026-01-31", title="Given", review_by="2026-06-30")
    assert given.review_by == date(2026, 6, 30)

    prefs.set_retention_months("OFFICIAL-SENSITIVE", 1)
    assert notes.add(
        council=BHAM, date="2026-01-31", title="Short", marking="OFFICIAL-SENSITIVE"
    ).review_by == date(2026, 2, 28)
    with pytest.raises(ValueError):
        prefs.set_retention_months("OFFICIAL", 0)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_notes_due_for_review_include_older_notes_without_a_date(councils_vault: Vault) -> None:
    notes = Notes(councils_vault)
    early = notes.add(council=BHAM, date="2026-01-10", title="Early", review_by="2026-02-01")
    notes.add(council=BHAM, date="2026-01-10", title="Later", review_by="2026-09-01")
    legacy = codec.from_payload(
        Note,
        {
            "id": "5f1d7c55-1f1a-4c43-8d1b-5b8f5f0e2a22",
            "council": BHAM,
            "date": "2024-01-15",
            "title": "Legacy sensitive",
            "marking": "OFFICIAL-SENSITIVE",
        },
    )
    councils_vault.apply_remote([legacy])
    due = notes.due_for_review(date(2026, 3, 1))
    assert [n.id for n in due] == [legacy.id, early.id]  # 2025-01-15, then 2026-02-01
    assert notes.review_date(due[0]) == date(2025, 1, 15)
    assert notes.due_for_review(date(2025, 1, 14)) == []


def test_disposal_scrubs_the_note_and_audits_it_without_its_text(councils_vault: Vault) -> None:
    notes = Notes(councils_vault)
    note = notes.add(
        council=BHAM,
        date="2024-01-10",
        title=SECRET,
        body=f"{SECRET} — body",
        themes=["finance"],
        concern="medium",
        evidence=[f"{SECRET} evidence"],
    )
    notes.edit(note.id, body=f"{SECRET} edited")  # an unsent edit waits in the outbox
    disposed = notes.dispose(note.id, today=date(2026, 3, 1))
    assert disposed.deleted and disposed.disposed_on == date(2026, 3, 1)
    row = councils_vault.get(Note, note.id)
    assert row is not None and row.title == SCRUBBED_TITLE
    assert row.body == "" and row.evidence == [] and row.themes == []
    # Nothing readable anywhere in the vault's tables: rows, outbox, audit, search index.
    for table in ("notes", "outbox", "audit", "sync_conflicts"):
        dump = json.dumps(councils_vault.query(f"SELECT * FROM {table}"))
        assert "Quokka" not in dump, table
    assert councils_vault.query("SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'quokka'") == []
    # Nor in the index's own storage (old segments keep a deleted row's words until merged),
    # nor in the write-ahead log, which is folded into the file; freed pages are zeroed.
    blocks = [bytes(b) for (b,) in councils_vault.query("SELECT block FROM notes_fts_data") if b]
    assert blocks and not [b for b in blocks if b"quokka" in b or b"finance director" in b]
    wal = councils_vault.path.with_name(councils_vault.path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert councils_vault.scalar("PRAGMA secure_delete") == 1
    outbox = SyncState(councils_vault).outbox()
    assert [r.payload["disposed_on"] for r in outbox if r.record_id == note.id] == ["2026-03-01"]
    entry = [e for e in AuditLog(councils_vault).for_record(note.id) if e.action == "dispose"]
    assert len(entry) == 1 and entry[0].to_json()["detail"]["council"] == BHAM
    assert AuditLog(councils_vault).verify() is None
    with pytest.raises(Exception, match="no note"):
        notes.get(note.id)


def test_deleting_a_draft_leaves_no_text_in_its_tombstone(councils_vault: Vault) -> None:
    notes = Notes(councils_vault)
    draft = notes.add(council=BHAM, date="2026-01-10", title=SECRET, concern="high", draft=True)
    notes.delete(draft.id)
    assert "Quokka" not in json.dumps(councils_vault.query("SELECT payload FROM outbox"))
    assert "Quokka" not in json.dumps(councils_vault.query("SELECT title, body FROM notes"))


# -- 3. lawful basis and the person export ---------------------------------------------------
def test_everything_held_about_one_person(councils_vault: Vault) -> None:
    contacts, notes = Contacts(councils_vault), Notes(councils_vault)
    cotton = contacts.add(council=BHAM, name="Cllr John Cotton", role="Leader")
    contacts.add(council=BHAM, name="Joanna Cottonwood", role="Director")
    cotton = councils_vault.save(cotton.evolve(lawful_basis="legitimate interests"))
    mention = notes.add(
        council=BHAM,
        date="2026-02-01",
        title="Leader's priorities",
        body="John Cotton wants peer support on finance.",
    )
    notes.add(council=BHAM, date="2026-02-02", title="Unrelated", body="Cotton prices rose.")
    action = Actions(councils_vault).add(
        title="Send the peer offer", owner="John Cotton", council=BHAM
    )
    Actions(councils_vault).add(title="Someone else's", owner="Amy", council=BHAM)
    engagement = councils_vault.save(
        Challenge.build(
            council=COV,
            type="corporate",
            team=[{"name": "John Cotton", "role": PeerRole.LEAD_MEMBER_PEER.value}],
        )
    )
    found = find_person(councils_vault, "john  COTTON")
    assert [c.id for c in found.contacts] == [cotton.id]
    assert found.contacts[0].lawful_basis.value == "legitimate interests"
    assert [n.id for n in found.notes] == [mention.id]
    practice = notes.add(
        council=BHAM,
        date="2026-02-03",
        title="Member development",
        themes=["leadership"],
        note_type="good practice",
        contact="John Cotton, leader",
    )
    found = find_person(councils_vault, "john  COTTON")
    assert [n.id for n in found.notes] == [mention.id, practice.id]
    assert [a.id for a in found.actions] == [action.id]
    assert [(e.id, roles) for e, roles in found.engagements] == [
        (engagement.id, ["lead member peer"])
    ]
    assert {e["action"] for e in found.audit} >= {"create", "edit"}
    assert all(e["record_id"] == cotton.id for e in found.audit)
    document = found.to_json("2026-03-01T00:00:00+00:00")
    assert document["format"] == "sli-person-export/1" and document["person"] == "john COTTON"
    assert find_person(councils_vault, "Nobody Here").empty


# -- 5. offline expiry ------------------------------------------------------------------------
def test_offline_expiry_with_an_injected_clock(vault: Vault) -> None:
    # Standalone (never enrolled): never expires.
    far = datetime(2030, 1, 1, tzinfo=UTC)
    assert not offline_status(vault, far).enrolled and not offline_status(vault, far).expired
    check_offline(vault, far)

    state = SyncState(vault)
    state.put("server", "https://sync.example")
    synced = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    vault.set_meta("last_synced", synced.isoformat())
    status = offline_status(vault, synced + timedelta(days=29, hours=23))
    assert status.max_days == 30 and not status.expired and status.days_left == 0
    with pytest.raises(OfflineExpired, match="more than 30 days"):
        check_offline(vault, synced + timedelta(days=30))

    state.put("max_offline_days", "7")  # what the server said at the last sync
    assert offline_status(vault, synced + timedelta(days=7)).expired
    assert not offline_status(vault, synced + timedelta(days=6)).expired
    state.put("max_offline_days", "0")  # the operator turned the limit off
    assert not offline_status(vault, far).expired


def test_enrolled_but_never_synced_counts_from_enrolment(vault: Vault) -> None:
    SyncState(vault).put("server", "https://sync.example")
    vault.audit("sync-enrolled", detail={"server": "https://sync.example", "user": "amy"})
    enrolled_at = offline_status(vault).since
    assert enrolled_at is not None
    assert offline_status(vault, enrolled_at + timedelta(days=31)).expired


def test_a_vault_of_the_previous_schema_gains_drafts_and_review_dates(tmp_path) -> None:
    """The committed v2 fixture upgrades: its notes load as complete, undated for review
    (the default applies on read), and take part in drafts, review and disposal."""
    import shutil
    from pathlib import Path

    from sli_desktop.vault.session import unlock

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "vaults" / "v2"
    manifest = json.loads((fixture / "manifest.json").read_text())
    target = tmp_path / "v2"
    shutil.copytree(fixture, target)
    with unlock(target / manifest["vault"], manifest["passphrase"]) as vault:
        columns = {r[1] for r in vault.query("PRAGMA table_info(notes)")}
        assert {"draft", "review_by", "disposed_on"} <= columns
        notes = Notes(vault)
        old = notes.list()
        assert old and all(not n.draft and n.review_by is None for n in old)
        assert notes.drafts() == []
        months = {n.id: Preferences(vault).retention_months(n.marking) for n in old}
        for n in old:
            assert notes.review_date(n) == add_months(n.date, months[n.id])
        far = max(notes.review_date(n) for n in old)
        assert {n.id for n in notes.due_for_review(far)} == {n.id for n in old}
        gone = notes.dispose(old[0].id)
        assert gone.deleted and gone.title == SCRUBBED_TITLE
        assert AuditLog(vault).verify() is None


def test_disposing_of_good_practice_empties_its_outcome_and_contact_too(
    councils_vault: Vault,
) -> None:
    notes = Notes(councils_vault)
    shared = notes.add(
        council=BHAM,
        date="2024-01-10",
        title="Reablement redesign",
        themes=["adult social care"],
        note_type="good practice",
        outcome=f"{SECRET}: waiting list halved",
        contact="Quokka Person, director",
    )
    gone = notes.dispose(shared.id)
    assert gone.outcome == "" and gone.contact == "" and gone.themes == []
    dump = json.dumps(councils_vault.query("SELECT * FROM notes")) + json.dumps(
        councils_vault.query("SELECT payload FROM outbox")
    )
    assert "Quokka" not in dump


@pytest.mark.parametrize("months", [1, 13, 24])
def test_the_review_date_in_sql_matches_the_one_shown(councils_vault: Vault, months: int) -> None:
    """Month ends and leap days: the list of notes due agrees with the date each one shows."""
    Preferences(councils_vault).set_retention_months("OFFICIAL", months)
    days = ["2024-01-31", "2024-02-29", "2023-03-31", "2023-12-31", "2024-08-30", "2024-05-01"]
    stored = []
    for i, day in enumerate(days):
        legacy = codec.from_payload(
            Note,
            {"id": f"00000000-0000-4000-8000-{i:012d}", "council": BHAM, "date": day, "title": day},
        )
        stored.append(legacy)
    councils_vault.apply_remote(stored)
    notes = Notes(councils_vault)
    for note in stored:
        shown = notes.review_date(note)
        assert shown == add_months(note.date, months)
        assert note.id in {n.id for n in notes.due_for_review(shown)}, note.date
        assert note.id not in {n.id for n in notes.due_for_review(shown - timedelta(days=1))}
    everything = notes.due_for_review(date(2100, 1, 1))
    assert [notes.review_date(n) for n in everything] == sorted(
        notes.review_date(n) for n in stored
    )
    assert notes.count_due(date(2100, 1, 1)) == len(stored)
    assert len(notes.due_for_review(date(2100, 1, 1), limit=2)) == 2
