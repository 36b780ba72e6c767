"""Peer conflicts of interest: a peer should not challenge their own council or a neighbour.

A peer is in conflict with a challenge when the council they work for or serve on (``Peer
.council``) is the council being challenged, or shares its two-tier county area: a county
council and its districts, as the register's ``county-la`` column records (``Council
.county_la``), or belongs to the same combined authority (the register's
``combined-authority``: Birmingham and Coventry in the West Midlands Combined Authority share a
mayor and budgets, so Birmingham's chief executive is no independent peer for Coventry). This is
a warning for the adviser, never a block: the CLI refuses only under ``--strict`` and the window
asks for confirmation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from ..domain import Council, Peer
from .store import Vault

Reason = Literal["same council", "same county area", "same combined authority"]


@dataclass(frozen=True)
class PeerConflict:
    peer: str
    peer_council: str
    challenged: str
    reason: Reason
    #: the county council or combined authority naming the shared area ("" for the same
    #: council)
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
        return str(name) if name else COMBINED_AUTHORITIES.get(la_code, la_code)


#: The register's combined authorities by code, named as the 2025 register names them: the
#: product keeps combined authorities out of its councils, so their names are not in the vault.
#: A code not here is shown as it is.
COMBINED_AUTHORITIES = {
    "CPCA": "Cambridgeshire and Peterborough Combined Authority",
    "EMCA": "East Midlands Combined County Authority",
    "GLA": "Greater London Authority",
    "GLCA": "Greater Lincolnshire Combined County Authority",
    "GMCA": "Greater Manchester Combined Authority",
    "HYCA": "Hull and East Yorkshire Mayoral Combined Authority",
    "LCR": "Liverpool City Region",
    "NECA": "North East Combined Authority",
    "NTCA": "North of Tyne Combined Authority",
    "SCR": "South Yorkshire Mayoral Combined Authority",
    "TVCA": "Tees Valley Combined Authority",
    "WECA": "West of England Combined Authority",
    "WMCA": "West Midlands Combined Authority",
    "WYCA": "West Yorkshire Combined Authority",
    "YNYC": "York and North Yorkshire Mayoral Combined Authority",
}


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
    shared: tuple[tuple[str, Reason, str], ...] = (
        (
            "county_area",
            "same county area",
            "a neighbouring council in the same county area ({}) as",
        ),
        (
            "combined_authority",
            "same combined authority",
            "which shares a combined authority ({}) with",
        ),
    )
    for field, reason, relation in shared:
        group = getattr(target, field)
        if group and getattr(home, field) == group:
            name = str(county_name(group))
            return PeerConflict(
                peer=peer.name,
                peer_council=home.gss_code,
                challenged=target.gss_code,
                reason=reason,
                county=name,
                message=(
                    f"{peer.name} ({peer.role.value}) works for or serves on {home.name}, "
                    f"{relation.format(name)} {target.name}"
                ),
            )
    return None
