"""An in-memory KeyStore (sli_desktop/vault/keystore.py's protocol) for tests: the product
only ever uses the OS keyring or none."""

from __future__ import annotations


class MemoryKeyStore:
    """A keyring that forgets: what tests give the app in place of the OS keyring, so no test
    ever reads or writes the developer's own."""

    def __init__(self, available: bool = True) -> None:
        self._secrets: dict[str, str] = {}
        self._available = available

    @property
    def available(self) -> bool:
        return self._available

    @property
    def where(self) -> str:
        return "memory (not kept)"

    def get(self, name: str) -> str | None:
        return self._secrets.get(name) if self._available else None

    def set(self, name: str, secret: str) -> bool:
        if not self._available:
            return False
        self._secrets[name] = secret
        return True

    def delete(self, name: str) -> None:
        self._secrets.pop(name, None)
