"""The rules in their two modes agree on every fixture: stopping at the first problem
(raw/inputs.py, build) passes exactly what collecting every problem (Validator) passes,
and one schema engine decides conformance for both."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import privacy_labels as pl
from privacy_labels.builder.pipeline import build
from privacy_labels.contract.tables import table
from privacy_labels.raw.conformance import conforms, ecma_regex, explainer
from privacy_labels.raw.corpus import RawCorpus, is_slug
from privacy_labels.raw.inputs import counts_if_valid, plain_policy_ids, read_policy
from privacy_labels.raw.jsonio import read_json
from privacy_labels.raw.problems import InvalidInputs, Problem
from privacy_labels.raw.validate import Validator
from tests.conftest import FIXTURE_RAW, FIXTURES

CATALOGUE = FIXTURES / "invalid"
# Every fixture that is a corpus or a file; a bare folder of documents is no corpus.
ENTRIES = sorted(
    p
    for p in [*CATALOGUE.iterdir(), *(FIXTURES / "valid").iterdir()]
    if not p.name.endswith(".expected.json") and (p.is_file() or (p / "policies").is_dir())
)


def as_corpus(entry: Path, tmp_path: Path) -> RawCorpus:
    """The fixture as a raw corpus: a corpus entry as it is, a file put where it belongs
    in a copy of the fixture corpus.
    """
    if entry.is_dir():
        return RawCorpus(entry)
    root = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, root)
    try:
        doc = json.loads(entry.read_bytes())
    except (ValueError, RecursionError):  # unparseable: it stands in for alice's document
        doc = None
    fields = doc if isinstance(doc, dict) else {}
    policy_id = fields.get("policy_id") if is_slug(fields.get("policy_id")) else "example"
    if "segments" in fields:  # a sidecar, in place of the example policy's
        shutil.copyfile(entry, root / "policies" / f"{policy_id}.json")
    else:
        name = fields.get("annotator") if is_slug(fields.get("annotator")) else "alice"
        (root / "annotations" / "example" / "alice.json").unlink()
        target = root / "annotations" / policy_id / f"{name}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(entry, target)
    return RawCorpus(root)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_both_modes_agree_on_the_fixtures(entry, tmp_path):
    corpus = as_corpus(entry, tmp_path)
    problems = Validator(default_raw=corpus.root).explain_corpus(corpus)
    assert (counts_if_valid(corpus) is None) == bool(problems)
    assert bool(problems) == (entry.parent.name == "invalid")


@pytest.mark.parametrize(
    "entry", [e for e in ENTRIES if e.parent.name == "invalid"], ids=lambda p: p.name
)
def test_build_refuses_with_the_full_report(entry, tmp_path):
    corpus = as_corpus(entry, tmp_path)
    with pytest.raises(InvalidInputs) as refused:
        build(corpus.root, tmp_path / "labeled", progress=False, workers=2)
    assert refused.value.problems == Validator(default_raw=corpus.root).explain_corpus(corpus)
    assert not (tmp_path / "labeled").exists()


def test_a_valid_corpus_counts_what_it_checked():
    corpus = RawCorpus(FIXTURE_RAW)
    validator = Validator(default_raw=FIXTURE_RAW)
    assert validator.validate_corpus(corpus) == []
    n_practices = sum(
        len(json.loads(p.read_text(encoding="utf-8"))["practices"])
        for p in corpus.annotation_paths()
    )
    assert counts_if_valid(corpus) == (validator.n_files, validator.n_practices)
    assert validator.n_practices == n_practices > 0


def test_a_practice_id_repeated_in_another_policy_is_found(tmp_path):
    """Ids are unique within a policy by the rules, across policies by their digests."""
    root = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, root)
    for name in ("example.json", "example.txt"):
        text = (root / "policies" / name).read_text(encoding="utf-8")
        (root / "policies" / name.replace("example", "second")).write_text(
            text.replace('"policy_id": "example"', '"policy_id": "second"'), encoding="utf-8"
        )
    (root / "annotations" / "second").mkdir()
    doc = json.loads((root / "annotations" / "example" / "alice.json").read_text(encoding="utf-8"))
    doc["policy_id"] = "second"
    (root / "annotations" / "second" / "alice.json").write_text(json.dumps(doc), encoding="utf-8")
    corpus = RawCorpus(root)
    assert counts_if_valid(corpus) is None
    problems = Validator(default_raw=root).explain_corpus(corpus)
    # The copy's ids are not its own (<policy_id>-<annotator>-<NNN>), and are repeats.
    assert {p.file for p in problems} == {str(root / "annotations" / "second" / "alice.json")}
    kinds = {"is not of the form" in p.message or "is used already" in p.message for p in problems}
    assert kinds == {True} and any("is used already" in p.message for p in problems)


def test_a_final_newline_does_not_pass_a_pattern_in_either_mode(tmp_path):
    """Python's `$` lets a final newline through, ECMA-262's (the schema's) does not: the
    explainer reads patterns as the decider does, so validate and build refuse alike."""
    root = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, root)
    sidecar = root / "policies" / "example.json"
    doc = json.loads(sidecar.read_text(encoding="utf-8"))
    doc["language"] = "en\n"
    sidecar.write_text(json.dumps(doc), encoding="utf-8")
    corpus = RawCorpus(root)
    assert counts_if_valid(corpus) is None
    problems = Validator(default_raw=root).validate_corpus(corpus)
    assert [(p.path, p.message) for p in problems] == [
        (
            "$.language",
            "'en\\n' does not match '^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$'",
        ),
        ("$.policy_id", "the sidecar of policy 'example' is invalid"),  # said by alice.json
    ]
    with pytest.raises(InvalidInputs) as refused:
        build(root, tmp_path / "labeled", progress=False)
    assert refused.value.problems == problems
    assert not (tmp_path / "labeled").exists()


def test_a_partitioned_build_without_practices_loads_as_empty_tables(tmp_path):
    root = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, root)
    shutil.rmtree(root / "annotations")
    build(root, tmp_path / "labeled", progress=False, partitioned=True)
    for name in ("practices", "attribute_values"):
        loaded = pl.load(name, tmp_path / "labeled")
        assert loaded.empty and list(loaded.columns) == table(name).column_names


@pytest.mark.parametrize(
    "inside",
    [
        "annotations/example/alice.json",
        "annotations/example",
        "annotations",
        "policies/example.json",
        "policies",
    ],
)
def test_a_path_inside_a_corpus_takes_the_stop_at_first_path(run, monkeypatch, inside):
    def explained(*args, **kwargs):
        pytest.fail("a valid path inside a corpus went through the explaining Validator")

    monkeypatch.setattr(Validator, "validate_file", explained)
    code, out, err = run("validate", FIXTURE_RAW / inside)
    assert code == 0, err
    assert out.startswith("valid: 2 file(s), 7 practice(s) checked")
    assert f"note: read with every file of the corpus {FIXTURE_RAW}" in out


def test_several_paths_inside_one_corpus_take_the_stop_at_first_path(run, monkeypatch):
    def explained(*args, **kwargs):
        pytest.fail("valid paths inside one corpus went through the explaining Validator")

    monkeypatch.setattr(Validator, "validate_file", explained)
    given = [FIXTURE_RAW / "annotations/example/alice.json", FIXTURE_RAW / "policies"]
    code, out, err = run("validate", *given)
    assert code == 0, err
    assert out.startswith("valid: 2 file(s), 7 practice(s) checked")


def test_several_paths_with_a_fault_are_explained_as_before(run, tmp_path):
    root = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, root)
    document = root / "annotations" / "example" / "alice.json"
    document.write_text(document.read_text().replace('"collection_mode"', '"colection_mode"', 1))
    code, _, err = run("validate", document, root / "policies" / "example.json")
    assert code == 1 and err.count("attribute 'colection_mode' is not allowed") == 1


def test_an_invalid_path_inside_a_corpus_is_explained(run, tmp_path):
    root = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, root)
    document = root / "annotations" / "example" / "alice.json"
    document.write_text(document.read_text().replace('"collection_mode"', '"colection_mode"', 1))
    code, _, err = run("validate", document)
    assert code == 1 and "attribute 'colection_mode' is not allowed" in err


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_first_problem_build_meets_is_one_validate_names(entry, tmp_path):
    """The same rules in both modes: the problem that stops the fast path is one of the
    problems validate reports (save the nesting limit, which the fast path leaves to the
    schema: there it must be a problem of the same file). A layout the fast path declines
    to read (a stray file, a link, a text without its sidecar) is one validate refuses."""
    corpus = as_corpus(entry, tmp_path)
    policy_ids = plain_policy_ids(corpus)
    problems = Validator(default_raw=corpus.root).explain_corpus(corpus)
    if policy_ids is None:  # the fast path declines an unusual layout: validate names it
        assert problems
        return
    found = [read_policy(corpus, policy_id) for policy_id in policy_ids]
    first = next((p for p in found if isinstance(p, Problem)), None)
    if first is None:  # a practice id repeated in another policy: found by the digests
        assert not problems or all("is used already" in p.message for p in problems)
        return
    if "nests deeper" in " ".join(p.message for p in problems):
        assert first.file in {p.file for p in problems}
    else:
        assert first in problems


def catalogue_documents() -> list[tuple[str, Path]]:
    """(schema name, file) of every parseable fixture document, valid or invalid."""
    found = []
    for path in sorted(FIXTURES.rglob("*.json")):
        if path.name.endswith(".expected.json"):
            continue
        doc, problem = read_json(path)
        if problem is None and isinstance(doc, dict):
            found.append(("policy" if "segments" in doc else "annotation", path))
    return found


@pytest.mark.parametrize(
    ("name", "path"), catalogue_documents(), ids=lambda v: getattr(v, "name", v)
)
def test_the_explainer_agrees_with_the_decider_on_every_fixture_document(name, path):
    """jsonschema (which words problems) finds an error exactly where jsonschema-rs (which
    decides) refuses: their only known difference, `$`, is read the ECMA-262 way by both."""
    doc, _ = read_json(path)
    assert conforms(name, doc) == (not list(explainer(name).iter_errors(doc)))


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        ("^[a-z]{2}$", "en", True),
        ("^[a-z]{2}$", "en\n", False),
        ("^[0-9a-f]{64}$", "a" * 64 + "\n", False),
        (r"^a\$$", "a$", True),
        ("^[$]$", "$", True),
    ],
)
def test_patterns_are_read_as_ecma_262_reads_them(pattern, value, matches):
    assert bool(ecma_regex(pattern).search(value)) == matches
