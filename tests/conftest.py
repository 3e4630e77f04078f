"""Shared fixtures and scenario builders for the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.library import library_dir
from sim.validation import queue_document  # noqa: F401 — the pure-queue case, shared with the report

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = library_dir()  # the one rule (sim.library): ROOT / "scenarios" in a checkout


@pytest.fixture
def library() -> Path:
    return LIBRARY
