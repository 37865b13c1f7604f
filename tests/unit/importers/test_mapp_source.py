"""Reading MAPP's files: every policy, segment, label set and source problem, counted here
independently of the reader, on this project's own fixture and on the shared sample."""

from __future__ import annotations

import ast
import csv
import filecmp
from pathlib import Path

import pytest

from privacy_labels.importers.mapp.source import SourceError, read_mapp
from tests.conftest import SHARED

FIXTURE = Path(__file__).parents[2] / "fixtures" / "mapp" / "MAPP_Corpus"
SAMPLE = SHARED / "fixtures" / "mapp-sample"
FOLDERS = {"en": "English", "de": "German"}


def test_the_fixture_reads_as_written():
    corpus = read_mapp(FIXTURE)
    assert [(p.policy_id, p.group_id, p.language, p.split, p.url) for p in corpus.policies] == [
        (
            "mapp-en-900-org-example-notes",
            "mapp-900",
            "en",
            "TRAIN",
            "https://example.org/notes/privacy",
        ),
        (
            "mapp-de-900-org-example-notes",
            "mapp-900",
            "de",
            "TEST",
            "https://example.org/notes/privacy",
        ),
        (
            "mapp-de-902-org-example-maps",
            "mapp-902",
            "de",
            "TRAIN",
            "https://example.org/maps/datenschutz",
        ),
    ]
    english = corpus.policies[0]
    assert english.segments[0] == "Home | Login"
    assert len(english.segments) == 3
    first, second, third = english.rows
    assert (first.categories, first.labels) == ((), {})
    assert second.labels == {
        "first_party_collection_use": {
            "personal_information_type": ["contact"],
            "purpose": ["basic_service_feature"],
        }
    }
    assert second.attributes_without_value == ["Collection Process"]
    # Information type and purpose fit both categories: given to both and flagged; the
    # shared-with process only fits the third party, the entity only the third party.
    assert third.labels == {
        "first_party_collection_use": {
            "personal_information_type": ["user_online_activities_or_profile"],
            "purpose": ["analytics_research"],
        },
        "third_party_sharing_collection": {
            "personal_information_type": ["user_online_activities_or_profile"],
            "purpose": ["analytics_research"],
            "third_party_entity": ["unnamed_third_party"],
            "action_third_party": ["receive_shared_with"],
        },
    }
    assert third.ambiguous_values == [
        "Information Type_User online activities",
        "Purpose_Analytics or research",
    ]
    assert third.values_without_attribute == [
        "Purpose_Analytics or research",
        "Collection Process_Shared by first party with a third party",
    ]

    rows = lambda *pairs: [{"policy_id": p, "segment_id": k} for p, k in pairs]  # noqa: E731

    def with_(row, name: str, *policy_ids: str) -> list[dict]:
        return [
            {"policy_id": p, "segment_id": row.segment_id, name: getattr(row, name)}
            for p in policy_ids
        ]

    en, de, maps = (p.policy_id for p in corpus.policies)
    assert corpus.problems() == {
        "two_category_rows": rows((en, 3), (de, 3)),
        "repeated_category_rows": [],
        "ambiguous_category_rows": with_(third, "ambiguous_values", en, de),
        "unplaced_value_rows": [],
        "unknown_value_rows": [],
        "attribute_without_value_rows": with_(second, "attributes_without_value", en, de),
        "value_without_attribute_rows": with_(third, "values_without_attribute", en, de),
        "not_selected_rows": [],
        "first_party_rows": 5,
        "first_party_rows_without_legal_basis": rows((en, 2), (en, 3), (de, 2), (de, 3)),
        "apps_in_both_languages": 1,
        "identical_german_english": ["mapp-900"],
        "split_differs_by_language": ["mapp-900"],
        "debris_segments": rows((en, 1), (de, 1), (maps, 2)),
        "empty_segments": [],
        "texts_without_labels": [],
        "segments_with_characters_replaced": [],
        "mapp_59_differs_from_languages": [],
        "number_repeated_in_language": [],
        "policies_without_segments": [],
    }


def _independent_counts(root: Path) -> dict:
    """What MAPP's files say, read here with the csv module and plain string splits."""
    counts = {"policies": 0, "segments": 0, "two_category": 0, "no_legal_basis": 0, "splits": {}}
    for language, name in FOLDERS.items():
        for path in sorted((root / f"{name}_consolidation").glob("*.csv")):
            text = (root / f"{name}_sanitized_policies" / f"{path.stem}.txt").read_text(
                encoding="utf-8"
            )
            with path.open(encoding="utf-8", newline="") as f:
                records = list(csv.DictReader(f))
            assert len(records) == text.count("\n\n")
            counts["policies"] += 1
            counts["segments"] += len(records)
            for r in records:
                categories = ast.literal_eval(r["category name"])
                counts["two_category"] += len(categories) == 2
                counts["no_legal_basis"] += "First Party" in categories and not any(
                    v.startswith("Legal Basis") for v in ast.literal_eval(r["value name"])
                )
            counts["splits"][(language, path.stem.split("_")[0])] = records[0]["policy_type"]
    return counts


@pytest.mark.skipif(not SAMPLE.is_dir(), reason="the shared MAPP sample is absent")
def test_the_shared_sample_matches_its_files_counted_independently():
    corpus = read_mapp(SAMPLE)
    counts = _independent_counts(SAMPLE)
    problems = corpus.problems()
    assert len(corpus.policies) == counts["policies"] == 6
    assert sum(len(p.segments) for p in corpus.policies) == counts["segments"]
    assert all(len(p.rows) == len(p.segments) for p in corpus.policies)
    assert len(problems["two_category_rows"]) == counts["two_category"]
    assert len(problems["first_party_rows_without_legal_basis"]) == counts["no_legal_basis"]
    splits = counts["splits"]
    assert {f"mapp-{n}" for lang, n in splits if lang == "en" and ("de", n) in splits} == {
        "mapp-70",
        "mapp-101",
    }
    assert (
        problems["split_differs_by_language"]
        == sorted(
            f"mapp-{n}"
            for lang, n in splits
            if lang == "en" and splits.get(("de", n), splits[lang, n]) != splits[lang, n]
        )
        == ["mapp-70"]
    )
    assert problems["identical_german_english"] == [
        f"mapp-{p.name.split('_')[0]}"
        for p in sorted((SAMPLE / "English_sanitized_policies").glob("*.txt"))
        if (SAMPLE / "German_sanitized_policies" / p.name).is_file()
        and filecmp.cmp(p, SAMPLE / "German_sanitized_policies" / p.name, shallow=False)
    ]
    for policy in corpus.policies:
        name = policy.text_path.name
        text = policy.text_path.read_text(encoding="utf-8")
        assert "".join(s + "\n\n" for s in policy.segments) == text, name


def test_a_text_not_in_mapps_layout_is_refused_not_recut(mapp_root):
    text = mapp_root / "English_sanitized_policies" / "900_org.example.notes.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("\n\n", "\n", 1), encoding="utf-8")
    with pytest.raises(
        SourceError, match=r"900_org\.example\.notes\.txt: not one segment per line"
    ):
        read_mapp(mapp_root)


def test_a_copy_through_another_tool_reads_the_same(mapp_root):
    """A byte-order mark, Windows line ends and a last segment without its blank line are
    not text: the copy gives the same segments as the file MAPP released."""
    released = read_mapp(FIXTURE)
    for text in mapp_root.glob("*_sanitized_policies/*.txt"):
        written = text.read_text(encoding="utf-8").rstrip("\n").replace("\n", "\r\n")
        text.write_bytes(b"\xef\xbb\xbf" + written.encode("utf-8"))
    copied = read_mapp(mapp_root)
    assert [p.segments for p in copied.policies] == [p.segments for p in released.policies]


def test_rows_that_do_not_match_the_segments_are_refused(mapp_root):
    text = mapp_root / "German_sanitized_policies" / "902_org.example.maps.txt"
    text.write_text(
        text.read_text(encoding="utf-8") + "One more segment here.\n\n", encoding="utf-8"
    )
    with pytest.raises(SourceError, match=r"902_org.example.maps.csv: 2 rows for the 3 segments"):
        read_mapp(mapp_root)


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        ("__import__('os').getcwd()", "is not a Python list of strings"),
        ("['First Party', 3]", "is not a Python list of strings"),
        ("['Fourth Party']", "unknown category 'Fourth Party'"),
    ],
)
def test_a_label_column_that_is_no_list_of_known_names_is_refused(mapp_root, literal, message):
    path = mapp_root / "German_consolidation" / "902_org.example.maps.csv"
    with path.open(encoding="utf-8", newline="") as f:
        records = list(csv.reader(f))
    records[1][2] = literal
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(records)
    with pytest.raises(SourceError, match=f"902_org.example.maps.csv: line 2: .*{message}"):
        read_mapp(mapp_root)


def test_a_folder_that_is_not_mapp_is_refused(tmp_path):
    with pytest.raises(SourceError, match="MAPP_ROOT must be the MAPP corpus root folder"):
        read_mapp(tmp_path)


def test_the_counts_per_language_are_the_fixtures():
    assert read_mapp(FIXTURE).counts() == {
        "en": {
            "policies": 1,
            "mapp_59_policies": 1,
            "segments": 3,
            "labelled_pairs": 3,
            "legal_basis_values": 0,
            "empty_segments": 0,
            "pairs_on_empty_segments": 0,
            "splits": {"TRAIN": 1},
        },
        "de": {
            "policies": 2,
            "mapp_59_policies": 1,
            "segments": 5,
            "labelled_pairs": 4,
            "legal_basis_values": 1,
            "empty_segments": 0,
            "pairs_on_empty_segments": 0,
            "splits": {"TEST": 1, "TRAIN": 1},
        },
    }


@pytest.mark.skipif(not SAMPLE.is_dir(), reason="the shared MAPP sample is absent")
def test_the_samples_labelled_pairs_and_legal_bases_are_its_files():
    expected: dict = {}
    for language, name in FOLDERS.items():
        pairs = legal_bases = 0
        for path in (SAMPLE / f"{name}_consolidation").glob("*.csv"):
            with path.open(encoding="utf-8", newline="") as f:
                for r in csv.DictReader(f):
                    pairs += len(ast.literal_eval(r["category name"]))
                    legal_bases += sum(
                        v.startswith("Legal Basis for Collection_")
                        for v in ast.literal_eval(r["value name"])
                    )
        expected[language] = (pairs, legal_bases)
    counts = read_mapp(SAMPLE).counts()
    assert {
        k: (c["labelled_pairs"], c["legal_basis_values"]) for k, c in counts.items()
    } == expected


def test_a_not_selected_value_gives_no_value_and_is_listed(mapp_root):
    path = mapp_root / "German_consolidation" / "902_org.example.maps.csv"
    with path.open(encoding="utf-8", newline="") as f:
        records = list(csv.reader(f))
    records[1][3] = "['Information Type', 'User Type (opt)']"
    records[1][4] = "['Information Type_Contact information', 'User Type (opt)_not-selected']"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(records)
    corpus = read_mapp(mapp_root)
    row = corpus.policies[-1].rows[0]
    assert row.labels == {"first_party_collection_use": {"personal_information_type": ["contact"]}}
    assert corpus.problems()["not_selected_rows"] == [
        {
            "policy_id": "mapp-de-902-org-example-maps",
            "segment_id": 1,
            "not_selected": ["User Type (opt)_not-selected"],
        }
    ]


def test_an_empty_segment_is_read_as_the_file_has_it_and_listed(mapp_root):
    """An empty line is a segment of the file (row k still labels segment k); the import
    keeps it out and the report lists it with its labels (tests/fixtures/mapp-odd too)."""
    text = mapp_root / "German_sanitized_policies" / "902_org.example.maps.txt"
    text.write_text("\n\n" + text.read_text(encoding="utf-8"), encoding="utf-8")
    table = mapp_root / "German_consolidation" / "902_org.example.maps.csv"
    header, *rows = table.read_text(encoding="utf-8").splitlines()
    renumbered = [row.replace(f"902,{k},", f"902,{k + 1},", 1) for k, row in enumerate(rows, 1)]
    empty_row = "902,1,[],[],[],TRAIN,https://example.org/maps/datenschutz,False"
    table.write_text("\n".join([header, empty_row, *renumbered]) + "\n", encoding="utf-8")
    maps = read_mapp(mapp_root).policies[-1]
    assert maps.segments[0] == "" and maps.kept == [2, 3]
    assert read_mapp(mapp_root).problems()["empty_segments"] == [
        {
            "policy_id": "mapp-de-902-org-example-maps",
            "file": "German_sanitized_policies/902_org.example.maps.txt",
            "segment_id": 1,
            "labelled_pairs": 0,
            "values": 0,
        }
    ]
