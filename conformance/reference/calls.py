"""What a handler gets (:class:`Call`) and returns (:class:`Reply`), and the checks and paging every family shares.

Handlers run after model validation and with the store lock held (see :mod:`conformance.reference.emulator`).
Checks come before writes, so a refused call changes nothing. The spec key of each rule sits next to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from conformance.reference.changes import ChangeRequests
from conformance.reference.era import Era
from conformance.reference.errors import ApiError, access_denied, not_found
from conformance.reference.pagination import DEFAULT_PAGE_SIZE, Listing, Page, Pager
from conformance.reference.store import (
    STANDING_STATUSES,
    ChangeRequestRecord,
    CollaborationRecord,
    JsonObject,
    Store,
)
from conformance.reference.views import Views

T = TypeVar("T")
K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class Call:
    """One validated request as a handler sees it."""

    caller: str
    params: Mapping[str, Any]
    store: Store
    views: Views
    changes: ChangeRequests
    """The change-request state machine (the defect seam may hand a broken one)."""
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


# --- shared checks ----------------------------------------------------------------------------------------


def visible_collaboration(call: Call) -> CollaborationRecord:
    """For Get/Update/DeleteCollaboration, which model no ResourceNotFoundException (§7, A16): all 403."""
    collab_id = call.params.get("collaborationIdentifier", "")
    collab = call.store.collaborations.get(collab_id)
    if collab is None or collab.deleted or not _has_standing(collab, call.caller):
        # Deleted collaborations are gone for everyone (UG-DELETE); unknown and foreign ids look the same.
        raise access_denied(f"Account {call.caller} cannot access collaboration {collab_id}")
    return collab


def collaboration_for(call: Call, collab_id: str) -> CollaborationRecord:
    """The collaboration, for operations that model ResourceNotFoundException (A16).

    404 when the id does not exist (or the collaboration was deleted), 403 under ``unknown_ids=access-denied``;
    403 when it exists but the caller is neither the creator nor an INVITED/ACTIVE member.
    """
    collab = call.store.collaborations.get(collab_id)
    if collab is None or collab.deleted:
        raise unknown_collaboration(call, collab_id)
    if not _has_standing(collab, call.caller):
        raise access_denied(f"Account {call.caller} is not a member of collaboration {collab_id}")
    return collab


def unknown_collaboration(call: Call, collab_id: str) -> ApiError:
    """A16: for an id that exists nowhere the model declares both 404 and 403; the reading picks one."""
    if call.deny_unknown:
        # CFN-NF, TF-NF: the service answers AccessDenied for not-found collaborations (they are cross-account).
        return access_denied(f"Account {call.caller} cannot access collaboration {collab_id}")
    return not_found("COLLABORATION", collab_id, "Collaboration")


def _has_standing(collab: CollaborationRecord, account: str) -> bool:
    row = collab.members.get(account)
    return row is not None and row.status in STANDING_STATUSES


def creator_only(call: Call, collab: CollaborationRecord, what: str) -> None:
    if call.caller != collab.creator_account_id:
        raise access_denied(f"Only the collaboration creator can {what}")  # §7, A7


def change_request_for(call: Call, collab: CollaborationRecord) -> ChangeRequestRecord:
    request_id = call.params.get("changeRequestIdentifier", "")
    request = collab.change_requests.get(request_id)
    if request is None:
        raise not_found("COLLABORATION", request_id, "Change request")  # A8
    return request


def page_of(
    call: Call,
    operation: str,
    scope: str,
    filter_value: str,
    index: Sequence[K],
    select: Callable[[K], T | None],
    candidates: Sequence[int] | None = None,
) -> Page[T]:
    """One page of a list operation."""
    size = call.params.get("maxResults") or DEFAULT_PAGE_SIZE  # A15: default page size
    listing = Listing(operation, scope, filter_value, call.descending)
    return call.pager.page(
        listing, index, select, token=call.params.get("nextToken"), size=max(1, size), candidates=candidates
    )


def listed(key: str, items: list[JsonObject], page: Page[Any]) -> Reply:
    body: JsonObject = {key: items}
    if page.next_token is not None:
        body["nextToken"] = page.next_token
    return Reply(body)
