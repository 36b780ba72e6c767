"""Taking turns at the interpreter: the pull's writer and its reader thread.

The pull writes a page into the vault while a reader thread reads and validates the next. Both
need Python's interpreter lock, and the writer's ``executemany`` gives it up and takes it back
for every row: a reader running Python meanwhile makes each row wait up to the 5 ms switch
interval, and reading ahead then gained nothing (docs/SYNC.md, "Reading the next page while
this one is written"). So the reader works only while the writer is inside a long statement
that SQLite runs without Python (the full-text index, the commit) or waits for the next page.

The vault knows nothing of this: the writer hands ``Turns.engine_only`` to the vault's batch
write, which wraps its long statements in it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Turns:
    """One pull's turns: ``spare`` is set while the writer needs no Python."""

    def __init__(self) -> None:
        self.spare = threading.Event()
        #: set once the pull is over, however it ended: a reader waiting for its turn stops
        self.done = threading.Event()

    @contextmanager
    def engine_only(self) -> Iterator[None]:
        """Around work that runs without Python on the writer's thread: the reader's turn."""
        self.spare.set()
        try:
            yield
        finally:
            self.spare.clear()

    def wait_turn(self) -> None:
        """On the reader's thread: wait until the writer can spare the interpreter, or the
        pull is over."""
        while not self.spare.wait(0.1) and not self.done.is_set():
            pass
