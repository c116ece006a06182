"""What the stateful fuzzer sends and what it expects back, worked out from the spec model.

The requests of the release (CreateCollaboration's parameters, change specifications and their strategy), the
views a response or a read-back must match (a change request, a member row) as matcher trees of
:mod:`conformance.scenario.matchers` (via :mod:`conformance.fuzz.steps`),
and the one reading of A10 the machine treats as either answer. The rule
machine that uses them is :mod:`conformance.fuzz.machine_rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from conformance.fuzz.refs import Ref
from conformance.fuzz.specmodel import (
    AUTO_APPROVABLE,
    COLLABORATION_TARGET,
    ML_ABILITIES,
    OPEN,
    SPEC_ABILITIES,
    ChangeSpec,
    Prediction,
    Request,
    SpecModel,
)
from conformance.fuzz.steps import ABSENT, Tag
from conformance.model.exchange import CallResult, read_json
from conformance.model.releases import ModelAt

UPDATE = "UpdateCollaborationChangeRequest"
#: The actor of an account that is not in the collaboration yet (a change request may invite it).
NEWCOMER = "newcomer"


def auto_approvable(at: ModelAt) -> tuple[str, ...]:
    """The change types a collaboration of the release can auto-approve."""
    return at.enum_values("AutoApprovedChangeType", AUTO_APPROVABLE)


def change_specs(at: ModelAt) -> st.SearchStrategy[list[ChangeSpec]]:
    """Change specifications of the release: its abilities and MEMBER spec members, COLLABORATION from 2025-12-18."""
    spec = "MemberChangeSpecification"
    abilities = at.enum_values("MemberAbility", (*SPEC_ABILITIES, "CAN_QUERY"))
    ml = st.lists(st.sampled_from(ML_ABILITIES), unique=True).map(tuple)
    member = st.builds(
        ChangeSpec,
        kind=st.just("MEMBER"),
        account=st.sampled_from(["outsider", NEWCOMER, "member", "member2", "creator"]),
        abilities=st.lists(st.sampled_from(abilities), unique=True, max_size=2).map(tuple),
        ml=st.none() | ml if at.has_member(spec, "mlMemberAbilities") else st.none(),
        payer=st.none() | st.booleans() if at.has_member(spec, "paymentConfiguration") else st.none(),
        display_name=st.sampled_from([True, True, True, False]),
    )
    if "COLLABORATION" not in at.enum_values("ChangeSpecificationType", ("MEMBER", "COLLABORATION")):
        return st.lists(member, min_size=1, max_size=3)
    collaboration = st.builds(
        ChangeSpec,
        kind=st.just("COLLABORATION"),
        auto_types=st.lists(st.sampled_from(auto_approvable(at)), unique=True, max_size=3).map(tuple),
    )
    return st.lists(st.one_of(member, collaboration), min_size=1, max_size=3)


def create_params(invited: tuple[str, ...], auto: list[str], at: ModelAt) -> dict[str, Any]:
    """CreateCollaboration as the release takes it (its required members, its ML ability list minimum)."""
    empty_ml = not at.service_model().shape_for("CustomMLMemberAbilities").metadata.get("min")
    ml: dict[str, Any] = {"mlMemberAbilities": {"customMLMemberAbilities": []}} if empty_ml else {}
    params: dict[str, Any] = {
        "name": "fuzz-stateful",
        "members": [
            {
                "accountId": actor_account(actor),
                "memberAbilities": [],
                **ml,
                "displayName": actor,
                "paymentConfiguration": {"queryCompute": {"isResponsible": False}},
            }
            for actor in invited
        ],
        "creatorMemberAbilities": ["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
        **({"creatorMLMemberAbilities": ml["mlMemberAbilities"]} if ml else {}),
        "creatorDisplayName": "creator",
        "creatorPaymentConfiguration": {"queryCompute": {"isResponsible": True}},
        "queryLogStatus": "DISABLED",
        "autoApprovedChangeRequestTypes": auto,
    }
    if at.is_required("CreateCollaborationInput", "description", required_now=False):
        params["description"] = "made by the stateful fuzzer"
    return params


def collaboration_busy(model: SpecModel, changes: list[ChangeSpec]) -> bool:
    """Whether the request has a COLLABORATION change while an open request has one too."""
    wanted = any(change.kind == "COLLABORATION" for change in changes)
    return wanted and any(COLLABORATION_TARGET in r.targets for r in model.requests if r.status in OPEN)


def created_anyway(
    model: SpecModel, actor: str, changes: list[ChangeSpec], name: str
) -> tuple[Prediction, Request | None]:
    """The model after a target accepted a request that only the open-COLLABORATION-change reading refuses.

    Open requests stop counting the collaboration as busy for this one check; every other rule still applies
    (a refusal then leaves the model as it was and says why).
    """
    held = [(request, request.targets) for request in model.requests]
    for request in model.requests:
        request.targets = request.targets - {COLLABORATION_TARGET}
    try:
        return model.create(actor, changes, name)
    finally:
        for request, targets in held:
            request.targets = targets


def actor_account(actor: str) -> Ref:
    """The account of an actor as a reference to its binding (``new_account`` for the newcomer)."""
    if actor == NEWCOMER:
        return Ref("new_account", "account")
    return Ref(f"accounts.{actor}", "account")


def request_view(request: Request | None, *, changes: bool = True, approvals: bool = True) -> dict[str, Any]:
    """What a change request must look like; ``approvals`` is False before the release that added the member."""
    assert request is not None
    status: Any = Tag("one_of", [request.status, *sorted(request.also)]) if request.also else request.status
    view: dict[str, Any] = {"status": status, "isAutoApproved": request.auto}
    if not approvals:
        pass  # the release's model has no approvals: nothing to expect of them
    elif request.approvals:
        view["approvals"] = Tag(
            "exact", {actor_account(voter): {"status": vote} for voter, vote in request.approvals.items()}
        )
    else:
        view["approvals"] = ABSENT  # A2: approvals has min 1 entry, so no voters means no member
    if changes:
        view["changes"] = [{"types": Tag("unordered", list(types))} for types in request.types]
    return view


def member_view(actor: str, row: Any) -> dict[str, Any]:
    """What a member row of ListMembers must look like for the model's ``row``."""
    view: dict[str, Any] = {
        "accountId": actor_account(actor),
        "status": row.status,
        "abilities": Tag("unordered", sorted(row.abilities)),
    }
    if row.ml is not None:
        view["mlAbilities"] = {"customMLMemberAbilities": Tag("unordered", sorted(row.ml))}
    return view


def change_json(change: ChangeSpec) -> dict[str, Any]:
    """A change specification as the API takes it."""
    if change.kind == "COLLABORATION":
        return {
            "specificationType": "COLLABORATION",
            "specification": {"collaboration": {"autoApprovedChangeTypes": list(change.auto_types)}},
        }
    member: dict[str, Any] = {"accountId": actor_account(change.account), "memberAbilities": list(change.abilities)}
    if change.ml is not None:
        member["mlMemberAbilities"] = {"customMLMemberAbilities": list(change.ml)}
    if change.payer is not None:
        member["paymentConfiguration"] = {"queryCompute": {"isResponsible": change.payer}}
    if change.display_name:
        member["displayName"] = change.account
    return {"specificationType": "MEMBER", "specification": {"member": member}}


def response_json(result: CallResult) -> Any:
    """The JSON body of an answer: ``{}`` when there is none, None when it is not JSON."""
    exchange = result.exchange
    if exchange is None or not exchange.response_body:
        return {}
    try:
        return read_json(exchange.response_body)
    except ValueError:
        return None


def dig(value: Any, *keys: str) -> Any:
    """``value[keys[0]][keys[1]]...``, or None where a level is not a mapping."""
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value
