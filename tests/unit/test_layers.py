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
        assert not any(i.startswith("sli_desktop.cli") for i in imports), (
            f"{rel}: the GUI and the CLI are siblings over the services"
        )
        assert not any(i.startswith(("sqlite3", "sqlcipher3")) for i in imports), rel
    if rel.startswith("domain/"):
        bad = sorted(
            i
            for i in imports
            if i.startswith("sli_desktop.") and not i.startswith("sli_desktop.domain")
        )
        assert not bad, f"the domain depends on {bad}"


def _imported_names(path: Path) -> set[str]:
    """Like ``_imports``, but ``from X import y`` gives ``X.y`` (y may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = path.relative_to(PACKAGE.parent).with_suffix("").parts[: -node.level]
                base = ".".join([*parts, base]) if base else ".".join(parts)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


SERVER_MAY_USE = ("sli_desktop.domain", "sli_desktop.sync.protocol", "sli_desktop.server")


@pytest.mark.parametrize("path", _modules("server"), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_server_shares_only_domain_and_the_sync_protocol(path: Path) -> None:
    ours = {i for i in _imported_names(path) if i.startswith("sli_desktop.")}
    bad = sorted(
        i for i in ours if not i.startswith(SERVER_MAY_USE) and i != "sli_desktop.__version__"
    )
    assert not bad, f"{path.relative_to(PACKAGE)} imports client code: {bad}"


def test_the_sync_package_imports_nothing_on_its_own() -> None:
    """The server imports sli_desktop.sync.protocol; the package must not drag in the client."""
    assert not _imports(PACKAGE / "sync" / "__init__.py")
    assert not {
        i for i in _imports(PACKAGE / "sync" / "protocol.py") if i.startswith("sli_desktop")
    }
