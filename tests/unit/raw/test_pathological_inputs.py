"""Inputs no catalogue of typos covers: links out of the corpus or to nowhere, documents
nested, sized or worded beyond the documented limits. Each is one problem, in validate
and build alike, never a traceback.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest

from privacy_labels.raw import jsonio
from tests.conftest import FIXTURE_RAW, FIXTURES

CATALOGUE = FIXTURES / "invalid"


def corpus_with(tmp_path, alice):
    """A copy of the fixture corpus whose alice.json is replaced by `alice(path)`."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    path = raw / "annotations" / "example" / "alice.json"
    path.unlink()
    alice(path)
    return raw


CASES = {
    "dangling link": (
        lambda path: os.symlink("nowhere.json", path),
        "alice.json: is a symbolic link to nowhere.json, which does not exist",
    ),
    "link out of the corpus": (
        lambda path: os.symlink(FIXTURES / "valid" / "annotation.json", path),
        f"is a symbolic link to {FIXTURES / 'valid' / 'annotation.json'}, outside the corpus",
    ),
    "100,000-deep JSON": (
        lambda path: shutil.copyfile(CATALOGUE / "deep-nesting.json", path),
        "alice.json: line 1, column 101: JSON nests deeper than 100 levels",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
@pytest.mark.parametrize("command", ["validate", "build"])
def test_each_fault_is_one_problem_in_validate_and_build(run, tmp_path, case, command):
    make, message = CASES[case]
    raw = corpus_with(tmp_path, make)
    out = tmp_path / "out"
    if command == "validate":
        code, _, err = run("validate", raw)
    else:
        code, _, err = run("build", "--quiet", "--raw", raw, "--out", out)
    assert code == 1 and "Traceback" not in err
    assert err.count(message) == 1, err
    problems = [line for line in err.splitlines() if not line.startswith("    hint:")]
    assert len(problems) == 2  # the problem and the verdict
    assert not out.exists()


def test_a_link_inside_the_corpus_is_followed(run, tmp_path):
    raw = corpus_with(tmp_path, lambda path: None)
    (raw / "annotations" / "example" / "alice.json").unlink(missing_ok=True)
    shutil.copyfile(FIXTURE_RAW / "annotations/example/alice.json", raw / "alice-original.json")
    os.symlink("../../alice-original.json", raw / "annotations" / "example" / "alice.json")
    assert run("validate", raw)[0] == 0


def test_a_document_beyond_the_size_limit_is_not_read(run, tmp_path, monkeypatch):
    raw = corpus_with(
        tmp_path,
        lambda path: shutil.copyfile(FIXTURE_RAW / "annotations/example/alice.json", path),
    )
    document = raw / "annotations/example/alice.json"
    size = document.stat().st_size
    monkeypatch.setattr(jsonio, "MAX_DOCUMENT_BYTES", size - 1)
    read_bytes = type(raw).read_bytes

    def refuse_the_document(self):
        assert self != document, f"{self} was read"
        return read_bytes(self)

    monkeypatch.setattr(type(raw), "read_bytes", refuse_the_document)
    code, _, err = run("validate", document, "--raw", raw)
    assert code == 1
    assert f"file is {size:,} bytes, more than the {size - 1:,} a document may have" in err


def test_a_sidecar_field_beyond_the_length_limit(run, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    sidecar = raw / "policies" / "example.json"
    doc = json.loads(sidecar.read_text())
    doc["organisation"] = "x" * (jsonio.MAX_FREE_TEXT_CHARS + 1)
    sidecar.write_text(json.dumps(doc))
    for command in (("validate", raw), ("build", "--quiet", "--raw", raw, "--out", tmp_path / "o")):
        code, _, err = run(*command)
        assert code == 1
        assert err.count("$.organisation: organisation is 10,001 characters long") == 1, err
