"""Issue #27: what the Windows and macOS builds are made from. The icons are drawn for real;
the dependency check's own reasoning (the target's markers, which pip ignores) is checked
offline; the spec, installer, bundle and workflow are read for what they must say."""

from __future__ import annotations

import json
import os
import plistlib
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))

import check_platforms  # noqa: E402
import make_icons  # noqa: E402

APP_ID = "uk.gov.local.SliDesktop"


# -- icons ------------------------------------------------------------------------------------


def draw_icons(out: Path) -> tuple[Path, Path]:
    """In a child: the script makes a QGuiApplication, which must not become this process's
    (pytest-qt's QApplication could not be made after it)."""
    done = subprocess.run(
        [sys.executable, str(PACKAGING / "make_icons.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return out / "sli-desktop.ico", out / "sli-desktop.icns"


@pytest.fixture(scope="module")
def icons(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return draw_icons(tmp_path_factory.mktemp("icons"))


def test_the_ico_holds_every_size_windows_asks_for(icons: tuple[Path, Path]) -> None:
    from PIL import Image

    with Image.open(icons[0]) as ico:
        assert ico.format == "ICO"
        assert sorted(ico.info["sizes"]) == [(s, s) for s in make_icons.ICO_SIZES]
        for size in (16, 48, 256):
            ico.size = (size, size)
            ico.load()
            frame = ico.convert("RGBA")
            # The SVG's blue square, drawn: opaque blue inside, transparent at the corner.
            r, g, b, a = frame.getpixel((size * 12 // 64, size // 2))
            assert a == 255 and b > 120 and r < 60, (size, (r, g, b, a))
            assert frame.getpixel((0, 0))[3] == 0


def test_the_icns_holds_the_retina_sizes(icons: tuple[Path, Path]) -> None:
    from PIL import Image

    with Image.open(icons[1]) as icns:
        assert icns.format == "ICNS" and icns.size == (1024, 1024)
        assert {(512, 512, 2), (256, 256, 2), (128, 128, 1), (16, 16, 2)} <= set(icns.info["sizes"])


def test_the_icons_come_out_the_same_every_time(icons: tuple[Path, Path], tmp_path: Path) -> None:
    again = draw_icons(tmp_path)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in icons]


# -- the dependency check ---------------------------------------------------------------------

# Requirements as the wheels' metadata states them (keyring 25, psycopg 3, click 8).
REQUIRES = {
    "keyring": [
        'pywin32-ctypes>=0.2.0; sys_platform == "win32"',
        'SecretStorage>=3.2; sys_platform == "linux"',
        'jeepney>=0.4.2; sys_platform == "linux"',
        "jaraco.classes",
    ],
    "psycopg": [
        'psycopg-binary==3.2.3; implementation_name != "pypy" and extra == "binary"',
        'tzdata; sys_platform == "win32"',
    ],
    "click": ['colorama; platform_system == "Windows"'],
}


def needed_on(target: str) -> set[str]:
    environment = {**check_platforms.COMMON, **check_platforms.TARGETS[target]}
    top = ["keyring>=25", "psycopg[binary]>=3", "click"]
    return set(check_platforms.needed(top, REQUIRES, environment))


def test_windows_needs_what_only_windows_markers_ask_for() -> None:
    assert needed_on("win_amd64") == {
        "keyring",
        "pywin32-ctypes",
        "jaraco-classes",
        "psycopg",
        "psycopg-binary",
        "tzdata",
        "click",
        "colorama",
    }


def test_macos_needs_neither_windows_nor_linux_packages() -> None:
    assert needed_on("macosx_14_0_arm64") == {
        "keyring",
        "jaraco-classes",
        "psycopg",
        "psycopg-binary",
        "click",
    }


def test_the_check_covers_what_the_platform_jobs_install() -> None:
    wanted = check_platforms.project_requirements()
    assert any(r.startswith("PySide6-Essentials") for r in wanted)
    assert any(r.startswith("pytest") for r in wanted)  # the unit tests run there
    assert any(r.startswith("pyinstaller") for r in wanted)  # and the build
    pins = check_platforms.installed_pins()
    assert any(p.startswith("sqlcipher3==") for p in pins)
    assert not any(p.startswith("sli-desktop==") for p in pins)


def test_make_check_platforms_runs_it_and_ci_runs_that_before_the_tests() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^check-platforms:.*\n\t.*packaging/check_platforms\.py", makefile, re.M)
    ci = (ROOT / ".ci" / "run").read_text()
    assert 0 <= ci.index("\nmake check-platforms\n") < ci.index("\nmake test\n")


# -- keyring backends -------------------------------------------------------------------------


def test_keyring_backends_are_declared_for_each_platform() -> None:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.startswith("keyring") for d in deps)
    windows = [d for d in deps if d.startswith("pywin32-ctypes")]
    assert len(windows) == 1 and "sys_platform == 'win32'" in windows[0]


# -- the Windows installer and the macOS bundle -----------------------------------------------


def test_the_windows_installer_installs_per_user_from_the_build() -> None:
    iss = (PACKAGING / "windows" / "sli-desktop.iss").read_text()
    settings = dict(
        line.split("=", 1) for line in iss.splitlines() if re.match(r"^[A-Za-z]+=", line)
    )
    assert settings["PrivilegesRequired"] == "lowest"  # no administrator needed
    assert settings["DefaultDirName"] == "{autopf}\\SLI Desktop"  # %LOCALAPPDATA%\Programs
    assert settings["SetupIconFile"].endswith("build\\icons\\sli-desktop.ico")
    assert settings["OutputBaseFilename"] == "sli-desktop-{#AppVersion}-windows-x64-setup"
    assert re.match(r"\{\{[0-9A-F-]{36}\}$", settings["AppId"])
    assert 'Source: "{#Root}\\dist\\sli-desktop\\*"' in iss
    assert "{app}\\sli-desktop.exe" in iss


def test_the_macos_bundle_is_described_and_hardened() -> None:
    info = plistlib.loads((PACKAGING / "macos" / "Info.plist").read_bytes())
    assert info["CFBundleIdentifier"] == APP_ID
    assert info["LSMinimumSystemVersion"] == "14.0"  # PySide6 6.12's wheels need it
    assert info["NSHighResolutionCapable"] is True
    entitlements = plistlib.loads((PACKAGING / "macos" / "entitlements.plist").read_bytes())
    # libffi closures (ctypes callbacks: the screen-lock observer) and nothing else.
    assert entitlements == {"com.apple.security.cs.allow-unsigned-executable-memory": True}
    sign = (PACKAGING / "macos" / "sign-and-notarise.sh").read_text()
    for step in ("--options runtime", "notarytool submit", "stapler staple", "hdiutil create"):
        assert step in sign


# -- the hosted-runner workflow ---------------------------------------------------------------


def test_the_workflow_builds_tests_and_keeps_installers_on_windows_and_macos() -> None:
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "platforms.yml").read_text())
    build = flow["jobs"]["build"]
    runners = {entry["os"] for entry in build["strategy"]["matrix"]["include"]}
    assert any(r.startswith("windows") for r in runners)
    assert any(r.startswith("macos") for r in runners)
    runs = "\n".join(str(step.get("run", "")) for step in build["steps"])
    assert "pip install -e" in runs and "pytest tests/unit" in runs
    assert "pyinstaller" in runs and "packaging/sli-desktop.spec" in runs
    self_tests = [s for s in build["steps"] if "--self-test" in str(s.get("run", ""))]
    assert {s["if"] for s in self_tests} == {"runner.os == 'Windows'", "runner.os == 'macOS'"}
    assert all("Copy-Item" in s["run"] or "ditto" in s["run"] for s in self_tests)  # a copy
    assert "iscc" in runs and "sign-and-notarise.sh" in runs
    upload = [s for s in build["steps"] if str(s.get("uses", "")).startswith("actions/upload")]
    assert upload and "setup.exe" in upload[0]["with"]["path"]
    assert "check_platforms.py" in str(flow["jobs"]["wheels"]["steps"])


# The spec run as PyInstaller would run it, with its build steps recorded instead of made
# (PyInstaller is not installed here), once per platform, in a child: sys.platform changes.
SPEC_CHILD = r"""
import json, sys, types
import PySide6.QtCore, PySide6.QtGui, PySide6.QtSvg  # before the platform changes
import PIL.Image, PIL.IcoImagePlugin, PIL.IcnsImagePlugin

spec_path, platform = sys.argv[1], sys.argv[2]
hooks = types.ModuleType("PyInstaller.utils.hooks")
hooks.collect_data_files = lambda *a, **k: []
hooks.collect_submodules = lambda name: [name + ".*"]
hooks.copy_metadata = lambda *a, **k: []
for name in ("PyInstaller", "PyInstaller.utils"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["PyInstaller.utils.hooks"] = hooks
made = {}

class Step:
    def __init__(self, *args, **kwargs):
        self.binaries, self.datas, self.pure, self.scripts = [], [], [], []

def step(name):
    def record(*args, **kwargs):
        made.setdefault(name, []).append(kwargs)
        return Step()
    return record

sys.platform = platform
namespace = {"SPECPATH": str(__import__("pathlib").Path(spec_path).parent)}
namespace.update({n: step(n) for n in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")})
exec(compile(open(spec_path).read(), spec_path, "exec"), namespace)
print(json.dumps(made, default=str))
"""


def run_spec(platform: str) -> dict[str, list[dict[str, object]]]:
    done = subprocess.run(
        [sys.executable, "-c", SPEC_CHILD, str(PACKAGING / "sli-desktop.spec"), platform],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    made: dict[str, list[dict[str, object]]] = json.loads(done.stdout.splitlines()[-1])
    return made


@pytest.mark.parametrize("platform", ["linux", "win32", "darwin"])
def test_the_spec_runs_each_platforms_branch(platform: str) -> None:
    made = run_spec(platform)
    hidden = set(made["Analysis"][0]["hiddenimports"])  # type: ignore[arg-type]
    gui, cli = made["EXE"]
    assert (gui["name"], gui["console"], cli["name"], cli["console"]) == (
        "sli-desktop",
        False,
        "sli",
        True,
    )
    if platform == "win32":
        assert {"keyring.backends.Windows", "win32ctypes.core"} <= hidden
        assert str(gui["icon"]).endswith("sli-desktop.ico") and Path(str(gui["icon"])).exists()
        assert gui["strip"] is False and "BUNDLE" not in made
    elif platform == "darwin":
        assert {"keyring.backends.macOS", "keyring.backends.macOS.api"} <= hidden
        assert str(gui["icon"]).endswith("sli-desktop.icns") and Path(str(gui["icon"])).exists()
        assert str(gui["entitlements_file"]).endswith("entitlements.plist")
        (bundle,) = made["BUNDLE"]
        info = bundle["info_plist"]
        assert isinstance(info, dict) and bundle["bundle_identifier"] == APP_ID
        version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
        assert info["CFBundleShortVersionString"] == version
    else:  # Linux: as before issue 27
        assert {"keyring.backends.SecretService", "secretstorage", "jeepney"} <= hidden
        assert gui["icon"] is None and gui["strip"] is True and "BUNDLE" not in made
