"""Fixtures for the sync tests: a fresh server database per test (SQLite, and PostgreSQL when
configured) and a real uvicorn server on 127.0.0.1 over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sli_desktop.server.storage import Storage
from tests.background_server import BackgroundServer

from .support import database_url, register_payloads


@pytest.fixture(params=["sqlite", "postgresql"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Storage]:
    store = Storage(database_url(request.param, tmp_path))
    store.reset()
    store.import_councils(register_payloads())
    yield store
    store.close()


@pytest.fixture
def server(storage: Storage) -> Iterator[BackgroundServer]:
    running = BackgroundServer(storage).start()
    yield running
    running.stop()
