"""The schemes a raw corpus may use: the package's, and those in its own `schemes/` folder.

    found, problems = corpus_schemes(RawCorpus(Path("data/raw")))   # SchemeSet, [Problem]

A corpus may carry schemes of its own, `schemes/<scheme_id>/` laid out as the
package's (`schema/schemes/`): a corpus of a fourth scheme needs no new package.
A corpus scheme is checked against `schema/scheme.schema.json`; its folder is named
by its id; one with the id of a package scheme must be that scheme, file for file
(one id, one meaning); and the scheme it extends or maps onto must be there, in
the version it names. A corpus scheme with a problem is left out, and the problem
named.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

from privacy_labels._files import package_data
from privacy_labels.contract.scheme_set import SchemeSet, package_schemes
from privacy_labels.contract.schemes import FILES, SchemeError, read_scheme
from privacy_labels.raw.corpus import RawCorpus
from privacy_labels.raw.problems import Problem, json_path


@cache
def _metaschema() -> dict:
    return json.loads((package_data("schema", "schema") / "scheme.schema.json").read_bytes())


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator({**_metaschema(), "$ref": f"#/$defs/{name}"})


def _file_problems(folder: Path) -> list[Problem]:
    """Each file of a scheme folder against its definition in scheme.schema.json."""
    problems = []
    if not (folder / "scheme.json").is_file():
        return [
            Problem(
                str(folder),
                "",
                "scheme folder has no scheme.json",
                "add it (see schema/scheme.schema.json), or remove the folder",
            )
        ]
    for name in FILES:
        path = folder / f"{name}.json"
        if not path.is_file():
            continue
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            problems.append(Problem(str(path), "", f"is not readable JSON ({error})", "fix it"))
            continue
        for error in sorted(_validator(name).iter_errors(doc), key=lambda e: list(e.path)):
            problems.append(
                Problem(
                    str(path),
                    json_path(error.absolute_path),
                    error.message,
                    "fix it to schema/scheme.schema.json",
                )
            )
    return problems


def _signature(folder: Path) -> tuple:
    """What a corpus's schemes folder holds now: each file's path, size and time."""
    if not folder.is_dir():
        return ()
    return tuple(
        sorted(
            (str(p), p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*")
            if p.is_file()
        )
    )


def corpus_schemes(corpus: RawCorpus) -> tuple[SchemeSet, list[Problem]]:
    """The schemes documents of `corpus` may name, and the problems of its own schemes.
    Read once per content of the folder, however many policies ask."""
    folder = corpus.schemes_dir
    return _corpus_schemes(str(folder), _signature(folder))


@cache
def _corpus_schemes(folder_name: str, signature: tuple) -> tuple[SchemeSet, list[Problem]]:
    folder = Path(folder_name)
    package = package_schemes()
    if not signature:
        return package, []
    problems: list[Problem] = []
    own = []
    for sub in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
        if not sub.is_dir() or sub.is_symlink():
            problems.append(
                Problem(
                    str(sub),
                    "",
                    "is not a scheme folder",
                    "schemes/ holds one folder per scheme, schemes/<scheme_id>/scheme.json",
                )
            )
            continue
        found = _file_problems(sub)
        if not found:
            try:
                own.append(read_scheme(sub))
            except SchemeError as error:
                found = [Problem(str(sub), "", str(error), "fix it to schema/scheme.schema.json")]
        problems += found
    kept = []
    for s in own:
        problem = _identity_problem(s, package)
        if problem:
            problems.append(problem)
        else:
            kept.append(s)
    every = SchemeSet.of([*package, *kept])
    for s in kept:
        problem = _relation_problem(s, every)
        if problem:
            problems.append(problem)
    return every, problems


def _identity_problem(s, package: SchemeSet) -> Problem | None:
    path = str(s.folder / "scheme.json")
    if s.id != s.folder.name:
        return Problem(
            path,
            "$.id",
            f"scheme id {s.id!r} differs from its folder {s.folder.name!r}",
            f"name the folder {s.id}, or set id to {s.folder.name!r}",
        )
    same = package.get(s.id)
    if same is not None and same != s:
        differing = sorted(
            name for name in {*s.files, *same.files} if s.files.get(name) != same.files.get(name)
        )
        return Problem(
            path,
            "$.id",
            f"scheme {s.id!r} is a scheme of the package, and this folder differs from it "
            f"({', '.join(differing)})",
            f"give the scheme an id of its own, or remove the folder (the package's {same} is "
            "read without it)",
        )
    return None


def _relation_problem(s, every: SchemeSet) -> Problem | None:
    if s.is_hub:
        return Problem(
            str(s.folder / "scheme.json"),
            "$.relation",
            f"scheme {s.id!r} calls itself a hub; a corpus has one hub, {every.hub}",
            f'map it onto the hub: "relation": {{"kind": "maps_onto", "scheme": '
            f'"{every.hub.id}", "version": "{every.hub.version}"}} and a mapping.json',
        )
    target = every.get(s.relation["scheme"])
    if target is None or target.version != s.relation["version"]:
        known = ", ".join(str(t) for t in every)
        return Problem(
            str(s.folder / "scheme.json"),
            "$.relation",
            f"scheme {s.id!r} {s.relation['kind'].replace('_', ' ')} "
            f"{s.relation['scheme']} {s.relation['version']}, which is not among the schemes "
            f"({known})",
            "name one of them, or add that scheme's folder beside it",
        )
    return None
