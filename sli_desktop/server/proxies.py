"""Who the client is: the TCP peer, or what a proxy the operator trusts says it is.

X-Forwarded-For is a request header like any other: anyone can send one, so believing it
lets a client choose the address its failed enrolment attempts are counted against. It is
read only when the direct peer is a proxy the operator named (``sli server serve
--trusted-proxy``), and then from the right: each trusted proxy appends the address it saw,
so the right-most entry that is not itself a trusted proxy is the client. Entries further
left were written by whoever sent the request and are never believed. uvicorn's own
handling of the header (which trusts 127.0.0.1 by default) is turned off where the server is
started (server/app.py).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """The operator's ``--trusted-proxy`` values (addresses or CIDR networks); ValueError
    with one sentence for one that is neither."""
    found: list[Network] = []
    for value in values:
        try:
            found.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"--trusted-proxy {value!r} is not an IP address or network (e.g. 10.0.0.5 "
                "or 10.0.0.0/24)"
            ) from None
    return tuple(found)


def client_address(peer: str, forwarded: Sequence[str], trusted: Sequence[Network]) -> str:
    """The client's address: ``peer`` unless it is trusted and X-Forwarded-For (``forwarded``:
    every such header's value, in order) names someone beyond it."""
    if not _trusted(peer, trusted):
        return peer
    client = peer
    entries = [e.strip() for value in forwarded for e in value.split(",")]
    for entry in reversed(entries):
        try:
            address = str(ipaddress.ip_address(entry))
        except ValueError:
            # Not an address (a port, a name, rubbish): nothing left of it can be trusted, so
            # the last proxy that spoke stands for the client.
            return client
        client = address
        if not _trusted(address, trusted):
            return address
    return client


def _trusted(address: str, trusted: Sequence[Network]) -> bool:
    if not trusted:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in trusted)
