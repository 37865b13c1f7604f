"""The one thing every script here does: `python scripts/<command>.py ARGS` runs
`privacy-labels <command> ARGS` (`scripts/import_opp115.py` is `import opp115`).

Any Python may run a script: when the package is not importable by it (a plain `python3`
rather than .venv/bin/python), the script runs itself again under the project's .venv.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

VENV = Path(__file__).resolve().parent.parent / ".venv"
VENV_PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*command: str) -> None:
    """Run the subcommand `command` with this script's arguments, and exit with its code."""
    if importlib.util.find_spec("privacy_labels") is None:
        _run_again_in_venv()
    from privacy_labels.cli.app import run as run_command

    run_command([*command, *sys.argv[1:]])


def _run_again_in_venv() -> None:
    # Already in the project's .venv, the package is missing from it: running again would loop.
    in_venv = Path(sys.prefix).resolve() == VENV.resolve()
    if in_venv or not VENV_PYTHON.is_file():
        print(
            f"{sys.argv[0]}: the privacy_labels package is not installed for {sys.executable}; "
            f"run `make build` in {VENV.parent} (it makes .venv), then run this again",
            file=sys.stderr,
        )
        sys.exit(2)
    argv = [str(VENV_PYTHON), sys.argv[0], *sys.argv[1:]]
    if os.name == "nt":  # no exec on Windows: run it and pass its exit code on
        sys.exit(subprocess.call(argv))
    os.execv(VENV_PYTHON, argv)
