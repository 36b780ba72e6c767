"""Good practice reaches every region through a real server on 127.0.0.1; intelligence stays
regional and private stays private. Self-assessments (with their encrypted document) and
changes of control travel like the council's other records: to its region only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from sli_desktop.domain import Assessment, ControlChange, NoteType, SupportOffer, ValidationError
from sli_desktop.server.storage import Storage, changes
from sli_desktop.vault.assessments import Assessments
from sli_desktop.vault.control import PoliticalControl
from sli_desktop.vault.goodpractice import GoodPractice
from sli_desktop.vault.syncstate import SyncState
from tests.background_server import BackgroundServer

from .support import BHAM, DURHAM, WESTMINSTER, enrolled

TODAY = dt.date(2026, 3, 1)


def test_good_practice_made_in_one_region_appears_in_another_and_intelligence_does_not(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    london = enrolled(tmp_path, storage, server, "lena", regions=("London",))
    midlands = enrolled(tmp_path, storage, server, "mo", regions=("West Midlands",))
    north = enrolled(tmp_path, storage, server, "nia", regions=("North East",))
    for device in (london, midlands, north):
        device.sync()
    good = GoodPractice(london.vault).add(
        council=WESTMINSTER,
        date=TODAY,
        title="Family hubs in every ward",
        themes=["children's social care", "early help"],
        outcome="Referrals down a fifth",
        contact="Director of Children's Services",
    )
    private_good = GoodPractice(london.vault).add(
        council=WESTMINSTER, date=TODAY, title="My own idea", themes=["early help"], private=True
    )
    intelligence = london.add_note("Children's services under strain", themes=["early help"])
    assert london.sync().pushed == 3

    midlands.sync()
    got = midlands.note(good.id)
    assert got is not None and got.note_type is NoteType.GOOD_PRACTICE
    assert got.outcome == "Referrals down a fifth" and got.themes == good.themes
    assert midlands.note(intelligence.id) is None
    assert midlands.note(private_good.id) is None
    assert [n.id for n in GoodPractice(midlands.vault).list(theme="early help")] == [good.id]

    # Birmingham's open concern about early help brings London's good practice to mind.
    midlands.add_note(
        "Early help offer thin", council=BHAM, themes=["early help"], concern="medium",
        evidence=["Ofsted focused visit letter"],
    )  # fmt: skip
    suggested = GoodPractice(midlands.vault).suggestions(BHAM, TODAY)
    assert [s.note.id for s in suggested] == [good.id]

    # An edit by its region reaches every region; a deletion too.
    GoodPractice(london.vault).edit(good.id, outcome="Referrals down a quarter")
    london.sync()
    north.sync()
    seen = north.note(good.id)
    assert seen is not None and seen.outcome == "Referrals down a quarter"
    assert north.note(intelligence.id) is None
    # Another region may read good practice but not rewrite it.
    assert seen is not None
    north.vault.save(seen.evolve(outcome="vandalised"))
    result = north.sync()
    assert result.rejected == 1
    london.sync()
    mine = london.note(good.id)
    assert mine is not None and mine.outcome == "Referrals down a quarter"
    london.vault.delete(mine)
    london.sync()
    midlands.sync()
    gone = midlands.note(good.id)
    assert gone is not None and gone.deleted


def test_only_its_author_turns_good_practice_back_and_other_regions_keep_no_text(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    london = enrolled(tmp_path, storage, server, "lena", regions=("London",))
    colleague = enrolled(tmp_path, storage, server, "lou", regions=("London",))
    midlands = enrolled(tmp_path, storage, server, "mo", regions=("West Midlands",))
    for device in (london, colleague, midlands):
        device.sync()
    good = GoodPractice(london.vault).add(
        council=WESTMINSTER, date=TODAY, title="Hub", themes=["early help"], outcome="Fewer"
    )
    london.sync()
    colleague.sync()
    midlands.sync()
    # The service says so on the device; bypassing it (an older or altered client), the
    # server refuses: not its author.
    with pytest.raises(ValidationError, match="only its author, lena"):
        GoodPractice(colleague.vault).take_back(good.id)
    seen = colleague.note(good.id)
    assert seen is not None
    colleague.vault.save(seen.evolve(note_type=NoteType.INTELLIGENCE, outcome=""))
    refused = colleague.sync()
    assert refused.rejected == 1 and "author" in refused.refusals[0].reason
    assert SyncState(colleague.vault).outbox() == []
    # Its author may: the note is intelligence again, for its region only.
    taken = GoodPractice(london.vault).take_back(good.id)
    assert taken.note_type is NoteType.INTELLIGENCE and taken.body == "Outcome: Fewer"
    assert london.sync().rejected == 0
    london.edit(good.id, concern="high", evidence=["Ofsted letter"], body="Hubs closing")
    london.sync()
    colleague.sync()
    midlands.sync()
    back = colleague.note(good.id)
    assert back is not None and back.note_type is NoteType.INTELLIGENCE and not back.deleted
    assert back.evidence == ["Ofsted letter"]
    # The other region's copy is now a blank tombstone, and nothing later reaches it.
    gone = midlands.note(good.id)
    assert gone is not None and gone.deleted
    assert gone.body == gone.outcome == "" and gone.themes == [] and "Hub" not in gone.title
    # A device enrolled later in that region receives nothing of the note's text either.
    late = enrolled(tmp_path, storage, server, "mo-laptop", regions=("West Midlands",), user="mo")
    late.sync()
    copy = late.note(good.id)
    assert copy is None or (copy.deleted and copy.body == "" and copy.outcome == "")
    with storage.engine.connect() as conn:
        flags = conn.execute(
            sa.select(changes.c.rev, changes.c.shared)
            .where(changes.c.record_id == good.id)
            .order_by(changes.c.seq)
        ).all()
    assert [tuple(f) for f in flags] == [(1, False), (2, True), (3, False), (4, False)]


def test_assessments_documents_and_control_changes_reach_the_region_only(
    tmp_path: Path, storage: Storage, server: BackgroundServer
) -> None:
    london = enrolled(tmp_path, storage, server, "lena", regions=("London",))
    colleague = enrolled(tmp_path, storage, server, "lou", regions=("London",))
    north = enrolled(tmp_path, storage, server, "nia", regions=("North East",))
    for device in (london, colleague, north):
        device.sync()
    source = tmp_path / "westminster local account.pdf"
    source.write_bytes(b"%PDF-1.4 " + b"local account " * 2000)
    made = Assessments(london.vault).record(
        WESTMINSTER, "local account", date=dt.date(2025, 10, 1), summary="Good", document=source
    )
    control = PoliticalControl(london.vault).record(
        WESTMINSTER, dt.date(2022, 5, 6), "Labour", from_control="Conservative"
    )
    PoliticalControl(london.vault).use_days(control.offer.id, 2)
    london.sync()
    colleague.sync()
    north.sync()
    arrived = colleague.vault.get(Assessment, made.id)
    assert arrived is not None and arrived.summary == "Good"
    document, content = Assessments(colleague.vault).content(made.id)
    assert content == source.read_bytes() and document.filename == source.name
    offer = colleague.vault.get(SupportOffer, control.offer.id)
    assert offer is not None and offer.days_used == 2
    assert colleague.vault.get(ControlChange, control.change.id) is not None
    assert north.vault.get(Assessment, made.id) is None
    assert north.vault.get(ControlChange, control.change.id) is None
    # Recording the same change on the colleague's device makes no second offer.
    again = PoliticalControl(colleague.vault).record(WESTMINSTER, dt.date(2022, 5, 6), "Labour")
    assert not again.offer_made and again.offer.days_used == 2
    colleague.sync()
    london.sync()
    assert len(PoliticalControl(london.vault).member_support(WESTMINSTER)) == 1
    assert DURHAM  # the north's council saw nothing of London's


def test_an_older_server_database_gains_the_shared_column(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    first = Storage(url)
    with first.engine.begin() as conn:
        for table in ("changes", "records", "conflicts"):
            conn.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN shared"))
        conn.execute(
            sa.text(
                "INSERT INTO changes(item, kind, record_id, rev, region, private, owner) "
                "VALUES ('record', 'note', 'x', 1, 'London', 0, 'lena')"
            )
        )
    first.close()
    again = Storage(url)
    with again.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT shared FROM changes")).scalars().all() == [False]
    again.close()
