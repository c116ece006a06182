"""Runs steps through a :class:`Caller` and judges every answer: the suite's one step engine.

:class:`StepRunner` runs one step at a time against a shared template context; :func:`run_scenario` is a loop
over it, and the fuzz layer runs its generated calls and read-backs through it too.

Per step: render the templates, make the call, then judge in three layers.

1. What happened at all (:mod:`.answers`): a transport failure or an unreadable body is ERROR; a target that
   does not have the operation (HTTP 501, an unknown-operation error code, a 404/405 that names no Clean Rooms
   error) is UNSUPPORTED. A ``pages: all`` step first follows its list to the last page (:mod:`.pages`).
2. The written expectation (``expect`` / ``expect_error``, or "must succeed" when neither is given, or any one
   of the ``expect_one_of`` alternatives), at the step's evidence level, by :mod:`.matchers`.
3. The automatic model checks, on every step (:mod:`.modelchecks`): the output shape of a success body and the
   wire rules of the raw exchange.

The scenario stops at the first step that is ERROR or UNSUPPORTED, fails its written expectation or cannot
save what it should: later steps depend on it. Model-check failures are recorded and the scenario goes on.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import jmespath

from conformance.model import account_lists
from conformance.model.exchange import CallResult
from conformance.model.service import OperationInfo, Paging, operation, paging
from conformance.scenario.answers import Answer, narrowed, read_answer
from conformance.scenario.format import MODEL_EVIDENCE, Alternative, Scenario, Step
from conformance.scenario.matchers import match
from conformance.scenario.modelchecks import known_ids, model_failures, strings
from conformance.scenario.outcomes import Outcome
from conformance.scenario.pages import later_pages
from conformance.scenario.results import Failure, FailureKind, ScenarioResult, StepResult
from conformance.scenario.templating import Render, TemplateError, compile_string, compile_tree

__all__ = [
    "Caller",
    "CompiledStep",
    "Failure",
    "FailureKind",
    "ScenarioResult",
    "StepResult",
    "StepRunner",
    "compile_step",
    "run_scenario",
]


class Caller(Protocol):
    """Makes one API call as an actor (the targets layer implements it).

    Service errors and transport failures are *returned* in the :class:`CallResult`; an exception means the
    call could not even be made, which the runner reports as ERROR. ``params`` must not be modified.
    """

    def call(
        self, actor: str, operation: str, params: Mapping[str, Any], *, raw_body: bytes | None = None
    ) -> CallResult: ...


def run_scenario(
    scenario: Scenario,
    caller: Caller,
    *,
    run_id: str,
    accounts: Mapping[str, str],
    model_checks: bool = True,
) -> ScenarioResult:
    """Run every step of ``scenario`` through ``caller``; never raises for what the target does.

    ``model_checks=False`` leaves out the automatic shape and wire checks (for tools that judge only the
    written expectations, and for measuring the runner itself).
    """
    started = time.perf_counter()
    context: dict[str, Any] = {"run_id": run_id, "accounts": accounts, "scenario_id": scenario.id}
    runner = StepRunner(caller, context, model_checks=model_checks)
    results: list[StepResult] = []
    for step, compiled in zip(scenario.steps, _plan(scenario), strict=True):
        result = runner.run(step, compiled)
        results.append(result)
        if result.halts:
            break
    return ScenarioResult(scenario, tuple(results), time.perf_counter() - started)


class StepRunner:
    """Runs steps one at a time through one caller, sharing one template context.

    ``context`` is the template scope: ``run_id``, ``accounts``, ``scenario_id`` and every name a step saves;
    ``steps`` (each step's response or error value, in order) is kept here and grows with every :meth:`run`.
    ``catch=False`` lets an exception of the caller propagate instead of becoming the step's ERROR (the fuzz
    layer's time budgets are exceptions raised inside calls).
    """

    def __init__(
        self, caller: Caller, context: dict[str, Any], *, model_checks: bool = True, catch: bool = True
    ) -> None:
        self.caller = caller
        self.context = context
        self.values: list[Any] = context.setdefault("steps", [])
        self.model_checks = model_checks
        self.catch = catch
        self.seen: set[str] = set()
        """The strings of the answers that name this context's own resources (not account-wide lists)."""

    def run(
        self,
        step: Step,
        compiled: CompiledStep | None = None,
        *,
        judge: bool = True,
        only: frozenset[str] | None = None,
    ) -> StepResult:
        """Render, call, read and judge one step; its response becomes ``steps[-1]`` of the context.

        ``judge=False`` skips the written expectation (another oracle judges the answer) and saves nothing.
        ``only``: of an account-wide list's answer, judge and keep only the items that name one of these ids
        (other tests' resources come and go meanwhile).
        """
        result = _run_step(step, compiled or compile_step(step), self, judge, only)
        self.values.append(result.response)
        if step.operation not in account_lists.ACCOUNT_WIDE:
            self.seen |= strings(result.response)
        return result

    def record(self, value: Any) -> None:
        """Add a response obtained without a call (a read known not to have changed) as the next step's."""
        self.values.append(value)


# --- compiled steps ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompiledStep:
    """A step's templates and JMESPath expressions, compiled once (per scenario, for a scenario's steps)."""

    info: OperationInfo
    params: Render
    raw_body: Render | None
    expect: Render | None
    expect_error: Render | None
    one_of: tuple[tuple[Render | None, Render | None], ...]
    """Each ``expect_one_of`` alternative's ``expect`` and ``expect_error``."""
    save: tuple[tuple[str, str, Any], ...]
    paging: Paging | None
    """Set for a ``pages: all`` step."""


_PLANS: weakref.WeakKeyDictionary[Scenario, tuple[CompiledStep, ...]] = weakref.WeakKeyDictionary()


def _plan(scenario: Scenario) -> tuple[CompiledStep, ...]:
    plans = _PLANS.get(scenario)
    if plans is None:
        plans = tuple(compile_step(step) for step in scenario.steps)
        _PLANS[scenario] = plans
    return plans


def compile_step(step: Step) -> CompiledStep:
    """Compile ``step``'s templates (each distinct template text is compiled once per process)."""
    return CompiledStep(
        info=operation(step.operation),
        params=compile_tree(dict(step.params)),
        raw_body=compile_string(step.raw_body) if step.raw_body is not None else None,
        expect=compile_tree(step.expect) if step.expect is not None else None,
        expect_error=compile_tree(step.expect_error) if step.expect_error is not None else None,
        one_of=tuple(
            (
                compile_tree(alternative.expect) if alternative.expect is not None else None,
                compile_tree(alternative.expect_error) if alternative.expect_error is not None else None,
            )
            for alternative in step.expect_one_of
        ),
        save=tuple((name, text, jmespath.compile(text)) for name, text in step.save.items()),
        paging=paging(step.operation) if step.all_pages else None,
    )


# --- one step ----------------------------------------------------------------------------------------------


def _run_step(
    step: Step, plan: CompiledStep, runner: StepRunner, judge: bool, only: frozenset[str] | None
) -> StepResult:
    started = time.perf_counter()
    evidence = step.evidence
    context = runner.context
    try:
        params = plan.params(context)
        raw_body = plan.raw_body(context).encode("utf-8") if plan.raw_body is not None else None
        expected = plan.expect(context) if plan.expect is not None and judge else None
        expected_error = plan.expect_error(context) if plan.expect_error is not None and judge else None
        accepted = tuple(
            (want(context) if want is not None else None, error(context) if error is not None else None)
            for want, error in (plan.one_of if judge else ())
        )
    except TemplateError as exc:
        failure = Failure("template", str(exc), evidence, step.index, line=step.line)
        return StepResult(step, Outcome.FAIL, (failure,), duration_s=time.perf_counter() - started, halts=True)

    pages: list[CallResult] = []

    matched: int | None = None

    def finish(
        outcome: Outcome,
        failures: Sequence[Failure],
        response: Any = None,
        call: CallResult | None = None,
        *,
        halts: bool = True,
    ) -> StepResult:
        return StepResult(
            step,
            outcome,
            _bounded(failures),
            params,
            raw_body,
            response,
            call,
            time.perf_counter() - started,
            tuple(pages),
            matched,
            halts,
        )

    caller = _Calls(runner.caller, runner.catch)
    result = caller(step, params, raw_body)
    if isinstance(result, Failure):
        return finish(Outcome.ERROR, [result])
    answer = read_answer(plan.info, result, step.index)
    if isinstance(answer, Failure):
        outcome = Outcome.UNSUPPORTED if answer.kind == "unsupported" else Outcome.ERROR
        return finish(outcome, [answer], call=result)

    # An account-wide list shows other tests' resources too: its items are judged only where the scenario knows them.
    # (and the items it names in this step's request and expectations: `!contains [{id: ...}]`).
    known = None
    if step.operation in account_lists.ACCOUNT_WIDE:
        known = known_ids(context, runner.seen) | strings([params, expected, accepted])
    model_checks = runner.model_checks
    page_failures = model_failures(step, result, answer, known) if model_checks else []
    if plan.paging is not None and answer.success:
        answer, more = later_pages(step, plan.info, plan.paging, caller, params, answer, pages, model_checks, known)
        page_failures += more
        if isinstance(answer, Failure):
            outcome = Outcome.UNSUPPORTED if answer.kind == "unsupported" else Outcome.ERROR
            return finish(outcome, [answer, *page_failures], call=result)
    if only is not None and answer.success and step.operation in account_lists.ACCOUNT_WIDE:
        answer = narrowed(step.operation, answer, only)

    if not judge:
        failures: list[Failure] = []
    elif accepted:
        failures, matched = _judge_one_of(step, answer, result, accepted)
    else:
        failures = _judge(step, step.alternatives[0], answer, result, expected, expected_error)
    stop = bool(failures)
    failures += page_failures
    if not stop and judge:
        for name, text, expression in plan.save:
            found = expression.search(answer.value)
            if found is None:
                message = f"save {name}: {text!r} found nothing in the response"
                failures.append(Failure("save", message, evidence, step.index, line=step.line))
                stop = True
            else:
                context[name] = found
    outcome = Outcome.FAIL if failures else Outcome.PASS
    return finish(outcome, failures, answer.value, result, halts=stop)


#: The most failures a step keeps; the rest become one summary failure. A 2 MB list answer whose every entry
#: lacks a member yields tens of thousands of findings: kept, they made a 51 MB results.json from one step.
MAX_STEP_FAILURES = 100


def _bounded(failures: Sequence[Failure]) -> tuple[Failure, ...]:
    if len(failures) <= MAX_STEP_FAILURES:
        return tuple(failures)
    kept, dropped = failures[:MAX_STEP_FAILURES], failures[MAX_STEP_FAILURES:]
    # The summary carries the strongest evidence of what it stands for, so --evidence gates exactly as before.
    strongest = max(dropped, key=lambda f: f.evidence.level)
    kinds = ", ".join(sorted({f.kind for f in dropped}))
    message = f"... and {len(dropped):,} more failures ({kinds}) not listed: a step keeps the first {len(kept)}"
    return (*kept, replace(strongest, message=message, path=""))


@dataclass(frozen=True, slots=True)
class _Calls:
    """Makes a step's calls; an exception of the caller is the step's ERROR unless ``catch`` is off."""

    caller: Caller
    catch: bool = True

    def __call__(self, step: Step, params: Mapping[str, Any], raw_body: bytes | None) -> CallResult | Failure:
        try:
            return self.caller.call(step.actor, step.operation, params, raw_body=raw_body)
        except Exception as exc:  # the caller could not make the call at all: a suite or configuration problem
            if not self.catch:
                raise
            message = f"the call could not be made: {type(exc).__name__}: {exc}"
            return Failure("error", message, MODEL_EVIDENCE, step.index)


def _judge(
    step: Step, alternative: Alternative, answer: Answer, result: CallResult, expected: Any, expected_error: Any
) -> list[Failure]:
    """The failures of ``answer`` against one accepted answer (rendered ``expected`` / ``expected_error``)."""
    evidence = step.evidence
    if expected_error is not None:
        if answer.success:
            want = expected_error.get("code")
            message = f"expected the error {want!r}, but the call succeeded (HTTP {result.status})"
            return [Failure("expectation", message, evidence, step.index, line=alternative.line)]
        return _mismatches(step, alternative, expected_error, answer.value)
    if not answer.success:
        error = answer.value
        said = f": {error['message']}" if error.get("message") else ""
        message = f"expected success, got {error['code']} (HTTP {error['status']}){said}"
        return [Failure("expectation", message, evidence, step.index, line=alternative.line)]
    if expected is None:
        return []
    return _mismatches(step, alternative, expected, answer.value)


def _judge_one_of(
    step: Step, answer: Answer, result: CallResult, accepted: Sequence[tuple[Any, Any]]
) -> tuple[list[Failure], int | None]:
    """No failure and the index of the first alternative the answer matches, or one failure saying why none did."""
    reasons: list[str] = []
    for index, (alternative, (expected, expected_error)) in enumerate(zip(step.expect_one_of, accepted, strict=True)):
        failures = _judge(step, alternative, answer, result, expected, expected_error)
        if not failures:
            return [], index
        kind = "expect" if expected_error is None else f"expect_error {expected_error.get('code')!r}"
        why = "; ".join(str(failure) for failure in failures)
        reasons.append(f"    [{index}] {kind} (line {alternative.line}): {why}")
    head = f"the answer matches none of the {len(accepted)} accepted answers (expect_one_of):"
    return [Failure("expectation", "\n".join([head, *reasons]), step.evidence, step.index, line=step.line)], None


def _mismatches(step: Step, alternative: Alternative, expected: Any, actual: Any) -> list[Failure]:
    return [
        Failure("expectation", m.message, step.evidence, step.index, path=m.path, line=alternative.line_of(m.path))
        for m in match(expected, actual)
    ]
