"""No function in the server's storage package runs over 60 lines (issue 28): a newcomer reads
each step of the push, the feed or enrolment on one screen. Counted with ast from the ``def``
line to the last line of the body, docstring included."""

from __future__ import annotations

import ast
from pathlib import Path

import sli_desktop

LIMIT = 60
PACKAGE = Path(sli_desktop.__file__).parent
CHECKED = PACKAGE / "server" / "storage"


def long_functions(source: str, limit: int = LIMIT) -> list[tuple[str, int]]:
    """(qualified name, lines) of every function or method in ``source`` over ``limit``."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    lines = (child.end_lineno or child.lineno) - child.lineno + 1
                    if lines > limit:
                        found.append((name, lines))
                visit(child, f"{name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return found


def test_the_storage_package_has_no_function_over_60_lines() -> None:
    files = sorted(CHECKED.glob("*.py"))
    assert len(files) > 5, "the storage package is split into modules"
    over = {
        f"{path.name}: {name}": lines
        for path in files
        for name, lines in long_functions(path.read_text(encoding="utf-8"))
    }
    assert not over, f"functions over {LIMIT} lines: {over}"


def test_the_check_finds_a_long_method_and_a_nested_function() -> None:
    body = "\n".join(f"    x{n} = {n}" for n in range(LIMIT))
    source = f"class Store:\n    def push(self):\n    {body.replace(chr(10), chr(10) + '    ')}\n"
    source += f"def outer():\n    def inner():\n    {body.replace(chr(10), chr(10) + '    ')}\n"
    names = [name for name, _lines in long_functions(source)]
    assert names == ["Store.push", "outer", "outer.inner"]
    assert long_functions("def short():\n    return 1\n") == []
