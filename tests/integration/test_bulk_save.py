"""``vault.bulk.save_many`` leaves the vault exactly as ``save`` for each record would: versions,
outbox rows, a hash chain that verifies, a full-text index that finds new and changed rows and
forgets old wording, its triggers back in place, and nothing at all after a failure."""

from __future__ import annotations

import pytest

from sli_desktop.domain import Contact
from sli_desktop.vault.audit import AuditLog
from sli_desktop.vault.bulk import save_many
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.search import Search
from sli_desktop.vault.store import Vault


def names(vault: Vault, text: str) -> list[str]:
    return sorted(h.title for h in Search(vault).search(text, kinds=("contact",)))


def triggers(vault: Vault) -> list[str]:
    return sorted(
        r[0]
        for r in vault.query(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contacts'"
        )
    )


def test_save_many_matches_save(vault: Vault) -> None:
    before = triggers(vault)
    kept = vault.save(Contact.build(name="Wilhelmina Existing", role="Treasurer"))
    fresh = [Contact.build(name=f"Bartholomew Number{i}", role="Officer") for i in range(3)]
    changed = kept.evolve(role="Quartermaster")
    saved = save_many(vault, [*fresh, changed], audit_detail={"source": "test"})
    assert [s.version for s in saved] == [1, 1, 1, 2]
    assert triggers(vault) == before
    assert names(vault, "Bartholomew") == [f"Bartholomew Number{i}" for i in range(3)]
    assert names(vault, "Quartermaster") == ["Wilhelmina Existing"]
    assert names(vault, "Treasurer") == []
    assert AuditLog(vault).verify() is None
    actions = [(e.action, e.record_id) for e in AuditLog(vault).entries()[-4:]]
    assert actions == [("create", f.id) for f in fresh] + [("edit", kept.id)]
    outbox = vault.query("SELECT record_id, version, base_version FROM outbox ORDER BY seq")
    assert outbox[-4:] == [(f.id, 1, 0) for f in fresh] + [(kept.id, 2, 1)]
    vault.audit("after")  # the chain carries on from the batch
    assert AuditLog(vault).verify() is None
    # the triggers still work for ordinary saves
    vault.save(Contacts(vault).get(kept.id).evolve(role="Harbourmaster"))
    assert names(vault, "Harbourmaster") == ["Wilhelmina Existing"]


def test_a_failed_batch_leaves_nothing(vault: Vault) -> None:
    before = triggers(vault)
    audit_count = vault.scalar("SELECT count(*) FROM audit")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), vault.transaction():
        save_many(vault, [Contact.build(name="Temporary Person")])
        raise Boom
    assert Contacts(vault).list() == []
    assert names(vault, "Temporary") == []
    assert triggers(vault) == before
    assert vault.scalar("SELECT count(*) FROM audit") == audit_count


def test_save_many_refuses_mixed_or_repeated_records(vault: Vault) -> None:
    one = Contact.build(name="Same Person")
    with pytest.raises(ValueError):
        save_many(vault, [one, one])
    assert save_many(vault, []) == []


def test_new_records_skip_the_lookup_but_never_overwrite(vault: Vault) -> None:
    """``new=True`` (records just built) inserts without looking for stored versions; a record
    that is stored after all fails the whole batch instead of being silently replaced."""
    fresh = [Contact.build(name=f"Newcomer {i}") for i in range(5)]
    saved = save_many(vault, fresh, new=True)
    assert [s.version for s in saved] == [1] * 5
    assert sorted(c.name for c in Contacts(vault).list()) == [f"Newcomer {i}" for i in range(5)]
    assert names(vault, "Newcomer") == [f"Newcomer {i}" for i in range(5)]
    outbox = vault.query("SELECT record_id, version, base_version FROM outbox ORDER BY seq")
    assert outbox[-5:] == [(f.id, 1, 0) for f in fresh]
    audit_count = vault.scalar("SELECT count(*) FROM audit")
    again = [Contact.build(name="Another Newcomer"), fresh[2].evolve(name="Overwritten")]
    with pytest.raises(Exception, match="UNIQUE"):
        save_many(vault, again, new=True)
    assert Contacts(vault).get(fresh[2].id).name == "Newcomer 2"
    assert names(vault, "Another") == []
    assert vault.scalar("SELECT count(*) FROM audit") == audit_count
