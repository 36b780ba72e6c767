"""Ranked full-text search over notes, contacts and councils (FTS5).

Ranking every match of a common word is what makes naive FTS slow on a big vault: bm25 has to
score all 100,000 rows before ``ORDER BY rank LIMIT 20`` can answer. Here each query ranks only
the newest ``RANK_WINDOW`` matches (rowids grow with insertion, and FTS5 walks a doclist by
rowid cheaply), so the cost is bounded however common the word, and recent intelligence wins
ties. User text never reaches FTS5 as syntax: it is tokenised and quoted here.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from .store import Vault

RANK_WINDOW = 1000
_TOKEN = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')


@dataclass(frozen=True)
class Hit:
    kind: str  # "council" | "contact" | "note"
    id: str
    title: str
    detail: str
    council: str | None
    score: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def fts_query(text: str) -> str | None:
    """Free text as typed -> a safe FTS5 query: quoted phrases stay phrases, words are ANDed,
    and the last word is a prefix while the user is still typing it."""
    parts: list[str] = []
    for phrase in _PHRASE.findall(text):
        words = _TOKEN.findall(phrase)
        if words:
            parts.append('"' + " ".join(words) + '"')
    rest = _PHRASE.sub(" ", text)
    words = _TOKEN.findall(rest)
    still_typing = bool(words) and not rest[-1:].isspace() and not text.endswith('"')
    for i, word in enumerate(words):
        prefix = still_typing and i == len(words) - 1
        parts.append(f'"{word}"' + ("*" if prefix else ""))
    return " ".join(parts) or None


# kind -> (fts table, base table, bm25 column weights, boost, select list)
_KINDS: dict[str, tuple[str, str, str, float, str]] = {
    "council": (
        "councils_fts",
        "councils",
        "10.0, 10.0, 4.0, 10.0",
        3.0,
        "t.id, CASE WHEN t.short_name != '' THEN t.short_name ELSE t.name END, "
        "t.type || ', ' || t.region, t.gss_code",
    ),
    "contact": (
        "contacts_fts",
        "contacts",
        "10.0, 3.0, 2.0, 2.0",
        1.5,
        "t.id, t.name, t.role, t.council",
    ),
    "note": (
        "notes_fts",
        "notes",
        "10.0, 1.0, 4.0, 2.0",
        1.0,
        "t.id, t.title, t.date || ' · ' || t.concern, t.council",
    ),
}


class Search:
    def __init__(self, vault: Vault, window: int = RANK_WINDOW) -> None:
        self.vault = vault
        self.window = window

    def search(self, text: str, limit: int = 20, kinds: tuple[str, ...] | None = None) -> list[Hit]:
        query = fts_query(text)
        if query is None:
            return []
        hits: list[Hit] = []
        for kind in kinds or tuple(_KINDS):
            hits.extend(self._search_kind(kind, query, limit))
        hits.sort(key=lambda h: h.score)
        return hits[:limit]

    def _search_kind(self, kind: str, query: str, limit: int) -> list[Hit]:
        fts, table, weights, boost, select = _KINDS[kind]
        floor = (
            self.vault.scalar(
                f"SELECT rowid FROM {fts} WHERE {fts} MATCH ? ORDER BY rowid DESC "
                f"LIMIT 1 OFFSET {self.window - 1}",
                (query,),
            )
            or 0
        )
        rows = self.vault.query(
            f"""SELECT {select}, s.score FROM (
                  SELECT rowid, bm25({fts}, {weights}) * {boost} AS score FROM {fts}
                  WHERE {fts} MATCH ? AND rowid >= ? ORDER BY score LIMIT ?) s
                JOIN {table} t ON t.seq = s.rowid
                ORDER BY s.score""",
            (query, floor, limit),
        )
        return [Hit(kind, r[0], r[1], r[2], r[3], float(r[4])) for r in rows]
