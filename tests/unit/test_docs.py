"""The README and docs/ cannot drift from the code and the data: every relative link and
anchor resolves, every Python example runs, every command, make target, module and
figure they name is real, read from the parser, the Makefile, the package and the tables.

A ```python block that needs what a fresh clone lacks says so on its first line
(`# needs: ...`) and is not run; shell blocks are not run, but the commands in them must
exist.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import textwrap
import unicodedata
from pathlib import Path

import pytest

import privacy_labels as pl
from privacy_labels.cli.app import parser

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
PAGES = [README, *sorted((REPO / "docs").glob("*.md"))]
NEEDS = "# needs:"

FENCE = re.compile(r"^[ \t]*```(\w*)\n(.*?)^[ \t]*```", re.M | re.S)
INLINE_CODE = re.compile(r"`((?:[^`\n]|\n(?!\n))+)`")  # may wrap, never over a blank line
LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} (.+)$", re.M)
HTML_ANCHOR = re.compile(r'<a (?:id|name)="([^"]+)"')


def _name(page: Path) -> str:
    return str(page.relative_to(REPO))


def _prose(text: str) -> str:
    """The text outside fenced blocks (links and headings in code are not links)."""
    return FENCE.sub("", text)


def _code(text: str) -> list[str]:
    """Inline code spans and the fenced blocks that show commands (not data or Python)."""
    blocks = [body for lang, body in FENCE.findall(text) if lang in ("", "sh", "console")]
    return INLINE_CODE.findall(_prose(text)) + blocks


def _slug(heading: str) -> str:
    """GitHub's anchor of a heading: its rendered text in lower case, punctuation but - and _
    dropped, spaces as -. Code keeps its underscores (`attribute_values`); emphasis marks go."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    rendered = "".join(
        part.strip("`") if part.startswith("`") else re.sub(r"\*|(?<!\w)_|_(?!\w)", "", part)
        for part in re.split(r"(`[^`]*`)", text)
    )
    kept = (c for c in rendered.strip().lower() if c in " -_" or unicodedata.category(c)[0] in "LN")
    return "".join(kept).replace(" ", "-")


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("`attribute_values`", "attribute_values"),
        (
            "Several annotators: agreement and adjudication",
            "several-annotators-agreement-and-adjudication",
        ),
        (
            "Build's *time* per practice, and a _typed_ decoder",
            "builds-time-per-practice-and-a-typed-decoder",
        ),
        (
            "First Party Collection/Use (`first_party_collection_use`)",
            "first-party-collectionuse-first_party_collection_use",
        ),
    ],
)
def test_anchors_are_githubs(heading, anchor):
    """GitHub keeps underscores in anchors and drops emphasis marks and other punctuation."""
    assert _slug(heading) == anchor


def _anchors(page: Path) -> set[str]:
    prose = _prose(page.read_text(encoding="utf-8"))
    return {_slug(h) for h in HEADING.findall(prose)} | set(HTML_ANCHOR.findall(prose))


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_relative_link_and_anchor_resolves(page):
    broken = []
    for target in LINK.findall(_prose(page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue  # a web address: not checked offline
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
            broken.append(f"{target}: no heading with that anchor")
    assert not broken, f"{_name(page)}: " + "; ".join(broken)


def _python_blocks(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return [textwrap.dedent(body) for lang, body in FENCE.findall(text) if lang == "python"]


PYTHON_PAGES = [page for page in PAGES if _python_blocks(page)]


@pytest.mark.parametrize("page", PYTHON_PAGES, ids=_name)
def test_every_python_example_runs_in_order(page, monkeypatch):
    """In the repository as committed (the tables in data/labeled), from its root."""
    monkeypatch.chdir(REPO)
    namespace: dict = {"__name__": "__docs__"}
    for number, block in enumerate(_python_blocks(page), 1):
        if block.lstrip().startswith(NEEDS):
            continue
        code = compile(block, f"{_name(page)}, python block {number}", "exec")
        exec(code, namespace)  # the documentation's own examples, nothing from data


def _commands(top: argparse.ArgumentParser) -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every runnable command path of the parser (`import opp115`), with its parser."""
    found = {}

    def walk(node: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        subs = [a for a in node._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            found[path] = node
        for action in subs:
            for name, child in action.choices.items():
                walk(child, (*path, name))

    walk(top, ())
    return found


COMMANDS = _commands(parser())
GROUPS = {path[0] for path in COMMANDS if len(path) > 1}


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_command_named_is_a_real_subcommand(page):
    unknown = set()
    for code in _code(page.read_text(encoding="utf-8")):
        for first, second in re.findall(
            r"\bprivacy-labels\s+([a-z][\w-]*)(?:\s+([a-z][\w-]*))?", code
        ):
            path = (first, second) if first in GROUPS else (first,)
            if path not in COMMANDS:
                unknown.add(" ".join(path))
    assert not unknown, f"{_name(page)} names commands the parser lacks: {sorted(unknown)}"


MAKE_TARGETS = set(re.findall(r"^([\w-]+):", (REPO / "Makefile").read_text(), re.M))


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_make_target_named_exists(page):
    named = {
        t
        for code in _code(page.read_text(encoding="utf-8"))
        for t in re.findall(r"\bmake\s+([a-z][\w-]*)", code)
    }
    assert named <= MAKE_TARGETS, (
        f"{_name(page)}: no such make target {sorted(named - MAKE_TARGETS)}"
    )


def _resolves(dotted: str) -> bool:
    """`privacy_labels.a.b.c`: a module and, after it, attributes of it."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(value, attribute):
                return False
            value = getattr(value, attribute)
        return True
    return False


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_module_and_path_named_exists(page):
    text = page.read_text(encoding="utf-8")
    missing = []
    for code in INLINE_CODE.findall(_prose(text)):
        for path in re.findall(r"(?:src/)?privacy_labels/[\w/]+\.py", code):
            if not (REPO / "src" / path.removeprefix("src/")).is_file():
                missing.append(path)
        for dotted in re.findall(r"\bprivacy_labels(?:\.[A-Za-z_]\w*)+", code):
            if not _resolves(dotted):
                missing.append(dotted)
    assert not missing, f"{_name(page)} names what the package lacks: {missing}"


def test_the_readme_says_which_commands_take_format_json():
    """The † marks in the README's command table are exactly the commands with --format."""
    rows = re.findall(r"^\| `privacy-labels ([a-z][\w -]*?)`( †)? \|", README.read_text(), re.M)
    marked = {tuple(name.split()) for name, dagger in rows if dagger}
    with_format = {p for p, sub in COMMANDS.items() if "--format" in sub._option_string_actions}
    assert {tuple(name.split()) for name, _ in rows} == set(COMMANDS), "one row per command"
    assert marked == with_format


def _cell(page: Path, row: str) -> str:
    found = re.search(rf"^\| {row} \| (.+?) \|$", page.read_text(encoding="utf-8"), re.M)
    assert found, f"{_name(page)}: no table row {row!r}"
    return found.group(1)


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def test_the_corpus_figures_are_the_tables():
    practices = pl.load("practices")
    per_layer = practices.annotator.value_counts().to_dict()
    for page in (README, REPO / "docs" / "dataset.md"):
        assert _number(_cell(page, "policies").split()[0]) == len(pl.load("policies"))
        assert _number(_cell(page, "segments").split()[0]) == len(pl.load("segments"))
        quoted = _cell(page, "practices")
        assert _number(quoted.split()[0]) == len(practices)
        for count, layer in re.findall(r"(\d[\d,]*)(?: of them in the)? `([\w-]+)`", quoted):
            assert _number(count) == per_layer[layer], f"{_name(page)}: {layer}"
    values = pl.load("attribute_values")
    total, written, with_span, defaults = re.findall(
        r"\d[\d,]*", _cell(REPO / "docs" / "dataset.md", "attribute values")
    )
    assert [_number(n) for n in (total, written, with_span, defaults)] == [
        len(values),
        values.is_annotated.sum(),
        values.span_start.notna().sum(),
        (~values.is_annotated).sum(),
    ]


def test_the_versions_quoted_are_the_schemas_and_guidelines():
    quoted = _cell(README, "versions")
    schemas = {
        name: json.loads((REPO / "schema" / f"{name}.schema.json").read_text())["schema_version"]
        for name in ("annotation", "policy", "adjudication")
    }
    schema_version = re.search(r"schemas ([\d.]+)", quoted).group(1)
    assert set(schemas.values()) == {schema_version}
    # "guidelines 2.0.0 (current; `claude` and `consolidated`), guidelines 1.0.0 (`claude-blind`)"
    quoted_layers = {
        layer: {version}
        for version, layers in re.findall(r"guidelines ([\d.]+) \(([^)]*)\)", quoted)
        for layer in re.findall(r"`([\w-]+)`", layers)
    }
    followed = {
        layer: set(versions)
        for layer, versions in pl.load("annotations").groupby("annotator", observed=True)[
            "guidelines_version"
        ]
    }
    assert quoted_layers == followed
    assert re.search(r"guidelines ([\d.]+) \(current", quoted).group(1) == _current_guidelines()


def test_the_citation_names_the_latest_release():
    """The BibTeX entry cites what CITATION.cff (the latest release) says."""
    cff = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    version = re.search(r'^version: "([^"]+)"', cff, re.M).group(1)
    year = re.search(r'^date-released: "(\d{4})', cff, re.M).group(1)
    title = re.search(r'^title: "([^"]+)"', cff, re.M).group(1)
    bibtex = FENCE.search(
        README.read_text(encoding="utf-8").split("```bibtex", 1)[1].join(["```bibtex", ""])
    )
    entry = bibtex.group(2)
    assert f"version      = {{{version}}}" in entry
    assert f"year         = {{{year}}}" in entry
    assert f"title        = {{{title}}}" in entry
    assert version == pl.versions()[-1]


# The key that tells an example document's kind, and the schema that defines it.
EXAMPLE_KINDS = {"practices": "annotation", "entries": "adjudication", "label_set": "predictions"}


def _current_guidelines() -> str:
    guidelines = (REPO / "docs" / "guidelines.md").read_text(encoding="utf-8")
    return re.search(r"\*\*Version ([\d.]+)\.\*\*", guidelines).group(1)


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_example_documents_carry_the_current_versions(page):
    """A JSON example a reader copies gets the schema's and the guidelines' versions now."""
    for lang, block in FENCE.findall(page.read_text(encoding="utf-8")):
        if lang != "json" or '"schema_version"' not in block:
            continue
        kind = next(kind for key, kind in EXAMPLE_KINDS.items() if f'"{key}"' in block)
        schema = json.loads((REPO / "schema" / f"{kind}.schema.json").read_text())
        assert re.search(r'"schema_version": "([^"]+)"', block).group(1) == schema["schema_version"]
        for followed in re.findall(r'"guidelines_version": "([^"]+)"', block):
            assert followed == _current_guidelines(), f"{_name(page)}: {kind} example"


def test_the_readme_is_a_front_door():
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 300


def test_the_quality_gate_figures_are_the_last_check_of_the_seed_corpus():
    """The number of checks quoted is that of the gate's last passing run on data/labeled
    (make build runs it; a fresh clone without a run has no report to compare with)."""
    result = REPO / "reports" / "quality" / "result.json"
    if not result.is_file():
        pytest.skip("no quality report: run make build")
    report = json.loads(result.read_text(encoding="utf-8"))
    checks = report["n_checks"]
    quoted = {
        int(n)
        for n in re.findall(
            r"quality gate passed (\d+) checks", (REPO / "docs" / "quality-gate.md").read_text()
        )
    }
    assert quoted == {checks}


def test_the_readme_quality_figures_are_measured_ones():
    """The README's "How good are the labels?" table: the seed row is `agreement` of the
    committed tables, the OPP-115 rows are the calibration the dataset card quotes
    (metadata/dataset.toml, measured again by tests/integration/test_calibration_figures.py)."""
    import tomllib

    from privacy_labels.outputs.agreement import agreement

    text = README.read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([^|]+) \| (\d\.\d{3}) \| (\d\.\d{3}) \|$", text, re.MULTILINE)
    quoted = {label.strip(): (float(f1), float(values)) for label, f1, values in rows}
    seed = agreement(REPO / "data" / "labeled", layers=["claude", "claude-blind"])
    assert quoted["seed: `claude` vs the blind `claude-blind`"] == (
        round(seed.f1, 3),
        round(seed.attribute_agreement, 3),
    )
    calibration = tomllib.loads((REPO / "metadata" / "dataset.toml").read_text())["calibration"]
    people = calibration["annotators"]
    measured = [(people["f1"], people["attribute_agreement"])] + [
        (layer["f1"], layer["attribute_agreement"]) for layer in calibration["layers"]
    ]
    assert [v for k, v in quoted.items() if k.startswith("OPP-115 sample")] == measured
