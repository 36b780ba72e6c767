"""The council register the operator imports (sli server import-councils): every client
receives it on its first sync. A council a coordinator corrected keeps the correction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from .. import corrections
from .batch import Batch
from .database import Database
from .records import current_row, store


def import_councils(db: Database, councils: Iterable[dict[str, Any]]) -> int:
    """The register every client receives on its first sync; returns how many changed."""
    changed = 0
    batch = Batch()
    with db.write() as conn:
        for payload in councils:
            if ("council", payload["id"]) in batch.touched:
                batch.flush(conn)  # the same council twice: the second sees the first
            current = current_row(conn, "council", payload["id"])
            if current is not None:
                old = json.loads(current.payload)
                payload = corrections.register_payload(payload, old)
                keep = {"version", "created_at", "updated_at", "author"}
                if {k: v for k, v in old.items() if k not in keep} == {
                    k: v for k, v in payload.items() if k not in keep
                }:
                    continue
            rev = 1 if current is None else current.rev + 1
            store(
                conn,
                "council",
                payload["id"],
                rev,
                {**payload, "version": rev},
                owner="server",
                change_id=f"register:{payload['id']}:{rev}",
                device_id="server",
                exists=current is not None,
                batch=batch,
            )
            changed += 1
        batch.flush(conn)
    return changed
