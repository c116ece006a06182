"""The defect seam at the edges: the emulator's handlers, views and change-request rules with the defects applied.

:mod:`.defects` names the defects; this module is where each one acts, so the domain code (handlers, the
change-request state machine, views) names none. A defect acts in one of three ways:

* around a handler (:func:`with_defects`): the call it gets or the reply it gives is altered;
* in a view (:class:`DefectiveViews`): what is rendered is altered;
* in a decision of the state machine (:class:`DefectiveChangeRequests`): one method of
  :class:`~.changes.ChangeRequests` decides otherwise.

The input-validation defects (``skip-*-check``) act in :mod:`.validation` and the error-rendering ones
(``not-found-as-forbidden``, ``untyped-errors``) in :meth:`.emulator.Emulator.error_response`, both edges too.
Every check reads :meth:`.defects.Defects.active` at call time, so switching defects on a running server works.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import replace

from conformance.model.service import Paging, paging
from conformance.reference.calls import Call, Handler, Reply
from conformance.reference.changes import ChangeRequests
from conformance.reference.defects import Defects
from conformance.reference.store import ChangeRequestRecord, CollaborationRecord, JsonObject, Store
from conformance.reference.views import Views

#: The operations whose change requests anyone may read under ``outsider-can-read``.
_CHANGE_REQUEST_READS = frozenset({"GetCollaborationChangeRequest", "ListCollaborationChangeRequests"})


def with_defects(handlers: Mapping[str, Handler], defects: Defects) -> dict[str, Handler]:
    """``handlers`` with each handler wrapped by the defects that act around it."""
    return {name: _wrap(name, handler, defects) for name, handler in handlers.items()}


def _wrap(name: str, handler: Handler, defects: Defects) -> Handler:
    listing = paging(name)
    reads_requests = name in _CHANGE_REQUEST_READS
    deletes_collaboration = name == "DeleteCollaboration"

    def defective(call: Call) -> Reply:
        if defects.active("server-error-on-tab") and "\t" in str(call.params.get("name", "")):
            raise RuntimeError("defect server-error-on-tab")
        if reads_requests and defects.active("outsider-can-read"):
            call = _as_creator(call)
        if listing is not None:
            call = _list_call(call, defects)
        reply = handler(call)
        if deletes_collaboration and defects.active("delete-returns-200"):
            return Reply({}, status=200)
        if listing is not None and defects.active("list-drops-last-item"):
            return _without_last_item(reply, listing)
        return reply

    return defective


def _as_creator(call: Call) -> Call:
    """``outsider-can-read``: any account reads as the creator would (who always has standing)."""
    collab = call.store.collaborations.get(call.params.get("collaborationIdentifier", ""))
    if collab is None or collab.deleted:
        return call  # unknown ids are answered as without the defect
    return replace(call, caller=collab.creator_account_id)


def _list_call(call: Call, defects: Defects) -> Call:
    """``descending-order`` lists newest first; ``ignore-max-results`` uses the default page size."""
    if defects.active("descending-order"):
        call = replace(call, descending=True)
    if defects.active("ignore-max-results") and "maxResults" in call.params:
        call = replace(call, params={key: value for key, value in call.params.items() if key != "maxResults"})
    return call


def _without_last_item(reply: Reply, listing: Paging) -> Reply:
    """``list-drops-last-item``: the final page (no nextToken) loses its last item."""
    body, key = reply.body, listing.result_key
    if body is None or listing.output_token in body or not body.get(key):
        return reply
    return Reply({**body, key: body[key][:-1]}, reply.status)


class DefectiveViews(Views):
    """The renderers with the ``iso-timestamps`` and ``drop-update-time`` defects."""

    __slots__ = ("_defects",)

    def __init__(self, defects: Defects) -> None:
        self._defects = defects

    def stamp(self, value: float) -> float | str:
        if self._defects.active("iso-timestamps"):
            return datetime.datetime.fromtimestamp(value, datetime.UTC).isoformat()
        return super().stamp(value)

    def change_request(self, request: ChangeRequestRecord) -> JsonObject:
        out = super().change_request(request)
        if self._defects.active("drop-update-time"):
            del out["updateTime"]
        return out


class DefectiveChangeRequests(ChangeRequests):
    """The change-request state machine with the defects that change one of its decisions."""

    __slots__ = ("_defects",)

    def __init__(self, defects: Defects) -> None:
        self._defects = defects

    def auto_approve(self, store: Store, collab: CollaborationRecord, request: ChangeRequestRecord, now: float) -> None:
        if self._defects.active("auto-approved-as-approved"):
            collab.set_request_status(request, "APPROVED")
            collab.hold(request)
            return
        super().auto_approve(store, collab, request, now)

    def voters(self, collab: CollaborationRecord) -> list[str]:
        found = super().voters(collab)
        if self._defects.active("creator-votes"):
            found.insert(0, collab.creator_account_id)
        return found

    def may_commit(self, collab: CollaborationRecord, caller: str) -> bool:
        if super().may_commit(collab, caller):
            return True
        row = collab.members.get(caller)
        return self._defects.active("member-can-commit") and row is not None and row.status == "ACTIVE"

    def refused_vote(self, store: Store, request: ChangeRequestRecord, caller: str, vote: str) -> None:
        if self._defects.active("refused-update-mutates"):
            request.approvals = {**(request.approvals or {}), caller: vote}
            request.update_time = store.now()

    def deny(self, store: Store, collab: CollaborationRecord, request: ChangeRequestRecord) -> None:
        if not self._defects.active("deny-ignored"):
            super().deny(store, collab, request)

    def approve_if_unanimous(self, collab: CollaborationRecord, request: ChangeRequestRecord) -> None:
        if not self._defects.active("last-approval-stays-pending"):
            super().approve_if_unanimous(collab, request)

    def added_member_status(self) -> str:
        return "ACTIVE" if self._defects.active("add-member-active") else super().added_member_status()
