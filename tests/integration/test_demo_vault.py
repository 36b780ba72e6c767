"""The demo vault: made on first use, reused while its content is current, made again when it
comes from a release with other demo content, and never remade if it is not a demo."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sli_desktop.demo import (
    DEMO_CONTENT,
    DEMO_CONTENT_META,
    DEMO_PASSPHRASE,
    is_demo,
    open_or_create_demo,
)
from sli_desktop.vault.keys import KdfParams
from sli_desktop.vault.notes import Notes
from sli_desktop.vault.session import create_vault

TODAY = date(2026, 11, 26)


def test_an_older_demo_is_made_again_and_a_current_one_kept(tmp_path: Path) -> None:
    path = tmp_path / "demo.sli"
    demo = open_or_create_demo(path, TODAY)
    assert is_demo(demo) and demo.meta(DEMO_CONTENT_META) == DEMO_CONTENT
    notes = len(Notes(demo).list())
    mine = Notes(demo).add(council="E99000001", date=TODAY, title="Looking around", body="x")
    demo.close()

    kept = open_or_create_demo(path, TODAY)
    assert Notes(kept).get(mine.id).title == "Looking around", "current content: reused"
    kept.set_meta(DEMO_CONTENT_META, "2")  # as a release with older demo content left it
    kept.close()

    remade = open_or_create_demo(path, TODAY)
    assert remade.meta(DEMO_CONTENT_META) == DEMO_CONTENT
    assert len(Notes(remade).list()) == notes and mine.id not in {
        n.id for n in Notes(remade).list()
    }
    remade.close()


def test_a_vault_that_is_not_a_demo_is_never_remade(tmp_path: Path) -> None:
    path = tmp_path / "demo.sli"
    created = create_vault(path, DEMO_PASSPHRASE, kdf=KdfParams.fast_for_tests())
    created.vault.set_meta("owner_note", "real")
    created.vault.close()
    opened = open_or_create_demo(path, TODAY)
    assert not is_demo(opened) and opened.meta("owner_note") == "real"
    opened.close()
