"""add-policy: text normalisation and paragraph segmentation."""

from __future__ import annotations

import copy
import itertools
import json
import os
import shutil
import unicodedata

import pytest

from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.policies import (
    MIN_SEGMENT_CHARS,
    SEGMENTATION,
    normalise_text,
    segment_text,
)
from tests.conftest import FIXTURE_RAW, read_json

PROSE = "We collect your e-mail address to answer your questions and for nothing else at all. " * 2


def test_normalise_changes_only_line_ends_and_surrounding_whitespace():
    raw = "\ufeff  Title \r\n\r\n\r\n\tBody “quoted”  text.\rNext line \n\n"
    assert normalise_text(raw.lstrip("\ufeff")) == "Title\n\nBody “quoted”  text.\nNext line\n"


def test_headings_join_the_paragraph_they_introduce():
    text = normalise_text(f"Heading\n\n{PROSE}\n\nSecond heading\n{PROSE}")
    segments = segment_text(text)
    assert [text[s:e].split("\n")[0] for s, e in segments] == ["Heading", "Second heading"]
    assert all(e - s >= MIN_SEGMENT_CHARS for s, e in segments)


def test_one_paragraph_per_line_prose_is_split_by_line_but_addresses_stay_whole():
    long_line = PROSE * 2
    address = (
        "Acme, Inc.\nAttn: Privacy Office\n1 Main Street, Suite 100\nSpringfield, ST 12345\n"
        "United States of America\nPhone 555-0100"
    )
    text = normalise_text(f"{long_line}\n{long_line}\n\n{address}")
    segments = segment_text(text)
    assert len(segments) == 3
    assert text[segments[2][0] : segments[2][1]] == address


def test_segments_are_ordered_disjoint_and_cover_every_word():
    text = normalise_text(f"A\n\n{PROSE}\n\nB\n\n{PROSE}\n\nshort tail")
    segments = segment_text(text)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(segments))
    covered = " ".join(text[s:e] for s, e in segments)
    assert covered.split() == text.split()


def add_policy(run, source, raw, policy_id="acme", organisation="Acme, Inc."):
    return run(
        "add-policy", source, "--raw", raw, "--policy-id", policy_id,
        "--organisation", organisation, "--license", "CC0-1.0",
    )  # fmt: skip


def test_add_policy_writes_text_and_valid_sidecar(tmp_path, run):
    source = tmp_path / "acme.txt"
    source.write_bytes(f"Acme Privacy\r\n\r\n{PROSE}\r\n".encode())
    raw = tmp_path / "raw"
    code, out, _ = add_policy(run, source, raw)
    assert code == 0 and "added acme: 1 segments" in out
    corpus = RawCorpus(raw)
    assert "\r" not in corpus.text_path("acme").read_text(encoding="utf-8")
    assert read_json(corpus.sidecar_path("acme"))["source"] == "acme.txt"
    assert run("validate", raw)[0] == 0
    code, _, err = add_policy(run, source, raw, organisation="Acme")
    assert code == 2 and "exists already" in err


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_add_policy_warns_when_the_text_is_not_nfc_and_keeps_it_as_given(tmp_path, run, form):
    text = unicodedata.normalize(form, f"Acme Privacy\n\nOur caf\u00e9 {PROSE}\n")
    source = tmp_path / "acme.txt"
    source.write_text(text, encoding="utf-8")
    code, _, err = add_policy(run, source, tmp_path / "raw")
    assert code == 0
    stored = RawCorpus(tmp_path / "raw").text_path("acme").read_text(encoding="utf-8")
    assert stored == normalise_text(text)  # in its own form: offsets stay the annotators'
    if form == "NFC":
        assert err == ""
    else:
        assert err == (
            f"warning: {source}: the text is not in Unicode normal form NFC (first at line 3, "
            "column 8); it is stored as given, so annotation offsets must count the code points "
            "of the text as stored (an 'é' may be one or two)\n"
        )


def test_add_policy_refuses_an_id_that_is_not_a_slug(tmp_path, run):
    source = tmp_path / "x.txt"
    source.write_text(PROSE)
    code, _, err = add_policy(run, source, tmp_path, policy_id="../evil")
    assert code == 2 and "not a lowercase slug" in err
    assert not any(tmp_path.rglob("*.json"))


MISUSE = {
    "empty text": ({"text": ""}, "holds no text (empty or only whitespace)"),
    "whitespace-only text": ({"text": " \n\t\r\n  \n"}, "holds no text"),
    "a folder": ({"source": "folder"}, "is a folder; give the policy's text file"),
    "a missing file": ({"source": "missing.txt"}, "missing.txt: no such file"),
    "a month 13": (
        {"--retrieved-date": "2026-13-45"},
        "--retrieved-date '2026-13-45' is not a date; write it as YYYY-MM-DD",
    ),
    "a day 30 of February": ({"--effective-date": "2026-02-30"}, "is not a date"),
    "not ISO": ({"--retrieved-date": "30/11/2026"}, "is not a date"),
    "empty organisation": ({"--organisation": ""}, "--organisation is empty"),
    "blank organisation": ({"--organisation": "   "}, "--organisation is empty"),
    "empty licence": ({"--license": ""}, "--license is empty"),
    "empty source": ({"--source": " "}, "--source is empty"),
    "an existing id": ({"--policy-id": "example"}, "policy 'example' exists already"),
}


@pytest.mark.parametrize("case", MISUSE, ids=list(MISUSE))
def test_add_policy_misuse_is_refused_before_anything_is_written(tmp_path, run, case):
    changes, message = MISUSE[case]
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    (tmp_path / "folder").mkdir()
    source = tmp_path / changes.get("source", "acme.txt")
    if "source" not in changes:
        source.write_text(changes.get("text", PROSE))
    options = {
        "--policy-id": "acme",
        "--organisation": "Acme, Inc.",
        "--license": "CC0-1.0",
        "--retrieved-date": "2026-11-30",
    }
    options |= {k: v for k, v in changes.items() if k.startswith("--")}
    before = {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()}
    code, out, err = run("add-policy", source, "--raw", raw, *itertools.chain(*options.items()))
    assert code == 2, err
    assert message in err and len(err.strip().splitlines()) == 1 and out == ""
    assert {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()} == before


def test_a_text_put_in_the_corpus_first_can_be_added_in_place(tmp_path, run):
    raw = tmp_path / "raw"
    (raw / "policies").mkdir(parents=True)
    (raw / "policies" / "acme.txt").write_text(PROSE)
    code, _, err = add_policy(run, raw / "policies" / "acme.txt", raw)
    assert code == 0, err
    assert run("validate", raw)[0] == 0


def test_a_question_keeps_its_answer_however_short():
    long_line = (PROSE * 2).strip()
    text = normalise_text(
        f"{long_line}\nDoes Acme share data with analytics providers?\nNo\n"
        f"Does Acme collect information from children?\nNo\nSHARING\n"
        f"Does Acme sell data?\n{long_line}"
    )
    pieces = [text[s:e] for s, e in segment_text(text)]
    assert pieces == [
        long_line,
        "Does Acme share data with analytics providers?\nNo",
        "Does Acme collect information from children?\nNo",
        f"SHARING\nDoes Acme sell data?\n{long_line}",
    ]


def test_short_list_items_are_not_headings():
    long_line = (PROSE * 2).strip()
    text = normalise_text(f"{long_line}\n- Send invoices\n- Notify you of changes\n{long_line}")
    pieces = [text[s:e] for s, e in segment_text(text)]
    assert pieces == [long_line, f"- Send invoices\n- Notify you of changes\n{long_line}"]


def test_add_policy_records_the_rule_entity_services_and_redactions(tmp_path, run):
    source = tmp_path / "acme.txt"
    source.write_text(f"Acme Privacy\n\n{PROSE} Write to [email protected] or [email protected].\n")
    raw = tmp_path / "raw"
    code, _, err = run(
        "add-policy", source, "--raw", raw, "--policy-id", "acme", "--organisation", "Acme",
        "--license", "CC0-1.0", "--legal-entity", "Acme, Inc.", "--service-name", "Acme Pay",
        "--redaction", "[email protected]=an e-mail address",
    )  # fmt: skip
    assert code == 0, err
    sidecar = read_json(RawCorpus(raw).sidecar_path("acme"))
    assert sidecar["segmentation"] == SEGMENTATION
    assert (sidecar["legal_entity"], sidecar["service_names"]) == ("Acme, Inc.", ["Acme Pay"])
    assert sidecar["redactions"] == [
        {"placeholder": "[email protected]", "n_occurrences": 2, "description": "an e-mail address"}
    ]
    assert run("validate", raw)[0] == 0


def test_add_policy_refuses_a_redaction_the_text_does_not_have(tmp_path, run):
    source = tmp_path / "acme.txt"
    source.write_text(PROSE)
    code, _, err = run(
        "add-policy", source, "--raw", tmp_path, "--policy-id", "acme", "--organisation", "Acme",
        "--license", "CC0-1.0", "--redaction", "[hidden]=a name",
    )  # fmt: skip
    assert code == 1 and "'[hidden]' does not occur in the text" in err
    assert not any(tmp_path.rglob("*.json"))


def _old_style_policy(raw, text, segments, practices):
    """A policy as an older rule segmented it, with one annotation document."""
    corpus = RawCorpus(raw)
    corpus.policies_dir.mkdir(parents=True)
    corpus.text_path("acme").write_text(text, encoding="utf-8")
    sidecar = {"policy_id": "acme", "segments": [{"start": s, "end": e} for s, e in segments]}
    corpus.sidecar_path("acme").write_text(json.dumps(sidecar), encoding="utf-8")
    path = corpus.annotations_dir / "acme" / "someone.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"practices": practices}), encoding="utf-8")
    return corpus, path


def _span(text, phrase):
    start = text.index(phrase)
    return {"value": "x", "span_start": start, "span_end": start + len(phrase), "span_text": phrase}


def test_resegment_moves_practices_by_their_spans_and_keeps_every_span(tmp_path, run):
    long_line = (PROSE * 2).strip()
    text = normalise_text(
        f"{long_line}\nDoes Acme share data?\nNo\nDoes Acme collect from children?\nNo\n{long_line}"
    )
    # The older rule cut the first answer from its question.
    cut = text.index("No\nDoes Acme collect")
    old = [(0, len(long_line)), (len(long_line) + 1, cut - 1), (cut, len(text) - 1)]
    children = {"audience_type": _span(text, "Does Acme collect from children?")}
    answer = {"audience_type": _span(text, "No\nDoes")}
    answer["audience_type"]["span_end"] -= len("\nDoes")
    answer["audience_type"]["span_text"] = "No"
    practices = [
        {"practice_id": "a-1", "segment_id": 2, "attributes": children},
        {"practice_id": "a-2", "segment_id": 2, "attributes": answer},
        {"practice_id": "a-3", "segment_id": 0, "attributes": {"other_type": {"value": "x"}}},
    ]
    corpus, path = _old_style_policy(tmp_path, text, old, [copy.deepcopy(p) for p in practices])
    code, out, _ = run("resegment", "--raw", tmp_path, "--format", "json")
    assert code == 0 and json.loads(out)[0]["n_practices_moved"] == 1
    sidecar = read_json(corpus.sidecar_path("acme"))
    segments = [(s["start"], s["end"]) for s in sidecar["segments"]]
    assert segments == segment_text(text) and sidecar["segmentation"] == SEGMENTATION
    moved = read_json(path)["practices"]
    assert [p["segment_id"] for p in moved] == [2, 1, 0]
    for before, after in zip(practices, moved, strict=True):
        assert before["attributes"] == after["attributes"]  # no span changed
        start, end = segments[after["segment_id"]]
        for value in after["attributes"].values():
            if "span_start" in value:
                assert start <= value["span_start"] < value["span_end"] <= end


def test_resegment_refuses_a_practice_whose_spans_would_fall_apart(tmp_path, run):
    long_line = (PROSE * 2).strip()
    text = normalise_text(f"{long_line}\nWhat do we share?\n{long_line}")
    practice = {
        "practice_id": "a-1",
        "segment_id": 0,
        "attributes": {"a": _span(text, PROSE), "b": _span(text, "What do we share?")},
    }
    corpus, path = _old_style_policy(tmp_path, text, [(0, len(text) - 1)], [practice])
    before = (path.read_bytes(), corpus.sidecar_path("acme").read_bytes())
    code, _, err = run("resegment", "acme", "--raw", tmp_path)
    assert code == 1 and "a-1 has spans in more than one new segment" in err
    assert (path.read_bytes(), corpus.sidecar_path("acme").read_bytes()) == before
    assert run("resegment", "nope", "--raw", tmp_path)[0] == 2


def test_resegment_names_a_broken_document_instead_of_failing(tmp_path, run):
    text = normalise_text((PROSE * 2).strip())
    _, path = _old_style_policy(tmp_path, text, [(0, len(text) - 1)], [])
    path.write_text("{", encoding="utf-8")
    code, _, err = run("resegment", "--raw", tmp_path)
    assert code == 1 and f"{path}: cannot read it" in err and "Traceback" not in err


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_add_policy_writes_files_the_umask_allows(tmp_path, run, umask):
    source = tmp_path / "acme.txt"
    source.write_text(PROSE)
    previous = os.umask(umask)
    try:
        code, _, err = add_policy(run, source, tmp_path / "raw")
    finally:
        os.umask(previous)
    assert code == 0, err
    written = [
        RawCorpus(tmp_path / "raw").text_path("acme"),
        RawCorpus(tmp_path / "raw").sidecar_path("acme"),
    ]
    # 644 under 022: the next user of a shared annotation machine can read and build them.
    assert [p.stat().st_mode & 0o777 for p in written] == [0o666 & ~umask] * 2


@pytest.mark.parametrize(
    "copy_of", [lambda text: text, lambda text: "\ufeff" + text.replace("\n", "\r\n")],
    ids=["same bytes", "BOM and CRLF"],
)  # fmt: skip
def test_add_policy_refuses_a_text_the_corpus_has_under_another_id(tmp_path, run, copy_of):
    text = f"Acme Privacy\n\n{PROSE}\n"
    (tmp_path / "acme.txt").write_text(text, encoding="utf-8")
    (tmp_path / "copy.txt").write_bytes(copy_of(text).encode("utf-8"))
    raw = tmp_path / "raw"
    assert add_policy(run, tmp_path / "acme.txt", raw)[0] == 0
    before = sorted(raw.rglob("*"))
    code, out, err = add_policy(run, tmp_path / "copy.txt", raw, policy_id="acme-copy")
    # its splits go by id: under a second id the same wording could be trained and tested on
    assert code == 1 and out == ""
    assert "has the same text as policy 'acme'" in err and len(err.strip().splitlines()) == 1
    assert sorted(raw.rglob("*")) == before
