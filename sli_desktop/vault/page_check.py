"""The unlock's whole-file page check, run beside the window instead of in front of it.

Authenticating every page of a large vault takes about a second (docs/PERFORMANCE.md), and
the person would wait for it at every unlock. Reading needs no such wait: SQLCipher
authenticates each page as it reads it, so a damaged page read early is still refused
(``VaultDamaged``). Writing does: a write into a vault that turns out damaged could spread
the damage or bury it. So the check runs on a thread of its own, with a connection of its own,
while the first view reads; every write transaction waits for it (``Vault.transaction``), and a
damaged vault writes nothing and is locked with the same sentence as an unlock refused at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from .connection import Error, open_connection
from .errors import VaultDamaged, VaultError
from .keys import KeyBuffer
from .pages import PageFormat

#: How long a write waits for the check before it is refused (with a sentence, nothing
#: written). Generous: the check takes about a second on 100,000 notes, and the bound is there
#: only so a stuck disk cannot hang a save for ever.
WRITE_WAIT_SECONDS = 60.0


class StillChecking(VaultError):
    def __init__(self) -> None:
        super().__init__(
            "the vault is still being checked after unlocking; nothing was saved, try again"
        )


class PageCheck:
    """One run of the page check, started at once on a thread of its own.

    ``on_done(error)`` is called on the check's thread when it ends: ``None`` if every page
    passed, the ``VaultError`` that refuses the vault otherwise. A check whose vault locked
    before it ended reports nothing (its key was wiped; its outcome no longer matters)."""

    def __init__(
        self,
        path: Path,
        key: KeyBuffer,
        pages: PageFormat,
        on_done: Callable[[VaultError | None], None] | None = None,
    ) -> None:
        self.path = path
        self._key = key
        self._pages = pages
        self._on_done = on_done
        self._done = threading.Event()
        self._error: VaultError | None = None
        # Not a daemon: leaving the app waits for a check under way (a second at most) rather
        # than tearing SQLCipher down under it, which crashed the process on exit.
        self._thread = threading.Thread(target=self._run, name="sli-page-check")
        self._thread.start()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def passed(self) -> bool:
        return self._done.is_set() and self._error is None

    @property
    def error(self) -> VaultError | None:
        return self._error

    def wait(self, timeout: float = WRITE_WAIT_SECONDS) -> None:
        """Return once every page passed; raise the refusal if one did not, or
        ``StillChecking`` if the check has not ended within ``timeout`` seconds."""
        if not self._done.wait(timeout):
            raise StillChecking()
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            if not self._key.wiped:
                open_connection(self.path, self._key.key, pages=self._pages).close()
        except VaultError as exc:
            self._error = exc
        except (Error, ValueError):  # the driver's own error, or a key wiped under the check
            self._error = VaultDamaged(self.path, "it cannot be read")
        if self._key.wiped:
            self._error = None  # locked meanwhile: nothing will be written, nothing to say
        self._done.set()
        if self._on_done is not None and not self._key.wiped:
            self._on_done(self._error)
