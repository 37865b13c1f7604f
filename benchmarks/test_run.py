"""benchmarks/run.py's report: the import's figures beside the naive import, with targets."""

from __future__ import annotations

from benchmarks import run


def _results(import_10x: float, naive_10x: float) -> list[run.Measurement]:
    stages = {
        "validate": 1.0,
        "build": 2.0,
        "quality gate": 10.0,
        "load(attribute_values)": 0.1,
        run.FLOOR: 5.0,
        "naive-validate": 20.0,
        "naive-build": 100.0,
        "naive-load": 3.0,
        "build (imported)": 2.0,
    }
    results = []
    for scale, n, imported, naive in ((1, 20_000, 1.0, 4.0), (10, 200_000, import_10x, naive_10x)):
        for stage, seconds in {
            **stages,
            "import opp115": imported,
            run.NAIVE_IMPORT: naive,
        }.items():
            results.append(run.Measurement(scale, stage, seconds * scale, 100.0, n, 1_000_000))
    return run.with_sums(results)


def _verdicts(results) -> dict[str, tuple[float, bool]]:
    return {v["target"]: (v["measured"], v["is_met"]) for v in run.verdicts(results)}


def test_import_and_build_are_set_beside_the_naive_import_and_the_old_figure():
    results = _results(import_10x=1.5, naive_10x=4.0)  # 15 s and 40 s at 10×
    table = run.table(results)
    assert "| 10× | 200,000 | import + build | 35.00 |" in table
    assert "| 10× | 200,000 | import opp115 | 15.00 | 13,333 | 0.1 | 100 | 2.7× |" in table
    verdicts = _verdicts(results)
    for scale, seconds in ((1, 1.0), (10, 15.0)):
        old = run.OLD_IMPORT_SECONDS.get(scale)
        speed_up = f"import opp115 at {scale}×, times faster than at addb67b ({old or 0:.2f} s)"
        if old:  # a scale with a recorded figure gets a verdict, the others none
            assert verdicts[f"{speed_up} >= 3.0"] == (round(old / seconds, 2), old / seconds >= 3)
        else:
            assert f"{speed_up} >= 3.0" not in verdicts
    assert run.OLD_IMPORT_SECONDS  # at least one figure is recorded
    assert verdicts["import + build at 10×, time ÷ the naive import's < 1.0"] == (0.88, True)


def test_an_import_and_build_slower_than_the_naive_import_is_missed():
    verdicts = _verdicts(_results(import_10x=3.0, naive_10x=4.0))  # 30 + 20 s against 40 s
    assert verdicts["import + build at 10×, time ÷ the naive import's < 1.0"] == (1.25, False)


def test_the_gate_is_set_beside_5fc3e80s_figure_of_the_same_run_and_its_memory_bound():
    results = _results(import_10x=1.5, naive_10x=4.0)  # the gate: 100 s at 10×, 100 MB
    results.append(run.Measurement(10, run.OLD_GATE, 240.0, 900.0, 200_000, 1_000_000))
    seed = {"check": 3.0, "second make build": 2.0, "check at 5fc3e80": 4.0}
    verdicts = {v["target"]: (v["measured"], v["is_met"]) for v in run.verdicts(results, seed)}
    faster = "quality gate at 10×, times faster than 5fc3e80's (240.00 s, this run) >= 2.5"
    assert verdicts[faster] == (2.4, False)
    assert verdicts["quality gate peak RSS at 10×, MB <= 700"] == (100.0, True)
    assert verdicts["quality gate at 10×, practices/s >= 50,000"] == (2000.0, False)
    seed_ratio = "check --force on the seed corpus, wall s, ÷ 5fc3e80's (4.00 s, this run) <= 1.0"
    assert verdicts[seed_ratio] == (0.75, True)
    assert "| 10× | 200,000 | quality gate at 5fc3e80 | 240.00 |" in run.table(results)


def test_without_5fc3e80s_gate_no_ratio_to_it_is_claimed():
    verdicts = _verdicts(_results(import_10x=1.5, naive_10x=4.0))
    assert not [t for t in verdicts if "5fc3e80" in t]


def test_the_build_at_10x_is_set_against_100000_practices_a_second():
    verdicts = _verdicts(_results(import_10x=1.5, naive_10x=4.0))  # the build: 20 s at 10×
    assert verdicts["build at 10×, practices/s >= 100,000"] == (10_000.0, False)
    assert not any(target.startswith("build at 1×") for target in verdicts)


def test_the_gate_at_100x_is_set_against_its_own_bounds():
    results = _results(import_10x=1.5, naive_10x=4.0)
    results += [
        run.Measurement(100, m.stage, m.seconds * 10, m.peak_rss_mb * 9, m.n_practices * 10, 1)
        for m in results
        if m.scale == 10
    ]  # the gate: 1,000 s and 900 MB at 100×
    verdicts = _verdicts(results)
    assert verdicts["quality gate at 100×, practices/s >= 100,000"] == (2000.0, False)
    assert verdicts["quality gate peak RSS at 100×, MB <= 1,000"] == (900.0, True)
    assert verdicts["quality gate peak RSS at 10×, MB <= 700"] == (100.0, True)
