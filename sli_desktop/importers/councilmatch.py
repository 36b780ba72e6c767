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
