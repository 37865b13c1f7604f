"""The real consumers of a release accept it: Frictionless, mlcroissant, Hugging Face
`datasets`, cffconvert and DuckDB; each committed release and a release of the current data
(cut into a temporary folder, see conftest.py). They live in the `test` extra (and cffconvert in its
own venv, see the Makefile); `make test` installs them, and CI (env CI set) fails
rather than skips when one is missing.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from privacy_labels._files import sha256_file
from tests.conftest import REPO

pytestmark = pytest.mark.slow
RELEASES = sorted(p for p in (REPO / "releases").iterdir() if p.is_dir())
BIN = Path(sys.executable).parent


def require(module: str):
    """Import a consumer tool; in CI a missing one is a failure, elsewhere a skip."""
    if os.environ.get("CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module, reason="install the test extra: make test")


def release_tables(release: Path) -> list[str]:
    """The tables of a release, in contract order: a release keeps the tables it was cut with."""
    return list(json.loads((release / "manifest.json").read_text())["n_rows"])


@pytest.fixture(params=[*RELEASES, "current"], ids=lambda p: getattr(p, "name", p))
def release(request) -> Path:
    if request.param == "current":
        return request.getfixturevalue("current_release").folder
    return request.param


def test_frictionless_validates_the_data_package(release):
    require("frictionless")
    done = subprocess.run(
        [BIN / "frictionless", "validate", "--json", "datapackage.json"],
        cwd=release,
        capture_output=True,
        text=True,
    )
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["valid"], done.stdout[:2000]
    rows = {task["name"]: task["stats"]["rows"] for task in report["tasks"]}
    assert rows == json.loads((release / "manifest.json").read_text())["n_rows"]


def test_frictionless_catches_a_broken_foreign_key(release, tmp_path):
    require("frictionless")
    copy = shutil.copytree(release, tmp_path / "copy")
    practices = (copy / "practices.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    first = practices[1].split(",")
    first[1] = "nosuchpolicy"
    practices[1] = ",".join(first)
    (copy / "practices.csv").write_text("".join(practices), encoding="utf-8")
    package = json.loads((copy / "datapackage.json").read_text())
    for resource in package["resources"]:  # keep the hashes right, so the key is what fails
        file = copy / resource["path"]
        resource["hash"], resource["bytes"] = f"sha256:{sha256_file(file)}", file.stat().st_size
    (copy / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    done = subprocess.run(
        [BIN / "frictionless", "validate", "--json", "datapackage.json"],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "foreign-key" in done.stdout


def test_mlcroissant_validates_and_loads_every_record_set(release):
    mlc = require("mlcroissant")
    done = subprocess.run(
        [BIN / "mlcroissant", "validate", "--jsonld", "croissant.json"],
        cwd=release,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    dataset = mlc.Dataset(jsonld=release / "croissant.json")
    for name in release_tables(release):
        # Static validation misses wrong columns and hashes: read every record and compare.
        records = list(dataset.records(record_set=name))
        expected = pq.read_table(release / f"{name}.parquet").to_pylist()
        assert len(records) == len(expected)
        decoded = [
            {
                c: v.decode() if isinstance(v, bytes) else v
                for c, v in ((k.split("/", 1)[1], v) for k, v in r.items())
            }
            for r in records
        ]
        assert decoded == expected, name


def test_croissant_hashes_every_file_it_lists(release):
    """mlcroissant checks only the files it reads (the Parquet), so check the CSVs too."""
    metadata = json.loads((release / "croissant.json").read_text())
    files = {f["contentUrl"]: f["sha256"] for f in metadata["distribution"]}
    schemes = sorted(p.relative_to(release).as_posix() for p in release.glob("schemes/*/*.json"))
    assert len(files) == 2 * len(release_tables(release)) + len(schemes)
    assert [f for f in files if f.startswith("schemes/")] == schemes
    assert files == {name: sha256_file(release / name) for name in files}


def test_datasets_loads_each_config_offline(release, tmp_path, monkeypatch):
    for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE"):
        monkeypatch.setenv(var, "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    datasets = require("datasets")
    names = release_tables(release)
    assert datasets.get_dataset_config_names(str(release)) == names
    for name in names:
        loaded = datasets.load_dataset(
            str(release), name, split="train", cache_dir=str(tmp_path / "cache")
        )
        expected = pq.read_table(release / f"{name}.parquet")
        assert loaded.column_names == expected.column_names
        assert loaded.to_list() == expected.to_pylist()


def _cffconvert() -> str:
    found = os.environ.get("CFFCONVERT") or shutil.which("cffconvert")
    if found and Path(found).is_file():
        return found
    if os.environ.get("CI"):
        pytest.fail("cffconvert not found: run the tests with `make test`")
    pytest.skip("cffconvert not installed: run the tests with `make test`")


@pytest.mark.parametrize("where", ["release", "repository"])
def test_citation_cff_is_valid_cff_1_2_0(release, where):
    path = release / "CITATION.cff" if where == "release" else REPO / "CITATION.cff"
    done = subprocess.run([_cffconvert(), "--validate", "-i", path], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "valid according to schema version 1.2.0" in done.stdout  # CFF 1.2.0


def test_cffconvert_rejects_an_invalid_citation(tmp_path):
    broken = tmp_path / "CITATION.cff"
    text = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    broken.write_text(text.replace("date-released:", "date-released-on:"), encoding="utf-8")
    done = subprocess.run([_cffconvert(), "--validate", "-i", broken], capture_output=True)
    assert done.returncode != 0


def test_duckdb_queries_the_parquet_files(release):
    duckdb = require("duckdb")
    con = duckdb.connect()
    n_values, n_spans = con.execute(
        f"""
        select count(*), count(v.span_start)
        from read_parquet('{release / "practices.parquet"}') p
        join read_parquet('{release / "attribute_values.parquet"}') v using (practice_id, category)
        """
    ).fetchone()
    manifest = json.loads((release / "manifest.json").read_text())
    assert n_values == manifest["n_rows"]["attribute_values"]
    assert 0 < n_spans < n_values
