"""Outputs are owned: every writing command refuses, before any work, a folder it did not write.

Each command is pointed at a folder of someone else's files, an existing file,
`.`, each of its inputs, a parent of each and a child of each: it exits 2 with
one line naming the output and the reason, and every file under the test's
folder is byte-identical afterwards.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from privacy_labels._files import OUTPUT_MARKER, OutputRefused, claim_output
from privacy_labels.outputs.docs import generated_docs
from tests.conftest import FIXTURE_RAW, FIXTURES

# Each writing command: its arguments around OUT, and the inputs it reads (relative to work/).
COMMANDS = {
    "build": (["build", "--quiet", "--raw", "in/raw", "--out", "{out}"], ["in/raw"]),
    "check": (["check", "in/labeled", "--report", "{out}"], ["in/labeled"]),
    "report": (["report", "in/labeled", "--out", "{out}"], ["in/labeled"]),
    "export label-studio": (
        ["export", "label-studio", "--raw", "in/raw", "--out", "{out}"],
        ["in/raw"],
    ),
    "import label-studio": (
        ["import", "label-studio", "in/export.json", "--raw", "in/raw", "--out", "{out}"],
        ["in/export.json", "in/raw"],
    ),
    "import opp115": (["import", "opp115", "in/opp115", "--out", "{out}"], ["in/opp115"]),
    "release": (
        [
            "release",
            "9.9.9",
            "--quiet",
            "--raw",
            "in/raw",
            "--releases",
            "{out}",
            "--changelog",
            "in/CHANGELOG.md",
            "--citation",
            "in/CITATION.cff",
        ],
        ["in/raw", "in/CHANGELOG.md", "in/CITATION.cff"],
    ),
}


def targets() -> list[tuple[str, str, str]]:
    """(command, output path, reason expected in the message) for every refusal."""
    cases = []
    for command, (_, inputs) in COMMANDS.items():
        cases += [
            (command, "foreign", "did not write (notes.txt)"),
            (command, "thesis.txt", "is a file"),
            (command, ".", "holds the input"),  # work/ holds the inputs
        ]
        for given in inputs:
            cases += [
                (command, given, "is the input"),
                (command, str(Path(given).parent), "holds the input"),
                (command, f"{given}/child", "lies inside the input"),
            ]
    return cases


@pytest.fixture(scope="module")
def built(tmp_path_factory, run_module):
    labeled = tmp_path_factory.mktemp("built") / "labeled"
    code, _, err = run_module("build", "--quiet", "--raw", FIXTURE_RAW, "--out", labeled)
    assert code == 0, err
    return labeled


@pytest.fixture(scope="module")
def run_module():
    from privacy_labels.cli.app import main

    def _run(*args):
        return main([str(a) for a in args]), "", ""

    return _run


@pytest.fixture
def work(tmp_path, built, monkeypatch):
    """work/ with every command's inputs under in/, a folder of a user's files and a file."""
    work = tmp_path / "work"
    shutil.copytree(FIXTURE_RAW, work / "in" / "raw")
    shutil.copytree(built, work / "in" / "labeled")
    shutil.copytree(FIXTURES / "opp115", work / "in" / "opp115")
    (work / "in" / "export.json").write_text("[]\n", encoding="utf-8")
    (work / "in" / "CHANGELOG.md").write_text("## [9.9.9] - 2026-11-30\n\n- x\n")
    (work / "in" / "CITATION.cff").write_text("cff-version: 1.2.0\n")
    (work / "foreign").mkdir()
    (work / "foreign" / "notes.txt").write_text("a user's own notes\n")
    (work / "thesis.txt").write_text("chapter one\n")
    monkeypatch.chdir(work)
    return work


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under `root` (and the folder above it), files with their bytes."""
    return {
        p.relative_to(root.parent).as_posix(): None if p.is_dir() else p.read_bytes()
        for p in sorted(root.parent.rglob("*"))
    }


@pytest.mark.parametrize(("command", "out", "reason"), targets(), ids=lambda v: str(v))
def test_every_writing_command_refuses_what_it_does_not_own(run, work, command, out, reason):
    arguments, _ = COMMANDS[command]
    before = snapshot(work)
    code, _, err = run(*(a.format(out=out) for a in arguments))
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert lines[0].startswith(f"{command}: the output {out} ") and reason in lines[0], err
    assert snapshot(work) == before


def test_a_command_rewrites_its_own_output_but_not_another_commands(run, work):
    assert run("report", "in/labeled", "--out", "site")[0] == 0
    marker = json.loads((work / "site" / OUTPUT_MARKER).read_text())
    assert marker["command"] == "report" and "index.html" in marker["files"]
    assert run("report", "in/labeled", "--out", "site")[0] == 0  # its own: replaced
    assert sorted(p.name for p in work.iterdir() if p.name.startswith(".")) == []

    before = snapshot(work)
    code, _, err = run("export", "label-studio", "--raw", "in/raw", "--out", "site")
    assert code == 2 and "did not write" in err  # report's folder is not export's
    code, _, err = run("build", "--raw", "in/raw", "--out", "site")
    assert code == 2 and "did not write" in err
    assert snapshot(work) == before


def test_a_file_added_to_an_output_makes_it_foreign(run, work):
    assert run("build", "--quiet", "--raw", "in/raw", "--out", "labeled")[0] == 0
    assert run("build", "--quiet", "--raw", "in/raw", "--out", "labeled")[0] == 0
    (work / "labeled" / "my-analysis.ipynb").write_text("{}")
    code, _, err = run("build", "--quiet", "--raw", "in/raw", "--out", "labeled")
    assert code == 2 and "(my-analysis.ipynb)" in err
    assert (work / "labeled" / "my-analysis.ipynb").read_text() == "{}"


def test_an_empty_folder_is_written_and_nothing_is_left_beside_it(run, work):
    (work / "empty").mkdir()
    assert run("export", "label-studio", "--raw", "in/raw", "--out", "empty")[0] == 0
    assert sorted(p.name for p in (work / "empty").iterdir()) == [
        OUTPUT_MARKER,
        "config.xml",
        "tasks.json",
    ]
    assert [p.name for p in work.iterdir() if p.name.startswith(".")] == []


def test_the_library_refuses_too(work):
    with pytest.raises(OutputRefused, match="is the input raw corpus"):
        claim_output(Path("in/raw"), "build", {"raw corpus": Path("in/raw")})
    claim_output(Path("new/folder"), "build", {"raw corpus": Path("in/raw")})
    assert not (work / "new").exists()


@pytest.mark.parametrize("out", [".", ".."])
def test_the_current_folder_and_those_above_it_are_refused(run, work, monkeypatch, out):
    (work / "foreign" / "sub").mkdir()
    monkeypatch.chdir(work / "foreign" / "sub")
    before = snapshot(work)
    code, _, err = run("report", "../../in/labeled", "--out", out)
    assert code == 2
    reason = "is the current folder" if out == "." else "holds the current folder"
    assert err.strip() == f"report: the output {out} {reason}; write to a folder of its own"
    assert snapshot(work) == before


def test_a_folder_inside_a_file_is_refused(run, work):
    before = snapshot(work)
    code, _, err = run("report", "in/labeled", "--out", "thesis.txt/site")
    assert code == 2 and "lies inside the file" in err and "thesis.txt" in err
    assert snapshot(work) == before


def test_docs_rewrites_its_own_pages_but_refuses_a_users_page_of_the_same_name(run, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "architecture.md").write_text("# a hand-written page beside the generated ones\n")
    code, out, err = run("docs", "--out", docs)
    n_pages = len(generated_docs())
    assert code == 0 and f"({n_pages} changed)" in out, err
    generated = (docs / "taxonomy.md").read_text(encoding="utf-8")
    (docs / "tables.md").write_text(generated.split("\n", 1)[0] + "\nstale\n", encoding="utf-8")
    code, out, _ = run("docs", "--out", docs)
    assert code == 0 and out.startswith("wrote taxonomy.md, tables.md, crosswalk.md, ")
    assert out.endswith(f" in {docs} (1 changed)\n")
    (docs / "tables.md").write_text("# My project's tables\n", encoding="utf-8")
    before = snapshot(docs)
    code, out, err = run("docs", "--out", docs)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    assert f"docs: {docs / 'tables.md'} was not written by privacy-labels docs" in err
    assert snapshot(docs) == before


def test_a_refused_build_leaves_nothing_behind(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a new project: no data/raw, so no data/labeled either
    code, _, err = run("build")
    assert code == 2 and "data/raw: no such file or folder" in err
    assert list(tmp_path.iterdir()) == []
