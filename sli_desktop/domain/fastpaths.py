"""Quick answers for the shapes of phone number and email address that nearly every address book
holds, so that 20,000 contacts import in seconds. The libraries stay the authority.

``phonenumbers`` and ``email-validator`` spend most of their time on one value in machinery the
common shapes never need (figures: docs/PERFORMANCE.md). Each function below accepts only one
narrow, common shape, answers only when the answer is "valid, and normalised to X", and returns None
for everything else, which then goes to the library as before: every refusal, and every error
message, still comes from the library. Why each shortcut gives the library's answer is written
beside it, step by step against the library's own code; its data (number patterns, special-use
domains, mailbox names) is read from the library at run time, and a guard turns a shortcut off if
the library's structure is not the one the reasoning relies on. tests/unit/test_fastpaths.py sets
both against the libraries on generated common and tricky input, so a library upgrade that changes
an answer fails the test."""

from __future__ import annotations

import functools
import re
from typing import Any

import email_validator
import phonenumbers
from email_validator import rfc_constants
from phonenumbers import phonenumberutil

# -- phones ----------------------------------------------------------------------------------
# The shape: a GB number written nationally ("0121 303 1234") or internationally
# ("+44 121 303 1234", "+441213031234"): ASCII digits, single spaces between them, a national
# significant number (NSN) starting 1-9. For these, with region "GB", ``phonenumbers.parse``
# finds no RFC 3966 context, no extension (every extension pattern needs a label, "#", "," or ";")
# and no second number; the national shape has no IDD ("00") and does not start with "44"; the
# international one strips "+" and reads country code 44 ("4" is no country code). It then strips
# the national prefix: "0" for the national shape (the GB prefix pattern "0|180020" matches just
# the "0"; checked per number) and nothing for the international one (numbers where the pattern
# would match are left to the library). As the stripped number fits GB's general pattern, which
# the shortcut requires, the strip is kept and the NSN is an int with no leading zero, so the
# E.164 form is "+44" + NSN. ``is_valid_number`` then looks for the region among GB, GG, IM, JE:
# GB comes first and has no leading-digits rule, so if the NSN is of any GB number type the region
# is GB and the number is valid. "Of any GB number type" is ``_number_type_helper`` not answering
# UNKNOWN: the general description matches, then any one of the type descriptions it tries, each
# by possible length and full match of its pattern. Numbers of the Channel Islands or the Isle of
# Man that are not also GB patterns, and every invalid number, go to the library.

_PHONE_SHAPE = re.compile(r"(?:\+44 ?|0)([1-9](?: ?[0-9]){5,11})")
_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
)


class _GbNumbers:
    """GB's number descriptions as ``_is_number_matching_desc`` reads them: a description
    matches a number if it lists no possible lengths or lists the number's length, and its
    pattern (if any) matches the whole number. Grouped here by length, so that one number is
    set against only the patterns that could match it."""

    def __init__(self, metadata: Any) -> None:
        general = metadata.general_desc
        names = [*_TYPES, *(() if metadata.same_mobile_and_fixed_line_pattern else ("mobile",))]
        descs = [getattr(metadata, name) for name in names]
        descs = [d for d in descs if d and d.national_number_pattern]  # else never matches
        common = {id(metadata.fixed_line), id(metadata.mobile)}
        descs.sort(key=lambda d: id(d) not in common)  # landlines and mobiles first: any order
        self.general = re.compile(general.national_number_pattern)  # gives the same answer
        self.types: dict[int, list[re.Pattern[str]]] = {
            length: [
                re.compile(d.national_number_pattern)
                for d in descs
                if not d.possible_length or length in d.possible_length
            ]
            for length in general.possible_length
        }
        self.prefix = re.compile(metadata.national_prefix_for_parsing)

    def is_gb_type(self, nsn: str) -> bool:
        """``_number_type_helper(nsn, GB) != UNKNOWN``: the general description matches (its
        possible lengths are the keys of ``types``), then any one of the type descriptions."""
        patterns = self.types.get(len(nsn))
        if patterns is None or not self.general.fullmatch(nsn):
            return False
        return any(p.fullmatch(nsn) for p in patterns)


@functools.cache
def gb_numbers() -> _GbNumbers | None:
    """The GB data, or None if the library is not shaped as the reasoning above assumes. Built
    on first use: compiling GB's patterns would otherwise slow every start."""
    try:
        metadata: Any = phonenumbers.PhoneMetadata.metadata_for_region("GB", None)
        regions = phonenumberutil.COUNTRY_CODE_TO_REGION_CODE.get(44, ())
        general: Any = metadata.general_desc
        sound = (
            metadata.country_code == 44
            and regions[:1] == ("GB",)
            and metadata.leading_digits is None
            and phonenumbers.country_code_for_valid_region("GB") == 44
            and 4 not in phonenumberutil.COUNTRY_CODE_TO_REGION_CODE
            and metadata.international_prefix == "00"
            and bool(metadata.national_prefix_for_parsing)
            and not metadata.national_prefix_transform_rule
            and re.compile(metadata.national_prefix_for_parsing).groups == 0
            and bool(general.possible_length)
            and bool(general.national_number_pattern)
            and not set(general.possible_length) & set(general.possible_length_local_only or ())
            and max(general.possible_length) <= phonenumberutil._MAX_LENGTH_FOR_NSN
        )
        return _GbNumbers(metadata) if sound else None
    except (AttributeError, TypeError, re.error):
        return None


def quick_phone(value: str, region: str) -> str | None:
    """The E.164 form ``normalise_phone`` would give, for a valid GB number in the common shape;
    None when the library must answer."""
    if region != "GB":
        return None
    shape = _PHONE_SHAPE.fullmatch(value)
    if shape is None:
        return None
    gb = gb_numbers()
    if gb is None:
        return None
    nsn = shape.group(1).replace(" ", "")
    if value[0] == "0":
        prefix = gb.prefix.match("0" + nsn)
        if prefix is None or prefix.end() != 1:
            return None
    elif gb.prefix.match(nsn) is not None:
        return None
    return "+44" + nsn if gb.is_gb_type(nsn) else None


# -- emails ----------------------------------------------------------------------------------
# The shape: an ASCII local part of letters, digits and "_+-" in dot-separated runs, "@", and a
# domain of ASCII letter/digit labels with inner single hyphens, at least two labels, the last
# ending in a letter, no "--" anywhere. ``validate_email`` (syntax only, default options) then:
# splits at the one "@" (no quotes, no "<", nothing for NFC to combine); the local part matches
# DOT_ATOM_TEXT and is kept as given (NFC leaves ASCII alone; mailbox names such as "postmaster"
# that it lower-cases are left to the library); the domain has only hostname characters, all
# safe and UTS-46 valid, and UTS-46 mapping only lower-cases ASCII; dots and hyphens are placed
# as check_dot_atom wants; no label has "--" (the R-LDH and Punycode checks); lengths are within
# the domain, label and address limits (and the local part within 64, as "strict" would want);
# it has a dot and a TLD ending in a letter; it is not a special-use name. The normalised
# address is then the local part, "@", and the lower-cased domain.

_EMAIL_SHAPE = re.compile(
    r"([A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*)"
    r"@((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?:[A-Za-z0-9][A-Za-z0-9-]*)?[A-Za-z])"
)


def _email_sound() -> bool:
    """The library still takes every character of the shape, and its limits are no tighter."""
    return (
        rfc_constants.DOT_ATOM_TEXT.match("azAZ09_+-.azAZ09_+-") is not None
        and rfc_constants.DOT_ATOM_TEXT_HOSTNAME.match("az09-az.AZ09-AZ.a") is not None
        and rfc_constants.EMAIL_MAX_LENGTH >= 254
        and rfc_constants.DOMAIN_MAX_LENGTH >= 253
        and rfc_constants.DNS_LABEL_LENGTH_LIMIT >= 63
        and rfc_constants.LOCAL_PART_MAX_LENGTH >= 64
    )


_EMAIL_ON = _email_sound()


def quick_email(value: str) -> str | None:
    """The normalised form ``normalise_email`` would give, for a valid address in the common
    shape; None when the library must answer."""
    if not _EMAIL_ON or len(value) > 254:
        return None
    shape = _EMAIL_SHAPE.fullmatch(value)
    if shape is None:
        return None
    local, domain = shape.group(1), shape.group(2).lower()
    if (
        len(local) > 64
        or len(domain) > 253
        or "--" in domain
        or local.lower() in rfc_constants.CASE_INSENSITIVE_MAILBOX_NAMES
        or any(len(label) > 63 for label in domain.split("."))
        or _special_use(domain)
    ):
        return None
    return local + "@" + domain


class _SpecialUse:
    """The library's special-use names as suffixes, rebuilt whenever the list (part of the
    library's API, which a caller may change) is not the one they were built from."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.suffixes: tuple[str, ...] = ()

    def __call__(self, domain: str) -> bool:
        names = email_validator.SPECIAL_USE_DOMAIN_NAMES
        if names != self.names:
            self.names = list(names)
            self.suffixes = tuple("." + d for d in names)
        # "." + domain ends with "." + d exactly when domain == d or ends with "." + d
        return ("." + domain).endswith(self.suffixes)


_special_use = _SpecialUse()
