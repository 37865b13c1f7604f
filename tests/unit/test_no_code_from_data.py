"""No code runs from data: no pickle or eval, ids are never paths, CSV cells stay verbatim."""

from __future__ import annotations

import ast
import csv
import json
import shutil

import pandas as pd
import pytest

import privacy_labels as pl
from privacy_labels.raw.corpus import is_slug
from tests.conftest import FIXTURE_RAW, REPO

UNSAFE_MODULES = {"pickle", "cPickle", "dill", "cloudpickle", "marshal", "shelve", "joblib"}
UNSAFE_BUILTINS = {"eval", "exec", "compile", "__import__"}
UNSAFE_METHODS = {"read_pickle", "unsafe_load", "full_load"}


def _offences(path, root=REPO) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            found += [f"imports {n}" for n in names if n and n.split(".")[0] in UNSAFE_MODULES]
        elif isinstance(node, ast.Call):
            func = node.func
            if (
                (isinstance(func, ast.Name) and func.id in UNSAFE_BUILTINS)
                or (isinstance(func, ast.Attribute) and func.attr in UNSAFE_METHODS)
                or ast.unparse(func) == "yaml.load"  # yaml.safe_load is the one to use
            ):
                found.append(f"calls {ast.unparse(func)}")
            found += [
                f"passes allow_pickle={ast.unparse(k.value)}"
                for k in node.keywords
                if k.arg == "allow_pickle"
                and not (isinstance(k.value, ast.Constant) and k.value.value is False)
            ]
    return [f"{path.relative_to(root)}: {offence}" for offence in found]


def test_the_package_never_runs_code_from_data():
    offences = [o for path in sorted((REPO / "src").rglob("*.py")) for o in _offences(path)]
    assert offences == []


def test_the_scan_catches_what_it_looks_for(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import pickle\nimport yaml\neval('1')\nyaml.load(s)\nnp.load(f, allow_pickle=True)\n"
        "np.load(f, allow_pickle=False)\n"
    )
    offences = _offences(bad, root=tmp_path)  # scanned where it was written, never in the repo
    assert len(offences) == 4
    assert all(o.startswith("bad.py: ") for o in offences)


@pytest.mark.parametrize(
    "hostile",
    ["..", "../example", "a/b", "a\\b", "/etc", "x\n", "", ".hidden", "a..b", "Ab", "a" * 65],
)
def test_an_id_that_could_name_a_path_is_refused(hostile):
    assert not is_slug(hostile)


def test_formula_like_cells_are_kept_verbatim_in_the_csv(tmp_path, run):
    """CSV cells that a spreadsheet would run (=, +, -, @) stay as written: Parquet is the
    reference, offsets index the text, and every reader of the CSV gets the same characters."""
    raw = shutil.copytree(FIXTURE_RAW, tmp_path / "raw")
    sidecar_path = raw / "policies" / "example.json"
    sidecar = json.loads(sidecar_path.read_text(encoding="utf-8"))
    formulas = ['=HYPERLINK("http://example.com","x")', "+1", "-2", "@SUM(A1)"]
    sidecar["organisation"] = formulas[0]
    sidecar["source"] = " ".join(formulas[1:])
    sidecar_path.write_text(json.dumps(sidecar), encoding="utf-8")
    code, _, err = run("build", "--quiet", "--raw", raw, "--out", tmp_path / "labeled")
    assert code == 0, err

    with open(tmp_path / "labeled" / "policies.csv", encoding="utf-8", newline="") as f:
        row = next(csv.DictReader(f))
    assert (row["organisation"], row["source"]) == (formulas[0], " ".join(formulas[1:]))
    from_csv = pd.read_csv(tmp_path / "labeled" / "policies.csv", dtype=str, keep_default_na=False)
    from_parquet = pl.load("policies", tmp_path / "labeled")
    assert from_csv.loc[0, "organisation"] == from_parquet.loc[0, "organisation"] == formulas[0]
