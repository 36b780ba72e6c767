"""mypy is strict for the whole package (issue 28): the configuration may not quietly narrow
that to a few layers again, and a ``type: ignore`` names its error and says why."""

from __future__ import annotations

import re
import textwrap
import tomllib
from pathlib import Path
from typing import Any

from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "sli_desktop"
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<code>\[[a-z0-9-, ]+\])?(?P<after>.*)$")
# Options that `strict` turns on: an override that turns one off weakens some modules.
STRICT_FLAGS = {
    "warn_unused_configs",
    "disallow_any_generics",
    "disallow_subclassing_any",
    "disallow_untyped_calls",
    "disallow_untyped_defs",
    "disallow_incomplete_defs",
    "check_untyped_defs",
    "disallow_untyped_decorators",
    "warn_redundant_casts",
    "warn_unused_ignores",
    "warn_return_any",
    "no_implicit_reexport",
    "strict_equality",
    "extra_checks",
}


def mypy_config() -> dict[str, Any]:
    """[tool.mypy] as parsed TOML (nested tables and lists, so Any)."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        config: dict[str, Any] = tomllib.load(file)["tool"]["mypy"]
    return config


def unexplained_ignores(path: Path) -> list[str]:
    """``type: ignore`` comments in ``path`` without an error code, or without a reason
    (after it on the line, or in a comment on the line above)."""
    found: list[str] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        match = IGNORE.search(line)
        if match is None:
            continue
        above = lines[number - 2].strip() if number > 1 else ""
        reason = match["after"].strip().startswith("#") or above.startswith("#")
        if match["code"] is None or not reason:
            found.append(f"{path.name}:{number}: {line.strip()}")
    return found


def test_mypy_is_strict_for_the_whole_package() -> None:
    config = mypy_config()
    assert config["strict"] is True
    assert "ignore_missing_imports" not in config  # a typo'd import would pass unseen
    for override in config.get("overrides", []):
        assert not STRICT_FLAGS & {k for k, v in override.items() if v is False}, override
        assert override.get("strict", True) is True, override
        assert not any(m.startswith("sli_desktop") for m in override["module"]), override


def test_every_type_ignore_in_the_package_names_its_error_and_why() -> None:
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) for hit in unexplained_ignores(path)]
    assert found == []


def test_the_ignore_check_finds_a_bare_or_unexplained_ignore(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "a = f()  # type: ignore\n"
        "b = f()  # type: ignore[misc]\n"
        "c = f()  # type: ignore[misc]  # the library is untyped\n"
        "# The stubs want bytes here; the library takes str.\n"
        "d = f()  # type: ignore[call-overload]\n"
    )
    assert unexplained_ignores(source) == [
        "m.py:1: a = f()  # type: ignore",
        "m.py:2: b = f()  # type: ignore[misc]",
    ]


def mypy_errors(source: str, module: Path) -> list[str]:
    """mypy's error lines for ``source`` written to ``module``, checked as the package is (its
    config and cache). Each source needs a module of its own: mypy's cache would take a
    rewrite of the same size in the same second for the file it already checked."""
    module.write_text(textwrap.dedent(source))
    report, _, _ = mypy_api.run(
        [
            str(module),
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
        ]
    )
    return [line for line in report.splitlines() if ": error:" in line]


TASK_SNIPPET = """
    from PySide6.QtWidgets import QWidget

    from sli_desktop.gui.tasks import Progress, Task, vault_task
    from sli_desktop.vault.store import Vault


    def count(progress: Progress) -> int:
        return 1


    def count_in(progress: Progress, vault: Vault) -> int:
        return 1


    def said(text: {wanted}) -> None:
        pass


    def build(parent: QWidget, vault: Vault) -> None:
        Task(parent, "Counting", count).success(said).run()
        vault_task(parent, "Counting", vault, count_in).success(said).run()
"""


def test_a_task_hands_its_success_callback_what_its_work_returned(tmp_path: Path) -> None:
    assert mypy_errors(TASK_SNIPPET.format(wanted="int"), tmp_path / "wants_int.py") == []
    errors = mypy_errors(TASK_SNIPPET.format(wanted="str"), tmp_path / "wants_str.py")
    assert len(errors) == 2, errors
    assert all('expected "Callable[[int], None]"' in e for e in errors), errors
