"""Where an unattended passphrase comes from, for every front end alike (``sli``,
``sli-desktop --screenshot``): ``SLI_PASSPHRASE``, then a passphrase file."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import VaultError


class PassphraseFileError(VaultError):
    """A passphrase file that cannot serve: the sentence says which and why."""


def read_secret_file(path: Path, what: str = "passphrase file") -> str:
    """The file's first line as the secret (a trailing newline is not part of it); ``what``
    names the file in the sentence when it cannot serve."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PassphraseFileError(f"{what} {path} does not exist") from None
    except (OSError, UnicodeDecodeError):
        raise PassphraseFileError(f"{what} {path} cannot be read") from None
    value = text.rstrip("\r\n")
    if not value:
        raise PassphraseFileError(f"{what} {path} is empty")
    return value


def given_passphrase(passphrase_file: str | None) -> str | None:
    """``SLI_PASSPHRASE``, else the file's contents; None when neither was given."""
    env = os.environ.get("SLI_PASSPHRASE")
    if env:
        return env
    if passphrase_file:
        return read_secret_file(Path(passphrase_file))
    return None
