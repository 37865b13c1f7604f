"""validate: every problem reported at once, with file, JSON path and hint; exit 0/1/2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_RAW, FIXTURES, read_json

CATALOGUE = FIXTURES / "invalid"
# An entry is a file or a small raw corpus; its expected problems are in <name>.expected.json.
INVALID = sorted(p for p in CATALOGUE.iterdir() if not p.name.endswith(".expected.json"))
VALID = sorted((FIXTURES / "valid").glob("*annotation.json"))


def expected_problems(entry: Path) -> list[dict]:
    return read_json(CATALOGUE / f"{entry.name.removesuffix('.json')}.expected.json")


def test_the_catalogue_has_at_least_40_distinct_faults():
    assert len(INVALID) >= 40
    for entry in INVALID:
        problems = expected_problems(entry)
        assert problems and all(p["message"] and p["hint"] for p in problems), entry.name
    messages = [tuple(p["message"] for p in expected_problems(e)) for e in INVALID]
    assert len(set(messages)) >= 40


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.stem)
def test_valid_fixture_passes(run, fixture):
    code, out, err = run("validate", "--raw", FIXTURE_RAW, fixture)
    assert (code, err) == (0, "")
    assert out.startswith("valid: 1 file(s)")


@pytest.mark.parametrize("entry", INVALID, ids=lambda p: p.name)
def test_catalogue_entry_gets_exactly_its_expected_messages(run, entry):
    """One problem per fault, naming file, JSON path (line and column for syntax) and fix."""

    def relative(text: str) -> str:  # messages name files as given; compare them from FIXTURES
        return text.replace(f"{FIXTURES}/", "")

    code, out, err = run("validate", "--format", "json", "--raw", FIXTURE_RAW, entry)
    assert code == 1 and err == ""
    report = json.loads(out)
    problems = [{k: relative(v) for k, v in p.items()} for p in report["problems"]]
    assert problems == expected_problems(entry)

    code, out, err = run("validate", "--raw", FIXTURE_RAW, entry)
    assert code == 1 and "Traceback" not in out + err
    for problem in expected_problems(entry):
        place = (
            f"{problem['file']}: {problem['path']}: " if problem["path"] else f"{problem['file']}: "
        )
        assert f"{place}{problem['message']}\n    hint: {problem['hint']}" in relative(err)


def test_misspelling_gets_the_closest_label_as_hint(run):
    _, _, err = run(
        "validate", "--raw", FIXTURE_RAW, FIXTURES / "invalid" / "misspelled-value.json"
    )
    assert "hint: did you mean 'marketing'?" in err


def test_display_name_hints_the_id(run):
    _, _, err = run(
        "validate", "--raw", FIXTURE_RAW, FIXTURES / "invalid" / "display-name-value.json"
    )
    assert "hint: did you mean 'contact'?" in err


def test_every_problem_is_reported_at_once(run, tmp_path):
    doc = read_json(FIXTURES / "valid" / "annotation.json")
    doc["practices"][0]["category"] = "first_party"
    doc["practices"][1]["attributes"]["purpose"]["value"] = "advertisment"
    doc["practices"][2]["attributes"]["choice_type"]["span_text"] = "elsewhere"
    path = tmp_path / "three-faults.json"
    path.write_text(json.dumps(doc))
    code, out, _ = run("validate", "--format", "json", "--raw", FIXTURE_RAW, path)
    report = json.loads(out)
    assert code == 1 and report["is_valid"] is False and report["n_problems"] == 3
    assert [p["path"] for p in report["problems"]] == [
        "$.practices[0].category",
        "$.practices[1].attributes.purpose.value",
        "$.practices[2].attributes.choice_type.span_text",
    ]
    assert all(p["file"] == str(path) and p["hint"] for p in report["problems"])


def test_a_raw_corpus_folder_is_checked_whole(run):
    code, out, _ = run("validate", "--format", "json", FIXTURE_RAW)
    report = json.loads(out)
    assert code == 0
    assert (report["n_files"], report["n_practices"]) == (2, 7)


def test_corpora_validated_together_are_each_judged_by_their_own_files(run, tmp_path, monkeypatch):
    """A copy of a corpus repeats its practice ids, which is no fault of either: each
    corpus's ids are unique in it. Each valid corpus passes by the stop-at-first rules, not
    file by file, however many paths were given before it."""
    from privacy_labels.raw.validate import Validator

    copy = shutil.copytree(FIXTURE_RAW, tmp_path / "copy")

    def explained(self, corpus):
        raise AssertionError(f"{corpus.root} was explained file by file")

    monkeypatch.setattr(Validator, "explain_corpus", explained)
    code, out, err = run("validate", "--format", "json", FIXTURE_RAW, copy)
    report = json.loads(out)
    assert (code, err, report["problems"]) == (0, "", [])
    assert (report["n_files"], report["n_practices"]) == (4, 14)


@pytest.mark.parametrize(
    ("make", "message", "exit_code"),
    [
        (lambda tmp: tmp / "missing.json", "missing.json: no such file or folder", 2),
        (lambda tmp: tmp, "folder holds no .json files", 1),
    ],
    ids=["missing-path", "empty-folder"],
)
def test_unusable_paths_get_one_clear_message(run, tmp_path, make, message, exit_code):
    code, _, err = run("validate", make(tmp_path))
    assert code == exit_code
    assert message in err and "Traceback" not in err


def test_a_folder_where_a_file_is_expected(run, tmp_path):
    corpus = tmp_path / "raw"
    (corpus / "policies").mkdir(parents=True)
    (corpus / "annotations" / "example" / "alice.json").mkdir(parents=True)
    code, _, err = run("validate", corpus)
    assert code == 1
    assert "alice.json: is a folder where a JSON file is expected" in err


def test_usage_error_exits_2(run):
    code, _, err = run("validate")
    assert code == 2 and "usage:" in err


def test_annotator_must_match_file_name(run, tmp_path):
    import shutil

    corpus = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, corpus)
    alice = corpus / "annotations" / "example" / "alice.json"
    alice.rename(alice.with_name("carol.json"))
    code, _, err = run("validate", corpus)
    assert code == 1
    assert "$.annotator: annotator 'alice' differs from the file name 'carol.json'" in err


def test_each_unknown_attribute_is_its_own_problem(run, tmp_path):
    doc = read_json(FIXTURES / "valid" / "annotation.json")
    doc["practices"][3]["attributes"]["collection_mode"] = {"value": "explicit"}
    doc["practices"][3]["attributes"]["retention_period"] = {"value": "limited"}
    path = tmp_path / "two-unknown.json"
    path.write_text(json.dumps(doc))
    code, out, _ = run("validate", "--format", "json", "--raw", FIXTURE_RAW, path)
    paths = [p["path"] for p in json.loads(out)["problems"]]
    assert code == 1
    assert paths == [
        "$.practices[3].attributes.collection_mode",
        "$.practices[3].attributes.retention_period",
    ]


def test_each_missing_required_attribute_is_named_once(run, tmp_path):
    doc = read_json(FIXTURES / "valid" / "annotation.json")
    for attribute in ("retention_period", "retention_purpose"):
        doc["practices"][5]["attributes"].pop(attribute)
    path = tmp_path / "two-missing.json"
    path.write_text(json.dumps(doc))
    code, out, _ = run("validate", "--format", "json", "--raw", FIXTURE_RAW, path)
    assert code == 1
    assert [p["path"] for p in json.loads(out)["problems"]] == [
        "$.practices[5].attributes.retention_period",
        "$.practices[5].attributes.retention_purpose",
    ]


@pytest.mark.parametrize("given", ["document", "folder"])
def test_a_new_document_repeating_an_id_of_another_policy_is_blamed(run, tmp_path, given):
    """Validating one document or folder of a corpus runs the rules across files against
    the whole corpus, and the repeat is the validated file's, though it sorts first."""
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    for suffix in (".json", ".txt"):
        text = (raw / "policies" / f"example{suffix}").read_text(encoding="utf-8")
        text = text.replace('"policy_id": "example"', '"policy_id": "aaa"')
        (raw / "policies" / f"aaa{suffix}").write_text(text, encoding="utf-8")
    (raw / "annotations" / "aaa").mkdir()
    document = raw / "annotations" / "aaa" / "alice.json"
    seed = raw / "annotations" / "example" / "alice.json"
    text = seed.read_text(encoding="utf-8").replace('"policy_id": "example"', '"policy_id": "aaa"')
    document.write_text(text, encoding="utf-8")
    code, out, _ = run(
        "validate", "--format", "json", document if given == "document" else document.parent
    )
    problems = json.loads(out)["problems"]
    assert code == 1
    assert {p["file"] for p in problems} == {str(document)}
    assert problems[0]["message"].startswith("practice_id 'example-alice-001' is not of the form")
    assert problems[1] == {
        "file": str(document),
        "path": "$.practices[0].practice_id",
        "message": f"practice_id 'example-alice-001' is used already at {seed} $.practices[0]",
        "hint": "give every practice its own id, e.g. <policy_id>-<annotator>-<number>",
    }


def test_an_editors_backup_file_gets_a_safe_hint_and_build_refuses_it(run, tmp_path):
    import shutil

    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    document = raw / "annotations" / "example" / "alice.json"
    backup = document.with_name("alice.json~")
    backup.write_bytes(document.read_bytes())
    code, _, err = run("validate", raw)
    assert code == 1
    assert f"{backup}: is not a .json file" in err and "build refuses it too" in err
    assert "name it alice.json" not in err  # that would overwrite the real document
    code, _, err = run("build", "--raw", raw, "--out", tmp_path / "labeled")
    assert code == 1 and f"{backup}: is not a .json file" in err
