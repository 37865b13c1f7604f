"""add-policy: text normalisation and paragraph segmentation."""

from __future__ import annotations

import itertools
import shutil

import pytest

from privacy_labels.corpus import RawCorpus
from privacy_labels.policies import MIN_SEGMENT_CHARS, normalise_text, segment_text
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
