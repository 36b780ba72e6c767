"""What the operating system calls the store "remember on this device" puts the key in, so
the window and the command line can name it rather than say "OS keyring"."""

from __future__ import annotations

from . import kind

_STORES = {
    "windows": "Windows Credential Manager",
    "macos": "the macOS keychain",
    "posix": "the desktop keyring",
}


def store_name(platform: str | None = None) -> str:
    """The store's name, to follow "in" in a sentence: "Windows Credential Manager"."""
    return _STORES[kind(platform)]


def remember_label(platform: str | None = None) -> str:
    """The "remember" checkbox's text, naming where the key would go."""
    return f"&Remember on this device, in {store_name(platform)}"


def unavailable(platform: str | None = None) -> str:
    """Why the checkbox is greyed out, in one sentence."""
    name = store_name(platform)
    return f"{name[0].upper()}{name[1:]} is not available on this device."
