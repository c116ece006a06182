"""Per-operation starting points: who calls, and valid inputs that should succeed against the fixture.

The systematic generators vary one thing at a time around a *baseline*; a baseline that the service refuses
for reasons of its own (an account that is not invited, an analytics engine no longer offered) would turn every
variant into the same refusal. So the operations the suite is about (the families' operations,
:data:`conformance.model.families.OPERATIONS`) have hand-written baselines that follow the spec (§3, §7, A11,
A12), referring to the fixture's resources; every other operation of the model gets generic ones built from its
shape. Each baseline is checked against the model by the tests.

With ``--api-version`` the seeds are those of the model at that release (:class:`~conformance.model.releases.ModelAt`):
a hand-written baseline loses the members and enum values that came later (a list item that needs one is dropped),
gains the members that were required then (CreateCollaboration's ``description`` before 2026-06-30), and keeps
only the changes whose change types existed and the new-member abilities the documentation allowed then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore.model import Shape

from conformance.fuzz import catalogue
from conformance.fuzz.builders import UnbuildableShape, full_value, minimal_value
from conformance.fuzz.refs import Ref
from conformance.model import families
from conformance.model.releases import LATEST_MODEL, ModelAt

#: The fixture's resources (bound by :data:`conformance.fuzz.fixtures.SETUP` under each resource's ``ref``).
COLLAB = Ref(families.COLLABORATION.ref)
REQUEST = Ref(families.CHANGE_REQUEST.ref)
MEMBERSHIP = Ref(families.MEMBERSHIP.ref)
NEW_ACCOUNT = Ref("new_account", "account")


def account(actor: str) -> Ref:
    return Ref(f"accounts.{actor}", "account")


#: Member name → reference, for operations without hand-written baselines (and for random inputs): every
#: family's resource, by the member that names it.
ID_REFS: Mapping[str, Ref] = {resource.id_param: Ref(resource.ref) for resource in families.RESOURCES}

#: Members whose valid values only the server can make (opaque pagination tokens, A15): never generated as
#: "valid", since a made-up token is rightly refused.
OPAQUE_MEMBERS = frozenset({"nextToken"})

#: Operations the suite (and the reference emulator) is about (declared in the catalogue, re-exported here).
CORE_OPERATIONS = catalogue.CORE_OPERATIONS


@dataclass(frozen=True, slots=True)
class Baseline:
    """A valid input of an operation; ``name`` says which (``required``, ``full``, ...)."""

    name: str
    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class OperationSeed:
    """How to call one operation well."""

    operation: str
    actor: str
    baselines: tuple[Baseline, ...]
    """The first holds the required members only; the others set optional members too."""
    mutating: bool
    touches_fixture: bool = True
    """A successful call changes the fixture's resources (so a fresh fixture is needed for it)."""

    @property
    def required(self) -> Baseline:
        return self.baselines[0]

    @property
    def full(self) -> Baseline:
        return self.baselines[-1]


def _payment(responsible: bool) -> dict[str, Any]:
    flag = {"isResponsible": responsible}
    return {
        "queryCompute": dict(flag),
        "machineLearning": {
            "modelTraining": dict(flag),
            "modelInference": dict(flag),
            "syntheticDataGeneration": dict(flag),
        },
        "jobCompute": dict(flag),
    }


_ROLE_ARN = "arn:aws:iam::000000000000:role/conformance-fuzz-results"

_COLLABORATION_REQUIRED: dict[str, Any] = {
    "name": "fuzz-collaboration",
    "members": [],
    "creatorMemberAbilities": ["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
    "creatorDisplayName": "creator",
    "queryLogStatus": "DISABLED",
}

_COLLABORATION_FULL: dict[str, Any] = {
    **_COLLABORATION_REQUIRED,
    "members": [
        {
            "accountId": account("member"),
            "memberAbilities": ["CAN_RECEIVE_RESULTS"],
            "mlMemberAbilities": {"customMLMemberAbilities": ["CAN_RECEIVE_MODEL_OUTPUT"]},
            "displayName": "member",
            "paymentConfiguration": _payment(False),
        }
    ],
    "description": "fuzzing baseline",
    "creatorMLMemberAbilities": {"customMLMemberAbilities": ["CAN_RECEIVE_INFERENCE_OUTPUT"]},
    "dataEncryptionMetadata": {
        "allowCleartext": True,
        "allowDuplicates": False,
        "allowJoinsOnColumnsWithDifferentNames": False,
        "preserveNulls": True,
    },
    "jobLogStatus": "DISABLED",
    "tags": {"purpose": "fuzzing"},
    "creatorPaymentConfiguration": _payment(True),
    # §3: CLEAN_ROOMS_SQL is refused for new collaborations.
    "analyticsEngine": "SPARK",
    "autoApprovedChangeRequestTypes": ["ADD_MEMBER"],
    "allowedResultRegions": ["us-east-1"],
    "isMetricsEnabled": False,
}

_MEMBERSHIP_REQUIRED: dict[str, Any] = {"collaborationIdentifier": COLLAB, "queryLogStatus": "DISABLED"}

_MEMBERSHIP_FULL: dict[str, Any] = {
    **_MEMBERSHIP_REQUIRED,
    "jobLogStatus": "DISABLED",
    "tags": {"purpose": "fuzzing"},
    "defaultResultConfiguration": {
        "outputConfiguration": {
            "s3": {"resultFormat": "CSV", "bucket": "fuzz-results", "keyPrefix": "results/", "singleFileOutput": False}
        },
        "roleArn": _ROLE_ARN,
    },
    "defaultJobResultConfiguration": {
        "outputConfiguration": {"s3": {"resultFormat": "PARQUET", "bucket": "fuzz-jobs", "keyPrefix": "jobs/"}},
        "roleArn": _ROLE_ARN,
    },
    "paymentConfiguration": {
        "queryCompute": {"isResponsible": False},
        "machineLearning": {
            "modelTraining": {"isResponsible": False},
            "modelInference": {"isResponsible": False},
            "syntheticDataGeneration": {"isResponsible": False},
        },
        "jobCompute": {"isResponsible": False},
    },
    "isMetricsEnabled": False,
}

# A new account joins (ADD_MEMBER); A11/A12: a new member needs a displayName and no CAN_QUERY/CAN_RUN_JOB.
_ADD_MEMBER: dict[str, Any] = {
    "specificationType": "MEMBER",
    "specification": {"member": {"accountId": NEW_ACCOUNT, "memberAbilities": [], "displayName": "newcomer"}},
}
_ADD_MEMBER_FULL: dict[str, Any] = {
    "specificationType": "MEMBER",
    "specification": {
        "member": {
            "accountId": NEW_ACCOUNT,
            "memberAbilities": ["CAN_RECEIVE_RESULTS"],
            "mlMemberAbilities": {"customMLMemberAbilities": ["CAN_RECEIVE_MODEL_OUTPUT"]},
            "paymentConfiguration": _payment(False),
            "displayName": "newcomer",
        }
    },
}
# A17: the supplied list replaces the collaboration's auto-approved types.
_EDIT_AUTO_APPROVED: dict[str, Any] = {
    "specificationType": "COLLABORATION",
    "specification": {"collaboration": {"autoApprovedChangeTypes": ["GRANT_RECEIVE_RESULTS_ABILITY"]}},
}
# §2: the member's full desired ability set; the fixture's member holds none, so this grants one.
_GRANT_MEMBER: dict[str, Any] = {
    "specificationType": "MEMBER",
    "specification": {"member": {"accountId": account("member"), "memberAbilities": ["CAN_RECEIVE_RESULTS"]}},
}


_FULL_CHANGES = [_ADD_MEMBER_FULL, _EDIT_AUTO_APPROVED, _GRANT_MEMBER]
#: The change types the service derives from each change of the full change-request baseline (§2): a release
#: without one of them has no such change.
_DERIVED_TYPES: Mapping[int, tuple[str, ...]] = {
    id(_ADD_MEMBER_FULL): ("ADD_MEMBER",),
    id(_EDIT_AUTO_APPROVED): ("EDIT_AUTO_APPROVED_CHANGE_TYPES",),
    id(_GRANT_MEMBER): ("GRANT_RECEIVE_RESULTS_ABILITY",),
}


def _seed(operation_name: str, actor: str, *baselines: tuple[str, dict[str, Any]]) -> OperationSeed:
    mutating = not families.only_reads(operation_name)
    made = families.created_by(operation_name)
    return OperationSeed(
        operation=operation_name,
        actor=actor,
        baselines=tuple(Baseline(name, params) for name, params in baselines),
        mutating=mutating,
        # A new top-level resource (a collaboration) leaves the fixture's as they were.
        touches_fixture=mutating and (made is None or made.parent is not None),
    )


_CORE: dict[str, OperationSeed] = {
    seed.operation: seed
    for seed in (
        _seed("CreateCollaboration", "creator", ("required", _COLLABORATION_REQUIRED), ("full", _COLLABORATION_FULL)),
        _seed("GetCollaboration", "creator", ("required", {"collaborationIdentifier": COLLAB})),
        _seed(
            "UpdateCollaboration",
            "creator",
            ("required", {"collaborationIdentifier": COLLAB}),
            (
                "full",
                {
                    "collaborationIdentifier": COLLAB,
                    "name": "fuzz-renamed",
                    "description": "renamed by the fuzzer",
                    "analyticsEngine": "SPARK",
                },
            ),
        ),
        _seed("DeleteCollaboration", "creator", ("required", {"collaborationIdentifier": COLLAB})),
        _seed(
            "ListCollaborations", "creator", ("required", {}), ("full", {"maxResults": 100, "memberStatus": "ACTIVE"})
        ),
        _seed(
            "ListMembers",
            "creator",
            ("required", {"collaborationIdentifier": COLLAB}),
            ("full", {"collaborationIdentifier": COLLAB, "maxResults": 100}),
        ),
        _seed(
            "DeleteMember",
            "creator",
            ("required", {"collaborationIdentifier": COLLAB, "accountId": account("member2")}),
        ),
        # member2 is invited by the fixture but has not joined yet.
        _seed("CreateMembership", "member2", ("required", _MEMBERSHIP_REQUIRED), ("full", _MEMBERSHIP_FULL)),
        _seed("GetMembership", "creator", ("required", {"membershipIdentifier": MEMBERSHIP})),
        _seed("ListMemberships", "creator", ("required", {}), ("full", {"maxResults": 100, "status": "ACTIVE"})),
        _seed(
            "CreateCollaborationChangeRequest",
            "creator",
            ("required", {"collaborationIdentifier": COLLAB, "changes": [_ADD_MEMBER]}),
            ("full", {"collaborationIdentifier": COLLAB, "changes": _FULL_CHANGES}),
        ),
        _seed(
            "GetCollaborationChangeRequest",
            "creator",
            ("required", {"collaborationIdentifier": COLLAB, "changeRequestIdentifier": REQUEST}),
        ),
        _seed(
            "ListCollaborationChangeRequests",
            "creator",
            ("required", {"collaborationIdentifier": COLLAB}),
            ("full", {"collaborationIdentifier": COLLAB, "status": "PENDING", "maxResults": 100}),
        ),
        _seed(
            "UpdateCollaborationChangeRequest",
            "creator",
            ("required", {"collaborationIdentifier": COLLAB, "changeRequestIdentifier": REQUEST, "action": "CANCEL"}),
        ),
    )
}


@cache
def seed_for(operation_name: str, at: ModelAt = LATEST_MODEL) -> OperationSeed:
    """The seed of an operation at a release: hand-written for the core operations, built from the shape otherwise."""
    shape = at.operation(operation_name).input_shape
    found = _CORE.get(operation_name)
    if found is not None:
        return found if at == LATEST_MODEL or shape is None else _core_at(found, shape, at)
    if shape is None:
        return _seed(operation_name, "creator", ("required", {}))
    try:
        required = _drop_opaque(minimal_value(shape, ID_REFS))
        full = _drop_opaque(full_value(shape, ID_REFS))
    except UnbuildableShape:
        return _seed(operation_name, "creator", ("required", {}))
    if full == required:
        return _seed(operation_name, "creator", ("required", required))
    return _seed(operation_name, "creator", ("required", required), ("full", full))


def _drop_opaque(params: Any) -> dict[str, Any]:
    assert isinstance(params, dict)
    return {k: v for k, v in params.items() if k not in OPAQUE_MEMBERS}


# --- baselines at an older release ------------------------------------------------------------------------------

_GONE = object()
"""What :func:`_adapt` returns for a value that cannot exist at the release (an enum value or union member added
later): the member holding it is left out, the list item holding it dropped."""


def _core_at(seed: OperationSeed, shape: Shape, at: ModelAt) -> OperationSeed:
    full = seed.full.params
    baselines: list[Baseline] = []
    for baseline in seed.baselines:
        params = _semantic(baseline.params, at)
        adapted = _adapt(params, shape, _semantic(full, at))
        if adapted is _GONE:
            continue
        if all(adapted != kept.params for kept in baselines):  # "full" may shrink to "required"
            baselines.append(Baseline(baseline.name, adapted))
    return OperationSeed(seed.operation, seed.actor, tuple(baselines), seed.mutating, seed.touches_fixture)


def _semantic(params: Mapping[str, Any], at: ModelAt) -> dict[str, Any]:
    """What the documentation of ``at`` allowed: changes whose types existed, new-member abilities it allowed."""
    adapted = dict(params)
    changes = params.get("changes")
    if isinstance(changes, list):
        service = at.service_model()
        types = set(service.shape_for("ChangeType").enum)
        kept = [change for change in changes if set(_DERIVED_TYPES.get(id(change), ())) <= types]
        adapted["changes"] = [_new_member_abilities(change, at) for change in kept]
    return adapted


def _new_member_abilities(change: Mapping[str, Any], at: ModelAt) -> Mapping[str, Any]:
    if change is not _ADD_MEMBER_FULL:
        return change
    member = change["specification"]["member"]
    abilities = [a for a in member["memberAbilities"] if at.add_member_allows(a)]
    return {**change, "specification": {"member": {**member, "memberAbilities": abilities}}}


def _adapt(value: Any, shape: Shape, borrow: Any) -> Any:
    """``value`` as the model of a release has it (``shape`` is that model's), or :data:`_GONE`.

    Members the release did not have are left out; members it required but the value lacks (they became
    optional later) are taken from ``borrow`` (the full baseline at the same place) or built.
    """
    if isinstance(value, Ref):
        return value
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict) and not shape.metadata.get("document"):
        union = bool(shape.metadata.get("union"))
        out: dict[str, Any] = {}
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None and union:
                return _GONE
            if member is None:
                continue
            lent = borrow.get(name) if isinstance(borrow, dict) else None
            adapted = _adapt(item, member, lent)
            if adapted is _GONE:
                if union or name in shape.required_members:
                    return _GONE
                continue
            out[name] = adapted
        for name in shape.required_members:
            if name not in out and not union:
                lent = borrow.get(name) if isinstance(borrow, dict) else None
                out[name] = (
                    _adapt(lent, shape.members[name], None)
                    if lent is not None
                    else minimal_value(shape.members[name], ID_REFS)
                )
        return out
    if kind == "list" and isinstance(value, list):
        items = [item for item in (_adapt(item, shape.member, None) for item in value) if item is not _GONE]
        low = shape.metadata.get("min")
        return _GONE if low is not None and len(items) < int(low) else items
    if kind == "map" and isinstance(value, dict):
        entries = {key: _adapt(item, shape.value, None) for key, item in value.items()}
        return {key: item for key, item in entries.items() if item is not _GONE}
    if kind == "string" and shape.enum and value not in shape.enum:
        return _GONE
    return value
