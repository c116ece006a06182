"""Reads that check a call's effect: witness reads (a refused call changed nothing) and round trips.

* **Witness reads** cover the state a mutating operation could touch (the fixture's collaboration, its member
  list, its change requests, the caller's collaborations and memberships). Taken before and after a call that
  was refused, they must be equal.
* **Round trips** follow a successful Create/Update: the matching Get returns what the write returned, every
  input member that the output shape also has comes back unchanged (lists of enum values in any order), and the
  matching List shows the new item. ``autoApprovedChangeRequestTypes`` comes back as ``autoApprovedChangeTypes``
  and ``collaborationIdentifier`` as ``collaborationId`` (§3).

Both are :class:`~conformance.fuzz.plan.PlanStep` values whose expectations are in the scenario matcher language
(:class:`~conformance.fuzz.plan.Tag`); :mod:`conformance.fuzz.steps` makes them the scenario steps that the step
engine runs and the reproducer writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conformance.fuzz.plan import PlanStep, StepRef, Tag
from conformance.fuzz.refs import Ref
from conformance.fuzz.seeds import COLLAB, REQUEST, account
from conformance.model.service import operation, paging, service_model
from conformance.model.vocabulary import Evidence, EvidenceLevel

#: Input member → the output member that echoes it under another name (§3).
RENAMED: Mapping[str, str] = {
    "autoApprovedChangeRequestTypes": "autoApprovedChangeTypes",
    "collaborationIdentifier": "collaborationId",
}
ROUND_TRIP = Evidence(EvidenceLevel.INFERRED, "MODEL")
"""A write's answer, a later read and the input agree: what the same member names in input and output mean."""
UNCHANGED = Evidence(EvidenceLevel.INFERRED, "MODEL")
"""A refused call changes nothing: a refusal is an answer instead of the effect."""
_PAGE = 100


@dataclass(frozen=True, slots=True)
class Read:
    """A read call; ``paged`` names the list member that a live check collects over every page."""

    step: PlanStep
    paged: str | None = None


def witness_reads(operation_name: str, actor: str) -> tuple[Read, ...]:
    """The reads that show what a call of ``operation_name`` by ``actor`` could have changed."""
    reads: tuple[tuple[str, str, dict[str, Any], str | None], ...]
    if operation_name == "CreateCollaboration":
        reads = ((actor, "ListCollaborations", {"maxResults": _PAGE}, "collaborationList"),)
    elif operation_name in ("UpdateCollaboration", "DeleteCollaboration"):
        reads = (("creator", "GetCollaboration", {"collaborationIdentifier": COLLAB}, None),)
    elif operation_name == "DeleteMember":
        reads = (
            ("creator", "ListMembers", {"collaborationIdentifier": COLLAB, "maxResults": _PAGE}, "memberSummaries"),
        )
    elif operation_name == "CreateMembership":
        # Only the caller's ACTIVE memberships: all a refused CreateMembership could wrongly add or change shows
        # there (a new or revived membership is ACTIVE), and the list stays as short as the account's live
        # collaborations; unfiltered, it holds every membership the account ever had and grows with every run
        # against a long-lived target.
        reads = (
            ("creator", "ListMembers", {"collaborationIdentifier": COLLAB, "maxResults": _PAGE}, "memberSummaries"),
            (actor, "ListMemberships", {"status": "ACTIVE", "maxResults": _PAGE}, "membershipSummaries"),
        )
    elif operation_name == "CreateCollaborationChangeRequest":
        params = {"collaborationIdentifier": COLLAB, "maxResults": _PAGE}
        reads = (("creator", "ListCollaborationChangeRequests", params, "collaborationChangeRequestSummaries"),)
    elif operation_name == "UpdateCollaborationChangeRequest":
        params = {"collaborationIdentifier": COLLAB, "changeRequestIdentifier": REQUEST}
        reads = (("creator", "GetCollaborationChangeRequest", params, None),)
    else:
        reads = ()
    return tuple(
        Read(PlanStep(f"witness: {op} before the call", who, op, params), paged) for who, op, params, paged in reads
    )


def unchanged(read: Read, before: int) -> Read:
    """``read`` again, now expecting exactly what step ``before`` returned."""
    key = _result_key(read.step.operation)
    step = read.step
    expect = {key: StepRef(before, key)}
    name = f"witness: {step.operation} shows no change"
    return Read(PlanStep(name, step.actor, step.operation, step.params, expect=expect, evidence=UNCHANGED), read.paged)


def round_trip(
    operation_name: str, actor: str, params: Mapping[str, Any], at: int, answer: Mapping[str, Any], *, lists: bool
) -> tuple[Read, ...]:
    """Reads after a successful write at step ``at`` that answered ``answer`` (its JSON body).

    ``lists`` adds the account-wide list reads (ListCollaborations, ListMemberships), which page through every
    resource of the account and so cost more than the rest.
    """
    if operation_name == "CreateCollaboration":
        return _collaboration_created(actor, params, at, answer, lists=lists)
    if operation_name == "UpdateCollaboration":
        return (
            _get(
                "GetCollaboration",
                actor,
                {"collaborationIdentifier": params["collaborationIdentifier"]},
                "collaboration",
                at,
                params,
            ),
        )
    if operation_name == "CreateMembership":
        return _membership_created(actor, params, at, answer, lists=lists)
    if operation_name == "CreateCollaborationChangeRequest":
        return _request_created(actor, params, at)
    if operation_name == "UpdateCollaborationChangeRequest":
        key = "collaborationChangeRequest"
        get_params = {"collaborationIdentifier": COLLAB, "changeRequestIdentifier": REQUEST}
        listed = {"id": REQUEST, "status": StepRef(at, f"{key}.status")}
        return (
            _get("GetCollaborationChangeRequest", "creator", get_params, key, at, {}),
            _listed("ListCollaborationChangeRequests", "creator", {"collaborationIdentifier": COLLAB}, listed),
        )
    if operation_name == "DeleteMember":
        removed = {"accountId": params["accountId"], "status": "REMOVED"}  # API-DM, UG-REMOVE
        step = _listed("ListMembers", "creator", {"collaborationIdentifier": COLLAB}, removed)
        return (Read(_with_evidence(step.step, Evidence(EvidenceLevel.DOCUMENTED, "API-DM, UG-REMOVE")), step.paged),)
    return ()


def _collaboration_created(
    actor: str, params: Mapping[str, Any], at: int, answer: Mapping[str, Any], *, lists: bool
) -> tuple[Read, ...]:
    created = StepRef(at, "collaboration.id")
    reads = [_get("GetCollaboration", actor, {"collaborationIdentifier": created}, "collaboration", at, params)]
    rows: list[Any] = [_member_row(account(actor), params, creator=True)]
    members = params.get("members")
    if isinstance(members, list):
        rows += [_member_row(m.get("accountId"), m, creator=False) for m in members if isinstance(m, Mapping)]
        # §7/UG-ADD: the creator's row plus one INVITED row per invitee.
        expect = {"memberSummaries": Tag("all_of", [Tag("len", len(rows)), Tag("contains", rows)])}
        reads.append(
            Read(
                PlanStep(
                    "round trip: ListMembers",
                    actor,
                    "ListMembers",
                    {"collaborationIdentifier": created, "maxResults": _PAGE},
                    expect=expect,
                    evidence=Evidence(EvidenceLevel.DOCUMENTED, "UG-ADD, MODEL"),
                ),
                "memberSummaries",
            )
        )
    if lists:
        summary = _summary("CollaborationSummary", "collaboration", at, answer)
        reads.append(_listed("ListCollaborations", actor, {}, summary))
    return tuple(reads)


def _membership_created(
    actor: str, params: Mapping[str, Any], at: int, answer: Mapping[str, Any], *, lists: bool
) -> tuple[Read, ...]:
    created = StepRef(at, "membership.id")
    reads = [_get("GetMembership", actor, {"membershipIdentifier": created}, "membership", at, params)]
    collab = params.get("collaborationIdentifier")
    if isinstance(collab, Ref):
        row = {"accountId": account(actor), "status": "ACTIVE", "membershipId": created}  # UG-JOIN
        step = _listed("ListMembers", "creator", {"collaborationIdentifier": collab}, row)
        reads.append(Read(_with_evidence(step.step, Evidence(EvidenceLevel.DOCUMENTED, "UG-JOIN")), step.paged))
    if lists:
        reads.append(_listed("ListMemberships", actor, {}, _summary("MembershipSummary", "membership", at, answer)))
    return tuple(reads)


def _request_created(actor: str, params: Mapping[str, Any], at: int) -> tuple[Read, ...]:
    key = "collaborationChangeRequest"
    created = StepRef(at, f"{key}.id")
    collab = params["collaborationIdentifier"]
    get_params = {"collaborationIdentifier": collab, "changeRequestIdentifier": created}
    changes = params.get("changes")
    echoed: dict[str, Any] = {}
    if isinstance(changes, list):
        echoed["changes"] = [
            {"specificationType": c.get("specificationType"), "specification": _echo(c.get("specification"))}
            for c in changes
            if isinstance(c, Mapping)
        ]
    get = PlanStep(
        "round trip: GetCollaborationChangeRequest",
        actor,
        "GetCollaborationChangeRequest",
        get_params,
        expect={key: Tag("all_of", [StepRef(at, key), echoed])},
        evidence=ROUND_TRIP,
    )
    listed = _listed(
        "ListCollaborationChangeRequests",
        actor,
        {"collaborationIdentifier": collab},
        {"id": created, "status": StepRef(at, f"{key}.status")},
    )
    return (Read(get), listed)


def _get(op: str, actor: str, params: Mapping[str, Any], key: str, at: int, inputs: Mapping[str, Any]) -> Read:
    echoed = _echoed_members(op, key, inputs)
    expected: Any = Tag("all_of", [StepRef(at, key), echoed]) if echoed else StepRef(at, key)
    return Read(PlanStep(f"round trip: {op}", actor, op, dict(params), expect={key: expected}, evidence=ROUND_TRIP))


def _listed(op: str, actor: str, params: Mapping[str, Any], item: Mapping[str, Any]) -> Read:
    key = _result_key(op)
    expect = {key: Tag("contains", [dict(item)])}
    return Read(
        PlanStep(
            f"round trip: {op} shows it", actor, op, {**params, "maxResults": _PAGE}, expect=expect, evidence=ROUND_TRIP
        ),
        key,
    )


def _echoed_members(op: str, key: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Input members that the output object also has, under their output names."""
    output = operation(op).output_shape
    if output is None or key not in output.members:
        return {}
    members = output.members[key].members
    echoed: dict[str, Any] = {}
    for name, value in inputs.items():
        out = RENAMED.get(name, name)
        if out in members and out != "id":
            echoed[out] = _echo(value)
    return echoed


def _summary(shape_name: str, key: str, at: int, answer: Mapping[str, Any]) -> dict[str, Any]:
    """A list item that agrees with the write's answer on every member the summary shape has."""
    written = answer.get(key)
    members = service_model().shape_for(shape_name).members
    present = written if isinstance(written, Mapping) else {}
    return {name: StepRef(at, f"{key}.{name}") for name in members if name in present}


def _member_row(account_id: Any, spec: Mapping[str, Any], *, creator: bool) -> dict[str, Any]:
    prefix = "creator" if creator else ""
    row: dict[str, Any] = {"accountId": account_id}
    name = spec.get("creatorDisplayName" if creator else "displayName")
    if name is not None:
        row["displayName"] = name
    abilities = spec.get("creatorMemberAbilities" if creator else "memberAbilities")
    if isinstance(abilities, list):
        row["abilities"] = Tag("unordered", list(abilities))
    ml = spec.get(f"{prefix}MLMemberAbilities" if creator else "mlMemberAbilities")
    if isinstance(ml, Mapping):
        row["mlAbilities"] = _echo(ml)
    payment = spec.get(f"{prefix}PaymentConfiguration" if creator else "paymentConfiguration")
    if isinstance(payment, Mapping):
        row["paymentConfiguration"] = _echo(payment)
    if not creator:
        row["status"] = "INVITED"  # §7: invitees start INVITED
    return row


def _echo(value: Any) -> Any:
    """What an echoed input must look like: the same, except that lists of scalars may come in any order."""
    if isinstance(value, Mapping):
        return {k: _echo(v) for k, v in value.items()}
    if isinstance(value, list):
        if all(not isinstance(v, Mapping | list) for v in value):
            return Tag("unordered", list(value))
        return [_echo(v) for v in value]
    return value


def _with_evidence(step: PlanStep, evidence: Evidence) -> PlanStep:
    return PlanStep(step.name, step.actor, step.operation, step.params, expect=step.expect, evidence=evidence)


def _result_key(op: str) -> str:
    """The response member a read compares: a list's items (botocore's paginator model), else a Get's one member."""
    found = paging(op)
    if found is not None:
        return found.result_key
    output = operation(op).output_shape
    if output is None or len(output.members) != 1:
        raise ValueError(f"{op} neither pages nor has one output member")
    return str(next(iter(output.members)))
