"""The failure text of a scenario result: a terminal-sized account of why it did not pass at a level.

What the pytest item, the verdict and the tests print for a failing scenario; the runner only judges
(:mod:`conformance.scenario.runner`), this module only renders its result.
"""

from __future__ import annotations

import json
from typing import Any

from conformance.model.exchange import CallResult, TooDeepJson, UnreadableJson, read_json
from conformance.model.vocabulary import EvidenceLevel, Outcome
from conformance.scenario.format import Scenario
from conformance.scenario.runner import ScenarioResult, StepResult

__all__ = ["format_failure"]

_BODY_SHOWN = 800
_REQUEST_SHOWN = 600
_STEPS_SHOWN = 3


def format_failure(result: ScenarioResult, level: EvidenceLevel | str = EvidenceLevel.INFERRED) -> str:
    """A terminal-sized account of why ``result`` did not pass at ``level`` ("" when it did).

    For each step with a problem (at most three): its ``file:line``, actor and operation, the rendered
    request, the response (status, error code, body) and every failure with its evidence and line.
    """
    level = EvidenceLevel(level)
    scenario = result.scenario
    shown = [
        step
        for step in result.steps
        if step.outcome in (Outcome.ERROR, Outcome.UNSUPPORTED) or step.failures_at_or_above(level)
    ]
    if not shown:
        return ""
    out = [f"{scenario.title} [{scenario.id}]: {result.outcome_at(level)}"]
    for step_result in shown[:_STEPS_SHOWN]:
        out.extend(_step_block(scenario, step_result, level))
    if len(shown) > _STEPS_SHOWN:
        out.append(f"... and {len(shown) - _STEPS_SHOWN} more step(s) with problems")
    if result.not_run:
        first, last = result.not_run[0].index, result.not_run[-1].index
        out.append(f"not run: steps[{first}]" + (f"..steps[{last}]" if last != first else "") + " (stopped above)")
    return "\n".join(out)


def _step_block(scenario: Scenario, result: StepResult, level: EvidenceLevel) -> list[str]:
    step = result.step
    lines = [
        f"{scenario.file}:{step.line}: steps[{step.index}] {step.label!r}: "
        f"{step.actor} calls {step.operation} -> {result.outcome}"
    ]
    exchange = result.exchange
    if exchange is not None and exchange.method:
        lines.append(f"  request: {exchange.method} {exchange.url}")
    if result.request is not None:
        lines.append(f"  params: {_clip(_dumps(result.request), _REQUEST_SHOWN)}")
    if result.raw_body is not None:
        lines.append(f"  raw body: {_clip(result.raw_body.decode('utf-8', 'replace'), _REQUEST_SHOWN)}")
    if result.call is not None:
        lines.append(f"  response: {_response_text(result.call)}")
    broke = result.outcome in (Outcome.ERROR, Outcome.UNSUPPORTED)
    failures = result.failures if broke else result.failures_at_or_above(level)
    for failure in failures:
        where = f" ({scenario.file}:{failure.line})" if failure.line and failure.line != step.line else ""
        lines.append(f"  - [{failure.kind}, {failure.evidence}] {failure}{where}")
    return lines


def _response_text(call: CallResult) -> str:
    exchange = call.exchange
    head = f"HTTP {call.status}" if call.status else "no HTTP response"
    if call.error_code and call.error_code != str(call.status):  # botocore names an unnamed error by its status
        head += f" {call.error_code}"
    if call.transport_error:
        head += f" ({call.transport_error})"
    if exchange is not None and exchange.response_body:
        body = exchange.response_body
        try:
            document = read_json(body)
        except (TooDeepJson, UnreadableJson):
            document = None
        text = _dumps(document) if isinstance(document, dict) else body.decode("utf-8", "replace")
        return f"{head} {_clip(text, _BODY_SHOWN)}"
    if call.parsed is not None:
        return f"{head} {_clip(_dumps(call.parsed), _BODY_SHOWN)}"
    return head


def _dumps(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False, separators=(", ", ": "))


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split()) if "\n" in text else text
    return text if len(text) <= limit else f"{text[: limit - 3]}... ({len(text)} chars)"
