"""The emulator's in-memory state: records, the indexes the list operations walk, one lock and one clock.

Records are mutable on purpose (they are state, not values) and only ever touched while :attr:`Store.lock`
is held. Every ordered index is append-only: items are never removed or re-sorted, only filtered while a page
is read, so a position in an index is a stable cursor (see :mod:`conformance.reference.pagination`).
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from conformance.reference.pagination import Postings

JsonObject = dict[str, Any]

#: The model's MemberStatus values that give an account standing in a collaboration (§7, A16).
STANDING_STATUSES = frozenset({"INVITED", "ACTIVE"})


@dataclass(slots=True)
class MemberRecord:
    """One row of a collaboration's member list (the creator's own row included)."""

    account_id: str
    display_name: str
    status: str
    abilities: list[str]
    ml_abilities: list[str] | None
    payment_configuration: JsonObject
    create_time: float
    update_time: float
    membership_id: str | None = None
    membership_arn: str | None = None
    listed_at: int = -1
    """Where the collaboration is in this account's ``Store.collaborations_by_account`` list."""


@dataclass(slots=True)
class ChangeRequestRecord:
    id: str
    collaboration_id: str
    create_time: float
    update_time: float
    status: str
    is_auto_approved: bool
    changes: list[JsonObject]
    """Output ``Change`` objects: the input spec echoed plus the derived ``types``."""
    approvals: dict[str, str] | None
    """Voter account → APPROVED | DENIED | PENDING; None when the request has no voters (A2, A4)."""
    targets: frozenset[str]
    """Member accounts the request touches, plus ``"collaboration"`` for a COLLABORATION spec (A10)."""
    position: int = -1
    """Where it is in its collaboration's ``change_request_order`` (set when it is added)."""


@dataclass(slots=True)
class CollaborationRecord:
    id: str
    arn: str
    name: str
    description: str | None
    creator_account_id: str
    creator_display_name: str
    create_time: float
    update_time: float
    query_log_status: str
    job_log_status: str | None
    data_encryption_metadata: JsonObject | None
    analytics_engine: str | None
    auto_approved_change_types: list[str] | None
    allowed_result_regions: list[str] | None
    is_metrics_enabled: bool | None
    tags: JsonObject | None
    deleted: bool = False
    members: dict[str, MemberRecord] = field(default_factory=dict)
    member_order: list[str] = field(default_factory=list)
    """Accounts in the order their rows were added (rows are never removed; ListMembers pages over this)."""
    change_requests: dict[str, ChangeRequestRecord] = field(default_factory=dict)
    change_request_order: list[str] = field(default_factory=list)
    """Change-request ids by creation; the lock serialises creation, so this is createTime order (A6)."""
    requests_by_status: Postings = field(default_factory=Postings)
    """Positions in ``change_request_order`` by status, for the status filter of the list (kept by
    :meth:`set_request_status`)."""
    open_requests: dict[str, ChangeRequestRecord] = field(default_factory=dict)
    """Requests still PENDING or APPROVED (voter clean-up looks only at these)."""
    open_targets: dict[str, ChangeRequestRecord] = field(default_factory=dict)
    """A10: target (member account or ``"collaboration"``) → the open request touching it."""

    def hold(self, request: ChangeRequestRecord) -> None:
        """Mark a request open: it blocks other requests touching the same targets (A10)."""
        self.open_requests[request.id] = request
        self.open_targets.update(dict.fromkeys(request.targets, request))

    def release(self, request: ChangeRequestRecord) -> None:
        if self.open_requests.pop(request.id, None) is not None:
            for target in request.targets:
                self.open_targets.pop(target, None)

    def add_member(self, row: MemberRecord) -> None:
        self.members[row.account_id] = row
        self.member_order.append(row.account_id)

    def add_change_request(self, request: ChangeRequestRecord) -> None:
        request.position = len(self.change_request_order)
        self.change_requests[request.id] = request
        self.change_request_order.append(request.id)
        self.requests_by_status.add(request.status, request.position)

    def set_request_status(self, request: ChangeRequestRecord, status: str) -> None:
        """The only way a request's status changes once added, so that the status index stays right."""
        self.requests_by_status.move(request.position, request.status, status)
        request.status = status


@dataclass(slots=True)
class MembershipRecord:
    id: str
    arn: str
    collaboration_id: str
    account_id: str
    status: str
    query_log_status: str
    job_log_status: str | None
    default_result_configuration: JsonObject | None
    default_job_result_configuration: JsonObject | None
    payment_configuration: JsonObject
    is_metrics_enabled: bool | None
    tags: JsonObject | None
    create_time: float
    update_time: float
    listed_at: int = -1
    """Where it is in its account's ``Store.memberships_by_account`` list."""


#: The Postings value under which a collaboration is listed while the account has standing in it, whatever
#: its status (ListCollaborations without a filter).
ANY_STANDING = "*"


class Store:
    """All state of one emulator. Hold :attr:`lock` for every read and write."""

    def __init__(self, region: str) -> None:
        self.region = region
        self.lock = threading.Lock()
        self._last_time = 0.0
        self.collaborations: dict[str, CollaborationRecord] = {}
        self.memberships: dict[str, MembershipRecord] = {}
        self.collaborations_by_account: dict[str, list[str]] = {}
        """Account → ids of collaborations it created or was added to, in that order (ListCollaborations)."""
        self.visible_by_account: dict[str, Postings] = {}
        """Account → the positions in its ``collaborations_by_account`` list that it may see (not deleted, status
        INVITED or ACTIVE), by that status and under :data:`ANY_STANDING`. A suite run deletes most of what it
        creates, so walking the whole list would cost more with every scenario run before."""
        self.memberships_by_account: dict[str, list[str]] = {}
        self.membership_statuses: dict[str, Postings] = {}
        """Account → positions in its ``memberships_by_account`` list by membership status (ListMemberships)."""

    def reset(self) -> None:
        with self.lock:
            self.collaborations.clear()
            self.memberships.clear()
            self.collaborations_by_account.clear()
            self.visible_by_account.clear()
            self.memberships_by_account.clear()
            self.membership_statuses.clear()

    def now(self) -> float:
        """Epoch seconds at millisecond precision, strictly increasing within this store.

        Strictly increasing so that an update right after a create still shows a later ``updateTime`` (A18)
        and creation order and ``createTime`` order never disagree (A6).
        """
        stamp = max(round(time.time(), 3), round(self._last_time + 0.001, 3))
        self._last_time = stamp
        return stamp

    @staticmethod
    def new_id() -> str:
        return str(uuid.uuid4())

    def collaboration_arn(self, account_id: str, collaboration_id: str) -> str:
        return f"arn:aws:cleanrooms:{self.region}:{account_id}:collaboration/{collaboration_id}"

    def membership_arn(self, account_id: str, membership_id: str) -> str:
        return f"arn:aws:cleanrooms:{self.region}:{account_id}:membership/{membership_id}"

    # Every change of what an account may list goes through the methods below, which keep the Postings in step.

    def index_member(self, collaboration_id: str, row: MemberRecord) -> None:
        """List the collaboration for the row's account (once, when the row is added)."""
        ids = self.collaborations_by_account.setdefault(row.account_id, [])
        row.listed_at = len(ids)
        ids.append(collaboration_id)
        self._list_member(row, row.status)

    def set_member_status(self, collab: CollaborationRecord, row: MemberRecord, status: str) -> None:
        if not collab.deleted:
            self._unlist_member(row, row.status)
            self._list_member(row, status)
        row.status = status

    def delete_collaboration(self, collab: CollaborationRecord) -> None:
        """Mark it deleted: from now on nobody lists it."""
        if not collab.deleted:
            collab.deleted = True
            for row in collab.members.values():
                self._unlist_member(row, row.status)

    def _list_member(self, row: MemberRecord, status: str) -> None:
        if status in STANDING_STATUSES and row.listed_at >= 0:
            postings = self.visible_by_account.setdefault(row.account_id, Postings())
            postings.add(ANY_STANDING, row.listed_at)
            postings.add(status, row.listed_at)

    def _unlist_member(self, row: MemberRecord, status: str) -> None:
        postings = self.visible_by_account.get(row.account_id)
        if postings is not None and status in STANDING_STATUSES:
            postings.remove(ANY_STANDING, row.listed_at)
            postings.remove(status, row.listed_at)

    def add_membership(self, record: MembershipRecord) -> None:
        self.memberships[record.id] = record
        ids = self.memberships_by_account.setdefault(record.account_id, [])
        record.listed_at = len(ids)
        ids.append(record.id)
        self.membership_statuses.setdefault(record.account_id, Postings()).add(record.status, record.listed_at)

    def set_membership_status(self, record: MembershipRecord, status: str) -> None:
        self.membership_statuses[record.account_id].move(record.listed_at, record.status, status)
        record.status = status
