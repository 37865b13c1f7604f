"""Every subcommand documents itself and uses the agreed exit codes."""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from privacy_labels.cli.app import parser
from tests.conftest import FIXTURE_RAW

# The subcommands as of 0.2.0: the commands derived from the parser include at least these.
SUBCOMMANDS = [
    "validate",
    "migrate",
    "build",
    "check",
    "release",
    "verify",
    "import",
    "import opp115",
    "import label-studio",
    "export",
    "export label-studio",
    "agreement",
    "score",
    "baseline",
    "baseline train",
    "baseline predict",
    "adjudicate",
    "report",
    "add-policy",
    "resegment",
    "docs",
]


def _commands(
    command: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every command of the parser, with its own parser: the top, each subcommand, each of
    theirs; a new subcommand is found here without being listed."""
    found = [(path, command)]
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _commands(sub, (*path, name))
    return found


COMMANDS = dict(_commands(parser()))
# The commands that run something (a group such as `import` only names its subcommands).
RUNNABLE = sorted(path for path, p in COMMANDS.items() if "run" in p._defaults)


def test_every_listed_subcommand_is_found_in_the_parser():
    assert {" ".join(c) for c in COMMANDS} >= {"", *SUBCOMMANDS}
    assert len(COMMANDS) > len(SUBCOMMANDS)


@pytest.mark.parametrize("command", list(COMMANDS), ids=lambda c: " ".join(c) or "top")
def test_help(run, command):
    code, out, _ = run(*command, "--help")
    assert code == 0 and out.startswith("usage: privacy-labels")
    options = [
        max(action.option_strings, key=len)
        for action in COMMANDS[command]._actions
        if action.option_strings
    ]
    assert "--help" in options
    missing = [option for option in options if option not in out]
    assert missing == [], f"{' '.join(command)} --help does not name {missing}"


def test_help_lists_every_subcommand(run):
    _, out, _ = run("--help")
    commands = out.split("  COMMAND\n", 1)[1].split("\noptions:", 1)[0].splitlines()
    listed = {line.split()[0] for line in commands if line[4:5].isalpha()}
    assert listed == {c.split()[0] for c in SUBCOMMANDS}


@pytest.mark.parametrize(
    "arguments, minimum",
    [
        (["agreement", "--annotators", "0"], 2),
        (["agreement", "--annotators", "-3"], 2),
        (["agreement", "--annotators", "1"], 2),
        (["baseline", "train", "--out", "m.npz", "--seed", "-1"], 0),
        (["build", "--workers", "0"], 1),
        (["build", "--workers", "1.5"], 1),
    ],
)
def test_a_numeric_option_out_of_range_is_a_usage_error_naming_it(run, arguments, minimum):
    code, _, err = run(*arguments)
    assert code == 2
    assert f"{arguments[-2]}: {arguments[-1]!r} is not a whole number of {minimum} or more" in err


def test_unknown_subcommand_is_a_usage_error(run):
    assert run("frobnicate")[0] == 2


def test_console_entry_point_runs_as_a_program():
    result = subprocess.run(
        [sys.executable, "-m", "privacy_labels.cli.app", "--version"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stdout.startswith("privacy-labels ")


@pytest.mark.parametrize(
    "command",
    [
        ("build", "--raw", "{raw}", "--out", "{raw}"),
        ("export", "label-studio", "--raw", "{raw}", "--out", "{raw}"),
        ("import", "label-studio", "{raw}/export.json", "--raw", "{raw}", "--out", "{raw}"),
        ("report", "{raw}/labeled", "--out", "{raw}"),
        ("import", "opp115", "{raw}", "--out", "{raw}/opp115"),
    ],
    ids=["build", "export", "import", "report", "inside"],
)
def test_an_output_folder_that_overlaps_an_input_is_refused(run, tmp_path, command):
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE_RAW, raw)
    (raw / "export.json").write_text("[]", encoding="utf-8")
    (raw / "labeled").mkdir()  # inputs must exist: the overlap is what is refused
    before = sorted(p.relative_to(raw) for p in raw.rglob("*"))
    code, _, err = run(*(part.format(raw=raw) for part in command))
    assert code == 2
    assert "the input" in err and "write to a folder of its own" in err
    assert sorted(p.relative_to(raw) for p in raw.rglob("*")) == before


def _error_classes():
    import importlib

    from privacy_labels import _files, _parallel, store
    from privacy_labels.builder import pipeline
    from privacy_labels.importers import opp115
    from privacy_labels.outputs import agreement, baseline, score
    from privacy_labels.raw import adjudicate, policies
    from privacy_labels.release import cut, metadata, sha256sums

    load = importlib.import_module("privacy_labels.load")  # `privacy_labels.load` is the function
    return [
        (pipeline.InvalidInputs, 1, ()),
        (_files.OutputRefused, 2, (ValueError,)),
        (_files.Busy, 1, ()),
        (policies.PolicyError, 1, ()),
        (policies.PolicyUsageError, 2, (policies.PolicyError,)),
        (opp115.SourceError, 1, ()),
        (sha256sums.ChecksumError, 1, (ValueError,)),
        (cut.ReleaseError, 1, ()),
        (cut.GateFailed, 1, (cut.ReleaseError,)),
        (metadata.MetadataError, 1, ()),
        (baseline.BaselineError, 1, ()),
        (score.ScoreError, 1, ()),
        (agreement.AgreementError, 1, ()),
        (adjudicate.AdjudicationError, 2, ()),
        (_parallel.SchedulerError, 1, (RuntimeError,)),
        (store.UnreadableTables, 1, ()),
        (load.ReleaseNotFound, 1, (LookupError,)),
        (load.TableNotInRelease, 1, (LookupError,)),
        (load.IntegrityError, 1, (ValueError,)),
    ]


def test_every_package_error_is_one_type_carrying_its_exit_code():
    from privacy_labels.errors import PrivacyLabelsError, UsageError

    for cls, exit_code, also in _error_classes():
        assert issubclass(cls, PrivacyLabelsError), cls
        assert cls.exit_code == exit_code and issubclass(cls, UsageError) == (exit_code == 2), cls
        assert all(issubclass(cls, base) for base in also), cls  # kept for the API's callers


def _invalid_raw(tmp_path):
    raw = shutil.copytree(FIXTURE_RAW, tmp_path / "raw")
    document = raw / "annotations" / "example" / "alice.json"
    document.write_text(document.read_text(encoding="utf-8").replace('"contact"', '"contacts"'))
    return raw


def test_a_failure_is_printed_the_same_way_as_text_and_as_json(run, tmp_path):
    raw, out = _invalid_raw(tmp_path), tmp_path / "labeled"
    code, stdout, err = run("build", "--raw", raw, "--out", out, "--quiet")
    lines = err.strip().splitlines()
    assert code == 1 and stdout == ""
    assert lines[-1] == f"build stopped: 3 problem(s) in the inputs; {out} is unchanged"
    assert err.rindex("did you mean 'contact'?") < err.index("build stopped")  # problems first
    code, stdout, err = run("build", "--raw", raw, "--out", out, "--quiet", "--format", "json")
    printed = json.loads(stdout)
    assert code == 1 and err == "" and not out.exists()
    assert printed["error"] == lines[-1] and printed["exit_code"] == 1
    assert printed["is_valid"] is False and len(printed["problems"]) == 3
    assert "did you mean 'contact'?" in printed["problems"][0]["hint"]


def test_release_as_json_prints_json_when_it_fails(run, tmp_path):
    releases = tmp_path / "releases"
    code, stdout, err = run("release", "0.2", "--releases", releases, "--format", "json")
    assert code == 1 and err == "" and not releases.exists()
    assert json.loads(stdout) == {
        "error": "release stopped: version '0.2' is not MAJOR.MINOR.PATCH (e.g. 0.2.0); "
        "nothing was written",
        "exit_code": 1,
    }


def test_a_failure_names_the_command_not_the_value_of_an_option(run, tmp_path):
    """`add-policy --source S` failed as `add-policy S stopped`: the name was pieced together
    from whatever options were called source, target or step."""
    text = tmp_path / "policy.txt"
    text.write_bytes(b"not UTF-8 \xff")
    code, _, err = run("add-policy", text, "--raw", tmp_path / "raw", "--policy-id", "p",
                       "--organisation", "O", "--license", "L", "--source", "a-website")  # fmt: skip
    assert (code, err) == (1, f"add-policy stopped: {text}: byte 10 is not UTF-8; convert the "
                              "file to UTF-8 first\n")  # fmt: skip


# The commands that print nothing a CI job would parse; every other one takes --format json.
WITHOUT_FORMAT = {("add-policy",), ("docs",)}


def test_every_command_takes_format_but_those_that_never_did():
    runnable = set(RUNNABLE)
    with_format = {
        path
        for path in runnable
        if any("--format" in a.option_strings for a in COMMANDS[path]._actions)
    }
    assert runnable > WITHOUT_FORMAT and with_format == runnable - WITHOUT_FORMAT


@pytest.mark.parametrize("path", RUNNABLE, ids=" ".join)
def test_each_command_knows_its_own_full_name(path):
    assert COMMANDS[path]._defaults["command_name"] == " ".join(path)


def test_a_usage_error_is_the_message_alone_and_exit_2(run, tmp_path):
    missing = tmp_path / "nowhere"
    code, _, err = run("import", "opp115", missing, "--out", tmp_path / "out")
    assert (code, err) == (2, f"{missing}: no such folder; give the OPP-115 corpus root\n")
    code, stdout, err = run("import", "opp115", missing, "--out", tmp_path / "out", "--format",
                            "json")  # fmt: skip
    assert (code, err, json.loads(stdout)["exit_code"]) == (2, "", 2)


def test_a_worker_killed_for_memory_exits_1_not_2(run, tmp_path, monkeypatch):
    from privacy_labels import _parallel
    from privacy_labels.builder import pipeline

    def pool_of_the_dead(*args, **kwargs):
        raise _parallel.SchedulerError(_parallel._WORKER_DIED)
        yield

    monkeypatch.setattr(pipeline, "map_in_order", pool_of_the_dead)
    out = tmp_path / "labeled"
    code, _, err = run("build", "--raw", FIXTURE_RAW, "--out", out, "--workers", "2", "--quiet")
    assert code == 1 and not out.exists()
    assert err == f"build stopped: {_parallel._WORKER_DIED}; {out} is unchanged\n"


def test_the_gate_leaves_the_log_level_to_the_program(run, tmp_path, monkeypatch):
    """Running the gate sets no logger level; the command sets Great Expectations' own."""
    import types

    from privacy_labels.quality import suites

    # Stand-ins for GX, which takes seconds to import: the gate's import of it is what runs.
    stand_in = types.ModuleType("great_expectations")
    stand_in.expectations = types.ModuleType("great_expectations.expectations")
    monkeypatch.setitem(sys.modules, "great_expectations", stand_in)
    monkeypatch.setitem(sys.modules, "great_expectations.expectations", stand_in.expectations)
    gx_logger = logging.getLogger("great_expectations")
    before = gx_logger.level
    try:
        gx_logger.setLevel(logging.NOTSET)
        suites.gx()
        assert gx_logger.level == logging.NOTSET
        run("frobnicate")  # a usage error: nothing runs, and nothing is set
        assert gx_logger.level == logging.NOTSET
        run("docs", "--check", "--out", tmp_path)
        assert gx_logger.level == logging.ERROR
    finally:
        gx_logger.setLevel(before)


def test_default_outputs_are_in_the_project_of_the_corpus_not_the_current_folder(
    run, tmp_path, monkeypatch
):
    from privacy_labels._files import project_folder

    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    raw = shutil.copytree(FIXTURE_RAW, project / "data" / "raw")
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert project_folder(raw) == project
    assert str(project_folder(Path("data/raw"))) == "."  # relative stays relative
    assert str(project_folder(tmp_path / "imported")) == "."  # a corpus on its own
    assert run("build", "--raw", raw, "--quiet")[0] == 0
    assert (project / "data" / "labeled" / "manifest.json").is_file()
    assert list(elsewhere.iterdir()) == []
    code, _, err = run("release", "0.3.0", "--raw", raw, "--quiet")
    assert code == 1 and f"{project / 'CHANGELOG.md'} does not exist" in err
    assert sorted(p.name for p in project.iterdir()) == ["data"]  # nothing was written


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "{missing}"],
        ["check", "{missing}"],
        ["verify", "{missing}"],
        ["report", "{missing}", "--out", "{tmp}/site"],
        ["agreement", "{missing}"],
        ["build", "--raw", "{missing}", "--out", "{tmp}/labeled"],
        ["release", "9.0.0", "--raw", "{missing}"],
        ["adjudicate", "--raw", "{missing}"],
        ["resegment", "example", "--raw", "{missing}"],
        ["export", "label-studio", "--raw", "{missing}", "--out", "{tmp}/ls"],
        ["add-policy", "{missing}", "--policy-id", "x", "--organisation", "X", "--license", "L"],
        ["baseline", "train", "--labeled", "{missing}", "--out", "{tmp}/model"],
        ["baseline", "predict", "--model", "{missing}", "--out", "{tmp}/p.json"],
    ],
    ids=lambda argv: " ".join(a for a in argv[:2] if not a.startswith("{")),
)
def test_a_missing_input_path_is_a_usage_error(run, tmp_path, argv):
    missing = tmp_path / "nowhere"
    argv = [a.format(missing=missing, tmp=tmp_path) for a in argv]
    code, _, err = run(*argv)
    assert code == 2
    assert err.strip().endswith(f"{missing}: no such file or folder; check the path")
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing was written


def test_every_command_answers_json_in_the_one_style_of_its_files(run, tmp_path):
    """Indented, paths as written (not \\u escapes), as the files the commands write."""
    labeled, site = tmp_path / "données", tmp_path / "rapport-été"
    for args, out in (
        (("build", "--raw", FIXTURE_RAW, "--out", labeled, "--quiet"), labeled),
        (("report", labeled, "--out", site), site),
    ):
        code, stdout, err = run(*args, "--format", "json")
        assert (code, err) == (0, ""), args
        assert stdout == json.dumps(json.loads(stdout), indent=2, ensure_ascii=False) + "\n"
        assert f'"out": "{out}"' in stdout
