"""The server's access policy as pure functions (server/storage/access.py): asked about rows
without a database, so each rule is checked here on plain objects."""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

from sli_desktop.server.storage import access
from sli_desktop.server.storage.access import Principal, may_see, may_write

LENA = Principal(1, "lena", "adviser", frozenset({"London"}), "dev-1")
COLIN = Principal(2, "colin", "coordinator", frozenset({"North West"}), "dev-2")
ADA = Principal(3, "ada", "admin", frozenset(), "dev-3")


def row(kind: str = "note", region: str | None = "London", **kw: object) -> SimpleNamespace:
    values: dict[str, object] = {"private": False, "owner": "lena", "shared": False, **kw}
    return SimpleNamespace(kind=kind, region=region, **values)


def test_the_policy_reads_no_database() -> None:
    tree = ast.parse(Path(access.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module or "." for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "dataclasses", "typing"}, imported


def test_a_private_note_is_its_owners_alone_whatever_the_role() -> None:
    secret = row(private=True, owner="lena")
    assert may_see(LENA, secret)
    assert not may_see(ADA, secret)
    assert not may_write(ADA, "note", "London", "lena", secret)


def test_regions_decide_who_sees_a_note_and_coordinators_see_challenges() -> None:
    assert may_see(LENA, row(region="London"))
    assert not may_see(LENA, row(region="North West", owner="colin"))
    assert may_see(LENA, row(region="North West", owner="colin", shared=True))
    assert may_see(COLIN, row(kind="engagement", region="London"))
    assert not may_see(COLIN, row(kind="note", region="London"))
    assert may_see(LENA, row(kind="council", region="North West"))


def test_coverage_is_written_by_coordinators_and_admins_only() -> None:
    assert not may_write(LENA, "coverage", "London", "lena", None)
    assert may_write(COLIN, "coverage", "London", "colin", None)
    assert access.write_refusal("coverage").startswith("only a coordinator")


def test_nobody_but_an_admin_adds_a_council_and_a_move_needs_both_regions() -> None:
    assert not may_write(COLIN, "council", "London", "colin", None)
    assert may_write(ADA, "council", "London", "ada", None)
    here = row(region="London")
    assert may_write(LENA, "note", "London", "lena", here)
    assert not may_write(LENA, "note", "North West", "lena", here)
