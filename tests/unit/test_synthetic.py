"""tests/synthetic.py: valid, deterministic, prefix-stable corpora shaped like OPP-115."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.policies import normalise_text, segment_text
from privacy_labels.raw.validate import Validator
from tests import synthetic


def files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "raw"
    synthetic.generate(root, 3, seed=7)
    return root


@pytest.fixture(scope="module")
def twenty(tmp_path_factory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("synthetic") / "raw"
    return root, synthetic.generate(root, 20, seed=1)


def test_the_corpus_is_valid(three):
    assert Validator(default_raw=three).validate_corpus(RawCorpus(three)) == []


def test_the_same_seed_gives_the_same_bytes_and_another_seed_others(three, tmp_path):
    synthetic.generate(tmp_path / "again", 3, seed=7)
    synthetic.generate(tmp_path / "other", 3, seed=8)
    assert files(tmp_path / "again") == files(three)
    other = files(tmp_path / "other")
    assert other.keys() == files(three).keys()
    assert all(other[name] != content for name, content in files(three).items())


def test_fewer_policies_are_a_prefix_and_workers_change_nothing(three, tmp_path):
    synthetic.generate(tmp_path / "two", 2, seed=7)
    two = files(tmp_path / "two")
    assert two == {k: v for k, v in files(three).items() if "synthetic-000003" not in k}
    synthetic.generate(tmp_path / "parallel", 3, seed=7, workers=2)
    assert files(tmp_path / "parallel") == files(three)


def test_the_shape_is_opp115s(twenty):
    root, stats = twenty
    corpus = RawCorpus(root)
    assert corpus.policy_ids() == [synthetic.policy_id(i) for i in range(20)]
    texts, n_practices, n_values, n_spans = [], [], 0, 0
    for policy_id in corpus.policy_ids():
        text = corpus.text_path(policy_id).read_text(encoding="utf-8")
        sidecar = json.loads(corpus.sidecar_path(policy_id).read_text(encoding="utf-8"))
        segments = [(s["start"], s["end"]) for s in sidecar["segments"]]
        # Text as add-policy would store it, segmented as add-policy would segment it.
        assert normalise_text(text) == text
        assert segment_text(text) == segments
        texts.append(text)
        documents = corpus.annotation_paths(policy_id)
        assert [p.stem for p in documents] == ["annotator-1", "annotator-2", "annotator-3"]
        n = 0
        for path in documents:
            for practice in json.loads(path.read_text(encoding="utf-8"))["practices"]:
                n += 1
                start, end = segments[practice["segment_id"]]
                for chosen in practice["attributes"].values():
                    n_values += 1
                    if "span_start" in chosen:
                        n_spans += 1
                        assert start <= chosen["span_start"] < chosen["span_end"] <= end
                        assert (
                            text[chosen["span_start"] : chosen["span_end"]] == chosen["span_text"]
                        )
        n_practices.append(n)
    assert 150 <= statistics.mean(n_practices) <= 260
    assert 8_000 <= statistics.mean(map(len, texts)) <= 25_000
    assert 0.5 <= n_spans / n_values <= 0.7
    # Non-ASCII characters make character and byte offsets differ.
    assert all(len(text) < len(text.encode("utf-8")) for text in texts[:5])
    assert (stats.n_policies, stats.n_practices, stats.n_attribute_values) == (
        20,
        sum(n_practices),
        n_values,
    )
    assert stats.n_bytes == sum(len(content) for content in files(root).values())


def test_the_command_prints_one_summary_line(tmp_path, capsys):
    assert synthetic.main([str(tmp_path / "raw"), "--policies", "2", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"wrote {tmp_path / 'raw'}: 2 policies, ") and out.count("\n") == 1


def test_the_command_refuses_a_folder_that_is_not_empty(three, capsys):
    assert synthetic.main([str(three), "--policies", "1"]) == 2
    assert "not empty" in capsys.readouterr().err


# -- tests/opp115_layout.py: the same corpus in OPP-115's layout, for the import ------


def _labels(raw: Path) -> list[tuple]:
    """Every practice's policy order, annotator, category and values with their span texts."""
    found = []
    for n, policy in enumerate(sorted((raw / "policies").glob("*.json"))):
        for path in sorted((raw / "annotations" / policy.stem).glob("*.json")):
            for practice in json.loads(path.read_text())["practices"]:
                values = {
                    a: (v["value"], v.get("span_text")) for a, v in practice["attributes"].items()
                }
                found.append((n, path.stem, practice["category"], values))
    return found


def test_the_opp115_layout_imports_back_to_the_same_labels(three, tmp_path):
    from privacy_labels.importers.opp115 import import_opp115
    from tests.opp115_layout import SHIFTED_EVERY, write_opp115_layout

    n = write_opp115_layout(three, tmp_path / "opp115")
    html = next((tmp_path / "opp115" / "sanitized_policies").glob("*.html")).read_text()
    assert "&nbsp;" in html and "<br>" in html and html.startswith("<p>")
    summary = import_opp115(tmp_path / "opp115", tmp_path / "raw", progress=False)
    assert summary.n_practices == n == len(_labels(three))
    assert _labels(tmp_path / "raw") == _labels(three)  # values and span texts all kept
    spans = sum(summary.spans.values())
    assert summary.spans["relocated"] == spans // SHIFTED_EVERY  # the shifted ones, found
    assert summary.spans["unanchorable"] == 0
    assert (
        Validator(default_raw=tmp_path / "raw").validate_corpus(RawCorpus(tmp_path / "raw")) == []
    )
