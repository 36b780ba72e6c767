"""Where "remember on this device" keeps the raw database key: the OS keyring, or nowhere.

A convenience only: the passphrase always opens the vault, so a changed, broken or missing
keyring can never lock a user out. There is deliberately no plain-text fallback.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Protocol

SERVICE = "sli-desktop"
log = logging.getLogger(__name__)


class KeyStore(Protocol):
    """get/set/delete a secret by vault id; ``where`` tells the user where it went."""

    @property
    def available(self) -> bool: ...

    @property
    def where(self) -> str: ...

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, secret: str) -> bool: ...

    def delete(self, name: str) -> None: ...


class SystemKeyStore:
    """The OS keyring through ``keyring``: Secret Service, macOS Keychain, Windows Credentials.

    Every call swallows the backend's errors and reports failure instead: a keyring that
    misbehaves must degrade to typing the passphrase, never to a crash.
    """

    def __init__(self) -> None:
        import keyring  # imported lazily: it probes D-Bus at import on some systems
        import keyring.errors

        self._keyring = keyring
        self._errors = keyring.errors
        self._backend = keyring.get_keyring()
        self._available: bool | None = None

    @property
    def available(self) -> bool:
        """Decided once: asking Secret Service for its priority is a D-Bus round trip."""
        if self._available is None:
            try:
                priority = getattr(self._backend, "priority", 0)
                name = type(self._backend).__module__
                self._available = (
                    bool(priority and priority > 0) and "fail" not in name and "null" not in name
                )
            except Exception:  # noqa: BLE001 - a keyring that cannot say is not available
                self._available = False
        return self._available

    @property
    def where(self) -> str:
        return getattr(self._backend, "name", type(self._backend).__name__)

    def get(self, name: str) -> str | None:
        if not self.available:
            return None
        try:
            value = self._keyring.get_password(SERVICE, name)
        except Exception as exc:  # noqa: BLE001 - any backend failure means not stored
            log.warning("keyring read failed: %s", type(exc).__name__)
            return None
        return value if isinstance(value, str) else None

    def set(self, name: str, secret: str) -> bool:
        if not self.available:
            return False
        try:
            self._keyring.set_password(SERVICE, name, secret)
        except Exception as exc:  # noqa: BLE001 - any backend failure means not stored
            log.warning("keyring write failed: %s", type(exc).__name__)
            return False
        return True

    def delete(self, name: str) -> None:
        if not self.available:
            return
        with contextlib.suppress(Exception):
            self._keyring.delete_password(SERVICE, name)


def system_keystore() -> KeyStore | None:
    """The OS keyring, or None where there is none at all (an ordinary state, not an error)."""
    try:
        return SystemKeyStore()
    except Exception:  # noqa: BLE001 - any failure to reach a keyring means "no keyring"
        return None
