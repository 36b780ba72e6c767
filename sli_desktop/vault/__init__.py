"""The encrypted local vault: SQLCipher storage and the services over it. No Qt here."""

from .errors import NotFound, VaultError
from .session import create_vault, unlock
from .store import Vault

__all__ = ["NotFound", "Vault", "VaultError", "create_vault", "unlock"]
