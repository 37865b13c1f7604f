"""The schema itself: valid JSON Schema; the hub scheme faithful to OPP-115, documented, and in
sync with docs/."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from jsonschema import Draft202012Validator

from privacy_labels.contract.schema import SCHEMA_NAMES, load_schema, schema_version
from privacy_labels.contract.schemes import scheme
from privacy_labels.outputs.docs import stale_docs
from tests.conftest import OPP115_SAMPLE, REPO

SNAKE_CASE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_draft_2020_12_with_id_and_version(name):
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith(f"/{name}.schema.json")
    assert schema["schema_version"] == schema_version()


def test_the_hub_has_the_shape_of_the_opp115_scheme():
    tax = scheme("opp115")
    assert (len(tax.categories), len(tax.attribute_ids), len(tax.slots)) == (10, 22, 36)


def test_every_label_has_a_snake_case_id_a_name_and_a_description():
    for category, attribute in scheme("opp115").slots:
        for label in (category, attribute, *attribute.values):
            assert SNAKE_CASE.fullmatch(label.id), label
            assert label.name.strip() and label.description.strip(), label
        assert len(set(attribute.value_ids)) == len(attribute.values)


def test_slots_differ_where_the_scheme_says_they_do():
    tax = scheme("opp115")
    first_party = tax.category("first_party_collection_use")
    sharing = tax.category("third_party_sharing_collection")
    choice = tax.category("user_choice_control")
    assert "social_media_data" in first_party.attribute("personal_information_type").value_ids
    assert "social_media_data" not in sharing.attribute("personal_information_type").value_ids
    assert (
        first_party.attribute("choice_scope").value_ids
        != choice.attribute("choice_scope").value_ids
    )
    assert first_party.attribute("does_does_not").default == "does"
    assert not first_party.attribute("collection_mode").is_required
    assert first_party.attribute("purpose").is_required


def _xml_scheme():
    ns = {"x": "http://www.w3schools.com"}
    root = ET.parse(OPP115_SAMPLE / "documentation" / "categories-july30.xml").getroot()

    def text(element, tag):
        return " ".join((element.find(f"x:{tag}", ns).text or "").split())

    scheme = set()
    for c in root.findall("x:category", ns):
        for a in c.findall("x:attributes/x:attribute", ns):
            required = a.get("optional") == "false"
            default = a.get("default")
            if default in (None, "not-selected"):
                # The tables publish an optional attribute the annotator did not select as
                # `unspecified` (one meaning per value); a required one has no default.
                default = None if required else "Unspecified"
            for v in a.findall("x:values/x:value", ns):
                scheme.add(
                    (
                        text(c, "name"),
                        text(c, "description"),
                        text(a, "name"),
                        text(a, "description"),
                        required,
                        default,
                        text(v, "name"),
                        text(v, "description"),
                    )
                )
    return scheme


@pytest.mark.skipif(not OPP115_SAMPLE.is_dir(), reason="needs ../shared/fixtures/opp115-sample")
def test_the_hub_holds_exactly_the_xml_scheme():
    ours = set()
    for c, a in scheme("opp115").slots:
        default = a.value(a.default).name if a.default else None
        for v in a.values:
            ours.add(
                (
                    c.name,
                    c.description,
                    a.name,
                    a.description,
                    a.is_required,
                    default,
                    v.name,
                    v.description,
                )
            )
    xml = _xml_scheme()
    assert ours - xml == set(), "in the schema but not in the XML"
    assert xml - ours == set(), "in the XML but not in the schema"


def test_generated_docs_match_the_schema():
    assert stale_docs(REPO / "docs") == [], "run `privacy-labels docs` and commit docs/"


def test_the_taxonomy_reference_lists_every_value_of_the_hub():
    reference = (REPO / "docs" / "taxonomy.md").read_text(encoding="utf-8")
    for _, attribute in scheme("opp115").slots:
        for value in attribute.values:
            assert f"| `{value.id}` | {value.name} |" in reference
