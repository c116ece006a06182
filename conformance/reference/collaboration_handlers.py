"""The collaboration and member operations: create, read, update, delete and list collaborations, and members.

Each handler checks permissions and existence before it writes (§3, §7, A16); the spec key of each rule sits next
to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from conformance.reference.calls import (
    Call,
    Reply,
    collaboration_for,
    creator_only,
    listed,
    page_of,
    visible_collaboration,
)
from conformance.reference.errors import access_denied, invalid_configuration, not_found
from conformance.reference.store import (
    ANY_STANDING,
    STANDING_STATUSES,
    CollaborationRecord,
    MemberRecord,
)
from conformance.reference.views import copy_json

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
    collab = visible_collaboration(call)
    return Reply({"collaboration": call.views.collaboration(collab, call.caller)})


def update_collaboration(call: Call) -> Reply:
    p = call.params
    _refuse_sql_engine(p)
    collab = visible_collaboration(call)
    creator_only(call, collab, "update the collaboration")
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
    page = page_of(call, "ListCollaborations", caller, wanted or "", index, select, candidates)
    summaries = [call.views.collaboration_summary(c, caller) for c in page.items]
    return listed("collaborationList", summaries, page)


# --- members ----------------------------------------------------------------------------------------------


def list_members(call: Call) -> Reply:
    collab = collaboration_for(call, call.params.get("collaborationIdentifier", ""))
    page = page_of(call, "ListMembers", collab.id, "", collab.member_order, collab.members.get)
    return listed("memberSummaries", [call.views.member_summary(row) for row in page.items], page)


def delete_member(call: Call) -> Reply:
    store = call.store
    collab = collaboration_for(call, call.params.get("collaborationIdentifier", ""))
    creator_only(call, collab, "remove members")
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
        call.changes.drop_voter(store, collab, account)
    return Reply(None)


# --- shared by both ---------------------------------------------------------------------------------------


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
