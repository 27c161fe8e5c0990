"""The `client` fixture: a real `tensorlift serve` process driven by pytest-lsp's client (see lsp_helpers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest_lsp
from lsp_helpers import CONFIG, start
from pytest_lsp import LanguageClient


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path: Path) -> Any:
    await start(lsp_client, tmp_path)
    yield
    await lsp_client.shutdown_session()
