"""What running steps produces: step results, their failures, and a scenario's result.

A step's :class:`StepResult` holds its :class:`Failure` values; a :class:`ScenarioResult`'s outcome depends on the
evidence level asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from conformance.model.exchange import CallResult, Exchange
from conformance.model.vocabulary import Evidence, EvidenceLevel, Outcome
from conformance.scenario.format import Scenario, Step

__all__ = ["Failure", "FailureKind", "ScenarioResult", "StepResult"]

FailureKind = Literal[
    "expectation", "shape", "wire", "transport", "unparseable", "unsupported", "template", "save", "error"
]


@dataclass(frozen=True, slots=True)
class Failure:
    """One thing wrong in one step."""

    kind: FailureKind
    message: str
    evidence: Evidence
    step: int
    """Index of the step it belongs to."""
    path: str = ""
    """Where in the response (``collaboration.status``), when it concerns one value."""
    line: int | None = None
    """The scenario-file line of the expectation it concerns."""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path and not self.message.startswith(self.path) else self.message


@dataclass(frozen=True, slots=True)
class StepResult:
    """What one step sent, got, and how it was judged."""

    step: Step
    outcome: Outcome
    failures: tuple[Failure, ...] = ()
    request: Mapping[str, Any] | None = None
    """The rendered parameters (None when rendering failed)."""
    raw_body: bytes | None = None
    response: Any = None
    """The parsed success response, or the error value ``{code, status, message, fields}``; None when
    nothing usable came back."""
    call: CallResult | None = None
    duration_s: float = 0.0
    pages: tuple[CallResult, ...] = ()
    """With ``pages: all``: the calls after the first (``call``), one per further page, in order."""
    alternative: int | None = None
    """For a step with ``expect_one_of``: the index of the alternative the answer matched (None otherwise)."""
    halts: bool = False
    """Later steps cannot run: the step broke, failed its written expectation or could not save a value."""

    @property
    def exchange(self) -> Exchange | None:
        return self.call.exchange if self.call is not None else None

    def failures_at_or_above(self, level: EvidenceLevel) -> list[Failure]:
        return [failure for failure in self.failures if failure.evidence.level >= level]


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """The steps that ran (in order) and the scenario's overall outcome."""

    scenario: Scenario
    steps: tuple[StepResult, ...]
    duration_s: float = 0.0

    @property
    def outcome(self) -> Outcome:
        """The outcome counting every failure (``--evidence=inferred``)."""
        return self.outcome_at(EvidenceLevel.INFERRED)

    def outcome_at(self, level: EvidenceLevel) -> Outcome:
        """ERROR if a step broke; else FAIL if a failure at ``level`` or stronger; else UNSUPPORTED; else PASS."""
        outcomes = {step.outcome for step in self.steps}
        if Outcome.ERROR in outcomes:
            return Outcome.ERROR
        if any(step.failures_at_or_above(level) for step in self.steps if step.outcome is Outcome.FAIL):
            return Outcome.FAIL
        if Outcome.UNSUPPORTED in outcomes:
            return Outcome.UNSUPPORTED
        return Outcome.PASS

    def failures_at_or_above(self, level: EvidenceLevel) -> list[Failure]:
        """Failures whose evidence is ``level`` or stronger (ERROR/UNSUPPORTED causes are model-level)."""
        return [failure for step in self.steps for failure in step.failures_at_or_above(level)]

    @property
    def not_run(self) -> tuple[Step, ...]:
        """The steps after the one the scenario stopped at."""
        return self.scenario.steps[len(self.steps) :]
