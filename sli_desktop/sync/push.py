"""Pushing: the outbox, the conflicts resolved here, and the read events, up to the server.

Outbox rows leave only once the server has answered for them, in one transaction with the
revision each answer names (a retried change id is applied once). A push the server merged,
or kept a conflict of, leaves the record here as this device sent it, not as the server made
it: the vault remembers that push's change id until a pulled revision replaces its copy, and
the record's next push covers it, so the server merges against this device's copy. The server
then decides a conflict once, whether or not the pull that follows was received.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..vault.coverage import payload_digest
from ..vault.reads import Reads
from ..vault.store import Vault
from ..vault.syncstate import OutboxRow, SyncState
from . import protocol as p
from .errors import SyncError
from .transport import MISSING, Link, parse

#: progress(phase, done, total): phase is "push" or "pull"; total is 0 when unknown.
Progress = Callable[[str, int, int], None]

#: A push stays well under the server's body limit: large records (document parts) go a few
#: to a request rather than all in one that the server would refuse.
PUSH_BYTES = p.MAX_BODY_BYTES // 2


@dataclass(frozen=True)
class Refusal:
    kind: str
    record_id: str
    reason: str
    #: what became of the refused edit here: "kept" (the record stays as edited on this
    #: device, unsent) or "disposed" (the note was disposed of elsewhere, and the pull that
    #: followed removed it here, with the edit)
    fate: str = "kept"

    def describe(self) -> str:
        if self.fate == "disposed":
            return (
                f"{self.kind} {self.record_id[:8]}: {self.reason}; it was disposed of on "
                "another device, so this edit was discarded with it"
            )
        return f"{self.kind} {self.record_id[:8]}: {self.reason}; the edit stays on this device"


@dataclass
class Pushed:
    """What a push did, for the sync's result and for the pull that follows."""

    sent: int = 0
    rejected: int = 0
    refusals: list[Refusal] = field(default_factory=list)
    #: draft notes kept back: they go up once complete (vault/notes.py)
    held: int = 0
    #: records pushed and answered: their own changes come back in the pull that follows, and
    #: are not rewritten when the vault holds them as they came
    records: set[tuple[str, str]] = field(default_factory=set)


class Pusher:
    def __init__(
        self,
        vault: Vault,
        state: SyncState,
        link: Link,
        progress: Progress,
        check_cancel: Callable[[], None],
        batch: int,
    ) -> None:
        self.vault = vault
        self.state = state
        self.link = link
        self.progress = progress
        self.check_cancel = check_cancel
        self.batch = batch

    def push(self) -> Pushed:
        done_ = Pushed()
        rows = self.state.outbox()
        groups: dict[tuple[str, str], list[OutboxRow]] = {}
        for row in rows:
            groups.setdefault((row.kind, row.record_id), []).append(row)
        # A draft note waits on the device: when complete, its newest state goes up alone, so
        # nothing of its draft versions reaches the server (the covered ids carry no text).
        done_.held = sum(1 for g in groups.values() if _is_draft(g[-1]))
        ordered = sorted(
            (g for g in groups.values() if not _is_draft(g[-1])), key=lambda g: g[-1].seq
        )
        landed: dict[tuple[str, str], str] = self.state.landed() if ordered else {}
        resolved = self.state.resolutions_to_push()
        total, done = len(ordered), 0
        self.progress("push", 0, total)
        while ordered or resolved:
            self.check_cancel()
            size = push_size(ordered, self.batch, landed)
            batch, ordered = ordered[:size], ordered[size:]
            changes = [
                p.Change(
                    change_id=g[-1].change_id,
                    covers=covered_ids(g, landed.get((g[-1].kind, g[-1].record_id))),
                    kind=g[-1].kind,
                    record_id=g[-1].record_id,
                    base_rev=self.state.rev(g[-1].kind, g[-1].record_id),
                    op="delete" if g[-1].op == "delete" else "upsert",
                    payload=g[-1].payload,
                )
                for g in batch
            ]
            request = p.PushRequest(changes=changes, resolved=resolved[: p.MAX_PUSH_CHANGES])
            response = self.link.send("POST", "/push", json=request.model_dump(mode="json"))
            answer = parse(p.PushResponse, response)
            if len(answer.results) != len(changes):
                raise SyncError("the server answered a push with the wrong number of results")
            self._record(batch, answer, request, done_, landed)
            resolved = resolved[len(request.resolved) :]
            done += len(batch)
            self.progress("push", done, total)
        done_.sent = total - done_.rejected
        return done_

    def _record(
        self,
        batch: list[list[OutboxRow]],
        answer: p.PushResponse,
        request: p.PushRequest,
        done: Pushed,
        landed_before: dict[tuple[str, str], str],
    ) -> None:
        """One push's answer, in one transaction: revisions, acknowledgements, refusals.
        ``landed_before``: SyncState.landed as the push began, updated here."""
        with self.vault.transaction():
            revs: list[tuple[str, str, int]] = []
            acknowledged: list[int] = []
            landed: list[tuple[str, str, str]] = []
            caught_up: list[tuple[str, str]] = []
            for group, result in zip(batch, answer.results, strict=True):
                last = group[-1]
                if result.change_id != last.change_id:
                    raise SyncError("the server answered a push out of order")
                if result.status == "rejected":
                    done.rejected += 1
                    done.refusals.append(Refusal(last.kind, last.record_id, result.reason))
                    self.vault.audit(
                        "sync-rejected",
                        last.kind,
                        last.record_id,
                        {
                            "reason": result.reason,
                            "payload_sha256": payload_digest(last.payload),
                        },
                    )
                else:
                    # The next push is based on the revision the server answered, whatever
                    # the pull that follows brings or misses.
                    revs.append((last.kind, last.record_id, result.rev))
                    done.records.add((last.kind, last.record_id))
                    key = (last.kind, last.record_id)
                    if result.status != "applied":
                        landed.append((last.kind, last.record_id, last.change_id))
                        landed_before[key] = last.change_id
                    elif landed_before.pop(key, None) is not None:
                        caught_up.append(key)  # stored exactly as this device holds it
                acknowledged.extend(r.seq for r in group)
            self.state.set_revs(revs)  # one statement each for the batch, not per change
            self.state.set_landed(landed)
            self.state.clear_landed(caught_up)
            self.state.acknowledge(acknowledged)
            self.state.resolutions_pushed(request.resolved)

    def push_reads(self) -> int:
        """Upload queued read events; each leaves the queue only once the server holds it
        (the server keeps an event id once, so a retry after a lost answer adds nothing)."""
        queue = Reads(self.vault)
        sent = 0
        while True:
            self.check_cancel()
            events = queue.queued(limit=p.MAX_READS)
            if not events:
                return sent
            request = p.ReadsRequest(
                events=[p.ReadEvent.model_validate(e.to_json()) for e in events]
            )
            response = self.link.send(
                "POST", "/reads", json=request.model_dump(mode="json"), missing_ok=True
            )
            if response.status_code in MISSING:
                # A server older than read events: they stay queued for an upgraded server,
                # and the sync goes on (a failed sync here would lock the device in the end).
                return sent
            answer = parse(p.ReadsResponse, response)
            stored = set(answer.stored) & {e.id for e in events}
            if not stored:
                raise SyncError("the sync server did not keep this device's read events")
            queue.acknowledge(sorted(stored))
            sent += len(stored)


def push_size(
    groups: list[list[OutboxRow]], most: int, landed: Mapping[tuple[str, str], str] | None = None
) -> int:
    """How many of the next record groups fit one push: at most ``most``, at least one, no
    more than PUSH_BYTES of payload and no more than the server's MAX_PUSH_COVERS ids."""
    landed = landed or {}
    total = covered = 0
    for count, group in enumerate(groups[:most]):
        last = group[-1]
        total += len(json.dumps(last.payload, ensure_ascii=False, separators=(",", ":")))
        extra = 1 if (last.kind, last.record_id) in landed else 0
        covered += min(len(group) + extra, p.MAX_COVERS)
        if (total > PUSH_BYTES or covered > p.MAX_PUSH_COVERS) and count:
            return count
    return min(len(groups), most)


def covered_ids(group: list[OutboxRow], landed: str | None = None) -> list[str]:
    """The outbox rows' change ids a change stands for: the newest MAX_COVERS (the server
    refuses more), and first the id of this record's last push if the server merged it and this
    vault has not received the result (``SyncState.landed``). An older id matters only if a
    push naming it landed and its answer was lost; after a thousand more saves of that record
    offline, the server then merges the change with that push's revision three ways, as it
    would another device's edit."""
    if landed is None:
        return [r.change_id for r in group[-p.MAX_COVERS :]]
    return [landed, *(r.change_id for r in group[-(p.MAX_COVERS - 1) :])]


def _is_draft(row: OutboxRow) -> bool:
    return row.kind == "note" and row.payload.get("draft") is True
