"""A keyring backend for the cold-start benchmark only: it keeps secrets in a JSON file named
by SLI_BENCH_KEYRING, so a child process finds the key "in the keyring" without a desktop
Secret Service. Plain text on disk: never for anything but throwaway benchmark vaults.

keyring finds every subclass of KeyringBackend once imported, so this one must be invisible
wherever SLI_BENCH_KEYRING is not set: it is then not viable (its priority raises), and if it
was chosen while the variable was set, it steps aside (NotImplementedError) once it is gone."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.compat import properties

VARIABLE = "SLI_BENCH_KEYRING"


class FileKeyring(KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805 (a class property, as keyring declares it)
        if VARIABLE not in os.environ:
            raise RuntimeError(f"only where {VARIABLE} names the file")
        return 1

    @property
    def _file(self) -> Path:
        if VARIABLE not in os.environ:
            raise NotImplementedError(f"only where {VARIABLE} names the file")
        return Path(os.environ[VARIABLE])

    def _load(self) -> dict[str, str]:
        data: dict[str, str] = json.loads(self._file.read_text()) if self._file.exists() else {}
        return data

    def get_password(self, service: str, username: str) -> str | None:
        if VARIABLE not in os.environ:
            return None
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}/{username}"] = password
        self._file.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        data.pop(f"{service}/{username}", None)
        self._file.write_text(json.dumps(data))
