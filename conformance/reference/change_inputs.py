"""Change-request inputs: the rules the model cannot express, and deriving each change's ``types`` (§2, A10-A12).

Stateless checks and pure derivations on the request's ``changes``; :mod:`.changes` records and settles the
request they describe. Each failure raises :class:`~conformance.reference.errors.ApiError` (400, or 409 for a
member that can no longer change).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from conformance.model.service import service_model
from conformance.reference.errors import conflict, invalid_configuration
from conformance.reference.store import STANDING_STATUSES, CollaborationRecord, JsonObject, MemberRecord
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
