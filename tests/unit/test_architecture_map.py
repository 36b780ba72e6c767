"""The map in docs/ARCHITECTURE.md names every module of the package, each under its own
folder, and nothing that is no longer there: a newcomer reads the map, not the tree."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "sli_desktop"
FOLDER = re.compile(r"^\*\*(?P<top>[a-z_]+)/\*\*|^\*(?P<sub>[a-z_]+)/\*")
NAME = re.compile(r"`([a-z0-9_]+\.py)`")


def map_blocks() -> dict[str, set[str]]:
    """Module names the map lists, by folder relative to the package ('' for its top)."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("\n## Map\n", 1)[1].split("\n## ", 1)[0]
    blocks: dict[str, set[str]] = {}
    top: str | None = None
    folder: str | None = None
    for line in section.splitlines():
        if line.startswith("**Top level.**"):
            top = folder = ""
        elif line.startswith("**Outside the package.**"):
            top = folder = None
        elif found := FOLDER.match(line):
            if found["top"]:
                top = folder = found["top"]
            elif top:
                folder = f"{top}/{found['sub']}"
        if folder is not None:
            blocks.setdefault(folder, set()).update(NAME.findall(line))
    return blocks


def tree() -> dict[str, set[str]]:
    modules: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if path.name == "__init__.py":
            continue  # a package's front door is named by its folder
        folder = path.parent.relative_to(PACKAGE).as_posix()
        modules.setdefault("" if folder == "." else folder, set()).add(path.name)
    return modules


def test_the_map_names_every_module_under_its_folder() -> None:
    listed = map_blocks()
    missing = {
        f"{folder}/{name}".lstrip("/")
        for folder, names in tree().items()
        for name in names
        if name not in listed.get(folder, set())
    }
    assert not missing, f"docs/ARCHITECTURE.md's map does not name: {sorted(missing)}"


def test_the_map_names_nothing_that_is_gone() -> None:
    present = tree()
    stale = {
        f"{folder}/{name}".lstrip("/")
        for folder, names in map_blocks().items()
        for name in names
        if name not in present.get(folder, set())
    }
    assert not stale, f"docs/ARCHITECTURE.md's map names modules that do not exist: {sorted(stale)}"


def test_the_map_is_read_by_folder() -> None:
    """The parser itself: a map without its folders would pass the tests above vacuously."""
    assert {"", "domain", "vault", "gui", "gui/views", "gui/dialogs", "server"} <= set(map_blocks())
