"""Where an unattended passphrase comes from, for every front end alike (``sli``,
``sli-desktop --screenshot``): ``SLI_PASSPHRASE``, then a passphrase file."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import VaultError


class PassphraseFileError(VaultError):
    """A passphrase file that cannot serve: the sentence says which and why."""


def read_secret_file(path: Path) -> str:
    """The file's first line as the secret (a trailing newline is not part of it)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PassphraseFileError(f"passphrase file {path} does not exist") from None
    except (OSError, UnicodeDecodeError):
        raise PassphraseFileError(f"passphrase file {path} cannot be read") from None
    value = text.rstrip("\r\n")
    if not value:
        raise PassphraseFileError(f"passphrase file {path} is empty")
    return value


def given_passphrase(passphrase_file: str | None) -> str | None:
    """``SLI_PASSPHRASE``, else the file's contents; None when neither was given."""
    env = os.environ.get("SLI_PASSPHRASE")
    if env:
        return env
    if passphrase_file:
        return read_secret_file(Path(passphrase_file))
    return None
