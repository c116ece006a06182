"""Canned CallResults for runner tests: real restJson1 bytes, parsed by botocore's own parser.

``ScriptedCaller`` answers each call with the next entry of a script (a CallResult, or a function of the call
that builds one) and records what it was asked, so a test can check the rendered parameters and raw bodies.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from botocore.parsers import create_parser

from conformance.model.exchange import CallResult, Exchange
from conformance.model.service import operation, service_model

ACCOUNTS = {"creator": "111111111111", "member": "222222222222", "member2": "444444444444", "outsider": "333333333333"}
COLLAB_ID = "0f2d4f5e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
CR_ID = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
T0 = 1764547200.125
T1 = 1764547260.5


def _exchange(op: str, status: int, headers: Mapping[str, str], body: bytes, request_body: bytes = b"") -> Exchange:
    info = operation(op)
    return Exchange(
        operation=op,
        method=info.http_method,
        url=f"http://127.0.0.1:9/{info.request_uri.lstrip('/')}",
        request_headers=MappingProxyType({}),
        request_body=request_body,
        status=status,
        response_headers=MappingProxyType({k.lower(): v for k, v in headers.items()}),
        response_body=body,
    )


def success(op: str, body: Mapping[str, Any], *, status: int | None = None, raw: bytes | None = None) -> CallResult:
    """A success with ``body`` as JSON on the wire and botocore's parse of it."""
    info = operation(op)
    status = status if status is not None else info.success_status
    data = raw if raw is not None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    response = {"status_code": status, "headers": headers, "body": data}
    parsed = create_parser("rest-json").parse(response, info.output_shape)
    parsed.pop("ResponseMetadata", None)
    return CallResult(op, parsed=parsed, exchange=_exchange(op, status, headers, data))


def error(op: str, code: str, status: int, body: Mapping[str, Any] | None = None) -> CallResult:
    """A restJson1 error, parsed the way the targets layer does (``Error`` plus the modelled members)."""
    data = json.dumps(body if body is not None else {"message": f"{code} happened"}).encode()
    headers = {"Content-Type": "application/json", "X-Amzn-ErrorType": code}
    return raw_response(op, status, headers, data, code=code)


def raw_response(op: str, status: int, headers: Mapping[str, str], data: bytes, *, code: str | None) -> CallResult:
    """Any error response; ``code`` is what botocore would have named it (None: it is a success)."""
    response = {"status_code": status, "headers": dict(headers), "body": data}
    parser = create_parser("rest-json")
    parsed: dict[str, Any] = parser.parse(response, operation(op).output_shape)
    try:
        shape = service_model().shape_for(code) if code else None
    except Exception:
        shape = None
    if shape is not None:
        parsed.update(parser.parse(response, shape))
    parsed.pop("ResponseMetadata", None)
    return CallResult(op, error_code=code, error=parsed, exchange=_exchange(op, status, headers, data))


def transport(op: str, message: str) -> CallResult:
    return CallResult(op, transport_error=message, exchange=_exchange(op, 0, {}, b""))


def collaboration(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": COLLAB_ID,
        "arn": f"arn:aws:cleanrooms:us-east-1:{ACCOUNTS['creator']}:collaboration/{COLLAB_ID}",
        "name": "cr-run1",
        "creatorAccountId": ACCOUNTS["creator"],
        "creatorDisplayName": "creator",
        "createTime": T0,
        "updateTime": T0,
        "memberStatus": "INVITED",
        "queryLogStatus": "DISABLED",
        "autoApprovedChangeTypes": ["ADD_MEMBER"],
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def change_request(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": CR_ID,
        "collaborationId": COLLAB_ID,
        "createTime": T1,
        "updateTime": T1,
        "status": "COMMITTED",
        "isAutoApproved": True,
        "changes": [
            {
                "specificationType": "MEMBER",
                "specification": {
                    "member": {"accountId": ACCOUNTS["member"], "memberAbilities": [], "displayName": "joiner"}
                },
                "types": ["ADD_MEMBER"],
            }
        ],
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def member_summary(account: str, status: str, name: str) -> dict[str, Any]:
    return {
        "accountId": account,
        "status": status,
        "displayName": name,
        "abilities": [],
        "createTime": T0,
        "updateTime": T1,
        "paymentConfiguration": {"queryCompute": {"isResponsible": account == ACCOUNTS["creator"]}},
    }


@dataclass(frozen=True, slots=True)
class Call:
    actor: str
    operation: str
    params: Mapping[str, Any]
    raw_body: bytes | None


Entry = CallResult | Callable[[Call], CallResult]


@dataclass
class ScriptedCaller:
    """Answers call i with ``script[i]``; checks that the operation is the one the script expects."""

    script: Sequence[Entry]
    calls: list[Call] = field(default_factory=list)

    def call(
        self, actor: str, operation: str, params: Mapping[str, Any], *, raw_body: bytes | None = None
    ) -> CallResult:
        made = Call(actor, operation, params, raw_body)
        self.calls.append(made)
        entry = self.script[len(self.calls) - 1]
        result = entry(made) if callable(entry) else entry
        assert result.operation == operation, f"script expected {result.operation}, the runner called {operation}"
        return result


class RaisingCaller:
    """A caller whose call cannot be made at all (a configuration or suite problem)."""

    def call(
        self, actor: str, operation: str, params: Mapping[str, Any], *, raw_body: bytes | None = None
    ) -> CallResult:
        raise RuntimeError("no client for this actor")
