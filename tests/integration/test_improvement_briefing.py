"""The council briefing shows the latest self-assessment and local account, and good practice
with its outcome and contact, read back from the real PDF."""

from __future__ import annotations

import datetime as dt

from sli_desktop.briefing import brief_council
from sli_desktop.vault.assessments import Assessments
from sli_desktop.vault.goodpractice import GoodPractice
from sli_desktop.vault.store import Vault
from tests.integration.test_briefings import BHAM, COV, options, pages_text


def test_council_briefing_shows_the_latest_assessment_of_each_kind(councils_vault: Vault) -> None:
    service = Assessments(councils_vault)
    service.record(
        BHAM, "self-assessment", date=dt.date(2023, 6, 1), summary="Old summary, superseded."
    )
    service.record(
        BHAM,
        "self-assessment",
        date=dt.date(2025, 6, 1),
        summary="Placement sufficiency is the weakest area.",
        link="https://www.birmingham.gov.uk/sa",
    )
    service.record(
        BHAM, "local account", date=dt.date(2025, 11, 1), summary="Carers' support improving."
    )
    service.record(COV, "local account", date=dt.date(2025, 11, 1), summary="Coventry's own.")
    text = "\n".join(pages_text(brief_council(councils_vault, BHAM, options()).pdf))
    flat = " ".join(text.split())
    assert "Self-assessment and local account" in flat
    assert "Placement sufficiency is the weakest area." in flat
    assert "Carers' support improving." in flat
    assert "2025/26, 1 Jun 2025" in flat  # the year it covers, and its date
    assert "https://www.birmingham.gov.uk/sa" in "".join(text.split())  # may wrap mid-address
    assert "Old summary" not in flat and "Coventry's own" not in flat


def test_good_practice_in_a_briefing_carries_its_outcome_and_contact(
    councils_vault: Vault,
) -> None:
    GoodPractice(councils_vault).add(
        council=BHAM,
        date=dt.date.today(),
        title="Edge-of-care hub",
        themes=["children's social care"],
        outcome="Entries to care down by a fifth",
        contact="Jo Smith, DCS",
    )
    flat = " ".join(
        "\n".join(pages_text(brief_council(councils_vault, BHAM, options()).pdf)).split()
    )
    assert "Edge-of-care hub" in flat and "Good practice" in flat
    assert "Entries to care down by a fifth" in flat and "Jo Smith, DCS" in flat
    assert "No self-assessment or local account recorded." in flat
