"""The importers' trial on whole corpora: a made-up MAPP and APP-350 at full size, with every
variety of their formats mixed in (tests/full_corpora.py), imported; each count of the
import report equals the count made here from the generated files, independently of the
importers (csv and ast for MAPP, YAML's base loader, which types nothing, for APP-350)."""

from __future__ import annotations

import ast
import csv
import filecmp
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from privacy_labels.importers.app350 import import_app350
from privacy_labels.importers.mapp import import_mapp
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.validate import Validator
from tests.conftest import read_json
from tests.full_corpora import (
    APP350_SPLITS,
    MAPP_BOTH,
    MAPP_FOLDERS,
    MAPP_SPLIT_DIFFERS,
    app350_practices,
    write_app350,
    write_mapp,
)

pytestmark = pytest.mark.slow

# APP-350's README: 28 data types as first- and third-party practices, SSO and
# Facebook_SSO as practices; PERFORMED or NOT_PERFORMED.
DATA_TYPES = {  # "-" is the broad type itself (Contact_1stParty)
    "Contact": "- Address_Book City E_Mail_Address Password Phone_Number Postal_Address ZIP",
    "Demographic": "- Age Gender",
    "Identifier": "- Ad_ID Cookie_or_similar_Tech Device_ID IMEI IMSI IP_Address MAC "
    "Mobile_Carrier SIM_Serial SSID_BSSID",
    "Location": "- Bluetooth Cell_Tower GPS IP_Address WiFi",
}
PRACTICES = {
    "_".join(part for part in (kind, data_type, party) if part != "-")
    for kind, data_types in DATA_TYPES.items()
    for data_type in data_types.split()
    for party in ("1stParty", "3rdParty")
} | {"SSO", "Facebook_SSO"}
MODALITIES = {"PERFORMED", "NOT_PERFORMED"}
NULLS = ("", "null", "Null", "NULL", "~")  # YAML's plain null, read as text by the base loader


def _made_and_imported(tmp_path_factory, folder: str, write, import_corpus) -> tuple[Path, dict]:
    """A made-up corpus written into `folder` of a fresh folder and imported beside it, into
    `raw/`: its root and the import report."""
    root = tmp_path_factory.mktemp(folder) / folder
    write(root)
    import_corpus(root, root.parent / "raw")
    return root, read_json(root.parent / "raw" / "import-report.json")


@pytest.fixture(scope="module")
def mapp(tmp_path_factory) -> tuple[Path, dict]:
    return _made_and_imported(tmp_path_factory, "MAPP_Corpus", write_mapp, import_mapp)


@pytest.fixture(scope="module")
def app350(tmp_path_factory) -> tuple[Path, dict]:
    return _made_and_imported(tmp_path_factory, "APP_350_v1_1", write_app350, import_app350)


def _mapp_files(folder: Path, suffix: str) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == suffix and not p.name.startswith("."))


def _mapp_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        for column in ("category name", "attribute name", "value name"):
            row[column] = ast.literal_eval(row[column] or "[]")
    return rows


def _mapp_segments(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    return text.split("\n\n")[:-1]


def _replaced(segment: str) -> bool:
    """Whether the segment holds what a policy text may not (raw/rules.py)."""
    return any(bad in segment for bad in ("\r", "\ufeff", "\x00"))


def _mapp_counts(root: Path) -> tuple[dict, Counter]:
    """Per language the report's counts, and the number of rows of each source problem."""
    counts, problems = {}, Counter()
    for language, name in MAPP_FOLDERS.items():
        c = Counter(splits=Counter())
        for path in _mapp_files(root / f"{name}_consolidation", ".csv"):
            rows = _mapp_rows(path)
            segments = _mapp_segments(root / f"{name}_sanitized_policies" / f"{path.stem}.txt")
            assert len(segments) == len(rows), path
            by_id = {int(r["segment_id"]): r for r in rows}
            c["policies"] += 1
            c["mapp_59_policies"] += rows[0]["MAPP_59"] == "True"
            c["segments"] += len(rows)
            c["splits"][rows[0]["policy_type"]] += 1
            for k, segment in enumerate(segments, 1):
                categories, values = by_id[k]["category name"], by_id[k]["value name"]
                attributes = by_id[k]["attribute name"]
                valued = {v.partition("_")[0] for v in values}
                c["labelled_pairs"] += len(set(categories))
                c["legal_basis_values"] += sum(
                    v.startswith("Legal Basis for Collection_") and not v.endswith("not-selected")
                    for v in values
                )
                if not segment.strip():
                    c["empty_segments"] += 1
                    c["pairs_on_empty_segments"] += len(set(categories))
                elif not re.search(r"[^\W\d_]", segment) or len(segment.strip()) < 20:
                    problems["debris_segments"] += 1
                problems["segments_with_characters_replaced"] += _replaced(segment)
                problems["two_category_rows"] += len(set(categories)) > 1
                problems["repeated_category_rows"] += len(categories) > len(set(categories))
                problems["not_selected_rows"] += any(v.endswith("_not-selected") for v in values)
                problems["attribute_without_value_rows"] += bool(set(attributes) - valued)
                problems["value_without_attribute_rows"] += bool(valued - set(attributes))
                problems["first_party_rows"] += "First Party" in categories
                problems["first_party_rows_without_legal_basis"] += (
                    "First Party" in categories
                    and (not any(v.startswith("Legal Basis for Collection_") for v in values))
                )
        counts[language] = {**c, "splits": dict(c["splits"])}
    return counts, problems


def test_mapp_every_count_of_the_report_is_the_files(mapp):
    root, report = mapp
    counts, problems = _mapp_counts(root)
    assert report["counts"] == counts
    expected = {**problems, "empty_segments": sum(c["empty_segments"] for c in counts.values())}
    listed = report["problems"]
    assert {
        k: len(listed[k]) if isinstance(listed[k], list) else listed[k] for k in expected
    } == expected
    assert report["n_value_sets"] == sum(
        c["labelled_pairs"] - c["pairs_on_empty_segments"] for c in counts.values()
    )
    assert (counts["en"]["policies"], counts["de"]["policies"]) == (64, 91)
    assert all(problems.values())  # the generator wrote every problem


def test_mapp_the_two_languages_compare_as_the_files_do(mapp):
    root, report = mapp
    splits = {
        (language, path.name): _mapp_rows(path)[0]["policy_type"]
        for language, name in MAPP_FOLDERS.items()
        for path in _mapp_files(root / f"{name}_consolidation", ".csv")
    }
    both = sorted(name for language, name in splits if language == "de" and ("en", name) in splits)
    problems = report["problems"]
    assert problems["apps_in_both_languages"] == len(both) == MAPP_BOTH
    group = [f"mapp-{name.partition('_')[0]}" for name in both]
    assert problems["split_differs_by_language"] == sorted(
        g for g, name in zip(group, both, strict=True) if splits["en", name] != splits["de", name]
    )
    assert len(problems["split_differs_by_language"]) == MAPP_SPLIT_DIFFERS
    texts = [f"{name.removesuffix('.csv')}.txt" for name in both]
    assert problems["identical_german_english"] == sorted(
        g
        for g, text in zip(group, texts, strict=True)
        if filecmp.cmp(
            root / "English_sanitized_policies" / text,
            root / "German_sanitized_policies" / text,
            shallow=False,
        )
    )
    assert problems["identical_german_english"]  # the generator wrote some
    labelled = {(MAPP_FOLDERS[lang], name.removesuffix(".csv")) for lang, name in splits}
    assert problems["texts_without_labels"] == [
        f"{name}_sanitized_policies/{path.name}"
        for name in MAPP_FOLDERS.values()
        for path in _mapp_files(root / f"{name}_sanitized_policies", ".txt")
        if (name, path.stem) not in labelled
    ]
    assert problems["mapp_59_differs_from_languages"] == []


def _written(text: str) -> str:
    return text.replace("\r", "\n").replace("\ufeff", "").replace("\x00", "")


def _app350_counts(root: Path) -> dict:
    """The report's counts, from the files read by YAML's base loader (every scalar text)."""
    c: Counter = Counter(splits=Counter())
    synthetic, missing = [], []
    for path in (root / "annotations").glob("policy_*.yml"):
        policy = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        policy_id = f"app350-{policy['policy_id']}"
        c["splits"][policy["policy_type"].lower().replace("training", "train")] += 1
        synthetic += [policy_id] if policy.get("contains_synthetic") == "true" else []
        missing += [policy_id] if "contains_synthetic" not in policy else []
        kept = [s for s in policy["segments"] if s["segment_text"].strip() not in NULLS]
        c["n_segments"] += len(policy["segments"])
        c["n_segments_with_characters_replaced"] += sum(
            _replaced(s["segment_text"]) for s in policy["segments"]
        )
        c["n_empty_segments"] += len(policy["segments"]) - len(kept)
        c["n_annotations"] += sum(len(s["annotations"]) for s in policy["segments"])
        c["n_sentences"] += sum(len(s["sentences"]) for s in policy["segments"])
        if not kept:
            c["n_policies_without_segments"] += 1
            continue
        c["n_policies"] += 1
        c["n_original_documents"] += (
            root / "original_documents" / f"{policy['policy_id']}.html"
        ).is_file()
        for segment in kept:
            listed = {(a["practice"], a["modality"]) for a in segment["annotations"]}
            pairs = {(p, m) for p, m in listed if p in PRACTICES and m in MODALITIES}
            c["n_unknown_practices"] += len(listed - pairs)
            c["n_practices"] += len(pairs)
            c["n_does_not"] += sum(modality == "NOT_PERFORMED" for _, modality in pairs)
            # Compared as written into the policy text: the CR a line end, U+FEFF and NUL none.
            loose = " ".join(_written(segment["segment_text"]).split())
            c["n_anchored_sentences"] += sum(
                " ".join(_written(s["sentence_text"]).split()) in loose
                for s in segment["sentences"]
            )
    c["n_synthetic_policies"] = len(synthetic)
    return {
        **c,
        "splits": dict(sorted(c["splits"].items())),
        "synthetic_policies": sorted(synthetic),
        "contains_synthetic_missing": sorted(missing),
    }


def test_app350_every_count_of_the_report_is_the_files(app350):
    root, report = app350
    counts = _app350_counts(root)
    for listed in ("synthetic_policies", "contains_synthetic_missing"):
        report[listed] = sorted(report[listed])
    assert {k: report[k] for k in counts} == counts
    assert counts["splits"] == {
        k.lower().replace("training", "train"): n for k, n in APP350_SPLITS.items()
    }
    assert counts["contains_synthetic_missing"] and counts["n_empty_segments"]
    assert counts["n_segments_with_characters_replaced"] and counts["n_unknown_practices"]


def test_app350_the_practices_are_the_58_the_readme_names():
    assert len(PRACTICES) == 58
    assert set(app350_practices()) == PRACTICES


def test_app350_each_policy_keeps_its_split_synthetic_flag_and_original(app350):
    root, report = app350
    for policy_id, facts in report["policies"].items():
        number = policy_id.removeprefix("app350-")
        policy = yaml.load(
            (root / "annotations" / f"policy_{number}.yml").read_text(encoding="utf-8"),
            Loader=yaml.BaseLoader,
        )
        flag = policy.get("contains_synthetic")
        assert facts["contains_synthetic"] == (None if flag is None else flag == "true")
        assert facts["split"] == policy["policy_type"].lower().replace("training", "train")
        has_original = (root / "original_documents" / f"{number}.html").is_file()
        assert (facts["original_sha256"] is not None) == has_original


@pytest.mark.parametrize("corpus", ["mapp", "app350"])
def test_what_the_import_writes_is_a_valid_raw_corpus(corpus, request):
    root, _ = request.getfixturevalue(corpus)
    raw = root.parent / "raw"
    assert not Validator(default_raw=raw).validate_corpus(RawCorpus(raw))
