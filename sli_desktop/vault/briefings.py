"""What a briefing may draw on, and the audit entry that records what it drew.

Private notes never leave here, and nor does a note marked above the briefing's ceiling: the
briefing package lays out what this module gives it and cannot reach anything else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from ..domain import (
    Action,
    Contact,
    ControlChange,
    ImprovementBoard,
    Marking,
    Metric,
    Note,
    Record,
    SupportOffer,
    new_id,
)
from .store import Vault


def _placeholders(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


class BriefingSources:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def notes(
        self, councils: Sequence[str], since: date | None = None, ceiling: Marking | None = None
    ) -> list[Note]:
        """Shareable notes of ``councils``, oldest first: never private, never deleted, never a
        draft (incomplete until it cites its evidence), and marked no higher than ``ceiling``."""
        if not councils:
            return []
        where = (
            f"deleted = 0 AND private = 0 AND draft = 0 AND council IN ({_placeholders(councils)})"
        )
        params: list[Any] = list(councils)
        if since is not None:
            where += " AND date >= ?"
            params.append(since.isoformat())
        if ceiling is Marking.OFFICIAL:
            where += " AND marking = ?"
            params.append(Marking.OFFICIAL.value)
        return self.vault.records(Note, where, params, order="date, seq")

    def withheld(self, councils: Sequence[str], since: date | None, ceiling: Marking | None) -> int:
        """How many shareable notes the marking ceiling kept out (private notes are not
        counted: a briefing does not hint that they exist)."""
        if ceiling is not Marking.OFFICIAL or not councils:
            return 0
        where = (
            f"deleted = 0 AND private = 0 AND draft = 0 AND marking != ? AND council IN "
            f"({_placeholders(councils)})"
        )
        params: list[Any] = [Marking.OFFICIAL.value, *councils]
        if since is not None:
            where += " AND date >= ?"
            params.append(since.isoformat())
        return int(self.vault.scalar(f"SELECT count(*) FROM notes WHERE {where}", params))

    def hidden_note_ids(self, councils: Sequence[str], ceiling: Marking | None) -> set[str]:
        """Notes a briefing must not show (private, or above the ceiling), so that what hangs
        off them, such as an action raised from a private note, stays out too."""
        if not councils:
            return set()
        where = f"council IN ({_placeholders(councils)}) AND (private = 1 OR draft = 1"
        params: list[Any] = list(councils)
        if ceiling is Marking.OFFICIAL:
            where += " OR marking != ?"
            params.append(Marking.OFFICIAL.value)
        rows = self.vault.query(f"SELECT id FROM notes WHERE {where})", params)
        return {str(r[0]) for r in rows}

    def contacts(self, council: str) -> list[Contact]:
        return self.vault.records(Contact, "deleted = 0 AND council = ?", (council,), order="name")

    def open_actions(self, council: str) -> list[Action]:
        return self.vault.records(
            Action,
            "deleted = 0 AND status = 'open' AND council = ?",
            (council,),
            order="coalesce(due, '9999'), seq",
        )

    def open_actions_in(self, councils: Sequence[str]) -> list[Action]:
        """Open actions of many councils at once (a regional briefing), soonest due first."""
        if not councils:
            return []
        return self.vault.records(
            Action,
            f"deleted = 0 AND status = 'open' AND council IN ({_placeholders(councils)})",
            list(councils),
            order="coalesce(due, '9999'), seq",
        )

    def boards_in(self, councils: Sequence[str]) -> list[ImprovementBoard]:
        if not councils:
            return []
        return self.vault.records(
            ImprovementBoard,
            f"deleted = 0 AND council IN ({_placeholders(councils)})",
            list(councils),
            order="council, coalesce(start, '9999') DESC",
        )

    def control_changes_in(
        self, councils: Sequence[str], since: date
    ) -> list[tuple[ControlChange, SupportOffer | None]]:
        """Changes of political control from ``since``, newest first, each with the member
        peer support offer it opened (None when that was removed)."""
        if not councils:
            return []
        changes = self.vault.records(
            ControlChange,
            f"deleted = 0 AND date >= ? AND council IN ({_placeholders(councils)})",
            [since.isoformat(), *councils],
            order="date DESC, council",
        )
        out: list[tuple[ControlChange, SupportOffer | None]] = []
        for change in changes:
            offer = self.vault.get(SupportOffer, ControlChange.offer_id_for(change.id))
            out.append((change, None if offer is None or offer.deleted else offer))
        return out

    def support(self, council: str) -> list[SupportOffer]:
        return self.vault.records(
            SupportOffer, "deleted = 0 AND council = ?", (council,), order="offered_on, seq"
        )

    def metrics(self, councils: Sequence[str]) -> list[Metric]:
        if not councils:
            return []
        return self.vault.records(
            Metric,
            f"deleted = 0 AND council IN ({_placeholders(councils)})",
            list(councils),
            order="metric_id, period, seq",
        )

    def region_metrics(self, region: str, metric_ids: Sequence[str]) -> list[Metric]:
        """The metrics named, for every council in ``region``: what a median is taken over."""
        if not metric_ids:
            return []
        return self.vault.records(
            Metric,
            f"deleted = 0 AND metric_id IN ({_placeholders(metric_ids)}) AND council IN "
            "(SELECT gss_code FROM councils WHERE deleted = 0 AND region = ?)",
            [*metric_ids, region],
        )

    def record(
        self,
        kind: str,
        scope: str,
        contents: Iterable[Record],
        informed: Iterable[Note],
        detail: dict[str, Any],
    ) -> str:
        """Audit a briefing: one entry naming every record (id and version) it contained and
        the notes that only set a concern level it shows (``informed_by``), and one entry per
        printed note so that a note's own history shows it was briefed. No note text."""
        briefing_id = new_id()
        informed_by = [[n.id, n.version] for n in informed]
        records: dict[str, list[list[Any]]] = {}
        notes: list[Note] = []
        seen: set[str] = set()
        for record in contents:
            if record.id in seen:
                continue
            seen.add(record.id)
            records.setdefault(record.kind, []).append([record.id, record.version])
            if isinstance(record, Note):
                notes.append(record)
        with self.vault.transaction():
            self.vault.audit(
                "brief",
                "briefing",
                briefing_id,
                {
                    "kind": kind,
                    "scope": scope,
                    "records": records,
                    "informed_by": {"note": informed_by},
                    **detail,
                },
            )
            for note in notes:
                self.vault.audit(
                    "brief", "note", note.id, {"version": note.version, "briefing": briefing_id}
                )
        return briefing_id
