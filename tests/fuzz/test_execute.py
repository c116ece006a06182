from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from conformance.fuzz import reproducer
from conformance.fuzz.execute import Broken, Runner, Variant, split_body
from conformance.fuzz.refusals import planned_refusal
from conformance.fuzz.seeds import COLLAB, REQUEST
from conformance.fuzz.steps import to_step
from conformance.model.vocabulary import Outcome as ScenarioOutcome
from conformance.scenario.format import Step
from conformance.scenario.loader import load_scenario
from conformance.scenario.runner import StepResult, StepRunner, run_scenario
from conformance.targets import RunningTarget


def test_a_valid_variant_passes_and_a_broken_one_is_judged(healthy: RunningTarget) -> None:
    runner = Runner(healthy, healthy.accounts)
    ok = runner.run(Variant("t", "GetCollaboration", "creator", {"collaborationIdentifier": COLLAB}, "get"))
    assert ok.status == "pass"
    assert ok.params is not None
    assert ok.params["collaborationIdentifier"] != COLLAB
    bad = Variant(
        "t",
        "GetCollaboration",
        "creator",
        {"collaborationIdentifier": "x" * 37},
        "long",
        broken=Broken("too-long", "collaborationIdentifier", "collaborationIdentifier"),
    )
    assert runner.run(bad).status == "pass"  # the reference refuses it properly


def test_a_refused_mutation_is_witnessed_and_a_success_round_trips(healthy: RunningTarget) -> None:
    runner = Runner(healthy, healthy.accounts)
    params = {"collaborationIdentifier": COLLAB, "changeRequestIdentifier": REQUEST, "action": "APPROVE"}
    planned = planned_refusal("UpdateCollaborationChangeRequest", "creator", params)
    assert planned is not None  # the creator does not vote on the fixture's request (A1, A3)
    refused = runner.run(
        Variant("t", "UpdateCollaborationChangeRequest", "creator", params, "creator votes", refusal=planned)
    )
    assert refused.status == "pass"
    assert refused.result is not None
    assert refused.result.status == 403
    created = runner.run(
        Variant(
            "t",
            "CreateCollaboration",
            "creator",
            {
                "name": "n",
                "members": [],
                "creatorMemberAbilities": [],
                "creatorDisplayName": "c",
                "queryLogStatus": "DISABLED",
                "description": "d",
            },
            "create",
            lists=True,
        ),
        keep_plan=True,
    )
    assert created.status == "pass"
    assert created.plan is not None
    assert [s.operation for s in created.plan.steps] == ["CreateCollaboration"]


def test_wrong_types_travel_in_a_raw_body(healthy: RunningTarget) -> None:
    runner = Runner(healthy, healthy.accounts)
    variant = Variant(
        "t",
        "CreateMembership",
        "member2",
        {"collaborationIdentifier": COLLAB, "queryLogStatus": 7},
        "wrong type",
        broken=Broken("wrong-type", "queryLogStatus", "queryLogStatus"),
        raw=True,
    )
    outcome = runner.run(variant)
    assert outcome.status == "pass"
    assert outcome.result is not None
    assert outcome.result.exchange is not None
    assert b'"queryLogStatus": 7' in outcome.result.exchange.request_body


def test_unbound_references_skip_the_variant(healthy: RunningTarget) -> None:
    runner = Runner(healthy, healthy.accounts)
    from conformance.fuzz.refs import Ref

    skipped = runner.run(Variant("t", "GetMembership", "creator", {"membershipIdentifier": Ref("nothing")}, "x"))
    assert skipped.status == "skip"
    assert "nothing" in skipped.note


def test_split_body_uses_wire_names_and_keeps_path_members_apart() -> None:
    outside, body = split_body("CreateCollaborationChangeRequest", {"collaborationIdentifier": "c", "changes": []})
    assert outside == {"collaborationIdentifier": "c"}
    assert body == {"changes": []}


def test_a_failure_keeps_a_plan_with_setup_witness_and_call(broken, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = broken("refused-update-mutates")
    runner = Runner(target, target.accounts)
    params = {"collaborationIdentifier": COLLAB, "changeRequestIdentifier": REQUEST, "action": "APPROVE"}
    planned = planned_refusal("UpdateCollaborationChangeRequest", "creator", params)
    variant = Variant("t", "UpdateCollaborationChangeRequest", "creator", params, "creator votes", refusal=planned)
    outcome = runner.run(variant)
    assert outcome.status == "fail"
    assert {p.kind for p in outcome.problems} == {"state-changed"}
    assert outcome.plan is not None
    names = [s.name for s in outcome.plan.steps]
    assert names[-3].startswith("witness")
    assert names[-2].startswith("fuzzed call")
    assert names[-1].startswith("witness")


def test_an_unplanned_refusal_of_a_valid_input_fails(healthy: RunningTarget) -> None:
    """The same vote without a plan that expects the refusal: the 403 is the target's ``rejected-valid``."""
    runner = Runner(healthy, healthy.accounts)
    params = {"collaborationIdentifier": COLLAB, "changeRequestIdentifier": REQUEST, "action": "APPROVE"}
    refused = runner.run(Variant("t", "UpdateCollaborationChangeRequest", "creator", params, "creator votes"))
    assert refused.status == "fail"
    assert [(p.kind, p.level) for p in refused.problems] == [("rejected-valid", "documented")]


_COLLABORATION = {
    "name": "elsewhere",
    "members": [],
    "creatorMemberAbilities": [],
    "creatorDisplayName": "c",
    "queryLogStatus": "DISABLED",
    "description": "d",
}


class _Busy:
    """A target shared with another test: before every CreateCollaboration, someone else creates one too."""

    def __init__(self, target: RunningTarget) -> None:
        self.target = target

    def call(self, actor: str, operation: str, params: Any, *, raw_body: bytes | None = None) -> Any:
        if operation == "CreateCollaboration":
            self.target.call("creator", "CreateCollaboration", _COLLABORATION)
        return self.target.call(actor, operation, params, raw_body=raw_body)


def test_witness_reads_judge_only_what_the_check_made(healthy: RunningTarget) -> None:
    """Another worker's collaboration appearing meanwhile is no state change of a refused CreateCollaboration."""
    runner = Runner(_Busy(healthy), healthy.accounts)
    params = {**_COLLABORATION, "analyticsEngine": "CLEAN_ROOMS_SQL"}  # refused (§3), as its plan says
    refusal = planned_refusal("CreateCollaboration", "creator", params)
    outcome = runner.run(Variant("t", "CreateCollaboration", "creator", params, "old engine", refusal=refusal))
    assert outcome.result is not None
    assert outcome.result.status == 400
    assert outcome.status == "pass", outcome.problems


class _Crowded:
    """A target whose ListCollaborations also shows a collaboration another test stored with a bad name."""

    def __init__(self, target: RunningTarget, *, ours_too: bool = False) -> None:
        self.target = target
        self.ours_too = ours_too

    def call(self, actor: str, operation: str, params: Any, *, raw_body: bytes | None = None) -> Any:
        result = self.target.call(actor, operation, params, raw_body=raw_body)
        if operation != "ListCollaborations" or result.exchange is None:
            return result
        body = json.loads(result.exchange.response_body)
        items = body["collaborationList"]
        # A blank name: no part of it matches the name pattern, so it breaks the model under either reading.
        if self.ours_too:
            items[:] = [{**item, "name": "   "} for item in items]
        else:
            # Nothing of ours in it: another account's membership is not named either.
            foreign = {k: v for k, v in items[0].items() if k not in ("membershipId", "membershipArn")}
            items.append({**foreign, "id": "0" * 36, "name": "   "})
        exchange = replace(result.exchange, response_body=json.dumps(body).encode())
        return replace(result, exchange=exchange)


def test_a_list_answer_is_judged_only_on_the_items_the_check_made(healthy: RunningTarget) -> None:
    """A collaboration another test stored with a name the output pattern refuses fails no ListCollaborations check."""
    variant = Variant("t", "ListCollaborations", "creator", {"maxResults": 100}, "everything")
    listed = Runner(_Crowded(healthy), healthy.accounts).run(variant)
    assert listed.status == "pass", listed.problems
    # The same fault on the check's own collaboration is its failure.
    ours = Runner(_Crowded(healthy, ours_too=True), healthy.accounts).run(variant)
    assert ours.status == "fail"
    assert {p.kind for p in ours.problems} == {"shape"}


class _Counting:
    """A target that counts the calls it gets, to compare with the steps the step engine ran."""

    def __init__(self, target: RunningTarget) -> None:
        self.target = target
        self.calls: list[str] = []

    def call(self, actor: str, operation: str, params: Any, *, raw_body: bytes | None = None) -> Any:
        self.calls.append(operation)
        return self.target.call(actor, operation, params, raw_body=raw_body)


def test_every_call_of_a_variant_is_a_step_of_the_scenario_step_engine(
    healthy: RunningTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Witness reads, the fuzzed call and the round trips all run through ``StepRunner`` (no second runner)."""
    ran: list[str] = []
    original = StepRunner.run

    def run(self: StepRunner, step: Step, *args: Any, **kwargs: Any) -> StepResult:
        ran.append(step.operation)
        return original(self, step, *args, **kwargs)

    monkeypatch.setattr(StepRunner, "run", run)
    counting = _Counting(healthy)
    runner = Runner(counting, healthy.accounts)
    runner.pool.acquire()  # the fixture's setup calls are the pool's, made before the variant
    setup = len(counting.calls)
    params = {"collaborationIdentifier": COLLAB, "name": "renamed"}
    assert runner.run(Variant("t", "UpdateCollaboration", "creator", params, "rename")).status == "pass"
    made = counting.calls[setup:]
    assert ran == ["GetCollaboration", "UpdateCollaboration", "GetCollaboration"]  # witness, call, round trip
    # Every other call builds the fresh fixture the update may change, or deletes it once judged.
    fixture = ["CreateCollaboration", "CreateMembership", "CreateMembership", "CreateCollaborationChangeRequest"]
    assert made == [*fixture, *ran, "DeleteCollaboration"]


def test_the_reproducer_holds_the_steps_the_engine_ran(broken, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = broken("refused-update-mutates")
    runner = Runner(target, target.accounts)
    params = {"collaborationIdentifier": COLLAB, "changeRequestIdentifier": REQUEST, "action": "APPROVE"}
    planned = planned_refusal("UpdateCollaborationChangeRequest", "creator", params)
    outcome = runner.run(Variant("t", "UpdateCollaborationChangeRequest", "creator", params, "vote", refusal=planned))
    assert outcome.status == "fail"
    assert outcome.plan is not None
    written = reproducer.write(outcome.plan, tmp_path, "repro", exchange=None, region="r")
    loaded = load_scenario(written.scenario)
    ran = [to_step(step, index) for index, step in enumerate(outcome.plan.steps)]
    assert [(s.operation, dict(s.params), s.expect) for s in loaded.steps] == [
        (s.operation, dict(s.params), s.expect) for s in ran
    ]
    # Replayed as a scenario on the same target, it fails where the fuzz check did: the refusal changed state.
    replayed = run_scenario(loaded, target, run_id=target.run_id, accounts=dict(target.accounts))
    assert replayed.outcome is ScenarioOutcome.FAIL
    assert replayed.steps[-1].step.name.startswith("witness")
