"""The wheel's explicit package list must name every package in the tree, or a module
silently goes missing from an installed app."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

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


# -- the installable app (issue 7) --------------------------------------------------------------

APP_ID = "uk.gov.local.SliDesktop"
LINUX = ROOT / "packaging" / "linux"


def _pyproject_version() -> str:
    return str(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"])


def test_the_running_version_is_the_one_in_pyproject() -> None:
    """One version: pyproject.toml, read at run time from the installed metadata."""
    from sli_desktop import __version__
    from sli_desktop.cli.app import main

    assert __version__ == _pyproject_version(), "reinstall: pip install -e '.[test]'"
    with pytest.raises(SystemExit) as done:
        from sli_desktop.gui.main import parse

        parse(["--version"])
    assert done.value.code == 0
    assert main(["--version"]) == 0


def test_the_changelog_has_a_section_for_this_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text("utf-8")
    assert "Keep a Changelog" in text
    assert "## [Unreleased]" in text
    assert re.search(
        rf"^## \[{re.escape(_pyproject_version())}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, re.M
    )


def test_appstream_metadata_is_valid_and_names_this_version() -> None:
    path = LINUX / f"{APP_ID}.metainfo.xml"
    root = ElementTree.parse(path).getroot()  # well-formed, or this raises
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    releases = [r.get("version") for r in root.iter("release")]
    assert releases and releases[0] == _pyproject_version(), "add a <release> for the new version"
    if shutil.which("appstreamcli"):
        done = subprocess.run(
            ["appstreamcli", "validate", "--no-net", str(path)], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_desktop_entry_starts_the_gui_script_with_the_packaged_icon() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(LINUX / f"{APP_ID}.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Name"] == "SLI Desktop"
    assert section["Icon"] == APP_ID
    assert section["StartupWMClass"] == APP_ID
    assert section["Categories"].endswith(";")
    gui_scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["gui-scripts"]
    assert section["Exec"].split()[0] in gui_scripts
    icon = ElementTree.parse(LINUX / f"{APP_ID}.svg").getroot()
    assert icon.tag == "{http://www.w3.org/2000/svg}svg"
    # The same artwork as the window's icon: one to change, not two to keep in step.
    assert (LINUX / f"{APP_ID}.svg").read_bytes() == (
        ROOT / "resources" / "app-icon.svg"
    ).read_bytes()


def test_systemd_unit_is_hardened_and_verifies() -> None:
    unit = (ROOT / "packaging" / "server" / "sli-sync.service").read_text("utf-8")
    for option in (
        "User=sli-sync",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "PrivateTmp=yes",
        "StateDirectory=sli-sync",
        "ProtectHome=yes",
    ):
        assert f"\n{option}\n" in unit, option
    assert "--log-format" in unit
    if shutil.which("systemd-analyze"):
        done = subprocess.run(
            ["systemd-analyze", "verify", str(ROOT / "packaging" / "server" / "sli-sync.service")],
            capture_output=True,
            text=True,
        )
        # Unknown keys and bad values are warnings naming the file, with exit status 0.
        assert done.returncode == 0 and "sli-sync.service" not in done.stderr, done.stderr


def test_the_wheel_carries_forms_resources_and_both_commands(tmp_path: Path) -> None:
    """What `pip install .` installs, built the way pip builds it (isolated, pyproject's
    build requirements)."""
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"),
            *("--wheel-dir", str(tmp_path), str(ROOT)),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("sli_desktop-*.whl")
    assert wheel.name.startswith(f"sli_desktop-{_pyproject_version()}-")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        scripts = archive.read(entry_points).decode()
    for form in (ROOT / "ui").glob("*.ui"):
        assert f"sli_desktop/ui/{form.name}" in names
    for svg in (ROOT / "resources").rglob("*.svg"):
        assert f"sli_desktop/resources/{svg.relative_to(ROOT / 'resources')}" in names
    assert "sli_desktop/resources/app.qss" in names
    assert "sli = sli_desktop.cli.app:run" in scripts
    assert "sli-desktop = sli_desktop.gui.main:run" in scripts
