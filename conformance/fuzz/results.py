"""What a fuzz check reports: per strategy and operation, how many variants ran and passed, and the findings.

A :class:`Tally` is the layer's result type; the pytest glue turns each into a report record
(``fuzz:<strategy>:<operation>``). Only the first few findings of a tally are kept with a reproducer each: a
target that fails a property everywhere (moto has no input validation) would otherwise produce hundreds of
near-identical files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from conformance.fuzz.judge import Level, Problem
from conformance.model.exchange import Exchange

Outcome = Literal["PASS", "FAIL", "ERROR", "UNSUPPORTED"]
_LEVEL_ORDER: Mapping[str, int] = {"inferred": 0, "documented": 1, "model": 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One failing variant: what was sent, what broke, and where its reproducer is."""

    label: str
    problems: tuple[Problem, ...]
    actor: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    """The parameters as sent (references bound)."""
    exchange: Exchange | None = None
    reproducer: str | None = None
    curl: str | None = None

    @property
    def level(self) -> Level:
        """The strongest evidence among its problems."""
        return max((p.level for p in self.problems), key=_LEVEL_ORDER.__getitem__, default="model")


@dataclass(frozen=True, slots=True)
class Tally:
    """The result of one strategy on one operation against one target."""

    strategy: str
    operation: str
    outcome: Outcome
    variants: int = 0
    """Variants that were sent and judged (passed + failed + errors)."""
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    """Variants that needed a fixture resource the target could not make."""
    dropped: int = 0
    """Candidates the generator dropped because no value breaks (or keeps) exactly one constraint there."""
    findings: tuple[Finding, ...] = ()
    note: str = ""
    duration_s: float = 0.0

    def __post_init__(self) -> None:
        # A tally that judged nothing is never a PASS, whoever built it, and an ERROR always says why: a PASS,
        # or an ERROR with nothing behind it (no error, no failure, no note: a caller that did not pass ``ran``
        # to outcome_of), is decided again from the counts by outcome_of, the one rule.
        unexplained = self.outcome == "ERROR" and not (self.errors or self.failed or self.note)
        if self.outcome == "PASS" or unexplained:
            decided = outcome_of(self.failed, self.errors, self.variants, skipped=self.skipped)
            object.__setattr__(self, "outcome", decided)
            reason = no_pass_reason(self.variants, self.skipped) if decided != "PASS" else ""
            object.__setattr__(self, "note", "; ".join(filter(None, [reason, self.note])))

    @property
    def ran(self) -> int:
        """How many variants were sent and judged (``variants``): zero means the tally proves nothing."""
        return self.variants

    @property
    def check_id(self) -> str:
        return f"fuzz:{self.strategy}:{self.operation}"

    def counts(self) -> dict[str, int]:
        return {
            "variants": self.variants,
            "passed": self.passed,
            "failed": self.failed,
            "errors": self.errors,
            "skipped": self.skipped,
            "dropped": self.dropped,
        }

    def gates(self, threshold: Level) -> bool:
        """Whether a finding rests on evidence at ``threshold`` or stronger (ERROR always gates)."""
        if self.outcome == "ERROR":
            return True
        floor = _LEVEL_ORDER[threshold]
        return any(_LEVEL_ORDER[f.level] >= floor for f in self.findings) or (
            self.outcome == "FAIL" and not self.findings
        )


def outcome_of(
    failed: int, errors: int, ran: int | None = None, *, skipped: int = 0, unsupported: bool = False
) -> Outcome:
    """The one rule that decides a tally's outcome from its counts.

    ``ran`` is how many variants were sent and judged (passed + failed + errors). A tally that judged none, or
    whose variants were all skipped, proves nothing about the target: it is UNSUPPORTED when the target lacks the
    operation (``unsupported``), otherwise ERROR (:func:`no_pass_reason` says why), never PASS. ``ran`` None is
    a caller that did not count: the failures and errors are all that is known, so nothing passed either.
    """
    if failed:
        return "FAIL"
    if errors:
        return "ERROR"
    if unsupported:
        return "UNSUPPORTED"
    if not ran:
        return "ERROR"
    return "PASS"


def no_pass_reason(ran: int | None, skipped: int = 0) -> str:
    """Why a tally without failures is not a PASS ('' when it is one)."""
    if ran:
        return ""
    if skipped:
        return f"no variant ran: all {skipped} were skipped (the fixture they need could not be made)"
    return "no variant ran"
