"""A limit on failed enrolment attempts, so a one-time code cannot be guessed by trying many.

A code is 12 hex digits (48 bits) and lives 7 days; with at most a few failures a minute per
client address, and a few dozen a minute in all (an attacker with many addresses), guessing one
is hopeless. Only failures count: a colleague enrolling with a good code is never slowed by
another's typing mistakes unless the limit is already reached. Kept in memory (one server
process): a restart forgets it, which costs an attacker a restart per few dozen guesses.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

#: Failed attempts allowed in WINDOW seconds from one address, and from all addresses together.
PER_ADDRESS = 5
OVERALL = 30
WINDOW = 60.0


class AttemptLimiter:
    def __init__(
        self,
        per_address: int = PER_ADDRESS,
        overall: int = OVERALL,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_address = per_address
        self.overall = overall
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._by_address: dict[str, deque[float]] = {}
        self._all: deque[float] = deque()

    def wait(self, address: str) -> int:
        """Seconds before ``address`` may try again (0: it may try now)."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            waits = [0.0]
            mine = self._by_address.get(address)
            if mine is not None and len(mine) >= self.per_address:
                waits.append(mine[0] + self.window - now)
            if len(self._all) >= self.overall:
                waits.append(self._all[0] + self.window - now)
            longest = max(waits)
            return int(longest) + 1 if longest > 0 else 0

    def failed(self, address: str) -> None:
        with self._lock:
            now = self._clock()
            self._by_address.setdefault(address, deque()).append(now)
            self._all.append(now)

    def _expire(self, now: float) -> None:
        cutoff = now - self.window
        while self._all and self._all[0] <= cutoff:
            self._all.popleft()
        for address in list(self._by_address):
            times = self._by_address[address]
            while times and times[0] <= cutoff:
                times.popleft()
            if not times:
                del self._by_address[address]
