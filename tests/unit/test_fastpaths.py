"""The phone and email shortcuts (domain/fastpaths) give exactly the libraries' answers.

Each test sets ``normalise_phone`` / ``normalise_email`` (shortcut first) against the libraries
called the way they were before the shortcut existed: same normalised form, or the same refusal
with the same message. And whenever a shortcut answers at all, the library must say "valid" with
that same form. Inputs are generated in the common shapes and in the tricky ones next to them
(Channel Islands and Isle of Man ranges, the "180020" prefix, leading zeros, special-use domains,
Punycode, upper case, lengths at the limits), plus free text, so a library upgrade that moves an
answer fails here."""

from __future__ import annotations

import email_validator
import phonenumbers
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sli_desktop.domain import fastpaths
from sli_desktop.domain.fastpaths import quick_email, quick_phone
from sli_desktop.domain.fields import normalise_email, normalise_phone


def library_phone(value: str, region: str = "GB") -> str:
    """What normalise_phone gave before the shortcut: E.164, or the refusal."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return f"error: {value!r} is not a phone number"
    if not phonenumbers.is_valid_number(number):
        return f"error: {value!r} is not a valid phone number"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def library_email(value: str) -> str:
    try:
        info = email_validator.validate_email(value, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        return f"error: {value!r} is not a valid email address: {exc}"
    return info.normalized


def ours(check: object, value: str) -> str:
    try:
        return check(value)  # type: ignore[operator, no-any-return]
    except ValueError as exc:
        return f"error: {exc}"


def same_phone(value: str) -> None:
    expected = library_phone(value)
    quick = quick_phone(value, "GB")
    if quick is not None:
        assert quick == expected, value
    assert ours(normalise_phone, value) == expected, value


def same_email(value: str) -> None:
    expected = library_email(value)
    quick = quick_email(value)
    if quick is not None:
        assert quick == expected, value
    assert ours(normalise_email, value) == expected, value


# -- phones ----------------------------------------------------------------------------------

#: Leading digits of GB ranges, and of the ranges around them that trip simple rules: Isle of Man
#: (1624, 7524, 7624, 7924), Jersey (1534, 7509, 7700, 7797, 7829, 7937), Guernsey (1481, 7781,
#: 7839, 7911), non-geographic, freephone, premium, personal, pagers, UAN, short and odd lengths.
RANGES = [
    *"123456789",
    *("11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "23", "24", "28", "29"),
    *("113", "114", "115", "116", "117", "118", "121", "131", "141", "151", "161", "191"),
    *("1481", "1534", "1624", "16977", "17687", "1387", "13873", "1900", "1800", "180020"),
    *("3", "30", "33", "34", "37", "5", "55", "56", "500", "7", "70", "71", "74", "75", "76"),
    *("7400", "7509", "7524", "7624", "7700", "7781", "7797", "7829", "7839", "7911", "7924"),
    *("7937", "79", "8", "800", "8001111", "808", "84", "842", "843", "844", "845", "87"),
    *("870", "871", "872", "873", "9", "90", "91", "98", "0", "00", "44", "4"),
]


@st.composite
def gb_numbers(draw: st.DrawFn) -> str:
    """A number in (or just outside) the shortcut's shape, from GB and neighbouring ranges: mostly
    of a GB length, written as people write them, sometimes with what the shape refuses."""
    start = draw(st.sampled_from(RANGES))
    length = draw(st.sampled_from([10, 10, 10, 10, 9, 9, 7, 8, 11, 6, 12]))
    digits = start + "".join(
        draw(st.sampled_from("0123456789")) for _ in range(max(0, length - len(start)))
    )
    odd = draw(st.integers(0, 4)) == 0  # one in five gets an unusual prefix, gap or suffix
    gaps = [" ", "  ", "-", "\u00a0", "."] if odd else [" "]
    spaced = ""
    for i, d in enumerate(digits):
        if i and draw(st.integers(0, 4)) == 0:
            spaced += draw(st.sampled_from(gaps))
        spaced += d
    prefixes = ["0044 ", "+44 (0)", "", "+", "+44  ", "0 "] if odd else ["0", "+44", "+44 "]
    suffixes = [" ", " x12", " ext 3", "#", ";ext=4", ",,12", ""] if odd else [""]
    return draw(st.sampled_from(prefixes)) + spaced + draw(st.sampled_from(suffixes))


@settings(max_examples=3000, deadline=None)
@given(gb_numbers())
@example("0121 303 1234")
@example("07911 123456")
@example("+441213031234")
@example("+44 7624 123456")  # Isle of Man mobile: valid, but not by the GB patterns
@example("01481 123456")  # Guernsey
@example("07911 123456")  # Guernsey mobile inside a GB-looking range
@example("07797 123456")  # Jersey
@example("0180020 1234567")
@example("+44180020123456")
@example("0800 1111")
@example("0121 303 123")
@example("0121 303 12345")
@example("00121 303 1234")
def test_phone_shortcut_gives_the_library_answer(value: str) -> None:
    same_phone(value)


@settings(max_examples=500, deadline=None)
@given(st.text("0123456789 +-()#x,;.\u0660\u0661\uff10\uff0b", max_size=24))
def test_phone_shortcut_on_free_text(value: str) -> None:
    same_phone(value)


def test_phone_shortcut_only_for_gb() -> None:
    assert quick_phone("0121 303 1234", "FR") is None
    assert normalise_phone("01 42 68 53 00", "FR") == library_phone("01 42 68 53 00", "FR")


# -- emails ----------------------------------------------------------------------------------

WORD = st.text("abcdefghijklmnopqrstuvwxyzABCZ0189", min_size=1, max_size=10)
LABELS = st.one_of(
    WORD,
    WORD,
    st.builds("{}-{}".format, WORD, WORD),
    st.text("abcxyzABC019-", min_size=1, max_size=8),
    st.sampled_from(["xn--bcher-kva", "ab--cd", "a-b", "-a", "a-", "x" * 63, "x" * 64]),
    st.sampled_from(["test", "local", "localhost", "invalid", "onion", "arpa", "example"]),
    st.sampled_from(["gov", "uk", "ORG", "com", "co", "1", "123", "museum", "ü", "ß", "ﬀ"]),
)
LOCALS = st.one_of(
    st.builds("{}.{}".format, WORD, WORD),
    WORD,
    st.text("abcXYZ019._+-", min_size=1, max_size=12),
    st.text("abcXYZ019._+-!#$%&'*/=?^`{|}~", min_size=0, max_size=12),
    st.sampled_from(["postmaster", "PostMaster", "info", "Sales", "abuse", "x" * 64, "x" * 65]),
    st.sampled_from(['"quoted"', "a..b", ".a", "a.", "a b", "é", "ann@x", "<a", "a\u0301"]),
)


@st.composite
def addresses(draw: st.DrawFn) -> str:
    local = draw(LOCALS)
    domain = ".".join(draw(st.lists(LABELS, min_size=1, max_size=4)))
    if draw(st.integers(0, 9)) == 0:  # lengths at the address limit
        domain = "a" * draw(st.integers(180, 250)) + "." + domain
    value = f"{local}@{domain}"
    if draw(st.integers(0, 4)) == 0:  # what the shape refuses around a plain address
        value = draw(st.sampled_from(["", " ", "Ann <"])) + value
        value += draw(st.sampled_from(["", " ", ">", "."]))
    return value


@settings(max_examples=3000, deadline=None)
@given(addresses())
@example("person1@example.org")
@example("Ann.Smith+work@Benchtown.GOV.uk")
@example("postmaster@example.org")
@example("a@b.c1")
@example("a@xn--bcher-kva.de")
@example("a@ab--cd.org")
@example("a@mail.test")
@example("x" * 64 + "@" + "d" * 63 + "." + "e" * 63 + "." + "f" * 57 + ".org")
@example("x" * 64 + "@" + "d" * 63 + "." + "e" * 63 + "." + "f" * 58 + ".org")
def test_email_shortcut_gives_the_library_answer(value: str) -> None:
    same_email(value)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30))
def test_email_shortcut_on_free_text(value: str) -> None:
    same_email(value)


# -- the shortcuts are in use ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0121 303 1234", "+441213031234"),
        ("07400 123456", "+447400123456"),
        ("+44 20 7664 3000", "+442076643000"),
        ("+447824123456", "+447824123456"),
    ],
)
def test_common_phones_take_the_shortcut(value: str, expected: str) -> None:
    """If this fails, the library changed shape (a guard in fastpaths turned the shortcut off) or
    the common shape no longer fits: re-check the reasoning in fastpaths before re-enabling."""
    assert fastpaths.gb_numbers() is not None
    assert quick_phone(value, "GB") == expected == library_phone(value)


@pytest.mark.parametrize(
    "value", ["person1@example.org", "Ann.Smith+work@Benchtown.GOV.uk", "a_b-c@x-y.co.uk"]
)
def test_common_emails_take_the_shortcut(value: str) -> None:
    assert fastpaths._EMAIL_ON
    assert quick_email(value) == library_email(value)
    assert quick_email(value) is not None
