"""The calibration figures the dataset card quotes (metadata/dataset.toml) are what
`agreement --candidate` measures on the OPP-115 sample with the committed blind layers.

It needs the sample (research-only, in ../shared), so it skips without it; with it, any
change to the layers, the comparison or the tables that moves a figure fails here until
calibration/README.md and metadata/dataset.toml say the new figure.
"""

from __future__ import annotations

import shutil

import pytest
import tomllib

from privacy_labels.builder.pipeline import build
from privacy_labels.importers.opp115 import import_opp115
from privacy_labels.outputs.candidate import candidate_agreement
from tests.conftest import OPP115_SAMPLE, REPO

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not OPP115_SAMPLE.is_dir(), reason="needs ../shared/fixtures/opp115-sample"),
]

QUOTED = tomllib.loads((REPO / "metadata" / "dataset.toml").read_text(encoding="utf-8"))[
    "calibration"
]


@pytest.fixture(scope="module")
def labeled(tmp_path_factory):
    root = tmp_path_factory.mktemp("calibration")
    import_opp115(OPP115_SAMPLE, root / "raw", progress=False)
    shutil.copytree(
        REPO / "calibration" / "opp115-sample" / "annotations",
        root / "raw" / "annotations",
        dirs_exist_ok=True,
    )
    build(root / "raw", root / "labeled", progress=False)
    return root / "labeled"


def _figures(side: dict) -> dict:
    return {
        "f1": round(side["labels"]["f1"], 3),
        "attribute_agreement": round(side["attribute_values"]["agreement"], 3),
        "identifiability": round(side["attributes"]["identifiability"]["agreement"], 3),
    }


@pytest.mark.parametrize("quoted", QUOTED["layers"], ids=lambda layer: layer["layer"])
def test_the_quoted_calibration_is_measured_again(labeled, quoted):
    result = candidate_agreement(labeled, quoted["layer"]).to_dict()
    assert _figures(result["among_annotators"]) == QUOTED["annotators"]
    assert _figures(result["candidate_vs_annotators"]) == {
        k: quoted[k] for k in ("f1", "attribute_agreement", "identifiability")
    }
