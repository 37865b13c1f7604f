"""benchmarks/corpus_imports.py: the corpora it times are as large as APP-350 and MAPP, as
the importers themselves count them, and its verdicts say "seconds" or not."""

from __future__ import annotations

import pytest
import yaml

from benchmarks import corpus_imports
from privacy_labels.importers.app350 import App350Source, App350Summary
from privacy_labels.importers.mapp.source import read_mapp


def test_the_mapp_copy_has_the_corpus_size_by_the_importers_count(tmp_path):
    corpus_imports.replicate_mapp(tmp_path)
    counts = read_mapp(tmp_path).counts()
    assert {lang: (c["policies"], c["segments"]) for lang, c in counts.items()} == {
        "en": (64, 3_976),
        "de": (91, 6_871),
    }
    assert read_mapp(tmp_path).problems()["apps_in_both_languages"] == 59


def test_the_app350_copy_has_the_corpus_size_by_the_importers_count(tmp_path):
    corpus_imports.replicate_app350(tmp_path)
    summary = App350Summary(tmp_path / "out")
    for _ in App350Source(tmp_path).files(summary):
        pass
    assert (summary.n_policies, summary.n_segments) == (350, 15_507)
    assert summary.splits == {"train": 188, "validation": 62, "test": 100}


def test_the_loader_named_is_libyamls_where_pyyaml_has_it():
    expected = "CSafeLoader" if yaml.__with_libyaml__ else "SafeLoader"
    assert corpus_imports.yaml_loader() == expected


@pytest.mark.parametrize(("seconds", "is_met"), [(4.2, True), (10.0, True), (12.5, False)])
def test_an_import_within_seconds_meets_its_target(seconds, is_met):
    (verdict,) = corpus_imports.verdicts(
        [
            {
                "import": "mapp",
                "n_policies": 155,
                "n_segments": 10_847,
                "seconds": seconds,
                "policies_per_second": round(155 / seconds),
                "peak_rss_mb": 150,
                "yaml_loader": None,
            }
        ]
    )
    assert verdict["target"] == "import mapp at full size, s <= 10.0"
    assert (verdict["measured"], verdict["is_met"]) == (seconds, is_met)
