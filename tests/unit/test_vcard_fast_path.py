"""The vCard fast path (importers/contacts.simple_card) gives what vobject gives, or steps aside.

For every generated card the fast path either declines (None: vobject reads it) or yields a card
from which the importer builds exactly the contact (or exactly the error) it builds from
vobject's reading; and it never accepts a card vobject refuses."""

from __future__ import annotations

from typing import Any

import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sli_desktop.domain import Contact
from sli_desktop.importers.contacts import _from_card, contacts_vcf, simple_card


def _outcome(card: Any) -> tuple[str, Any]:
    try:
        row = _from_card(card)
    except ValueError as exc:
        return ("error", str(exc))
    data = row.contact.model_dump(mode="json", exclude={"id", "created_at", "updated_at"})
    return ("contact", (data, row.council))


def agree(block: str) -> bool:
    """True if the fast path read the card (and agreed with vobject); False if it declined."""
    fast = simple_card(block)
    if fast is None:
        return False
    slow = vobject.readOne(block, validate=False)  # must not raise: the fast path accepted it
    assert _outcome(fast) == _outcome(slow), block
    return True


SAMPLE = [
    # Outlook / Google / Apple shapes, 3.0 and 4.0
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Smith;Ann;;;\r\nFN:Ann Smith\r\nORG:Benchtown District "
    "Council;Finance\r\nTITLE:Section 151 Officer\r\nEMAIL;TYPE=INTERNET,WORK:ann@example.org\r\n"
    "TEL;TYPE=WORK,VOICE:0121 303 0001\r\nTEL;TYPE=CELL:07911 123456\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bob Jones\r\nN:Jones;Bob;;Dr;\r\n"
    "TEL;VALUE=uri;TYPE=cell:tel:+44-7911-000000\r\nEMAIL;PREF=1:bob@example.org\r\n"
    "X-SLI-COUNCIL:E07000001\r\nEND:VCARD\r\n",
    # commas: vobject keeps the first value of a text property
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Chloé Brontë, MBE\r\nN:Brontë,Smith;Chloé,Anne;;;\r\n"
    "ORG:Benchtown, the Council;Policy, Research\r\nTITLE:Head of Finance, Policy\r\n"
    "END:VCARD\r\n",
    # folded lines (space and tab), lower-case names and parameters, extra properties
    "BEGIN:VCARD\r\nversion:3.0\r\nfn:Dev\r\n  Patel\r\nnote:a long\r\n\tnote\r\n"
    "url:https://example.org\r\nemail;type=internet:dev@\r\n example.org\r\nEND:VCARD\r\n",
    # no FN: the name comes from N; empty fields; a trailing separator
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:O'Brien;Femi;;;\r\nEMAIL:\r\nTEL:\r\nORG:;\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nEND:VCARD\r\n",  # no name at all: an error
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Eve\r\nEMAIL:not-an-email\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Eve\r\nTEL:12\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Eve\r\nX-SLI-COUNCIL:Westminster\r\nEND:VCARD\r\n",
    # backslash escapes, in text and in structured values
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Escaped\\, Name\\; two\\nlines\r\n"
    "N:Smith\\, Jr;Ann\\;Marie;;;\r\nORG:Benchtown\\, Council\\;x;Dept\\\\y\r\nEND:VCARD\r\n",
]
DECLINED = [
    "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Old Format\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nVERSION:3.0\r\nitem1.EMAIL:grouped@example.org\r\nFN:G\r\nEND:VCARD\r\n",
    'BEGIN:VCARD\r\nVERSION:3.0\r\nFN;X-Q="a:b":Quoted\r\nEND:VCARD\r\n',
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:P\r\nPHOTO;ENCODING=b:AAAA\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN;CHARSET=UTF-8:C\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No colon next\r\nGARBAGE\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nFN:No version\r\nEND:VCARD\r\n",
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Blank\r\n\r\nEND:VCARD\r\n",
]


def test_the_common_shapes_take_the_fast_path_and_agree() -> None:
    assert all(agree(block) for block in SAMPLE)


def test_unusual_shapes_are_left_to_vobject() -> None:
    assert not any(simple_card(block) for block in DECLINED)


def test_the_app_s_own_export_takes_the_fast_path() -> None:
    contacts = [
        Contact.build(
            name=f"Person {i} Brontë",
            role="Officer",
            organisation="Benchtown, District Council",
            emails=[f"p{i}@example.org"],
            phones=["0121 303 0001", "07911 123456"],
        )
        for i in range(5)
    ]
    cards = contacts_vcf(contacts).split("END:VCARD\r\n")
    for card in cards[:-1]:
        assert agree(card + "END:VCARD\r\n")


_TEXT = st.lists(
    st.sampled_from([*"abcXYZ éëñ'-.@+0123456789,;:", "\\", "\t", '"', "\\,", "\\n", "\\;"]),
    max_size=24,
).map("".join)
_NAMES = st.sampled_from(
    ["FN", "fn", "N", "n", "ORG", "TITLE", "ROLE", "EMAIL", "TEL", "X-SLI-COUNCIL", "NOTE", "URL"]
)
_PARAMS = st.lists(
    st.sampled_from(
        [";TYPE=WORK", ";type=cell,voice", ";PREF=1", ";VALUE=uri", ";INTERNET", ";X-A=b c"]
    ),
    max_size=2,
).map("".join)


@st.composite
def cards(draw: st.DrawFn) -> str:
    lines = ["BEGIN:VCARD"]
    lines.append(draw(st.sampled_from(["VERSION:3.0", "VERSION:4.0", "version:3.0", "FN:x"])))
    for _ in range(draw(st.integers(0, 7))):
        name, params, value = draw(_NAMES), draw(_PARAMS), draw(_TEXT)
        if name.upper() == "TEL" and draw(st.booleans()):
            value = "tel:+44 7911 " + draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
        if name.upper() == "EMAIL" and draw(st.booleans()):
            value = draw(st.from_regex(r"[a-z]{1,8}@example\.org", fullmatch=True))
        line = f"{name}{params}:{value}"
        cut = draw(st.integers(0, len(line)))
        if 0 < cut < len(line) and draw(st.booleans()):  # fold it
            line = line[:cut] + "\r\n" + draw(st.sampled_from([" ", "\t"])) + line[cut:]
        lines.append(line)
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cards())
def test_random_cards_agree_with_vobject_or_are_declined(block: str) -> None:
    agree(block)
