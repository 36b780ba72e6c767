"""new_id reads the system's random source a page at a time, per thread: one system call per
record let an import's worker keep the window's thread from the interpreter lock (issue 25,
the heartbeat benchmark's contacts import). Ids stay unique across threads and processes."""

from __future__ import annotations

import os
import threading

import pytest

from sli_desktop.domain import new_id, records


def test_a_thousand_ids_take_a_few_reads_of_the_random_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads: list[int] = []
    real = os.urandom

    def counted(count: int) -> bytes:
        reads.append(count)
        return real(count)

    monkeypatch.setattr(records.os, "urandom", counted)
    ids = {new_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert len(reads) <= 1000 * 16 // records._RandomBytes.PAGE + 1


def test_threads_never_share_ids() -> None:
    made: list[list[str]] = [[] for _ in range(4)]

    def make(into: list[str]) -> None:
        into.extend(new_id() for _ in range(2000))

    threads = [threading.Thread(target=make, args=(into,)) for into in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [i for batch in made for i in batch]
    assert len(set(every)) == len(every) == 8000


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_forked_child_does_not_repeat_its_parents_ids() -> None:
    new_id()  # the parent has a page of random bytes in hand
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: write its next id and leave at once
        os.write(write, new_id().encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = os.read(read, 64).decode()
    os.close(read)
    assert child and child != new_id()
