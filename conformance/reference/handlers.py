"""The operations the reference emulator implements: operation name → handler (one function per operation).

The handlers live with their family (:mod:`.collaboration_handlers`, :mod:`.membership_handlers`,
:mod:`.change_request_handlers`); what they get and return is :mod:`.calls`. The defect seam (:mod:`.defective`)
wraps this table, so no handler names a defect.
"""

from __future__ import annotations

from collections.abc import Mapping

from conformance.reference.calls import Call, Handler, Reply
from conformance.reference.change_request_handlers import (
    create_collaboration_change_request,
    get_collaboration_change_request,
    list_collaboration_change_requests,
    update_collaboration_change_request,
)
from conformance.reference.collaboration_handlers import (
    create_collaboration,
    delete_collaboration,
    delete_member,
    get_collaboration,
    list_collaborations,
    list_members,
    update_collaboration,
)
from conformance.reference.membership_handlers import create_membership, get_membership, list_memberships

__all__ = ["HANDLERS", "Call", "Handler", "Reply"]

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
