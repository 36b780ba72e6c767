"""The cyclic garbage collector, paused for bulk work.

An initial pull or a large import allocates millions of short-lived containers (parsed JSON,
records, rows) that reference counting frees on its own; none of them form cycles. The
collector still scans them every few hundred allocations, and while a page of 5,000 records is
alive each scan walks all of it: 4.4 s of a 100,000-record pull and 2.4 s of a 200,000-figure
import went to collections that freed nothing (measured with ``gc.callbacks``, 26 Nov 2026).

Pausing is process-wide (CPython has one collector), so it is scoped and restored: nested or
concurrent uses leave the collector enabled afterwards if it was enabled before the first, and
the young generations are collected when the pause ends, for whatever cycles the process made
meanwhile (a pause only defers collection; nothing is kept that would otherwise be freed).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Automatic collection off for the block (usable as a decorator)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect(1)  # the young generations only: cheap, and the rest follows as usual
