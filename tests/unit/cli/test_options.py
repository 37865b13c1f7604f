"""The subcommand helper every CLI definition goes through."""

import argparse

import pytest

from privacy_labels.cli.options import command, out_option, require_input_paths
from privacy_labels.errors import UsageError


def _run(args: argparse.Namespace) -> None:
    return None


def _subparsers() -> argparse._SubParsersAction:
    return argparse.ArgumentParser(prog="tool").add_subparsers(dest="command")


def test_command_declares_runner_read_paths_and_settings(tmp_path):
    sub = _subparsers()
    p = command(sub, "go", _run, "a help", "A description.", reads=("dir",), unchanged="kept")
    p.add_argument("dir")
    args = p.parse_args([str(tmp_path)])
    assert (args.run, args.input_paths, args.unchanged) == (_run, ("dir",), "kept")
    assert "A description." in p.format_help()
    require_input_paths(args)
    with pytest.raises(UsageError, match="no such file or folder"):
        require_input_paths(p.parse_args([str(tmp_path / "missing")]))


def test_command_group_has_no_runner():
    group = command(_subparsers(), "group", None, "a help", "A group.")
    assert "run" not in vars(group.parse_args([]))


def test_out_option_in_a_mutually_exclusive_group():
    p = argparse.ArgumentParser()
    where = p.add_mutually_exclusive_group(required=True)
    out_option(where, "folder to write", required=False)
    where.add_argument("--here", action="store_true")
    assert p.parse_args(["--out", "x"]).out.name == "x"
    with pytest.raises(SystemExit):
        p.parse_args(["--out", "x", "--here"])
