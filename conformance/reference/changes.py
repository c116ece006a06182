"""Change requests: the approval state machine (§1.6) and what a commit does (§2).

:class:`ChangeRequests` takes records and raises :class:`~conformance.reference.errors.ApiError`; the caller holds
the store lock. A refused call changes nothing (checks come before any write). The inputs were checked and each
change's ``types`` derived before (:mod:`.change_inputs`).

The decisions a broken implementation might get wrong (who votes, who may commit, what one DENY or the last
APPROVE does, the status of an added member ...) are methods of their own, so the defect seam
(:mod:`.defective`) can override them while this code names no defect.
"""

from __future__ import annotations

from conformance.reference.change_inputs import UNSUPPORTED_ABILITIES
from conformance.reference.errors import ApiError, access_denied, conflict, invalid_configuration
from conformance.reference.store import ChangeRequestRecord, CollaborationRecord, JsonObject, MemberRecord, Store
from conformance.reference.views import copy_json

OPEN_STATUSES = frozenset({"PENDING", "APPROVED"})


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


class ChangeRequests:
    """The life of a change request: opened, voted on, committed, denied or cancelled (one per emulator)."""

    __slots__ = ()

    def open_request(
        self,
        store: Store,
        collab: CollaborationRecord,
        changes: list[JsonObject],
        touched: frozenset[str],
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
            self.auto_approve(store, collab, request, now)
            return request
        if not voting:
            collab.hold(request)
            return request
        voters = self.voters(collab)
        collab.hold(request)
        if voters:
            # A1: one entry per ACTIVE member other than the creator, each PENDING.
            request.approvals = dict.fromkeys(voters, "PENDING")
        else:
            # A2: nobody can vote (approvals has min 1, so it is omitted) → approved at once, waiting for COMMIT.
            collab.set_request_status(request, "APPROVED")
        return request

    def act(
        self,
        store: Store,
        collab: CollaborationRecord,
        request: ChangeRequestRecord,
        caller: str,
        action: str,
    ) -> None:
        """Apply one UpdateCollaborationChangeRequest action (§1.3, §1.6, A3, A5, A7, A9, A18)."""
        is_creator = caller == collab.creator_account_id
        if action in ("APPROVE", "DENY"):
            self._vote(store, collab, request, caller, "APPROVED" if action == "APPROVE" else "DENIED")
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
            if not self.may_commit(collab, caller):
                raise access_denied("Only the collaboration creator can COMMIT a change request")  # A7
            if request.status != "APPROVED":
                raise _wrong_state(request, action)  # §1.6: COMMIT only after approval
            now = store.now()
            self.apply(store, collab, request, now)
            _settle(store, collab, request, "COMMITTED", now)
            return
        # Reached only when enum validation is switched off (skip-enum-check).
        raise invalid_configuration(f"unknown action {action!r}", "action")

    def _vote(
        self,
        store: Store,
        collab: CollaborationRecord,
        request: ChangeRequestRecord,
        caller: str,
        vote: str,
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
            self.refused_vote(store, request, caller, vote)
            raise refusal
        assert approvals is not None  # the first branch without a refusal implies a listed voter
        approvals[caller] = vote
        request.update_time = store.now()  # A18: every successful update bumps updateTime
        if vote == "DENIED":
            self.deny(store, collab, request)
        else:
            self.approve_if_unanimous(collab, request)

    def drop_voter(self, store: Store, collab: CollaborationRecord, account: str) -> None:
        """A removed member can no longer vote: drop its PENDING votes and settle what that completes (A1, A2)."""
        for request in collab.open_requests.values():
            approvals = request.approvals
            if request.status != "PENDING" or approvals is None or approvals.get(account) != "PENDING":
                continue
            del approvals[account]
            request.update_time = store.now()
            if not approvals:
                request.approvals = None  # approvals has min 1 entry: omit it, as with no voters at all (A2)
            self.approve_if_unanimous(collab, request)

    # --- the decisions (each one a seam for the defects) ----------------------------------------------------

    def auto_approve(self, store: Store, collab: CollaborationRecord, request: ChangeRequestRecord, now: float) -> None:
        """A4: a fully auto-approved request is applied at once and COMMITTED."""
        self.apply(store, collab, request, now)
        collab.set_request_status(request, "COMMITTED")

    def voters(self, collab: CollaborationRecord) -> list[str]:
        """A1: who votes on a new request: every ACTIVE member other than the creator, in member order."""
        return [
            account
            for account in collab.member_order
            if account != collab.creator_account_id and collab.members[account].status == "ACTIVE"
        ]

    def may_commit(self, collab: CollaborationRecord, caller: str) -> bool:
        """A7: only the creator commits."""
        return caller == collab.creator_account_id

    def refused_vote(self, store: Store, request: ChangeRequestRecord, caller: str, vote: str) -> None:
        """A refused APPROVE/DENY changes nothing (it is raised right after this)."""

    def deny(self, store: Store, collab: CollaborationRecord, request: ChangeRequestRecord) -> None:
        """A5: one DENY ends the request."""
        _settle(store, collab, request, "DENIED", request.update_time)

    def approve_if_unanimous(self, collab: CollaborationRecord, request: ChangeRequestRecord) -> None:
        """§1.4: every voter must approve; an empty vote is unanimous (A2)."""
        votes = request.approvals.values() if request.approvals else ()
        if all(v == "APPROVED" for v in votes):
            collab.set_request_status(request, "APPROVED")

    def added_member_status(self) -> str:
        """§2: a committed ADD_MEMBER invites the account."""
        return "INVITED"

    def apply(self, store: Store, collab: CollaborationRecord, request: ChangeRequestRecord, now: float) -> None:
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
                payment = copy_json(member.get("paymentConfiguration")) or {"queryCompute": {"isResponsible": False}}
                ml = member.get("mlMemberAbilities")
                collab.add_member(
                    MemberRecord(
                        account_id=account,
                        display_name=str(member.get("displayName") or account),
                        status=self.added_member_status(),
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
