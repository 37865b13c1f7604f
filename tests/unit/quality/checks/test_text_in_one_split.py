"""The check `text_in_one_split` on `policies+splits` (`quality/checks/text_in_one_split.py`)."""

import shutil

import pytest

from privacy_labels.contract.views import split_of
from tests.integration.test_gate import _text_under_two_ids
from tests.unit.quality.checks.conftest import assert_fails_named, verdict

# Two seed policies in the same part of the default split.
SAME_DEFAULT_PART = ("smartjac", "smartos")


def _in_two_parts_of_plue(rows):
    """The two policies in PLUE's train and test parts."""
    rows.append({"policy_id": SAME_DEFAULT_PART[0], "split_name": "plue", "part": "train"})
    rows.append({"policy_id": SAME_DEFAULT_PART[1], "split_name": "plue", "part": "test"})


def _one_text(rows):
    """The second policy's text the first's."""
    first, second = (next(r for r in rows if r["policy_id"] == p) for p in SAME_DEFAULT_PART)
    second["text_sha256"] = first["text_sha256"]


@pytest.mark.parametrize(
    ("table", "change", "example"),
    [
        pytest.param("policies", _text_under_two_ids, "one text in", id="text_under_two_ids"),
    ],
)
def test_a_fault_fails_named(damaged, table, change, example):
    assert_fails_named(damaged((table, change)), "text_in_one_split", "policies+splits", example)


def test_one_text_in_two_parts_of_a_named_split_fails_named(damaged):
    assert split_of(SAME_DEFAULT_PART[0]) == split_of(SAME_DEFAULT_PART[1])
    # One text in one part of the default split passes; in two parts of plue it fails.
    assert_fails_named(
        damaged(("policies", _one_text), ("splits", _in_two_parts_of_plue)),
        "text_in_one_split",
        "policies+splits",
        "smartjac (plue:train), smartos (plue:test)",
    )


def _in_two_parts_of_mapp(rows):
    rows.append({"policy_id": SAME_DEFAULT_PART[0], "split_name": "mapp", "part": "train"})
    rows.append({"policy_id": SAME_DEFAULT_PART[1], "split_name": "mapp", "part": "test"})


def _german(rows):
    next(r for r in rows if r["policy_id"] == SAME_DEFAULT_PART[1])["language"] = "de"


def test_mapps_split_is_checked_within_each_language(damaged, tmp_path):
    """MAPP's byte-identical German and English files may be in two parts of its split (read
    one language at a time); one text in two parts within a language fails."""
    faults = [("policies", _one_text), ("splits", _in_two_parts_of_mapp)]
    assert_fails_named(
        damaged(*faults), "text_in_one_split", "policies+splits", "smartos (mapp:test)"
    )
    shutil.rmtree(tmp_path / "labeled")
    in_two_languages = damaged(*faults, ("policies", _german))
    assert verdict(in_two_languages, "text_in_one_split", "policies+splits").success
