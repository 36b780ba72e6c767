"""The cyclic garbage collector, paused for bulk work.

An initial pull or a large import allocates millions of short-lived containers (parsed JSON,
records, rows) that reference counting frees on its own; none of them form cycles. The
collector still scans them every few hundred allocations, and while a page of 5,000 records is
alive each scan walks all of it, freeing nothing (figures: docs/PERFORMANCE.md, 26 Nov).

Pausing is process-wide (CPython has one collector), so it is scoped and restored: nested or
concurrent uses (on several threads at once) leave the collector enabled afterwards if it was
enabled before the first, and only once the last has ended. The young generations are then
collected, for whatever cycles the process made meanwhile (a pause only defers collection;
nothing is kept that would otherwise be freed), but only on the main thread: a collection run
on a worker thread frees whatever cycles it finds there, Qt widgets of the window included,
and a widget destroyed off the GUI thread crashes the process. The desktop's workers
(gui.tasks) hold a pause for their whole run for the same reason.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: The pauses now running, on any thread, and whether the collector was on before the first.
#: Module state because the collector it guards is itself one per process.
_lock = threading.Lock()
_state = {"depth": 0, "was_enabled": False}


@contextmanager
def collector_paused() -> Iterator[None]:
    """Automatic collection off for the block (usable as a decorator)."""
    with _lock:
        if _state["depth"] == 0:
            _state["was_enabled"] = gc.isenabled()
        _state["depth"] += 1
        gc.disable()
    try:
        yield
    finally:
        with _lock:
            _state["depth"] -= 1
            last = _state["depth"] == 0
            enable = last and bool(_state["was_enabled"])
            if enable:
                gc.enable()
        if enable and threading.current_thread() is threading.main_thread():
            gc.collect(1)  # the young generations only: cheap, and the rest follows as usual
