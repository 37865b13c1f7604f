"""Copies of the corpora's fixtures for a test to edit: a corpus's odd case is the fixture
with one file changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES


@pytest.fixture
def mapp_root(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/mapp's MAPP_Corpus/, the root a MAPP import reads."""
    return Path(shutil.copytree(FIXTURES / "mapp" / "MAPP_Corpus", tmp_path / "MAPP_Corpus"))


@pytest.fixture
def app350_root(tmp_path: Path) -> Path:
    """A copy of tests/fixtures/app350, the root an APP-350 import reads."""
    return Path(shutil.copytree(FIXTURES / "app350", tmp_path / "APP_350_v1_1"))
