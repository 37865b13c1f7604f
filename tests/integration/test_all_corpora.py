"""OPP-115, MAPP and APP-350 in one build, as docs/importing.md tells a user with all three:
each imported into a folder of its own, the three combined into one raw corpus, one build,
the gate passing, the tables loaded, and the documented cross-corpus query run as written.
On this project's own fixtures always, and on the samples in ../shared where they are; every
figure of the query is counted here from the source files, by the corpora's own names."""

from __future__ import annotations

import ast
import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import privacy_labels as pl
from privacy_labels.cli.app import main
from privacy_labels.importers.combine import combine_raw_corpora
from tests.conftest import FIXTURES, REPO, SHARED

pytestmark = pytest.mark.slow

SOURCES = {
    "fixtures": {
        "opp115": FIXTURES / "opp115",
        "mapp": FIXTURES / "mapp" / "MAPP_Corpus",
        "app350": FIXTURES / "app350",
    },
    "samples": {
        "opp115": SHARED / "fixtures" / "opp115-sample",
        "mapp": SHARED / "fixtures" / "mapp-sample",
        "app350": SHARED / "fixtures" / "app350-sample",
    },
}
QUERY_NEEDS = "# needs: local copies of OPP-115, MAPP and APP-350"
# (OPP-115 category, MAPP category, APP-350 practice pattern, OPP-115 and MAPP value names)
STATEMENTS = {
    ("third_party_sharing_collection", "location"): (
        "Third Party Sharing/Collection",
        "Third Party",
        r"Location.*_3rdParty",
        "Location",
        "Information Type_Location",
    ),
    ("first_party_collection_use", "contact"): (
        "First Party Collection/Use",
        "First Party",
        r"Contact_(?!Password).*_1stParty",
        "Contact",
        "Information Type_Contact information",
    ),
}


@pytest.fixture(scope="module", params=sorted(SOURCES))
def corpus(request, tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    sources = SOURCES[request.param]
    if not all(path.is_dir() for path in sources.values()):
        pytest.skip("the corpora's samples are in ../shared only")
    work = tmp_path_factory.mktemp(request.param)
    for name, source in sources.items():
        assert main(["import", name, str(source), "--out", str(work / "corpora" / name)]) == 0
    combine_raw_corpora([work / "corpora" / name for name in sources], work / "corpus" / "raw")
    raw, labeled = work / "corpus" / "raw", work / "corpus" / "labeled"
    assert main(["build", "--raw", str(raw), "--out", str(labeled), "--quiet"]) == 0
    assert main(["check", str(labeled), "--report", str(work / "corpus" / "quality")]) == 0
    return work, sources


def test_one_build_holds_every_policy_of_the_three_and_loads(corpus):
    work, sources = corpus
    labeled = work / "corpus" / "labeled"
    policies = pl.load("policies", labeled)
    imported = [
        p.stem for name in sources for p in (work / "corpora" / name / "policies").glob("*.json")
    ]
    assert sorted(policies.policy_id) == sorted(imported)
    practices = pl.load("practices", labeled)
    assert set(practices.scheme.astype(str)) == {"opp115", "mapp", "app350"}
    report = json.loads((work / "corpus" / "raw" / "import-report.json").read_text())
    assert [i["written_by"] for i in report["inputs"]] == [f"import {n}" for n in sources]
    assert [i["import_report"] for i in report["inputs"]] == [
        json.loads((work / "corpora" / n / "import-report.json").read_text()) for n in sources
    ]


def _documented_query() -> str:
    page = (REPO / "docs" / "importing.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", page, re.M | re.S)
    (block,) = [b for b in blocks if b.startswith(QUERY_NEEDS)]
    return block


@pytest.mark.parametrize("statement", sorted(STATEMENTS), ids="-".join)
def test_the_documented_query_counts_what_the_source_files_state(corpus, statement, monkeypatch):
    work, sources = corpus
    monkeypatch.chdir(work)  # the block reads corpus/labeled, as the docs build it
    namespace: dict = {}
    exec(_documented_query(), namespace)
    category, value = statement
    table = namespace["stated"]("corpus/labeled", category, "personal_information_type", value)
    expected = _stated_in_sources(sources, STATEMENTS[statement])
    got = {
        key: (row.policies, row.policies_stating, row.segments, row.segments_stating)
        for key, row in zip(table.index, table.itertuples(), strict=True)
    }
    assert got == expected
    for row in table.itertuples():
        assert row.share_of_policies == row.policies_stating / row.policies
        assert row.share_of_segments == row.segments_stating / row.segments


def _stated_in_sources(sources: dict[str, Path], names: tuple) -> dict:
    """(corpus, language) -> (policies, policies stating, segments, segments stating), read
    from the source files with csv, yaml and ast alone."""
    opp_category, mapp_category, app_pattern, opp_value, mapp_value = names
    found = {
        ("OPP-115 Corpus v1.0", "en"): _tally(
            _opp115_policies(sources["opp115"], opp_category, opp_value)
        ),
        ("APP-350 Corpus v1.1", "en"): _tally(_app350_policies(sources["app350"], app_pattern)),
    }
    for language, folder in (("de", "German"), ("en", "English")):
        labels = sources["mapp"] / f"{folder}_consolidation"
        found["MAPP Corpus v1.0", language] = _tally(
            _mapp_policies(labels, mapp_category, mapp_value)
        )
    return found


def _tally(policies: Iterator[tuple[int, set]]) -> tuple[int, int, int, int]:
    """(policies, policies stating, segments, segments stating) of each policy's number of
    segments and the places of its segments that state it."""
    policies = list(policies)
    return (
        len(policies),
        sum(bool(places) for _, places in policies),
        sum(n_segments for n_segments, _ in policies),
        sum(len(places) for _, places in policies),
    )


def _opp115_policies(root: Path, category: str, value: str) -> Iterator[tuple[int, set]]:
    """OPP-115: a practice of the category with the type, not "Does Not"; any annotator."""
    for html in sorted((root / "sanitized_policies").glob("*.html")):
        with open(root / "annotations" / f"{html.stem}.csv", encoding="utf-8") as f:
            places = {
                int(r[4])
                for r in csv.reader(f)
                if r[5] == category
                and json.loads(r[6]).get("Personal Information Type", {}).get("value") == value
                and json.loads(r[6]).get("Does/Does Not", {}).get("value") != "Does Not"
            }
        yield html.read_text(encoding="utf-8").count("|||") + 1, places


def _mapp_policies(labels: Path, category: str, value: str) -> Iterator[tuple[int, set]]:
    """MAPP: a row naming the category with the value, and not "Does Not"."""
    for path in labels.glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        places = {
            r["segment_id"]
            for r in rows
            if category in ast.literal_eval(r["category name"])
            and value in ast.literal_eval(r["value name"])
            and "Does/Does Not (opt)_Does Not" not in ast.literal_eval(r["value name"])
        }
        yield len(rows), places


def _app350_policies(root: Path, pattern: str) -> Iterator[tuple[int, set]]:
    """APP-350: an annotation of a matching practice, PERFORMED."""
    for path in (root / "annotations").glob("policy_*.yml"):
        policy = yaml.safe_load(path.read_text(encoding="utf-8"))
        places = {
            k
            for k, segment in enumerate(policy["segments"])
            for a in segment["annotations"]
            if re.fullmatch(pattern, a["practice"]) and a["modality"] == "PERFORMED"
        }
        yield len(policy["segments"]), places
