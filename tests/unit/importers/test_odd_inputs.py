"""Odd parts the corpora's formats allow do not stop an import: a segment empty or of
whitespace only, a policy with no segments, a segment without sentences, the originals'
folder under either name, a text through another tool. Each odd fixture
(`tests/fixtures/<corpus>-odd/`, see their READMEs) is imported and every count is checked
against its files, read here independently of the importers."""

from __future__ import annotations

import ast
import csv
import hashlib
import re
from pathlib import Path

import yaml

from privacy_labels.importers.app350 import import_app350
from privacy_labels.importers.mapp import import_mapp
from privacy_labels.importers.opp115 import import_opp115
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.validate import Validator
from tests.conftest import FIXTURES, read_json


def _written(out: Path) -> tuple[dict, dict[str, dict], dict[str, list[dict]]]:
    """The import report, the sidecars by policy id and the practices by policy id."""
    assert not Validator(default_raw=out).validate_corpus(RawCorpus(out))
    sidecars = {p.stem: read_json(p) for p in (out / "policies").glob("*.json")}
    practices: dict[str, list[dict]] = {}
    for path in sorted((out / "annotations").glob("*/*.json")):
        practices.setdefault(path.parent.name, []).extend(read_json(path)["practices"])
    return read_json(out / "import-report.json"), sidecars, practices


def _segment_texts(out: Path, sidecar: dict) -> list[str]:
    text = (out / "policies" / f"{sidecar['policy_id']}.txt").read_text(encoding="utf-8")
    return [text[s["start"] : s["end"]] for s in sidecar["segments"]]


def test_app350_keeps_out_segments_without_text_and_counts_what_they_drop(tmp_path):
    root = FIXTURES / "app350-odd"
    import_app350(root, tmp_path / "raw")
    report, sidecars, practices = _written(tmp_path / "raw")
    files = {
        int(p.stem.partition("_")[2]): yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in (root / "annotations").glob("policy_*.yml")
    }
    empty, kept, no_text_policies = [], {}, []
    for number, policy in sorted(files.items()):
        segments = policy["segments"]
        holding = [s for s in segments if (s["segment_text"] or "").strip()]
        empty += [(number, s) for s in segments if not (s["segment_text"] or "").strip()]
        if holding:
            kept[f"app350-{number}"] = holding
        else:
            no_text_policies.append(f"app350-{number}")
    assert report["n_segments"] == sum(len(p["segments"]) for p in files.values()) == 6
    assert report["n_empty_segments"] == len(empty) == 3
    assert report["dropped_with_empty_segments"] == {
        "annotations": sum(len(s["annotations"]) for _, s in empty),
        "sentences": sum(len(s["sentences"]) for _, s in empty),
    }
    assert [(e["policy_id"], e["segment_id"]) for e in report["empty_segments"]] == [
        (f"app350-{n}", s["segment_id"]) for n, s in empty
    ]
    assert [p["policy_id"] for p in report["policies_without_segments"]] == no_text_policies
    assert report["n_policies_without_segments"] == 2
    # The segments that hold text, in the file's order; each practice on its segment here.
    assert sorted(sidecars) == sorted(kept)
    for policy_id, holding in kept.items():
        assert _segment_texts(tmp_path / "raw", sidecars[policy_id]) == [
            s["segment_text"] for s in holding
        ]
        for practice in practices[policy_id]:
            source_segment = int(practice["source_id"].split(":")[1])
            here = [s["segment_id"] for s in holding].index(source_segment)
            assert practice["segment_id"] == here
        assert "the source's segments 0, 3, 4, in order" in sidecars[policy_id]["notes"]
    expected_pairs = {
        (s["segment_id"], a["practice"], a["modality"])
        for holding in kept.values()
        for s in holding
        for a in s["annotations"]
    }
    written = {tuple(p["source_id"].split(":")[1:4]) for ps in practices.values() for p in ps}
    assert written == {(str(k), name, m) for k, name, m in expected_pairs}
    # A segment without a `sentences` key, or with an empty list, has practices without span.
    assert report["spans"]["no_sentence"] == 2
    # The originals folder of some copies, original_documents.tmp/, is read.
    html = root / "original_documents.tmp" / "1.html"
    assert sidecars["app350-1"]["original_sha256"] == hashlib.sha256(html.read_bytes()).hexdigest()


def test_mapp_keeps_out_empty_lines_and_reads_a_copy_with_bom_and_crlf(tmp_path):
    root = FIXTURES / "mapp-odd" / "MAPP_Corpus"
    report = import_mapp(root, tmp_path / "raw")
    assert report == read_json(tmp_path / "raw" / "import-report.json")
    _, sidecars, practices = _written(tmp_path / "raw")
    counts = {}
    empty, written_policies = [], {}
    for language, name in (("en", "English"), ("de", "German")):
        c = counts[language] = {"segments": 0, "empty": 0, "pairs": 0, "pairs_on_empty": 0}
        for path in sorted((root / f"{name}_consolidation").glob("*.csv")):
            raw = (root / f"{name}_sanitized_policies" / f"{path.stem}.txt").read_bytes()
            lines = raw.decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n").split("\n")
            segments = lines[0:-1:2]
            with path.open(encoding="utf-8-sig", newline="") as f:
                rows = list(csv.DictReader(f))
            assert len(rows) == len(segments)
            number, _, app = path.stem.partition("_")
            policy_id = f"mapp-{language}-{number}-{re.sub(r'[^a-z0-9]+', '-', app)}"
            c["segments"] += len(segments)
            holding = []
            for k, (segment, row) in enumerate(zip(segments, rows, strict=True), 1):
                n_pairs = len(ast.literal_eval(row["category name"]))
                c["pairs"] += n_pairs
                if segment.strip():
                    holding.append((k, segment, n_pairs))
                else:
                    c["empty"] += 1
                    c["pairs_on_empty"] += n_pairs
                    empty.append((policy_id, k, n_pairs))
            if holding:
                written_policies[policy_id] = holding
    for language, c in counts.items():
        got = report["counts"][language]
        assert got["segments"] == c["segments"]
        assert got["labelled_pairs"] == c["pairs"]
        assert got["empty_segments"] == c["empty"]
        assert got["pairs_on_empty_segments"] == c["pairs_on_empty"]
    assert counts["en"]["empty"] == 2 and counts["en"]["pairs_on_empty"] == 1
    assert [
        (e["policy_id"], e["segment_id"], e["labelled_pairs"])
        for e in report["problems"]["empty_segments"]
    ] == empty
    assert report["problems"]["policies_without_segments"] == [
        {
            "policy_id": "mapp-en-911-org-example-blank",
            "file": "English_sanitized_policies/911_org.example.blank.txt",
        }
    ]
    assert sorted(sidecars) == sorted(written_policies)
    for policy_id, holding in written_policies.items():
        assert _segment_texts(tmp_path / "raw", sidecars[policy_id]) == [s for _, s, _ in holding]
        mapp_ids = [k for k, _, _ in holding]
        for practice in practices.get(policy_id, []):
            mapp_segment = int(practice["source_id"].split(":")[1])
            assert practice["segment_id"] == mapp_ids.index(mapp_segment)
        assert len(practices.get(policy_id, [])) == sum(n for _, _, n in holding)
    assert report["n_value_sets"] == sum(len(p) for p in practices.values()) == 3
    # The copy through another tool: no byte-order mark or carriage return in the text.
    german = (tmp_path / "raw" / "policies" / "mapp-de-910-org-example-odd.txt").read_text(
        encoding="utf-8"
    )
    assert german.startswith("Wir erheben") and "\r" not in german


def test_opp115_keeps_out_segments_of_markup_only_with_their_practices(tmp_path):
    root = FIXTURES / "opp115-odd"
    summary = import_opp115(root, tmp_path / "raw", progress=False)
    report, sidecars, practices = _written(tmp_path / "raw")
    empty, kept, rows_on_empty, rows_written = [], {}, 0, 0
    for html in sorted((root / "sanitized_policies").glob("*.html")):
        policy_id = "opp115-" + re.sub(r"[^a-z0-9]+", "-", html.stem)
        texts = [
            " ".join(re.sub(r"<[^>]*>", " ", s).split())
            for s in html.read_text(encoding="utf-8").split("|||")
        ]
        with open(root / "annotations" / f"{html.stem}.csv", encoding="utf-8", newline="") as f:
            segment_of_rows = [int(r[4]) for r in csv.reader(f)]
        holding = [k for k, t in enumerate(texts) if t]
        for k, t in enumerate(texts):
            if not t:
                empty.append((policy_id, k, segment_of_rows.count(k)))
        rows_on_empty += sum(k not in holding for k in segment_of_rows)
        rows_written += sum(k in holding for k in segment_of_rows)
        if holding:
            kept[policy_id] = holding
    assert [
        (e["policy_id"], e["segment_id"], e["practices"]) for e in report["empty_segments"]
    ] == (empty)
    assert report["n_empty_segments"] == len(empty) == 2
    assert report["n_practices_on_empty_segments"] == rows_on_empty == 2
    assert summary.n_practices == report["n_practices"] == rows_written == 2
    assert [p["policy_id"] for p in report["policies_without_segments"]] == ["opp115-31-blank-org"]
    assert sorted(sidecars) == sorted(kept) == ["opp115-30-odd-org"]
    policy = "opp115-30-odd-org"
    assert _segment_texts(tmp_path / "raw", sidecars[policy]) == [
        "Odd.org Privacy\nWe collect your email address.",
        "We share your location with partners.",
    ]
    # The practice on source segment 2 is on segment 1 here, its span in its place.
    sharing = next(p for p in practices[policy] if p["source_id"] == "6003")
    assert sharing["segment_id"] == 1
    text = (tmp_path / "raw" / "policies" / f"{policy}.txt").read_text(encoding="utf-8")
    value = sharing["attributes"]["personal_information_type"]
    assert text[value["span_start"] : value["span_end"]] == "your location"
    assert report["spans"] == {"exact": 2, "relocated": 0, "unanchorable": 0}
    assert "the source's segments 0, 2, in order" in sidecars[policy]["notes"]
    assert report["n_policies"] == 1


def test_the_command_says_what_it_kept_out(tmp_path, capsys):
    from privacy_labels.cli.app import main

    for corpus, source in (
        ("app350", FIXTURES / "app350-odd"),
        ("mapp", FIXTURES / "mapp-odd" / "MAPP_Corpus"),
        ("opp115", FIXTURES / "opp115-odd"),
    ):
        assert main(["import", corpus, str(source), "--out", str(tmp_path / corpus)]) == 0
        report = read_json(tmp_path / corpus / "import-report.json")
        problems = report.get("problems", report)
        n_segments, n_policies = (
            len(problems["empty_segments"]),
            len(problems["policies_without_segments"]),
        )
        out = capsys.readouterr().out
        assert f"kept out, holding no text: {n_segments} segments" in out
        assert f"and {n_policies} policies" in out
    main(["import", "app350", str(FIXTURES / "app350"), "--out", str(tmp_path / "plain")])
    assert "kept out" not in capsys.readouterr().out
