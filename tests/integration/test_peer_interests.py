"""Peer conflicts of interest, from the real register's two-tier areas (its county-la column):
a peer from the challenged council or a neighbour in the same county is warned about; the CLI
still adds unless --strict; councils without a county tier only match themselves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.domain import Council, Peer, PeerRole
from sli_desktop.importers.register import read_register
from sli_desktop.vault.councils import Councils
from sli_desktop.vault.interests import PeerInterests
from sli_desktop.vault.store import Vault

CANNOCK, EAST_STAFFS, STAFFS = "E07000192", "E07000193", "E10000028"
BHAM, COVENTRY = "E08000025", "E08000026"
DERBYSHIRE_DALES = "E07000035"


@pytest.fixture
def register_vault(vault: Vault, register_csv: Path) -> Vault:
    Councils(vault).upsert_register(read_register(register_csv))
    return vault


def _peer(name: str, council: str | None) -> Peer:
    return Peer(name=name, role=PeerRole.MEMBER_PEER, council=council)


def test_the_register_gives_districts_their_county(register_vault: Vault) -> None:
    cannock = Councils(register_vault).get(CANNOCK)
    staffs = Councils(register_vault).get(STAFFS)
    assert cannock.county_la == "STS" and cannock.county_area == "STS"
    assert staffs.county_la == "" and staffs.county_area == "STS"
    assert Councils(register_vault).get(BHAM).county_area == ""
    districts = register_vault.records(Council, "type = 'non-metropolitan district'")
    counties = {c.la_code for c in register_vault.records(Council, "type = 'county'")}
    assert districts and all(d.county_la in counties for d in districts)


def test_own_council_and_same_county_neighbours_are_conflicts(register_vault: Vault) -> None:
    interests = PeerInterests(register_vault)
    team = [
        _peer("Own Council", CANNOCK),
        _peer("Next Door", EAST_STAFFS),
        _peer("County Hall", STAFFS),
        _peer("Elsewhere", DERBYSHIRE_DALES),
        _peer("Metropolitan", BHAM),
        _peer("Nowhere", None),
    ]
    found = {c.peer: c for c in interests.conflicts(CANNOCK, team)}
    assert set(found) == {"Own Council", "Next Door", "County Hall"}
    assert found["Own Council"].reason == "same council"
    assert found["Next Door"].reason == "same county area"
    assert found["Next Door"].county == "Staffordshire"
    assert "Staffordshire" in found["County Hall"].message
    assert "Cannock Chase" in found["Next Door"].message
    # Challenging the county: its districts are neighbours too.
    assert {c.peer for c in interests.conflicts(STAFFS, team)} == {
        "Own Council",
        "Next Door",
        "County Hall",
    }
    # A metropolitan borough has no county tier, but shares a combined authority: Birmingham's
    # people are no independent peers for Coventry (both in the West Midlands Combined
    # Authority); Derbyshire Dales is in none.
    (coventry,) = interests.conflicts(COVENTRY, team)
    assert coventry.peer == "Metropolitan" and coventry.reason == "same combined authority"
    assert coventry.county == "West Midlands Combined Authority"
    assert "shares a combined authority (West Midlands Combined Authority)" in coventry.message
    assert {c.peer for c in interests.conflicts(BHAM, team)} == {"Metropolitan"}
    assert {c.peer for c in interests.conflicts(DERBYSHIRE_DALES, team)} == {"Elsewhere"}


# -- the CLI ---------------------------------------------------------------------------------


@pytest.fixture
def sli_register(register_vault: Vault, cli: Any) -> Any:
    register_vault.close()
    return cli


def _challenge(sli: Any, council: str = CANNOCK) -> dict[str, Any]:
    result = sli(
        "challenge",
        "add",
        "--council",
        council,
        "--kind",
        "corporate",
        "--status",
        "proposed",
        "--json",
    )
    assert result.code == 0, result.err
    return dict(json.loads(result.out))


def test_cli_warns_and_still_adds(sli_register: Any) -> None:
    engagement = _challenge(sli_register)
    result = sli_register(
        "challenge",
        "team",
        "add",
        engagement["id"][:8],
        "--peer",
        "Jo Neighbour|member peer|East Staffordshire BC|East Staffordshire",
        "--peer",
        "Ann Far|officer peer|Derbyshire Dales|" + DERBYSHIRE_DALES,
        "--json",
    )
    assert result.code == 0
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("sli: warning: conflict of interest: Jo ")
    assert "same county area (Staffordshire)" in lines[0]
    data = json.loads(result.out)
    assert [p["name"] for p in data["team"]] == ["Jo Neighbour", "Ann Far"]
    assert data["team"][0]["council"] == EAST_STAFFS  # the name resolved to its GSS code
    assert [c["peer"] for c in data["conflicts"]] == ["Jo Neighbour"]
    listed = sli_register("challenge", "team", "list", engagement["id"])
    assert "CONFLICT" in listed.out and "Conflict of interest: Jo Neighbour" in listed.out


def test_cli_strict_refuses_and_writes_nothing(sli_register: Any) -> None:
    engagement = _challenge(sli_register)
    result = sli_register(
        "challenge",
        "team",
        "add",
        engagement["id"],
        "--peer",
        f"Own Officer|officer peer||{CANNOCK}",
        "--strict",
    )
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("sli: conflict of interest: Own Officer")
    assert result.err.count("\n") == 1
    team = json.loads(sli_register("challenge", "team", "list", engagement["id"], "--json").out)
    assert team["team"] == []
    # challenge add --peer takes the same check.
    refused = sli_register(
        "challenge",
        "add",
        "--council",
        STAFFS,
        "--kind",
        "adults",
        "--status",
        "proposed",
        "--peer",
        f"Own Officer|officer peer||{CANNOCK}",
        "--strict",
    )
    assert refused.code == 2 and "conflict of interest" in refused.err
    warned = sli_register(
        "challenge",
        "add",
        "--council",
        STAFFS,
        "--kind",
        "adults",
        "--status",
        "proposed",
        "--peer",
        f"Own Officer|officer peer||{CANNOCK}",
        "--json",
    )
    assert warned.code == 0 and warned.err.startswith("sli: warning: conflict of interest")
    assert json.loads(warned.out)["team"][0]["name"] == "Own Officer"


def test_cli_team_remove(sli_register: Any) -> None:
    engagement = _challenge(sli_register)
    sli_register("challenge", "team", "add", engagement["id"], "--peer", "A Peer|member peer")
    gone = sli_register("challenge", "team", "remove", engagement["id"], "a peer", "--json")
    assert gone.code == 0 and json.loads(gone.out)["team"] == []
    missing = sli_register("challenge", "team", "remove", engagement["id"], "Nobody")
    assert missing.code == 2 and "no peer called 'Nobody'" in missing.err


def test_cli_checks_a_peer_given_only_by_organisation(sli_register: Any) -> None:
    engagement = _challenge(sli_register)
    result = sli_register(
        "challenge", "team", "add", engagement["id"],
        "--peer", "Org Only|officer peer|East Staffordshire Borough Council",
        "--peer", "Vague|officer peer|Some Consultancy Ltd",
        "--json",
    )  # fmt: skip
    assert result.code == 0
    assert result.err.count("\n") == 1 and "Org Only" in result.err
    data = json.loads(result.out)
    assert data["team"][0]["council"] is None  # stored as given; only the check infers it
    assert [c["peer"] for c in data["conflicts"]] == ["Org Only"]
