"""Every path the app uses, in one place, with overrides for tests and frozen builds."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .platform import locations

APP = locations.APP


def data_dir() -> Path:
    """The platform's per-user data folder (see ``platform/locations.py`` for each)."""
    return locations.for_platform().data_dir


def default_vault() -> Path:
    """``SLI_VAULT`` wins; otherwise one vault per user in the platform data dir."""
    env = os.environ.get("SLI_VAULT")
    return Path(env).expanduser() if env else data_dir() / "vault.sli"


def default_server_db() -> str:
    return f"sqlite:///{data_dir() / 'server.sqlite'}"


def package_root() -> Path:
    """Where ui/ and resources/ live: inside the wheel, or unpacked by PyInstaller."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) / "sli_desktop" if frozen else Path(__file__).resolve().parent
