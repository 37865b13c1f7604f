"""Both cores, a Dask cluster and partitioned output give the tables the serial build gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import privacy_labels as pl
from privacy_labels.builder.pipeline import PARTITIONED_TABLES, build
from privacy_labels.contract.scheme_set import package_schemes
from privacy_labels.contract.tables import TABLES, arrow_schema, pandas_dtypes, table
from privacy_labels.quality.gate import check
from privacy_labels.raw.inputs import POLICIES_PER_CHUNK
from tests import synthetic

pytestmark = pytest.mark.slow

N_POLICIES = 3 * POLICIES_PER_CHUNK + 4  # several parts, the last one short


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "raw"
    synthetic.generate(root, N_POLICIES, seed=7)
    return root


@pytest.fixture(scope="module")
def serial(raw, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("serial") / "labeled"
    build(raw, out, progress=False, workers=1)
    return out


def test_a_process_pool_writes_the_same_bytes(raw, serial, tmp_path):
    build(raw, tmp_path / "labeled", progress=False, workers=2)
    assert files(tmp_path / "labeled") == files(serial)


def test_a_dask_cluster_of_two_workers_writes_the_same_bytes(raw, serial, tmp_path, run):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        client = distributed.Client(cluster)
        # The scheduler's record of every task computed, whichever client sent it.
        with distributed.get_task_stream(client=client) as stream:
            code, _, err = run(
                "build", "--raw", raw, "--out", tmp_path / "labeled", "--quiet",
                "--scheduler", cluster.scheduler_address,
            )  # fmt: skip
        workers = set(client.scheduler_info()["workers"])
        client.close()
    assert code == 0, err
    # Every part was built on the cluster's workers, not here. The scheduler's task
    # stream, not the workers' logs: a stolen task shows in both workers' logs.
    parts = {
        task["key"]: task["worker"] for task in stream.data if "build_part" in str(task["key"])
    }
    assert len(parts) == -(-N_POLICIES // POLICIES_PER_CHUNK)
    assert set(parts.values()) <= workers
    assert files(tmp_path / "labeled") == files(serial)


@pytest.fixture(scope="module")
def partitioned(raw, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("partitioned") / "labeled"
    build(raw, out, progress=False, workers=2, partitioned=True)
    return out


def plain(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """A reader's frame in the contract's dtypes, labels as strings, rows sorted by key."""
    frame = frame.astype(pandas_dtypes(name, package_schemes()))
    labels = {c: "string" for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)}
    return frame.astype(labels).sort_values(list(table(name).primary_key)).reset_index(drop=True)


def test_partitions_are_ascii_slug_folders_of_the_category(partitioned):
    for name in PARTITIONED_TABLES:
        assert not (partitioned / f"{name}.parquet").exists()
        folders = sorted(p.name for p in (partitioned / name).iterdir())
        assert folders == sorted(
            f"category={c}" for c in set(pl.load(name, partitioned)["category"])
        )
        assert all(f.isascii() and "/" not in f and " " not in f for f in folders)


@pytest.mark.parametrize("name", PARTITIONED_TABLES)
def test_load_gives_the_same_table_partitioned_or_not(partitioned, serial, name):
    whole, parts = pl.load(name, serial), pl.load(name, partitioned)
    assert parts.dtypes.equals(whole.dtypes)
    pd.testing.assert_frame_equal(plain(parts, name), plain(whole, name))


@pytest.mark.parametrize("name", PARTITIONED_TABLES)
def test_duckdb_reads_the_partitioned_dataset_unchanged(partitioned, serial, name):
    duckdb = pytest.importorskip("duckdb")
    whole = pl.load(name, serial)
    read = duckdb.sql(
        f"select {', '.join(whole.columns)} "
        f"from read_parquet('{partitioned / name}/*/*.parquet', hive_partitioning = true)"
    ).df()
    pd.testing.assert_frame_equal(plain(read, name), plain(whole, name), check_dtype=False)


@pytest.mark.parametrize("name", PARTITIONED_TABLES)
def test_dask_reads_the_partitioned_dataset_unchanged(partitioned, serial, name):
    dd = pytest.importorskip("dask.dataframe")
    whole = pl.load(name, serial)
    read = dd.read_parquet(partitioned / name).compute()[list(whole.columns)]
    pd.testing.assert_frame_equal(plain(read, name), plain(whole, name), check_dtype=False)


def test_the_quality_gate_passes_a_partitioned_build(partitioned):
    result = check(partitioned, report=None)
    assert result.success, result.to_dict()


def _tampered(serial: Path, folder: Path, name: str, change) -> Path:
    shutil.copytree(serial, folder)
    frame = pq.read_table(folder / f"{name}.parquet").to_pandas()
    pq.write_table(
        pa.Table.from_pandas(change(frame), schema=arrow_schema(name), preserve_index=False),
        folder / f"{name}.parquet",
    )
    return folder


def _last_policy_row(frame: pd.DataFrame) -> int:
    return frame.index[frame["practice_id"].str.startswith(LAST_POLICY)][0]


LAST_POLICY = f"synthetic-{N_POLICIES:06d}"


def _unknown_category(frame):
    frame.loc[_last_policy_row(frame), "category"] = "bogus"
    return frame


def _orphan_value(frame):
    frame.loc[_last_policy_row(frame), "practice_id"] = "nobody-knows-this-practice"
    return frame


def _id_of_another_policy(frame):
    frame.loc[_last_policy_row(frame), "practice_id"] = frame.loc[0, "practice_id"]
    return frame


@pytest.mark.parametrize(
    ("name", "change", "named_by"),
    [
        ("practices", _unknown_category, "expect_column_values_to_be_in_set"),
        ("attribute_values", _orphan_value, "rows_belong_to_the_corpus"),
        ("practices", _id_of_another_policy, "practice_id_unique_across_policies"),
    ],
    ids=["label-in-last-policy", "orphan-row", "id-repeated-across-policies"],
)
def test_a_fault_anywhere_in_the_corpus_is_named(serial, tmp_path, name, change, named_by):
    """No batches: each rule sees the whole corpus, a fault in its last policy as in its first."""
    folder = _tampered(serial, tmp_path / "labeled", name, change)
    result = check(folder, report=None)
    assert named_by in {c.check for c in result.failures}, [str(c) for c in result.failures]


def test_the_gate_on_a_dask_cluster_gives_the_local_verdict(serial, tmp_path):
    """Each table's suite checked on one of two workers, the rules across tables here after."""
    distributed = pytest.importorskip("distributed")
    folder = _tampered(serial, tmp_path / "labeled", "practices", _id_of_another_policy)
    _edit_attribute_values = pq.read_table(folder / "attribute_values.parquet").to_pandas()
    pq.write_table(
        pa.Table.from_pandas(
            _orphan_value(_edit_attribute_values),
            schema=arrow_schema("attribute_values"),
            preserve_index=False,
        ),
        folder / "attribute_values.parquet",
    )
    local = check(folder, report=None)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        client = distributed.Client(cluster)
        with distributed.get_task_stream(client=client) as stream:
            remote = check(folder, report=None, scheduler=cluster.scheduler_address)
        workers = set(client.scheduler_info()["workers"])
        client.close()
    parts = {
        t["key"]: t["worker"] for t in stream.data if "_table_checks_on_a_worker" in str(t["key"])
    }
    assert len(parts) == len(TABLES)
    assert set(parts.values()) <= workers
    assert remote.to_dict() == local.to_dict()
    failed = {c.check for c in remote.failures}
    assert {"practice_id_unique_across_policies", "rows_belong_to_the_corpus"} <= failed
