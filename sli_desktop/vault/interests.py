"""Peer conflicts of interest: a peer should not challenge their own council or a neighbour.

A peer is in conflict with a challenge when the council they work for or serve on (``Peer
.council``) is the council being challenged, or shares its two-tier county area: a county
council and its districts, as the register's ``county-la`` column records (``Council
.county_la``). Unitary, metropolitan and London councils have no county tier, so only the
same-council rule applies to them. This is a warning for the adviser, never a block: the CLI
refuses only under ``--strict`` and the window asks for confirmation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ..domain import Council, Peer
from .store import Vault

Reason = Literal["same council", "same county area"]


@dataclass(frozen=True)
class PeerConflict:
    peer: str
    peer_council: str
    challenged: str
    reason: Reason
    #: the county council naming the shared area ("" for the same council)
    county: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {
            "peer": self.peer,
            "peer_council": self.peer_council,
            "challenged": self.challenged,
            "reason": self.reason,
            "county": self.county,
            "message": self.message,
        }


class PeerInterests:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def conflicts(self, challenged: str, peers: Iterable[Peer]) -> list[PeerConflict]:
        """Every peer in ``peers`` whose council is ``challenged`` (a GSS code) or a council in
        the same county area, with one sentence each saying why."""
        wanted = [p for p in peers if p.council]
        if not wanted:
            return []
        codes = sorted({challenged, *(str(p.council) for p in wanted)})
        marks = ",".join("?" * len(codes))
        councils = {
            c.gss_code: c for c in self.vault.records(Council, f"gss_code IN ({marks})", codes)
        }
        target = councils.get(challenged)
        if target is None:
            return []
        found: list[PeerConflict] = []
        for peer in wanted:
            home = councils.get(str(peer.council))
            if home is None:
                continue
            conflict = _conflict(peer, home, target, self._county_name)
            if conflict is not None:
                found.append(conflict)
        return found

    def _county_name(self, la_code: str) -> str:
        name = self.vault.scalar(
            "SELECT short_name FROM councils WHERE la_code = ? AND deleted = 0 LIMIT 1", (la_code,)
        )
        return str(name) if name else la_code


def _conflict(peer: Peer, home: Council, target: Council, county_name: Any) -> PeerConflict | None:
    if home.gss_code == target.gss_code:
        return PeerConflict(
            peer=peer.name,
            peer_council=home.gss_code,
            challenged=target.gss_code,
            reason="same council",
            county="",
            message=(
                f"{peer.name} ({peer.role.value}) works for or serves on {home.name}, "
                "the council being challenged"
            ),
        )
    area = target.county_area
    if area and home.county_area == area:
        county = str(county_name(area))
        return PeerConflict(
            peer=peer.name,
            peer_council=home.gss_code,
            challenged=target.gss_code,
            reason="same county area",
            county=county,
            message=(
                f"{peer.name} ({peer.role.value}) works for or serves on {home.name}, "
                f"a neighbouring council in the same county area ({county}) as {target.name}"
            ),
        )
    return None
