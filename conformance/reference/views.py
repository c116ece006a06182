"""Renders store records as the model's output structures, as one caller sees them.

Every container is copied, so a rendered value can be JSON-encoded after the store lock is released.
Optional members are left out when unset rather than sent as null (restJson1 omits absent members).
"""

from __future__ import annotations

from typing import Any

from conformance.reference.store import (
    ChangeRequestRecord,
    CollaborationRecord,
    JsonObject,
    MemberRecord,
    MembershipRecord,
)


class Views:
    """Output renderers (the defect seam, :mod:`.defective`, overrides :meth:`stamp` and :meth:`change_request`)."""

    __slots__ = ()

    def stamp(self, value: float) -> float | str:
        """A timestamp as restJson1 sends it by default: epoch seconds as a JSON number."""
        return value

    def collaboration(self, collab: CollaborationRecord, caller: str) -> JsonObject:
        row = collab.members[caller]
        out: JsonObject = {
            "id": collab.id,
            "arn": collab.arn,
            "name": collab.name,
            "creatorAccountId": collab.creator_account_id,
            "creatorDisplayName": collab.creator_display_name,
            "createTime": self.stamp(collab.create_time),
            "updateTime": self.stamp(collab.update_time),
            # §7: memberStatus is the caller's own status; the creator is INVITED until it joins.
            "memberStatus": row.status,
            "queryLogStatus": collab.query_log_status,
        }
        _put(out, "description", collab.description)
        _put_membership(out, row)
        _put(out, "dataEncryptionMetadata", copy_json(collab.data_encryption_metadata))
        _put(out, "jobLogStatus", collab.job_log_status)
        _put(out, "analyticsEngine", collab.analytics_engine)
        _put(out, "autoApprovedChangeTypes", copy_json(collab.auto_approved_change_types))
        _put(out, "allowedResultRegions", copy_json(collab.allowed_result_regions))
        _put(out, "isMetricsEnabled", collab.is_metrics_enabled)
        return out

    def collaboration_summary(self, collab: CollaborationRecord, caller: str) -> JsonObject:
        row = collab.members[caller]
        out: JsonObject = {
            "id": collab.id,
            "arn": collab.arn,
            "name": collab.name,
            "creatorAccountId": collab.creator_account_id,
            "creatorDisplayName": collab.creator_display_name,
            "createTime": self.stamp(collab.create_time),
            "updateTime": self.stamp(collab.update_time),
            "memberStatus": row.status,
        }
        _put_membership(out, row)
        _put(out, "analyticsEngine", collab.analytics_engine)
        return out

    def member_summary(self, row: MemberRecord) -> JsonObject:
        out: JsonObject = {
            "accountId": row.account_id,
            "status": row.status,
            "displayName": row.display_name,
            "abilities": list(row.abilities),
            "createTime": self.stamp(row.create_time),
            "updateTime": self.stamp(row.update_time),
            "paymentConfiguration": copy_json(row.payment_configuration),
        }
        if row.ml_abilities is not None:
            out["mlAbilities"] = {"customMLMemberAbilities": list(row.ml_abilities)}
        _put_membership(out, row)
        return out

    def membership(self, record: MembershipRecord, collab: CollaborationRecord, *, summary: bool) -> JsonObject:
        row = collab.members[record.account_id]
        out: JsonObject = {
            "id": record.id,
            "arn": record.arn,
            "collaborationArn": collab.arn,
            "collaborationId": collab.id,
            "collaborationCreatorAccountId": collab.creator_account_id,
            "collaborationCreatorDisplayName": collab.creator_display_name,
            "collaborationName": collab.name,
            "createTime": self.stamp(record.create_time),
            "updateTime": self.stamp(record.update_time),
            "status": record.status,
            # The member row is where committed ability changes land, so the membership reads from it.
            "memberAbilities": list(row.abilities),
            "paymentConfiguration": copy_json(record.payment_configuration),
        }
        if row.ml_abilities is not None:
            out["mlMemberAbilities"] = {"customMLMemberAbilities": list(row.ml_abilities)}
        if summary:
            return out
        out["queryLogStatus"] = record.query_log_status
        _put(out, "jobLogStatus", record.job_log_status)
        _put(out, "defaultResultConfiguration", copy_json(record.default_result_configuration))
        _put(out, "defaultJobResultConfiguration", copy_json(record.default_job_result_configuration))
        _put(out, "isMetricsEnabled", record.is_metrics_enabled)
        return out

    def change_request(self, request: ChangeRequestRecord) -> JsonObject:
        """The full object; API-CR: the summary carries the same fields, approvals included."""
        out: JsonObject = {
            "id": request.id,
            "collaborationId": request.collaboration_id,
            "createTime": self.stamp(request.create_time),
            "updateTime": self.stamp(request.update_time),
            "status": request.status,
            "isAutoApproved": request.is_auto_approved,
            "changes": copy_json(request.changes),
        }
        if request.approvals:
            out["approvals"] = {account: {"status": vote} for account, vote in request.approvals.items()}
        return out


def _put(out: JsonObject, key: str, value: Any) -> None:
    if value is not None:
        out[key] = value


def _put_membership(out: JsonObject, row: MemberRecord) -> None:
    # §7: membershipId/Arn appear only once that account has a membership.
    if row.membership_id is not None:
        out["membershipId"] = row.membership_id
        out["membershipArn"] = row.membership_arn


def copy_json(value: Any) -> Any:
    """A deep copy of plain JSON data (faster than copy.deepcopy for these small trees)."""
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) for v in value]
    return value
