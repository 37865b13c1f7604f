"""add-policy: text normalisation and paragraph segmentation."""

from __future__ import annotations

import itertools

from privacy_labels.corpus import RawCorpus
from privacy_labels.policies import MIN_SEGMENT_CHARS, normalise_text, segment_text
from tests.conftest import read_json

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
    assert code == 1 and "exists already" in err


def test_add_policy_refuses_an_id_that_is_not_a_slug(tmp_path, run):
    source = tmp_path / "x.txt"
    source.write_text(PROSE)
    code, _, err = add_policy(run, source, tmp_path, policy_id="../evil")
    assert code == 1 and "not a lowercase slug" in err
    assert not any(tmp_path.rglob("*.json"))
