"""The HTML report, read as text: evidence marks, the label grid's links, agreement, errors."""

from __future__ import annotations

import json
import re
import shutil

import pyarrow.parquet as pq
import pytest

from privacy_labels.builder.pipeline import build
from privacy_labels.importers.opp115 import import_opp115
from privacy_labels.outputs.report import highlighted_text, write_report
from tests.conftest import FIXTURE_RAW, FIXTURES, REPO


def test_overlapping_evidence_is_marked_once_per_piece_with_every_practice():
    text = "We collect your email address."
    html = highlighted_text(text, {"p1": [(3, 10), (11, 29)], "p2": [(16, 29)]})
    assert html == (
        'We <a class="anchor" id="practice-p1"></a>'
        '<mark class="evidence" data-practices="p1">collect</mark> '
        '<mark class="evidence" data-practices="p1">your </mark>'
        '<a class="anchor" id="practice-p2"></a>'
        '<mark class="evidence" data-practices="p1 p2">email address</mark>.'
    )


def test_text_is_escaped():
    assert highlighted_text("a <b> & c", {"p": [(2, 5)]}) == (
        'a <a class="anchor" id="practice-p"></a>'
        '<mark class="evidence" data-practices="p">&lt;b&gt;</mark> &amp; c'
    )


def test_each_filled_cell_links_to_an_anchor_before_its_marks(run, tmp_path):
    build(FIXTURE_RAW, tmp_path / "labeled", progress=False)
    code, out, err = run("report", tmp_path / "labeled", "--out", tmp_path / "site")
    assert code == 0, err
    assert "wrote 2 pages" in out
    page = (tmp_path / "site" / "policies" / "example.html").read_text(encoding="utf-8")
    grid = page[page.index('<table class="label">') : page.index("</table>")]
    linked = set(re.findall(r'href="#practice-([a-z0-9-]+)"', grid))
    # Contact collected (001, 002), for basic service (001) and marketing (002); order
    # history shared with PayPal (004); "we do not sell" (005) shared with no one named.
    assert linked == {
        "example-alice-001",
        "example-alice-002",
        "example-alice-004",
        "example-alice-005",
    }
    for practice_id in linked:
        assert f'id="practice-{practice_id}"' in page
        assert re.search(rf'data-practices="[^"]*\b{practice_id}\b', page)
    assert 'class="cell does_not"' in grid  # the denial is shown as such, not as silence


def test_agreement_is_reported_when_policies_have_several_annotators(run, tmp_path):
    import_opp115(FIXTURES / "opp115", tmp_path / "raw", progress=False)
    build(tmp_path / "raw", tmp_path / "labeled", progress=False)
    assert run("report", tmp_path / "labeled", "--out", tmp_path / "site")[0] == 0
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Fleiss' kappa per label of opp115's 10-label set" in index
    assert "3 annotators each" in index


def test_the_index_counts_the_policies_of_each_part_of_each_split(run, tmp_path):
    assert run("report", REPO / "data" / "labeled", "--out", tmp_path / "site")[0] == 0
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    splits = index[index.index("<h2>Splits</h2>") :]
    # The seed's five policies: smartjac, smartos and smartsoft in train, one in each other part.
    assert "<th>split</th><th>train</th><th>validation</th><th>test</th>" in splits
    assert "<tr><td>default</td><td>3</td><td>1</td><td>1</td></tr></tbody>" in splits


@pytest.mark.parametrize(
    "damage",
    ["no tables", "no segments", "a corrupt table", "a policy without its label"],
)
def test_tables_that_cannot_make_a_report_are_named(run, tmp_path, damage):
    labeled = tmp_path / "labeled"
    build(FIXTURE_RAW, labeled, progress=False)
    if damage == "no tables":
        for table in labeled.glob("*.parquet"):
            table.unlink()
        expected = "no policies.parquet, segments.parquet"
    elif damage == "no segments":
        (labeled / "segments.parquet").unlink()
        expected = "no segments.parquet; build the tables first"
    elif damage == "a corrupt table":
        (labeled / "practices.parquet").write_bytes(b"PAR1 not really")
        expected = "practices.parquet: not a readable Parquet file"
    else:
        labels = pq.read_table(labeled / "policy_labels.parquet")
        pq.write_table(labels.slice(0, 0), labeled / "policy_labels.parquet")
        expected = "policy_labels.parquet does not match the other tables (no row for example)"
    code, _, err = run("report", labeled, "--out", tmp_path / "site")
    assert code == 1
    assert expected in err and "is unchanged" in err
    assert not (tmp_path / "site").exists()


def test_only_web_addresses_are_linked(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    sidecar = raw / "policies" / "example.json"
    doc = json.loads(sidecar.read_text(encoding="utf-8"))
    doc["url"] = "javascript:alert(1)"
    sidecar.write_text(json.dumps(doc), encoding="utf-8")
    build(raw, tmp_path / "labeled", progress=False)
    write_report(tmp_path / "labeled", tmp_path / "site")
    page = (tmp_path / "site" / "policies" / "example.html").read_text(encoding="utf-8")
    assert 'href="javascript:' not in page


def test_the_index_counts_each_policys_labelling_layer_and_names_who_agreement_leaves_out(
    run, tmp_path
):
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "data" / "raw", raw)
    source = tmp_path / "fresh.txt"
    source.write_text("We collect your e-mail address to answer your questions. " * 4)
    add = ("add-policy", source, "--raw", raw, "--policy-id", "fresh", "--organisation", "Fresh")
    assert run(*add, "--license", "CC0-1.0")[0] == 0
    build(raw, tmp_path / "labeled", progress=False)
    assert run("report", tmp_path / "labeled", "--out", tmp_path / "site")[0] == 0
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    practices = pq.read_table(tmp_path / "labeled" / "practices.parquet").to_pylist()
    consolidated = [p for p in practices if p["annotator"] == "consolidated"]
    own = sum(p["policy_id"] == "smartjac" for p in consolidated)
    # smartjac's row: its consolidated practices, not the sum over its three layers
    assert re.search(
        rf"smartjac</a></td><td>[^<]*</td><td>en</td><td>opp115</td><td>{own}</td>"
        "<td>consolidated</td>",
        index,
    )
    assert f"Counted below: {len(consolidated):,} practices" in index
    assert "consolidated (5), not annotated (1) policies" in index
    assert "Left out of these figures: fresh (not annotated)." in index
    # Does/Does Not: a practice without the attribute does (the tables hold the default)
    does = re.search(r"<td>Does</td><td>([\d,]+)</td>", index)
    assert does and int(does.group(1).replace(",", "")) > 0
    page = (tmp_path / "site" / "policies" / "fresh.html").read_text(encoding="utf-8")
    assert "no labels: the policy is not annotated yet" in page and 'class="cell does' not in page


def test_agreement_figures_read_as_every_text_output_prints_them(run, tmp_path, monkeypatch):
    """A kappa a hair below zero (float rounding of a chance-level agreement) reads 0.000,
    as in `agreement`'s table, not -0.000."""
    from dataclasses import replace

    from privacy_labels.outputs import report

    import_opp115(FIXTURES / "opp115", tmp_path / "raw", progress=False)
    build(tmp_path / "raw", tmp_path / "labeled", progress=False)
    computed = report.agreement

    def hair_below_zero(folder):
        result = computed(folder)
        return replace(result, categories=[replace(c, kappa=-1e-17) for c in result.categories])

    monkeypatch.setattr(report, "agreement", hair_below_zero)
    assert run("report", tmp_path / "labeled", "--out", tmp_path / "site")[0] == 0
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "-0.000" not in index and "</td><td>0.000</td>" in index


def test_a_policy_page_names_the_answers_in_the_policys_language(run, tmp_path):
    """The corpus of three schemes: the German policy's label in German, the English ones in
    English; every policy's label in the hub's terms, whatever its scheme."""
    from privacy_labels.contract.schemes import scheme

    build(FIXTURES / "schemes", tmp_path / "labeled", progress=False)
    code, _, err = run("report", tmp_path / "labeled", "--out", tmp_path / "site")
    assert code == 0, err
    hub = scheme("opp115")
    advertising = hub.display_name("value", "advertising", "de")
    assert advertising != hub.display_name("value", "advertising")
    german = (tmp_path / "site" / "policies" / "kiosk-de.html").read_text(encoding="utf-8")
    assert f'<th class="answer">{advertising}</th>' in german
    assert '<div class="policy-text" lang="de">' in german
    assert "practices are in the scheme <code>mapp</code>" in german
    english = (tmp_path / "site" / "policies" / "mapstore.html").read_text(encoding="utf-8")
    assert '<th class="answer">Advertising</th>' in english
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    for s in ("opp115", "mapp", "app350"):  # the counts of each scheme, under its title
        assert f"<code>{s}</code>)</h2>" in index
