"""Why a sync stopped, each in one sentence for the person: nothing is lost, and syncing again
resumes (but for a wiped device)."""

from __future__ import annotations

from ..vault.errors import VaultError


class SyncError(VaultError):
    """Sync could not finish; nothing is lost and syncing again resumes."""


class NotEnrolled(SyncError):
    def __init__(self) -> None:
        super().__init__("this vault is not enrolled with a sync server: run sli enroll first")


class Cancelled(SyncError):
    def __init__(self) -> None:
        super().__init__("sync cancelled; what was done is kept and the next sync resumes")


class DeviceWiped(SyncError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"the server says this device has been revoked; the vault {path} has been wiped"
        )


class Unreachable(SyncError):
    """The connection failed or was cut."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"cannot reach the sync server ({what}); nothing is lost, "
            "sync again when the network is back"
        )


class NotAnswering(SyncError):
    """Connected, or trying to, but the server sent nothing in time (a hung server)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the sync server is not answering (nothing for {seconds:g} seconds); "
            "nothing is lost, sync again later"
        )
