"""The `client` fixture: a real `tensorlift serve` process driven by pytest-lsp's client (see lsp_helpers)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest_lsp
from pytest_lsp import LanguageClient

# pytest runs with --import-mode=importlib: make the helpers next to this file importable by the tests
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lsp_helpers import CONFIG, start


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient, tmp_path: Path) -> Any:
    await start(lsp_client, tmp_path)
    yield
    await lsp_client.shutdown_session()
