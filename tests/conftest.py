"""Shared test fixtures: the real embedding model, the shared data folder, loopback servers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """../shared/data beside the repository (or $BRIEFING_SHARED_DATA)."""
    env = os.environ.get("BRIEFING_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"shared data not present at {path} (set BRIEFING_SHARED_DATA); real-data tests need it")
    return path


@pytest.fixture(scope="session")
def encoder():
    """The real all-MiniLM-L6-v2 encoder, loaded once per test session (no cache)."""
    from briefing.embed import Embedder

    enc = Embedder()
    enc(["warm up"])
    return enc
