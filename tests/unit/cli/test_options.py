"""The one function that turns the table of subcommands into parsers, and the helpers a
handler checks its arguments with."""

import argparse
from pathlib import Path

import pytest

from privacy_labels.cli.options import (
    Command,
    Group,
    OneOf,
    add_commands,
    arg,
    flag,
    keywords,
    out,
    path_arg,
    require_input,
    require_input_paths,
)
from privacy_labels.errors import UsageError


def _run(args: argparse.Namespace) -> None:
    return None


def _parser(*commands: Command | Group) -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="tool")
    add_commands(top.add_subparsers(dest="command", required=True), commands)
    return top


def test_a_command_declares_its_runner_read_paths_settings_and_name(tmp_path):
    go = Command(
        "go",
        _run,
        "a help",
        "A description.",
        arguments=(arg("dir"),),
        reads=("dir",),
        unchanged="kept",
    )
    top = _parser(go)
    args = top.parse_args(["go", str(tmp_path)])
    assert (args.run, args.input_paths, args.unchanged, args.command_name) == (
        _run,
        ("dir",),
        "kept",
        "go",
    )
    assert "A description." in top._subparsers._group_actions[0].choices["go"].format_help()
    require_input_paths(args)
    with pytest.raises(UsageError, match="no such file or folder"):
        require_input_paths(top.parse_args(["go", str(tmp_path / "missing")]))


def test_a_group_names_the_subcommand_chosen_and_needs_one():
    step = Command("train", _run, "a help", "Trains.", arguments=(flag("--fast", "quickly"),))
    top = _parser(Group("model", "a help", "A group.", "step", "STEP", (step,)))
    args = top.parse_args(["model", "train", "--fast"])
    assert (args.command_name, args.step, args.fast, args.run) == (
        "model train",
        "train",
        True,
        _run,
    )
    with pytest.raises(SystemExit):
        top.parse_args(["model"])


def test_one_of_takes_exactly_one():
    where = OneOf((out("folder to write", required=False), flag("--here", "here")))
    top = _parser(Command("go", _run, "a help", "Goes.", arguments=(where,)))
    assert top.parse_args(["go", "--out", "x"]).out.name == "x"
    for wrong in (["go"], ["go", "--out", "x", "--here"]):
        with pytest.raises(SystemExit):
            top.parse_args(wrong)


def test_a_path_in_the_project_of_raw_is_left_to_the_command_when_not_given():
    """The command's function puts it in the project of --raw; the help says where."""
    site = path_arg("--site", Path("site"), "site", in_project=True)
    top = _parser(Command("go", _run, "a help", "Goes.", arguments=(site,)))
    assert top.parse_args(["go"]).site is None
    assert top.parse_args(["go", "--site", "mine"]).site == Path("mine")
    assert site.settings["help"] == "site (default: ROOT/site for --raw ROOT/data/raw, else ./site)"


def test_keywords_are_the_options_by_their_own_names():
    args = argparse.Namespace(report=Path("r"), force=True, format="json")
    assert keywords(args, "report", "force") == {"report": Path("r"), "force": True}


def test_an_input_of_the_wrong_kind_names_what_to_give(tmp_path):
    file = tmp_path / "export.json"
    file.write_text("[]")
    assert require_input(tmp_path, "the corpus root") == tmp_path
    assert require_input(file, "an export", is_folder=False) == file
    with pytest.raises(UsageError, match=f"^{file}: no such folder; give the corpus root$"):
        require_input(file, "the corpus root")
    with pytest.raises(UsageError, match=f"^{tmp_path}: no such file; give an export$"):
        require_input(tmp_path, "an export", is_folder=False)
