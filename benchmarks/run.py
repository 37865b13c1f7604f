"""Measure validate, build, the quality gate and load() at 1×, 10× and 100× OPP-115's size.

    make bench                                   # all three scales, a table on stdout
    .venv/bin/python -m benchmarks.run --scales 1,10 --format json

Each scale is a synthetic corpus (tests/synthetic.py, seed 0) of 115 ×
scale policies. Beside our stages the run measures two anchors on the same
corpus: a naive baseline (each document parsed and checked with `jsonschema`;
pandas rows appended one by one, then written; OPP-115-style CSV with a column
of JSON, parsed row by row) and a floor (pyarrow reads each JSON file and
writes it to Parquet: no checks, no tables). Each time is printed with its
ratio to both. Then `import app350` and `import mapp` are timed on corpora of the full
corpora's size made from this project's fixtures (benchmarks/corpus_imports.py), with the
YAML loader that read APP-350.

Each measurement runs in a fresh process. Its time is taken inside it, around
the work alone (interpreter start-up and imports excluded, for every stage
alike); its peak RSS is the largest sum of the resident memory of the process
and its workers, sampled every 20 ms (pages shared by forked workers count
once per process, so this overstates). The naive baseline runs at full size
on the 1× corpus, or on its first policies where it would take minutes, and is
scaled linearly to the size measured: appending rows one by one costs more
than linearly, so the scaled figures flatter the baseline.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks import corpus_imports

REPO = Path(__file__).resolve().parents[1]
OPP115_POLICIES = 115
NAIVE_BUILD_POLICIES = 5  # appending rows one by one takes about a second per policy
WARM_IMPORTS = (
    "pandas",
    "pyarrow.dataset",
    "pyarrow.json",
    "pyarrow.parquet",
    "jsonschema",
    "privacy_labels",
    "privacy_labels.builder.pipeline",
    "privacy_labels.quality.gate",
    "privacy_labels.contract.schema",
)
STAGES = {}  # name -> function(args), each run in a child process of its own


def stage(fn):
    STAGES[fn.__name__.replace("_", "-")] = fn
    return fn


# -- the stages, each run in a process of its own ---------------------------------


@stage
def validate(args) -> None:
    from privacy_labels.raw.corpus import RawCorpus
    from privacy_labels.raw.validate import Validator

    problems = Validator(default_raw=args.raw).validate_corpus(RawCorpus(args.raw), workers=2)
    assert not problems, problems[:3]


@stage
def build(args) -> None:
    from privacy_labels.builder.pipeline import build as build_tables

    build_tables(
        args.raw, args.out, progress=False, workers=2, partitioned=args.partitioned, force=True
    )


@stage
def gate(args) -> None:
    from privacy_labels.quality.gate import check

    result = check(args.out, report=None)
    assert result.success, "the quality gate failed"


@stage
def load(args) -> None:
    import privacy_labels as pl

    pl.load("attribute_values", args.out)


@stage
def naive_validate(args) -> None:
    """Each document read with json and checked with jsonschema, one by one."""
    from jsonschema import Draft202012Validator

    from privacy_labels.contract.schema import load_schema, registry

    validators = {
        name: Draft202012Validator(
            load_schema(name),
            registry=registry(),
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        for name in ("policy", "annotation")
    }
    for path in _inputs(args.raw, args.limit):
        doc = json.loads(path.read_text(encoding="utf-8"))
        kind = "policy" if path.parent.name == "policies" else "annotation"
        assert not list(validators[kind].iter_errors(doc))


@stage
def naive_build(args) -> None:
    """pandas rows appended one by one, then written as Parquet and CSV."""
    import pandas as pd

    practices = pd.DataFrame(columns=["practice_id", "policy_id", "segment_id", "category"])
    values = pd.DataFrame(
        columns=["practice_id", "attribute", "value", "span_start", "span_end", "span_text"]
    )
    # A first row without a span makes span_text float; pandas 3 warns that widening it
    # to text on a later row will be refused by pandas 4. The baseline is the naive way
    # as it runs today, so the warning is noise here.
    warnings.filterwarnings("ignore", category=pd.errors.Pandas4Warning)
    for path in _inputs(args.raw, args.limit):
        if path.parent.name == "policies":
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        for p in doc["practices"]:
            practices.loc[len(practices)] = [
                p["practice_id"],
                doc["policy_id"],
                p["segment_id"],
                p["category"],
            ]
            for attribute, v in p["attributes"].items():
                values.loc[len(values)] = [
                    p["practice_id"],
                    attribute,
                    v["value"],
                    v.get("span_start"),
                    v.get("span_end"),
                    v.get("span_text"),
                ]
    args.out.mkdir(parents=True)
    for name, frame in (("practices", practices), ("attribute_values", values)):
        frame.to_parquet(args.out / f"{name}.parquet")
        frame.to_csv(args.out / f"{name}.csv", index=False)


@stage
def naive_load(args) -> None:
    """OPP-115's way: a CSV per policy, the attributes of a practice as a JSON column."""
    import pandas as pd

    rows = []
    for path in sorted(args.out.glob("*.csv")):
        frame = pd.read_csv(path, header=None, names=OPP115_COLUMNS, dtype=str)
        for practice_id, attributes in zip(
            frame["annotation_id"], frame["attributes"], strict=True
        ):
            for attribute, chosen in json.loads(attributes).items():
                rows.append(
                    {
                        "practice_id": practice_id,
                        "attribute": attribute,
                        "value": chosen["value"],
                        "span_start": chosen["startIndexInSegment"],
                        "span_end": chosen["endIndexInSegment"],
                        "span_text": chosen["selectedText"],
                    }
                )
    pd.DataFrame(rows)


@stage
def import_opp115(args) -> None:
    """`import opp115` of the corpus in OPP-115's layout at --raw."""
    import inspect

    from privacy_labels.importers.opp115 import import_opp115 as run_import

    # OLD_IMPORT's commit has no workers: the same stage measures it (PYTHONPATH=its src).
    has_workers = "workers" in inspect.signature(run_import).parameters
    run_import(args.raw, args.out, progress=False, **({"workers": 2} if has_workers else {}))


@stage
def import_app350(args) -> None:
    """`import app350` of the corpus in APP-350's layout at --raw."""
    from privacy_labels.importers.app350 import import_app350 as run_import

    run_import(args.raw, args.out)


@stage
def import_mapp(args) -> None:
    """`import mapp` of the corpus in MAPP's layout at --raw."""
    from privacy_labels.importers.mapp import import_mapp as run_import

    run_import(args.raw, args.out)


# The shape of an OPP-115 attribute cell: what a naive import checks each practice against.
OPP115_CELL_SCHEMA = {
    "type": "object",
    "additionalProperties": {
        "type": "object",
        "required": ["value", "selectedText", "startIndexInSegment", "endIndexInSegment"],
        "properties": {
            "value": {"type": "string", "minLength": 1},
            "selectedText": {"type": "string"},
            "startIndexInSegment": {"type": "integer"},
            "endIndexInSegment": {"type": "integer"},
        },
        "additionalProperties": False,
    },
}


@stage
def naive_import(args) -> None:
    """OPP-115's CSVs read with pandas, each practice's attribute cell parsed with json.loads
    and checked with jsonschema, display names looked up as ids, the rows made into pandas
    frames and written as Parquet. Offsets stay OPP-115's: no text, no spans placed."""
    import pandas as pd
    from jsonschema import Draft202012Validator

    from privacy_labels.contract.schemes import scheme

    validator = Draft202012Validator(OPP115_CELL_SCHEMA)
    categories = {c.name: c for c in scheme("opp115").categories}
    attributes = {
        (c.id, a.name): (a.id, {v.name.lower(): v.id for v in a.values})
        for c in scheme("opp115").categories
        for a in c.attributes
    }
    practices, values = [], []
    for path in sorted((args.raw / "annotations").glob("*.csv")):
        frame = pd.read_csv(path, header=None, names=OPP115_COLUMNS, dtype=str)
        policy_id = "opp115-" + path.stem.replace("_", "-").replace(".", "-")
        for row in frame.itertuples(index=False):
            cell = json.loads(row.attributes)
            errors = list(validator.iter_errors(cell))
            assert not errors, errors[0].message
            category = categories[row.category]
            practice_id = f"opp115-{row.annotation_id}"
            practices.append(
                (practice_id, policy_id, row.annotator_id, int(row.segment_id), category.id,
                 row.annotation_id)
            )  # fmt: skip
            for name, chosen in cell.items():
                if chosen["value"] == "not-selected":
                    continue
                attribute_id, ids = attributes[category.id, name]
                has_span = chosen["startIndexInSegment"] >= 0
                values.append(
                    (practice_id, attribute_id, ids[chosen["value"].lower()],
                     chosen["startIndexInSegment"] if has_span else None,
                     chosen["endIndexInSegment"] if has_span else None,
                     chosen["selectedText"] if has_span else None)
                )  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    columns = {
        "practices": ["practice_id", "policy_id", "annotator", "segment_id", "category", "source_id"],
        "attribute_values": ["practice_id", "attribute", "value", "span_start", "span_end", "span_text"],
    }  # fmt: skip
    for name, rows in (("practices", practices), ("attribute_values", values)):
        pd.DataFrame(rows, columns=columns[name]).to_parquet(args.out / f"{name}.parquet")


@stage
def floor(args) -> None:
    """pyarrow reads each JSON file and writes it to Parquet: no checks, no tables."""
    import pyarrow.json as pa_json
    import pyarrow.parquet as pq

    args.out.mkdir(parents=True, exist_ok=True)
    options = pa_json.ParseOptions(newlines_in_values=True)
    for i, path in enumerate(_inputs(args.raw, args.limit)):
        pq.write_table(pa_json.read_json(path, parse_options=options), args.out / f"{i}.parquet")


def _inputs(raw: Path, limit: int | None) -> list[Path]:
    """The JSON inputs (sidecars and annotation documents) of the first `limit` policies."""
    policy_ids = sorted(p.stem for p in (raw / "policies").glob("*.json"))[:limit]
    return [
        path
        for policy_id in policy_ids
        for path in [
            raw / "policies" / f"{policy_id}.json",
            *sorted((raw / "annotations" / policy_id).glob("*.json")),
        ]
    ]


OPP115_COLUMNS = [
    "annotation_id",
    "batch_id",
    "annotator_id",
    "policy_id",
    "segment_id",
    "category",
    "attributes",
    "policy_url",
    "date",
]


def write_opp115_csv(labeled: Path, out: Path) -> int:
    """The built tables in OPP-115's layout: a CSV per policy, attributes as JSON; bytes."""
    import privacy_labels as pl

    values = pl.load("attribute_values", labeled)
    practices = pl.load("practices", labeled)
    attributes: dict[str, dict] = {}
    for row in values.itertuples(index=False):
        attributes.setdefault(row.practice_id, {})[str(row.attribute)] = {
            "endIndexInSegment": -1 if pd_isna(row.span_end) else int(row.span_end),
            "startIndexInSegment": -1 if pd_isna(row.span_start) else int(row.span_start),
            "selectedText": "null" if pd_isna(row.span_text) else row.span_text,
            "value": str(row.value),
        }
    out.mkdir(parents=True)
    files: dict[str, list] = {}
    for row in practices.itertuples(index=False):
        files.setdefault(row.policy_id, []).append(
            [
                row.practice_id,
                "batch",
                row.annotator,
                row.policy_id,
                row.segment_id,
                str(row.category),
                json.dumps(attributes.get(row.practice_id, {})),
                "https://example.com/privacy",
                "1/1/15",
            ]
        )
    for policy_id, rows in files.items():
        with open(out / f"{policy_id}.csv", "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(rows)
    return folder_bytes(out)


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


# -- measuring ----------------------------------------------------------------------


@dataclass
class Measurement:
    scale: int
    stage: str
    seconds: float
    peak_rss_mb: float
    n_practices: int
    input_bytes: int
    # the share of the corpus the stage ran on; its time is scaled from that share
    measured_share: float = 1.0

    @property
    def practices_per_second(self) -> float:
        return self.n_practices / self.seconds

    @property
    def input_mb_per_second(self) -> float:
        return self.input_bytes / 1e6 / self.seconds


REPEATS = 3  # timed runs of each stage after a warm-up; the median is reported


def measure(
    name: str, *, repeats: int | None = None, repo: Path = REPO, **options
) -> tuple[float, float]:
    """(median seconds, largest peak RSS in MB) of one stage, run in a fresh process
    once to warm the file cache and then `repeats` times; by the code of `repo` (another
    commit's checkout with its own `.venv`, e.g. OLD_GATE_COMMIT's).
    """
    repeats = REPEATS if repeats is None else repeats
    if repeats <= 1:
        return measure_once(name, repo=repo, **options)
    measure_once(name, repo=repo, **options)
    runs = [measure_once(name, repo=repo, **options) for _ in range(repeats)]
    return statistics.median(s for s, _ in runs), max(rss for _, rss in runs)


def python_of(repo: Path) -> str:
    """The interpreter that runs `repo`'s code: ours, or the checkout's own venv."""
    return sys.executable if repo == REPO else str(repo / ".venv" / "bin" / "python")


def measure_once(name: str, *, repo: Path = REPO, **options) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one stage run in a fresh process."""
    import psutil

    command = [python_of(repo), "-m", "benchmarks.run", "--stage", name]
    for key, value in options.items():
        if value is True:
            command.append(f"--{key}")
        elif value not in (None, False):
            command += [f"--{key}", str(value)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=repo)
    process, peak = psutil.Process(child.pid), 0
    while child.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
        except psutil.Error:  # a worker ended between listing and reading
            pass
        time.sleep(0.02)
    out = child.stdout.read()
    if child.returncode != 0:
        raise SystemExit(f"stage {name} failed (exit {child.returncode}); see above")
    return json.loads(out.splitlines()[-1])["seconds"], peak / 1e6


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def parquet_bytes(folder: Path, name: str | None = None) -> int:
    """Bytes of every Parquet file, or of one table's (a file or a partitioned dataset)."""
    return sum(
        f.stat().st_size
        for f in folder.rglob("*.parquet")
        if name is None or f.relative_to(folder).parts[0] in (name, f"{name}.parquet")
    )


def run_scale(
    scale: int, work: Path, naive: dict[str, Measurement], log, old_gate: Path | None = None
) -> list[Measurement]:
    from tests import synthetic

    n_policies = OPP115_POLICIES * scale
    raw, out = work / f"x{scale}" / "raw", work / f"x{scale}" / "labeled"
    log(f"{scale}×: generating {n_policies:,} policies ...")
    stats = synthetic.generate(raw, n_policies, seed=0, workers=2)
    n, raw_bytes = stats.n_practices, folder_bytes(raw)
    # Corpora of a million practices and more are written partitioned, as users should.
    partitioned = n >= 1_000_000
    results = []

    def record(stage_name: str, seconds: float, rss: float, input_bytes: int, share=1.0):
        m = Measurement(scale, stage_name, seconds, rss, n, input_bytes, share)
        results.append(m)
        log(
            f"{scale}×: {stage_name:<26} {seconds:8.2f} s  {m.practices_per_second:>10,.0f} "
            f"practices/s  {rss:7,.0f} MB"
        )

    record("validate", *measure("validate", raw=raw), raw_bytes)
    record(
        "build" + (" (partitioned)" if partitioned else ""),
        *measure("build", raw=raw, out=out, partitioned=partitioned),
        raw_bytes,
    )
    record("quality gate", *measure("gate", out=out), parquet_bytes(out))
    if old_gate is not None:
        log(f"{scale}×: generating and building the corpus by {OLD_GATE_COMMIT}'s code ...")
        record(OLD_GATE, *old_gate_figures(old_gate, scale, work, partitioned), parquet_bytes(out))
    record(
        "load(attribute_values)", *measure("load", out=out), parquet_bytes(out, "attribute_values")
    )
    record(
        "floor: pyarrow JSON → Parquet",
        *measure("floor", raw=raw, out=work / f"x{scale}" / "floor"),
        raw_bytes,
    )
    shutil.rmtree(work / f"x{scale}" / "floor")
    results += import_figures(scale, raw, work / f"x{scale}", partitioned, naive, log)
    if not naive.keys() - {NAIVE_IMPORT}:  # the naive baseline runs once, on the first corpus
        for stage_name, limit in (("naive-validate", None), ("naive-build", NAIVE_BUILD_POLICIES)):
            share = 1.0 if limit is None else min(1.0, limit / n_policies)
            seconds, rss = measure(stage_name, repeats=1, raw=raw, out=work / "naive", limit=limit)
            shutil.rmtree(work / "naive", ignore_errors=True)
            naive[stage_name] = Measurement(
                scale, stage_name, seconds / share, rss, n, raw_bytes, share
            )
        csv_bytes = write_opp115_csv(out, work / "opp115-csv")
        seconds, rss = measure("naive-load", repeats=1, out=work / "opp115-csv")
        naive["naive-load"] = Measurement(scale, "naive-load", seconds, rss, n, csv_bytes)
        shutil.rmtree(work / "opp115-csv")
        for m in naive.values():
            log(f"{scale}×: {m.stage:<26} {m.seconds:8.2f} s (scaled from {m.measured_share:.0%})")
    for stage_name, m in naive.items():  # the baseline at this size, scaled linearly
        if m.scale == scale and stage_name == NAIVE_IMPORT:
            continue  # measured at this size, already in the results
        factor = n / m.n_practices
        results.append(
            Measurement(
                scale,
                stage_name,
                m.seconds * factor,
                m.peak_rss_mb,
                n,
                int(m.input_bytes * factor),
                m.measured_share / factor,
            )
        )
    shutil.rmtree(work / f"x{scale}")
    return results


# `import opp115` at the commit before it was made fast (addb67b), measured on the synthetic
# corpus in OPP-115's layout by the same call (`import_opp115`, in a fresh process, its
# work alone; PYTHONPATH=<addb67b>/src), paired run by run with this commit's (A B A B), on
# the 2-core machine of README, Performance, quiet (load average about 1): seconds, the
# median of 3 after a warm-up, by scale. The machine's speed drifts from day to day (the
# same runs took 6.73 and 74.12 s the day before): compare runs made side by side.
OLD_IMPORT_COMMIT = "addb67b"
OLD_IMPORT_SECONDS = {1: 4.30, 10: 43.04}
IMPORT_SPEED_UP = 3.0  # the target: at least this many times faster than OLD_IMPORT_SECONDS
NAIVE_IMPORT = "naive-import"
# The gate at 5fc3e80 (before the long tables), measured in the same run on the corpus of the
# same seed and size that its own code generates and builds (it reads the old table shapes),
# from a checkout with its own venv (`--old-gate DIR`, or a git worktree made and removed by
# the run). Issue 31's targets: at least GATE_SPEED_UP times faster than it, and from 10×
# the practices a second and peak RSS of `gate_bounds` (higher at 100×).
OLD_GATE_COMMIT = "5fc3e80"
OLD_GATE = f"quality gate at {OLD_GATE_COMMIT}"
GATE_SPEED_UP = 2.5
GATE_BOUNDS = {"practices/s": 50_000, "peak RSS MB": 700}
GATE_AT_100 = {"practices/s": 100_000, "peak RSS MB": 1_000}
NAIVE_IMPORT_MAX_SCALE = 10  # above it the naive import is scaled from its largest run


def import_figures(
    scale: int, raw: Path, work: Path, partitioned: bool, naive: dict, log
) -> list[Measurement]:
    """`import opp115`, the build of what it wrote and the naive import, on the corpus
    at `raw` written again in OPP-115's layout (tests/opp115_layout.py)."""
    from tests.opp115_layout import write_opp115_layout

    opp115, imported = work / "opp115", work / "imported"
    log(f"{scale}×: writing the corpus in OPP-115's layout ...")
    n = write_opp115_layout(raw, opp115)
    source_bytes = folder_bytes(opp115)
    results = [
        Measurement(scale, "import opp115", *measure("import-opp115", raw=opp115, out=imported),
                    n, source_bytes),
        Measurement(scale, "build (imported)",
                    *measure("build", raw=imported, out=work / "imported-labeled",
                             partitioned=partitioned),
                    n, folder_bytes(imported)),
    ]  # fmt: skip
    if scale <= NAIVE_IMPORT_MAX_SCALE:
        # Minutes at 10×: timed once there, the median of REPEATS at smaller sizes.
        repeats = REPEATS if scale == 1 else 1
        seconds, rss = measure(NAIVE_IMPORT, repeats=repeats, raw=opp115, out=work / "naive")
        naive[NAIVE_IMPORT] = Measurement(scale, NAIVE_IMPORT, seconds, rss, n, source_bytes)
        results.append(naive[NAIVE_IMPORT])
    for m in results:
        log(f"{scale}×: {m.stage:<26} {m.seconds:8.2f} s  {m.practices_per_second:>10,.0f} "
            f"practices/s  {m.peak_rss_mb:7,.0f} MB")  # fmt: skip
    for folder in (opp115, imported, work / "imported-labeled", work / "naive"):
        shutil.rmtree(folder, ignore_errors=True)
    return results


def old_gate_figures(
    old_gate: Path, scale: int, work: Path, partitioned: bool
) -> tuple[float, float]:
    """OLD_GATE_COMMIT's gate, timed as ours, on the corpus of the same seed and size as its
    own code generates and builds it (it reads the table shapes of its time)."""
    raw, out = work / f"x{scale}" / "old-raw", work / f"x{scale}" / "old-labeled"
    generate = (
        "import sys; from pathlib import Path; from benchmarks import synthetic; "
        "synthetic.generate(Path(sys.argv[1]), int(sys.argv[2]), seed=0, workers=2)"
    )
    n_policies = str(OPP115_POLICIES * scale)
    command = [python_of(old_gate), "-c", generate, str(raw), n_policies]
    subprocess.run(command, cwd=old_gate, check=True, capture_output=True)
    measure_once("build", repo=old_gate, raw=raw, out=out, partitioned=partitioned)
    figures = measure("gate", repo=old_gate, out=out)
    shutil.rmtree(raw)
    shutil.rmtree(out)
    return figures


@contextlib.contextmanager
def old_gate_checkout(given: Path | None, work: Path, log) -> Iterator[Path]:
    """OLD_GATE_COMMIT's code with its own venv: `given`, or a git worktree of this
    repository made here (with `make build`, a minute or two) and removed after."""
    if given is not None:
        yield given
        return
    root = work / f"gate-{OLD_GATE_COMMIT}"
    log(f"checking out {OLD_GATE_COMMIT} into {root} and running its make build ...")
    git = ["git", "-C", str(REPO), "worktree"]
    subprocess.run([*git, "add", "--detach", str(root), OLD_GATE_COMMIT], check=True,
                   capture_output=True)  # fmt: skip
    try:
        subprocess.run(["make", "build"], cwd=root, check=True, capture_output=True)
        yield root
    finally:
        subprocess.run([*git, "remove", "--force", str(root)], capture_output=True)


def cli_seconds(*args: object, repo: Path = REPO) -> float:
    """Median wall time of one privacy-labels command (by `repo`'s code), start-up and
    imports included, as a user waits for it: run once to warm the caches, then REPEATS
    times."""
    script = Path(python_of(repo)).parent / "privacy-labels"
    command = [str(script), *map(str, args)]
    times = []
    for _ in range(REPEATS + 1):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=repo)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.strip()}")
    return statistics.median(times[1:])


def seed_figures(work: Path, log, old_gate: Path | None = None) -> dict[str, float]:
    """The edit loop on the committed seed corpus: `check`, and a second `make build`
    (build, finding its output up to date, then check); with `old_gate`, also `check` at
    OLD_GATE_COMMIT on its own committed seed tables."""
    labeled = shutil.copytree(REPO / "data" / "labeled", work / "seed" / "labeled")
    report = work / "seed" / "report"
    figures = {
        # The gate run in full, as after any change to the tables.
        "check": cli_seconds("check", labeled, "--report", report, "--force"),
        # The tables unchanged since the last passing run: its result is reused.
        "check, unchanged": cli_seconds("check", labeled, "--report", report),
        "build, unchanged": cli_seconds("build", "--raw", REPO / "data" / "raw", "--out", labeled),
    }
    figures["second make build"] = figures["build, unchanged"] + figures["check, unchanged"]
    if old_gate is not None:
        old = shutil.copytree(old_gate / "data" / "labeled", work / "seed" / "old-labeled")
        figures[f"check at {OLD_GATE_COMMIT}"] = cli_seconds(
            "check", old, "--report", work / "seed" / "old-report", "--force", repo=old_gate
        )
    for name, seconds in figures.items():
        log(f"seed corpus: {name:<24} {seconds:8.2f} s (wall, median of {REPEATS})")
    shutil.rmtree(work / "seed")
    return figures


# -- the report ---------------------------------------------------------------------

FLOOR = "floor: pyarrow JSON → Parquet"
# Our stage -> the naive stage it replaces.
NAIVE_OF = {
    "validate": "naive-validate",
    "build": "naive-build",
    "validate + build": "naive-validate + build",
    "load(attribute_values)": "naive-load",
    "import opp115": NAIVE_IMPORT,
    "import + build": NAIVE_IMPORT,
}


def with_sums(results: list[Measurement]) -> list[Measurement]:
    """Add 'validate + build' and its naive counterpart at each scale."""
    out = []
    for scale in sorted({m.scale for m in results}):
        rows = [m for m in results if m.scale == scale]
        by = {_name(m): m for m in rows}
        for name, *parts in (
            ("validate + build", "validate", "build"),
            ("naive-validate + build", "naive-validate", "naive-build"),
            ("validate + build + gate", "validate", "build", "quality gate"),
            ("import + build", "import opp115", "build (imported)"),
        ):
            stages = [by[p] for p in parts]
            rows.append(
                Measurement(
                    scale,
                    name,
                    sum(m.seconds for m in stages),
                    max(m.peak_rss_mb for m in stages),
                    stages[1].n_practices,
                    stages[1].input_bytes,
                    min(m.measured_share for m in stages),
                )
            )
        out += rows
    return out


def _name(m: Measurement) -> str:
    return m.stage.removesuffix(" (partitioned)")


def ratios(results: list[Measurement], scale: int, stage: str) -> tuple[float | None, float | None]:
    """(naive time ÷ ours, our time ÷ floor's) for one of our stages at one scale."""
    by = {_name(m): m for m in results if m.scale == scale}
    ours = by[stage]
    naive = by[NAIVE_OF[stage]].seconds / ours.seconds if stage in NAIVE_OF else None
    is_build = stage in ("validate", "build", "validate + build")
    floor = ours.seconds / by[FLOOR].seconds if is_build else None
    return naive, floor


def table(results: list[Measurement]) -> str:
    lines = [
        "| scale | practices | stage | seconds | practices/s | input MB/s | peak RSS MB "
        "| naive ÷ ours | ours ÷ floor |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for m in results:
        naive, floor = ratios(results, m.scale, _name(m))
        scaled = m.measured_share < 1
        lines.append(
            f"| {m.scale}× | {m.n_practices:,} | {m.stage}{' (scaled)' if scaled else ''} "
            f"| {m.seconds:,.2f} | {m.practices_per_second:,.0f} | {m.input_mb_per_second:,.1f} "
            f"| {'' if scaled else f'{m.peak_rss_mb:,.0f}'} "
            f"| {'' if naive is None else f'{naive:,.1f}×'} "
            f"| {'' if floor is None else f'{floor:,.2f}×'} |"
        )
    return "\n".join(lines)


def gate_bounds(scale: int) -> dict[str, int]:
    """Issue 31's bounds on the quality gate at `scale` (from 10×)."""
    return GATE_AT_100 if scale >= 100 else GATE_BOUNDS


def verdicts(results: list[Measurement], seed: dict[str, float] | None = None) -> list[dict]:
    """Each target of the issue with the figure measured and whether it is met."""
    scales = sorted({m.scale for m in results})
    top, first = scales[-1], scales[0]
    at = {(m.scale, _name(m)): m for m in results}
    seed_checks = []
    if seed:
        seed_checks = [
            (
                "check on the seed corpus, gate run in full (--force), wall s",
                "<=",
                4.0,
                seed["check"],
            ),
            (
                "second make build on the unchanged seed corpus, wall s",
                "<=",
                10.0,
                seed["second make build"],
            ),
        ]
    gate = {s: at[s, "quality gate"] for s in scales if s >= 10}
    gate_checks = [
        (
            f"quality gate at {s}×, practices/s",
            ">=",
            gate_bounds(s)["practices/s"],
            m.practices_per_second,
        )
        for s, m in gate.items()
    ]
    gate_checks += [
        (
            f"quality gate at {s}×, times faster than {OLD_GATE_COMMIT}'s "
            f"({at[s, OLD_GATE].seconds:.2f} s, this run)",
            ">=",
            GATE_SPEED_UP,
            at[s, OLD_GATE].seconds / m.seconds,
        )
        for s, m in gate.items()
        if (s, OLD_GATE) in at
    ]
    gate_checks += [
        (f"quality gate peak RSS at {s}×, MB", "<=", gate_bounds(s)["peak RSS MB"], m.peak_rss_mb)
        for s, m in gate.items()
    ]
    if seed and f"check at {OLD_GATE_COMMIT}" in seed:
        old_check = seed[f"check at {OLD_GATE_COMMIT}"]
        gate_checks.append(
            (
                f"check --force on the seed corpus, wall s, ÷ {OLD_GATE_COMMIT}'s "
                f"({old_check:.2f} s, this run)",
                "<=",
                1.0,
                seed["check"] / old_check,
            )
        )
    if 100 in scales:
        gate_checks.append(
            (
                "validate + build + gate at 100×, s",
                "<=",
                240,
                at[100, "validate + build + gate"].seconds,
            )
        )
    # Loading a whole table holds it in memory: its RSS is the table's size, not a bound.
    pipeline = [at[top, name] for name in ("validate", "build", "quality gate")]
    build_checks = [
        (f"build at {s}×, practices/s", ">=", 100_000, at[s, "build"].practices_per_second)
        for s in scales
        if s >= 10 and (s, "build") in at
    ]
    checks = [
        *build_checks,
        (
            f"validate + build at {top}×, practices/s",
            ">=",
            100_000,
            at[top, "validate + build"].practices_per_second,
        ),
        (
            f"validate + build at {top}×, time ÷ floor",
            "<=",
            5.0,
            ratios(results, top, "validate + build")[1],
        ),
        (
            f"peak RSS of validate, build and the gate at {top}×, MB",
            "<",
            1_500,
            max(m.peak_rss_mb for m in pipeline),
        ),
        (
            "validate, times faster than naive jsonschema (worst scale)",
            ">=",
            20.0,
            min(ratios(results, s, "validate")[0] for s in scales),
        ),
        (
            f"load(attribute_values) at {first}×, times faster than CSV with JSON",
            ">=",
            20.0,
            ratios(results, first, "load(attribute_values)")[0],
        ),
    ]
    if len(scales) >= 2:
        a = scales[-2]
        checks.append(
            (
                f"build peak RSS growth from {a}× to {top}× (the corpus grows {top // a}×)",
                "<=",
                top / a / 2,  # "clearly slower": at most half as fast as the corpus
                at[top, "build"].peak_rss_mb / at[a, "build"].peak_rss_mb,
            )
        )
    import_checks = [
        (
            f"import opp115 at {s}×, times faster than at {OLD_IMPORT_COMMIT} "
            f"({OLD_IMPORT_SECONDS[s]:.2f} s)",
            ">=",
            IMPORT_SPEED_UP,
            OLD_IMPORT_SECONDS[s] / at[s, "import opp115"].seconds,
        )
        for s in scales
        if OLD_IMPORT_SECONDS.get(s)
    ] + [
        (
            f"import + build at {s}×, time ÷ the naive import's",
            "<",
            1.0,
            at[s, "import + build"].seconds / at[s, NAIVE_IMPORT].seconds,
        )
        for s in scales
        if s >= 10
    ]
    checks = seed_checks + gate_checks + import_checks + checks
    meets = {">=": float.__ge__, "<=": float.__le__, "<": float.__lt__}
    return [
        {
            "target": f"{name} {relation} {goal:,}",
            "measured": round(value, 2),
            # how far from the target, as a factor: above 1 for a figure better than aimed at
            "ratio_to_target": round(
                float(value) / goal if relation == ">=" else goal / max(float(value), 1e-9), 2
            ),
            "is_met": meets[relation](float(value), float(goal)),
        }
        for name, relation, goal, value in checks
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scales", default="1,10,100", help="multiples of OPP-115 (default: 1,10,100)"
    )
    parser.add_argument(
        "--workdir", type=Path, help="where corpora go (default: a temporary folder)"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--old-gate",
        type=Path,
        help=f"a checkout of {OLD_GATE_COMMIT} with its own .venv (make build there), whose "
        "gate is timed beside ours (default: a git worktree made and removed by the run)",
    )
    parser.add_argument(
        "--no-old-gate", action="store_true", help=f"do not time {OLD_GATE_COMMIT}'s gate"
    )
    # The child-process side: one stage.
    parser.add_argument("--stage", choices=sorted(STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--raw", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--partitioned", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        # Imports happen before the clock starts, the same for every stage.
        for module in WARM_IMPORTS:
            importlib.import_module(module)
        if args.stage == "gate":
            from privacy_labels.quality.suites import gx

            gx()  # great-expectations takes seconds to import
        start = time.perf_counter()
        STAGES[args.stage](args)
        print(json.dumps({"seconds": time.perf_counter() - start}))
        return 0
    try:
        scales = sorted({int(s) for s in args.scales.split(",")})
    except ValueError:
        parser.error(f"--scales {args.scales!r}: give whole numbers, e.g. 1,10,100")
    try:
        import psutil  # noqa: F401
    except ImportError:
        parser.error("the benchmark needs psutil: pip install -e '.[bench]'")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(
            tempfile.TemporaryDirectory(dir=args.workdir, prefix="privacy-labels-bench-")
        ))  # fmt: skip
        old_gate = (
            None
            if args.no_old_gate
            else stack.enter_context(old_gate_checkout(args.old_gate, tmp, log))
        )
        seed = seed_figures(tmp, log, old_gate)
        naive: dict[str, Measurement] = {}
        results = [m for scale in scales for m in run_scale(scale, tmp, naive, log, old_gate)]
        imports = corpus_imports.figures(tmp, log)
    results = with_sums(results)
    checks = verdicts(results, seed) + corpus_imports.verdicts(imports)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "seed": seed,
                    "results": [asdict(m) for m in results],
                    "corpus_imports": imports,
                    "targets": checks,
                },
                indent=2,
            )
        )
    else:
        print(
            "seed corpus (5 policies), wall seconds of the command, median of "
            f"{REPEATS} after a warm-up: "
            + ", ".join(f"{name} {seconds:.2f}" for name, seconds in seed.items())
        )
        print()
        print(table(results))
        print()
        print(f"APP-350 and MAPP at full size, median of {REPEATS} after a warm-up:")
        print(corpus_imports.table(imports))
        print()
        for c in checks:
            print(
                f"{'met   ' if c['is_met'] else 'MISSED'} {c['target']}: measured {c['measured']:,}"
                f" (ratio to target {c['ratio_to_target']:,}; 1 or more meets it)"
            )
    return 0 if all(c["is_met"] for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
