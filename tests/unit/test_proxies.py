"""Who the client is (server/proxies.py) and what it is counted as (server/ratelimit.py)."""

from __future__ import annotations

import pytest

from sli_desktop.server.proxies import client_address, trusted_networks
from sli_desktop.server.ratelimit import address_group

PROXIES = trusted_networks(["127.0.0.1", "10.0.0.0/8", "2001:db8:ffff::/48"])


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("198.51.100.1", ["192.0.2.1"], "198.51.100.1"),  # an untrusted peer's header: ignored
        ("127.0.0.1", [], "127.0.0.1"),  # a trusted peer that forwards nobody
        ("127.0.0.1", ["192.0.2.1"], "192.0.2.1"),  # nginx overwriting the header
        ("127.0.0.1", ["6.6.6.6, 192.0.2.1"], "192.0.2.1"),  # appended: the left is forged
        ("127.0.0.1", ["6.6.6.6", "192.0.2.1"], "192.0.2.1"),  # two headers, in order
        ("127.0.0.1", ["192.0.2.1, 10.1.1.1, 10.2.2.2"], "192.0.2.1"),  # a chain of proxies
        ("127.0.0.1", ["10.1.1.1"], "10.1.1.1"),  # only proxies: the furthest one
        ("127.0.0.1", ["6.6.6.6, rubbish"], "127.0.0.1"),  # rubbish: the last proxy speaks
        ("127.0.0.1", ["192.0.2.1, 10.1.1.1:8080"], "127.0.0.1"),
        ("::ffff:127.0.0.1", ["192.0.2.1"], "192.0.2.1"),  # IPv4-mapped peer
        ("2001:db8:ffff::1", ["2001:db8:1::5"], "2001:db8:1::5"),
        ("unknown", ["192.0.2.1"], "unknown"),
    ],
)
def test_client_address(peer: str, forwarded: list[str], client: str) -> None:
    assert client_address(peer, forwarded, PROXIES) == client


def test_no_trusted_proxy_means_the_peer() -> None:
    assert client_address("127.0.0.1", ["192.0.2.1"], ()) == "127.0.0.1"


def test_a_trusted_proxy_that_is_not_an_address_is_one_sentence() -> None:
    with pytest.raises(ValueError, match="is not an IP address or network"):
        trusted_networks(["10.0.0.0/33"])


@pytest.mark.parametrize(
    ("address", "group"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("unknown", "unknown"),
    ],
)
def test_address_group(address: str, group: str) -> None:
    assert address_group(address) == group
