"""What the whole MAPP and APP-350 corpora may hold that the project's small fixtures do not:
each case here is a property of the format the corpora's documentation states or allows,
read without miscounting, dropping silently or stopping the import."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from privacy_labels.cli.app import main
from privacy_labels.importers.app350 import import_app350
from privacy_labels.importers.mapp import import_mapp
from privacy_labels.importers.mapp.source import SourceError, read_mapp
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.validate import Validator
from tests.conftest import read_json

MAPS = "German_consolidation/902_org.example.maps.csv"


def _records(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _write(path: Path, records: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(records)


def test_mapp_rows_sorted_as_text_read_as_rows_in_order(mapp_root):
    text = mapp_root / "German_sanitized_policies" / "902_org.example.maps.txt"
    text.write_text(text.read_text(encoding="utf-8") * 6, encoding="utf-8")  # 12 segments
    header, first, second = _records(mapp_root / MAPS)
    rows = [[r[0], str(k), *r[2:]] for k in range(1, 13) for r in [(first, second)[(k - 1) % 2]]]
    _write(mapp_root / MAPS, [header, *rows])
    in_order = read_mapp(mapp_root).policies[-1].rows
    _write(mapp_root / MAPS, [header, *sorted(rows, key=lambda r: r[1])])  # 1, 10, 11, 12, 2, ...
    assert read_mapp(mapp_root).policies[-1].rows == in_order
    assert [r.segment_id for r in in_order] == list(range(1, 13))


@pytest.mark.parametrize(
    ("segment_ids", "message"),
    [(["1", "1"], r"line 3: segment_id '1' is not a new"), (["1", "x"], r"segment_id 'x'")],
)
def test_mapp_a_segment_id_repeated_or_not_a_number_is_refused(mapp_root, segment_ids, message):
    header, *rows = _records(mapp_root / MAPS)
    _write(
        mapp_root / MAPS,
        [header, *([r[0], k, *r[2:]] for r, k in zip(rows, segment_ids, strict=True))],
    )
    with pytest.raises(SourceError, match=message):
        read_mapp(mapp_root)


def test_mapp_a_policy_id_is_compared_as_a_number(mapp_root):
    header, *rows = _records(mapp_root / MAPS)
    _write(mapp_root / MAPS, [header, *(["0902", *r[1:]] for r in rows)])
    assert read_mapp(mapp_root).policies[-1].policy_id == "mapp-de-902-org-example-maps"
    _write(mapp_root / MAPS, [header, *(["903", *r[1:]] for r in rows)])
    with pytest.raises(SourceError, match=r"line 2: policy id '903'; expected 902"):
        read_mapp(mapp_root)


def test_mapp_a_category_listed_twice_is_one_pair_and_listed(mapp_root):
    header, first, second = _records(mapp_root / MAPS)
    first[2] = "['First Party', 'Third Party', 'First Party']"
    _write(mapp_root / MAPS, [header, first, second])
    corpus = read_mapp(mapp_root)
    assert corpus.counts()["de"]["labelled_pairs"] == 4 + 1
    assert corpus.problems()["repeated_category_rows"] == [
        {
            "policy_id": "mapp-de-902-org-example-maps",
            "segment_id": 1,
            "repeated_categories": ["First Party"],
        }
    ]


def test_mapp_legal_basis_values_are_counted_as_the_rows_list_them(mapp_root):
    """A legal basis on a third-party row fits no slot: listed as unplaced, still counted."""
    header, first, second = _records(mapp_root / MAPS)
    second[2:5] = ["['Third Party']", "[]", "['Legal Basis for Collection_Consent']"]
    _write(mapp_root / MAPS, [header, first, second])
    corpus = read_mapp(mapp_root)
    assert corpus.counts()["de"]["legal_basis_values"] == 2
    assert corpus.problems()["unplaced_value_rows"][-1]["unplaced_values"] == [
        "Legal Basis for Collection_Consent"
    ]


def test_mapp_a_value_the_scheme_does_not_know_is_listed_not_fatal(tmp_path, mapp_root, capsys):
    header, first, second = _records(mapp_root / MAPS)
    first[4] = (
        "['Information Type_Contact information', 'Information Type_Contact Information ', "
        "'Legal Basis for Collection_Consent (Art. 6)']"
    )
    _write(mapp_root / MAPS, [header, first, second])
    corpus = read_mapp(mapp_root)
    assert corpus.policies[-1].rows[0].labels == {
        "first_party_collection_use": {"personal_information_type": ["contact"]}
    }
    assert corpus.counts()["de"]["legal_basis_values"] == 1
    assert corpus.problems()["unknown_value_rows"] == [
        {
            "policy_id": "mapp-de-902-org-example-maps",
            "segment_id": 1,
            "unknown_values": [
                "Information Type_Contact Information ",
                "Legal Basis for Collection_Consent (Art. 6)",
            ],
        }
    ]
    assert main(["import", "mapp", str(mapp_root), "--out", str(tmp_path / "raw")]) == 0
    assert "1 rows with values the mapp scheme does not know" in capsys.readouterr().out


def test_mapp_an_empty_cell_lists_nothing(mapp_root):
    header, first, second = _records(mapp_root / MAPS)
    second[2:5] = ["", "", ""]
    _write(mapp_root / MAPS, [header, first, second])
    assert read_mapp(mapp_root).policies[-1].rows[1].categories == ()


def test_mapp_a_blank_line_in_the_csv_is_no_row(mapp_root):
    before = read_mapp(mapp_root).policies[-1].rows
    header, first, second = _records(mapp_root / MAPS)
    _write(mapp_root / MAPS, [header, first, [], second, []])
    assert read_mapp(mapp_root).policies[-1].rows == before


def test_mapp_a_text_without_labels_is_listed_and_system_files_are_not_mapps(mapp_root):
    texts = mapp_root / "English_sanitized_policies"
    (texts / "905_org.example.lone.txt").write_text("A lone policy.\n\n", encoding="utf-8")
    # macOS's twins of every file, in a copy unpacked there
    (mapp_root / "English_consolidation" / "._900_org.example.notes.csv").write_bytes(b"\x00\x05")
    (texts / "._900_org.example.notes.txt").write_bytes(b"\x00\x05")
    corpus = read_mapp(mapp_root)
    assert [p.policy_id for p in corpus.policies] == [
        "mapp-en-900-org-example-notes",
        "mapp-de-900-org-example-notes",
        "mapp-de-902-org-example-maps",
    ]
    assert corpus.problems()["texts_without_labels"] == [
        "English_sanitized_policies/905_org.example.lone.txt"
    ]


def test_mapp_59_is_counted_and_listed_where_the_languages_say_otherwise(mapp_root):
    header, *rows = _records(mapp_root / MAPS)
    _write(mapp_root / MAPS, [header, *([*r[:7], "True"] for r in rows)])
    corpus = read_mapp(mapp_root)
    assert {k: c["mapp_59_policies"] for k, c in corpus.counts().items()} == {"en": 1, "de": 2}
    assert corpus.problems()["mapp_59_differs_from_languages"] == ["mapp-de-902-org-example-maps"]
    rows[0][7] = "True"  # the other row says False
    _write(mapp_root / MAPS, [header, *rows])
    with pytest.raises(SourceError, match="rows differ in policy_type, privacy_policy_link or"):
        read_mapp(mapp_root)


def test_mapp_a_number_two_files_of_one_language_start_with_links_none(tmp_path, mapp_root):
    """MAPP matches an app's two languages by the number its files start with."""
    for kind, suffix in (("consolidation", ".csv"), ("sanitized_policies", ".txt")):
        english = mapp_root / f"English_{kind}" / f"900_org.example.notes{suffix}"
        shutil.copy(english, english.with_name(f"900_org.example.other{suffix}"))
    corpus = read_mapp(mapp_root)
    assert corpus.linked_groups() == []
    problems = corpus.problems()
    assert problems["number_repeated_in_language"] == ["mapp-900"]
    assert problems["apps_in_both_languages"] == 0
    import_mapp(mapp_root, tmp_path / "raw")
    sidecars = [read_json(p) for p in (tmp_path / "raw" / "policies").glob("*.json")]
    assert [s.get("policy_group_id") for s in sidecars] == [None] * 4


def test_mapp_a_cr_or_zero_width_mark_in_a_line_is_replaced_and_the_output_valid(
    tmp_path, mapp_root
):
    text = mapp_root / "German_sanitized_policies" / "902_org.example.maps.txt"
    first, rest = text.read_text(encoding="utf-8").split("\n", 1)
    text.write_text(f"\ufeff{first}\rzweite Zeile\ufeff\x00\n{rest}", encoding="utf-8")
    corpus = read_mapp(mapp_root)
    assert corpus.policies[-1].segments[0] == f"{first}\nzweite Zeile"
    assert corpus.problems()["segments_with_characters_replaced"] == [
        {"policy_id": "mapp-de-902-org-example-maps", "segment_id": 1}
    ]
    import_mapp(mapp_root, tmp_path / "raw")
    assert not Validator(default_raw=tmp_path / "raw").validate_corpus(RawCorpus(tmp_path / "raw"))
    # A file of old Mac line ends (CR only) reads as its lines.
    text.write_bytes(f"{first}\n{rest}".replace("\n", "\r").encode("utf-8"))
    assert read_mapp(mapp_root).policies[-1].segments[0] == first


def _import_app350(root: Path, tmp_path: Path) -> tuple[dict, Path]:
    out = tmp_path / "raw"
    import_app350(root, out)
    return read_json(out / "import-report.json"), out


def test_app350_plain_scalars_yaml_would_type_are_read_as_the_text_they_are(tmp_path, app350_root):
    path = app350_root / "annotations" / "policy_10.yml"
    text = path.read_text(encoding="utf-8")
    name = text.split("policy_name: ", 1)[1].split("\n", 1)[0]
    segments = "segments:\n" + "".join(
        f"- segment_id: {k}\n  segment_text: {plain}\n  annotations: []\n  sentences: []\n"
        for k, plain in enumerate(["Yes", "2018-05-25", "10:30", "0x1F", "1_000", ".inf"], 90)
    )
    path.write_text(
        text.replace(f"policy_name: {name}", "policy_name: 1234").replace("segments:\n", segments),
        encoding="utf-8",
    )
    _, out = _import_app350(app350_root, tmp_path)
    policy = out / "policies" / "app350-10.txt"
    assert policy.read_text(encoding="utf-8").startswith(
        "Yes\n\n2018-05-25\n\n10:30\n\n0x1F\n\n1_000\n\n.inf\n\n"
    )
    sidecar = read_json(policy.with_suffix(".json"))
    assert sidecar["organisation"] == "1234"


def test_app350_a_policy_without_contains_synthetic_is_imported_and_listed(tmp_path, app350_root):
    """The corpus README's example of the format has no contains_synthetic."""
    path = app350_root / "annotations" / "policy_2.yml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(x for x in lines if not x.startswith("contains_synthetic")))
    report, out = _import_app350(app350_root, tmp_path)
    assert report["contains_synthetic_missing"] == ["app350-2"]
    assert report["synthetic_policies"] == ["app350-10"]
    sidecar = read_json(out / "policies" / "app350-2.json")
    assert "contains_synthetic" not in sidecar  # absent: the source does not say


def test_app350_split_sizes_and_synthetic_count_a_policy_without_segments(tmp_path, app350_root):
    (app350_root / "annotations" / "policy_11.yml").write_text(
        "policy_id: 11\npolicy_name: org.example.none\npolicy_type: VALIDATION\n"
        "contains_synthetic: true\nsegments: []\n",
        encoding="utf-8",
    )
    report, _ = _import_app350(app350_root, tmp_path)
    assert report["splits"] == {"test": 1, "train": 1, "validation": 1}
    assert report["n_synthetic_policies"] == 2
    assert report["n_policies"] + report["n_policies_without_segments"] == 3


def test_app350_the_first_sentence_found_is_the_evidence(tmp_path, app350_root):
    """A practice whose first sentence is not in its segment is anchored on a later one."""
    path = app350_root / "annotations" / "policy_11.yml"
    path.write_text(
        "policy_id: 11\npolicy_name: org.example.two\npolicy_type: TEST\n"
        "contains_synthetic: false\nsegments:\n- segment_id: 0\n"
        "  segment_text: We collect your location. We share it.\n"
        "  annotations:\n  - {practice: Location_1stParty, modality: PERFORMED}\n"
        "  sentences:\n  - sentence_text: We collected your location.\n"
        "    annotations:\n    - {practice: Location_1stParty, modality: PERFORMED}\n"
        "  - sentence_text: null\n    annotations: []\n"
        "  - sentence_text: We collect your location.\n"
        "    annotations:\n    - {practice: Location_1stParty, modality: PERFORMED}\n",
        encoding="utf-8",
    )
    report, out = _import_app350(app350_root, tmp_path)
    document = read_json(out / "annotations" / "app350-11" / "app350.json")
    value = document["practices"][0]["attributes"]["data_type"]
    assert (value["span_start"], value["span_text"]) == (0, "We collect your location.")
    assert report["sentences"]["not_in_segment"] == 1 + 1 + 1  # policy_2's, two here
    assert report["n_anchored_sentences"] == report["n_sentences"] - 3
    assert report["n_original_documents"] == 1


def test_app350_a_cr_or_zero_width_mark_in_a_segment_is_replaced_and_anchors(tmp_path, app350_root):
    """YAML writes them as escapes; the raw layout refuses them in a policy text."""
    (app350_root / "annotations" / "policy_11.yml").write_text(
        "policy_id: 11\npolicy_name: org.example.cr\npolicy_type: TEST\n"
        "contains_synthetic: false\nsegments:\n- segment_id: 0\n"
        '  segment_text: "Intro\\r\\nWe\\uFEFF collect your\\rlocation.\\0"\n'
        "  annotations:\n  - {practice: Location_1stParty, modality: PERFORMED}\n"
        '  sentences:\n  - sentence_text: "We\\uFEFF collect your\\rlocation."\n'
        "    annotations:\n    - {practice: Location_1stParty, modality: PERFORMED}\n",
        encoding="utf-8",
    )
    report, out = _import_app350(app350_root, tmp_path)
    assert not Validator(default_raw=out).validate_corpus(RawCorpus(out))
    text = (out / "policies" / "app350-11.txt").read_text(encoding="utf-8")
    assert text == "Intro\nWe collect your\nlocation.\n"
    assert report["segments_with_characters_replaced"] == [
        {"policy_id": "app350-11", "segment_id": 0}
    ]
    document = read_json(out / "annotations" / "app350-11" / "app350.json")
    assert document["practices"][0]["attributes"]["data_type"]["span_text"] == (
        "We collect your\nlocation."
    )
