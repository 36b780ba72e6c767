"""Which council an outside file means: by GSS code, or by an organisation name matched against
the register's official, short and alternative names ("Birmingham City Council", "Birmingham",
"Durham County Council" and "County Durham" are all found). A name that could mean two councils
matches neither: a wrong council is worse than none."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..domain import Council

_WORDS = re.compile(r"[0-9a-z]+")
#: Words that say what kind of body a council is rather than which one.
_GENERIC = frozenset(
    [
        "the",
        "council",
        "city",
        "county",
        "borough",
        "district",
        "metropolitan",
        "royal",
        "london",
        "of",
        "and",
        "unitary",
        "authority",
        "corporation",
        "cc",
        "mbc",
        "bc",
        "dc",
        "lb",
        "rb",
    ]
)
_AMBIGUOUS = ""


def _words(text: str) -> list[str]:
    return _WORDS.findall(text.lower().replace("&", " and ").replace("'", "").replace("’", ""))


def full_key(text: str) -> str:
    return " ".join(_words(text))


def core_key(text: str) -> str:
    return " ".join(w for w in _words(text) if w not in _GENERIC)


class CouncilMatcher:
    def __init__(self, councils: Iterable[Council]) -> None:
        self.codes: dict[str, Council] = {}
        #: by_name's answers: an import asks about the same few organisations thousands of times.
        self._names: dict[str, str | None] = {}
        self._full: dict[str, str] = {}
        self._core: dict[str, str] = {}
        for council in councils:
            if council.deleted:
                continue
            self.codes[council.gss_code] = council
            for name in (council.name, council.short_name, *council.alt_names):
                self._add(self._full, full_key(name), council.gss_code)
                self._add(self._core, core_key(name), council.gss_code)

    @staticmethod
    def _add(index: dict[str, str], key: str, gss: str) -> None:
        if not key:
            return
        if index.get(key, gss) != gss:
            index[key] = _AMBIGUOUS
        else:
            index[key] = gss

    def by_code(self, code: str) -> Council | None:
        return self.codes.get(code.strip().upper())

    def by_name(self, name: str) -> Council | None:
        if name not in self._names:
            self._names[name] = self._code_for(name)
        code = self._names[name]
        return self.codes[code] if code else None

    def _code_for(self, name: str) -> str | None:
        for index, key in ((self._full, full_key(name)), (self._core, core_key(name))):
            found = index.get(key) if key else None
            if found == _AMBIGUOUS:
                return None
            if found:
                return found
        return None

    def name_of(self, gss: str | None) -> str:
        council = self.codes.get(gss or "")
        return council.short_name or council.name if council else ""


#: Bodies advisers work with that are not councils, by words in their names: (pattern, what
#: the preview calls them). A contact there keeps the organisation and gets no council.
_NOT_COUNCILS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\b(nhs|hospital|trust|integrated care|icb|ccg|clinical commissioning|"
            r"health ?care|primary care|gp surgery|public health england|ukhsa)\b"
        ),
        "an NHS or health body",
    ),
    (re.compile(r"\b(police|constabulary|crime commissioner|pcc)\b"), "a police body"),
    (re.compile(r"\bfire\b"), "a fire and rescue service"),
    (re.compile(r"\b(local government association|lga)\b"), "the Local Government Association"),
    (
        re.compile(
            r"^(department (for|of)|ministry of|hm |home office|cabinet office|"
            r"foreign|office for|dluhc|mhclg|dfe|dhsc|defra|dwp|dcms|dft|beis|desnz)|"
            r"\b(government|ofsted|cqc|care quality commission|oflog)\b"
        ),
        "a government body",
    ),
)
_SEPARATOR = re.compile(r"\s+[-–—|]\s+|\s*[,/]\s+|\s*\(")


def not_a_council(organisation: str) -> str:
    """What kind of body ``organisation`` is, if its name says it is not a council; else ""."""
    text = " ".join(_words(organisation))
    if "council" in text.split():
        return ""
    for pattern, kind in _NOT_COUNCILS:
        if pattern.search(text):
            return kind
    return ""


def by_organisation(matcher: CouncilMatcher, organisation: str) -> Council | None:
    """The council an organisation names: the whole name, or the part before a department
    ("Birmingham City Council - Adult Social Care", "Leeds City Council, Children's Services").
    A name that says it is another kind of body (an NHS trust named after a city) is none."""
    if not organisation.strip() or not_a_council(organisation):
        return None
    found = matcher.by_name(organisation)
    if found is None:
        head = _SEPARATOR.split(organisation, maxsplit=1)[0]
        if head != organisation and head.strip():
            found = matcher.by_name(head)
    return found
