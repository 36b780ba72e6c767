"""The architecture's rules, enforced: services import no Qt, only vault imports sqlcipher3,
and the server shares only domain and the sync protocol with the client."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "sli_desktop"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the file's package
                parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level]
                base = ".".join([*parts, base]) if base else ".".join(parts)
            found.add(base)
    return found


def _modules(folder: str = "") -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layer_rules(path: Path) -> None:
    rel = path.relative_to(PACKAGE).as_posix()
    imports = _imports(path)
    in_gui = rel.startswith("gui/")
    if not in_gui:
        qt = sorted(i for i in imports if i.startswith(("PySide6", "sli_desktop.gui")))
        assert not qt, f"{rel} imports Qt or the GUI: {qt}"
    if not rel.startswith("vault/"):
        assert not any(i.startswith("sqlcipher3") for i in imports), f"{rel} imports sqlcipher3"
    if in_gui:
        assert not any(i.startswith(("sqlite3", "sqlcipher3")) for i in imports), rel
    if rel.startswith("domain/"):
        bad = sorted(
            i
            for i in imports
            if i.startswith("sli_desktop.") and not i.startswith("sli_desktop.domain")
        )
        assert not bad, f"the domain depends on {bad}"
