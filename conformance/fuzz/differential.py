"""Differential mode: the same generated inputs sent to two targets, their answers compared.

Each variant runs on both targets (each with its own fixtures) and the answers are reduced to a comparable
form: the HTTP status, the error code, and for a success the body with run-specific values (ids, account ids,
times, tokens) replaced by placeholders. Masking is the report layer's job (``conformance.report.normalise``),
which this layer may not import, so the caller passes a :data:`NormaliserFactory`; the pytest glue hands in the
report layer's ``PlaceholderMap``/``normalise_response``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from conformance.fuzz import reproducer
from conformance.fuzz.campaign import Campaign
from conformance.fuzz.execute import CALL_STEP, Variant, VariantResult
from conformance.fuzz.judge import Problem
from conformance.fuzz.plan import Plan
from conformance.fuzz.results import Finding, Tally, outcome_of
from conformance.model.exchange import read_json
from conformance.model.vocabulary import Evidence, EvidenceLevel

NAME = "differential"

Normaliser = Callable[[Any], Any]
NormaliserFactory = Callable[[Mapping[str, str]], Normaliser]
"""Given a target's accounts (actor → account id), a fresh normaliser for one comparison."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What a target answered, in comparable form."""

    status: int
    code: str | None
    body: Any

    def describe(self) -> str:
        if self.code is not None:
            return f"HTTP {self.status} {self.code}"
        return f"HTTP {self.status} {json.dumps(self.body, sort_keys=True, default=str)[:300]}"


def answer(outcome: VariantResult, normalise: Normaliser) -> Answer:
    result = outcome.result
    if result is None:
        return Answer(0, "not sent", None)
    if result.transport_error is not None:
        return Answer(0, "transport error", None)
    if result.error_code is not None:
        return Answer(result.status, result.error_code, None)
    body: Any = None
    exchange = result.exchange
    if exchange is not None and exchange.response_body.strip():
        try:
            body = normalise(read_json(exchange.response_body))
        except ValueError:
            body = exchange.response_body[:200].decode("utf-8", "replace")
    return Answer(result.status, None, body)


def compare(
    first: Campaign,
    second: Campaign,
    operation_name: str,
    variants: Iterable[Variant],
    normaliser: NormaliserFactory,
    *,
    names: tuple[str, str] = ("target", "compare target"),
    max_findings: int = 3,
) -> Tally:
    """Run every variant on both targets; a variant passes when both answers are the same."""
    started = time.perf_counter()
    compared = same = skipped = 0
    findings: list[Finding] = []
    for variant in variants:
        one = first.runner.run(variant, keep_plan=True)
        two = second.runner.run(variant)
        if "skip" in (one.status, two.status):
            skipped += 1
            continue
        compared += 1
        a = answer(one, normaliser(_accounts(first)))
        b = answer(two, normaliser(_accounts(second)))
        if a == b:
            same += 1
            continue
        if len(findings) < max_findings:
            findings.append(_finding(first, variant, one, a, b, names))
    return Tally(
        NAME,
        operation_name,
        outcome_of(compared - same, 0),
        variants=compared,
        passed=same,
        failed=compared - same,
        skipped=skipped,
        findings=tuple(findings),
        duration_s=time.perf_counter() - started,
    )


def _accounts(campaign: Campaign) -> Mapping[str, str]:
    bindings = campaign.runner.pool.base_bindings()
    return {name.removeprefix("accounts."): value for name, value in bindings.items() if name.startswith("accounts.")}


def _finding(
    campaign: Campaign, variant: Variant, outcome: VariantResult, a: Answer, b: Answer, names: tuple[str, str]
) -> Finding:
    message = f"{names[0]}: {a.describe()}; {names[1]}: {b.describe()}"
    problem = Problem("difference", message, EvidenceLevel.INFERRED, "MODEL")
    path = curl = None
    if campaign.reproducers is not None and outcome.plan is not None and a.code != b.code:
        # The first target's answer becomes the expectation: the scenario passes there and fails on the other.
        expect_error = {"code": a.code} if a.code not in (None, "transport error", "not sent") else None
        steps = tuple(
            replace(step, expect_error=expect_error, evidence=Evidence(EvidenceLevel.INFERRED, "MODEL"))
            if step.name.startswith(CALL_STEP)
            else step
            for step in outcome.plan.steps
        )
        plan = Plan(f"differential {variant.operation}: {variant.label}", message, steps)
        stem = f"fuzz-{NAME}-{variant.operation}-{variant.strategy}"
        exchange = outcome.result.exchange if outcome.result else None
        written = reproducer.write(plan, campaign.reproducers, stem, exchange=exchange, region=campaign.region)
        path, curl = str(written.scenario), str(written.curl) if written.curl else None
    return Finding(label=variant.label, problems=(problem,), actor=variant.actor, reproducer=path, curl=curl)
