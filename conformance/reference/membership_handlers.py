"""The membership operations: joining a collaboration (CreateMembership), GetMembership, ListMemberships (§7, A16)."""

from __future__ import annotations

from conformance.reference.calls import (
    Call,
    Reply,
    listed,
    page_of,
    unknown_collaboration,
)
from conformance.reference.errors import access_denied, conflict, not_found
from conformance.reference.store import (
    STANDING_STATUSES,
    MembershipRecord,
)
from conformance.reference.views import copy_json


def create_membership(call: Call) -> Reply:
    p, store, caller = call.params, call.store, call.caller
    collab_id = p.get("collaborationIdentifier", "")
    collab = store.collaborations.get(collab_id)
    if collab is None or collab.deleted:
        raise unknown_collaboration(call, collab_id)
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
    page = page_of(call, "ListMemberships", call.caller, wanted or "", index, select, candidates)
    summaries = [call.views.membership(m, store.collaborations[m.collaboration_id], summary=True) for m in page.items]
    return listed("membershipSummaries", summaries, page)
