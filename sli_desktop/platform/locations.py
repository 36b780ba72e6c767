"""Where the app keeps its files on each platform, through platformdirs.

==========  ===========================================  ==========================================
            vault (data)                                 logs
==========  ===========================================  ==========================================
Linux       ``~/.local/share/sli-desktop``               ``~/.local/state/sli-desktop/log``
Windows     ``%LOCALAPPDATA%\\sli-desktop``               ``%LOCALAPPDATA%\\sli-desktop\\Logs``
macOS       ``~/Library/Application Support/sli-desktop``  ``~/Library/Logs/sli-desktop``
==========  ===========================================  ==========================================

Windows uses the local (not roaming) application data: a roaming profile would copy the
vault to a server at every sign-out. Settings are Qt's (``QSettings``) native store, named in
``settings``: the app keeps no secret in them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs
from platformdirs.api import PlatformDirsABC

from . import kind

APP = "sli-desktop"
ORGANISATION = "sli-desktop"  # QCoreApplication.organizationName in gui/main.py
APPLICATION = "SLI Desktop"  # QCoreApplication.applicationName


@dataclass(frozen=True)
class Locations:
    data_dir: Path
    log_dir: Path
    settings: str

    @property
    def vault(self) -> Path:
        return self.data_dir / "vault.sli"


def _dirs(platform: str | None) -> PlatformDirsABC:
    family = kind(platform)
    if family == "windows":
        from platformdirs.windows import Windows

        return Windows(APP, appauthor=False, roaming=False)
    if family == "macos":
        from platformdirs.macos import MacOS

        return MacOS(APP, appauthor=False)
    if platform is None:
        return platformdirs.PlatformDirs(APP, appauthor=False)
    from platformdirs.unix import Unix

    return Unix(APP, appauthor=False)


def _settings(platform: str | None) -> str:
    family = kind(platform)
    if family == "windows":
        return f"the registry, HKEY_CURRENT_USER\\Software\\{ORGANISATION}\\{APPLICATION}"
    if family == "macos":
        return f"~/Library/Preferences/com.{ORGANISATION}.{APPLICATION}.plist"
    return f"~/.config/{ORGANISATION}/{APPLICATION}.conf"


def for_platform(platform: str | None = None) -> Locations:
    dirs = _dirs(platform)
    return Locations(Path(dirs.user_data_dir), Path(dirs.user_log_dir), _settings(platform))
