"""A user's view: `pip install <clone>`, then load the data and its releases from any folder."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_load_works_outside_the_repo_after_pip_install(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "--quiet", REPO],
        check=True,
        cwd=tmp_path,
    )
    code = (
        "import privacy_labels as pl; d = pl.load('practices'); "
        "r = pl.load('practices', version='0.1.0'); "
        "print(d.dtypes['category'], len(d), pl.load('attribute_values').shape[0], len(r))"
    )
    out = subprocess.run(
        [venv / "bin" / "python", "-c", code],
        check=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert out[0] == "category"
    assert int(out[1]) >= 150
    assert int(out[3]) == 324  # release 0.1.0 ships inside the package
