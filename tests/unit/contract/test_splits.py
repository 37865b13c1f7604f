"""The field's named splits (schema/splits/), the long splits table, and choosing a part of
a split: `score`, `baseline` and the wide view."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest

import privacy_labels as pl
from privacy_labels._files import package_data
from privacy_labels.contract.splits import named_splits, split_rows
from privacy_labels.contract.views import split_of
from privacy_labels.importers.opp115.source import policy_id_of
from tests.conftest import FIXTURES, SHARED

FIELD_SPLITS = SHARED / "fixtures" / "field-splits"
needs_shared = pytest.mark.skipif(
    not FIELD_SPLITS.is_dir(), reason="the field's split lists are in ../shared only"
)


def _listed(name: str) -> dict[str, dict[str, str]]:
    """A shipped list split as it is written: part -> {source name: policy id}."""
    folder = package_data("schema", "schema") / "splits" / name
    return json.loads((folder / "split.json").read_text(encoding="utf-8"))["parts"]


def _parts(name: str) -> dict[str, set[str]]:
    """part -> policy ids of a named split as the package reads it."""
    parts: dict[str, set[str]] = {}
    for policy_id, part in named_splits()[name].members.items():
        parts.setdefault(part, set()).add(policy_id)
    return parts


# -- The lists ---------------------------------------------------------------------------------


def test_the_named_splits_have_the_papers_parts_and_sizes():
    splits = named_splits()
    assert sorted(splits) == ["app350", "app350-plue", "mapp", "plue", "policyqa"]
    sizes = {n: {p: len(ids) for p, ids in _parts(n).items()} for n in ("plue", "policyqa")}
    assert sizes["plue"] == {"train": 85, "validation": 10, "test": 20}
    assert sizes["policyqa"] == {"train": 75, "validation": 20, "test": 20}
    assert {p: len(ids) for p, ids in _parts("app350-plue").items()} == {
        "train": 250,
        "validation": 50,
        "test": 50,
    }
    assert splits["mapp"].parts == ("train", "test")
    assert splits["app350"].parts == ("train", "validation", "test")


def test_the_opp115_lists_hold_the_ids_an_import_gives_their_stems(tmp_path):
    """Matched by id: each listed stem's id is the one `import opp115` gives that stem; the
    repo's fixture shows the importer naming its policies by that rule."""
    from privacy_labels.importers.opp115 import import_opp115

    for name in ("plue", "policyqa"):
        for ids in _listed(name).values():
            assert all(policy_id_of(stem) == policy_id for stem, policy_id in ids.items())
    # Both splits part the same 115 policies.
    assert set().union(*_parts("plue").values()) == set().union(*_parts("policyqa").values())
    assert len(set().union(*_parts("plue").values())) == 115
    import_opp115(FIXTURES / "opp115", tmp_path / "raw", progress=False)
    stems = sorted(p.stem for p in (FIXTURES / "opp115" / "sanitized_policies").glob("*.html"))
    imported = sorted(p.stem for p in (tmp_path / "raw" / "policies").glob("*.json"))
    assert imported == sorted(policy_id_of(stem) for stem in stems)


@needs_shared
def test_the_lists_are_those_the_papers_published():
    plue = json.loads((FIELD_SPLITS / "opp115-plue.json").read_text(encoding="utf-8"))["parts"]
    assert {part: set(_listed("plue")[part]) for part in ("train", "validation", "test")} == {
        "train": set(plue["train"]),
        "validation": set(plue["valid"]),
        "test": set(plue["test"]),
    }
    policyqa = json.loads((FIELD_SPLITS / "opp115-policyqa.json").read_text(encoding="utf-8"))
    domains = {p: {s.partition("_")[2] for s in ids} for p, ids in _listed("policyqa").items()}
    assert domains["validation"] == set(policyqa["parts"]["dev"])  # PolicyQA's dev part
    assert domains["test"] == set(policyqa["parts"]["test"])
    every = {s.partition("_")[2] for ids in plue.values() for s in ids}
    assert domains["train"] == every - domains["validation"] - domains["test"]


@needs_shared
def test_the_shared_opp115_sample_is_split_as_the_lists_say(tmp_path):
    from privacy_labels.builder.pipeline import build
    from privacy_labels.importers.opp115 import import_opp115

    sample = SHARED / "fixtures" / "opp115-sample"
    import_opp115(sample, tmp_path / "raw", progress=False)
    build(tmp_path / "raw", tmp_path / "labeled", progress=False)
    splits = pl.load("splits", tmp_path / "labeled")
    stems = [p.stem for p in (sample / "sanitized_policies").glob("*.html")]
    for name in ("plue", "policyqa"):
        part_of = {policy_id_of(stem): part for part, ids in _listed(name).items() for stem in ids}
        rows = splits[splits.split_name == name]
        assert dict(zip(rows.policy_id, rows.part.astype(str), strict=True)) == {
            policy_id_of(stem): part_of[policy_id_of(stem)] for stem in stems
        }


def test_plue_takes_app350s_file_names_in_string_order():
    """PLUE's APP-350 split is the first 250/50/50 of the file names sorted as strings, where
    policy_100 comes before policy_11 and policy_99 is among the last."""
    names = sorted(f"policy_{n}.yml" for n in range(1, 351))
    listed = _listed("app350-plue")
    assert list(listed["train"]) + list(listed["validation"]) + list(listed["test"]) == names
    part_of = {name: part for part, ids in listed.items() for name in ids}
    assert part_of["policy_100.yml"] == "train"  # numerically 100th of 350: train either way
    assert part_of["policy_99.yml"] == "test"  # numerically 99th: train, were the order numeric
    assert part_of["policy_4.yml"] == "validation" and part_of["policy_324.yml"] == "validation"
    assert part_of["policy_323.yml"] == "train"
    assert all(listed[p][n] == f"app350-{n[7:-4]}" for p in listed for n in listed[p])


def _imported_app350(source, tmp_path):
    """APP-350 at `source` imported into tmp_path/raw and built; the tables' folder."""
    from privacy_labels.builder.pipeline import build
    from privacy_labels.importers.app350 import import_app350

    import_app350(source, tmp_path / "raw")
    build(tmp_path / "raw", tmp_path / "labeled", progress=False)
    return tmp_path / "labeled"


def test_an_app350_import_records_the_file_name_plues_list_holds_beside_its_id(tmp_path):
    labeled = _imported_app350(FIXTURES / "app350", tmp_path)
    id_of = {name: i for ids in _listed("app350-plue").values() for name, i in ids.items()}
    policies = pl.load("policies", labeled)
    for policy_id, source in zip(policies.policy_id, policies.source, strict=True):
        assert id_of[source.rpartition("/")[2]] == policy_id  # "…, annotations/policy_2.yml"


@pytest.mark.skipif(
    not (SHARED / "fixtures" / "app350-sample").is_dir(), reason="the sample is in ../shared only"
)
def test_the_shared_app350_sample_keeps_synthetic_policies_out_of_evaluation(tmp_path):
    labeled = _imported_app350(SHARED / "fixtures" / "app350-sample", tmp_path)
    splits = pl.load("splits", labeled).merge(pl.load("policies", labeled))
    parts = {
        name: dict(zip(rows.policy_id, rows.part.astype(str), strict=True))
        for name, rows in splits.groupby("split_name", observed=True)
    }
    # 3 and 9 TEST, 201 and 301 TRAINING, 250 VALIDATION; 250 and 301 synthetic.
    assert parts["app350"] == {
        "app350-201": "train",
        "app350-301": "train",
        "app350-3": "test",
        "app350-9": "test",
    }
    # policy_9 is among the last 50 names as strings; the others among the first 250.
    assert parts["app350-plue"] == {p: "train" for p in parts["app350-plue"]} | {"app350-9": "test"}
    assert len(parts["app350-plue"]) == 5
    evaluated = splits[splits.part.isin(["validation", "test"])]
    assert not evaluated.contains_synthetic.any()


# -- A policy's rows ---------------------------------------------------------------------------


def _parts_of(policy: dict) -> dict[str, str]:
    return {row["split_name"]: row["part"] for row in split_rows(policy)}


def test_a_corpus_own_split_comes_from_its_source_split_and_its_ids():
    assert (
        _parts_of({"policy_id": "mapp-en-101-com-mewe", "source_split": "TEST"})["mapp"] == "test"
    )
    assert _parts_of({"policy_id": "app350-7", "source_split": "VALIDATION"})["app350"] == (
        "validation"
    )
    # Another corpus's policy with a source_split of the same words is in neither.
    assert set(_parts_of({"policy_id": "acme", "source_split": "TRAIN"})) == {"default"}


def _evaluated_by_default(prefix: str) -> str:
    """A policy id whose default part is test."""
    return next(f"{prefix}{n}" for n in range(1000) if split_of(f"{prefix}{n}") == "test")


def test_synthetic_policies_are_in_no_validation_or_test_part():
    policy_id = _evaluated_by_default("app350-")
    policy = {"policy_id": policy_id, "source_split": "VALIDATION", "contains_synthetic": True}
    assert _parts_of({**policy, "contains_synthetic": False}) == {
        "default": "test",
        "app350": "validation",
        "app350-plue": _parts_of({"policy_id": policy_id})["app350-plue"],
    }
    assert all(part == "train" for part in _parts_of(policy).values())
    # In train it stays.
    assert _parts_of({**policy, "source_split": "TRAINING"})["app350"] == "train"


def test_an_imported_synthetic_validation_policy_is_left_out_of_evaluation(tmp_path):
    source = shutil.copytree(FIXTURES / "app350", tmp_path / "app350")
    path = source / "annotations" / "policy_10.yml"  # contains_synthetic, TRAINING
    path.write_text(path.read_text().replace("TRAINING", "VALIDATION"), encoding="utf-8")
    labeled = _imported_app350(source, tmp_path)
    splits = pl.load("splits", labeled)
    synthetic = pl.load("policies", labeled).query("contains_synthetic").policy_id
    assert list(synthetic) == ["app350-10"]
    rows = splits[splits.policy_id == "app350-10"]
    assert "app350" not in set(rows.split_name)  # its official part, validation, is dropped
    assert set(rows.part.astype(str)) <= {"train"}
    other = splits[splits.policy_id == "app350-2"]
    assert dict(zip(other.split_name, other.part.astype(str), strict=True))["app350"] == "test"


# -- Choosing a part: score, baseline, the wide view -------------------------------------------

PLUE_TEST, PLUE_TRAIN = "32_voxmedia.com", "21_imdb.com"  # in PLUE's test and train parts


@pytest.fixture(scope="module")
def plue_labeled(tmp_path_factory):
    """The repo's OPP-115-format fixture, its two policies under stems of PLUE's test and
    train lists (7_example.org and 12_sample.net renamed), imported and built."""
    from privacy_labels.builder.pipeline import build
    from privacy_labels.importers.opp115 import import_opp115

    folder = tmp_path_factory.mktemp("plue")
    source = shutil.copytree(FIXTURES / "opp115", folder / "opp115")
    renamed = {"7_example.org": PLUE_TEST, "12_sample.net": PLUE_TRAIN}
    for path in sorted(source.rglob("*_*.*")):
        for old, new in renamed.items():
            if path.name.startswith(old + "."):
                path.rename(path.with_name(new + path.name.removeprefix(old)))
    metadata = source / "documentation" / "policies_opp115.csv"
    text = metadata.read_text(encoding="utf-8")
    for old, new in renamed.items():
        text = re.sub(rf"^{old.partition('_')[0]},", f"{new.partition('_')[0]},", text, flags=re.M)
    metadata.write_text(text, encoding="utf-8")
    import_opp115(source, folder / "raw", progress=False)
    build(folder / "raw", folder / "labeled", progress=False)
    return folder


def test_plue_test_selects_exactly_the_listed_policies(plue_labeled, run):
    labeled = plue_labeled / "labeled"
    splits = pl.load("splits", labeled)
    plue = splits[splits.split_name == "plue"]
    assert dict(zip(plue.policy_id, plue.part.astype(str), strict=True)) == {
        policy_id_of(PLUE_TEST): "test",
        policy_id_of(PLUE_TRAIN): "train",
    }
    code, out, err = run("score", labeled, labeled, "--split", "plue:test", "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    segments = pl.load("segments", labeled)
    assert result["split"] == "plue:test" and result["n_policies"] == 1
    assert result["n_segments"] == (segments.policy_id == policy_id_of(PLUE_TEST)).sum()
    wide = pl.load("segment_labels", labeled, wide=True, scheme="opp115", split="plue:test")
    assert set(wide.policy_id) == {policy_id_of(PLUE_TEST)}
    assert len(wide) == result["n_segments"]


def test_baseline_trains_and_predicts_on_a_named_split(plue_labeled, run):
    pytest.importorskip("sklearn")
    labeled, model = plue_labeled / "labeled", plue_labeled / "m.npz"
    code, out, err = run(
        "baseline", "train", "--labeled", labeled, "--out", model, "--split", "plue:train",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    segments = pl.load("segments", labeled)
    assert json.loads(out)["n_segments"] == (segments.policy_id == policy_id_of(PLUE_TRAIN)).sum()
    predictions = plue_labeled / "p.json"
    code, _, err = run(
        "baseline", "predict", "--model", model, "--raw", plue_labeled / "raw", "--out",
        predictions, "--split", "plue:test",
    )  # fmt: skip
    assert code == 0, err
    assert set(json.loads(predictions.read_text())["policies"]) == {policy_id_of(PLUE_TEST)}
    code, out, err = run("score", labeled, predictions, "--split", "plue:test", "--format", "json")
    assert code == 0 and json.loads(out)["n_policies"] == 1, err


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        (["--split", "plue:dev"], "no plue:dev"),  # PolicyQA's name; the part is validation
        (["--split", "mapp:test"], "no mapp:test"),  # a split the tables hold no row of
        (["--split", "nonsense:test"], "no nonsense:test"),
        (["--split", "plue:"], "give NAME:PART"),
        (["--language", "de"], "languages are en"),
    ],
)
def test_a_split_or_language_the_tables_do_not_hold_is_a_usage_error(
    plue_labeled, run, arguments, named
):
    labeled = plue_labeled / "labeled"
    code, _, err = run("score", labeled, labeled, *arguments)
    assert code == 2 and named in err and len(err.strip().splitlines()) == 1, err
    if arguments[0] == "--split":
        assert "default: train" in err or "NAME:PART" in err  # the splits the tables hold
        with pytest.raises(ValueError, match=re.escape(named)):
            pl.load("segment_labels", labeled, wide=True, split=arguments[1])


def test_a_bare_part_is_the_default_splits(plue_labeled, run):
    labeled = plue_labeled / "labeled"
    default = {policy_id_of(s): split_of(policy_id_of(s)) for s in (PLUE_TEST, PLUE_TRAIN)}
    part = next(iter(default.values()))
    code, out, err = run("score", labeled, labeled, "--split", part, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["n_policies"] == sum(p == part for p in default.values())
    wide = pl.load("segment_labels", labeled, wide=True, split=part)
    assert set(wide.policy_id) == {p for p, q in default.items() if q == part}


def test_a_release_with_one_split_row_per_policy_loads_as_released():
    splits = pl.load("splits", version="1.0.0")
    assert list(splits.columns) == ["policy_id", "split"]
    assert list(splits["split"].cat.categories) == ["train", "validation", "test"]
    wide = pl.load("segment_labels", version="1.0.0", wide=True, split="default:test")
    assert set(wide.policy_id) == set(splits.policy_id[splits.split == "test"])


def test_split_all_loads_every_row():
    """`all` is every policy, as `--split all` is for score and baseline."""
    every = pl.load("segment_labels", version="1.0.0", wide=True)
    chosen = pl.load("segment_labels", version="1.0.0", wide=True, split="all")
    assert len(every) > 0
    pd.testing.assert_frame_equal(chosen, every)
