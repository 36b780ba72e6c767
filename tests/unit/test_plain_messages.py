"""Refusals in the form's words (issue #21 item 6): each names the field as the form labels it
and says what to do, never "title: must not be empty"."""

from __future__ import annotations

import pytest

from sli_desktop.domain.plain import plain


@pytest.mark.parametrize(
    ("kind", "label", "message", "said"),
    [
        ("note", "Title", "must not be empty", "Give the note a title."),
        ("contact", "Name", "is required", "Give the contact's name."),
        ("support_offer", "Details", "must not be empty", "Fill in “Details” for the offer."),
        ("action", "Due date", "is not a valid date (use YYYY-MM-DD)",
         "Due date: type a date such as 31/12/2026 or 2026-12-31."),
        ("note", "Concern", "must be one of 'none', 'low'", "Choose the concern from the list."),
        ("contact", "Emails", "'a@b' is not a valid email address: The part after the @-sign",
         "Emails: “a@b” is not an email address; type it as, for example, name@council.gov.uk."),
        ("engagement", "On-site start", "is required when an end date is given",
         "Fill in “On-site start”: it is needed when an end date is given."),
        ("note", "Evidence", "a high concern must cite its evidence",
         "Evidence: a high concern must cite its evidence."),
    ],
)  # fmt: skip
def test_a_refusal_says_what_to_do(kind: str, label: str, message: str, said: str) -> None:
    assert plain(kind, label, message) == said


def test_no_library_text_reaches_the_sentence() -> None:
    said = plain(
        "contact", "Emails", "'x@y' is not a valid email address: It should have a period."
    )
    assert "period" not in said and "valid" not in said
