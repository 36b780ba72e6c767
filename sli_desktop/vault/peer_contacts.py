"""Contact details for the peers on a team: a peer is named on the engagement, and their e-mail
and phone live on their contact record, found here by name (read-only)."""

from __future__ import annotations

from collections.abc import Sequence

from ..domain import Contact, Peer
from .store import Vault


def peer_contacts(vault: Vault, peers: Sequence[Peer]) -> dict[str, Contact]:
    """Each peer's contact record by the peer's name, when one is held: the one at the peer's
    own council or organisation if several people share the name, else the most recent."""
    names = sorted({p.name.casefold() for p in peers})
    if not names:
        return {}
    found = vault.records(
        Contact,
        f"deleted = 0 AND lower(name) IN ({','.join('?' * len(names))})",
        names,
        order="updated_at DESC",
    )
    out: dict[str, Contact] = {}
    for peer in peers:
        same = [c for c in found if c.name.casefold() == peer.name.casefold()]
        if not same:
            continue
        best = next(
            (
                c
                for c in same
                if (peer.council and c.council == peer.council)
                or (peer.organisation and c.organisation.casefold() == peer.organisation.casefold())
            ),
            same[0],
        )
        out[peer.name] = best
    return out
