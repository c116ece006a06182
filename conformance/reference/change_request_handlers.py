"""The change-request operations: create, get, list and act on a collaboration change request (§1, §2, A10).

The inputs are checked by :mod:`.change_inputs`; the request's life is the state machine of :mod:`.changes`
(``call.changes``).
"""

from __future__ import annotations

from typing import Any

from conformance.reference import change_inputs
from conformance.reference.calls import (
    Call,
    Reply,
    change_request_for,
    collaboration_for,
    creator_only,
    listed,
    page_of,
)
from conformance.reference.changes import check_no_open_conflict


def create_collaboration_change_request(call: Call) -> Reply:
    requested = call.params.get("changes") or []
    era = call.era
    change_inputs.check_inputs(requested, era.change_types)
    collab = collaboration_for(call, call.params.get("collaborationIdentifier", ""))
    creator_only(call, collab, "create change requests")  # §1.1, A7
    derived = change_inputs.derive(collab, requested, era.change_types, era.label)
    touched = change_inputs.targets(derived)
    check_no_open_conflict(collab, touched)  # A10
    request = call.changes.open_request(call.store, collab, derived, touched, voting=era.voting)
    return Reply({"collaborationChangeRequest": call.views.change_request(request)})


def get_collaboration_change_request(call: Call) -> Reply:
    collab = collaboration_for(call, call.params.get("collaborationIdentifier", ""))
    request = change_request_for(call, collab)
    return Reply({"collaborationChangeRequest": call.views.change_request(request)})


def list_collaboration_change_requests(call: Call) -> Reply:
    collab = collaboration_for(call, call.params.get("collaborationIdentifier", ""))
    wanted = call.params.get("status")
    requests = collab.change_requests

    def select(request_id: str) -> Any:
        request = requests[request_id]
        return request if not wanted or request.status == wanted else None

    # A6: the index is in creation order, which is createTime order.
    candidates = collab.requests_by_status.positions(wanted) if wanted else None
    order = collab.change_request_order
    page = page_of(call, "ListCollaborationChangeRequests", collab.id, wanted or "", order, select, candidates)
    summaries = [call.views.change_request(r) for r in page.items]
    return listed("collaborationChangeRequestSummaries", summaries, page)


def update_collaboration_change_request(call: Call) -> Reply:
    collab = collaboration_for(call, call.params.get("collaborationIdentifier", ""))
    request = change_request_for(call, collab)
    call.changes.act(call.store, collab, request, call.caller, call.params.get("action", ""))
    return Reply({"collaborationChangeRequest": call.views.change_request(request)})
