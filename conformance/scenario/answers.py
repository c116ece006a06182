"""Reads a call's raw outcome: an answer to judge (a success or a service error), or the failure that ends the step.

A transport failure or an unreadable body is ERROR; a target that does not have the operation (HTTP 501, an
unknown-operation error code, a 404/405 that names no Clean Rooms error) is UNSUPPORTED. A service error becomes
the value ``expect_error`` is matched against: ``{code, status, message, fields}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from conformance.model import account_lists
from conformance.model.exchange import CallResult, TooDeepJson, UnreadableJson, read_json
from conformance.model.service import OperationInfo, paging
from conformance.model.vocabulary import MODEL_EVIDENCE
from conformance.model.wire import unsupported_reason
from conformance.scenario.results import Failure, FailureKind

__all__ = ["Answer", "json_object", "narrowed", "read_answer"]


@dataclass(frozen=True, slots=True)
class Answer:
    """A response the runner could read: a success or a service error."""

    success: bool
    value: Any
    """Parsed success output, or the error value."""
    document: Mapping[str, Any] | None
    """The response body as JSON, when there was a raw exchange with a JSON object body."""


def narrowed(operation_name: str, answer: Answer, ids: frozenset[str]) -> Answer:
    """An account-wide list's answer holding only the items that name one of ``ids``."""
    found = paging(operation_name)
    if found is None or not isinstance(answer.value, Mapping):
        return answer
    items = answer.value.get(found.result_key)
    kept = [item for item in items if account_lists.item_ids(item) & ids] if isinstance(items, list) else []
    return replace(answer, value={**answer.value, found.result_key: kept})


def read_answer(info: OperationInfo, result: CallResult, index: int) -> Answer | Failure:
    """Classify the raw outcome: an answer to judge, or the ERROR/UNSUPPORTED failure that ends the step."""
    if result.transport_error is not None:
        kind: FailureKind = "unparseable" if result.transport_error.startswith("unparseable") else "transport"
        return Failure(kind, result.transport_error, MODEL_EVIDENCE, index)
    exchange = result.exchange
    status = result.status or _metadata_status(result.error)
    body = exchange.response_body if exchange is not None else b""
    headers = exchange.response_headers if exchange is not None else {}
    code = result.error_code
    reason = unsupported_reason(status, code, headers, body)
    if reason is not None:
        return Failure("unsupported", f"{info.name} is not implemented by the target: {reason}", MODEL_EVIDENCE, index)
    try:
        document = json_object(body) if body.strip() else ({} if exchange is not None else None)
    except TooDeepJson as exc:
        # botocore may have parsed it, but nothing past this point could walk it safely: the target broke.
        return Failure("unparseable", f"HTTP {status} body is unreadable: {exc}: {body[:80]!r}", MODEL_EVIDENCE, index)
    if code is None:
        if result.parsed is None:
            return Failure("error", "the call returned neither a response nor an error", MODEL_EVIDENCE, index)
        if body.strip() and document is None:
            message = f"HTTP {status} body is not a JSON object: {body[:80]!r}"
            return Failure("unparseable", message, MODEL_EVIDENCE, index)
        return Answer(True, result.parsed, document)
    if status >= 500 and body.strip() and document is None:
        # A 5xx page that is not a restJson1 error (a proxy's or a crash page): the target broke.
        message = f"HTTP {status} {code}: the body is not JSON: {body[:80]!r}"
        return Failure("unparseable", message, MODEL_EVIDENCE, index)
    return Answer(False, _error_value(code, status, result.error, document), document)


def json_object(body: bytes) -> Mapping[str, Any] | None:
    """The body as a JSON object; None when it is another JSON value or not JSON. Raises :class:`TooDeepJson`."""
    try:
        document = read_json(body)
    except TooDeepJson:
        raise
    except UnreadableJson:
        return None
    return document if isinstance(document, dict) else None


def _metadata_status(error: Mapping[str, Any] | None) -> int:
    metadata = (error or {}).get("ResponseMetadata") or {}
    return int(metadata.get("HTTPStatusCode", 0))


def _error_value(
    code: str, status: int, error: Mapping[str, Any] | None, document: Mapping[str, Any] | None
) -> dict[str, Any]:
    """``{code, status, message, fields}``: what ``expect_error`` is matched against.

    The members come from the body as sent when it is a JSON object (botocore keeps only the members of
    errors it knows), else from botocore's parsed error.
    """
    if document is not None:
        members = {k: v for k, v in document.items() if k not in ("__type", "code", "Code")}
    else:
        members = {k: v for k, v in (error or {}).items() if k not in ("Error", "ResponseMetadata")}
    message = members.pop("message", None)
    alternative = members.pop("Message", None)
    if message is None:
        message = alternative if alternative is not None else ((error or {}).get("Error") or {}).get("Message")
    value: dict[str, Any] = {"code": code, "status": status, "fields": members}
    if message is not None:
        value["message"] = message
    return value
