"""Offline expiry: a device that has not synced for the days its server allows locks until it
syncs again, so a lost laptop stops opening even if nobody revokes it.

The limit comes from the server with every pull (``sli server serve --max-offline-days``) and
is kept in the vault's meta with the time of the last successful sync. A vault never enrolled
with a server (standalone) never expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .errors import VaultError
from .store import Vault

DEFAULT_MAX_OFFLINE_DAYS = 30


class OfflineExpired(VaultError):
    def __init__(self, days: int) -> None:
        super().__init__(
            f"this device has not synced for more than {days} days, so the vault stays locked "
            "until it syncs: run sli sync"
        )


@dataclass(frozen=True)
class OfflineStatus:
    enrolled: bool
    #: the last successful sync (or the enrolment, before the first sync)
    since: datetime | None
    #: the server's limit in days; 0 means no limit
    max_days: int
    now: datetime

    @property
    def expires_at(self) -> datetime | None:
        if not self.enrolled or self.since is None or self.max_days <= 0:
            return None
        return self.since + timedelta(days=self.max_days)

    @property
    def expired(self) -> bool:
        end = self.expires_at
        return end is not None and self.now >= end

    @property
    def days_left(self) -> int | None:
        end = self.expires_at
        return None if end is None else max(0, (end - self.now).days)


def offline_status(vault: Vault, now: datetime | None = None) -> OfflineStatus:
    """Where this device stands; ``now`` defaults to the vault's clock (tests inject one)."""
    moment = now or vault.now()
    enrolled = vault.meta("sync_server") is not None
    raw = vault.meta("sync_max_offline_days")
    try:
        days = int(raw) if raw is not None else DEFAULT_MAX_OFFLINE_DAYS
    except ValueError:
        days = DEFAULT_MAX_OFFLINE_DAYS
    since: datetime | None = None
    if enrolled:
        stamp = vault.meta("last_synced") or vault.scalar(
            "SELECT at FROM audit WHERE action = 'sync-enrolled' ORDER BY seq DESC LIMIT 1"
        )
        if stamp:
            try:
                since = datetime.fromisoformat(str(stamp))
            except ValueError:
                since = None
            if since is not None and since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
    return OfflineStatus(enrolled, since, days, moment)


def check_offline(vault: Vault, now: datetime | None = None) -> None:
    """Refuse to go on when the device has been offline too long (OfflineExpired)."""
    status = offline_status(vault, now)
    if status.expired:
        raise OfflineExpired(status.max_days)
