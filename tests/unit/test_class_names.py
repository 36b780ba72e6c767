"""Every class in sli_desktop has a name of its own (issue 28): two ``Cancelled`` or two
``Change`` classes read as one idea, and an ``except`` or an import can pick the wrong one."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sli_desktop"


def duplicate_class_names(root: Path) -> dict[str, list[str]]:
    """Each class name defined more than once under ``root``, with where (path:line)."""
    where: defaultdict[str, list[str]] = defaultdict(list)
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                where[node.name].append(f"{path.relative_to(root.parent)}:{node.lineno}")
    return {name: places for name, places in sorted(where.items()) if len(places) > 1}


def test_no_two_classes_in_the_package_share_a_name() -> None:
    assert duplicate_class_names(PACKAGE) == {}


def test_the_check_finds_a_name_used_twice(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "a.py").write_text("class Cancelled(Exception):\n    pass\n")
    (package / "sub" / "b.py").write_text("def f() -> None:\n    class Cancelled:\n        pass\n")
    (package / "c.py").write_text("class Other:\n    pass\n")
    assert duplicate_class_names(package) == {
        "Cancelled": ["pkg/a.py:1", "pkg/sub/b.py:2"],
    }
