"""The session guard of tests/conftest.py: a test that writes into the repository fails the run."""

from __future__ import annotations

import os

from tests.conftest import NOT_OURS, REPO, changed_files, repository_files


def test_the_guard_sees_a_file_added_changed_or_removed(tmp_path):
    (tmp_path / "kept.txt").write_text("kept")
    (tmp_path / "edited.txt").write_text("before")
    (tmp_path / "gone.txt").write_text("gone")
    (tmp_path / ".venv").mkdir()
    before = repository_files(tmp_path)
    (tmp_path / "edited.txt").write_text("after, longer")
    (tmp_path / "gone.txt").unlink()
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "new.json").write_text("{}")
    (tmp_path / ".venv" / "installed").write_text("")  # the environment's, not a test's
    assert changed_files(before, repository_files(tmp_path)) == [
        "changed: edited.txt",
        "removed: gone.txt",
        "added: reports",
        "added: reports/new.json",
    ]


def test_the_guard_sees_a_rewrite_of_the_same_size(tmp_path):
    path = tmp_path / "same.txt"
    path.write_text("abc")
    before = repository_files(tmp_path)
    path.write_text("xyz")
    os.utime(path, ns=(0, before["same.txt"][1] + 1))
    assert changed_files(before, repository_files(tmp_path)) == ["changed: same.txt"]


def test_the_guard_walks_the_repository():
    files = repository_files()
    assert {"pyproject.toml", "tests/conftest.py", "data/labeled/practices.parquet"} <= set(files)
    assert not any(part in NOT_OURS for key in files for part in key.split("/"))
    assert (REPO / "tests").is_dir() and files["tests"] is None
