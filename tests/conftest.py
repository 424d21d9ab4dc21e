"""Shared fixtures. Minimal for now: a real store built once from the bundled data/."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of data/ built with the real bundled model (slow: use in slow tests only)."""
    from index.build import build_index

    store = tmp_path_factory.mktemp("built") / "store"
    build_index([ROOT / "data" / "corpus"], store=store)
    return store
