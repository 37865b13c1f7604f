"""Time the OPP-115 import → build → check → agreement → load at the full corpus's size.

    .venv/bin/python benchmarks/opp115_scale.py [--source ../shared/fixtures/opp115-sample]

The full corpus has 115 policies and 23,194 practices. Given any OPP-115-layout
folder (the five-policy sample by default), this copies its policies, with
fresh UIDs and annotation ids, until there are at least that many practices,
in a temporary folder that is deleted afterwards (OPP-115 data never enters the
repository), then times each stage in this process (import and build on every core, as the
command does by default) and prints a table.
"""

from __future__ import annotations

import argparse
import csv
import math
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

FULL_CORPUS_PRACTICES = 23_194
REPO = Path(__file__).resolve().parents[1]


def replicate(source: Path, target: Path, n_practices: int) -> tuple[int, int]:
    """Copy the corpus at `source` into `target` enough times; returns (policies, practices)."""
    sources = sorted((source / "annotations").glob("*.csv"))
    rows = {p.stem: list(csv.reader(p.read_text(encoding="utf-8").splitlines())) for p in sources}
    per_copy = sum(map(len, rows.values()))
    copies = math.ceil(n_practices / per_copy)
    for folder in ("annotations", "sanitized_policies", "documentation"):
        (target / folder).mkdir(parents=True)
    with open(source / "documentation" / "policies_opp115.csv", encoding="utf-8", newline="") as f:
        metadata = {row["Policy UID"]: row for row in csv.DictReader(f)}
    with open(target / "documentation" / "policies_opp115.csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            ["Policy UID", "Policy URL", "Policy collection date", "Policy last updated date"]
        )
        for k in range(copies):
            for stem, practices in rows.items():
                uid, _, site = stem.partition("_")
                new_uid = str(int(uid) + 10_000 * (k + 1))
                meta = metadata[uid]
                out.writerow(
                    [
                        new_uid,
                        meta["Policy URL"],
                        meta["Policy collection date"],
                        meta["Policy last updated date"],
                    ]
                )
                shutil.copyfile(
                    source / "sanitized_policies" / f"{stem}.html",
                    target / "sanitized_policies" / f"{new_uid}_{site}.html",
                )
                with open(target / "annotations" / f"{new_uid}_{site}.csv", "w", newline="") as g:
                    csv.writer(g).writerows([f"{k:03d}{r[0]}", *r[1:]] for r in practices)
    return copies * len(rows), copies * per_copy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=REPO.parent / "shared" / "fixtures" / "opp115-sample",
        help="an OPP-115-layout folder (default: the sample in ../shared)",
    )
    parser.add_argument("--practices", type=int, default=FULL_CORPUS_PRACTICES)
    args = parser.parse_args()
    if not (args.source / "annotations").is_dir():
        print(f"{args.source}: not an OPP-115 folder; give one with --source", file=sys.stderr)
        return 2

    import privacy_labels as pl
    from privacy_labels._parallel import default_workers
    from privacy_labels.builder.pipeline import build
    from privacy_labels.importers.opp115 import import_opp115
    from privacy_labels.outputs.agreement import agreement
    from privacy_labels.quality.gate import check

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        n_policies, n_practices = replicate(args.source, tmp / "opp115", args.practices)
        stages = [
            (
                "import",
                lambda: import_opp115(
                    tmp / "opp115", tmp / "raw", progress=False, workers=default_workers()
                ),
            ),
            (
                "build",
                lambda: build(
                    tmp / "raw", tmp / "labeled", progress=False, workers=default_workers()
                ),
            ),
            ("check (quality gate)", lambda: check(tmp / "labeled", report=None)),
            ("agreement", lambda: agreement(tmp / "labeled")),
            ("load segment_labels", lambda: pl.load("segment_labels", tmp / "labeled")),
        ]
        print(
            f"corpus: {n_policies:,} policies, {n_practices:,} practices (copies of {args.source})"
        )
        print(f"{'stage':<22} {'seconds':>8} {'practices/s':>12}")
        for name, stage in stages:
            start = time.perf_counter()
            stage()
            seconds = time.perf_counter() - start
            print(f"{name:<22} {seconds:>8.2f} {n_practices / seconds:>12,.0f}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole run: {peak_mb:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
