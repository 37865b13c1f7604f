"""The OPP-115 importer on tests/fixtures/opp115: a corpus in OPP-115's layout written for the tests.

Planted in the fixture: markup and entities (`&amp;`, `&quot;`, `&nbsp;`, `<ul><li>`),
a wrong offset listed in the errata (5004), a wrong offset nearer another
occurrence of the same words (5006), a selected text that is not in its segment
(5010), `not-selected` optional attributes, a value without a `selectedText`
key, and the spelling variant `User Profile`.
"""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

import privacy_labels as pl
from privacy_labels.importers.opp115 import anchor_span, html_to_text
from privacy_labels.importers.opp115.source import read_policy_metadata
from tests.conftest import FIXTURES, read_json, snapshot

OPP115_FIXTURE = FIXTURES / "opp115"
POLICY = "opp115-7-example-org"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The fixture imported once, with the CLI's JSON summary."""
    from privacy_labels.cli.app import main

    out = tmp_path_factory.mktemp("opp115") / "raw"
    assert main(["import", "opp115", str(OPP115_FIXTURE), "--out", str(out), "--quiet"]) == 0
    return out


def practice(raw, annotator, source_id, policy=POLICY):
    doc = read_json(raw / "annotations" / policy / f"{annotator}.json")
    return next(p for p in doc["practices"] if p["source_id"] == source_id), doc


# -- text ----------------------------------------------------------------------------------


def test_markup_is_removed_and_each_character_remembers_its_source():
    html = "<strong>Our Policy</strong> <br> <br> Smith &amp; Co. <ul> <li> one </li> </ul>"
    segment = html_to_text(html)
    assert segment.text == "Our Policy\nSmith & Co.\none"
    assert len(segment.sources) == len(segment.text)
    assert html[segment.sources[segment.text.index("Smith")] :].startswith("Smith")
    assert html[segment.sources[segment.text.index("&")] :].startswith("&amp;")
    start = html.index("Smith")
    assert segment.locate(start, start + len("Smith &amp; Co.")) == (11, 22)


def test_a_span_at_its_offsets_is_exact_even_across_markup():
    html = "<strong>Cookies</strong> <br> We use cookies."
    selected = "Cookies We use"  # how the annotation tool wrote a selection across a line break
    anchor = anchor_span(html_to_text(html), selected, 8, html.index("use") + 3)
    assert (anchor.outcome, anchor.start, anchor.end) == ("exact", 0, 14)


def test_a_wrong_offset_is_relocated_to_the_nearest_occurrence_never_kept():
    segment = html_to_text("We share data. Later, we share data again.")
    anchor = anchor_span(segment, "share data", 27, 37)  # the second one, shifted by 2
    assert anchor.outcome == "relocated"
    assert segment.text[anchor.start : anchor.end] == "share data"
    assert anchor.start == 25  # the second occurrence, nearest to where the offset pointed


def test_a_text_not_in_its_segment_is_never_anchored():
    anchor = anchor_span(html_to_text("We keep logs."), "We delete logs", 0, 13)
    assert (anchor.outcome, anchor.start, anchor.end) == ("unanchorable", None, None)


# -- the whole import ------------------------------------------------------------------------


def test_the_summary_counts_policies_practices_values_and_span_outcomes(run, tmp_path):
    code, out, err = run(
        "import", "opp115", OPP115_FIXTURE, "--out", tmp_path / "raw", "--quiet", "--format", "json"
    )
    assert code == 0, err
    summary = __import__("json").loads(out)
    assert (summary["n_policies"], summary["n_practices"], summary["n_values"]) == (2, 14, 39)
    assert summary["n_not_selected"] == 6
    assert summary["spans"] == {"exact": 27, "relocated": 2, "unanchorable": 1}
    assert summary["errata_spans"] == {"exact": 0, "relocated": 1, "unanchorable": 0}
    sources = (OPP115_FIXTURE / "annotations").glob("*.csv")
    assert summary["n_practices"] == sum(
        len(list(csv.reader(f.read_text().splitlines()))) for f in sources
    )


def test_the_text_sidecar_and_provenance(imported):
    text = (imported / "policies" / f"{POLICY}.txt").read_text()
    assert 'Example.org & its affiliates ("we")' in text  # entities decoded
    assert "<" not in text and "&amp;" not in text
    assert "open. Questions?" in text  # &nbsp; is a space
    sidecar = read_json(imported / "policies" / f"{POLICY}.json")
    assert len(sidecar["segments"]) == 3  # OPP-115's segments, ids kept
    assert text[sidecar["segments"][2]["start"] :].startswith("Sharing\nWe share")
    assert sidecar["url"] == "http://example.org/privacy"
    assert (sidecar["retrieved_date"], sidecar["effective_date"]) == ("2015-07-02", "2015-05-01")
    assert "research" in sidecar["license"] and "Wilson" in sidecar["notes"]
    assert read_json(imported / "policies" / "opp115-12-sample-net.json")["effective_date"] is None


def test_annotators_ids_and_labels_are_kept(imported):
    assert sorted(p.stem for p in (imported / "annotations" / POLICY).iterdir()) == [
        "201",
        "202",
        "203",
    ]
    found, doc = practice(imported, "201", "5003")
    # Its own id numbers the annotator's practices in the CSV's order; OPP-115's is source_id.
    assert found["practice_id"] == f"{POLICY}-201-002" and found["segment_id"] == 1
    assert "OPP-115 annotator 201" in doc["method"] and "fixture_batch_a" in doc["method"]
    assert found["category"] == "first_party_collection_use"
    # not-selected optional attributes are absent; Unspecified and Does are kept.
    assert set(found["attributes"]) == {
        "does_does_not",
        "collection_mode",
        "action_first_party",
        "personal_information_type",
        "purpose",
        "user_type",
    }
    assert found["attributes"]["purpose"] == {"value": "unspecified"}
    assert found["attributes"]["does_does_not"] == {"value": "does"}
    variant, _ = practice(imported, "201", "5007")
    assert variant["attributes"]["personal_information_type"]["value"] == "user_profile"


def test_spans_hold_the_policy_text_and_wrong_offsets_are_relocated(imported):
    text = (imported / "policies" / f"{POLICY}.txt").read_text()
    entity, _ = practice(imported, "201", "5001")
    span = entity["attributes"]["other_type"]
    assert (
        span["span_text"]
        == 'This policy explains how Example.org & its affiliates ("we") handle your information.'
    )
    relocated, _ = practice(imported, "202", "5004")
    span = relocated["attributes"]["action_first_party"]
    assert text[span["span_start"] : span["span_end"]] == span["span_text"] == "We collect"
    unanchorable, _ = practice(imported, "203", "5010")
    assert unanchorable["attributes"]["other_type"] == {"value": "privacy_contact_information"}
    listed = read_json(imported / "import-report.json")["spans_not_exact"]
    assert [(s["source_id"], s["outcome"]) for s in listed] == [
        ("5004", "relocated"),
        ("5006", "relocated"),
        ("5010", "unanchorable"),
    ]


def test_the_import_builds_and_loads(imported, tmp_path, run):
    out = tmp_path / "labeled"
    assert run("build", "--quiet", "--raw", imported, "--out", out)[0] == 0
    practices = pl.load("practices", out)
    assert len(practices) == 14
    assert practices.set_index("practice_id").loc[f"{POLICY}-202-002", "source_id"] == "5004"
    policies = pl.load("policies", out).set_index("policy_id")
    values = pl.load("attribute_values", out).merge(practices[["practice_id", "policy_id"]])
    spans = values.dropna(subset=["span_start"])
    assert len(spans) == 29  # 27 exact + 2 relocated
    for row in spans.itertuples():
        assert policies.at[row.policy_id, "text"][row.span_start : row.span_end] == row.span_text


def test_the_consolidated_layer_keeps_its_ids_as_its_own_annotator(run, tmp_path):
    out = tmp_path / "raw"
    code, _, err = run(
        "import", "opp115", OPP115_FIXTURE, "--out", out, "--consolidation", "0.5", "--quiet"
    )
    assert code == 0, err
    doc = read_json(out / "annotations" / POLICY / "consolidated-0-5.json")
    assert [p["source_id"] for p in doc["practices"]] == [
        "C901",
        "C902",
        "5006",
        "C903",
        "5009",
        "5010",
    ]
    assert [p["practice_id"] for p in doc["practices"]] == [
        f"{POLICY}-consolidated-0-5-{n:03d}" for n in range(1, 7)
    ]
    assert "consolidation" in doc["method"]
    documents = sorted(p.name for p in (out / "annotations").glob("*/*.json"))
    assert documents == ["consolidated-0-5.json"] * 2  # one layer, one document per policy


def test_a_broken_source_is_a_clear_error_and_leaves_the_output_alone(run, tmp_path):
    source = tmp_path / "opp115"
    shutil.copytree(OPP115_FIXTURE, source)
    out = tmp_path / "raw"
    assert run("import", "opp115", source, "--out", out, "--quiet")[0] == 0
    previous = snapshot(out)
    csv_file = source / "annotations" / "12_sample.net.csv"
    csv_file.write_text(csv_file.read_text().replace("Data Security", "Data Securty", 1))
    code, _, err = run("import", "opp115", source, "--out", out, "--quiet")
    assert code == 1
    assert f"{csv_file}: line 1 (annotation 5011): unknown category 'Data Securty'" in err
    assert "Traceback" not in err
    assert snapshot(out) == previous
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda s: shutil.rmtree(s / "annotations"), "no annotation CSVs"),
        (lambda s: (s / "sanitized_policies" / "12_sample.net.html").unlink(), "is missing"),
        (
            lambda s: (s / "documentation" / "policies_opp115.csv").unlink(),
            "policies_opp115.csv: missing",
        ),
        (
            lambda s: (s / "annotations" / "12_sample.net.csv").write_text(
                '1,b,2,3,0,Other,"{nope",x,y\n'
            ),
            "line 1, column G: attribute values are not JSON",
        ),
    ],
    ids=["no-annotations", "no-policy-html", "no-metadata", "bad-json-column"],
)
def test_every_missing_or_malformed_source_file_is_named(run, tmp_path, breakage, message):
    source = tmp_path / "opp115"
    shutil.copytree(OPP115_FIXTURE, source)
    breakage(source)
    code, _, err = run("import", "opp115", source, "--out", tmp_path / "raw", "--quiet")
    assert code == 1 and message in err and "Traceback" not in err
    assert not (tmp_path / "raw").exists()


def test_an_import_in_one_process_reads_the_policy_metadata_once(tmp_path, monkeypatch):
    from privacy_labels.importers import opp115

    reads = []

    def counted(root):
        reads.append(root)
        return read_policy_metadata(root)

    monkeypatch.setattr(opp115, "read_policy_metadata", counted)
    opp115.import_opp115(OPP115_FIXTURE, tmp_path / "raw", progress=False)
    assert reads == [OPP115_FIXTURE]


def _copies(source, target, n):
    """The fixture's policies copied `n` times under fresh UIDs and annotation ids."""
    shutil.copytree(source, target)
    rows = {p: list(csv.reader(p.read_text().splitlines())) for p in target.glob("annotations/*")}
    metadata = (target / "documentation" / "policies_opp115.csv").read_text().splitlines()
    for k in range(1, n):
        for path, practices in rows.items():
            uid, _, site = path.stem.partition("_")
            new = f"{int(uid) + 100 * k}_{site}"
            shutil.copyfile(
                target / "sanitized_policies" / f"{path.stem}.html",
                target / "sanitized_policies" / f"{new}.html",
            )
            with open(path.with_name(f"{new}.csv"), "w", newline="") as f:
                csv.writer(f).writerows([f"{r[0]}{k}", *r[1:]] for r in practices)
            row = next(line for line in metadata if line.startswith(f"{uid},"))
            metadata.append(f"{int(uid) + 100 * k}," + row.partition(",")[2])
    (target / "documentation" / "policies_opp115.csv").write_text("\n".join(metadata) + "\n")
    return target


def test_any_number_of_workers_writes_the_same_bytes(run, tmp_path):
    source = _copies(OPP115_FIXTURE, tmp_path / "opp115", 6)
    trees = []
    for workers in (1, 2, 3):
        out = tmp_path / f"raw-{workers}"
        code, _, err = run(
            "import", "opp115", source, "--out", out, "--quiet", "--workers", workers
        )
        assert code == 0, err
        trees.append(snapshot(out))
    # 12 policies: text and sidecar each, 3 + 2 documents a pair; the report and the marker
    assert len(trees[0]) == 12 * 2 + 6 * 5 + 2
    assert trees[0] == trees[1] == trees[2]


def test_a_problem_found_by_a_worker_is_the_same_message(run, tmp_path):
    source = _copies(OPP115_FIXTURE, tmp_path / "opp115", 3)
    csv_file = source / "annotations" / "112_sample.net.csv"
    csv_file.write_text(csv_file.read_text().replace("Data Security", "Data Securty", 1))
    for workers in (1, 2):
        code, _, err = run(
            "import", "opp115", source, "--out", tmp_path / "raw", "--quiet", "--workers", workers
        )
        assert code == 1 and "Traceback" not in err
        assert err.startswith(
            f"import opp115 stopped: {csv_file}: line 1 (annotation 50111): unknown category"
        )
        assert not (tmp_path / "raw").exists()


@pytest.mark.slow
def test_ctrl_c_during_a_parallel_import_exits_130_and_leaves_nothing(tmp_path):
    """SIGINT to the process group, as a terminal sends it, at moments of the import's work."""
    source = _copies(OPP115_FIXTURE, tmp_path / "opp115", 60)
    out = tmp_path / "raw"
    command = [
        *(sys.executable, "-m", "privacy_labels.cli.app", "import", "opp115", source),
        *("--out", out, "--quiet", "--workers", "2"),
    ]
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    duration = time.monotonic() - started  # start-up and the work, as this machine runs now
    previous = snapshot(out)
    # At moments after the staging folder appears, once the workers run: amid the work.
    # (A signal while the pool forks its workers can reach one before it ignores SIGINT;
    # that race is the process pool's, build's as well, and not what this test shows.)
    stopped = []
    for trial, delay in enumerate((duration / 8, duration / 5)):
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
        while process.poll() is None and not list(tmp_path.glob(".raw.*.tmp")):
            time.sleep(0.01)
        time.sleep(delay)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=120)
        err = err.decode()
        assert "Traceback" not in err, f"trial {trial}: {err}"
        # -SIGINT: the signal came as the run was ending, after the command answered.
        assert process.returncode in (0, 130, -signal.SIGINT), (trial, process.returncode, err)
        if process.returncode == 130:
            assert err.strip() == "interrupted; outputs are unchanged"
            stopped.append(trial)
        assert snapshot(out) == previous
        assert sorted(p.name for p in tmp_path.iterdir()) == ["opp115", "raw"]
    assert stopped  # at least one run was stopped amid its work
