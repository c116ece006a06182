"""Change requests: deriving ``Change.types``, the approval state machine (§1.6) and what a commit does (§2).

Functions here take records and raise :class:`~conformance.reference.errors.ApiError`; the caller holds the
store lock. A refused call changes nothing (checks come before any write), except under the
``refused-update-mutates`` defect.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from conformance.model.service import service_model
from conformance.reference.defects import Defects
from conformance.reference.errors import ApiError, access_denied, conflict, invalid_configuration
from conformance.reference.store import (
    STANDING_STATUSES,
    ChangeRequestRecord,
    CollaborationRecord,
    JsonObject,
    MemberRecord,
    Store,
)
from conformance.reference.views import copy_json

#: A12 (1.44.5 rules): abilities a member change spec may not carry.
UNSUPPORTED_ABILITIES = frozenset({"CAN_QUERY", "CAN_RUN_JOB"})
#: §2: member abilities a change request can grant or revoke, with their change types.
ABILITY_TYPES: Mapping[str, tuple[str, str]] = {
    "CAN_RECEIVE_RESULTS": ("GRANT_RECEIVE_RESULTS_ABILITY", "REVOKE_RECEIVE_RESULTS_ABILITY"),
    "CAN_EXPORT_QUERY_ANALYSIS_LOG": (
        "GRANT_EXPORT_QUERY_ANALYSIS_LOG_ABILITY",
        "REVOKE_EXPORT_QUERY_ANALYSIS_LOG_ABILITY",
    ),
}
ML_ABILITY_TYPES: Mapping[str, tuple[str, str]] = {
    "CAN_RECEIVE_MODEL_OUTPUT": ("GRANT_CAN_RECEIVE_MODEL_OUTPUT", "REVOKE_CAN_RECEIVE_MODEL_OUTPUT"),
    "CAN_RECEIVE_INFERENCE_OUTPUT": (
        "GRANT_CAN_RECEIVE_INFERENCE_OUTPUT",
        "REVOKE_CAN_RECEIVE_INFERENCE_OUTPUT",
    ),
}
OPEN_STATUSES = frozenset({"PENDING", "APPROVED"})
#: The A10 conflict key of a COLLABORATION spec (member specs use the account id, which is all digits).
COLLABORATION_TARGET = "collaboration"
EDIT_AUTO_APPROVED = "EDIT_AUTO_APPROVED_CHANGE_TYPES"

_SPEC_MEMBER = {"MEMBER": "member", "COLLABORATION": "collaboration"}


@cache
def refused_abilities(change_types: frozenset[str]) -> frozenset[str]:
    """A12: the MemberAbility values a member spec may not carry in an API with these change types.

    An ability is supported in a spec when the API can grant it by a change request: with today's types that
    leaves out CAN_QUERY and CAN_RUN_JOB (:data:`UNSUPPORTED_ABILITIES`, the 1.44.5 note). Before 2025-12-18
    (no GRANT_RECEIVE_RESULTS_ABILITY) CAN_RECEIVE_RESULTS is refused too, as that release's note says; from
    2025-12-18 it is accepted, following the release note (grant/revoke results receiver) rather than the
    member-spec note, which §3 says only caught up on 2026-04-17.
    """
    grantable = {ability for ability, (grant, _) in ABILITY_TYPES.items() if grant in change_types}
    return frozenset(service_model().shape_for("MemberAbility").enum) - grantable


def check_inputs(changes: Sequence[Any], change_types: frozenset[str]) -> None:
    """Stateless rules the model cannot express, checked right after model validation.

    ``change_types`` are the ChangeType values of the API served. Each failure is a 400 ValidationException
    with reason INVALID_CONFIGURATION.
    """
    unsupported = refused_abilities(change_types)
    seen: set[str] = set()
    for index, change in enumerate(changes):
        path = f"changes[{index}]"
        spec_type = change.get("specificationType")
        spec = change.get("specification") or {}
        wanted = _SPEC_MEMBER.get(spec_type)
        given = [key for key in ("member", "collaboration") if key in spec]
        if wanted is None:
            raise invalid_configuration(
                f"{path}.specificationType must be MEMBER or COLLABORATION", f"{path}.specificationType"
            )
        if given != [wanted]:
            # §2 [inference]: specificationType must name the union member that is set.
            raise invalid_configuration(
                f"{path}: specificationType {spec_type} needs specification.{wanted} and no other member",
                f"{path}.specification",
            )
        if wanted == "member":
            member = spec["member"]
            refused = sorted(unsupported.intersection(member.get("memberAbilities") or ()))
            if refused:
                # A12: the enum accepts them, the service does not (1.44.5 member-spec note).
                options = ["[]", *(ability for ability in ABILITY_TYPES if ability not in unsupported)]
                usable = " or ".join([", ".join(options[:-1]), options[-1]]) if len(options) > 1 else options[0]
                raise invalid_configuration(
                    f"{path}: member abilities {', '.join(refused)} are not supported in a change request; "
                    f"use {usable}",
                    f"{path}.specification.member.memberAbilities",
                )
            target = str(member.get("accountId"))
        else:
            if "autoApprovedChangeTypes" not in spec["collaboration"]:
                # A17: the list replaces the current one, so it has to be given (it may be empty).
                raise invalid_configuration(
                    f"{path}: a COLLABORATION change needs autoApprovedChangeTypes (an empty list switches "
                    "auto-approval off)",
                    f"{path}.specification.collaboration.autoApprovedChangeTypes",
                )
            target = COLLABORATION_TARGET
        if target in seen:
            # A10: two changes to the same member (or two COLLABORATION changes) in one request.
            raise invalid_configuration(f"{path} changes the same target as an earlier change", path)
        seen.add(target)


def derive(
    collab: CollaborationRecord, changes: Sequence[Any], change_types: frozenset[str], api: str
) -> list[JsonObject]:
    """Output ``Change`` objects (the spec echoed plus ``types``) for inputs that passed check_inputs.

    A change that needs a type ``api`` (the API served, for the message) does not have is refused (400).
    """
    derived: list[JsonObject] = []
    for index, change in enumerate(changes):
        path = f"changes[{index}]"
        spec_type = change["specificationType"]
        key = _SPEC_MEMBER[spec_type]
        spec = change["specification"][key]
        types = [EDIT_AUTO_APPROVED] if key == "collaboration" else _member_types(collab, spec, path)
        missing = [kind for kind in types if kind not in change_types]
        if missing:
            # §8: e.g. before 2025-12-18 a member spec can only add a member (ChangeType = {ADD_MEMBER}).
            raise invalid_configuration(
                f"{path}: this change would be {', '.join(missing)}, which {api} has no change type for",
                f"{path}.specification",
            )
        derived.append({"specificationType": spec_type, "specification": {key: copy_json(spec)}, "types": types})
    return derived


def _member_types(collab: CollaborationRecord, spec: Mapping[str, Any], path: str) -> list[str]:
    account = spec.get("accountId")
    if account == collab.creator_account_id:
        # A11: the creator is already in the collaboration and cannot be added or changed this way.
        raise invalid_configuration(
            f"{path}: account {account} is the collaboration creator",
            f"{path}.specification.member.accountId",
        )
    row = collab.members.get(str(account))
    if row is None:
        if not spec.get("displayName"):
            # API-MCS: displayName is needed when inviting a new member (the model marks it optional).
            raise invalid_configuration(
                f"{path}: displayName is required to add account {account} as a member",
                f"{path}.specification.member.displayName",
            )
        return ["ADD_MEMBER"]
    if row.status not in STANDING_STATUSES:
        # §7: a member that left or was removed cannot re-join, so it can neither be re-added nor changed.
        raise conflict(
            "INVALID_STATE",
            f"{path}: account {account} is {row.status} in this collaboration and cannot be added or changed",
            "COLLABORATION",
            collab.id,
        )
    types = _ability_diff(row, spec)
    if not types:
        # A11: a spec for an existing member that changes nothing.
        raise invalid_configuration(
            f"{path}: the specification for member {account} changes nothing", f"{path}.specification.member"
        )
    return types


def _ability_diff(row: MemberRecord, spec: Mapping[str, Any]) -> list[str]:
    """§2 [inference]: the spec is the member's full desired set; the types follow from the difference.

    CAN_QUERY/CAN_RUN_JOB cannot appear in a spec (A12), so they are outside the comparison and kept as held.
    """
    types: list[str] = []
    _diff(set(row.abilities), set(spec.get("memberAbilities") or ()), ABILITY_TYPES, types)
    ml = spec.get("mlMemberAbilities")
    if ml is not None:
        _diff(set(row.ml_abilities or ()), set(ml.get("customMLMemberAbilities") or ()), ML_ABILITY_TYPES, types)
    payment = spec.get("paymentConfiguration")
    if payment is not None:
        before, after = payer_roles(row.payment_configuration), payer_roles(payment)
        if after - before:
            types.append("ADD_PAYER_CANDIDATE")
        if before - after:
            types.append("REMOVE_PAYER_CANDIDATE")
    return types


def _diff(held: set[str], wanted: set[str], table: Mapping[str, tuple[str, str]], out: list[str]) -> None:
    for ability, (grant, revoke) in table.items():
        if ability in wanted and ability not in held:
            out.append(grant)
        elif ability in held and ability not in wanted:
            out.append(revoke)


def payer_roles(configuration: Mapping[str, Any] | None) -> frozenset[str]:
    """The cost kinds a payment configuration takes responsibility for (absent means not responsible)."""
    if not configuration:
        return frozenset()
    roles = {key for key in ("queryCompute", "jobCompute") if (configuration.get(key) or {}).get("isResponsible")}
    learning = configuration.get("machineLearning") or {}
    roles.update(
        key
        for key in ("modelTraining", "modelInference", "syntheticDataGeneration")
        if (learning.get(key) or {}).get("isResponsible")
    )
    return frozenset(roles)


def targets(changes: Sequence[JsonObject]) -> frozenset[str]:
    found: set[str] = set()
    for change in changes:
        member = change["specification"].get("member")
        found.add(str(member.get("accountId")) if member is not None else COLLABORATION_TARGET)
    return frozenset(found)


def check_no_open_conflict(collab: CollaborationRecord, touched: frozenset[str]) -> None:
    """A10: a second open request touching the same member (or the collaboration's settings) → 409."""
    for target in sorted(touched):
        request = collab.open_targets.get(target)
        if request is not None:
            # A8-style: resourceType has no change-request value, so the parent type with the request's id.
            raise conflict(
                "ALREADY_EXISTS",
                f"change request {request.id} ({request.status}) already changes {target}; "
                "it has to be committed, denied or cancelled first",
                "COLLABORATION",
                request.id,
            )


def open_request(
    store: Store,
    collab: CollaborationRecord,
    changes: list[JsonObject],
    touched: frozenset[str],
    defects: Defects,
    *,
    voting: bool = True,
) -> ChangeRequestRecord:
    """Record a new request and, when every type is auto-approved, apply it at once (A4).

    ``voting=False`` is an API without UpdateCollaborationChangeRequest (before 2025-12-18, §8): a request that
    is not auto-approved can never be voted on, committed or cancelled, so it stays PENDING, without
    ``approvals``, and keeps blocking its targets (A10) for good.
    """
    now = store.now()
    request = ChangeRequestRecord(
        id=store.new_id(),
        collaboration_id=collab.id,
        create_time=now,
        update_time=now,
        status="PENDING",
        is_auto_approved=False,
        changes=changes,
        approvals=None,
        targets=touched,
    )
    collab.add_change_request(request)
    all_types = {kind for change in changes for kind in change["types"]}
    if all_types <= set(collab.auto_approved_change_types or ()):
        # A4: fully auto-approved → applied immediately and COMMITTED; partly → normal voting.
        request.is_auto_approved = True
        if defects.active("auto-approved-as-approved"):
            collab.set_request_status(request, "APPROVED")
            collab.hold(request)
            return request
        apply(store, collab, request, now, defects)
        collab.set_request_status(request, "COMMITTED")
        return request
    if not voting:
        collab.hold(request)
        return request
    voters = [
        account
        for account in collab.member_order
        if account != collab.creator_account_id and collab.members[account].status == "ACTIVE"
    ]
    if defects.active("creator-votes"):
        voters.insert(0, collab.creator_account_id)
    collab.hold(request)
    if voters:
        # A1: one entry per ACTIVE member other than the creator, each PENDING.
        request.approvals = dict.fromkeys(voters, "PENDING")
    else:
        # A2: nobody can vote (approvals has min 1, so it is omitted) → approved at once, waiting for COMMIT.
        collab.set_request_status(request, "APPROVED")
    return request


def act(
    store: Store,
    collab: CollaborationRecord,
    request: ChangeRequestRecord,
    caller: str,
    action: str,
    defects: Defects,
) -> None:
    """Apply one UpdateCollaborationChangeRequest action (§1.3, §1.6, A3, A5, A7, A9, A18)."""
    is_creator = caller == collab.creator_account_id
    if action in ("APPROVE", "DENY"):
        _vote(store, collab, request, caller, "APPROVED" if action == "APPROVE" else "DENIED", defects)
        return
    if action == "CANCEL":
        if not is_creator:
            raise access_denied("Only the collaboration creator can CANCEL a change request")  # A7
        if request.status not in OPEN_STATUSES:
            # A9: CANCEL is allowed from PENDING and APPROVED only.
            raise _wrong_state(request, action)
        _settle(store, collab, request, "CANCELLED")
        return
    if action == "COMMIT":
        row = collab.members.get(caller)
        member_may = defects.active("member-can-commit") and row is not None and row.status == "ACTIVE"
        if not (is_creator or member_may):
            raise access_denied("Only the collaboration creator can COMMIT a change request")  # A7
        if request.status != "APPROVED":
            raise _wrong_state(request, action)  # §1.6: COMMIT only after approval
        now = store.now()
        apply(store, collab, request, now, defects)
        _settle(store, collab, request, "COMMITTED", now)
        return
    # Reached only when enum validation is switched off (skip-enum-check).
    raise invalid_configuration(f"unknown action {action!r}", "action")


def _vote(
    store: Store,
    collab: CollaborationRecord,
    request: ChangeRequestRecord,
    caller: str,
    vote: str,
    defects: Defects,
) -> None:
    approvals = request.approvals
    row = collab.members.get(caller)
    action = "APPROVE" if vote == "APPROVED" else "DENY"
    refusal: ApiError | None = None
    if approvals is not None and caller in approvals:
        if request.status != "PENDING" or approvals[caller] != "PENDING":
            # A5: a vote cannot be changed, and only a PENDING request takes votes.
            refusal = _wrong_state(request, action, voted=approvals[caller])
    elif approvals is None and row is not None and row.status == "ACTIVE" and caller != collab.creator_account_id:
        # No voters on this request (auto-approved, A2): a member is the right actor in the wrong state.
        refusal = _wrong_state(request, action)
    else:
        # A3 (creator), A1 (INVITED, or joined after the request was made): not a voter on this request.
        refusal = access_denied(f"Account {caller} is not a voter on change request {request.id}")
    if refusal is not None:
        if defects.active("refused-update-mutates"):
            request.approvals = {**(approvals or {}), caller: vote}
            request.update_time = store.now()
        raise refusal
    assert approvals is not None  # the first branch without a refusal implies a listed voter
    approvals[caller] = vote
    request.update_time = store.now()  # A18: every successful update bumps updateTime
    if vote == "DENIED":
        if not defects.active("deny-ignored"):
            _settle(store, collab, request, "DENIED", request.update_time)  # A5: one DENY ends it
    else:
        _approve_if_unanimous(collab, request, defects)


def drop_voter(store: Store, collab: CollaborationRecord, account: str, defects: Defects) -> None:
    """A removed member can no longer vote: drop its PENDING votes and settle what that completes (A1, A2)."""
    for request in collab.open_requests.values():
        approvals = request.approvals
        if request.status != "PENDING" or approvals is None or approvals.get(account) != "PENDING":
            continue
        del approvals[account]
        request.update_time = store.now()
        if not approvals:
            request.approvals = None  # approvals has min 1 entry: omit it, as with no voters at all (A2)
        _approve_if_unanimous(collab, request, defects)


def _approve_if_unanimous(collab: CollaborationRecord, request: ChangeRequestRecord, defects: Defects) -> None:
    # §1.4: every voter must approve; an empty vote is unanimous (A2).
    votes = request.approvals.values() if request.approvals else ()
    if all(v == "APPROVED" for v in votes) and not defects.active("last-approval-stays-pending"):
        collab.set_request_status(request, "APPROVED")


def apply(
    store: Store, collab: CollaborationRecord, request: ChangeRequestRecord, now: float, defects: Defects
) -> None:
    """§2: what a committed (or auto-approved) request does to the collaboration."""
    for change in request.changes:
        spec = change["specification"]
        if "collaboration" in spec:
            # A17: the supplied list replaces the current one.
            collab.auto_approved_change_types = list(spec["collaboration"].get("autoApprovedChangeTypes") or ())
            collab.update_time = now
            continue
        member = spec["member"]
        account = str(member.get("accountId"))
        abilities = list(member.get("memberAbilities") or ())
        row = collab.members.get(account)
        if row is None:
            status = "ACTIVE" if defects.active("add-member-active") else "INVITED"  # §2: ADD_MEMBER → INVITED
            payment = copy_json(member.get("paymentConfiguration")) or {"queryCompute": {"isResponsible": False}}
            ml = member.get("mlMemberAbilities")
            collab.add_member(
                MemberRecord(
                    account_id=account,
                    display_name=str(member.get("displayName") or account),
                    status=status,
                    abilities=abilities,
                    ml_abilities=list(ml.get("customMLMemberAbilities") or ()) if ml is not None else None,
                    payment_configuration=payment,
                    create_time=now,
                    update_time=now,
                )
            )
            store.index_member(collab.id, collab.members[account])
            continue
        kept = [ability for ability in row.abilities if ability in UNSUPPORTED_ABILITIES]
        row.abilities = kept + [ability for ability in abilities if ability not in kept]
        ml = member.get("mlMemberAbilities")
        if ml is not None:
            row.ml_abilities = list(ml.get("customMLMemberAbilities") or ())
        if member.get("paymentConfiguration") is not None:
            row.payment_configuration = copy_json(member["paymentConfiguration"])
        row.update_time = now


def _settle(
    store: Store,
    collab: CollaborationRecord,
    request: ChangeRequestRecord,
    status: str,
    now: float | None = None,
) -> None:
    collab.set_request_status(request, status)
    request.update_time = now if now is not None else store.now()
    collab.release(request)


def _wrong_state(request: ChangeRequestRecord, action: str, voted: str | None = None) -> ApiError:
    # A7: right actor, wrong state → 409 INVALID_STATE.
    detail = f"; this account already voted {voted}" if voted not in (None, "PENDING") else ""
    return conflict(
        "INVALID_STATE",
        f"Cannot {action} change request {request.id} in status {request.status}{detail}",
        "COLLABORATION",
        request.id,
    )
