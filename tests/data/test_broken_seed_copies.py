"""Broken copies of a real seed annotation: validate names each fault; build changes nothing."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import REPO

SEED = "smartsoft"


def _set(path, value):
    def mutate(doc):
        node = doc
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return mutate


def _drop_required(doc):
    doc["practices"][1]["attributes"].pop("purpose")


def _misspell(doc):
    value = doc["practices"][1]["attributes"]["purpose"]["value"]
    doc["practices"][1]["attributes"]["purpose"]["value"] = value[:-1] + "x"


def _shift_span(doc):
    chosen = next(a for a in doc["practices"][1]["attributes"].values() if "span_start" in a)
    chosen["span_start"] += 3
    chosen["span_end"] += 3


def _past_end(doc):
    chosen = next(a for a in doc["practices"][1]["attributes"].values() if "span_start" in a)
    chosen["span_end"] = 10**6


BROKEN = {
    "wrong-category": (
        json.dumps,
        _set(["practices", 1, "category"], "first_party_use"),
        "$.practices[1].category: unknown category",
    ),
    "misspelled-value": (json.dumps, _misspell, "$.practices[1].attributes.purpose.value"),
    "span-mismatch": (json.dumps, _shift_span, "span_text differs from the policy text"),
    "offset-out-of-range": (json.dumps, _past_end, "runs past the end of the policy text"),
    "missing-required": (json.dumps, _drop_required, "required attribute 'purpose'"),
    "truncated-json": (lambda d: json.dumps(d)[:500], None, "malformed JSON"),
    "non-utf8": (lambda d: json.dumps(d, ensure_ascii=False) + "\udcff", None, "is not UTF-8"),
}


@pytest.fixture
def corpus_copy(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "data" / "raw", raw)
    labeled = tmp_path / "labeled"
    shutil.copytree(REPO / "data" / "labeled", labeled)
    return raw, labeled


@pytest.mark.parametrize("fault", BROKEN, ids=str)
def test_broken_seed_copy(run, corpus_copy, fault):
    raw, labeled = corpus_copy
    serialise, mutate, message = BROKEN[fault]
    document = raw / "annotations" / SEED / "claude.json"
    doc = json.loads(document.read_text(encoding="utf-8"))
    if mutate:
        mutate(doc)
    document.write_bytes(serialise(doc).encode("utf-8", errors="surrogateescape"))
    before = {p: p.read_bytes() for p in labeled.rglob("*") if p.is_file()}

    code, _, err = run("validate", document)
    assert code == 1
    assert err.startswith(str(document)) and message in err
    assert "Traceback" not in err

    code, _, err = run("build", "--quiet", "--raw", raw, "--out", labeled)
    assert code == 1 and message in err
    assert {p: p.read_bytes() for p in labeled.rglob("*") if p.is_file()} == before
