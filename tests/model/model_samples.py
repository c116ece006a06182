"""Hand-written conformant Clean Rooms responses (wire JSON) and their boto3-parsed twins, for model tests.

The required members follow the spec's §5.1 lists; optional members are present in some samples and absent in
others, so both readings are exercised. ``parsed`` runs the real botocore restJson1 parser, so the parsed
form is exactly what boto3 hands to the suite (``ResponseMetadata`` included).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from botocore.parsers import create_parser

from conformance.model.service import operation

CREATOR = "111111111111"
MEMBER = "222222222222"
OTHER = "333333333333"
COLLAB_ID = "0f2d4f5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
CR_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
CR_ID_2 = "9b2d1e8a-3c4f-4a5b-8c6d-7e8f9a0b1c2d"
T0 = 1764547200.125  # 2025-12-01T00:00:00.125Z
T1 = 1764547260  # an integral number of seconds is a valid epoch-seconds value too

Document = dict[str, Any]


def _member_change(account: str, abilities: list[str], types: list[str]) -> Document:
    return {
        "specificationType": "MEMBER",
        "specification": {
            "member": {"accountId": account, "memberAbilities": abilities, "displayName": "joiner"}
        },
        "types": types,
    }


def _change_request(**overrides: Any) -> Document:
    request: Document = {
        "id": CR_ID,
        "collaborationId": COLLAB_ID,
        "createTime": T0,
        "updateTime": T1,
        "status": "PENDING",
        "isAutoApproved": False,
        "changes": [_member_change(OTHER, ["CAN_RECEIVE_RESULTS"], ["ADD_MEMBER"])],
        "approvals": {MEMBER: {"status": "PENDING"}},
    }
    request.update(overrides)
    return request


_COLLABORATION: Document = {
    "id": COLLAB_ID,
    "arn": f"arn:aws:cleanrooms:us-east-1:{CREATOR}:collaboration/{COLLAB_ID}",
    "name": "change requests \U0001f600",  # an emoji: supplementary characters are allowed text
    "creatorAccountId": CREATOR,
    "creatorDisplayName": "creator",
    "createTime": T0,
    "updateTime": T0,
    "memberStatus": "INVITED",
    "queryLogStatus": "DISABLED",
    "autoApprovedChangeTypes": ["ADD_MEMBER"],
    "isMetricsEnabled": False,
}

_WIRE: dict[str, Document] = {
    "CreateCollaboration": {"collaboration": _COLLABORATION},
    # auto-approved: committed at once, no approvals map (spec A4)
    "CreateCollaborationChangeRequest": {
        "collaborationChangeRequest": _change_request(
            status="COMMITTED",
            isAutoApproved=True,
            approvals=None,
            changes=[_member_change(OTHER, [], ["ADD_MEMBER"])],
        )
    },
    "GetCollaborationChangeRequest": {"collaborationChangeRequest": _change_request()},
    "ListCollaborationChangeRequests": {
        "collaborationChangeRequestSummaries": [
            _change_request(),
            _change_request(
                id=CR_ID_2,
                status="DENIED",
                changes=[
                    {
                        "specificationType": "COLLABORATION",
                        "specification": {"collaboration": {"autoApprovedChangeTypes": []}},
                        "types": ["EDIT_AUTO_APPROVED_CHANGE_TYPES"],
                    }
                ],
                approvals={MEMBER: {"status": "DENIED"}, OTHER: {"status": "PENDING"}},
            ),
        ],
        "nextToken": "opaque-token",
    },
    "UpdateCollaborationChangeRequest": {
        "collaborationChangeRequest": _change_request(
            status="APPROVED", approvals={MEMBER: {"status": "APPROVED"}}
        )
    },
    "DeleteCollaboration": {},
    "DeleteMember": {},
}


def _drop_nones(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nones(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nones(v) for v in value]
    return value


SAMPLE_OPERATIONS = tuple(_WIRE)


def wire(operation_name: str) -> Document:
    """A fresh copy of the conformant JSON body of ``operation_name``."""
    return copy.deepcopy(_drop_nones(_WIRE[operation_name]))


def parsed(operation_name: str) -> Document:
    """What boto3 returns for the conformant body (botocore's own restJson1 parser)."""
    body = json.dumps(wire(operation_name)).encode()
    response = {"status_code": operation(operation_name).success_status, "headers": {}, "body": body}
    result: Document = create_parser("rest-json").parse(response, operation(operation_name).output_shape)
    return result


def sample(operation_name: str, *, wire_mode: bool) -> Document:
    return wire(operation_name) if wire_mode else parsed(operation_name)
