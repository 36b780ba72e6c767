"""The bulk paths run with the cyclic collector paused (sli_desktop/gcpause.py): reading and
importing figures and contacts. Each spy wraps a step inside the path and notes whether the
collector was on; afterwards it is on again."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sli_desktop.importers import contact_plan
from sli_desktop.importers import contacts as contact_importer
from sli_desktop.importers import metrics as metrics_importer
from sli_desktop.vault.contacts import Contacts
from sli_desktop.vault.metrics import Metrics
from sli_desktop.vault.store import Vault

FIGURES = (
    "Area code,Area name,Period,Metric id,Metric name,Value,Unit\n"
    "E08000025,Birmingham,2023/24,2471,Council tax collected,96.3,%\n"
)
CONTACTS = (
    "First Name,Last Name,Company,E-mail Address\n"
    "Asha,Patel,Birmingham City Council,asha.patel@birmingham.gov.uk\n"
)
# importer module, its reader, its importer, the write step spied on, the file, what it stores
CASES: dict[str, tuple[ModuleType, str, str, str, str, Callable[[Vault], list[Any]]]] = {
    "figures": (
        metrics_importer,
        "read_metrics",
        "import_metrics",
        "insert_new",
        FIGURES,
        lambda v: Metrics(v).list(),
    ),
    "contacts": (
        contact_importer,
        "read_contacts",
        "import_contacts",
        "save_many",
        CONTACTS,
        lambda v: Contacts(v).list(),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_imports_read_and_write_with_the_collector_paused(
    case: str, councils_vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, read, write, step, text, stored = CASES[case]
    seen: list[tuple[str, bool]] = []
    # The contacts' write step lives in the module that plans and applies an import.
    owner = {"read_text": module, step: contact_plan if module is contact_importer else module}
    for name in ("read_text", step):
        real: Callable[..., Any] = getattr(owner[name], name)

        def spy(*args: Any, _name: str = name, _real: Any = real, **kwargs: Any) -> Any:
            seen.append((_name, gc.isenabled()))
            return _real(*args, **kwargs)

        monkeypatch.setattr(owner[name], name, spy)
    path = tmp_path / f"{case}.csv"
    path.write_text(text, encoding="utf-8")
    assert gc.isenabled()
    getattr(module, write)(councils_vault, getattr(module, read)(path))
    assert len(stored(councils_vault)) == 1
    assert seen == [("read_text", False), (step, False)]
    assert gc.isenabled()
