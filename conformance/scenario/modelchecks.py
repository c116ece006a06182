"""The automatic model checks of every step, as step failures.

They check the output shape of a success body and the wire rules of the raw exchange
(:mod:`conformance.model.shapecheck`, :mod:`conformance.model.wire`).

An account-wide list shows other tests' resources too: its findings count only on the items a scenario knows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.model import account_lists
from conformance.model.exchange import CallResult
from conformance.model.shapecheck import check_output
from conformance.model.violations import Violation, ViolationKind
from conformance.model.vocabulary import Evidence, EvidenceLevel
from conformance.model.wire import check_wire
from conformance.scenario.answers import Answer
from conformance.scenario.format import Step
from conformance.scenario.matchers import Matcher
from conformance.scenario.results import Failure, FailureKind

__all__ = ["known_ids", "model_failures", "strings"]

_WIRE_SOURCES = {ViolationKind.ERROR_TYPE: "SMITHY", ViolationKind.BODY: "SMITHY", ViolationKind.TIMESTAMP: "SMITHY"}


def known_ids(context: Mapping[str, Any], seen: set[str]) -> frozenset[str]:
    """The ids a scenario knows: every string its saved values and its non-list answers (``seen``) hold.

    An earlier account-wide list's answer is left out: it holds other tests' resources too.
    """
    saved = [value for key, value in context.items() if key not in ("accounts", "run_id", "scenario_id", "steps")]
    return frozenset(seen | strings(saved))


def strings(value: Any) -> set[str]:
    found: set[str] = set()
    stack: list[Any] = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, Mapping):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
        elif isinstance(value, Matcher):
            stack.append(value.arg)
    return found


def model_failures(
    step: Step, result: CallResult, answer: Answer, known: frozenset[str] | None = None
) -> list[Failure]:
    """The wire and shape findings of a step's answer (of an account-wide list: only on the items in ``known``)."""
    failures = _all_model_failures(step, result, answer)
    if known is None:
        return failures
    document = answer.document if answer.document is not None else answer.value
    return [f for f in failures if account_lists.concerns(step.operation, f.path or "", document, set(known))]


def _all_model_failures(step: Step, result: CallResult, answer: Answer) -> list[Failure]:
    exchange = result.exchange
    failures: list[Failure] = []
    seen: set[tuple[str, str, str]] = set()
    # The wire check's timestamp rule walks the whole output shape; when the shape check below walks the same
    # body anyway, its TIMESTAMP findings are taken as the wire failures instead (one walk, same failures).
    shared = answer.success and answer.document is not None and exchange is not None and 200 <= exchange.status < 300
    if exchange is not None and exchange.status:
        wire = check_wire(
            step.operation, exchange.status, exchange.response_headers, exchange.response_body, timestamps=not shared
        )
        for violation in wire:
            seen.add((violation.path, violation.kind, violation.message))
            failures.append(_violation_failure("wire", violation, step.index))
    if answer.success:
        if answer.document is not None:
            shape = check_output(step.operation, answer.document, wire=True)
            if shared:
                for violation in shape:
                    if violation.kind is ViolationKind.TIMESTAMP:
                        seen.add((violation.path, violation.kind, violation.message))
                        failures.append(_violation_failure("wire", violation, step.index))
        else:
            shape = check_output(step.operation, answer.value, wire=False)
        # The wire check reports a body's non-number timestamps too; keep each finding once.
        failures += [
            _violation_failure("shape", v, step.index) for v in shape if (v.path, v.kind, v.message) not in seen
        ]
    return failures


def _violation_failure(kind: FailureKind, violation: Violation, index: int) -> Failure:
    level = EvidenceLevel.MODEL if violation.evidence == "model" else EvidenceLevel.INFERRED
    source = _WIRE_SOURCES.get(violation.kind, "MODEL") if kind == "wire" else "MODEL"
    return Failure(kind, violation.message, Evidence(level, source), index, path=violation.path)
