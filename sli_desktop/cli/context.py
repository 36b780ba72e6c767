"""Per-invocation state: which vault, how to get the passphrase, and opening it once."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from ..vault import session
from ..vault.expiry import check_offline
from ..vault.keystore import KeyStore, system_keystore
from ..vault.passphrase import given_passphrase, read_secret_file
from ..vault.store import Vault

#: Commands that still run when the device has been offline too long (vault/expiry.py): the
#: sync that reopens it, enrolment, and looking after the vault file itself.
OFFLINE_ALLOWED = frozenset(
    {"sync", "enroll", "init", "passphrase", "vault", "backup", "restore", "server"}
)


class UsageError(Exception):
    """A mistake in how the command was called: exit 2 with this one sentence."""


@dataclass
class Context:
    args: argparse.Namespace
    keystore_factory: Callable[[], KeyStore | None] = system_keystore
    _vault: Vault | None = field(default=None, init=False)
    _keystore: KeyStore | None = field(default=None, init=False)
    _keystore_loaded: bool = field(default=False, init=False)

    @property
    def vault_path(self) -> Path:
        given = getattr(self.args, "vault", None)
        return Path(given).expanduser() if given else paths.default_vault()

    @property
    def keystore(self) -> KeyStore | None:
        if not self._keystore_loaded:
            self._keystore = self.keystore_factory()
            self._keystore_loaded = True
        return self._keystore

    def given_passphrase(self) -> str | None:
        """SLI_PASSPHRASE, then --passphrase-file; None if neither was given."""
        return given_passphrase(getattr(self.args, "passphrase_file", None))

    def prompt(self, label: str) -> str:
        if not sys.stdin or not sys.stdin.isatty():
            raise UsageError(
                "a passphrase is needed: set SLI_PASSPHRASE, use --passphrase-file, "
                "or run in a terminal"
            )
        try:
            return getpass.getpass(f"{label}: ")
        except (EOFError, KeyboardInterrupt):
            raise UsageError("no passphrase given") from None

    def new_passphrase(self, env: str = "SLI_NEW_PASSPHRASE", file_arg: str = "") -> str:
        value = os.environ.get(env)
        if not value and file_arg and getattr(self.args, file_arg, None):
            value = read_secret_file(Path(getattr(self.args, file_arg)))
        if value:
            return value
        first = self.prompt("New passphrase")
        if self.prompt("Repeat the new passphrase") != first:
            raise UsageError("the two passphrases differ")
        return first

    def vault(self) -> Vault:
        """The unlocked vault: given passphrase, else the remembered key, else a prompt."""
        if self._vault is None:
            passphrase = self.given_passphrase()
            if passphrase is None:
                try:
                    self._vault = session.unlock(self.vault_path, keystore=self.keystore)
                except session.PassphraseNeeded:
                    passphrase = self.prompt(f"Passphrase for {self.vault_path}")
            if self._vault is None:
                self._vault = session.unlock(self.vault_path, passphrase)
            if getattr(self.args, "command", None) not in OFFLINE_ALLOWED:
                check_offline(self._vault)
        return self._vault

    def close(self) -> None:
        if self._vault is not None:
            self._vault.close()
            self._vault = None
