"""The label schemes as data: each folder valid against scheme.schema.json, every label named
in English and German, mappings whose ids exist on both sides, one meaning per id, the MAPP
and APP-350 schemes complete against their corpora's own documentation, and a new scheme
read through the same API with no code change."""

from __future__ import annotations

import ast
import csv
import json
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from privacy_labels.contract.schemes import Place, read_scheme, scheme, schemes, schemes_folder
from tests.conftest import REPO, SHARED
from tests.tiny_scheme import write_tiny_scheme

METASCHEMA = json.loads((REPO / "schema/scheme.schema.json").read_text(encoding="utf-8"))
MAPP_SAMPLE = SHARED / "fixtures" / "mapp-sample"
APP350_SAMPLE = SHARED / "fixtures" / "app350-sample"
FILES = sorted(schemes_folder().glob("*/*.json"))


def problems(path: Path) -> list[str]:
    validator = Draft202012Validator({**METASCHEMA, "$ref": f"#/$defs/{path.stem}"})
    doc = json.loads(path.read_text(encoding="utf-8"))
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


def test_metaschema_is_valid_draft_2020_12_with_id_and_version():
    assert METASCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(METASCHEMA)
    assert METASCHEMA["$id"].endswith("/scheme.schema.json")
    assert re.fullmatch(r"\d+\.\d+\.\d+", METASCHEMA["schema_version"])


def test_the_three_schemes_ship_as_folders():
    assert schemes() == ["app350", "mapp", "opp115"]
    assert {p.parent.name for p in FILES} == set(schemes())


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_scheme_file_is_valid(path):
    assert problems(path) == []


def test_the_metaschema_refuses_a_default_on_a_required_attribute(tmp_path):
    doc = json.loads((schemes_folder() / "opp115/scheme.json").read_text(encoding="utf-8"))
    doc["categories"][0]["attributes"][2]["default"] = "other"  # action_first_party, required
    (tmp_path / "scheme.json").write_text(json.dumps(doc), encoding="utf-8")
    assert any(
        "None is not of type" in p or "null" in p for p in problems(tmp_path / "scheme.json")
    )


def all_items(s):
    for c in s.categories:
        yield c
        for a in c.attributes:
            yield a
            yield from a.values
    for labels in s.label_sets.values():
        yield from labels


@pytest.mark.parametrize("scheme_id", ["opp115", "mapp", "app350"])
def test_every_item_and_label_has_an_english_and_a_german_name(scheme_id):
    s = scheme(scheme_id)
    assert set(s.languages) == {"en", "de"}
    unnamed = [i.id for i in all_items(s) if not (i.names.get("en") and i.names.get("de"))]
    assert unnamed == []


@pytest.mark.parametrize("scheme_id", ["opp115", "mapp", "app350"])
def test_label_sets_match_only_what_the_scheme_has(scheme_id):
    s = scheme(scheme_id)
    for labels in s.label_sets.values():
        assert len({label.id for label in labels}) == len(labels)
        for label in labels:
            category = s.category(label.category)
            assert category is not None, label.id
            for attribute, values in label.attributes.items():
                assert set(values) <= set(category.attribute(attribute).value_ids), label.id


def exists(s, place: Place) -> bool:
    category = s.category(place.category)
    if category is None or place.attribute is None:
        return category is not None
    attribute = category.attribute(place.attribute)
    return attribute is not None and (
        place.value is None or attribute.value(place.value) is not None
    )


@pytest.mark.parametrize("scheme_id", ["mapp", "app350"])
def test_every_mapping_id_exists_on_both_sides_and_every_item_is_mapped(scheme_id):
    s = scheme(scheme_id)
    target = scheme(s.relation["scheme"])
    assert (s.mapping.scheme, s.mapping.version) == (target.id, target.version)
    assert [r.source for r in s.mapping.rows if not exists(s, r.source)] == []
    assert [t for r in s.mapping.rows for t in r.targets if not exists(target, t)] == []
    places = [Place(c.id) for c in s.categories]
    places += [Place(c.id, a.id) for c, a in s.slots]
    places += [Place(c.id, a.id, v.id) for c, a in s.slots for v in a.values]
    assert sorted(places, key=str) == sorted((r.source for r in s.mapping.rows), key=str)


@pytest.mark.parametrize("scheme_id", ["mapp", "app350"])
def test_an_id_shared_with_the_hub_means_the_same_there(scheme_id):
    """A category, slot or value present in both schemes maps `exact` onto itself; a value
    whose meaning differs has an id of its own."""
    s = scheme(scheme_id)
    hub = scheme(s.relation["scheme"])
    for row in s.mapping.rows:
        if exists(hub, row.source):
            assert (row.kind, row.targets) == ("exact", (row.source,)), row


def test_the_hub_has_no_mapping_and_the_others_name_it():
    assert scheme("opp115").is_hub and scheme("opp115").mapping is None
    assert scheme("mapp").relation == {"kind": "extends", "scheme": "opp115", "version": "1.0.0"}
    assert scheme("app350").relation["kind"] == "maps_onto"


# -- MAPP ---------------------------------------------------------------------------------


def test_mapp_requires_a_legal_basis_for_first_party_collection_with_seven_values():
    legal_basis = scheme("mapp").category("first_party_collection_use").attribute("legal_basis")
    assert legal_basis.is_required and legal_basis.default is None
    assert legal_basis.value_ids == [
        "consent",
        "contract",
        "legal_obligation",
        "vital_interest",
        "public_interest_or_official_authority",
        "legitimate_interests",
        "other",
    ]
    assert (
        scheme("mapp").category("third_party_sharing_collection").attribute("legal_basis") is None
    )


def test_mapp_widened_merged_and_new_values_have_ids_of_their_own():
    mapp = scheme("mapp")
    types = mapp.category("first_party_collection_use").attribute("personal_information_type")
    assert {"health_genetic_or_biometric", "political_religious_or_philosophical_belief"} <= set(
        types.value_ids
    )
    assert not {"health", "demographic", "user_profile", "survey_data"} & set(types.value_ids)
    category, values = mapp.map_practice(
        "first_party_collection_use",
        {"purpose": "advertising_or_marketing", "legal_basis": "consent"},
    )
    assert (category, values) == (
        "first_party_collection_use",
        {"purpose": ("advertising", "marketing")},
    )
    assert "NEEDS MORE WORK" in mapp.category("user_choice_control").notes


def source_index(s):
    """(category source name, value source name) -> (category, attribute, value)."""
    return {
        (cs, vs): (c.id, a.id, v.id)
        for c, a in s.slots
        for v in a.values
        for cs in c.source_names
        for vs in v.source_names
    }


def unresolved(csv_paths) -> list[str]:
    mapp = scheme("mapp")
    index = source_index(mapp)
    every_category = [name for c in mapp.categories for name in c.source_names]
    missing = []
    for path in csv_paths:
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                # MAPP writes some rows' values with an empty category list.
                categories = ast.literal_eval(row["category name"]) or every_category
                for value in ast.literal_eval(row["value name"]):
                    if not any((c, value) in index for c in categories):
                        missing.append(f"{path.name}:{row['segment_id']}: {value}")
    return missing


def test_mapp_source_names_resolve_the_label_strings_of_a_mapp_csv():
    assert unresolved([REPO / "tests/fixtures/mapp/consolidation.csv"]) == []


def test_mapp_source_names_resolve_every_label_string_of_the_sample_corpus():
    paths = sorted(MAPP_SAMPLE.glob("*_consolidation/*.csv"))
    if not paths:
        pytest.skip(f"no MAPP sample at {MAPP_SAMPLE}")
    assert unresolved(paths) == []


def workbook_sheet(path: Path, number: int) -> list[dict[str, str]]:
    """The rows of one sheet of an .xlsx file, column letter -> text, with the standard library."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as z:
        strings = [
            "".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t"))
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)
        ]
        sheet = ET.fromstring(z.read(f"xl/worksheets/sheet{number}.xml"))
    rows = []
    for row in sheet.iter(f"{{{ns['m']}}}row"):
        cells = {}
        for c in row.findall("m:c", ns):
            v = c.find("m:v", ns)
            if v is not None and v.text:  # a shared string's index, or a formula's text
                text = strings[int(v.text)] if c.get("t") == "s" else v.text
                cells[re.match(r"[A-Z]+", c.get("r")).group()] = text
        rows.append(cells)
    return rows


def test_every_value_of_mapps_workbook_is_in_the_scheme_with_both_names():
    path = MAPP_SAMPLE / "documentation" / "Annotation scheme.xlsx"
    if not path.is_file():
        pytest.skip(f"no MAPP workbook at {path}")
    english, german = ([r for r in workbook_sheet(path, n)[1:] if "H" in r] for n in (2, 3))
    in_workbook = [
        (" ".join(e["H"].split()), " ".join(g["H"].split()))
        for e, g in zip(english, german, strict=True)
    ]
    mapp = scheme("mapp")
    in_scheme = [(v.names["en"], v.names["de"]) for _, a in mapp.slots for v in a.values]
    assert in_scheme == in_workbook
    n_categories = sum("A" in row for row in english)
    assert len(mapp.categories) == n_categories == 9


# -- APP-350 ------------------------------------------------------------------------------


def practices(s) -> list[str]:
    return [label.names["en"] for label in s.label_sets["58"]]


def test_app350_labels_its_58_practices_by_the_corpus_names():
    app350 = scheme("app350")
    names = practices(app350)
    assert len(names) == len(set(names)) == 58
    assert {
        "Contact_E_Mail_Address_1stParty",
        "Identifier_IMEI_3rdParty",
        "SSO",
        "Facebook_SSO",
    } <= set(names)
    assert [label.id for label in app350.label_sets["58"]][:1] == ["contact_1stparty"]
    data_type = app350.category("first_party").attribute("data_type")
    assert len(data_type.values) == 28 and data_type.is_required
    assert app350.category("first_party").attribute("modality").default == "performed"


def test_app350_practices_are_the_readme_data_types_by_party_and_the_two_sign_ons():
    readme = APP350_SAMPLE / "README.md"
    if not readme.is_file():
        pytest.skip(f"no APP-350 sample at {readme}")
    rows = re.findall(
        r"^\| (\w+)\s+\| The policy describes", readme.read_text(encoding="utf-8"), re.M
    )
    parties = [p for p in rows if p in ("1stParty", "3rdParty")]
    types = [t for t in rows if t not in parties]
    sign_ons = ["SSO", "Facebook_SSO"]
    expected = [f"{t}_{p}" for p in parties for t in types if t not in sign_ons] + sign_ons
    assert practices(scheme("app350")) == expected


def test_app350_maps_party_data_type_and_modality_onto_opp115_keeping_the_fine_type():
    app350 = scheme("app350")
    practice = {"data_type": "location_gps", "modality": "not_performed"}
    assert app350.map_practice("third_party", practice) == (
        "third_party_sharing_collection",
        {"personal_information_type": ("location",), "does_does_not": ("does_not",)},
    )
    assert app350.labels("58", "third_party", practice) == ["location_gps_3rdparty"]
    _, values = app350.map_practice("single_sign_on", {"data_type": "facebook_sso"})
    assert values["action_first_party"] == ("receive_from_other_service_third_party_named",)


# -- A new scheme -------------------------------------------------------------------------


def test_a_fourth_scheme_is_a_folder_read_through_the_same_api(tmp_path):
    shutil.copytree(schemes_folder() / "opp115", tmp_path / "opp115")
    tiny = write_tiny_scheme(tmp_path / "tiny")
    for name in ("scheme.json", "label_sets.json", "mapping.json"):
        assert problems(tiny / name) == [], name

    assert schemes(tmp_path) == ["opp115", "tiny"]
    s = read_scheme(tiny)
    assert s.category_ids == ["keeps"] and s.value_ids == ["forever", "a_while", "yes", "no"]
    assert s.display_name("category", "keeps", "de") == "Speichert Daten"
    assert s.display_name("category", "keeps", "fr") == "Keeps data"
    assert s.map_practice("keeps", {"how_long": "forever"}) == (
        "data_retention",
        {"retention_period": ("indefinitely",)},
    )
    assert list(s.label_sets) == ["2"] and s.questions is None
