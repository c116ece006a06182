"""Runs one generated input (a :class:`Variant`) against a target and judges it, with a reproducer on failure.

For each variant: borrow a fixture (a fresh one when a healthy target would change it), bind its references,
take the witness reads of a mutating call, make the call, judge the answer (:mod:`conformance.fuzz.judge`),
then either check that a refusal changed nothing or follow a success with its round-trip reads.

Every call is a step run by the scenario step engine (:class:`~conformance.scenario.runner.StepRunner`): the
plan step becomes a scenario step (:mod:`conformance.fuzz.steps`), the engine renders it against the fixture's
bindings, calls, reads the answer and judges a read's expectation with the scenario matchers. Everything that was
sent and read is kept as a :class:`~conformance.fuzz.plan.Plan`, so a failure comes with the scenario that replays
it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from conformance.fuzz.fixtures import CONSTANTS, Fixture, FixturePool
from conformance.fuzz.judge import DECODING_KINDS, Planned, Problem, judge_invalid, judge_valid
from conformance.fuzz.plan import MODEL, NO_BODY, Plan, PlanStep, Tag, reproducer_plan
from conformance.fuzz.readback import Read, round_trip, unchanged, witness_reads
from conformance.fuzz.refs import UnboundRef, resolve
from conformance.fuzz.results import SKIPPED
from conformance.fuzz.seeds import OPAQUE_MEMBERS, seed_for
from conformance.fuzz.steps import READ_EVIDENCE, context_of, to_step
from conformance.model import account_lists
from conformance.model.common_errors import is_known_error
from conformance.model.exchange import CallResult, read_json
from conformance.model.releases import LATEST_MODEL, ModelAt
from conformance.model.service import operation
from conformance.model.vocabulary import Evidence, EvidenceLevel, Outcome
from conformance.scenario.runner import StepResult, StepRunner

Status = Literal["pass", "fail", "skip", "error"]
CALL_STEP = "fuzzed call"
"""How the fuzzed call's step is named in a plan (``fuzzed call: <label>``)."""


class Target(Protocol):
    """What the fuzzer needs of a target (``RunningTarget`` has it)."""

    def call(
        self, actor: str, operation: str, params: Mapping[str, Any], *, raw_body: bytes | None = None
    ) -> CallResult: ...


@dataclass(frozen=True, slots=True)
class Broken:
    """The one constraint an invalid variant breaks."""

    kind: str
    """``too-long``, ``too-short``, ``bad-pattern``, ``unknown-enum``, ``too-many-items``, ``too-few-items``,
    ``missing-required``, ``two-union-members``, ``zero-union-members``, ``wrong-type``, ``below-range`` or
    ``above-range``."""
    path: str
    """Where, as the shape checker spells it (``members[0].displayName``)."""
    member: str
    """The member name an error should mention."""
    level: EvidenceLevel = EvidenceLevel.MODEL
    """``inferred`` when the value breaks a pattern only under the full-match reading (SMITHY-C, A14)."""


@dataclass(frozen=True, slots=True)
class Variant:
    """One generated call: who calls which operation with what, and whether the input is valid."""

    strategy: str
    operation: str
    actor: str
    params: Mapping[str, Any]
    label: str
    broken: Broken | None = None
    raw: bool = False
    """Send the body members as an exact JSON body (values botocore cannot serialize, e.g. wrong types)."""
    lists: bool = False
    """Also check that account-wide lists show what a successful write made (slower)."""
    refusal: Planned | None = None
    """Why a refusal is an expected answer to this valid input (None: it must succeed)."""

    @property
    def valid(self) -> bool:
        return self.broken is None


@dataclass(frozen=True, slots=True)
class VariantResult:
    """How one variant fared."""

    variant: Variant
    status: Status
    problems: tuple[Problem, ...] = ()
    result: CallResult | None = None
    plan: Plan | None = None
    note: str = ""
    params: Mapping[str, Any] | None = None
    """The parameters as sent (references bound)."""


class Runner:
    """Runs variants against one target, lending fixtures from one pool."""

    def __init__(self, target: Target, accounts: Mapping[str, str], *, at: ModelAt = LATEST_MODEL) -> None:
        self.target = target
        self.at = at
        """The release whose output shapes the answers are checked against (``--api-version``)."""
        self.pool = FixturePool(self._setup_call, accounts)
        self.generation = 0
        """Bumped by every call that may have changed state; witness reads of one generation are reused."""
        self._witnessed: dict[str, tuple[int, Any]] = {}

    def run(self, variant: Variant, *, keep_plan: bool = False) -> VariantResult:
        """Run one variant; ``keep_plan`` records its reproducer plan even when it passes."""
        seed = seed_for(variant.operation)
        fixture = self.pool.acquire(fresh=seed.touches_fixture and variant.valid)
        try:
            params = resolve(variant.params, fixture.bindings)
        except UnboundRef as exc:
            self.pool.release(fixture, clean=True)
            return VariantResult(variant, "skip", note=f"{SKIPPED}{exc}")
        return _Session(self, fixture).run(variant, params, seed.mutating, seed.touches_fixture, keep_plan)

    def forget(self) -> None:
        """Drop remembered witness reads: calls made outside this runner (another check) may have changed state."""
        self._witnessed.clear()

    def _setup_call(self, actor: str, operation_name: str, params: Mapping[str, Any]) -> CallResult:
        self.generation += 1
        return self.target.call(actor, operation_name, params)

    def witnessed(self, key: str) -> Any:
        """A witness read taken in this generation (the state it shows cannot have changed since)."""
        found = self._witnessed.get(key)
        return found[1] if found is not None and found[0] == self.generation else None

    def remember(self, key: str, value: Any) -> None:
        self._witnessed[key] = (self.generation, value)


class _Session:
    """One variant's calls, run through the scenario step engine, and the plan that records them.

    ``steps[i]`` is the plan step of the engine's ``steps[i]`` (the fixture's setup steps first, with no answer:
    the pool made those calls), so a :class:`~conformance.fuzz.plan.StepRef` names the same step in both.
    """

    def __init__(self, runner: Runner, fixture: Fixture) -> None:
        self.runner = runner
        self.fixture = fixture
        self.steps: list[PlanStep] = [
            PlanStep(s.name, s.actor, s.operation, dict(s.params), save=dict(s.save)) for s in self.fixture.steps
        ]
        # The fuzz oracle (judge.py) checks the fuzzed call's answer against the model at the campaign's release;
        # the reads are judged by their written expectations only, as before the two runners became one.
        self.engine = StepRunner(runner.target, context_of(fixture.bindings), model_checks=False, catch=False)
        for _ in self.steps:
            self.engine.record(None)
        self.shown: list[int] = list(range(len(self.steps)))
        """Plan positions the reproducer keeps (setup, the call, and the reads that failed)."""
        self.call_at: int | None = None
        """The plan position of the fuzzed call, once made."""

    def run(
        self, variant: Variant, params: Mapping[str, Any], mutating: bool, touches: bool, keep_plan: bool
    ) -> VariantResult:
        witnesses = witness_reads(variant.operation, variant.actor) if mutating else ()
        before: list[tuple[Read, int]] = []
        for read in witnesses:
            at = self._witness(read)
            if at is not None:
                before.append((read, at))
        done = self._run(_call_step(variant, None, ()), judge=False)
        at = self.call_at = len(self.steps) - 1
        self.shown.append(at)
        result = done.call
        if result is None:
            # Not even a request: a generated value the step engine could not render (a suite problem).
            problems = [Problem("transport", "; ".join(str(f) for f in done.failures))]
            self.runner.pool.release(self.fixture, clean=False)
            plan = self._plan(variant, problems, at)
            return VariantResult(variant, "error", tuple(problems), None, plan, params=params)
        if result.transport_error is not None:
            problems = judge_valid(variant.operation, result, at=self.runner.at)
            self.runner.pool.release(self.fixture, clean=False)
            self.steps[at] = _call_step(variant, result, problems)
            plan = self._plan(variant, problems, at)
            return VariantResult(variant, "error", tuple(problems), result, plan, params=params)
        answer = done.response
        # The oracle's paths point into the body as sent (a list's items by their place in it).
        body = _body(result)
        problems = [p for p in self._judge(variant, result) if self._concerns_us(variant.operation, p, body)]
        refused = result.error_code is not None or not 200 <= result.status < 300
        if mutating and not refused:
            self.runner.generation += 1
        changed = False
        if refused:
            for read, first in before:
                self.shown.append(first)
                found = self._check(unchanged(read, first), "state-changed", witness=True)
                changed |= bool(found)
                problems += found
            if changed:
                self.runner.generation += 1
        elif variant.valid:
            written = answer if isinstance(answer, Mapping) else {}
            for read in round_trip(variant.operation, variant.actor, variant.params, at, written, lists=variant.lists):
                problems += self._check(read, "echo")
        self.runner.pool.release(self.fixture, clean=not touches or (refused and not changed))
        if variant.operation == "CreateCollaboration" and not refused:
            self._delete_created(variant.actor, answer)
        if not problems:
            kept = self._plan(variant, [], at) if keep_plan else None
            return VariantResult(variant, "pass", (), result, kept, params=params)
        self.steps[at] = _call_step(variant, result, problems)
        return VariantResult(variant, "fail", tuple(problems), result, self._plan(variant, problems, at), params=params)

    # -- calls ------------------------------------------------------------------------------------------------

    def _delete_created(self, actor: str, answer: Any) -> None:
        """Delete a collaboration a variant made, once judged: it keeps the caller's list short."""
        created = answer.get("collaboration", {}).get("id") if isinstance(answer, Mapping) else None
        if isinstance(created, str):
            self.runner.generation += 1
            self.runner.target.call(actor, "DeleteCollaboration", {"collaborationIdentifier": created})

    def _run(self, step: PlanStep, *, judge: bool = True, paged: bool = False) -> StepResult:
        """Run one plan step through the step engine.

        A paged read takes every page; of an account-wide list, only the items this check made or was lent count
        (other tests add and remove their own meanwhile).
        """
        index = len(self.steps)
        self.steps.append(step)
        scenario_step = replace(to_step(step, index), all_pages=paged)
        only = frozenset(self._ours()) if judge and step.operation in account_lists.ACCOUNT_WIDE else None
        return self.engine.run(scenario_step, judge=judge, only=only)

    def _ours(self) -> set[str]:
        """The ids this check made or was lent: the fixture's, and what the fuzzed call's answer names."""
        ours = {value for name, value in self.fixture.bindings.items() if not name.startswith("accounts.")}
        ours -= set(CONSTANTS.values())
        if self.call_at is not None:
            answer = self.engine.values[self.call_at]
            if isinstance(answer, Mapping):
                for value in answer.values():
                    if isinstance(value, Mapping):
                        ours |= account_lists.item_ids(value)
        return ours

    def _concerns_us(self, operation_name: str, problem: Problem, answer: Any) -> bool:
        """Whether a problem of the call's own answer is about something this check made.

        An account-wide list holds other tests' resources too; what is wrong with one of those (a name a
        scenario stored) is not this check's failure. Problems of the answer as a whole, and of our items, are.
        """
        if problem.kind not in ("shape", "wire"):
            return True
        return account_lists.concerns(operation_name, problem.path, answer, self._ours())

    def _witness(self, read: Read) -> int | None:
        """The state before a call, as a plan position (None when the read did not succeed).

        The last witness read of the same thing is reused when nothing has changed since.
        """
        key = self._key(read)
        value = self.runner.witnessed(key) if key else None
        if value is not None:
            self.steps.append(read.step)
            self.engine.record(value)
            return len(self.steps) - 1
        done = self._run(read.step, paged=read.paged is not None)
        if not _succeeded(done):
            return None
        if key:
            self.runner.remember(key, done.response)
        return len(self.steps) - 1

    def _key(self, read: Read) -> str:
        try:
            params = resolve(read.step.params, self.fixture.bindings)
        except UnboundRef:
            return ""
        return json.dumps([read.step.actor, read.step.operation, params], sort_keys=True)

    def _check(self, read: Read, kind: str, *, witness: bool = False) -> list[Problem]:
        """Run a read-back (always a real read: this is the observation being judged) and its expectation."""
        done = self._run(read.step, paged=read.paged is not None)
        if witness and _succeeded(done):
            key = self._key(read)
            if key:
                self.runner.remember(key, done.response)
        if not done.failures:
            return []
        self.shown.append(len(self.steps) - 1)
        evidence = read.step.evidence or READ_EVIDENCE
        name = read.step.name
        return [Problem(kind, f"{name}: {failure}", evidence.level, evidence.source) for failure in done.failures]

    # -- judging and the reproducer ---------------------------------------------------------------------------

    def _judge(self, variant: Variant, result: CallResult) -> list[Problem]:
        broken = variant.broken
        if broken is None:
            opaque = any(name in variant.params for name in OPAQUE_MEMBERS)
            return judge_valid(variant.operation, result, opaque=opaque, planned=variant.refusal, at=self.runner.at)
        return judge_invalid(
            variant.operation,
            result,
            kind=broken.kind,
            path=broken.path,
            member=broken.member,
            level=broken.level,
            at=self.runner.at,
        )

    def _plan(self, variant: Variant, problems: list[Problem], at: int) -> Plan:
        title = f"fuzz {variant.strategy} {variant.operation}: {variant.label}"
        description = "\n".join(str(p) for p in problems)
        return reproducer_plan(title, description, self.steps, self.shown, setup=len(self.fixture.steps), at=at)


def _succeeded(done: StepResult) -> bool:
    """Whether a read answered with a success (what its expectation says aside)."""
    call = done.call
    return done.outcome in (Outcome.PASS, Outcome.FAIL) and call is not None and call.error_code is None


def _call_step(variant: Variant, result: CallResult | None, problems: list[Problem] | tuple[Problem, ...]) -> PlanStep:
    """The fuzzed call as a plan step; once answered (``result``), expecting what a conforming target answers."""
    params: Mapping[str, Any] = variant.params
    body: Any = NO_BODY
    if variant.raw:
        params, body = split_body(variant.operation, variant.params)
    expect_error, evidence = _expected_error(variant, result, problems) if result is not None else (None, None)
    return PlanStep(
        f"{CALL_STEP}: {variant.label}",
        variant.actor,
        variant.operation,
        dict(params),
        raw_body=body,
        expect_error=expect_error,
        evidence=evidence,
    )


def _expected_error(
    variant: Variant, result: CallResult, problems: list[Problem] | tuple[Problem, ...]
) -> tuple[dict[str, Any] | None, Evidence | None]:
    broken = variant.broken
    if broken is not None:
        code: Any = "ValidationException"
        if broken.kind in DECODING_KINDS:
            code = Tag("one_of", ["ValidationException", "SerializationException"])
        expected: dict[str, Any] = {"code": code, "status": 400}
        if any(p.kind == "field-not-named" for p in problems):
            expected["message"] = Tag("regex", f"(?s).*{re.escape(broken.member)}.*")
        if any(p.kind == "wrong-reason" for p in problems):
            expected["reason"] = "FIELD_VALIDATION_FAILED"
        source = "SMITHY-C, A14" if broken.level == "inferred" else "MODEL"
        return expected, Evidence(EvidenceLevel(broken.level), source)
    code_seen = result.error_code
    refused = code_seen is not None and result.status >= 300
    hard = {"server-error", "rejected-valid", "transport"}
    recognised = is_known_error(variant.operation, code_seen or "")
    if refused and recognised and result.status < 500 and not any(p.kind in hard for p in problems):
        # A refusal with a recognised type: the reproducer keeps it, and the automatic wire checks (or the
        # witness reads after it) show what was wrong with it.
        return {"code": code_seen}, MODEL
    # Success was the right answer to this valid input; the model checks judge its body.
    return None, MODEL


def split_body(operation_name: str, params: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Members bound to the path/query/headers (by member name) and the JSON body (by wire name)."""
    shape = operation(operation_name).input_shape
    outside: dict[str, Any] = {}
    body: dict[str, Any] = {}
    for name, value in params.items():
        member = shape.members.get(name) if shape is not None else None
        if member is not None and member.serialization.get("location"):
            outside[name] = value
        else:
            wire = member.serialization.get("name", name) if member is not None else name
            body[wire] = value
    return outside, body


def _body(result: CallResult) -> Any:
    """The response body as JSON ({} for an empty success), None when it is not JSON."""
    exchange = result.exchange
    if exchange is None or not exchange.response_body.strip():
        return {} if result.ok else None
    try:
        return read_json(exchange.response_body)
    except ValueError:
        return None


__all__ = ["Broken", "Planned", "Runner", "Target", "Variant", "VariantResult", "split_body"]
