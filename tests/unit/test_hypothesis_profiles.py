"""The Hypothesis profile: a few examples per property in the edit loop, 1,000 in CI."""

from __future__ import annotations

import pytest
from hypothesis import settings

from tests.conftest import hypothesis_profile


def test_ci_runs_1000_examples_and_the_edit_loop_fewer():
    assert hypothesis_profile({"CI": "true"}) == "ci"
    assert hypothesis_profile({}) == "dev"
    assert settings.get_profile("ci").max_examples == 1_000
    assert settings.get_profile("dev").max_examples < 1_000


def test_hypothesis_profile_names_the_profile_and_a_wrong_name_is_refused():
    assert hypothesis_profile({"CI": "true", "HYPOTHESIS_PROFILE": "dev"}) == "dev"
    with pytest.raises(pytest.UsageError, match="HYPOTHESIS_PROFILE=fast: not a profile"):
        hypothesis_profile({"HYPOTHESIS_PROFILE": "fast"})
