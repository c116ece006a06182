"""One function per implemented operation: permission and existence checks, state changes, the reply body.

Handlers run after model validation and with the store lock held (see :mod:`conformance.reference.emulator`).
Checks come before writes, so a refused call changes nothing. The spec key of each rule sits next to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from conformance.reference import changes
from conformance.reference.defects import Defects
from conformance.reference.era import Era
from conformance.reference.errors import ApiError, access_denied, conflict, invalid_configuration, not_found
from conformance.reference.pagination import DEFAULT_PAGE_SIZE, Listing, Page, Pager
from conformance.reference.store import (
    ANY_STANDING,
    STANDING_STATUSES,
    ChangeRequestRecord,
    CollaborationRecord,
    JsonObject,
    MemberRecord,
    MembershipRecord,
    Store,
)
from conformance.reference.views import Views, copy_json

T = TypeVar("T")
K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class Call:
    """One validated request as a handler sees it."""

    caller: str
    params: Mapping[str, Any]
    store: Store
    views: Views
    defects: Defects
    pager: Pager
    descending: bool
    """A6: the configured list order (the ``descending-order`` defect overrides it)."""
    era: Era
    """The API version served (``api_version``): its change types, and whether requests can be voted on."""
    deny_unknown: bool
    """A16 (``unknown_ids=access-denied``): an unknown collaboration or membership id is 403, not 404."""


@dataclass(frozen=True, slots=True)
class Reply:
    body: JsonObject | None
    status: int | None = None
    """None: the operation's modelled success status."""


Handler = Callable[[Call], Reply]

_NO_ENGINE = "CLEAN_ROOMS_SQL"


# --- collaborations ---------------------------------------------------------------------------------------


def create_collaboration(call: Call) -> Reply:
    p, store, caller = call.params, call.store, call.caller
    _refuse_sql_engine(p)
    members: Sequence[Mapping[str, Any]] = p.get("members") or ()
    accounts = [str(m.get("accountId")) for m in members]
    if caller in accounts:
        # §3: members are the invitees; the creator is described by the creator* fields.
        raise invalid_configuration("The creator's account must not be listed in members", "members")
    if len(set(accounts)) != len(accounts):
        raise invalid_configuration("An account is listed more than once in members", "members")
    now = store.now()
    collab_id = store.new_id()
    auto = p.get("autoApprovedChangeRequestTypes")
    collab = CollaborationRecord(
        id=collab_id,
        arn=store.collaboration_arn(caller, collab_id),
        name=p.get("name", ""),
        description=p.get("description"),
        creator_account_id=caller,
        creator_display_name=p.get("creatorDisplayName", caller),
        create_time=now,
        update_time=now,
        query_log_status=p.get("queryLogStatus", "DISABLED"),
        job_log_status=p.get("jobLogStatus"),
        data_encryption_metadata=copy_json(p.get("dataEncryptionMetadata")),
        analytics_engine=p.get("analyticsEngine"),
        # §3: autoApprovedChangeRequestTypes in → autoApprovedChangeTypes out; echoed whenever given, [] too.
        auto_approved_change_types=list(auto) if auto is not None else None,
        allowed_result_regions=copy_json(p.get("allowedResultRegions")),
        is_metrics_enabled=p.get("isMetricsEnabled"),
        tags=copy_json(p.get("tags")),
    )
    # §7 [inference]: the creator is not a member until it calls CreateMembership, so its own row is INVITED;
    # it pays for queries unless told otherwise.
    collab.add_member(
        _member_row(
            caller,
            p.get("creatorDisplayName", caller),
            p.get("creatorMemberAbilities"),
            p.get("creatorMLMemberAbilities"),
            p.get("creatorPaymentConfiguration"),
            payer=True,
            now=now,
        )
    )
    for spec in members:
        account = str(spec.get("accountId"))
        collab.add_member(
            _member_row(
                account,
                spec.get("displayName", account),
                spec.get("memberAbilities"),
                spec.get("mlMemberAbilities"),
                spec.get("paymentConfiguration"),
                payer=False,
                now=now,
            )
        )
    store.collaborations[collab_id] = collab
    for account in collab.member_order:
        store.index_member(collab_id, collab.members[account])
    return Reply({"collaboration": call.views.collaboration(collab, caller)})


def get_collaboration(call: Call) -> Reply:
    collab = _visible_collaboration(call)
    return Reply({"collaboration": call.views.collaboration(collab, call.caller)})


def update_collaboration(call: Call) -> Reply:
    p = call.params
    _refuse_sql_engine(p)
    collab = _visible_collaboration(call)
    _creator_only(call, collab, "update the collaboration")
    for key, attribute in (
        ("name", "name"),
        ("description", "description"),
        ("analyticsEngine", "analytics_engine"),
    ):
        if key in p:
            setattr(collab, attribute, p[key])
    collab.update_time = call.store.now()
    return Reply({"collaboration": call.views.collaboration(collab, call.caller)})


def delete_collaboration(call: Call) -> Reply:
    collab_id = call.params.get("collaborationIdentifier", "")
    collab = call.store.collaborations.get(collab_id)
    # §7: no ResourceNotFoundException is modelled, so unknown and foreign ids are both 403, and so is a deleted
    # collaboration: deleting it again is 403 (A16; AWS answers AccessDenied there, CFN-NF, TF-NF).
    if collab is None or collab.deleted or collab.creator_account_id != call.caller:
        raise access_denied(f"Only the creator of collaboration {collab_id} can delete it")
    now = call.store.now()
    call.store.delete_collaboration(collab)
    collab.update_time = now
    for request in list(collab.open_requests.values()):
        collab.release(request)
    for row in collab.members.values():
        if row.membership_id is not None:
            # §7/UG-EVENTS: members keep their membership, now COLLABORATION_DELETED.
            membership = call.store.memberships[row.membership_id]
            if membership.status == "ACTIVE":
                call.store.set_membership_status(membership, "COLLABORATION_DELETED")
                membership.update_time = now
    if call.defects.active("delete-returns-200"):
        return Reply({}, status=200)
    return Reply(None)


def list_collaborations(call: Call) -> Reply:
    store, caller = call.store, call.caller
    wanted = call.params.get("memberStatus")

    def select(collab_id: str) -> CollaborationRecord | None:
        collab = store.collaborations[collab_id]
        row = collab.members[caller]
        # §7: created by, active in or invited to; the filter is on the caller's own status.
        if collab.deleted or row.status not in STANDING_STATUSES or (wanted and row.status != wanted):
            return None
        return collab

    index = store.collaborations_by_account.get(caller, [])
    visible = store.visible_by_account.get(caller)
    candidates = visible.positions(wanted or ANY_STANDING) if visible is not None else ()
    page = _page(call, "ListCollaborations", caller, wanted or "", index, select, candidates)
    summaries = [call.views.collaboration_summary(c, caller) for c in page.items]
    return _listed("collaborationList", summaries, page)


# --- members ----------------------------------------------------------------------------------------------


def list_members(call: Call) -> Reply:
    collab = _collaboration(call, call.params.get("collaborationIdentifier", ""))
    page = _page(call, "ListMembers", collab.id, "", collab.member_order, collab.members.get)
    return _listed("memberSummaries", [call.views.member_summary(row) for row in page.items], page)


def delete_member(call: Call) -> Reply:
    store = call.store
    collab = _collaboration(call, call.params.get("collaborationIdentifier", ""))
    _creator_only(call, collab, "remove members")
    account = call.params.get("accountId", "")
    if account == collab.creator_account_id:
        # §7/UG-REMOVE: the creator leaves only by deleting the collaboration; a request that can never
        # succeed is a 400 rather than a state conflict.
        raise invalid_configuration(
            "The collaboration creator cannot remove itself; delete the collaboration instead", "accountId"
        )
    row = collab.members.get(account)
    if row is None:
        raise not_found("COLLABORATION", account, "Member")  # A8: parent type, the missing id
    if row.status in STANDING_STATUSES:  # REMOVED/LEFT: idempotent, nothing changes
        now = store.now()
        store.set_member_status(collab, row, "REMOVED")
        row.update_time = now
        if row.membership_id is not None:
            membership = store.memberships[row.membership_id]
            store.set_membership_status(membership, "REMOVED")
            membership.update_time = now
        changes.drop_voter(store, collab, account, call.defects)
    return Reply(None)


# --- memberships ------------------------------------------------------------------------------------------


def create_membership(call: Call) -> Reply:
    p, store, caller = call.params, call.store, call.caller
    collab_id = p.get("collaborationIdentifier", "")
    collab = store.collaborations.get(collab_id)
    if collab is None or collab.deleted:
        raise _unknown_collaboration(call, collab_id)
    row = collab.members.get(caller)
    if row is None or row.status not in STANDING_STATUSES:
        # §7: outsiders cannot join; REMOVED/LEFT accounts cannot re-join and have no standing (A16) → 403.
        raise access_denied(f"Account {caller} is not invited to collaboration {collab_id}")
    if row.status == "ACTIVE":
        # §7 [inference]: joining twice → 409 ALREADY_EXISTS.
        raise conflict(
            "ALREADY_EXISTS",
            f"Account {caller} already has membership {row.membership_id} in collaboration {collab_id}",
            "MEMBERSHIP",
            row.membership_id,
        )
    now = store.now()
    membership_id = store.new_id()
    membership = MembershipRecord(
        id=membership_id,
        arn=store.membership_arn(caller, membership_id),
        collaboration_id=collab_id,
        account_id=caller,
        status="ACTIVE",
        query_log_status=p.get("queryLogStatus", "DISABLED"),
        job_log_status=p.get("jobLogStatus"),
        default_result_configuration=copy_json(p.get("defaultResultConfiguration")),
        default_job_result_configuration=copy_json(p.get("defaultJobResultConfiguration")),
        # Without one, the membership takes the payment responsibilities the collaboration gave this member.
        payment_configuration=copy_json(p.get("paymentConfiguration") or row.payment_configuration),
        is_metrics_enabled=p.get("isMetricsEnabled"),
        tags=copy_json(p.get("tags")),
        create_time=now,
        update_time=now,
    )
    store.add_membership(membership)
    # UG-JOIN: joining makes the member ACTIVE (the creator too).
    store.set_member_status(collab, row, "ACTIVE")
    row.update_time = now
    row.membership_id = membership_id
    row.membership_arn = membership.arn
    return Reply({"membership": call.views.membership(membership, collab, summary=False)})


def get_membership(call: Call) -> Reply:
    membership_id = call.params.get("membershipIdentifier", "")
    membership = call.store.memberships.get(membership_id)
    if membership is None:
        if call.deny_unknown:
            # A16, CFN-NF: the service answers AccessDenied where a resource is not found.
            raise access_denied(f"Account {call.caller} cannot access membership {membership_id}")
        raise not_found("MEMBERSHIP", membership_id, "Membership")
    if membership.account_id != call.caller:
        raise access_denied(f"Membership {membership_id} belongs to another account")  # A16
    collab = call.store.collaborations[membership.collaboration_id]
    return Reply({"membership": call.views.membership(membership, collab, summary=False)})


def list_memberships(call: Call) -> Reply:
    store = call.store
    wanted = call.params.get("status")

    def select(membership_id: str) -> MembershipRecord | None:
        membership = store.memberships[membership_id]
        return membership if not wanted or membership.status == wanted else None

    index = store.memberships_by_account.get(call.caller, [])
    statuses = store.membership_statuses.get(call.caller)
    candidates = statuses.positions(wanted) if statuses is not None and wanted else None
    page = _page(call, "ListMemberships", call.caller, wanted or "", index, select, candidates)
    summaries = [call.views.membership(m, store.collaborations[m.collaboration_id], summary=True) for m in page.items]
    return _listed("membershipSummaries", summaries, page)


# --- change requests --------------------------------------------------------------------------------------


def create_collaboration_change_request(call: Call) -> Reply:
    requested = call.params.get("changes") or []
    era = call.era
    changes.check_inputs(requested, era.change_types)
    collab = _collaboration(call, call.params.get("collaborationIdentifier", ""))
    _creator_only(call, collab, "create change requests")  # §1.1, A7
    derived = changes.derive(collab, requested, era.change_types, era.label)
    touched = changes.targets(derived)
    changes.check_no_open_conflict(collab, touched)  # A10
    request = changes.open_request(call.store, collab, derived, touched, call.defects, voting=era.voting)
    return Reply({"collaborationChangeRequest": call.views.change_request(request)})


def get_collaboration_change_request(call: Call) -> Reply:
    collab = _collaboration(call, call.params.get("collaborationIdentifier", ""), readable_by_anyone=True)
    request = _change_request(call, collab)
    return Reply({"collaborationChangeRequest": call.views.change_request(request)})


def list_collaboration_change_requests(call: Call) -> Reply:
    collab = _collaboration(call, call.params.get("collaborationIdentifier", ""), readable_by_anyone=True)
    wanted = call.params.get("status")
    requests = collab.change_requests

    def select(request_id: str) -> Any:
        request = requests[request_id]
        return request if not wanted or request.status == wanted else None

    # A6: the index is in creation order, which is createTime order.
    candidates = collab.requests_by_status.positions(wanted) if wanted else None
    order = collab.change_request_order
    page = _page(call, "ListCollaborationChangeRequests", collab.id, wanted or "", order, select, candidates)
    summaries = [call.views.change_request(r) for r in page.items]
    return _listed("collaborationChangeRequestSummaries", summaries, page)


def update_collaboration_change_request(call: Call) -> Reply:
    collab = _collaboration(call, call.params.get("collaborationIdentifier", ""))
    request = _change_request(call, collab)
    changes.act(call.store, collab, request, call.caller, call.params.get("action", ""), call.defects)
    return Reply({"collaborationChangeRequest": call.views.change_request(request)})


HANDLERS: Mapping[str, Handler] = {
    "CreateCollaboration": create_collaboration,
    "GetCollaboration": get_collaboration,
    "UpdateCollaboration": update_collaboration,
    "DeleteCollaboration": delete_collaboration,
    "ListCollaborations": list_collaborations,
    "ListMembers": list_members,
    "DeleteMember": delete_member,
    "CreateMembership": create_membership,
    "GetMembership": get_membership,
    "ListMemberships": list_memberships,
    "CreateCollaborationChangeRequest": create_collaboration_change_request,
    "GetCollaborationChangeRequest": get_collaboration_change_request,
    "ListCollaborationChangeRequests": list_collaboration_change_requests,
    "UpdateCollaborationChangeRequest": update_collaboration_change_request,
}


# --- shared checks ----------------------------------------------------------------------------------------


def _visible_collaboration(call: Call) -> CollaborationRecord:
    """For Get/Update/DeleteCollaboration, which model no ResourceNotFoundException (§7, A16): all 403."""
    collab_id = call.params.get("collaborationIdentifier", "")
    collab = call.store.collaborations.get(collab_id)
    if collab is None or collab.deleted or not _has_standing(collab, call.caller):
        # Deleted collaborations are gone for everyone (UG-DELETE); unknown and foreign ids look the same.
        raise access_denied(f"Account {call.caller} cannot access collaboration {collab_id}")
    return collab


def _collaboration(call: Call, collab_id: str, *, readable_by_anyone: bool = False) -> CollaborationRecord:
    """The collaboration, for operations that model ResourceNotFoundException (A16).

    404 when the id does not exist (or the collaboration was deleted), 403 under ``unknown_ids=access-denied``;
    403 when it exists but the caller is neither the creator nor an INVITED/ACTIVE member.
    """
    collab = call.store.collaborations.get(collab_id)
    if collab is None or collab.deleted:
        raise _unknown_collaboration(call, collab_id)
    if readable_by_anyone and call.defects.active("outsider-can-read"):
        return collab
    if not _has_standing(collab, call.caller):
        raise access_denied(f"Account {call.caller} is not a member of collaboration {collab_id}")
    return collab


def _unknown_collaboration(call: Call, collab_id: str) -> ApiError:
    """A16: for an id that exists nowhere the model declares both 404 and 403; the reading picks one."""
    if call.deny_unknown:
        # CFN-NF, TF-NF: the service answers AccessDenied for not-found collaborations (they are cross-account).
        return access_denied(f"Account {call.caller} cannot access collaboration {collab_id}")
    return not_found("COLLABORATION", collab_id, "Collaboration")


def _has_standing(collab: CollaborationRecord, account: str) -> bool:
    row = collab.members.get(account)
    return row is not None and row.status in STANDING_STATUSES


def _creator_only(call: Call, collab: CollaborationRecord, what: str) -> None:
    if call.caller != collab.creator_account_id:
        raise access_denied(f"Only the collaboration creator can {what}")  # §7, A7


def _change_request(call: Call, collab: CollaborationRecord) -> ChangeRequestRecord:
    request_id = call.params.get("changeRequestIdentifier", "")
    request = collab.change_requests.get(request_id)
    if request is None:
        raise not_found("COLLABORATION", request_id, "Change request")  # A8
    return request


def _refuse_sql_engine(params: Mapping[str, Any]) -> None:
    if params.get("analyticsEngine") == _NO_ENGINE:
        # §3: CLEAN_ROOMS_SQL is no longer accepted (model note, 2025-07-16 cut-off).
        raise invalid_configuration(
            "analyticsEngine CLEAN_ROOMS_SQL is no longer supported; use SPARK", "analyticsEngine"
        )


def _member_row(
    account: str,
    display_name: str,
    abilities: Sequence[str] | None,
    ml: Mapping[str, Any] | None,
    payment: Mapping[str, Any] | None,
    *,
    payer: bool,
    now: float,
) -> MemberRecord:
    return MemberRecord(
        account_id=account,
        display_name=display_name,
        status="INVITED",
        abilities=list(abilities or ()),
        ml_abilities=list(ml.get("customMLMemberAbilities") or ()) if ml is not None else None,
        # MemberSummary.paymentConfiguration is required: default to "the creator pays for queries".
        payment_configuration=copy_json(payment) if payment is not None else {"queryCompute": {"isResponsible": payer}},
        create_time=now,
        update_time=now,
    )


def _page(
    call: Call,
    operation: str,
    scope: str,
    filter_value: str,
    index: Sequence[K],
    select: Callable[[K], T | None],
    candidates: Sequence[int] | None = None,
) -> Page[T]:
    """One page of a list operation; the three list defects act here and nowhere else."""
    descending = call.descending or call.defects.active("descending-order")
    size = call.params.get("maxResults") or DEFAULT_PAGE_SIZE  # A15: default page size
    if call.defects.active("ignore-max-results"):
        size = DEFAULT_PAGE_SIZE
    listing = Listing(operation, scope, filter_value, descending)
    page = call.pager.page(
        listing, index, select, token=call.params.get("nextToken"), size=max(1, size), candidates=candidates
    )
    if page.next_token is None and page.items and call.defects.active("list-drops-last-item"):
        return Page(page.items[:-1], None)
    return page


def _listed(key: str, items: list[JsonObject], page: Page[Any]) -> Reply:
    body: JsonObject = {key: items}
    if page.next_token is not None:
        body["nextToken"] = page.next_token
    return Reply(body)
