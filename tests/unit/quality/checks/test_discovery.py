"""Checks are found, not listed: each module of `quality/checks/` adds its own."""

import pkgutil
import sys

import pandas as pd
import pytest

from privacy_labels.contract.tables import TABLES
from privacy_labels.quality import checks
from privacy_labels.quality.checks import CORPUS, PART, Check, discovered
from tests.integration.test_gate import LABELED
from tests.unit.quality.checks.conftest import verdict


def test_every_module_is_a_check_of_known_tables_and_scope():
    modules = {m.name for m in pkgutil.iter_modules(checks.__path__)}
    found = {getattr(c.rows, "func", c.rows).__module__.rsplit(".", 1)[1] for c in discovered()}
    assert found == modules
    names = {t.name for t in TABLES}
    for check in discovered():
        assert isinstance(check, Check) and check.scope in (PART, CORPUS)
        assert set(check.tables) <= names, check


def test_a_new_module_is_run_without_being_listed(tmp_path, monkeypatch):
    (tmp_path / "no_empty_text.py").write_text(
        "from privacy_labels.quality.checks import PART, Check\n\n\n"
        "def _rows(frames, schemes):\n"
        "    policies = frames['policies']\n"
        "    return len(policies), [p for p, t in zip(policies.policy_id, policies.text) if not t]\n"
        "\n\n"
        "CHECK = Check('no_empty_text', 'policies', 'text', ('policies',), PART, _rows)\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(checks, "__path__", [*checks.__path__, str(tmp_path)])
    discovered.cache_clear()
    try:
        (check,) = [c for c in discovered() if c.name == "no_empty_text"]
    finally:
        discovered.cache_clear()
        sys.modules.pop(f"{checks.__name__}.no_empty_text", None)
    policies = pd.DataFrame({"policy_id": ["a", "b"], "text": ["words", ""]})
    result = check.run({"policies": policies}, None)
    assert not result.success and result.examples == ["b"] and result.n_rows == 2


@pytest.mark.parametrize("check", discovered(), ids=lambda c: f"{c.frame}:{c.name}:{c.target}")
def test_every_check_passes_on_the_seed_tables(check):
    result = verdict(LABELED, check.name, check.frame, check.target)
    assert result.success and result.n_rows > 0, result
