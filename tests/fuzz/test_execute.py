from __future__ import annotations

from pathlib import Path

from conformance.fuzz.execute import Broken, Runner, Variant, split_body
from conformance.fuzz.seeds import COLLAB, REQUEST, planned_refusal
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
