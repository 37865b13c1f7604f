"""Label Studio round trip: configuration from the schema, tasks out, exports back in unchanged."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy_labels.contract.schemes import scheme
from privacy_labels.exporters.label_studio import task
from privacy_labels.exporters.label_studio_interface import (
    CATEGORY,
    NO_SPAN,
    PRACTICE_ID,
    Offsets,
    slot_control,
)
from privacy_labels.importers.label_studio import convert_export
from privacy_labels.raw.corpus import RawCorpus
from tests.conftest import FIXTURE_RAW, FIXTURES, REPO, read_json

SEED_RAW = REPO / "data" / "raw"


def as_export(tasks: list[dict], email_of=lambda annotator: f"{annotator}@example.org") -> list:
    """Tasks whose predictions were accepted as annotations, in Label Studio's JSON export shape."""
    tasks = json.loads(json.dumps(tasks))  # a copy: tests edit the export
    return [
        {
            "id": n,
            "data": task["data"],
            "annotations": [
                {
                    "id": k,
                    "completed_by": {"id": k, "email": email_of(prediction["model_version"])},
                    "result": prediction["result"],
                    "was_cancelled": False,
                    "updated_at": "2026-11-22T09:30:00.000000Z",
                }
                for k, prediction in enumerate(task["predictions"], 1)
            ],
            "predictions": [],
        }
        for n, task in enumerate(tasks, 1)
    ]


def exported(run, raw, folder) -> list[dict]:
    code, _, err = run("export", "label-studio", "--raw", raw, "--out", folder)
    assert code == 0, err
    return read_json(folder / "tasks.json")


def provenance_args(document: dict) -> list[str]:
    """The import options that give back a document's guidelines version and provenance."""
    provenance = document["provenance"]
    return [
        "--guidelines-version", document["guidelines_version"],
        "--annotator-kind", provenance["annotator_kind"],
        *(["--model", provenance["model"]] if "model" in provenance else []),
        "--process", provenance["process"],
        *(["--blind"] if provenance["is_blind"] else []),
        *(["--reviewed"] if provenance["is_reviewed"] else []),
    ]  # fmt: skip


def documents(raw) -> dict:
    return {p.relative_to(raw).as_posix(): read_json(p) for p in raw.glob("annotations/*/*.json")}


def test_tasks_carry_the_annotations_as_predictions_only_when_asked(run, tmp_path):
    [task] = exported(run, FIXTURE_RAW, tmp_path / "ls")
    assert task["data"]["policy_id"] == "example"
    assert [p["model_version"] for p in task["predictions"]] == ["alice"]
    code, _, err = run(
        "export",
        "label-studio",
        "--raw",
        FIXTURE_RAW,
        "--out",
        tmp_path / "bare",
        "--no-predictions",
    )
    assert code == 0, err
    [bare] = read_json(tmp_path / "bare" / "tasks.json")
    assert bare == {"data": task["data"], "predictions": []}


def test_the_configuration_offers_exactly_the_schema_labels(run, tmp_path):
    exported(run, FIXTURE_RAW, tmp_path / "ls")
    root = ET.parse(tmp_path / "ls" / "config.xml").getroot()
    tax = scheme("opp115")
    labels = root.find(f"Labels[@name='{CATEGORY}']")
    assert [label.get("value") for label in labels] == tax.category_ids
    for category, attribute in tax.slots:
        view = root.find(f"View[@whenLabelValue='{category.id}']")
        assert view.get("visibleWhen") == "region-selected"
        choices = view.find(f"Choices[@name='{slot_control(category.id, attribute.id)}']")
        assert choices.get("perRegion") == "true" and choices.get("choice") == "single"
        assert [c.get("value") for c in choices] == attribute.value_ids
    n_slot_controls = len(root.findall("View/Choices")) - 1  # the no_span choices
    assert n_slot_controls == len(tax.slots)
    assert root.find(f".//TextArea[@name='{PRACTICE_ID}']").get("perRegion") == "true"
    assert root.find(f".//Choices[@name='{NO_SPAN}']").get("choice") == "multiple"


@pytest.mark.parametrize(
    "policy_id", sorted(p.stem for p in (SEED_RAW / "policies").glob("*.json"))
)
def test_seed_annotations_survive_the_round_trip(run, tmp_path, policy_id):
    """Every layer of a seed policy, exported together and imported back one annotator at a
    time (each with its own date, method and provenance), is that layer unchanged."""
    raw = tmp_path / "raw"
    (raw / "annotations").mkdir(parents=True)
    shutil.copytree(SEED_RAW / "policies", raw / "policies")
    shutil.copytree(SEED_RAW / "annotations" / policy_id, raw / "annotations" / policy_id)
    originals = documents(raw)
    layers = sorted(doc["annotator"] for doc in originals.values())
    assert layers == ["claude", "claude-blind", "consolidated"]
    [exported_task] = [
        t for t in as_export(exported(run, raw, tmp_path / "ls"))
        if t["data"]["policy_id"] == policy_id
    ]  # fmt: skip
    assert len(exported_task["annotations"]) == len(layers)
    for annotator in layers:
        export = tmp_path / f"export-{annotator}.json"
        one = dict(exported_task)
        one["annotations"] = [
            a for a in exported_task["annotations"]
            if a["completed_by"]["email"] == f"{annotator}@example.org"
        ]  # fmt: skip
        export.write_text(json.dumps([one]), encoding="utf-8")
        name = f"annotations/{policy_id}/{annotator}.json"
        original = originals[name]
        back = tmp_path / f"back-{annotator}"
        code, out, err = run(
            "import", "label-studio", export, "--raw", raw, "--out", back,
            "--annotated-date", original["annotated_date"], "--method", original["method"],
            *provenance_args(original),
        )  # fmt: skip
        assert code == 0, err
        assert "they validate" in out
        assert documents(back) == {name: original}


def _crlf(task: dict) -> dict:
    """The task as Label Studio holds a text with Windows line ends: offsets count \\r\\n as two."""
    text = task["data"]["text"]

    def units(offset: int) -> int:
        return offset + text.count("\n", 0, offset)

    for prediction in task["predictions"]:
        for result in prediction["result"]:
            value = result["value"]
            value["start"], value["end"] = units(value["start"]), units(value["end"])
            if isinstance(value.get("text"), str):
                value["text"] = value["text"].replace("\n", "\r\n")
    task["data"]["text"] = text.replace("\n", "\r\n")
    return task


def test_offsets_of_a_text_with_windows_line_ends_map_back(run, tmp_path):
    tasks = [_crlf(task) for task in exported(run, FIXTURE_RAW, tmp_path / "ls")]
    assert "\r\n" in tasks[0]["data"]["text"]
    original = read_json(FIXTURE_RAW / "annotations" / "example" / "alice.json")
    code, _, err = _import(
        run, tmp_path, as_export(tasks),
        "--annotated-date", original["annotated_date"], "--method", original["method"],
        *provenance_args(original),
    )  # fmt: skip
    assert code == 0, err
    assert documents(tmp_path / "back") == documents(FIXTURE_RAW)


def test_offsets_count_as_javascript_does():
    task_text = "Hi 😀\r\nWe collect\r\n\r\nyour 𝔢mail."
    offsets = Offsets(task_text)
    assert offsets.text == task_text.replace("\r\n", "\n")
    for ours in range(len(offsets.text) + 1):
        # JavaScript's offset: UTF-16 code units of the task text before the character.
        raw_prefix = offsets.text[:ours].replace("\n", "\r\n")
        js = len(raw_prefix.encode("utf-16-le")) // 2
        assert offsets.theirs(ours) == js
        assert offsets.ours(js) == ours
    assert offsets.ours(len(task_text.encode("utf-16-le")) // 2 + 1) is None


def _import(run, tmp_path, export, *args, raw=FIXTURE_RAW):
    """`import label-studio` of `export` (written to a file) into tmp_path/back."""
    path = _export_file(tmp_path, export)
    return run("import", "label-studio", path, "--raw", raw, "--out", tmp_path / "back", *args)


def test_regions_without_practice_ids_group_by_relations(run, tmp_path):
    text = (FIXTURE_RAW / "policies" / "example.txt").read_text(encoding="utf-8")
    task = exported(run, FIXTURE_RAW, tmp_path / "ls")[0]

    def region(region_id, phrase, control, value):
        start = text.index(phrase)
        span = {"start": start, "end": start + len(phrase)}
        return [
            {"id": region_id, "from_name": CATEGORY, "to_name": "text", "type": "labels",
             "value": {**span, "text": phrase, "labels": ["first_party_collection_use"]}},
            {"id": region_id, "from_name": f"first_party_collection_use__{control}",
             "to_name": "text", "type": "choices", "value": {**span, "choices": [value]}},
        ]  # fmt: skip

    def related(a, b):
        return {"from_id": a, "to_id": b, "type": "relation", "direction": "right"}

    result = [
        *region("a", "We collect", "action_first_party", "collect_on_website"),
        *region("b", "your name and email address", "personal_information_type", "contact"),
        *region("c", "to run the service", "purpose", "basic_service_feature"),
        *region("d", "when you create an account", "user_type", "user_with_account"),
        # a–b and c–d first: the two pairs become one practice only through b–c.
        related("a", "b"),
        related("c", "d"),
        related("b", "c"),
    ]
    export = [{"data": task["data"], "annotations": [{"result": result, "completed_by": 3}]}]
    code, _, err = _import(run, tmp_path, export, "--annotator", "bob")
    assert code == 1 and "no date of the form YYYY-MM-DD ('')" in err
    assert "pass --annotated-date" in err
    code, _, err = _import(
        run, tmp_path, export, "--annotator", "bob", "--annotated-date", "2026-11-01"
    )
    assert code == 0, err
    doc = read_json(tmp_path / "back" / "annotations" / "example" / "bob.json")
    assert (doc["annotator"], doc["annotated_date"]) == ("bob", "2026-11-01")
    [practice] = doc["practices"]
    assert practice["practice_id"] == "example-bob-001"
    assert practice["segment_id"] == 0  # the segment holding all three phrases
    assert {a: v["span_text"] for a, v in practice["attributes"].items()} == {
        "action_first_party": "We collect",
        "personal_information_type": "your name and email address",
        "purpose": "to run the service",
        "user_type": "when you create an account",
    }


def test_problems_name_the_place_in_the_export_and_nothing_is_written(run, tmp_path):
    task = exported(run, FIXTURE_RAW, tmp_path / "ls")[0]
    export = as_export([task])
    results = export[0]["annotations"][0]["result"]
    results[0]["value"]["labels"] = ["first_party_colection_use"]
    code, _, err = _import(run, tmp_path, export)
    assert code == 1
    assert "$[0].annotations[0].result[0].value.labels: expected one category" in err
    assert "did you mean 'first_party_collection_use'?" in err
    assert "no labeled region" not in err  # the region's choices are not reported again
    assert not (tmp_path / "back").exists()

    changed = as_export([task])
    changed[0]["data"]["text"] = task["data"]["text"].replace("We collect", "We gather")
    code, _, err = _import(run, tmp_path, changed)
    assert code == 1 and "$[0].data.text: the task text is not the text of policy example" in err

    anonymous = as_export([task])
    anonymous[0]["annotations"][0]["completed_by"] = 1  # what a real export holds
    code, _, err = _import(run, tmp_path, anonymous)
    assert code == 1 and "completed_by: cannot tell who annotated" in err
    assert "pass --annotator" in err


def test_documents_that_do_not_validate_are_not_written(run, tmp_path):
    task = exported(run, FIXTURE_RAW, tmp_path / "ls")[0]
    export = as_export([task])
    results = export[0]["annotations"][0]["result"]
    # Drop the purpose of the first practice: a required attribute of its category.
    results[:] = [r for r in results if r["from_name"] != "first_party_collection_use__purpose"]
    code, _, err = _import(run, tmp_path, export)
    assert code == 1
    document = tmp_path / "back" / "annotations" / "example" / "alice.json"
    assert (
        f"{document}: $.practices[0].attributes.purpose: required attribute 'purpose' of "
        "category 'first_party_collection_use' in scheme opp115 1.0.0 is missing"
    ) in err
    assert not (tmp_path / "back").exists()


def test_an_invalid_corpus_is_not_exported(run, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    document = raw / "annotations" / "example" / "alice.json"
    document.write_text(document.read_text(encoding="utf-8").replace('"contact"', '"contacts"'))
    code, _, err = run("export", "label-studio", "--raw", raw, "--out", tmp_path / "ls")
    assert code == 1
    assert "did you mean 'contact'?" in err and "export label-studio stopped" in err
    assert not (tmp_path / "ls").exists()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _places(node, path=()):
    """Every place in a JSON document, as a path of keys and indexes."""
    yield path
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        yield from _places(child, (*path, key))


@settings(derandomize=True)
@given(data=st.data())
def test_any_damage_to_an_export_is_reported_never_raised(data):
    """Whatever a hand-edited or foreign export holds, import reports problems; it never crashes."""
    export = as_export([task(RawCorpus(FIXTURE_RAW), "example", scheme("opp115"))])
    places = list(_places(export))[1:]
    for _ in range(data.draw(st.integers(1, 3))):
        *parent, key = data.draw(st.sampled_from(places))
        node = export
        for step in parent:
            node = node[step]
        node[key] = data.draw(JSON)
        places = list(_places(export))[1:]
        if not places:
            break
    documents, problems = convert_export(export, "export.json", RawCorpus(FIXTURE_RAW))
    assert all(isinstance(p.message, str) and p.path.startswith("$") for p in problems)
    assert all(isinstance(d["practices"], list) for d in documents.values())


def test_the_annotator_is_the_slug_of_the_email_address_before_its_at():
    export = as_export(
        [task(RawCorpus(FIXTURE_RAW), "example", scheme("opp115"))],
        email_of=lambda _: "Jane.Doe+LS@Example.org",
    )
    documents, problems = convert_export(export, "export.json", RawCorpus(FIXTURE_RAW))
    assert not problems
    assert list(documents) == [("example", "jane-doe-ls")]


def test_accepted_predictions_of_another_annotator_get_new_practice_ids(run, tmp_path):
    # Bob accepted Alice's predictions: the ids stay unique in the corpus.
    task = exported(run, FIXTURE_RAW, tmp_path / "ls")[0]
    code, _, err = _import(run, tmp_path, as_export([task]), "--annotator", "bob")
    assert code == 0, err
    bob = read_json(tmp_path / "back" / "annotations" / "example" / "bob.json")
    alice = read_json(FIXTURE_RAW / "annotations" / "example" / "alice.json")
    assert [p["practice_id"] for p in bob["practices"]] == [
        f"example-bob-{n:03d}" for n in range(1, len(alice["practices"]) + 1)
    ]
    assert sorted(json.dumps(p["attributes"], sort_keys=True) for p in bob["practices"]) == sorted(
        json.dumps(p["attributes"], sort_keys=True) for p in alice["practices"]
    )


def test_new_practices_are_numbered_around_the_kept_ones(run, tmp_path):
    """Ids of the form <policy_id>-<annotator>-<NNN> are kept; a practice whose id is not
    its annotator's gets a number no kept id has (here 002, the one free)."""
    export = as_export(exported(run, FIXTURE_RAW, tmp_path / "ls"))
    regions = [r for r in export[0]["annotations"][0]["result"] if r["from_name"] == PRACTICE_ID]
    foreign = [r for r in regions if r["value"]["text"] == ["example-alice-002"]]
    for region in foreign:
        region["value"]["text"] = ["example-bob-900"]
    assert foreign
    code, _, err = _import(run, tmp_path, export)
    assert code == 0, err
    back = read_json(tmp_path / "back" / "annotations" / "example" / "alice.json")
    alice = read_json(FIXTURE_RAW / "annotations" / "example" / "alice.json")
    assert back["practices"] == alice["practices"]


def test_two_annotations_of_one_policy_by_one_annotator_are_refused(run, tmp_path):
    task = exported(run, FIXTURE_RAW, tmp_path / "ls")[0]
    code, _, err = _import(run, tmp_path, as_export([task, task]))
    assert code == 1
    assert "$[1].annotations[0]: a second annotation of example by alice" in err


def test_a_no_span_tick_without_a_value_is_reported(run, tmp_path):
    task = exported(run, FIXTURE_RAW, tmp_path / "ls")[0]
    export = as_export([task])
    first = export[0]["annotations"][0]["result"][0]
    export[0]["annotations"][0]["result"].append(
        {"id": first["id"], "from_name": NO_SPAN, "to_name": "text", "type": "choices",
         "value": {"start": 0, "end": 1, "choices": ["retention_period"]}}
    )  # fmt: skip
    code, _, err = _import(run, tmp_path, export)
    assert code == 1
    assert "no_span lists retention_period, which has no value on this region" in err


def test_a_source_id_stays_with_its_own_practice_only(run, tmp_path):
    """Accepted by another annotator, a consolidated practice is a new practice: neither its id
    nor the id it came from is kept; regions of one practice with two source ids are refused."""
    raw = tmp_path / "raw"
    (raw / "annotations").mkdir(parents=True)
    shutil.copytree(SEED_RAW / "policies", raw / "policies")
    shutil.copytree(SEED_RAW / "annotations" / "smartjac", raw / "annotations" / "smartjac")
    [smartjac] = [
        t for t in as_export(exported(run, raw, tmp_path / "ls"), lambda _: "bob@example.org")
        if t["data"]["policy_id"] == "smartjac"
    ]  # fmt: skip
    [consolidated] = [a for a in smartjac["annotations"] if "smartjac-consolidated-" in str(a)]
    smartjac["annotations"] = [consolidated]
    (tmp_path / "bob.json").write_text(json.dumps([smartjac]), encoding="utf-8")
    code, _, err = run("import", "label-studio", tmp_path / "bob.json", "--raw", raw,
                       "--out", tmp_path / "back", "--annotated-date", "2026-12-01")  # fmt: skip
    assert code == 0, err
    bob = read_json(tmp_path / "back" / "annotations" / "smartjac" / "bob.json")["practices"]
    assert bob and all("source_id" not in p for p in bob)
    # A practice of several regions (spans): one region's source id changed.
    region_ids: dict[str, list[str]] = {}
    for r in consolidated["result"]:
        if r["from_name"] == "practice_id":
            region_ids.setdefault(r["value"]["text"][0], []).append(r["id"])
    practice, ids = next((p, ids) for p, ids in sorted(region_ids.items()) if len(ids) > 1)
    [source] = [r for r in consolidated["result"]
                if r["from_name"] == "source_id" and r["id"] == ids[-1]]  # fmt: skip
    source["value"]["text"] = ["not-the-same-source"]
    smartjac["annotations"] = [
        {**consolidated, "completed_by": {"id": 1, "email": "consolidated@example.org"}}
    ]
    (tmp_path / "cons.json").write_text(json.dumps([smartjac]), encoding="utf-8")
    code, _, err = run("import", "label-studio", tmp_path / "cons.json", "--raw", raw,
                       "--out", tmp_path / "back2", "--annotated-date", "2026-12-01")  # fmt: skip
    assert code == 1 and f"practice {practice}: its regions carry different source ids" in err
    assert not (tmp_path / "back2").exists()


def _raw_copy(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    return raw


def _export_file(tmp_path, export) -> str:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    return path


def test_an_import_into_the_corpus_never_replaces_a_layer_unless_told(run, tmp_path):
    raw = _raw_copy(tmp_path)
    task = exported(run, raw, tmp_path / "ls")[0]
    alice = raw / "annotations" / "example" / "alice.json"
    before = alice.read_bytes()
    one_practice = as_export([task])
    results = one_practice[0]["annotations"][0]["result"]
    practice_of = {r["id"]: r["value"]["text"][0] for r in results if r["from_name"] == PRACTICE_ID}
    first = min(practice_of.values())
    results[:] = [r for r in results if practice_of.get(r.get("id")) == first]
    path = _export_file(tmp_path, one_practice)

    code, _, err = run("import", "label-studio", path, "--raw", raw, "--into-raw")
    assert code == 2
    assert f"{alice}: the annotator's document exists; pass --replace" in err
    assert alice.read_bytes() == before

    code, out, err = run("import", "label-studio", path, "--raw", raw, "--out", tmp_path / "o")
    assert code == 0, err
    assert f"would replace the annotator's document in {raw}: {alice}" in out
    assert "--into-raw" in out and "copy" not in out
    assert alice.read_bytes() == before

    code, out, err = run("import", "label-studio", path, "--raw", raw, "--into-raw", "--replace")
    assert code == 0, err
    assert f"replacing {alice}" in out
    assert len(read_json(alice)["practices"]) == 1


def test_an_import_into_the_corpus_adds_a_new_annotators_layer(run, tmp_path):
    raw = _raw_copy(tmp_path)
    task = exported(run, raw, tmp_path / "ls")[0]
    path = _export_file(tmp_path, as_export([task]))
    code, out, err = run(
        "import", "label-studio", path, "--raw", raw, "--into-raw", "--annotator", "bob"
    )
    assert code == 0, err
    assert "added 1 annotation documents" in out
    assert sorted(p.name for p in (raw / "annotations" / "example").iterdir()) == [
        "alice.json",
        "bob.json",
    ]
    code, _, err = run("validate", raw)
    assert code == 0, err


def test_the_consolidated_layer_is_never_imported_over(run, tmp_path):
    raw = _raw_copy(tmp_path)
    task = exported(run, raw, tmp_path / "ls")[0]
    path = _export_file(tmp_path, as_export([task]))
    for replace_flag in ([], ["--replace"]):
        code, _, err = run(
            "import", "label-studio", path, "--raw", raw, "--into-raw",
            "--annotator", "consolidated", *replace_flag,
        )  # fmt: skip
        assert code == 2
        assert "consolidated.json: the consolidated layer is written by" in err
        assert "put changes into the log" in err
    assert not (raw / "annotations" / "example" / "consolidated.json").exists()


def test_an_annotator_that_is_no_slug_is_a_usage_error(run, tmp_path):
    task = exported(run, FIXTURE_RAW, tmp_path / "ls")[0]
    code, _, err = _import(run, tmp_path, as_export([task]), "--annotator", "Alice Smith")
    assert code == 2
    assert "'Alice Smith' is not an annotator id (a lowercase slug)" in err
    assert not (tmp_path / "back").exists()


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ("tasks", "the tasks have no annotations: tasks to import into Label Studio"),
        ("json-min", "the tasks have no data: a JSON-MIN or CSV export"),
        ("unannotated", "no annotation in the export's 1 task(s)"),
    ],
)
def test_a_file_that_is_not_an_annotated_export_is_named_as_such(run, tmp_path, shape, message):
    task = exported(run, FIXTURE_RAW, tmp_path / "ls")[0]
    export = {
        "tasks": [task],
        "json-min": [{"id": 1, "policy_id": "example", "category": ["first_party_collection_use"]}],
        "unannotated": [{"id": 1, "data": task["data"], "annotations": []}],
    }[shape]
    code, out, err = _import(run, tmp_path, export)
    assert code == 1
    assert f"export.json: $: {message}" in err
    assert "no policy None" not in err and "imported" not in out
    assert not (tmp_path / "back").exists()


def test_replace_without_into_raw_is_a_usage_error(run, tmp_path):
    task = exported(run, FIXTURE_RAW, tmp_path / "ls")[0]
    code, _, err = _import(run, tmp_path, as_export([task]), "--replace")
    assert code == 2 and "--replace applies to --into-raw" in err


def test_each_scheme_and_language_is_a_project_that_comes_back_in_its_scheme(run, tmp_path):
    """The corpus of three schemes: one project per scheme and language, each configuration
    of its scheme's labels named in the language; an annotation comes back in the scheme its
    task names."""
    corpus = FIXTURES / "schemes"
    code, out, err = run("export", "label-studio", "--raw", corpus, "--out", tmp_path / "ls")
    assert code == 0, err
    projects = sorted(p.name for p in (tmp_path / "ls").iterdir() if p.is_dir())
    assert projects == ["app350-en", "mapp-de", "opp115-en"]
    assert "a Label Studio project per folder" in out
    german = ET.parse(tmp_path / "ls" / "mapp-de" / "config.xml").getroot()
    labels = german.find(f"Labels[@name='{CATEGORY}']")
    assert [label.get("value") for label in labels] == scheme("mapp").category_ids
    hint = labels[0].get("hint")
    assert hint.startswith(scheme("mapp").categories[0].names["de"] + ": ")
    legal_basis = german.find(
        f".//Choices[@name='{slot_control('first_party_collection_use', 'legal_basis')}']"
    )
    assert [c.get("value") for c in legal_basis] == scheme("mapp").category(
        "first_party_collection_use"
    ).attribute("legal_basis").value_ids
    app350 = ET.parse(tmp_path / "ls" / "app350-en" / "config.xml").getroot()
    assert [x.get("value") for x in app350.find(f"Labels[@name='{CATEGORY}']")] == [
        "first_party",
        "third_party",
        "single_sign_on",
    ]
    [task] = read_json(tmp_path / "ls" / "mapp-de" / "tasks.json")
    assert task["data"]["scheme"] == scheme("mapp").ref and task["data"]["language"] == "de"
    code, _, err = _import(
        run, tmp_path, as_export([task]), "--annotator", "eve", "--annotated-date", "2026-12-11",
        raw=corpus,
    )  # fmt: skip
    assert code == 0, err
    document = read_json(tmp_path / "back" / "annotations" / "kiosk-de" / "eve.json")
    original = read_json(corpus / "annotations" / "kiosk-de" / "bob.json")
    assert document["scheme"] == scheme("mapp").ref
    assert [p["attributes"] for p in document["practices"]] == [
        p["attributes"] for p in original["practices"]
    ]


def test_a_task_of_a_scheme_the_corpus_lacks_is_named(run, tmp_path):
    [task] = exported(run, FIXTURE_RAW, tmp_path / "ls")
    task["data"]["scheme"] = {"id": "opp116", "version": "1.0.0"}
    code, _, err = _import(run, tmp_path, as_export([task]))
    assert code == 1
    assert "$[0].data.scheme: the task's scheme" in err and "opp116" in err


def test_a_task_exported_before_tasks_named_their_scheme_is_opp115s(run, tmp_path):
    [task] = exported(run, FIXTURE_RAW, tmp_path / "ls")
    del task["data"]["scheme"]
    code, _, err = _import(
        run, tmp_path, as_export([task]), "--annotator", "eve", "--annotated-date", "2026-12-11"
    )
    assert code == 0, err
    document = read_json(tmp_path / "back" / "annotations" / "example" / "eve.json")
    assert document["scheme"] == {"id": "opp115", "version": "1.0.0"}
