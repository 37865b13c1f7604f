"""`release` killed with SIGKILL at chosen and random moments (see test_crash_safety.py; a
file of its own, as each of its releases runs the gate, so the test processes share the work).

After every kill `releases/` holds no release or the complete new one, byte for byte, and
CITATION.cff the old or the new citation; and the next run finishes the release.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.integration.test_crash_safety import (
    RELEASE_MOMENTS,
    assert_known_outcome,
    cli,
    kill_at,
    leftovers,
    snapshot,
    timed_run,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and flock are POSIX"),
]


@pytest.fixture
def release_repo(tmp_path):
    """A repository's release inputs: raw corpus, releases/0.1.0, a changelog with 0.2.0, CITATION.cff."""

    def make(root: Path) -> Path:
        shutil.copytree(REPO / "data" / "raw", root / "raw")
        shutil.copytree(REPO / "releases" / "0.1.0", root / "releases" / "0.1.0")
        changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
        if "## [0.2.0]" not in changelog:  # the repository's own 0.2.0 entry, once it has one
            entry = "## [0.2.0] - 2026-11-23\n\n- The kill test's release.\n\n"
            changelog = changelog.replace("## [0.1.0]", entry + "## [0.1.0]")
        (root / "CHANGELOG.md").write_text(changelog)
        # The citation as it was before 0.2.0: 0.1.0's, not the repository's current one.
        shutil.copyfile(REPO / "releases" / "0.1.0" / "CITATION.cff", root / "CITATION.cff")
        return root

    return make


def release_command(root: Path) -> list[str]:
    return cli(
        "release",
        "0.2.0",
        "--quiet",
        "--raw",
        root / "raw",
        "--releases",
        root / "releases",
        "--changelog",
        root / "CHANGELOG.md",
        "--citation",
        root / "CITATION.cff",
        "--metadata",
        REPO / "metadata" / "dataset.toml",
    )


def test_release_killed_at_random_leaves_nothing_partial(tmp_path, release_repo):
    reference = release_repo(tmp_path / "reference")
    duration, window = timed_run(release_command(reference), reference / "releases" / "0.2.0")
    new_release = snapshot(reference / "releases" / "0.2.0")
    new_citation = (reference / "CITATION.cff").read_bytes()

    root = release_repo(tmp_path / "repo")
    releases, citation = root / "releases", root / "CITATION.cff"
    old_release, old_citation = snapshot(releases / "0.1.0"), citation.read_bytes()
    command = release_command(root)

    rng = random.Random(20261123)
    outcomes = {"none": 0, "released": 0, "citation updated": 0, "killed while writing": 0}
    for trial, moment in enumerate(RELEASE_MOMENTS):
        kill_at(command, releases / "0.2.0", moment, rng, duration=duration, window=window)

        assert snapshot(releases / "0.1.0") == old_release
        assert sorted(p.name for p in releases.iterdir() if not p.name.startswith(".")) in (
            ["0.1.0"],
            ["0.1.0", "0.2.0"],
        )
        released = snapshot(releases / "0.2.0")
        assert released in ({}, new_release), f"trial {trial}: releases/0.2.0 is partial"
        assert citation.read_bytes() in (old_citation, new_citation)
        is_old = not released and citation.read_bytes() == old_citation
        assert_known_outcome(moment, trial, is_old, leftovers(releases / "0.2.0"))
        if citation.read_bytes() == new_citation:
            assert released == new_release
        outcomes["none" if not released else "released"] += 1
        outcomes["citation updated"] += citation.read_bytes() == new_citation
        outcomes["killed while writing"] += bool(leftovers(releases / "0.2.0"))

        rerun = subprocess.run(command, capture_output=True, text=True)
        if released and citation.read_bytes() == new_citation:
            assert rerun.returncode == 1 and "releases are immutable" in rerun.stderr
        else:
            assert rerun.returncode == 0, rerun.stderr
        assert snapshot(releases / "0.2.0") == new_release
        assert citation.read_bytes() == new_citation
        assert leftovers(releases / "0.2.0") == []

        shutil.rmtree(releases / "0.2.0")
        citation.write_bytes(old_citation)
        (root / ".zenodo.json").unlink()  # written with the release; none before it
    print(f"release kill trials: {outcomes}")


def test_a_release_killed_before_its_citation_is_finished_by_the_next_run(tmp_path, release_repo):
    root = release_repo(tmp_path / "repo")
    citation = root / "CITATION.cff"
    old_citation = citation.read_bytes()
    subprocess.run(release_command(root), check=True, capture_output=True)
    new_citation = citation.read_bytes()
    citation.write_bytes(old_citation)  # as if killed between the folder and CITATION.cff

    finished = subprocess.run(release_command(root), capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    assert "was complete but an interrupted run had not updated" in finished.stdout
    assert citation.read_bytes() == new_citation

    # A release folder that is not intact is never taken as finished.
    citation.write_bytes(old_citation)
    (root / "releases" / "0.2.0" / "README.md").write_text("edited")
    refused = subprocess.run(release_command(root), capture_output=True, text=True)
    assert refused.returncode == 1 and "releases are immutable" in refused.stderr
    assert citation.read_bytes() == old_citation
