"""The stateful fuzzer: random sequences of joins, change requests, votes, cancels and commits by every actor.

A Hypothesis ``RuleBasedStateMachine`` drives one collaboration on the target and the spec model
(:mod:`conformance.fuzz.specmodel`) side by side. Every call's answer must be what the model predicts (a success
with the predicted status, approvals and change types, or one of the acceptable refusals), and after every step
the target's state is read back and compared with the model: the collaboration's auto-approved types, every
member's status and abilities, and the change-request list (contents, statuses, approvals, creation order).

Each call and failed read is recorded as a reproducer step whose expectation is the model's prediction, so the
minimal failing program that Hypothesis shrinks to is written as a scenario that fails the same way.

The machine speaks the API of the campaign's release (``--api-version``): before 2025-12-18 it has no votes,
cancels or commits (no UpdateCollaborationChangeRequest) and expects no ``approvals``; change specifications,
auto-approvable types and abilities are those of the release, and CreateCollaboration carries what that release
required (a ``description`` before 2026-06-30, no empty ML ability lists before then).

This module runs the machine and turns what it saw into the tally; the rules are in
:mod:`conformance.fuzz.machine_rules`, the requests and expected views in :mod:`conformance.fuzz.machine_views`.
"""

from __future__ import annotations

import time

from hypothesis import settings as Settings
from hypothesis.stateful import get_state_machine_test

from conformance.fuzz.campaign import Campaign
from conformance.fuzz.machine_rules import MachineFailure, Shared, Trace, build_machine
from conformance.fuzz.machine_views import UPDATE
from conformance.fuzz.plan import Evidence, Plan
from conformance.fuzz.profiles import ShrinkClock, run_test
from conformance.fuzz.results import Finding, Tally, outcome_of
from conformance.model.vocabulary import EvidenceLevel, Outcome

__all__ = ["CHECK", "NAME", "NEEDS", "UPDATE", "run_machine"]

NAME = "stateful"
CHECK = "change-requests"
#: Operations the machine needs (UpdateCollaborationChangeRequest only from the release that has it); without them
#: it is UNSUPPORTED.
NEEDS = (
    "CreateCollaboration",
    "CreateMembership",
    "ListMembers",
    "GetCollaboration",
    "CreateCollaborationChangeRequest",
    "ListCollaborationChangeRequests",
)


def run_machine(campaign: Campaign, settings: Settings, seed: int | None, *, shrink_seconds: float = 60.0) -> Tally:
    """Run the stateful fuzzer against the campaign's target; one tally (``fuzz:stateful:change-requests``).

    Shrinking stops ``shrink_seconds`` after the first failure; the shortest failing program seen is reported.
    """
    fuzzed = campaign.operations()
    needs = (*NEEDS, UPDATE) if campaign.at.has_operation(UPDATE) else NEEDS
    missing = [op for op in needs if op not in fuzzed]
    if missing:
        note = f"the target does not implement (or the run leaves out) {', '.join(missing)}"
        return Tally(NAME, CHECK, Outcome.UNSUPPORTED, note=note)
    started = time.perf_counter()
    shared = Shared(campaign, ShrinkClock(shrink_seconds))
    test = get_state_machine_test(build_machine(shared), settings=settings)
    try:
        note = run_test(test, seed=seed, clock=shared.clock, failure=MachineFailure)
    except Exception as exc:  # the suite or the target broke the run itself: report it, do not crash the session
        note = f"the stateful run stopped: {type(exc).__name__}: {exc}"
    broke = bool(note)
    note = "; ".join(filter(None, [note, shared.clock.note]))
    trace = shared.final or shared.last
    findings: tuple[Finding, ...] = ()
    if trace is not None:
        plan = Plan(
            "stateful change requests: the target departs from the spec model",
            "\n".join(str(p) for p in trace.problems),
            tuple(trace.steps),
            Evidence(EvidenceLevel.INFERRED, "A1, A4, A5, A7"),
        )
        findings = (_finding(campaign, plan, trace),)
    examples = shared.examples
    failed = 1 if trace is not None else 0
    outcome: Outcome = outcome_of(failed, int(broke), examples)
    return Tally(
        NAME,
        CHECK,
        outcome,
        variants=examples,
        passed=examples - shared.failed_examples,
        failed=shared.failed_examples,
        findings=findings,
        note="; ".join(filter(None, [note, f"{shared.calls} calls"])),
        duration_s=time.perf_counter() - started,
    )


def _finding(campaign: Campaign, plan: Plan, trace: Trace) -> Finding:
    from conformance.fuzz import reproducer

    path = curl = None
    if campaign.reproducers is not None:
        written = reproducer.write(
            plan, campaign.reproducers, f"fuzz-{NAME}-{CHECK}", exchange=trace.exchange, region=campaign.region
        )
        path, curl = str(written.scenario), str(written.curl) if written.curl else None
    return Finding(
        label=f"{len(trace.steps)} steps",
        problems=tuple(trace.problems),
        exchange=trace.exchange,
        reproducer=path,
        curl=curl,
    )
