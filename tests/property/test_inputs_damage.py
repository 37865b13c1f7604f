"""Randomly damaged corpora: the rules stopping at the first problem pass exactly what
they pass collecting every problem (Validator), and build gives Validator's verdict."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privacy_labels.builder.pipeline import build
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.inputs import counts_if_valid, plain_policy_ids, read_policy
from privacy_labels.raw.problems import InvalidInputs, Problem
from privacy_labels.raw.validate import Validator
from tests.conftest import FIXTURE_RAW

pytestmark = pytest.mark.slow

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 10**20)
    | st.floats(-1e3, 1e3)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def places(value: object, path: tuple = ()) -> list[tuple]:
    """Every path to a value inside a JSON document."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += places(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += places(item, (*path, i))
    return found


def damaged(value: object, data) -> object:
    """The value changed the way hand edits and tools go wrong."""
    if isinstance(value, bool) or value is None:
        return data.draw(JSON_VALUES)
    if isinstance(value, int):
        return data.draw(st.sampled_from([value + 1, value - 1, float(value), str(value), -1]))
    if isinstance(value, str):
        return data.draw(
            st.sampled_from(
                [value.upper(), value + " ", value + "\n", value[:-1], "", value.replace("_", " ")]
            )
            | st.text(max_size=8)
        )
    return data.draw(JSON_VALUES)


def damage(root: Path, data) -> None:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    file = data.draw(st.sampled_from(files))
    layout = data.draw(st.sampled_from(["content", "content", "content", "rename", "stray"]))
    if layout == "rename":  # a document or sidecar under another name
        file.rename(file.with_name(data.draw(st.sampled_from(["x.JSON", "x", "x.json.bak"]))))
        return
    if layout == "stray":  # an extra file beside it
        (
            file.parent / data.draw(st.sampled_from(["notes.txt", "copy.json", ".DS_Store"]))
        ).write_text("{}")
        return
    if file.suffix == ".txt":
        text = file.read_text(encoding="utf-8")
        at = data.draw(st.integers(0, len(text) - 1))
        file.write_text(
            text[:at] + data.draw(st.sampled_from(["x", "\r", "\ufeff", ""])) + text[at + 1 :],
            encoding="utf-8",
            newline="",
        )
        return
    doc = json.loads(file.read_text(encoding="utf-8"))
    path = data.draw(st.sampled_from(places(doc)))
    if not path:
        doc = damaged(doc, data)
    else:
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        how = data.draw(st.sampled_from(["change", "remove", "add"]))
        if how == "remove":
            del parent[path[-1]]
        elif how == "add" and isinstance(parent, dict):
            parent[data.draw(st.text(max_size=12))] = data.draw(JSON_VALUES)
        else:
            parent[path[-1]] = damaged(parent[path[-1]], data)
    file.write_text(json.dumps(doc), encoding="utf-8")  # \u escapes: lone surrogates too


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_both_modes_pass_the_same_corpora_and_build_agrees(data):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "raw"
        shutil.copytree(FIXTURE_RAW, root)
        damage(root, data)
        corpus = RawCorpus(root)
        problems = Validator(default_raw=root).explain_corpus(corpus)
        policy_ids = plain_policy_ids(corpus)
        if counts_if_valid(corpus) is not None:
            assert not problems, problems
        elif policy_ids is not None:  # refused by a rule, not for its layout
            assert problems
            found = [read_policy(corpus, policy_id) for policy_id in policy_ids]
            first = next((p for p in found if isinstance(p, Problem)), None)
            # The rule that stopped the fast path said what validate says (the nesting
            # limit aside, which the fast path leaves to the schema).
            if first is not None and "nests deeper" not in str(problems):
                assert first in problems, (first, problems)
        try:
            build(root, Path(tmp) / "labeled", progress=False)
        except InvalidInputs as refused:
            assert refused.problems == problems
        else:
            assert not problems, problems
