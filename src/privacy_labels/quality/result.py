"""What the gate found: one CheckResult per expectation or project check, and the verdict.

The result is a JSON document without timestamps or paths (`GateResult.to_dict`), so a
release can ship it; `summary` is its terminal form.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

N_EXAMPLES = 5


@dataclass(frozen=True)
class CheckResult:
    """One expectation or project check on one frame."""

    frame: str  # a table, or "<table>+parents" for the table joined to its parents
    check: str  # the GX expectation type, or the project check's name
    target: str  # columns and condition, human-readable
    success: bool
    n_rows: int
    n_failed: int
    examples: list = field(default_factory=list)

    def __str__(self) -> str:
        examples = "; ".join(_shorten(e) for e in self.examples)
        return f"{self.frame}: {self.check} [{self.target}] failed for {self.n_failed:,} row(s): {examples}"


def _shorten(example: object, width: int = 60) -> str:
    """An example for the terminal: long values cut, so each failure stays a line or two."""
    if isinstance(example, dict):
        return "{" + ", ".join(f"{k}: {_shorten(v, width)}" for k, v in example.items()) + "}"
    text = str(example)
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True)
class GateResult:
    checks: list[CheckResult]
    gx_version: str
    # The result of an earlier run on the same files, code and versions, read from the report.
    is_reused: bool = False

    @property
    def success(self) -> bool:
        return all(c.success for c in self.checks)

    @property
    def failures(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success]

    def to_dict(self) -> dict:
        return {
            "success": self.success,
            "n_checks": len(self.checks),
            "n_failed": len(self.failures),
            "great_expectations_version": self.gx_version,
            "checks": [asdict(c) for c in self.checks],
        }


def outcome(
    frame: str, check: str, target: str, n_rows: int, failed: list, n_failed: int | None = None
) -> CheckResult:
    """A project check's result from the messages (or rows) of the rows that failed it, or a
    sample of them and `n_failed`, how many failed in all."""
    n_failed = len(failed) if n_failed is None else n_failed
    examples = sorted(failed, key=str)[:N_EXAMPLES]
    return CheckResult(frame, check, target, not n_failed, n_rows, n_failed, examples)


def summary(result: GateResult) -> str:
    """A short terminal report: the verdict, then each failed check with a few examples."""
    lines = [str(c) for c in result.failures]
    verdict = "passed" if result.success else f"FAILED {len(result.failures)} of"
    lines.append(f"quality gate {verdict} {len(result.checks)} checks")
    return "\n".join(lines)
