"""`privacy-labels release`: immutable, gated, described, checksummed; and reproducible."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
import tomllib

import privacy_labels as pl
from privacy_labels._files import sha256_file
from privacy_labels.release.cut import ReleaseError, changelog_entry, parse_version, required_bump
from tests.conftest import FIXTURE_RAW, REPO

pytestmark = pytest.mark.slow

# The example corpus's releases take versions the package never ships (11.x, 12.x), so that
# `verify` compares them with their own checksums only.
CHANGELOG = """# Changelog

## [Unreleased]

## [11.1.0] - 2026-12-01

- Corrected spans.

## [11.0.1] - 2026-11-30

- Clearer dataset card.

## [11.0.0] - 2026-11-30

- First release of the example corpus.
"""


@pytest.fixture
def repo(tmp_path):
    """A repository-shaped folder: the fixture corpus, a changelog, no releases yet."""
    shutil.copytree(FIXTURE_RAW, tmp_path / "data" / "raw")
    (tmp_path / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    return tmp_path


def _release(run, repo, version, *extra):
    return run(
        "release",
        version,
        "--raw",
        repo / "data" / "raw",
        "--releases",
        repo / "releases",
        "--changelog",
        repo / "CHANGELOG.md",
        "--citation",
        repo / "CITATION.cff",
        "--metadata",
        REPO / "metadata" / "dataset.toml",
        "--quiet",
        *extra,
    )


def _tree(folder):
    return {
        p.relative_to(folder).as_posix(): sha256_file(p) for p in folder.rglob("*") if p.is_file()
    }


def test_a_release_has_every_file_and_verifies(run, repo):
    code, _, err = _release(run, repo, "11.0.0")
    assert code == 0, err
    folder = repo / "releases" / "11.0.0"
    files = set(_tree(folder))
    tables = {
        f"{t}.{ext}"
        for t in (
            "policies",
            "segments",
            "annotations",
            "practices",
            "attribute_values",
            "segment_labels",
            "splits",
            "policy_labels",
            "mapped_values",
        )
        for ext in ("parquet", "csv")
    }
    metadata = {
        "SHA256SUMS",
        "README.md",
        "LICENSE.md",
        "CITATION.cff",
        "datapackage.json",
        "croissant.json",
        "datacite.json",
        ".zenodo.json",
    }
    schema = {f"schema/{n}.schema.json" for n in ("annotation", "policy", "adjudication")}
    # the release describes its own labels: the seed corpus is in the hub scheme alone
    schemes = {f"schemes/opp115/{n}.json" for n in ("scheme", "label_sets", "questions")}
    assert files == tables | metadata | schema | schemes | {"manifest.json", "quality/result.json"}
    assert run("verify", folder)[0] == 0
    cff = (repo / "CITATION.cff").read_text(encoding="utf-8")
    assert 'version: "11.0.0"' in cff and 'date-released: "2026-11-30"' in cff
    assert cff == (folder / "CITATION.cff").read_text(encoding="utf-8")
    zenodo = (repo / ".zenodo.json").read_text(encoding="utf-8")
    assert zenodo == (folder / ".zenodo.json").read_text(encoding="utf-8")
    assert json.loads(zenodo)["version"] == "11.0.0"
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "- First release of the example corpus." in card


def test_a_release_offers_every_table_as_a_datasets_config(run, repo, tmp_path, monkeypatch):
    from tests.integration.test_consumers import require

    assert _release(run, repo, "11.0.0")[0] == 0
    folder = repo / "releases" / "11.0.0"
    for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"):
        monkeypatch.setenv(var, "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    datasets = require("datasets")
    assert datasets.get_dataset_config_names(str(folder)) == pl.tables()
    n_rows = json.loads((folder / "manifest.json").read_text())["n_rows"]
    for view in ("segment_labels", "splits"):
        loaded = datasets.load_dataset(
            str(folder), view, split="train", cache_dir=str(tmp_path / "cache")
        )
        assert len(loaded) == n_rows[view] > 0


def test_a_second_release_of_a_version_changes_nothing(run, repo):
    assert _release(run, repo, "11.0.0")[0] == 0
    before = _tree(repo)
    code, _, err = _release(run, repo, "11.0.0")
    assert code == 1
    assert "already exists and releases are immutable" in err
    assert _tree(repo) == before


def test_versions_only_go_up(run, repo):
    assert _release(run, repo, "11.1.0")[0] == 0
    code, _, err = _release(run, repo, "11.0.0")
    assert code == 1
    assert "not above the latest release, 11.1.0" in err
    assert not (repo / "releases" / "11.0.0").exists()


def _change_data(repo):
    sidecar = repo / "data" / "raw" / "policies" / "example.json"
    doc = json.loads(sidecar.read_text(encoding="utf-8"))
    doc["url"] = "https://example.org/privacy-moved"
    sidecar.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def test_unchanged_data_can_be_a_patch_release(run, repo):
    assert _release(run, repo, "11.0.0")[0] == 0
    assert _release(run, repo, "11.0.1")[0] == 0


def test_changed_data_needs_a_minor_release(run, repo):
    assert _release(run, repo, "11.0.0")[0] == 0
    _change_data(repo)
    code, _, err = _release(run, repo, "11.0.1")
    assert code == 1
    assert "need a minor release" in err and "not a patch one" in err
    assert not (repo / "releases" / "11.0.1").exists()
    assert _release(run, repo, "11.1.0")[0] == 0


def test_a_removed_column_needs_a_major_release(run, repo, tmp_path):
    assert _release(run, repo, "11.0.0")[0] == 0
    old = repo / "releases" / "11.0.0"
    new = shutil.copytree(old, tmp_path / "new")
    assert required_bump(old, new) == "patch"
    package = json.loads((new / "datapackage.json").read_text(encoding="utf-8"))
    package["resources"][0]["schema"]["fields"].pop()
    (new / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    assert required_bump(old, new) == "major"
    assert required_bump(new, old) == "minor"  # a column added


def test_a_version_without_a_changelog_entry_is_refused(run, repo):
    code, _, err = _release(run, repo, "12.0.0")
    assert code == 1
    assert "has no entry for 12.0.0" in err and "## [12.0.0] - YYYY-MM-DD" in err
    assert not (repo / "releases").exists()
    assert not (repo / "CITATION.cff").exists()


def test_a_missing_or_incomplete_metadata_source_stops_the_release(run, repo, tmp_path):
    missing = tmp_path / "nowhere.toml"
    code, _, err = _release(run, repo, "11.0.0", "--metadata", missing)
    assert code == 1 and "Traceback" not in err
    assert f"{missing} does not exist" in err and "--metadata FILE" in err
    incomplete = tmp_path / "dataset.toml"
    text = (REPO / "metadata" / "dataset.toml").read_text(encoding="utf-8")
    incomplete.write_text(text.replace('guidelines = "docs/guidelines.md"\n', ""))
    code, _, err = _release(run, repo, "11.0.0", "--metadata", incomplete)
    assert code == 1 and err.strip().endswith(
        "the top level lacks guidelines; add them; nothing was written"
    )
    assert not (repo / "releases").exists() and not (repo / ".zenodo.json").exists()


def test_a_hand_written_zenodo_json_is_never_replaced(run, repo):
    (repo / ".zenodo.json").write_text('{"title": "mine"}', encoding="utf-8")
    code, _, err = _release(run, repo, "11.0.0")
    assert code == 1 and "was not written by a release" in err
    assert (repo / ".zenodo.json").read_text(encoding="utf-8") == '{"title": "mine"}'
    assert not (repo / "releases" / "11.0.0").exists()


def test_invalid_inputs_stop_the_release(run, repo):
    annotation = next((repo / "data" / "raw" / "annotations").rglob("*.json"))
    annotation.write_text("{", encoding="utf-8")
    code, _, err = _release(run, repo, "11.0.0")
    assert code == 1
    assert "malformed JSON" in err and "nothing was written" in err
    assert not (repo / "releases" / "11.0.0").exists()


def test_changelog_entries_and_versions_are_parsed(tmp_path):
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(CHANGELOG, encoding="utf-8")
    assert changelog_entry(changelog, "11.1.0") == ("2026-12-01", "- Corrected spans.")
    assert parse_version("10.0.3") == (10, 0, 3)
    for bad in ("1.0", "v1.0.0", "01.0.0", "1.0.0-rc1"):
        with pytest.raises(ReleaseError, match=r"MAJOR\.MINOR\.PATCH"):
            parse_version(bad)
    changelog.write_text("## [3.0.0] - 2026-12-02\n\n## [2.0.0] - 2026-12-01\n", encoding="utf-8")
    with pytest.raises(ReleaseError, match="empty"):
        changelog_entry(changelog, "3.0.0")


def _release_commit(version: str) -> str | None:
    """The commit that cut a release (releases are never edited after), in a git checkout."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        return None
    done = subprocess.run(
        ["git", "log", "-1", "--format=%H", "--", f"releases/{version}/SHA256SUMS"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() or None if done.returncode == 0 else None


@pytest.mark.parametrize(
    "version", sorted(p.name for p in (REPO / "releases").iterdir() if p.is_dir())
)
def test_a_fresh_clone_reproduces_the_committed_release(tmp_path, version):
    """Rebuild the release from a clone at the commit that cut it, with that commit's code."""
    commit = _release_commit(version)
    if commit is None:
        pytest.skip(f"releases/{version} is not in a git history here")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", REPO, clone], check=True)
    subprocess.run(["git", "checkout", "--quiet", commit], cwd=clone, check=True)
    out = tmp_path / "rebuilt"
    # The manifest records the package version: that commit's, not the installed one's.
    version_of_commit = tomllib.loads((clone / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]["version"]
    metadata = tmp_path / "metadata" / f"privacy_labels-{version_of_commit}.dist-info"
    metadata.mkdir(parents=True)
    (metadata / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: privacy-labels\nVersion: {version_of_commit}\n",
        encoding="utf-8",
    )
    # The command's module where that commit has it: cli/app.py since the packages by stage.
    is_package = (clone / "src" / "privacy_labels" / "cli" / "app.py").is_file()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "privacy_labels.cli.app" if is_package else "privacy_labels.cli",
            "release",
            version,
            "--quiet",
            "--releases",
            out,
            "--citation",
            tmp_path / "CITATION.cff",
        ],
        cwd=clone,
        env={"PYTHONPATH": f"{clone / 'src'}:{metadata.parent}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    committed = (REPO / "releases" / version / "SHA256SUMS").read_text(encoding="utf-8")
    assert (out / version / "SHA256SUMS").read_text(encoding="utf-8") == committed
