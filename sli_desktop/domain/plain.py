"""The domain's refusals said as a person fixes them, in the form's own words.

A record refuses a value with a short, field-named message ("title: must not be empty") that
the command line prints as it is. A form knows what its field is called ("Title") and what it
is a form for (a note): ``plain`` turns the refusal into one sentence that names the field as
the form labels it and says what to do ("Give the note a title."). What the domain says that
this module does not know keeps its field label in front ("Title: …").
"""

from __future__ import annotations

import re

#: record kind -> how a sentence names one ("the note")
NOUNS = {
    "note": "note",
    "contact": "contact",
    "action": "action",
    "engagement": "peer challenge",
    "council": "council",
    "coverage": "cover",
    "assessment": "self-assessment",
    "support_offer": "offer",
    "control_change": "change of control",
    "improvement_board": "Improvement Board",
    "peer": "peer",
}

#: (record kind, field label in lower case) -> the sentence for an empty required field
EMPTY = {
    ("note", "title"): "Give the note a title.",
    ("note", "council"): "Choose the council the note is about.",
    ("contact", "name"): "Give the contact's name.",
    ("action", "action"): "Say what the action is.",
    ("action", "title"): "Say what the action is.",
    ("engagement", "council"): "Choose the council the peer challenge is for.",
    ("peer", "peer name"): "Type the peer's name, then press Add.",
}

_DATE = "is not a valid date"
_EMPTY = ("must not be empty", "is required")
_QUOTED = re.compile(r"^'(?P<value>.*)' is not a (valid )?(?P<what>phone number|email address)")


def plain(kind: str, label: str, message: str) -> str:
    """One sentence for the refusal ``message`` of the field labelled ``label`` in a form for
    a record of ``kind``."""
    noun = NOUNS.get(kind, "record")
    lower = label[:1].lower() + label[1:]
    if message in _EMPTY:
        return EMPTY.get((kind, label.lower()), f"Fill in “{label}” for the {noun}.")
    if message.startswith("is required when "):
        return f"Fill in “{label}”: it is needed when {message.removeprefix('is required when ')}."
    if message.startswith(_DATE):
        return f"{label}: type a date such as 31/12/2026 or 2026-12-31."
    if message.startswith("must be one of"):
        return f"Choose the {lower} from the list."
    if message.startswith("must be a GSS code"):
        return f"{label}: choose a council from the list, or type its GSS code (E08000025)."
    if message in ("must be a whole number", "must be a number"):
        return f"Type the {lower} as a number, for example 12."
    found = _QUOTED.match(message)
    if found:
        value, what = found["value"], found["what"]
        example = (
            "0121 303 1111 or +44 121 303 1111" if what == "phone number" else "name@council.gov.uk"
        )
        article = "an" if what[0] in "aeiou" else "a"
        return f"{label}: “{value}” is not {article} {what}; type it as, for example, {example}."
    text = message if message.startswith(label) else f"{label}: {message}"
    return text if text.endswith((".", "?", "!")) else text + "."
