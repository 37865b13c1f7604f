"""combine_raw_corpora: several raw corpora (imports' outputs, a corpus of one's own) made one
for one build, the inputs never written, a user's files never overwritten."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from privacy_labels._files import OutputRefused
from privacy_labels.importers.app350 import import_app350
from privacy_labels.importers.combine import combine_raw_corpora
from privacy_labels.importers.opp115 import import_opp115
from privacy_labels.importers.writer import SourceError
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.validate import Validator
from tests.conftest import FIXTURES, main, read_json, snapshot


@pytest.fixture(scope="module")
def imports(tmp_path_factory) -> dict[str, Path]:
    """OPP-115's fixture imported for its annotators and for a consolidated layer (the same
    policies, other documents), and APP-350's."""
    work = tmp_path_factory.mktemp("imports")
    import_opp115(FIXTURES / "opp115", work / "opp115", progress=False)
    import_opp115(FIXTURES / "opp115", work / "opp115-c05", consolidation="0.5", progress=False)
    import_app350(FIXTURES / "app350", work / "app350")
    return {name: work / name for name in ("opp115", "opp115-c05", "app350")}


def test_every_file_of_each_corpus_is_in_the_one_and_it_validates(imports, tmp_path):
    before = {name: snapshot(folder) for name, folder in imports.items()}
    out = tmp_path / "corpus" / "raw"
    report = combine_raw_corpora(list(imports.values()), out)
    combined = snapshot(out)
    for name, files in before.items():
        for relative, content in files.items():
            if relative.split("/")[0] in ("policies", "annotations"):
                assert combined[relative] == content, (name, relative)
    assert {name: snapshot(folder) for name, folder in imports.items()} == before  # untouched
    assert not Validator(default_raw=out).validate_corpus(RawCorpus(out))
    # The OPP-115 policies both imports wrote are one copy each: same bytes, copied once.
    opp115_policies = [r for r in before["opp115"] if r.startswith("policies/")]
    assert report["n_files_shared"] == len(opp115_policies) == 4
    assert report["n_policies"] == len(RawCorpus(out).policy_ids()) == 4
    documents = [r for files in before.values() for r in files if r.startswith("annotations/")]
    assert report["n_annotation_documents"] == len(RawCorpus(out).annotation_paths())
    assert len(RawCorpus(out).annotation_paths()) == len(documents) == 9  # 5 + 2 + 2
    assert [
        (i["n_policies"], i["n_annotation_documents"], i["n_files"]) for i in report["inputs"]
    ] == [
        (2, 5, len(before["opp115"]) - 2),  # all but its import report and output marker
        (2, 2, len(before["opp115-c05"]) - 2),
        (2, 2, len(before["app350"]) - 2),
    ]
    assert [i["written_by"] for i in report["inputs"]] == ["import opp115"] * 2 + ["import app350"]
    assert report["inputs"][2]["import_report"] == read_json(
        imports["app350"] / "import-report.json"
    )
    assert read_json(out / "import-report.json") == report


def test_a_policy_two_corpora_hold_differently_is_refused_naming_both(imports, tmp_path):
    mine = tmp_path / "mine"
    shutil.copytree(imports["app350"], mine)
    text = mine / "policies" / "app350-2.txt"
    text.write_text(text.read_text(encoding="utf-8") + "Edited.\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"mine/policies/app350-2\.txt: differs from .*app350/"):
        combine_raw_corpora([imports["app350"], mine], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_folder_that_is_no_raw_corpus_is_refused(imports, tmp_path):
    with pytest.raises(
        SourceError, match=r"fixtures/opp115: no policies/ folder, so no raw corpus"
    ):
        combine_raw_corpora([imports["app350"], FIXTURES / "opp115"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_users_files_are_never_overwritten_and_its_own_output_is(imports, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputRefused, match=r"holds files .* did not write \(notes\.txt\)"):
        combine_raw_corpora([imports["app350"]], out)
    assert snapshot(out) == {"notes.txt": b"mine"}
    (out / "notes.txt").unlink()
    combine_raw_corpora([imports["app350"]], out)
    combine_raw_corpora([imports["app350"], imports["opp115"]], out)  # over its own output
    assert len(RawCorpus(out).policy_ids()) == 4


def test_files_beside_the_layout_are_listed_not_copied(imports, tmp_path):
    mine = tmp_path / "mine"
    shutil.copytree(imports["app350"], mine)
    (mine / "README.md").write_text("my notes", encoding="utf-8")
    report = combine_raw_corpora([mine], tmp_path / "out")
    assert report["inputs"][0]["not_copied"] == ["README.md"]
    assert not (tmp_path / "out" / "README.md").exists()


def test_a_second_import_into_one_out_is_refused_and_the_first_kept(imports, tmp_path):
    """The documented way is a folder per import, then combine: an import never replaces
    another import's output (docs/importing.md)."""
    out = tmp_path / "app350"
    shutil.copytree(imports["app350"], out)
    before = snapshot(out)
    with pytest.raises(OutputRefused, match=r"import opp115: the output .* holds files"):
        import_opp115(FIXTURES / "opp115", out, progress=False)
    assert snapshot(out) == before


def test_the_import_raw_command_combines_and_refuses_a_folder_of_the_users(
    imports, tmp_path, capsys
):
    out = tmp_path / "corpus"
    code = main(
        ["import", "raw", str(imports["opp115"]), str(imports["app350"]), "--out", str(out)]
    )
    assert code == 0
    assert f"combined 2 raw corpora into {out}" in capsys.readouterr().out
    assert len(RawCorpus(out).policy_ids()) == 4
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    code = main(["import", "raw", str(imports["app350"]), "--out", str(mine), "--format", "json"])
    assert code == 2
    assert snapshot(mine) == {"notes.txt": b"mine"}
    code = main(["import", "raw", str(tmp_path / "absent"), "--out", str(tmp_path / "x")])
    assert code == 2
    assert "absent: no such folder; give a raw corpus to combine" in capsys.readouterr().err
