"""Counts are said as a person says them ("1 note", "2 notes"): no message the app shows or
prints may hedge with "(s)". Found by reading every string in the package."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sli_desktop"
HEDGED = re.compile(r"[a-z]\(s\)")


def hedged_strings() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and HEDGED.search(node.value)
            ):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}")
    return found


def test_no_message_says_s_in_brackets() -> None:
    assert not hedged_strings()


def test_the_check_sees_f_strings() -> None:
    tree = ast.parse('f"{n} page(s)"')
    assert any(
        isinstance(n, ast.Constant) and isinstance(n.value, str) and HEDGED.search(n.value)
        for n in ast.walk(tree)
    )
