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
from .output import warn

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

    def prompt(self, label: str, needed: str = "", nothing: str = "no passphrase given") -> str:
        """Ask on the terminal, never echoing; ``needed`` says where else the secret can come
        from when there is no terminal to ask on."""
        if not sys.stdin or not sys.stdin.isatty():
            raise UsageError(
                needed
                or "a passphrase is needed: set SLI_PASSPHRASE, use --passphrase-file, "
                "or run in a terminal"
            )
        try:
            return getpass.getpass(f"{label}: ")
        except (EOFError, KeyboardInterrupt):
            raise UsageError(nothing) from None

    def ask(self, label: str) -> str:
        """Ask for something that is not secret, on the terminal, echoing what is typed."""
        try:
            return input(f"{label}: ")
        except (EOFError, KeyboardInterrupt):
            raise UsageError("nothing was entered") from None

    def new_passphrase(self, env: str = "SLI_NEW_PASSPHRASE", file_arg: str = "") -> str:
        value = os.environ.get(env)
        if not value and file_arg and getattr(self.args, file_arg, None):
            value = read_secret_file(Path(getattr(self.args, file_arg)))
        if value:
            return value
        needed = (
            f"a new passphrase is needed: set {env}, use --{file_arg.replace('_', '-')}, "
            "or run in a terminal"
            if file_arg
            else ""
        )
        first = self.prompt("New passphrase", needed)
        if self.prompt("Repeat the new passphrase", needed) != first:
            raise UsageError("the two passphrases differ")
        return first

    def recovery_key(self) -> str:
        """--recovery-key-file, else a key given after --recovery-key (with a warning: others
        can read it in the process list), else SLI_RECOVERY_KEY, else a prompt."""
        file = getattr(self.args, "recovery_key_file", None)
        given = getattr(self.args, "recovery_key", None)
        if file and given:
            raise UsageError("give the recovery key one way: a file or --recovery-key, not both")
        if file:
            value = read_secret_file(Path(file), "recovery key file")
        elif given:
            warn(
                "a recovery key typed after --recovery-key can be read by anyone who lists "
                "this computer's processes, and stays in your shell history; use "
                "SLI_RECOVERY_KEY, --recovery-key-file or the prompt instead"
            )
            value = given
        else:
            value = os.environ.get("SLI_RECOVERY_KEY", "")
        if value.strip():
            return value.strip()
        return self.prompt(
            "Recovery key",
            "a recovery key is needed: set SLI_RECOVERY_KEY, use --recovery-key-file, "
            "or run in a terminal",
            "no recovery key given",
        ).strip()

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
