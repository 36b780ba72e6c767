"""The wheel's explicit package list must name every package in the tree, or a module
silently goes missing from an installed app."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "sli_desktop").rglob("__init__.py")
    }
    assert on_disk <= listed, f"missing from pyproject packages: {sorted(on_disk - listed)}"
    for mapped, folder in config["package-dir"].items():
        assert (ROOT / folder / "__init__.py").exists(), f"{mapped} -> {folder} has no package"
