"""Shared fixtures for the test suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPORA_ENV = "EMLKIT_CORPORA"
"""Environment variable naming the third-party corpora folder (overrides the default)."""
DEFAULT_CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
"""Where the corpora live by default: ``../shared/corpora`` beside this checkout."""


@pytest.fixture(scope="session")
def corpora_root() -> Path:
    """The third-party corpora folder, read in place; the test skips when it is absent."""
    configured = os.environ.get(CORPORA_ENV)
    if configured:
        root = Path(configured).expanduser().resolve()
        if not root.is_dir():
            pytest.skip(f"{CORPORA_ENV}={configured} is not a folder: no third-party corpora")
        return root
    if not DEFAULT_CORPORA.is_dir():
        pytest.skip(
            "../shared/corpora not found: the third-party corpora are not beside this checkout"
        )
    return DEFAULT_CORPORA
