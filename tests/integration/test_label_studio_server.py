"""A real Label Studio server on loopback: our configuration, tasks and export survive it.

Runs when Label Studio is installed (`make test-tools` puts it in .venv/label-studio;
the LABEL_STUDIO variable names the executable), and skips otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, read_json
from tests.unit.importers.test_label_studio import documents, provenance_args

SEED_RAW = REPO / "data" / "raw"
LABEL_STUDIO = Path(
    os.environ.get("LABEL_STUDIO") or shutil.which("label-studio") or "/nonexistent/label-studio"
)
TOKEN = "0123456789abcdef0123456789abcdef01234567"
START_TIMEOUT_S = 300  # the first start migrates a new database

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not LABEL_STUDIO.is_file(),
        reason=f"Label Studio is not installed at {LABEL_STUDIO}; run `make test-tools`",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str):
        self.url = url

    def api(self, method: str, path: str, body: object = None) -> object:
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Token {TOKEN}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path}: {error.code} {error.read()[:2000]!r}") from None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("label-studio")
    port = _free_port()
    env = os.environ | {
        "LABEL_STUDIO_BASE_DATA_DIR": str(data),
        "LABEL_STUDIO_USERNAME": "annotator@example.org",
        "LABEL_STUDIO_PASSWORD": "not-a-secret-test-only",
        "LABEL_STUDIO_USER_TOKEN": TOKEN,
        "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
        "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "true",
    }
    log = (data / "server.log").open("w")
    process = subprocess.Popen(
        [str(LABEL_STUDIO), "start", "--no-browser", "--host", "127.0.0.1", "--port", str(port),
         "--data-dir", str(data)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while True:
            try:
                with urllib.request.urlopen(url + "/health", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"Label Studio did not start: {(data / 'server.log').read_text()[-3000:]}"
                )
            time.sleep(2)
        yield Server(url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_annotations_survive_a_real_label_studio_project(server, run, tmp_path):
    """The first layer of every seed policy, through a real project and back unchanged."""
    raw = tmp_path / "raw"
    shutil.copytree(SEED_RAW / "policies", raw / "policies")
    for document in SEED_RAW.glob("annotations/*/claude.json"):
        (raw / "annotations" / document.parent.name).mkdir(parents=True)
        shutil.copyfile(document, raw / "annotations" / document.parent.name / document.name)
    code, _, err = run("export", "label-studio", "--raw", raw, "--out", tmp_path / "ls")
    assert code == 0, err
    config = (tmp_path / "ls" / "config.xml").read_text(encoding="utf-8")
    tasks = read_json(tmp_path / "ls" / "tasks.json")
    # Label Studio checks the configuration when the project is created.
    project = server.api(
        "POST", "/api/projects", {"title": "privacy-labels", "label_config": config}
    )
    imported = server.api("POST", f"/api/projects/{project['id']}/import", tasks)
    assert imported["task_count"] == len(tasks) == 5
    assert imported["prediction_count"] == 5
    # An annotator accepts each prediction as it is.
    listed = server.api("GET", f"/api/tasks?project={project['id']}&page_size=100")["tasks"]
    for task in listed:
        [prediction] = server.api("GET", f"/api/tasks/{task['id']}")["predictions"]
        server.api(
            "POST", f"/api/tasks/{task['id']}/annotations/", {"result": prediction["result"]}
        )
    export = server.api("GET", f"/api/projects/{project['id']}/export?exportType=JSON")
    (tmp_path / "export.json").write_text(json.dumps(export), encoding="utf-8")
    assert sum(len(t["annotations"]) for t in export) == 5

    # A real export names the user by number only: the annotator must be given.
    code, _, err = run(
        "import", "label-studio", tmp_path / "export.json", "--raw", raw,
        "--out", tmp_path / "back",
    )  # fmt: skip
    assert code == 1 and "cannot tell who annotated" in err and "pass --annotator" in err
    seed = read_json(next(raw.glob("annotations/*/claude.json")))
    code, _, err = run(
        "import", "label-studio", tmp_path / "export.json", "--raw", raw,
        "--out", tmp_path / "back", "--annotator", "claude",
        "--annotated-date", seed["annotated_date"], "--method", seed["method"],
        *provenance_args(seed),
    )  # fmt: skip
    assert code == 0, err
    assert documents(tmp_path / "back") == documents(raw)


def test_model_suggestions_load_as_predictions_with_their_categories(server, run, tmp_path):
    from privacy_labels.contract.schemes import scheme

    twelve = {label.id: label.category for label in scheme("opp115").label_sets["12"]}

    labeled = REPO / "data" / "labeled"
    code, _, err = run("baseline", "train", "--labeled", labeled, "--out", tmp_path / "m.npz")
    assert code == 0, err
    code, _, err = run(
        "baseline", "predict", "--model", tmp_path / "m.npz", "--raw", SEED_RAW,
        "--out", tmp_path / "p.json",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run(
        "export", "label-studio", "--raw", SEED_RAW, "--out", tmp_path / "ls",
        "--no-predictions", "--predictions", tmp_path / "p.json",
    )  # fmt: skip
    assert code == 0, err
    predicted = read_json(tmp_path / "p.json")
    expected: dict[str, set] = {}  # policy -> {(start, end, category, score)}
    for segment in predicted["segments"]:
        bounds = read_json(SEED_RAW / "policies" / f"{segment['policy_id']}.json")["segments"][
            segment["segment_id"]
        ]
        for label in segment["labels"]:
            category = twelve[label["label"]]  # a type of Other is a region of Other
            expected.setdefault(segment["policy_id"], set()).add(
                (bounds["start"], bounds["end"], category, label["score"])
            )
    assert sum(map(len, expected.values())) > 50  # the baseline suggests plenty

    config = (tmp_path / "ls" / "config.xml").read_text(encoding="utf-8")
    tasks = read_json(tmp_path / "ls" / "tasks.json")
    project = server.api("POST", "/api/projects", {"title": "suggestions", "label_config": config})
    imported = server.api("POST", f"/api/projects/{project['id']}/import", tasks)
    assert imported["task_count"] == 5
    assert imported["prediction_count"] == len(expected)
    listed = server.api("GET", f"/api/tasks?project={project['id']}&page_size=100")["tasks"]
    for task in listed:
        full = server.api("GET", f"/api/tasks/{task['id']}")
        policy_id = full["data"]["policy_id"]
        [prediction] = full["predictions"]
        assert prediction["model_version"]
        assert predicted["model"].startswith(prediction["model_version"])
        regions = {
            (r["value"]["start"], r["value"]["end"], r["value"]["labels"][0], r["score"])
            for r in prediction["result"]
            if r["from_name"] == "category"
        }
        assert regions == expected[policy_id]
        server.api(
            "POST", f"/api/tasks/{task['id']}/annotations/", {"result": prediction["result"]}
        )
    # Accepted as they are, the suggestions lack their attributes: import refuses them.
    export = server.api("GET", f"/api/projects/{project['id']}/export?exportType=JSON")
    (tmp_path / "export.json").write_text(json.dumps(export), encoding="utf-8")
    code, _, err = run(
        "import", "label-studio", tmp_path / "export.json", "--raw", SEED_RAW,
        "--out", tmp_path / "back", "--annotator", "bob", "--annotated-date", "2026-12-01",
    )  # fmt: skip
    assert code == 1 and "required" in err and not (tmp_path / "back").exists()
