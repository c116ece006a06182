"""The operation families the suite judges, declared once: their operations, resources, read-backs and names.

A family is a group of operations around one resource (collaborations, members, memberships, change requests).
Everything in the suite that needs to know about a family reads its :class:`Family` here instead of keeping a
table of operation names of its own:

* the reference emulator's router refuses to serve an operation no family declares (``reference/routing.py``);
* the fuzz layer fuzzes the families' operations (``fuzz/catalogue.py``), binds the fixture's resources by
  :attr:`Resource.ref`, names them by :attr:`Resource.id_param` and runs the echo round trip for
  :attr:`Family.round_trips` (``fuzz/seeds.py``, ``fuzz/fixtures.py``, ``fuzz/systematic.py``);
* the read-backs find a resource's Get and List, its result keys and the members echoed under another name here;
* on real AWS, the ledger, its hooks and cleanup track, delete and sweep every :attr:`Resource.tracked` resource
  (``targets/ledger.py``, ``targets/aws.py``, ``targets/cleanup.py``);
* the report groups operations by :attr:`Family.name` in registry order (``report/families.py``).

Pure data and the standard library only: the pytest glue reads it at start-up in every xdist worker, and the
reference emulator may import nothing above the model layer. ``tests/model/test_families.py`` checks every name
against the service model. How to add a family: ``docs/adding-an-operation-family.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class Resource:
    """One kind of resource: how it is made, named, read, listed and deleted."""

    kind: str
    """Its name in the ledger and in messages (``collaboration``)."""
    key: str
    """The member of its Create/Get/Update answers that holds it (``collaboration``); its id is ``<key>.id``."""
    id_param: str
    """The input member that names it (``collaborationIdentifier``)."""
    ref: str
    """The name the fuzz fixture binds its id to (``collab``), written as ``Ref(ref)`` in baselines."""
    get: str
    """The operation that reads one (its input: :attr:`id_param`, and :attr:`parent` when :attr:`nested`)."""
    lister: str
    """The operation that lists them (its input: :attr:`parent` when :attr:`nested`)."""
    list_key: str
    """The list member of the lister's answer (botocore's paginator ``result_key``)."""
    create: str | None = None
    """The operation that makes one (None: made by another family's operations, as members are)."""
    delete: str | None = None
    """The operation that deletes one, called with :meth:`address` (None: it cannot be deleted)."""
    parent: str | None = None
    """The id member of the resource it is made in (its Create's ``collaborationIdentifier``), None for a
    top-level resource: a Create of a top-level resource leaves the resources that exist as they were."""
    nested: bool = False
    """Its Get and List are addressed through :attr:`parent` too (a change request: within its collaboration)."""
    summary: str | None = None
    """The shape of its items in the lister's answer (``CollaborationSummary``)."""
    renamed: tuple[tuple[str, str], ...] = ()
    """(input member, the member of :attr:`key` that echoes it under another name) pairs (§3)."""
    owner_member: str | None = None
    """Cleanup's sweep: the summary member holding the account that may delete it (only the creator may)."""
    ended: frozenset[str] = frozenset()
    """Cleanup's sweep: summary statuses in which it needs no delete (it is gone for its owner already)."""

    def address(self, resource_id: Any, parent_id: Any = None) -> dict[str, Any]:
        """The input members that name one, for its Get and its Delete: its id, and its parent's when nested.

        The values may be references that a plan resolves later.
        """
        named = {self.parent: parent_id} if self.nested and self.parent is not None else {}
        return {**named, self.id_param: resource_id}

    @property
    def tracked(self) -> bool:
        """A run on real AWS records and deletes it: the suite can both create and delete it.

        The ledger keeps a resource's own id only, so a tracked resource may not be :attr:`nested` (the model
        test refuses one): deleting it would need its parent's id too.
        """
        return self.create is not None and self.delete is not None


@dataclass(frozen=True, slots=True)
class Family:
    """One operation family: the operations the suite judges and the resource they are about."""

    name: str
    """The report's family name (``change requests``)."""
    nouns: tuple[str, ...]
    """The resource nouns after the verb of its operation names (``CollaborationChangeRequest``): the report
    groups every model operation with one of these nouns under the family, judged or not."""
    operations: tuple[str, ...]
    """The operations the suite judges (scenarios, fuzzing, the reference emulator), in the report's order."""
    resource: Resource | None = None
    round_trips: tuple[str, ...] = ()
    """Writes whose every optional input member comes back in the reads that follow (the ``echo`` strategy)."""


COLLABORATION = Resource(
    kind="collaboration",
    key="collaboration",
    id_param="collaborationIdentifier",
    ref="collab",
    get="GetCollaboration",
    lister="ListCollaborations",
    list_key="collaborationList",
    create="CreateCollaboration",
    delete="DeleteCollaboration",
    summary="CollaborationSummary",
    renamed=(("autoApprovedChangeRequestTypes", "autoApprovedChangeTypes"),),
    owner_member="creatorAccountId",
)

COLLABORATIONS = Family(
    name="collaborations",
    nouns=("Collaboration",),
    operations=(
        "CreateCollaboration",
        "GetCollaboration",
        "UpdateCollaboration",
        "DeleteCollaboration",
        "ListCollaborations",
    ),
    resource=COLLABORATION,
    round_trips=("CreateCollaboration", "UpdateCollaboration"),
)

MEMBERS = Family(
    name="members",
    nouns=("Member",),
    operations=("ListMembers", "DeleteMember"),
    # Members are made by CreateCollaboration and change requests and named by their account, not by an id.
)

MEMBERSHIP = Resource(
    kind="membership",
    key="membership",
    id_param="membershipIdentifier",
    ref="membership",
    get="GetMembership",
    lister="ListMemberships",
    list_key="membershipSummaries",
    create="CreateMembership",
    delete="DeleteMembership",
    parent="collaborationIdentifier",
    summary="MembershipSummary",
    renamed=(("collaborationIdentifier", "collaborationId"),),
    # A membership whose collaboration is gone, or that its member left, needs no delete.
    ended=frozenset({"REMOVED", "COLLABORATION_DELETED"}),
)

MEMBERSHIPS = Family(
    name="memberships",
    nouns=("Membership",),
    operations=("CreateMembership", "GetMembership", "ListMemberships"),
    resource=MEMBERSHIP,
    round_trips=("CreateMembership",),
)

CHANGE_REQUEST = Resource(
    kind="change request",
    key="collaborationChangeRequest",
    id_param="changeRequestIdentifier",
    ref="request",
    get="GetCollaborationChangeRequest",
    lister="ListCollaborationChangeRequests",
    list_key="collaborationChangeRequestSummaries",
    create="CreateCollaborationChangeRequest",
    parent="collaborationIdentifier",
    nested=True,
    renamed=(("collaborationIdentifier", "collaborationId"),),
)

CHANGE_REQUESTS = Family(
    name="change requests",
    nouns=("CollaborationChangeRequest",),
    operations=(
        "CreateCollaborationChangeRequest",
        "GetCollaborationChangeRequest",
        "ListCollaborationChangeRequests",
        "UpdateCollaborationChangeRequest",
    ),
    resource=CHANGE_REQUEST,
    round_trips=("CreateCollaborationChangeRequest", "UpdateCollaborationChangeRequest"),
)

#: Every family, in the order reports list them. Adding a family: one entry here (see the module docstring).
FAMILIES: tuple[Family, ...] = (COLLABORATIONS, MEMBERS, MEMBERSHIPS, CHANGE_REQUESTS)

#: The operations the suite judges, family by family.
OPERATIONS: tuple[str, ...] = tuple(op for family in FAMILIES for op in family.operations)

#: Every family's resource, parents before the resources that live in them.
RESOURCES: tuple[Resource, ...] = tuple(f.resource for f in FAMILIES if f.resource is not None)

#: The resources a real-AWS run records in its ledger and deletes at the end.
TRACKED: tuple[Resource, ...] = tuple(r for r in RESOURCES if r.tracked)

#: The operations whose successful calls are followed by an echo round trip.
ROUND_TRIPS: frozenset[str] = frozenset(op for family in FAMILIES for op in family.round_trips)

#: Input member → the output member that echoes it under another name, over every family (§3).
RENAMED: Mapping[str, str] = MappingProxyType({k: v for r in RESOURCES for k, v in r.renamed})

#: The verbs of the operations that only read; every other operation creates, changes, deletes or starts something.
READ_VERBS = ("Get", "List", "BatchGet", "Preview")

_BY_OPERATION: Mapping[str, Family] = MappingProxyType({op: f for f in FAMILIES for op in f.operations})


def family_of(operation: str) -> Family | None:
    """The family that judges ``operation``, or None for an operation the suite does not judge."""
    return _BY_OPERATION.get(operation)


def only_reads(operation: str) -> bool:
    """True for an operation that changes nothing (``GetCollaboration``, ``PreviewPrivacyImpact``)."""
    return operation.startswith(READ_VERBS)


def family_named(name: str) -> Family:
    """The family called ``name`` (``KeyError`` naming the known ones otherwise)."""
    for family in FAMILIES:
        if family.name == name:
            return family
    raise KeyError(f"no operation family {name!r}; known: {', '.join(f.name for f in FAMILIES)}")


def tracked_kind(kind: str) -> Resource:
    """The tracked resource of ledger kind ``kind`` (``KeyError`` otherwise)."""
    for resource in TRACKED:
        if resource.kind == kind:
            return resource
    raise KeyError(kind)


def created_by(operation: str) -> Resource | None:
    """The resource ``operation`` creates, or None."""
    return next((r for r in RESOURCES if r.create == operation), None)


def resource_named_by(id_param: str) -> Resource | None:
    """The resource an input member such as ``membershipIdentifier`` names, or None."""
    return next((r for r in RESOURCES if r.id_param == id_param), None)
