"""The collector pause: off inside, restored afterwards however the block ends, and never
switched on by a pause if it was off before (another library's choice is left alone)."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from sli_desktop.gcpause import collector_paused


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_restored_after() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_restored_after_an_error() -> None:
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the import failed")
    assert gc.isenabled()


def test_nested_pauses_restore_only_at_the_outer_end() -> None:
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_as_a_decorator_each_call_pauses_afresh() -> None:
    seen: list[bool] = []

    @collector_paused()
    def work() -> None:
        seen.append(gc.isenabled())

    work()
    work()
    assert seen == [False, False] and gc.isenabled()


def test_overlapping_pauses_in_two_threads_end_with_the_collector_on() -> None:
    first_in, second_done = threading.Event(), threading.Event()

    def first() -> None:
        with collector_paused():
            first_in.set()
            second_done.wait(10)

    worker = threading.Thread(target=first)
    worker.start()
    assert first_in.wait(10)
    with collector_paused():  # begins while the worker's pause holds: it saw it off
        assert not gc.isenabled()
    second_done.set()
    worker.join(10)
    assert gc.isenabled()


def test_cycles_made_during_a_pause_are_freed_when_it_ends() -> None:
    class Node:
        def __init__(self) -> None:
            self.me = self

    with collector_paused():
        node = Node()
        gone = weakref.ref(node)
        del node
        assert gone() is not None  # a cycle: reference counting alone cannot free it
    assert gone() is None  # the pause's end collected it
