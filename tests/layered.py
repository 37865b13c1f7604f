"""A synthetic corpus with two annotation layers of one policy, for agreement and adjudication tests.

The fixture policy `example` with alice's layer and a second layer, bob's,
derived from it with four known disagreements (alice is the base layer):

1. (segment 0, first_party_collection_use): the pair alice-002/bob-002 differs
   in purpose, marketing against advertising;
2. (segment 0, user_choice_control): only alice labels it;
3. (segment 1, first_party_collection_use): only bob labels it;
4. (segment 1, third_party_sharing_collection): both label it, but alice-005
   (a denial of selling) has no partner in bob's layer.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

from tests.conftest import FIXTURE_RAW

GUIDELINES = "1.0"


def write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def bob_layer(alice: dict) -> dict:
    bob = copy.deepcopy(alice)
    bob["annotator"] = "bob"
    kept = []
    for practice in bob["practices"]:
        number = practice["practice_id"].rsplit("-", 1)[1]
        practice["practice_id"] = f"example-bob-{number}"
        if number in ("003", "005"):
            continue
        if number == "002":
            practice["attributes"]["purpose"] = {"value": "advertising"}
        kept.append(practice)
    kept.append(
        {
            "practice_id": "example-bob-008",
            "segment_id": 1,
            "category": "first_party_collection_use",
            "attributes": {
                "action_first_party": {"value": "collect_on_website"},
                "personal_information_type": {"value": "financial"},
                "purpose": {"value": "basic_service_feature"},
            },
        }
    )
    bob["practices"] = kept
    return bob


def two_layer_corpus(root: Path) -> Path:
    """A raw corpus at root/raw: the fixture policy, annotated by alice and by bob."""
    raw = root / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    alice_path = raw / "annotations" / "example" / "alice.json"
    alice = json.loads(alice_path.read_text(encoding="utf-8"))
    alice["guidelines_version"] = GUIDELINES
    write_json(alice_path, alice)
    write_json(alice_path.with_name("bob.json"), bob_layer(alice))
    return raw
