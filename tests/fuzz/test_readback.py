from __future__ import annotations

from conformance.fuzz.plan import StepRef, Tag
from conformance.fuzz.readback import round_trip, unchanged, witness_reads
from conformance.fuzz.refs import Ref


def test_witness_reads_cover_what_a_mutation_touches() -> None:
    assert [r.step.operation for r in witness_reads("CreateMembership", "member2")] == [
        "ListMembers",
        "ListMemberships",
    ]
    memberships = witness_reads("CreateMembership", "member2")[1].step
    assert memberships.actor == "member2"
    assert memberships.params == {"status": "ACTIVE", "maxResults": 100}  # live memberships only: stays short
    assert witness_reads("GetCollaboration", "creator") == ()
    (read,) = witness_reads("UpdateCollaborationChangeRequest", "creator")
    after = unchanged(read, 4)
    assert after.step.expect == {"collaborationChangeRequest": StepRef(4, "collaborationChangeRequest")}


def test_round_trips_echo_inputs_under_their_output_names() -> None:
    params = {
        "name": "n",
        "members": [{"accountId": Ref("accounts.member"), "memberAbilities": [], "displayName": "m"}],
        "creatorMemberAbilities": ["CAN_QUERY"],
        "creatorDisplayName": "c",
        "queryLogStatus": "DISABLED",
        "autoApprovedChangeRequestTypes": ["ADD_MEMBER"],
    }
    answer = {"collaboration": {"id": "x", "name": "n", "arn": "a"}}
    reads = round_trip("CreateCollaboration", "creator", params, 7, answer, lists=True)
    assert [r.step.operation for r in reads] == ["GetCollaboration", "ListMembers", "ListCollaborations"]
    get = reads[0].step.expect["collaboration"]
    assert isinstance(get, Tag)
    assert get.argument[0] == StepRef(7, "collaboration")
    assert get.argument[1]["autoApprovedChangeTypes"] == Tag("unordered", ["ADD_MEMBER"])
    listed = reads[2].step.expect["collaborationList"].argument[0]
    assert set(listed) == {"id", "name", "arn"}  # only what the write's answer had
    assert (
        round_trip("CreateCollaboration", "creator", params, 7, answer, lists=False)[-1].step.operation == "ListMembers"
    )
