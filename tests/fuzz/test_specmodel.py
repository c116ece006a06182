from __future__ import annotations

from conformance.fuzz.specmodel import CONFLICT, FORBIDDEN, INVALID, ChangeSpec, SpecModel


def model(*joined: str, auto: tuple[str, ...] = ()) -> SpecModel:
    spec = SpecModel.created("creator", ["member", "member2"], auto, ["CAN_QUERY"])
    for actor in joined:
        assert spec.join(actor).succeeds
    return spec


ADD = ChangeSpec("MEMBER", "outsider")


def test_joining_and_standing() -> None:
    spec = model("member")
    assert spec.join("member").refusals == {CONFLICT}
    assert spec.join("outsider").refusals == {FORBIDDEN}
    assert spec.invited() == ["creator", "member2"]


def test_voting_follows_a1_a5_and_commit_applies_the_change() -> None:
    spec = model("creator", "member", "member2")
    prediction, request = spec.create("creator", [ADD], "r0")
    assert prediction.succeeds
    assert request is not None
    assert request.status == "PENDING"
    assert request.approvals == {"member": "PENDING", "member2": "PENDING"}
    assert spec.act("creator", request, "APPROVE").refusals == {FORBIDDEN}  # A3
    assert spec.act("creator", request, "COMMIT").refusals == {CONFLICT}
    assert spec.act("member", request, "APPROVE").succeeds
    assert request.status == "PENDING"
    assert spec.act("member", request, "DENY").refusals == {CONFLICT}  # A5: no second vote
    assert spec.act("member2", request, "APPROVE").succeeds
    assert request.status == "APPROVED"
    assert spec.act("member", request, "CANCEL").refusals == {FORBIDDEN}
    assert spec.act("creator", request, "COMMIT").succeeds
    assert request.status == "COMMITTED"
    assert spec.members["outsider"].status == "INVITED"  # §2


def test_one_deny_ends_the_request_and_cancel_works_from_approved() -> None:
    spec = model("member")
    _, request = spec.create("creator", [ADD], "r0")
    assert request is not None
    assert spec.act("member", request, "DENY").succeeds
    assert request.status == "DENIED"
    _, second = spec.create("creator", [ChangeSpec("MEMBER", "newcomer")], "r1")
    assert second is not None
    assert spec.act("member", second, "APPROVE").succeeds
    assert spec.act("creator", second, "CANCEL").succeeds
    assert second.status == "CANCELLED"


def test_auto_approval_no_voters_and_refusals() -> None:
    spec = model(auto=("ADD_MEMBER",))
    prediction, request = spec.create("creator", [ADD], "r0")
    assert prediction.source == "A4"
    assert request is not None
    assert request.status == "COMMITTED"
    assert request.auto
    spec2 = model()
    _, alone = spec2.create("creator", [ChangeSpec("COLLABORATION", auto_types=("ADD_MEMBER",))], "r0")
    assert alone is not None
    assert alone.status == "APPROVED"
    assert alone.approvals is None
    assert spec2.create("member", [ADD], "r1")[0].refusals == {FORBIDDEN}
    assert spec2.create("creator", [ChangeSpec("MEMBER", "creator")], "r1")[0].refusals == {INVALID}  # A11
    assert spec2.create("creator", [ChangeSpec("MEMBER", "member")], "r1")[0].refusals == {INVALID}  # no change
    grant = ChangeSpec("MEMBER", "member", abilities=("CAN_RECEIVE_RESULTS",))
    prediction, grant_request = spec2.create("creator", [grant], "r1")
    assert grant_request is not None
    assert grant_request.types == [["GRANT_RECEIVE_RESULTS_ABILITY"]]
    assert spec2.create("creator", [grant], "r2")[0].refusals == {CONFLICT}  # A10: still open
    assert spec2.create("creator", [ADD, ADD], "r2")[0].refusals >= {INVALID}
    refused = ChangeSpec("MEMBER", "newcomer", abilities=("CAN_QUERY",))
    assert spec2.create("creator", [refused], "r2")[0].refusals == {INVALID}  # A12


def test_payer_and_ml_changes_derive_their_types() -> None:
    spec = model()
    change = ChangeSpec("MEMBER", "member", ml=("CAN_RECEIVE_MODEL_OUTPUT",), payer=True)
    _, request = spec.create("creator", [change], "r0")
    assert request is not None
    assert sorted(request.types[0]) == ["ADD_PAYER_CANDIDATE", "GRANT_CAN_RECEIVE_MODEL_OUTPUT"]
