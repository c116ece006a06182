"""The random property checks: Hypothesis draws inputs, the target answers, failures are shrunk and replayed.

Both draw from the model at the campaign's release (``--api-version``). ``random-valid`` draws valid inputs
(and any caller) and holds the answers to the valid-input properties;
``random-invalid`` draws inputs with one broken constraint and holds them to the refusal properties (400,
naming the field, no state change). A failing example is shrunk by Hypothesis; the outcome of its final
replay (the minimal example) is the one written as a reproducer; when shrinking runs out of its time budget, the
smallest failing example seen so far is written instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import example, given
from hypothesis import settings as Settings
from hypothesis import strategies as st
from hypothesis.control import current_build_context

from conformance.fuzz.campaign import Campaign
from conformance.fuzz.catalogue import PROPERTIES
from conformance.fuzz.execute import Variant, VariantResult
from conformance.fuzz.profiles import ShrinkClock, run_test
from conformance.fuzz.refusals import planned_refusal
from conformance.fuzz.results import Tally, no_pass_reason, outcome_of
from conformance.fuzz.seeds import CORE_OPERATIONS, seed_for
from conformance.fuzz.strategies import invalid_variant, valid_variant
from conformance.model import vocabulary

_STRATEGIES: dict[str, Callable[..., st.SearchStrategy[Variant]]] = {
    "random-valid": valid_variant,
    "random-invalid": invalid_variant,
}


def _baseline_first(name: str, operation_name: str, campaign: Campaign) -> Callable[[Any], Any]:
    """``random-valid`` tries the required baseline by the standing caller first (a Hypothesis explicit example).

    It is the positive control that only a working target passes, whatever the random draws are refused for.
    """
    if name != "random-valid":
        return lambda test: test
    seed = seed_for(operation_name, campaign.at)
    params = dict(seed.required.params)
    refusal = planned_refusal(operation_name, seed.actor, params, campaign.at)
    label = f"required baseline as {seed.actor}"
    return example(Variant(name, operation_name, seed.actor, params, label, refusal=refusal))


def _size(outcome: VariantResult) -> int:
    """How big a failing example is (smaller is a better reproducer)."""
    return len(repr(outcome.variant.params))


class PropertyFailed(AssertionError):
    """Raised inside the Hypothesis test when a drawn input breaks a property (so Hypothesis shrinks it)."""


@dataclass(slots=True)
class _Record:
    ran: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    succeeded: int = 0
    final: VariantResult | None = None
    last: VariantResult | None = None
    notes: set[str] = field(default_factory=set)


def run_property(
    campaign: Campaign,
    name: str,
    operation_name: str,
    settings: Settings,
    seed: int | None,
    *,
    shrink_seconds: float = 60.0,
) -> Tally:
    """Run one random property on one operation; the tally counts every example Hypothesis executed.

    Shrinking stops ``shrink_seconds`` after the first failure; the smallest failing example seen is reported.
    """
    if name not in _STRATEGIES:
        raise ValueError(f"unknown property {name!r}; known: {', '.join(PROPERTIES)}")
    record = _Record()
    clock = ShrinkClock(shrink_seconds)
    campaign.runner.forget()
    started = time.perf_counter()

    @settings
    @given(_STRATEGIES[name](operation_name, at=campaign.at))
    @_baseline_first(name, operation_name, campaign)
    def check(variant: Variant) -> None:
        clock.check()
        outcome = campaign.runner.run(variant)
        if outcome.status == "skip":
            record.skipped += 1
            record.notes.add(outcome.note)
            return
        record.ran += 1
        record.succeeded += outcome.result is not None and outcome.result.ok
        if outcome.status == "pass":
            record.passed += 1
            return
        record.failed += outcome.status == "fail"
        record.errors += outcome.status == "error"
        clock.failed()
        if record.last is None or _size(outcome) <= _size(record.last):
            record.last = outcome
        if current_build_context().is_final:
            record.final = outcome
        raise PropertyFailed("; ".join(str(p) for p in outcome.problems))

    note = run_test(check, seed=seed, clock=clock, failure=PropertyFailed)
    note = "; ".join(filter(None, [note, clock.note]))
    failing = record.final or record.last
    findings = (campaign.finding(failing, stem=f"fuzz-{name}-{operation_name}"),) if failing is not None else ()
    # Only the suite's own operations have a baseline that must succeed (the positive control); an operation fuzzed
    # from its shape alone names resources that do not exist, so all refused is no sign of a broken target there.
    counted = name == "random-valid" and operation_name in CORE_OPERATIONS
    succeeded = record.succeeded if counted else None
    outcome = outcome_of(
        len(findings) if record.failed else 0, record.errors, record.ran, skipped=record.skipped, succeeded=succeeded
    )
    if note and outcome == "PASS":
        outcome = vocabulary.Outcome.ERROR
    return Tally(
        name,
        operation_name,
        outcome,
        variants=record.ran,
        passed=record.passed,
        failed=record.failed,
        errors=record.errors,
        skipped=record.skipped,
        findings=findings,
        note="; ".join(
            filter(
                None,
                [no_pass_reason(record.ran, skipped=record.skipped, succeeded=succeeded), note, *sorted(record.notes)],
            )
        ),
        duration_s=time.perf_counter() - started,
        succeeded=succeeded,
    )
