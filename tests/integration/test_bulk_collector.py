"""The bulk paths run with the cyclic collector paused (sli_desktop/gcpause.py): reading and
importing figures and contacts. Each spy wraps a step inside the path and notes whether the
collector was on; afterwards it is on again."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sli_desktop.importers import contacts as contact_importer
from sli_desktop.importers import metrics as metrics_importer
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.metrics import Metrics
from sli_desktop.vault.store import Vault


def _spy(
    monkeypatch: pytest.MonkeyPatch, module: object, name: str, seen: list[tuple[str, bool]]
) -> None:
    real: Callable[..., Any] = getattr(module, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append((name, gc.isenabled()))
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)


def test_figures_are_read_and_imported_with_the_collector_paused(
    councils_vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, bool]] = []
    for name in ("read_text", "insert_new"):
        _spy(monkeypatch, metrics_importer, name, seen)
    path = tmp_path / "figures.csv"
    path.write_text(
        "Area code,Area name,Period,Metric id,Metric name,Value,Unit\n"
        "E08000025,Birmingham,2023/24,2471,Council tax collected,96.3,%\n",
        encoding="utf-8",
    )
    assert gc.isenabled()
    result = metrics_importer.import_metrics(councils_vault, metrics_importer.read_metrics(path))
    assert result.added == 1 and len(Metrics(councils_vault).list()) == 1
    assert seen == [("read_text", False), ("insert_new", False)]
    assert gc.isenabled()


def test_contacts_are_read_and_imported_with_the_collector_paused(
    councils_vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, bool]] = []
    for name in ("read_text", "save_many"):
        _spy(monkeypatch, contact_importer, name, seen)
    path = tmp_path / "contacts.csv"
    path.write_text(
        "First Name,Last Name,Company,E-mail Address\n"
        "Asha,Patel,Birmingham City Council,asha.patel@birmingham.gov.uk\n",
        encoding="utf-8",
    )
    parsed = contact_importer.read_contacts(path)
    contact_importer.import_contacts(councils_vault, parsed)
    assert len(Contacts(councils_vault).list()) == 1
    assert seen == [("read_text", False), ("save_many", False)]
    assert gc.isenabled()
