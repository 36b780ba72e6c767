"""``make check-platforms``: would every dependency install from a wheel on Windows x64 and on
macOS 14 arm64, at the versions this environment runs? Exit 1, naming what would not.

For each target, pip resolves the project's dependencies (with the ``test`` and ``package``
extras the Windows and macOS CI jobs install) in ``--dry-run`` mode with
``--only-binary=:all:`` and that platform's wheel tags, pinned by ``--constraint`` to the
versions installed here: anything that would have to be compiled fails to resolve.

pip evaluates environment markers for the machine it runs on, not for ``--platform`` (a
known limitation), so on Linux it would skip ``pywin32-ctypes; sys_platform == "win32"`` and
keep ``SecretStorage; sys_platform == "linux"``. So the requirements are walked again here
with the target's markers: whatever the target needs that pip left out is added and the
resolution repeated, and what only Linux needs is left out of the count.

Usage: ``python packaging/check_platforms.py [--target win_amd64|macosx_14_0_arm64]...``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement  # pytest's dependency: in .[test]
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYTHON = "3.11"
EXTRAS = ("test", "package")

# The marker environment of each target, as Python 3.11 reports it there.
TARGETS: dict[str, dict[str, str]] = {
    "win_amd64": {
        "os_name": "nt",
        "sys_platform": "win32",
        "platform_system": "Windows",
        "platform_machine": "AMD64",
        "platform_release": "10",
        "platform_version": "10.0.22631",
    },
    "macosx_14_0_arm64": {
        "os_name": "posix",
        "sys_platform": "darwin",
        "platform_system": "Darwin",
        "platform_machine": "arm64",
        "platform_release": "23.6.0",
        "platform_version": "Darwin Kernel Version 23.6.0",
    },
}
COMMON = {
    "implementation_name": "cpython",
    "implementation_version": f"{PYTHON}.9",
    "platform_python_implementation": "CPython",
    "python_version": PYTHON,
    "python_full_version": f"{PYTHON}.9",
}


@dataclass
class Resolution:
    target: str
    ok: bool
    packages: dict[str, str] = field(default_factory=dict)  # name -> wheel file
    not_needed: list[str] = field(default_factory=list)  # resolved for Linux markers only
    error: str = ""


def project_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in EXTRAS:
        wanted += project["optional-dependencies"][extra]
    return wanted


def installed_pins(exclude: str = "sli-desktop") -> list[str]:
    """``name==version`` for everything installed here: the versions to check."""
    pins = {}
    for dist in metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"] or "")
        if name and name != exclude:
            pins[name] = f"{name}=={dist.version}"
    return sorted(pins.values())


def applies(requirement: Requirement, environment: dict[str, str], extras: Iterable[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(
        requirement.marker.evaluate({**environment, "extra": extra}) for extra in ("", *extras)
    )


def needed(
    top: list[str], requires: dict[str, list[str]], environment: dict[str, str]
) -> dict[str, set[str]]:
    """Every distribution the target needs (name -> extras asked of it), following each
    resolved package's own requirements under the target's markers."""
    found: dict[str, set[str]] = {}
    queue: list[tuple[Requirement, tuple[str, ...]]] = [(Requirement(t), ()) for t in top]
    while queue:
        requirement, parent_extras = queue.pop()
        if not applies(requirement, environment, parent_extras):
            continue
        name = canonicalize_name(requirement.name)
        extras = set(requirement.extras)
        if name in found and extras <= found[name]:
            continue
        found.setdefault(name, set()).update(extras)
        for text in requires.get(name, []):
            queue.append((Requirement(text), tuple(found[name])))
    return found


def pip_resolve(target: str, wanted: list[str], pins: Path) -> tuple[dict[str, object], str]:
    with tempfile.TemporaryDirectory(prefix="sli-check-platforms-") as tmp:
        report = Path(tmp) / "report.json"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--dry-run",
                "--quiet",
                "--ignore-installed",
                "--only-binary=:all:",
                "--platform",
                target,
                "--python-version",
                PYTHON,
                "--implementation",
                "cp",
                "--abi",
                f"cp{PYTHON.replace('.', '')}",
                "--constraint",
                str(pins),
                "--report",
                str(report),
                *wanted,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            lines = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
            return {}, "\n".join(lines) or done.stderr.strip()
        return json.loads(report.read_text(encoding="utf-8")), ""


def resolve(target: str, top: list[str], pins: Path) -> Resolution:
    environment = {**COMMON, **TARGETS[target]}
    wanted = list(top)
    for _ in range(5):  # each pass adds what the target's markers want; a fixed point is quick
        report, error = pip_resolve(target, wanted, pins)
        if error:
            return Resolution(target, ok=False, error=error)
        installs = report["install"]
        assert isinstance(installs, list)
        wheels: dict[str, str] = {
            canonicalize_name(item["metadata"]["name"]): item["download_info"]["url"].rsplit("/")[
                -1
            ]
            for item in installs
        }
        requires: dict[str, list[str]] = {
            canonicalize_name(item["metadata"]["name"]): item["metadata"].get("requires_dist", [])
            for item in installs
        }
        need = needed(top, requires, environment)
        missing = sorted(set(need) - set(wheels))
        if not missing:
            break
        wanted += [f"{name}[{','.join(sorted(need[name]))}]" for name in missing]
    else:
        return Resolution(target, ok=False, error=f"still missing after five passes: {missing}")
    built = sorted(name for name, wheel in wheels.items() if not wheel.endswith(".whl"))
    if built:  # --only-binary makes this impossible; say so plainly if pip ever changes
        return Resolution(target, ok=False, error=f"not wheels: {', '.join(built)}")
    packages = {name: wheels[name] for name in sorted(need)}
    return Resolution(
        target, ok=True, packages=packages, not_needed=sorted(set(wheels) - set(need))
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", action="append", choices=sorted(TARGETS))
    parser.add_argument("--verbose", action="store_true", help="list every wheel")
    args = parser.parse_args(argv)
    top = project_requirements()
    failed = False
    with tempfile.NamedTemporaryFile("w", suffix=".txt", prefix="sli-pins-") as pins:
        pins.write("\n".join(installed_pins()) + "\n")
        pins.flush()
        for target in args.target or list(TARGETS):
            result = resolve(target, top, Path(pins.name))
            if not result.ok:
                failed = True
                print(f"check-platforms: {target}: would not install from wheels alone:")
                print(f"  {result.error}")
                continue
            native = [n for n, w in result.packages.items() if not w.endswith("-none-any.whl")]
            print(
                f"check-platforms: {target}: {len(result.packages)} packages, all wheels "
                f"({len(native)} built for the platform: {', '.join(native)})"
            )
            if args.verbose:
                for wheel in result.packages.values():
                    print(f"  {wheel}")
                if result.not_needed:
                    print(f"  (resolved for Linux only: {', '.join(result.not_needed)})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
